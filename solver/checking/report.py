"""The marked script: verdicts per key, scores, and what was wrong with the sheet.

`to_json()` is the report as data (PROBLEM_FORMAT section 6); `render()` writes it for the
terminal (colours only when asked), as Markdown, as LaTeX, or as a PDF of that LaTeX.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..answersheet.read import SheetProblem
from ..formats import REPORT_FORMATS, REPORT_TEMPLATES, listing
from ..rounding import format_number
from .judge import CARRIED, CORRECT, MISSING, WRONG, Judgement, QuestionReport

TEMPLATES = REPORT_TEMPLATES
COLOURS = {CORRECT: "green", CARRIED: "cyan", WRONG: "red", MISSING: "yellow"}


@dataclass(frozen=True)
class Report:
    problem_file: str
    answers_file: str | None
    title: str | None
    questions: tuple[QuestionReport, ...]
    problems: tuple[SheetProblem, ...]
    student: str | None = None           # the sheet's header: who wrote it, which variant it answers
    variant: int | None = None
    seed: int | None = None

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def out_of(self) -> float:
        return sum(q.out_of for q in self.questions)

    def verdicts(self, question: str | None = None) -> dict[str, str]:
        """key -> verdict (of the only question, or of the one named)."""
        qr = self.question(question)
        return {j.key: j.verdict for j in qr.judgements}

    def question(self, qid: str | None = None) -> QuestionReport:
        if qid is None:
            if len(self.questions) != 1:
                raise ValueError(f"the report has {len(self.questions)} questions: name one")
            return self.questions[0]
        return next(q for q in self.questions if q.id == qid)

    def to_json(self) -> dict[str, Any]:
        return {"problem": self.problem_file, "answers": self.answers_file, "title": self.title,
                "student": self.student, "variant": self.variant, "seed": self.seed,
                "score": _points(self.score), "out_of": _points(self.out_of),
                "questions": [_question_json(q) for q in self.questions],
                "problems": [str(p) for p in self.problems]}

    def render(self, fmt: str = "text", color: bool = False) -> str | bytes:
        if fmt == "json":
            import json
            return json.dumps(self.to_json(), indent=2) + "\n"
        if fmt == "pdf":
            from ..render.pdf import compile_pdf
            pdf, _ = compile_pdf(self.render("latex"))
            return pdf
        if fmt not in TEMPLATES:
            from ..errors import UsageError
            raise UsageError(f"a report is {listing(REPORT_FORMATS)}, not {fmt!r}")
        from ..errors import visible
        from ..render.documents import environment, latex_escape, markdown_escape
        esc = {"latex": latex_escape, "markdown": markdown_escape}.get(fmt, visible)   # text: escapes shown, not run
        paint = _painter(color)
        text = environment().get_template(TEMPLATES[fmt]).render(
            report=self, rows=[(q, [_row(q, j) for j in q.judgements]) for q in self.questions],
            esc=esc, paint=paint, points=_points_text, fmt=fmt)
        return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text))

    def __repr__(self) -> str:
        """One line: `<Report of sheet.yaml against problems/exam1.yaml: 30/34 marks, 3 questions>`;
        the marked script itself is `str(report)`, or the Markdown a notebook shows."""
        from ..solution import printable
        sheet = printable(self.answers_file) if self.answers_file else "answers given as data"
        problems = len(self.problems)
        flagged = f", {problems} problem{'' if problems == 1 else 's'} with the sheet" if problems else ""
        count = len(self.questions)
        return (f"<Report of {sheet} against {printable(self.problem_file)}: {_points_text(self.score)}/"
                f"{_points_text(self.out_of)} marks, {count} question{'' if count == 1 else 's'}{flagged}>")

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def __str__(self) -> str:
        return self.render("text")


def _painter(color: bool):
    if not color:
        return lambda text, verdict=None, bold=False: text
    import click

    def paint(text, verdict=None, bold=False):
        return click.style(text, fg=COLOURS.get(verdict), bold=bold)
    return paint


@dataclass(frozen=True)
class Row:
    """A judgement with its numbers written out as text, ready for a template."""
    j: Judgement
    given: str
    expected: str
    recomputed: str
    entries: list[str]
    partly: bool          # some entries right, some wrong


def _row(q: QuestionReport, j: Judgement) -> Row:
    return Row(j, _numbers(j.given), _numbers(j.expected, q.decimals), _numbers(j.recomputed, q.decimals),
               [_entry(e) for e in j.wrong_entries],
               0 < len(j.wrong_entries) < np.size(j.expected))


def _numbers(value: Any, decimals: int | None = None) -> str:
    """[0.32, 0.04, 0.24] or [[..], [..]] or 0.5239; the student's numbers as written."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "[" + ", ".join(_numbers(v, decimals) for v in value) + "]"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return format_number(float(value), decimals)


def _entry(index: tuple[int, ...]) -> str:
    return str(index[0]) if len(index) == 1 else "(" + ", ".join(str(i) for i in index) + ")"


def _points(v: float) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def _points_text(v: float) -> str:
    return format_number(v)


def _question_json(q: QuestionReport) -> dict[str, Any]:
    keys = {}
    for j in q.judgements:
        out: dict[str, Any] = {"verdict": j.verdict, "expected": j.expected, "given": j.given,
                               "marks": _points(j.marks), "out_of": _points(j.out_of)}
        if j.step is not None:
            out["step"] = j.step
            out["from"] = j.origin
        if j.wrong_entries:
            out["wrong_entries"] = [list(e) for e in j.wrong_entries]
        if j.recomputed is not None:
            out["recomputed"] = j.recomputed
        if j.note:
            out["note"] = j.note
        if j.slip:
            out["slip"] = j.slip
        if j.inferred_from:
            out["inferred"] = j.inferred
            out["inferred_from"] = list(j.inferred_from)
        keys[j.key] = out
    first = q.first_departure
    return {"id": q.id, "kind": q.kind, "score": _points(q.score), "out_of": _points(q.out_of),
            "tolerance": q.tolerance, "first_departure": ({"step": first.number, "key": first.key}
                                                          if first else None),
            "keys": keys}
