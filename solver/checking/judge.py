"""Marking one question: each answer key judged correct, wrong, carried or missing.

A key is right when every entry is within the tolerance of the key's value (the value the
solution shows, or its full-precision value). When it is not, the step is done again from the
student's own values of the keys it was computed from (`step.recompute`, with the key's values
for inputs left blank): if the answer fits that, the error was carried forward from an earlier
step and the step earns its marks, as a careful marker gives them.

An answer right only to fewer decimals than asked (0.52 for 0.5239 at 4 decimals) is wrong,
with a note saying so: the question asks for the decimals, and later steps done on the
shorter number are judged on it (carried), so one shortened number costs one mark.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..answersheet import answer_steps, json_value, output_key, shape_words
from ..errors import ProblemError
from ..rounding import round_as_shown, round_half_up
from ..solution import QuestionSolution
from ..steps import Step
from .values import environment
from .slips import Slip, name_slip
from .bridge import bridge_blanks

CORRECT, WRONG, CARRIED, MISSING = "correct", "wrong", "carried", "missing"
# Float noise of a difference of two decimals; an answer exactly half a unit away is right.
SLACK = 1e-9
TINY = 1e-12            # ... and an absolute slack, for float noise where the tolerance is 0


@dataclass(frozen=True)
class Judgement:
    key: str
    verdict: str
    number: int                      # the step that shows this key
    expected: Any                    # the key's value, in the sheet's shape
    given: Any = None                # the student's value, in the sheet's shape
    step: int | None = None          # wrong/carried: the first step where the numbers part from the key
    origin: str | None = None        # the key of that step
    wrong_entries: tuple[tuple[int, ...], ...] = ()   # 1-based, in the sheet's shape
    recomputed: Any = None           # the step done on the student's own earlier values
    note: str | None = None
    slip: str | None = None          # wrong: the slip that explains it (slips.SLIPS), if one does
    inferred: Any = None             # missing: the value read off the student's later answers (bridge.py)
    inferred_from: tuple[str, ...] = ()   # ... and the later keys it was read off
    marks: float = 0.0
    out_of: float = 1.0


@dataclass(frozen=True)
class QuestionReport:
    id: str
    kind: str
    title: str | None
    decimals: int
    tolerance: float
    judgements: tuple[Judgement, ...]
    flagged: dict[str, str]

    @property
    def score(self) -> float:
        return sum(j.marks for j in self.judgements)

    @property
    def out_of(self) -> float:
        return sum(j.out_of for j in self.judgements)

    @property
    def first_departure(self) -> Judgement | None:
        """The earliest step where the student's numbers part from the key."""
        return next((j for j in self.judgements if j.verdict == WRONG), None)


def tolerance_of(qs: QuestionSolution) -> float:
    tol = qs.question.marking.tolerance
    return tol if tol is not None else 0.5 * 10.0 ** -qs.question.display.decimals


def marks_of(qs: QuestionSolution, file: str) -> dict[str, float]:
    """Points per key: 1 unless the question's `marks` says otherwise (yhat counts as the output)."""
    keys = [s.key for s in answer_steps(qs)]
    alias = output_key(qs)
    out = {k: 1.0 for k in keys}
    for key, points, (line, col, field) in qs.question.marking.marks:
        target = alias if key == "yhat" and alias else key
        if target not in out:
            from ..answersheet.read import suggest
            known = keys + (["yhat"] if alias else [])
            raise ProblemError(file, line, col, field, f"no answer key {key!r} in question {qs.question.id}"
                               f"{suggest(key, known)} "
                               f"(its keys: {', '.join(known)})")
        out[target] = float(points)
    return out


