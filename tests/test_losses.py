"""The loss table and the reductions: SymPy forms, NumPy values and gradients agree."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from solver import numeric
from solver.losses import LOSSES, REDUCTIONS
from solver.symbols import DELTA, Y, YHAT

H = 1e-6

# (y, yhat) pairs per kind of target, away from every kink, covering every branch.
PAIRS = {
    "real": [(0.3, 1.1), (-1.2, 0.4), (2.0, 2.5), (0.5, -1.7), (1.0, 0.99), (-0.25, -3.0)],
    "unit": [(1.0, 0.2), (0.0, 0.7), (1.0, 0.95), (0.0, 0.05), (0.3, 0.6)],
    "onehot": [(1.0, 0.2), (0.0, 0.7), (1.0, 0.95), (0.0, 0.05)],
    "index": [(1.0, 0.2), (0.0, 0.7), (1.0, 0.95), (0.0, 0.05)],
    "pm1": [(1.0, -1.5), (1.0, 0.3), (1.0, 2.0), (-1.0, 0.8), (-1.0, -0.2), (-1.0, -2.0)],
}
HUBER_DELTAS = [1.0, 0.5, 2.0]


def _cases():
    for name, loss in LOSSES.items():
        for y, yh in PAIRS[loss.targets]:
            for d in (HUBER_DELTAS if name == "huber" else [1.0]):
                yield pytest.param(name, y, yh, d, id=f"{name}-y{y}-yhat{yh}-d{d}")


def _at(expr: sp.Expr, y: float, yh: float, d: float) -> float:
    return float(expr.xreplace({Y: sp.Float(y), YHAT: sp.Float(yh), DELTA: sp.Float(d)}))


def test_the_table_has_the_documented_losses():
    assert set(LOSSES) == {"mse", "mae", "huber", "bce", "cce", "sparse_cce", "hinge"}
    assert {n for n, l in LOSSES.items() if l.needs_unit_interval} == {"bce", "cce", "sparse_cce"}


@pytest.mark.parametrize("name, y, yh, d", list(_cases()))
def test_numpy_value_matches_sympy_expr(name, y, yh, d):
    loss = LOSSES[name]
    value = loss.value(np.array([[y]]), np.array([[yh]]), d)
    assert value.shape == (1, 1)
    assert value[0, 0] == pytest.approx(_at(loss.expr, y, yh, d), rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("name, y, yh, d", list(_cases()))
def test_numpy_grad_matches_sympy_diff(name, y, yh, d):
    loss = LOSSES[name]
    grad = loss.grad(np.array([[y]]), np.array([[yh]]), d)[0, 0]
    assert grad == pytest.approx(_at(sp.diff(loss.expr, YHAT), y, yh, d), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name, y, yh, d", list(_cases()))
def test_numpy_grad_matches_finite_differences(name, y, yh, d):
    loss = LOSSES[name]
    y_, up, down = np.array([[y]]), np.array([[yh + H]]), np.array([[yh - H]])
    fd = (loss.value(y_, up, d) - loss.value(y_, down, d))[0, 0] / (2 * H)
    assert loss.grad(y_, np.array([[yh]]), d)[0, 0] == pytest.approx(fd, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", list(LOSSES))
def test_value_and_grad_are_elementwise_on_examples_by_outputs(name):
    loss = LOSSES[name]
    pairs = PAIRS[loss.targets][:4]
    y = np.array([[p[0] for p in pairs[:2]], [p[0] for p in pairs[2:]]])
    yh = np.array([[p[1] for p in pairs[:2]], [p[1] for p in pairs[2:]]])
    for fn in (loss.value, loss.grad):
        out = fn(y, yh, 1.0)
        assert out.shape == (2, 2)
        for e in range(2):
            for o in range(2):
                assert out[e, o] == fn(y[e:e + 1, o:o + 1], yh[e:e + 1, o:o + 1], 1.0)[0, 0]


# ------------------------------------------------------------------ kinks and conventions

@pytest.mark.parametrize("y", [-1.0, 0.0, 0.4, 2.0])
def test_mae_gradient_at_zero_residual_is_zero(y):
    loss = LOSSES["mae"]
    assert loss.grad(np.array([[y]]), np.array([[y]]), 1.0).tolist() == [[0.0]]
    assert _at(sp.diff(loss.expr, YHAT), y, y, 1.0) == 0.0
    assert loss.kink == "mae"


@pytest.mark.parametrize("y, yh", [(1.0, 1.0), (-1.0, -1.0)])
def test_hinge_gradient_at_the_margin_is_zero(y, yh):
    loss = LOSSES["hinge"]
    assert y * yh == 1.0
    assert loss.value(np.array([[y]]), np.array([[yh]]), 1.0).tolist() == [[0.0]]
    assert loss.grad(np.array([[y]]), np.array([[yh]]), 1.0).tolist() == [[0.0]]
    assert _at(sp.diff(loss.expr, YHAT), y, yh, 1.0) == 0.0
    assert loss.kink == "hinge"


@pytest.mark.parametrize("d", HUBER_DELTAS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_huber_is_continuous_with_continuous_slope_at_delta(d, sign):
    loss = LOSSES["huber"]
    y = np.array([[0.4]])
    eps = 1e-9
    inside, edge, outside = (np.array([[0.4 + sign * r]]) for r in (d - eps, d, d + eps))
    values = [loss.value(y, p, d)[0, 0] for p in (inside, edge, outside)]
    assert values[1] == pytest.approx(0.5 * d * d, rel=1e-12)
    assert values[0] == pytest.approx(values[1], abs=1e-8)
    assert values[2] == pytest.approx(values[1], abs=1e-8)
    grads = [loss.grad(y, p, d)[0, 0] for p in (inside, edge, outside)]
    assert grads == pytest.approx([sign * d] * 3, abs=1e-8)
    # the two SymPy branches meet at |r| = delta
    quad, lin = (piece.expr for piece in loss.expr.args)
    r = sp.Float(sign * d)
    at = {Y: sp.Float(0), YHAT: r, DELTA: sp.Float(d)}
    assert float(quad.xreplace(at)) == pytest.approx(float(lin.xreplace(at)), rel=1e-14)


# ------------------------------------------------------------------ reductions

# name -> (factor on each example's sum over outputs, 1/n or not)
REDUCTION_TABLE = {
    "mean": (Fraction(1), True),
    "sum": (Fraction(1), False),
    "half_sum": (Fraction(1, 2), False),
    "half_mean": (Fraction(1, 2), True),
}


def test_reduction_table_is_as_documented():
    assert {name: (r.example_factor, r.per_example_mean) for name, r in REDUCTIONS.items()} == REDUCTION_TABLE


@pytest.mark.parametrize("name, n, factor", [
    ("mean", 1, Fraction(1)), ("mean", 4, Fraction(1, 4)),
    ("sum", 1, Fraction(1)), ("sum", 3, Fraction(1)),
    ("half_sum", 3, Fraction(1)), ("half_mean", 2, Fraction(1, 2)), ("half_mean", 5, Fraction(1, 5)),
])
def test_batch_factor(name, n, factor):
    assert REDUCTIONS[name].batch_factor(n) == factor


def _plain_squared_errors(y, yh):
    """sum over outputs of (y - yhat)^2, one per example, in plain Python."""
    return [sum((a - b) ** 2 for a, b in zip(ry, ryh)) for ry, ryh in zip(y, yh)]


Y_BATCH = [[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5], [0.0, 3.0]]
YH_BATCH = [[0.1, 0.4], [1.0, -0.5], [0.25, 1.0], [1.5, 2.0]]


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("name, total_of", [
    ("mean", lambda s, n: sum(s) / n),
    ("sum", lambda s, n: sum(s)),
    ("half_sum", lambda s, n: sum(s) / 2),
    ("half_mean", lambda s, n: sum(s) / (2 * n)),
])
def test_reductions_combine_examples_and_outputs(name, total_of, n):
    y, yh = Y_BATCH[:n], YH_BATCH[:n]
    per_example = _plain_squared_errors(y, yh)
    example_factor = 0.5 if name.startswith("half") else 1.0
    ells = numeric.example_losses("mse", name, np.array(y), np.array(yh), 1.0)
    assert ells.shape == (n,)
    np.testing.assert_allclose(ells, [example_factor * s for s in per_example], rtol=1e-14)
    assert numeric.total_loss(name, ells) == pytest.approx(total_of(per_example, n), rel=1e-14)


def test_total_loss_of_a_single_example_with_one_output():
    # E = 1/2 (target - out)^2 of the worked examples: half_sum over one example
    ells = numeric.example_losses("mse", "half_sum", np.array([[0.01]]), np.array([[0.75136507]]), 1.0)
    assert numeric.total_loss("half_sum", ells) == pytest.approx(0.5 * (0.01 - 0.75136507) ** 2, rel=1e-14)


# ------------------------------------------------------------------ the rest of an entry: how it is written

@pytest.mark.parametrize("name", list(LOSSES))
def test_every_loss_says_how_it_is_written_and_when_it_is_used(name):
    loss = LOSSES[name]
    assert loss.title and loss.short and loss.usage.startswith("Used for ")
    assert (loss.kink is None) == (loss.convention is None)


def test_the_loss_template_names_no_loss_for_its_names():
    from conftest import ROOT
    text = (ROOT / "templates" / "common" / "loss.j2").read_text(encoding="utf-8")
    assert "macro name_of" not in text and "macro short_name" not in text and "macro usage" not in text
    for loss in LOSSES.values():
        assert loss.usage not in text


@pytest.mark.parametrize("name", [n for n, loss in LOSSES.items() if loss.kink])
def test_the_kink_gap_is_zero_exactly_at_the_kink(name):
    loss = LOSSES[name]
    y, at_kink = (1.0, 1.0) if name == "mae" else (-1.0, -1.0)
    assert loss.kink_gap(y, at_kink) == 0 and loss.kink_where
    # the derivative jumps across it
    grads = [float(loss.grad(np.array([y]), np.array([at_kink + s]), 1.0)[0]) for s in (-1e-3, 1e-3)]
    assert grads[0] != grads[1]


def test_targets_sum_to_one_exactly_for_the_categorical_losses():
    assert {n for n, loss in LOSSES.items() if loss.targets_sum_to_one} == {"cce", "sparse_cce"}


def test_loss_aliases_are_derived_from_the_entries():
    from solver import losses
    from solver.kinds.network import fields
    assert fields.LOSS_ALIASES is losses.ALIASES
    assert losses.ALIASES["l1"] == "mae" and losses.ALIASES["log_loss"] == "bce"
    assert "or cce" in losses.ALIASES["cross_entropy"]
    assert not set(losses.ALIASES) & set(LOSSES)
