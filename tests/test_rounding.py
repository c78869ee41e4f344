"""solver/rounding.py: every kind of rounding a hand solution does, in one module."""
import ast
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from solver.rounding import (float_rounder, format_number, round_as_shown, round_fast, round_fraction,
                             round_half_up)


def test_no_other_module_defines_a_rounding():
    """A function that rounds values lives in rounding.py (layout helpers such as a nice step
    of a thinned table are not roundings of values)."""
    for path in sorted((ROOT / "solver").rglob("*.py")):
        if path.name == "rounding.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
               and n.name.lstrip("_").startswith(("round", "float_round")) and n.name != "_round_up"}
        assert not own, (path, own)


@pytest.mark.parametrize("value, decimals, expected", [
    (0.125, 2, 0.13), (-0.125, 2, -0.13), (1.005, 2, 1.01), (2.5, 0, 3.0), (-0.00004, 4, 0.0),
    (0.12345, 4, 0.1235), (0.285, 2, 0.29)])
def test_every_float_rounding_rounds_half_away_from_zero(value, decimals, expected):
    for out in (round_half_up(value, decimals), round_fast(np.array([value]), decimals)[0],
                float_rounder(decimals)(value), round_as_shown(np.float64(value), decimals, whole=False)):
        assert out == expected and str(float(out)) != "-0.0"


def test_float_rounder_without_decimals_is_the_identity():
    assert float_rounder(None)(0.123456789) == 0.123456789


def test_float_rounder_keeps_arrays_and_floats():
    assert isinstance(float_rounder(2)(0.125), float)
    np.testing.assert_array_equal(float_rounder(2)(np.array([0.125, -0.125])), [0.13, -0.13])


def test_round_as_shown_keeps_whole_numbers_whole():
    assert round_as_shown(np.array([2.4, 2.6]), 3, whole=True).tolist() == [2.0, 3.0]


def test_format_number_keeps_trailing_zeros_to_decimals():
    # a computed value to `decimals: 4` is written 0.5100 as by hand; a given one as written
    assert format_number(0.51, 4) == "0.5100" and format_number(0.525, 4) == "0.5250"
    assert format_number(1.72, 4) == "1.7200" and format_number(0.5, 3) == "0.500"
    assert format_number(-0.00001, 2) == "0.00" and format_number(2.0) == "2" and format_number(0.2) == "0.2"
    assert format_number(2.0, 0) == "2"


def test_printer_pads_computed_and_keeps_given_as_written():
    import sympy as sp
    from solver.render.notation import LayerNotation
    from solver.render.printer import ExamPrinter
    from solver.symbols import given as given_number
    p = ExamPrinter(LayerNotation(2, 1), 4)
    expr = sp.Mul(given_number(0.2), sp.Float(0.51), evaluate=False)
    assert p.doprint(expr) == r"0.2 \cdot 0.5100"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=20), st.integers(0, 10))
def test_round_fast_agrees_with_round_half_up(values, decimals):
    arr = np.array(values)
    np.testing.assert_array_equal(round_fast(arr, decimals), round_half_up(arr, decimals))


@pytest.mark.parametrize("value, decimals, expected", [(0.125, 2, 0.13), (-0.125, 2, -0.13), (1.005, 2, 1.01),
                                                       (2.5, 0, 3.0), (-0.00004, 4, 0.0), (0.12345, 4, 0.1235)])
def test_round_fast_ties_round_away_from_zero(value, decimals, expected):
    out = round_fast(np.array([value]), decimals)[0]
    assert out == expected and str(out) != "-0.0"



def test_round_fraction_is_half_away_from_zero():
    from fractions import Fraction as F
    assert round_fraction(F("0.125"), 2) == F("0.13")
    assert round_fraction(F("-0.125"), 2) == F("-0.13")
    assert round_fraction(F("0.00005"), 4) == F("0.0001")
    assert round_fraction(F(1, 3), 3) == F("0.333")


def test_a_given_number_keeps_its_written_form_when_its_sign_is_taken_out():
    import sympy as sp
    from solver.render.notation import LayerNotation
    from solver.render.printer import ExamPrinter
    from solver.symbols import given as g
    expr = sp.Add(sp.Mul(g(0.5), g(0.3), evaluate=False), sp.Mul(g(-0.2), g(0.3), evaluate=False), g(-0.1),
                  evaluate=False)
    assert ExamPrinter(LayerNotation(2, 1), 4).doprint(expr) == r"0.5 \cdot 0.3 - 0.2 \cdot 0.3 - 0.1"
