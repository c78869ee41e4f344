"""What a learning platform is given of one question: its sheet and worked solution as HTML, its
pictures, and every entry of every answer key with its tolerance. Computed here once, laid out
by moodle.py and qti.py; nothing here knows either format.

The values are the answer keys of `--format json` (as shown, to the question's decimals); the
tolerance is the one `--check` marks with (half a unit in the last shown decimal, or the file's
`tolerance`; a whole number must be exact).
"""
from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from html import escape as html_escape

import numpy as np

from ..answersheet import answer_steps, json_value
from ..checking.judge import _is_whole, marks_of, tolerance_of
from ..formats import Style
from ..solution import QuestionSolution, Solution


@dataclass(frozen=True)
class Entry:
    """One number to type: entry `index` (0-based) of answer key `key`."""
    key: str
    index: tuple[int, ...]
    value: float | int
    tolerance: float            # a right answer is within this of `value` (0: exactly it)

    @property
    def label(self) -> str:
        """`dW1[2][1]`: the entry as the answer sheet numbers it (from 1)."""
        return self.key + "".join(f"[{i + 1}]" for i in self.index)

    @property
    def text(self) -> str:
        return number_text(self.value)

    @property
    def low(self) -> str:
        return number_text(Decimal(self.text) - Decimal(number_text(self.tolerance)))

    @property
    def high(self) -> str:
        return number_text(Decimal(self.text) + Decimal(number_text(self.tolerance)))


@dataclass(frozen=True)
class LmsKey:
    key: str
    what: str                   # what it is, in words (the answer sheet's comment)
    step: int                   # the step of the worked solution that finds it
    shape: tuple[int, ...]      # () a number, (n,) a row, (m, n) a matrix
    entries: tuple[Entry, ...]  # in row-major order
    marks: float                # the key's marks (1 unless the file's `marks` says)


@dataclass(frozen=True)
class LmsQuestion:
    """One question of one problem (or of one variant): everything an export writes of it."""
    id: str
    name: str                   # a name for the platform's question bank
    title: str | None
    label: str | None           # "Variant 3, seed 7" with --variants
    sheet_html: str             # what is given and what to find (no answers)
    solution_html: str          # the worked solution
    keys: tuple[LmsKey, ...]
    files: dict[str, bytes]     # the pictures the HTML names by file name (src="<name>")
    decimals: int

    @property
    def entries(self) -> list[Entry]:
        return [e for k in self.keys for e in k.entries]


def number_text(x) -> str:
    """A number as plain decimal text, never in exponent form (platforms parse 5e-05 badly):
    the shortest text that is the float, 0.00005 rather than 5e-05; whole numbers as whole."""
    if isinstance(x, (bool, np.bool_)):
        return "1" if x else "0"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def key_entries(qs: QuestionSolution, step) -> tuple[tuple[int, ...], tuple[Entry, ...]]:
    """The shape of a key's value in the JSON key, and its entries in row-major order."""
    value = json_value(qs, step, step.value)
    tol = 0.0 if _is_whole(step) else tolerance_of(qs)
    arr = np.asarray(value, dtype=object)
    return arr.shape, tuple(Entry(step.key, tuple(int(i) for i in index), _plain(arr[index]), tol)
                            for index in np.ndindex(arr.shape))


def _plain(v):
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    return float(v)


def lms_questions(solution: Solution, stem: str, style: Style = Style(), label: str | None = None) -> list[LmsQuestion]:
    """Every question of the solution, its pictures named `<stem>-<question id>-<figure>.<ext>`."""
    from ..answersheet import describe
    from ..render.documents import _sheet_questions, environment
    from ..render.escape import markdown_escape
    from ..render.html import markdown_to_html

    problem = solution.problem
    out = []
    for qs in solution.questions:
        q = qs.question
        files: dict[str, bytes] = {}
        alone = Solution(dataclasses.replace(problem, title=None, questions=(q,)), (qs,))
        [(_, f, given, find)] = _sheet_questions(alone, "markdown", files, stem, style)
        sheet_md = environment().get_template("lms/question.md.j2").render(
            qs=qs, f=f, given=given, find=find, fmt="markdown", esc=markdown_escape)
        solution_md = alone.render("markdown", files, stem, style.brief, style.detail)
        marks = marks_of(qs, problem.file)
        numbers = qs.numbers
        keys = []
        for s in answer_steps(qs):
            shape, entries = key_entries(qs, s)
            keys.append(LmsKey(s.key, describe(qs, s), numbers[s.key], shape, entries, marks[s.key]))
        name = " ".join(p for p in [problem.title or stem, q.id, q.title and f"({q.title})", label and f"[{label}]"] if p)
        out.append(LmsQuestion(q.id, name, q.title, label, markdown_to_html(sheet_md), markdown_to_html(solution_md),
                               tuple(keys), files, q.display.decimals))
    return out


def with_sources(html: str, files, where) -> str:
    """The HTML with each picture's src (its file name) replaced by `where(name)`."""
    for name in files:
        html = re.sub(r'src="' + re.escape(html_escape(name)) + '"', lambda m: f'src="{html_escape(where(name))}"', html)
    return html


def xml_bytes(root: ET.Element) -> bytes:
    """An XML file of `root`, indented, with its declaration and a final newline."""
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
