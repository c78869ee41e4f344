"""Read a student's answer sheet into arrays shaped like the key, collecting what is wrong
with it instead of stopping: every readable answer is still marked.

A sheet maps question ids to mappings of answer keys to values. A value is a number, a flat
list or a list of rows; a vector of one example may be flat or a column, a scalar may be a
1-element list. Blank values are unanswered. A problem with one question may leave out its id.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import ALIAS, answer_steps, describe, output_key
from ..errors import visible
from ..reading import describe as describe_value
from ..solution import QuestionSolution, Solution
from ..steps import Step
from ..yamlsource import Path_, Source, Unreadable, dotted
from ..problem import SHEET_HEADER_KEYS as HEADER_KEYS
from ..settings import MAX_VARIANTS


@dataclass(frozen=True)
class SheetProblem:
    """Something wrong in the sheet, at a place; the rest of the sheet is marked all the same."""
    field: str
    message: str
    file: str | None = None
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        """With a student's control characters (an escape sequence in a key) shown as escapes."""
        where = f"{self.file}:{self.line}:{self.col}: " if self.file else ""
        return visible(f"{where}{self.field}: {self.message}" if self.field else f"{where}{self.message}")


@dataclass(frozen=True)
class Sheet:
    file: str | None
    answers: dict[str, dict[str, np.ndarray]]     # question id -> key -> value in the step's shape
    problems: tuple[SheetProblem, ...]
    flagged: dict[str, dict[str, str]]            # question id -> key -> why it could not be marked
    header: "Header"
    transposed: dict[str, set[str]]               # question id -> keys written as the transpose (a slip)


@dataclass(frozen=True)
class Header:
    """Who wrote a sheet and which variant it answers: its top-level student:, variant:, seed:."""
    student: str | None = None
    variant: int | None = None       # variant k of the problem's randomize: section, drawn with `seed`
    seed: int = 0                    # the seed of --variants (default 0, as there)
    problems: tuple[SheetProblem, ...] = ()


