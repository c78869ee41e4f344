"""One module per kind of question; each turns a validated Question into steps.

`network` serves forward and backprop; every other kind K is `solver/kinds/K.py` with
`solve(question) -> list[Step]`, whose fields were read by `solver/fields/K.py`.
"""
from __future__ import annotations

import importlib

from ..derive import Derivation
from ..model import Question
from ..steps import Step


def solve_question(q: Question) -> tuple[list[Step], Derivation | None]:
    if q.kind in ("forward", "backprop"):
        from .network import solve_network_question
        steps, derivation, _ = solve_network_question(q)
        return steps, derivation
    module = importlib.import_module(f"{__name__}.{q.kind}")
    return module.solve(q), None
