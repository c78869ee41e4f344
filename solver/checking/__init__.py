"""Checking a student's answers against the key (`solve FILE --check ANSWERS.yaml`).

    from solver import check
    report = check("problems/exam1.yaml", {"q1": {"z1": [0.32, 0.04, 0.24], "a1": [...]}})
    report.verdicts("q1")       # {"z1": "correct", ...}
    report                      # in Jupyter: the marked script

The sheet is read into arrays shaped like the key (sheet.py), each question is judged from
the Solution's own steps (judge.py) and the report says it (report.py). Nothing is derived
again: the checker only calls each step's `recompute` on the student's values.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..answersheet.read import from_data, read_sheet
from ..solution import Solution
from .judge import CARRIED, CORRECT, MISSING, WRONG, judge_question
from .report import Report
from ..yamlsource import Source, load_sheet

__all__ = ["check", "check_file", "check_sheet", "check_answers", "Report", "CORRECT", "WRONG", "CARRIED", "MISSING"]


def check_file(solution: Solution, answers_path: str | Path) -> Report:
    """Mark the answer sheet at `answers_path`; a file that is not YAML raises ProblemError."""
    return check_sheet(solution, load_sheet(answers_path))


def check_sheet(solution: Solution, src: Source) -> Report:
    """Mark an answer sheet already read with `load_sheet` (the command line reads it before solving)."""
    return _mark(solution, src, src.file)


def check_answers(solution: Solution, answers: Mapping[str, Any]) -> Report:
    """Mark answers given as Python data: {question id: {key: value}} (or {key: value} for a
    problem of one question); values are numbers, lists, lists of rows or NumPy arrays."""
    return _mark(solution, from_data(answers), None)


def check(problem: str | Path | Solution, answers: str | Path | Mapping[str, Any], **overrides) -> Report:
    """Solve `problem` (a path, or a Solution already made) and mark `answers` (a sheet's path,
    or a dict). Overrides as for `solve`: decimals, carry, notation, question."""
    src = from_data(answers) if isinstance(answers, Mapping) else load_sheet(answers)  # read before solving
    if isinstance(problem, Solution):
        solution = problem
    else:
        from ..settings import Settings
        solution = solution_for(problem, src, Settings.of(**overrides))
    return _mark(solution, src, None if isinstance(answers, Mapping) else src.file)


def _mark(solution: Solution, src, answers_file: str | None) -> Report:
    sheet = read_sheet(src, solution)
    questions = tuple(judge_question(qs, sheet.answers[qs.question.id], sheet.flagged[qs.question.id],
                                     sheet.transposed[qs.question.id],
                                     solution.problem.file)
                      for qs in solution.questions)
    head = sheet.header
    return Report(solution.problem.file, answers_file, solution.problem.title, questions, sheet.problems,
                  head.student, head.variant, head.seed if head.variant is not None else None)


def solution_for(problem: str | Path, src: Source, settings=None) -> Solution:
    """What a sheet is marked against: the problem file as it stands, or, for a sheet whose header
    says `variant: k` (and `seed: S`), variant k drawn again from the file's randomize: section
    with seed S (the drawing is deterministic: the same variant the student was given)."""
    from ..answersheet.read import sheet_header
    from ..api import solve
    from ..settings import Settings

    settings = settings or Settings()
    head = sheet_header(src)
    if head.variant is None:
        return solve(problem, settings)
    from ..variants import variant_solution
    return variant_solution(Path(problem), head.variant, head.seed, settings)