def sheet_header(src: Source) -> Header:
    """The header of a sheet; a value that cannot be used is a problem of the sheet (and left out)."""
    data = src.data if isinstance(src.data, dict) else {}
    problems: list[SheetProblem] = []

    def bad(key: str, message: str) -> None:
        line, col = src.where((key,)) if src.file else (1, 1)
        problems.append(SheetProblem(key, message, src.file, line, col))

    student = data.get("student")
    if student is not None and not isinstance(student, (str, int)):
        bad("student", f"expected a name, got {describe_value(student)}")
        student = None
    numbers = {}
    for key in ("variant", "seed"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            bad(key, f"expected a whole number (the {key} written on the question sheet), got "
                     f"{describe_value(value)}")
            value = None
        numbers[key] = value
    if numbers["variant"] is not None and not 1 <= numbers["variant"] <= MAX_VARIANTS:
        bad("variant", f"variants are numbered from 1 to at most {MAX_VARIANTS:,}, as on the question sheets")
        numbers["variant"] = None
    return Header(None if student is None else str(student), numbers["variant"], numbers["seed"] or 0,
                  tuple(problems))


def from_data(data: Any) -> Source:
    """A sheet given as Python data (a dict, from a notebook): no lines to point at."""
    return Source(None, _plain(data), {}, frozenset())


def _plain(value: Any) -> Any:
    """NumPy arrays and scalars, tuples: the plain lists and numbers a YAML file gives."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def read_sheet(src: Source, solution: Solution) -> Sheet:
    head = sheet_header(src)
    reader = _SheetReader(src, solution)
    reader.read()
    return Sheet(src.file, reader.answers, head.problems + tuple(reader.problems), reader.flagged, head,
                 reader.transposed)


class _SheetReader:
    def __init__(self, src: Source, solution: Solution):
        self.src, self.solution = src, solution
        self.answers: dict[str, dict[str, np.ndarray]] = {qs.question.id: {} for qs in solution.questions}
        self.flagged: dict[str, dict[str, str]] = {qs.question.id: {} for qs in solution.questions}
        self.transposed: dict[str, set] = {qs.question.id: set() for qs in solution.questions}
        self.problems: list[SheetProblem] = []

    def problem(self, path: Path_, message: str) -> None:
        line, col = self.src.where(path) if self.src.file else (1, 1)
        self.problems.append(SheetProblem(dotted(path), message, self.src.file, line, col))

    def read(self) -> None:
        data = self.src.data
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in HEADER_KEYS}
        ids = [qs.question.id for qs in self.solution.questions]
        if not isinstance(data, dict):
            self.problem((), f"expected a mapping of question ids ({', '.join(ids)}) to answers, got "
                         f"{describe_value(data)}: start from the sheet that --format answers writes")
            return
        if len(ids) == 1 and ids[0] not in data and data and all(k not in ids for k in data):
            qs = self.solution.questions[0]
            keys = {s.key for s in answer_steps(qs)} | {ALIAS}
            if any(k in keys for k in data):     # one question, its keys at the top level
                self.question(qs, data, ())
                return
        for qid, answers in data.items():
            if qid in self.solution.problem.left_out:
                continue                       # a question of the file that --question leaves out
            if qid not in ids:
                self.problem((qid,), f"no question {qid!r} in {self.solution.problem.file}"
                             f"{suggest(qid, ids)} (questions: {', '.join(ids)})")
                continue
            qs = next(q for q in self.solution.questions if q.question.id == qid)
            if answers is None:
                continue                       # a question left blank: all its keys are missing
            if not isinstance(answers, dict):
                self.problem((qid,), f"expected the answers of {qid} as key: value lines (z1: [0.32, 0.04]), "
                             f"got {describe_value(answers)}")
                continue
            self.question(qs, answers, (qid,))

    def question(self, qs: QuestionSolution, answers: dict, path: Path_) -> None:
        steps = {s.key: s for s in answer_steps(qs)}
        alias = output_key(qs)
        qid = qs.question.id
        for key, raw in answers.items():
            where = path + (key,)
            target = alias if key == ALIAS and alias is not None else key
            if target not in steps:
                known = list(steps) + ([ALIAS] if alias else [])
                self.problem(where, f"{qid} has no answer key {key!r}{suggest(key, known)} "
                             f"({_listing(known)})")
                continue
            if raw is None:
                continue
            step = steps[target]
            value, why = self.value(raw, where, qs, step)
            if value is None:
                self.flagged[qid][target] = why
                continue
            if target in self.answers[qid]:
                if key == ALIAS or not np.allclose(self.answers[qid][target], value):
                    first, second = (target, ALIAS) if key == ALIAS else (ALIAS, target)
                    self.problem(where, f"{first} and {second} name the same answer (the output) but differ: "
                                 f"{target} is marked; give one of them")
                if key == ALIAS:
                    continue
            self.answers[qid][target] = value

    def value(self, raw: Any, path: Path_, qs: QuestionSolution, step: Step) -> tuple[np.ndarray | None, str]:
        arr, why = self.numbers(raw, path)
        if arr is None:
            return None, why
        fitted = fit(arr, np.shape(step.value))
        if fitted is None:
            got = _shape_of(arr)
            hint = ""
            if arr.ndim == 2 and np.ndim(step.value) == 2 and arr.shape == np.shape(step.value)[::-1]:
                self.transposed[qs.question.id].add(step.key)    # judged as written transposed: a slip
                return arr.T, ""
            if arr.ndim == 1 and arr.size == np.size(step.value):
                hint = ": write it as a list of rows, [[..], [..]]"
            why = f"expected {describe(qs, step)}; got {got}{hint}"
            self.problem(path, why)
            return None, why
        return fitted, ""

    def numbers(self, raw: Any, path: Path_) -> tuple[np.ndarray | None, str]:
        """The numbers of a value, rectangular, or None and a problem recorded."""
        if _is_number(raw):
            return np.asarray(float(raw)), ""
        if isinstance(raw, list):
            if not raw:
                return self.fail(path, "an empty list: give the numbers, or leave the key blank")
            if all(isinstance(v, list) for v in raw) and any(isinstance(w, list) for v in raw for w in v):
                parts = []          # an array of 3 or 4 dimensions (a conv question's maps, kernels)
                for i, item in enumerate(raw):
                    arr, why = self.numbers(item, path + (i,))
                    if arr is None:
                        return None, why
                    parts.append(arr)
                if len({a.shape for a in parts}) > 1:
                    return self.fail(path, f"items of different shapes ({', '.join(_shape_of(a) for a in parts)}): "
                                     "every item needs the same shape")
                return np.array(parts), ""
            if all(isinstance(v, list) for v in raw):
                rows = []
                for i, row in enumerate(raw):
                    vec, why = self.flat(row, path + (i,))
                    if vec is None:
                        return None, why
                    rows.append(vec)
                widths = {len(r) for r in rows}
                if len(widths) > 1:
                    return self.fail(path, f"rows of different lengths ({', '.join(str(len(r)) for r in rows)}): "
                                     "every row needs the same number of entries")
                return np.array(rows, dtype=float), ""
            if any(isinstance(v, list) for v in raw):
                return self.fail(path, "mixes numbers and lists: write a flat list [..] or a list of rows [[..], [..]]")
            return self.flat(raw, path)
        return self.fail(path, _not_a_number(raw, path in self.src.quoted))

    def flat(self, raw: Any, path: Path_) -> tuple[np.ndarray | None, str]:
        if not isinstance(raw, list) or not raw:
            return self.fail(path, f"expected a row of numbers [..], got {describe_value(raw)}")
        for i, v in enumerate(raw):
            if not _is_number(v):
                return self.fail(path + (i,), _not_a_number(v, path + (i,) in self.src.quoted)
                                 if v is not None else "an empty entry: give every number of the row")
        return np.array([float(v) for v in raw]), ""

    def fail(self, path: Path_, message: str) -> tuple[None, str]:
        self.problem(path, message)
        return None, message


def fit(arr: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """The student's numbers in the shape the step computes with, when the way they were
    written leaves no doubt about which number is which; None otherwise."""
    if arr.size != int(np.prod(shape, dtype=int)):
        return None
    if arr.shape == shape or arr.size == 1:
        return arr.reshape(shape)
    if np.squeeze(arr).shape == tuple(d for d in shape if d != 1):
        return arr.reshape(shape)     # a flat list, a row or a column for a vector
    return None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)


def _not_a_number(v: Any, quoted: bool) -> str:
    if isinstance(v, Unreadable):
        return v.why
    if isinstance(v, float):
        return f"{v} is not a finite number: give a real value"
    if isinstance(v, str) and quoted:
        try:
            float(v)
            return f"the text {v!r} where a number belongs: remove the quotes"
        except ValueError:
            pass
    if isinstance(v, bool):
        return f"expected a number, got {describe_value(v)} (YAML reads yes/no, true/false and on/off as booleans)"
    if isinstance(v, str) and "/" in v:
        return f"expected a number, got the text {v!r}: write fractions as decimals"
    return f"expected a number or a list of numbers, got {describe_value(v)}"


def _shape_of(arr: np.ndarray) -> str:
    if arr.ndim == 0:
        return "1 number"
    if arr.ndim == 1:
        return f"{arr.size} number" + ("s" if arr.size != 1 else "")
    return " x ".join(str(n) for n in arr.shape)


def suggest(word: str, choices) -> str:
    same = [c for c in choices if c.lower() == str(word).lower()]     # dw1 for dW1
    close = same or difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _listing(keys: list[str], most: int = 12) -> str:
    if len(keys) <= most:
        return "its keys: " + ", ".join(keys)
    return f"the sheet that --format answers writes lists its {len(keys)} keys"