def judge_question(qs: QuestionSolution, given: dict[str, np.ndarray], flagged: dict[str, str],
                   transposed: set, file: str) -> QuestionReport:
    q = qs.question
    tol = tolerance_of(qs)
    marks = marks_of(qs, file)
    numbers = qs.numbers
    steps = answer_steps(qs)
    shown, exact = environment(qs), environment(qs, exact=True)
    bridges = bridge_blanks(steps, given, shown, exact, tol, q.display.decimals, _is_whole)
    chain = dict(given)                  # the student's values, and the blanks read off later answers
    chain.update({k: b.value for k, b in bridges.items() if b.value is not None})
    verdicts: dict[str, str] = {}
    origins: dict[str, str] = {}
    off_key: set[str] = set()            # blanks read off later answers whose value is not the key's
    out = []
    for s in steps:
        if s.key in bridges:             # blank, and later steps were computed from it
            j = _bridged(qs, s, Judgement(s.key, MISSING, qs.numbers[s.key], json_value(qs, s, s.value)),
                         bridges[s.key])
            if bridges[s.key].value is not None and not _is_keys(s, bridges[s.key].value, tol):
                off_key.add(s.key)
        else:
            j = _judge(qs, s, chain, shown, exact, tol, verdicts, off_key)
        if s.key in transposed:
            j = _as_transposed(qs, s, j)
        verdicts[s.key] = j.verdict
        if j.verdict in (WRONG, CARRIED):
            origins[s.key] = _origin(s, steps, verdicts, origins, off_key)
            j = _with(j, origin=origins[s.key], step=numbers[origins[s.key]])
        if s.key in flagged and j.verdict == MISSING:
            j = _with(j, note=f"not marked: {flagged[s.key]}" + (f"; {j.note}" if j.note else ""))
        earned = marks[s.key] if j.verdict in (CORRECT, CARRIED) else 0.0
        out.append(_with(j, marks=earned, out_of=marks[s.key]))
    return QuestionReport(q.id, q.kind, q.title, q.display.decimals, tol, tuple(out), dict(flagged))


def _is_keys(s: Step, value, tol: float) -> bool:
    return bool((_close(value, s.value, tol) | _close(value, s.exact, tol)).all())


def _bridged(qs: QuestionSolution, s: Step, j: Judgement, bridge) -> Judgement:
    """A blank that later steps were computed from: read off the student's later answers, or
    said to be undetermined (the later steps then use the key's value)."""
    decimals = qs.question.display.decimals
    if bridge.value is None and bridge.alone:
        seen = json_value(qs, s, _typed(s, round_as_shown(bridge.alone_value, decimals, _is_whole(s))))
        return _with(j, note=f"left blank; only your {_and(list(bridge.alone))} would give it, as "
                             f"{_written(seen, decimals)}, and nothing else you wrote confirms that: "
                             "the later steps are judged against the key")
    if bridge.value is None:
        return _with(j, note=f"left blank and cannot be told from your later answers ({_and(list(bridge.users))}): "
                             "the later steps are judged against the key")
    value = json_value(qs, s, _typed(s, round_as_shown(bridge.value, decimals, _is_whole(s))))
    same = " (the key's value)" if _is_keys(s, bridge.value, tolerance_of(qs)) else ""
    sources = list(bridge.sources)
    if bridge.own:
        words = (f"left blank; done on your earlier answers it is {_written(value, decimals)}{same}, and your "
                 f"{_and(sources)} agree{'s' if len(sources) == 1 else ''} with it")
    else:
        words = (f"left blank; your {_and(sources)} give{'s' if len(sources) == 1 else ''} it as "
                 f"{_written(value, decimals)}{same}")
    return _with(j, inferred=value, inferred_from=bridge.sources, note=words + ": the later steps are judged on that")


def _written(value, decimals: int) -> str:
    from ..rounding import format_number
    if isinstance(value, list):
        return "[" + ", ".join(_written(v, decimals) for v in value) + "]"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return format_number(float(value), decimals)


