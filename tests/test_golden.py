"""Whole solutions of problems/exam1.yaml against committed golden files.

After an intended change in the output: UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""
import json
import os

import pytest

from conftest import ROOT
from solver import solve

GOLDEN = ROOT / "tests" / "golden"


def produce(fmt: str) -> str:
    solution = solve(ROOT / "problems" / "exam1.yaml")
    if fmt == "json":
        return json.dumps(solution.to_json(), indent=2) + "\n"
    return solution.render(fmt)


@pytest.mark.parametrize("fmt, name", [("markdown", "exam1.md"), ("latex", "exam1.tex"), ("json", "exam1.json")])
def test_exam1_matches_golden(fmt, name):
    text = produce(fmt)
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8")
