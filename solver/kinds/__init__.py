"""The kinds of question: one folder each (solver/kinds/<kind>/), listed in registry.py.

`solved(question)` turns a validated question into its QuestionSolution: the kind's steps,
and what its notation writes beyond them. Importing this package loads nothing heavy; a
kind's solving code is imported when a question of it is solved.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from .registry import kind

if TYPE_CHECKING:
    from ..derive import Derivation
    from ..model import Question
    from ..solution import QuestionSolution
    from ..steps import Step


def solve_question(q: Question) -> tuple[list[Step], Derivation | None]:
    return kind(q.kind).solve(q)


def solved(q: Question) -> QuestionSolution:
    """The question's steps, and what its notation writes beyond them (matrices over the batch,
    chains of factors), computed and cross-checked here so that rendering only formats."""
    from ..solution import QuestionSolution
    steps, derivation = solve_question(q)
    qs = QuestionSolution(q, tuple(steps), derivation)
    if not any(s.key == "z1" for s in steps) or q.display.notation == "layer":
        return qs
    if q.display.notation == "batch":
        from .network.batch_form import build_view
        return dataclasses.replace(qs, written=build_view(qs))
    from .network.indexed_chains import indexed_chains
    return dataclasses.replace(qs, written=indexed_chains(qs))