def _as_transposed(qs: QuestionSolution, s: Step, j: Judgement) -> Judgement:
    """A matrix written with rows and columns exchanged is wrong as written, whatever its numbers;
    the slip is named, and later steps are judged on it turned the right way."""
    layout = ("a weight matrix has one row per unit of its layer" if "units x inputs" in shape_words(qs, s)
              else "one row per example")
    given = None if j.given is None else np.asarray(j.given, dtype=float).T.tolist()
    words = "the matrix is transposed: " + layout + ("" if j.verdict == CORRECT else
                                                    "; turned the right way it is still wrong")
    return _with(j, verdict=WRONG, given=given, slip="transposed", note=words,
                 wrong_entries=() if j.verdict == CORRECT else j.wrong_entries)


def _with(j: Judgement, **changes) -> Judgement:
    from dataclasses import replace
    return replace(j, **changes)


def _judge(qs, s: Step, given, shown, exact, tol, verdicts, off_key=frozenset()) -> Judgement:
    number = qs.numbers[s.key]
    expected = json_value(qs, s, s.value)
    if s.key not in given:
        return Judgement(s.key, MISSING, number, expected)
    mine = given[s.key]
    as_sheet = json_value(qs, s, _typed(s, mine))
    whole = _is_whole(s)
    t = SLACK if whole else tol
    ok = _close(mine, s.value, t) | _close(mine, s.exact, t)
    if ok.all():
        return Judgement(s.key, CORRECT, number, expected, as_sheet)
    decimals = qs.question.display.decimals
    note = None if whole else _fewer_decimals(mine, s.value, ok, decimals)
    entries = _entries(qs, s, ~ok)
    recomputed = _recompute(s, given, shown, verdicts)
    slip = None if whole else _slip(qs, s, mine, recomputed, t, decimals, note)
    if slip is not None and note is None:
        note = slip.words
    departed = [k for k in s.inputs if k in given and _parts_from_key(k, verdicts, off_key)]
    if recomputed is not None and _close(mine, recomputed, t).all():
        shown_again = json_value(qs, s, _typed(s, round_as_shown(recomputed, decimals, whole)))
        if departed:
            named = [f"{k} (left blank, read off your answers)" if k in off_key else k for k in departed]
            return Judgement(s.key, CARRIED, number, expected, as_sheet, recomputed=shown_again,
                             note=f"done right on your {_and(named)}")
        # right from values that are themselves right (or the key's, where blank): the rounding
        # of the inputs moved the result past the tolerance
        return Judgement(s.key, CORRECT, number, expected, as_sheet, recomputed=shown_again,
                         note=f"done right on {_and([k for k in s.inputs if k in verdicts])} as given; "
                              "it differs from the key by rounding")
    shown_again = None
    if recomputed is not None and departed:
        shown_again = json_value(qs, s, _typed(s, round_as_shown(recomputed, decimals, whole)))
    return Judgement(s.key, WRONG, number, expected, as_sheet, wrong_entries=entries, recomputed=shown_again,
                     note=note, slip=slip.name if slip else None)


def _slip(qs, s: Step, mine, recomputed, tol: float, decimals: int, fewer: str | None) -> Slip | None:
    """The slip of a wrong answer: against the key, else against the step done on the student's
    own earlier values (a slip made on a carried error)."""
    if fewer is not None:
        return Slip("fewer_decimals", fewer)

    def on_sheet(t: Step, value) -> np.ndarray:       # entries numbered as the sheet writes them
        return np.reshape(np.asarray(value, dtype=float), np.shape(json_value(qs, t, t.value)))

    others = {t.key: on_sheet(t, t.value) for t in answer_steps(qs) if t.key != s.key and t.value is not None}
    found = name_slip(on_sheet(s, mine), on_sheet(s, s.value), on_sheet(s, s.exact), tol, decimals, others)
    if found is None and recomputed is not None:
        found = name_slip(on_sheet(s, mine), on_sheet(s, round_as_shown(recomputed, decimals, False)),
                          on_sheet(s, recomputed), tol, decimals, {})
    return found


