"""One module per kind of question; each turns a validated Question into steps.

`network` serves forward and backprop; every other kind K is `solver/kinds/K.py` with
`solve(question) -> list[Step]`, whose fields were read by `solver/fields/K.py`.
"""
from __future__ import annotations

import importlib

import dataclasses

from ..derive import Derivation
from ..model import Question
from ..solution import QuestionSolution
from ..steps import Step


def solve_question(q: Question) -> tuple[list[Step], Derivation | None]:
    if q.kind in ("forward", "backprop"):
        from .network import solve_network_question
        steps, derivation, _ = solve_network_question(q)
        return steps, derivation
    module = importlib.import_module(f"{__name__}.{q.kind}")
    return module.solve(q), None


def solved(q: Question) -> QuestionSolution:
    """The question's steps, and what its notation writes beyond them (matrices over the batch,
    chains of factors), computed and cross-checked here so that rendering only formats."""
    steps, derivation = solve_question(q)
    qs = QuestionSolution(q, tuple(steps), derivation)
    if not any(s.key == "z1" for s in steps) or q.display.notation == "layer":
        return qs
    if q.display.notation == "batch":
        from .batch_form import build_view
        return dataclasses.replace(qs, written=build_view(qs))
    from .indexed_chains import indexed_chains
    return dataclasses.replace(qs, written=indexed_chains(qs))
