"""The perceptron's runs made fast (issue 12): the float run's scalar rounding is the array
rounding's, and the exact run's float pre-screen of the epoch errors counts what the exact
scores count, on points that sit on the line, on a rounding tie, or far from it."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.kinds.perceptron.run import (count_errors, exact, orders, run_exact, run_float,
                                         scalar_rounder)
from solver.rounding import float_rounder


@pytest.mark.parametrize("decimals", [0, 1, 2, 4, 6])
def test_scalar_rounder_is_float_rounder_on_ties_and_residues(decimals):
    one, many = scalar_rounder(decimals), float_rounder(decimals)
    unit = 10.0 ** -decimals
    values = [k * unit / 2 for k in range(-400, 401)]                      # every tie and every digit
    values += [0.285, -0.285, 1.005, 2.675, 0.1 + 0.2, -(0.1 + 0.2), 1e-300, -1e-300, 0.0, -0.0]
    values += [1e7 + 0.5, 123456.785, 9.99999e7 * unit, 2e8 * unit, -3e9 * unit, 1.5e300]
    got = [one(v) for v in values]
    want = np.asarray(many(np.array(values))).tolist()
    want_each = [float(many(v)) for v in values]
    assert got == want_each
    assert [g for g, v in zip(got, values) if abs(v) * 10 ** decimals < 1e8] == \
        [w for w, v in zip(want, values) if abs(v) * 10 ** decimals < 1e8]
    assert all(str(g) != "-0.0" for g in got)


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 6))
def test_scalar_rounder_agrees_everywhere(value, decimals):
    assert scalar_rounder(decimals)(value) == float(float_rounder(decimals)(value))


def _errors_by_fractions(run, points, labels, classes, rule, decimals):
    """Each epoch's errors counted again from its exact line, with the run's rounding of scores."""
    from solver.rounding import round_fraction
    hand = (lambda v: round_fraction(v, decimals)) if decimals is not None else (lambda v: v)
    xs = [[exact(v) for v in row] for row in points]
    return [count_errors(rule, xs, labels, classes, e.w, e.b, hand) for e in run.epochs]


ON_THE_LINE = dict(   # points on the line x1 + x2 = 1 (w = (1, 1), b = -1), on a rounding tie, far off
    points=[[0.5, 0.5], [0.25, 0.75], [0.3, 0.7], [1.005, 0.0], [3, 4], [-2, -1.5], [0.995, 0]],
    labels=[0, 1, 0, 1, 1, 0, 0],
    w=[1, 1], b=-1, eta=0.5)


@pytest.mark.parametrize("decimals", [None, 2, 3])
@pytest.mark.parametrize("rule", ["trick", "hinge"])
def test_epoch_errors_of_the_exact_run_are_the_exact_count(rule, decimals):
    data = dict(ON_THE_LINE)
    labels = data["labels"] if rule == "trick" else [1 if y else -1 for y in data["labels"]]
    classes = (0, 1) if rule == "trick" else (-1, 1)
    order = orders(len(data["points"]), 30, 5)
    run = run_exact(data["points"], labels, classes, data["w"], data["b"], data["eta"], 30, rule, order, decimals)
    assert [e.errors for e in run.epochs] == _errors_by_fractions(run, data["points"], labels, classes, rule,
                                                                   decimals)
    floats = run_float(np.array(data["points"], dtype=float), np.array(labels), classes, np.array(data["w"], float),
                       data["b"], data["eta"], 30, rule, order, decimals)
    assert [(v.point, v.mistake, v.prediction) for v in run.visits] == \
        [(v.point, v.mistake, v.prediction) for v in floats.visits]
    assert [e.errors for e in run.epochs] == [e.errors for e in floats.epochs]


@pytest.mark.parametrize("decimals", [None, 2])
def test_the_errors_on_ten_coordinates_many_epochs(decimals):
    rng = np.random.default_rng(4)
    points = rng.uniform(-3, 3, (40, 10)).round(2)
    labels = (points[:, 0] - points[:, 3] + 0.5 * points[:, 7] > 0).astype(int)
    labels[:5] = 1 - labels[:5]           # not separable: every epoch updates
    order = orders(40, 60, 11)
    run = run_exact(points.tolist(), labels.tolist(), (0, 1), [0.0] * 10, 0.0, 0.1, 60, "trick", order, decimals)
    assert len(run.epochs) == 60
    assert [e.errors for e in run.epochs] == _errors_by_fractions(run, points.tolist(), labels.tolist(), (0, 1),
                                                                   "trick", decimals)
    floats = run_float(points, labels, (0, 1), np.zeros(10), 0.0, 0.1, 60, "trick", order, decimals)
    assert np.allclose([v.w for v in run.visits], [v.w for v in floats.visits], rtol=1e-9, atol=1e-9)
    assert [e.errors for e in run.epochs] == [e.errors for e in floats.epochs]


def test_huge_coordinates_fall_back_to_the_exact_scores():
    points = [[1e300, 1e300], [-1e300, 2e300]]
    run = run_exact(points, [1, 0], (0, 1), [0.5, -0.5], 0, 1, 3, "trick", orders(2, 3, None))
    assert [e.errors for e in run.epochs] == _errors_by_fractions(run, points, [1, 0], (0, 1), "trick", None)
