"""Slips named (solver/checking/slips.py): each kind on a hand-made sheet of the 2-3-1 exam, and
the rule itself on small arrays."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from conftest import ROOT
from solver import check, solve
from solver.checking.slips import SLIPS, name_slip

EXAM = ROOT / "problems" / "exam1.yaml"


@pytest.fixture(scope="module")
def key():
    sol = solve(EXAM, question="q1")
    return {k: v["value"] for k, v in sol.to_json()["questions"][0]["answers"].items() if k != "yhat"}


def marked(key, **changes) -> dict:
    sheet = copy.deepcopy(key)
    for name, change in changes.items():
        sheet[name] = change(sheet)
    report = check(EXAM, {"q1": sheet}, question="q1").to_json()
    return report["questions"][0]["keys"]


@pytest.mark.parametrize("change, key_name, slip, words", [
    (lambda s: [s["z1"][0], -s["z1"][1], s["z1"][2]], "z1", "sign", "sign slip in entry (2)"),
    (lambda s: [s["z1"][0] * 10, s["z1"][1], s["z1"][2]], "z1", "decimal_shift", "decimal point is moved"),
    (lambda s: [list(r) for r in zip(*s["dW1"])], "dW1", "transposed", "the matrix is transposed"),
    (lambda s: [s["z1"][1], s["z1"][0], s["z1"][2]], "z1", "swapped", "two entries are swapped"),
    (lambda s: s["z1"], "a1", "other_key", "this is the value of z1"),
])
def test_each_slip_is_named_in_the_report_and_the_json(key, change, key_name, slip, words):
    keys = marked(key, **{key_name: change})
    assert keys[key_name]["verdict"] == "wrong" and keys[key_name]["slip"] == slip
    assert words in keys[key_name]["note"]


def test_truncated_and_fewer_decimals(key):
    # a2 = 0.5239 (exact 0.52390...), dW2 has entries whose 5th decimal decides the rounding
    exact = solve(EXAM, question="q1").questions[0].step("a1").exact.ravel()
    cut = [float(np.trunc(v * 1e4) / 1e4) for v in exact]
    keys = marked(key, a1=lambda s: cut)
    rounded = [round(v, 4) for v in exact]
    if cut != rounded:
        assert keys["a1"]["slip"] == "truncated"
    keys = marked(key, a2=lambda s: [round(s["a2"][0], 2)])
    assert keys["a2"]["slip"] == "fewer_decimals" and "right to 2 decimals, 4 asked" in keys["a2"]["note"]


def test_a_slip_made_on_a_carried_error_is_named_against_the_students_own_values(key):
    """z1 wrong, a1 computed from it but with one sign flipped: the slip is in a1 itself."""
    keys = marked(key, z1=lambda s: [0.5, 0.04, 0.24])
    import math
    a1 = [1 / (1 + math.exp(-v)) for v in (0.5, 0.04, 0.24)]
    keys = marked(key, z1=lambda s: [0.5, 0.04, 0.24], a1=lambda s: [round(a1[0], 4), -round(a1[1], 4), round(a1[2], 4)])
    assert keys["a1"]["verdict"] == "wrong" and keys["a1"]["slip"] == "sign"


def test_a_plain_wrong_answer_has_no_slip(key):
    keys = marked(key, z1=lambda s: [0.9, 0.8, 0.7])
    assert keys["z1"]["verdict"] == "wrong" and "slip" not in keys["z1"]


@pytest.mark.parametrize("mine, target, slip", [
    ([1.0, -2.0], [1.0, 2.0], "sign"),
    ([0.1, 2.0], [1.0, 2.0], "decimal_shift"),
    ([[1.0, 3.0], [2.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]], "transposed"),
    ([2.0, 1.0, 3.0], [1.0, 2.0, 3.0], "swapped"),
])
def test_the_rules_on_small_arrays(mine, target, slip):
    found = name_slip(mine, target, target, 0.00005, 4, {})
    assert found is not None and found.name == slip and found.name in SLIPS