def _recompute(s: Step, given, shown, answer_keys) -> np.ndarray | None:
    """The step done again on the student's values of its inputs (the key's where blank)."""
    if not any(k in answer_keys for k in s.inputs):
        return None            # computed from the givens alone: nothing of the student's to carry
    values = dict(shown)
    values.update({k: given[k] for k in s.inputs if k in given and k in answer_keys})
    try:
        with np.errstate(all="raise"):
            out = np.asarray(s.recompute(values), dtype=float)
    except (ArithmeticError, ValueError, FloatingPointError, KeyError):
        return None            # the student's numbers cannot go through the step (log of 0, ...)
    if out.shape != np.shape(s.value) or not np.all(np.isfinite(out)):
        return None
    return out


def _close(mine: np.ndarray, target, tol: float) -> np.ndarray:
    diff = np.abs(np.asarray(mine, dtype=float) - np.asarray(target, dtype=float))
    return diff <= tol * (1 + SLACK) + TINY


def _is_whole(s: Step) -> bool:
    return isinstance(s.value, (int, np.integer, bool, np.bool_)) or \
        (isinstance(s.value, np.ndarray) and s.value.dtype.kind in "iub")


def _typed(s: Step, value: np.ndarray):
    """The student's value in the type of the key's (whole numbers stay whole when they are)."""
    arr = np.asarray(value, dtype=float)
    if _is_whole(s) and np.all(arr == np.round(arr)):
        return int(arr) if arr.ndim == 0 else arr.astype(int)
    return float(arr) if arr.ndim == 0 else arr


def _fewer_decimals(mine: np.ndarray, key, ok: np.ndarray, decimals: int) -> str | None:
    """'right to 2 decimals, 4 asked' when every wrong entry is the key rounded to fewer decimals."""
    wrong = np.asarray(mine, dtype=float)[~ok]
    target = np.asarray(key, dtype=float)[~ok]
    for k in range(decimals - 1, -1, -1):
        # every wrong entry has at most k decimals (0.5 counts as 0.50: a sheet's number has no
        # trailing zeros to tell)
        short = all(round_half_up(float(v), k) == float(v) for v in wrong)
        if short and _close(wrong, target, 0.5 * 10.0 ** -k).all():
            return f"right to {k} decimal{'s' if k != 1 else ''}, {decimals} asked"
    return None


def _entries(qs: QuestionSolution, s: Step, bad: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """The wrong entries, 1-based, in the shape of the sheet (none for a single number)."""
    shape = np.shape(json_value(qs, s, s.value))
    if not shape or np.size(bad) <= 1:
        return ()
    flat = np.asarray(bad).reshape(shape)
    return tuple(tuple(int(i) + 1 for i in idx) for idx in zip(*np.nonzero(flat)))


def _origin(s: Step, steps: list[Step], verdicts: dict[str, str], origins: dict[str, str],
            off_key: set[str] = frozenset()) -> str:
    """The earliest step, among this one and those it was computed from (all the way back),
    whose answer parts from the key."""
    order = {t.key: i for i, t in enumerate(steps)}
    by_key = {t.key: t for t in steps}
    seen, stack, best = set(), [s.key], s.key
    while stack:
        k = stack.pop()
        if k in seen or k not in by_key:
            continue
        seen.add(k)
        if _parts_from_key(k, verdicts, off_key) and order[k] < order[best]:
            best = k
        if verdicts.get(k) != CORRECT or k == s.key:
            stack.extend(by_key[k].inputs)     # a right answer is where the numbers rejoin the key
    return origins.get(best, best) if best != s.key else best


def _parts_from_key(k: str, verdicts: dict[str, str], off_key) -> bool:
    """The student's value of k is not the key's: answered wrong or carried, or left blank and read
    off later answers as another value."""
    return verdicts.get(k) in (WRONG, CARRIED) or k in off_key


def _and(keys: list[str]) -> str:
    return keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]
