"""solver/tolerances.py is the one home of RTOL, ATOL, KINK_TOLERANCE and snap."""
import ast
import math

import numpy as np
from unittest import mock

from conftest import ROOT
from solver import tolerances
from solver.kinds.graph import expression
from solver.tolerances import KINK_TOLERANCE, snap

OWN = ("RTOL", "ATOL", "KINK_TOLERANCE", "snap", "_snapped")


def _defined(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for t in ast.walk(target):
                    if isinstance(t, ast.Name):
                        names.add(t.id)
    return names


def test_no_other_module_defines_a_tolerance_or_a_snap():
    for path in sorted((ROOT / "solver").rglob("*.py")):
        if path.name == "tolerances.py":
            continue
        assert not _defined(path) & set(OWN), path


def test_snap_keeps_the_type():
    assert snap(KINK_TOLERANCE / 2) == 0.0 and snap(-1e-17) == 0.0
    assert snap(0.5) == 0.5
    assert np.array_equal(snap(np.array([1e-17, -0.5])), np.array([0.0, -0.5]))


def test_the_graph_kind_snaps_with_the_one_tolerance():
    relu = expression.OPERATIONS["relu"]
    assert relu.derivatives((1e-12,), 1e-12) == (0.0,)
    with mock.patch.object(tolerances, "KINK_TOLERANCE", 0.0):
        assert relu.derivatives((1e-12,), 1e-12) == (1.0,)
    assert math.isclose(relu.forward((2.0,)), 2.0)
