"""`solve(path)`: the library entry point the command line is a thin shell around.

The problem file is read and validated before SymPy and NumPy are imported (by the
kinds, once there is something to solve), so that a bad file is refused at once.
"""
from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ProblemError, UsageError
from .model import Problem
from .problem import validate
from .settings import Settings
from .yamlsource import load_file

if TYPE_CHECKING:
    from .solution import Solution


def __getattr__(name: str):
    # The Solution types come with SymPy and NumPy: imported when first asked for.
    if name in ("Solution", "QuestionSolution"):
        from . import solution
        return getattr(solution, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_problem(path: str | Path, settings: Settings | None = None) -> Problem:
    """The validated problem with the settings applied; its numbers become NumPy arrays last."""
    settings = settings or Settings()
    problem = validate(load_file(path), settings.max_parameters, settings.shown)
    questions = problem.questions
    if settings.question is not None:
        ids = [q.id for q in questions]
        if settings.question not in ids:
            close = difflib.get_close_matches(settings.question, ids, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"--question {settings.question!r}: no such question in {path}{hint} "
                             f"(questions: {', '.join(ids)})")
        left_out = tuple(i for i in ids if i != settings.question)
        questions = tuple(q for q in questions if q.id == settings.question)
        return dataclasses.replace(problem, questions=questions, left_out=left_out).for_solving()
    return dataclasses.replace(problem, questions=questions).for_solving()


def solve(path: str | Path, settings: Settings | None = None, **overrides) -> Solution:
    """Solve every question of a problem file. Overrides: decimals, carry, notation, question."""
    if settings is None:
        settings = Settings.of(**overrides)
    elif overrides:
        raise UsageError("give either settings or keyword overrides, not both")
    problem = load_problem(path, settings)
    from .kinds import solved as solve_one
    from .losses import LOSSES
    from .solution import Solution

    solved = []
    for q in problem.questions:
        try:
            solved.append(solve_one(q))
        except ArithmeticError as exc:
            line, col, field = q.where
            hint = (" An output that rounds to exactly 0 or 1 breaks a log loss: use smaller weights, "
                    "more decimals or carry: exact." if q.loss in LOSSES and LOSSES[q.loss].needs_unit_interval else "")
            raise ProblemError(problem.file, line, col, field or q.id,
                               f"cannot be worked out: {exc}.{hint}") from None
    return Solution(problem, tuple(solved))
