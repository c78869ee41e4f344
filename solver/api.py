"""`solve(path)`: the library entry point the command line is a thin shell around."""
from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

from .errors import ProblemError, UsageError
from .kinds import solved as solve_one
from .model import Problem, Question
from .problem import read_problem
from .settings import Settings
from .solution import Solution
from .yamlsource import load_file


def load_problem(path: str | Path, settings: Settings | None = None) -> Problem:
    settings = settings or Settings()
    problem = read_problem(load_file(path), settings.max_parameters)
    questions = tuple(_override(q, settings) for q in problem.questions)
    if settings.question is not None:
        ids = [q.id for q in questions]
        if settings.question not in ids:
            close = difflib.get_close_matches(settings.question, ids, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"--question {settings.question!r}: no such question in {path}{hint} "
                             f"(questions: {', '.join(ids)})")
        questions = tuple(q for q in questions if q.id == settings.question)
    return dataclasses.replace(problem, questions=questions)


def _override(q: Question, s: Settings) -> Question:
    display = q.display
    for name in ("decimals", "carry", "notation"):
        value = getattr(s, name)
        if value is not None:
            display = dataclasses.replace(display, **{name: value})
    return dataclasses.replace(q, display=display)


def solve(path: str | Path, settings: Settings | None = None, **overrides) -> Solution:
    """Solve every question of a problem file. Overrides: decimals, carry, notation, question."""
    if settings is None:
        settings = Settings.of(**overrides)
    elif overrides:
        raise UsageError("give either settings or keyword overrides, not both")
    problem = load_problem(path, settings)
    solved = []
    for q in problem.questions:
        try:
            solved.append(solve_one(q))
        except ArithmeticError as exc:
            line, col, field = q.where
            hint = (" An output that rounds to exactly 0 or 1 breaks a log loss: use smaller weights, "
                    "more decimals or carry: exact." if q.loss in ("bce", "cce", "sparse_cce") else "")
            raise ProblemError(problem.file, line, col, field or q.id,
                               f"cannot be worked out: {exc}.{hint}") from None
    return Solution(problem, tuple(solved))
