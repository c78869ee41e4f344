"""The notation changes what is written, never the numbers: the same answer keys in every
notation, and every problem renders in every notation."""
from __future__ import annotations

import json

import pytest

from conftest import PROBLEMS
from solver import solve
from solver.formats import NOTATIONS


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_answer_keys_are_identical_across_notations(problem):
    keys = {n: json.dumps(solve(problem, notation=n).to_json(), sort_keys=True) for n in NOTATIONS}
    assert len(set(keys.values())) == 1


@pytest.mark.parametrize("notation", NOTATIONS)
@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_every_problem_renders_in_every_notation(problem, notation):
    solution = solve(problem, notation=notation)
    for fmt in ("markdown", "latex"):
        text = solution.render(fmt, {})
        assert "Question" in text
