"""The table of losses, per output element, and the reductions that combine them.

The loss of one example sums its elements over the outputs; a reduction combines
the examples. Each entry keeps its SymPy form, its NumPy value and NumPy derivative
with respect to y_hat (written by hand, independently of the SymPy form).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import numpy as np
import sympy as sp

from .activations import snap
from .symbols import DELTA, Y, YHAT


@dataclass(frozen=True)
class Loss:
    name: str
    expr: sp.Expr                                   # per element, in Y, YHAT (and DELTA)
    value: Callable[[np.ndarray, np.ndarray, float], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray, float], np.ndarray]   # d/d yhat
    targets: str                                    # real | unit | onehot | index | pm1
    needs_unit_interval: bool = False               # log(yhat) and log(1 - yhat) must exist
    kink: str | None = None


def _huber_value(y, yh, d):
    r = np.abs(y - yh)
    return np.where(r <= d, 0.5 * r * r, d * r - 0.5 * d * d)


def _huber_grad(y, yh, d):
    r = yh - y
    return np.where(np.abs(r) <= d, r, d * np.sign(r))


_R = Y - YHAT

LOSSES: dict[str, Loss] = {
    l.name: l
    for l in [
        Loss("mse", _R**2, lambda y, yh, d: (y - yh) ** 2, lambda y, yh, d: 2.0 * (yh - y), "real"),
        Loss("mae", sp.Abs(_R), lambda y, yh, d: np.abs(y - yh), lambda y, yh, d: np.sign(snap(yh - y)),
             "real", kink="mae"),
        Loss("huber",
             sp.Piecewise((_R**2 / 2, sp.Abs(_R) <= DELTA), (DELTA * sp.Abs(_R) - DELTA**2 / 2, True)),
             _huber_value, _huber_grad, "real"),
        Loss("bce", -(Y * sp.log(YHAT) + (1 - Y) * sp.log(1 - YHAT)),
             lambda y, yh, d: -(y * np.log(yh) + (1 - y) * np.log(1 - yh)),
             lambda y, yh, d: (yh - y) / (yh * (1 - yh)), "unit", needs_unit_interval=True),
        Loss("cce", -Y * sp.log(YHAT), lambda y, yh, d: -y * np.log(yh), lambda y, yh, d: -y / yh,
             "onehot", needs_unit_interval=True),
        Loss("sparse_cce", -Y * sp.log(YHAT), lambda y, yh, d: -y * np.log(yh),
             lambda y, yh, d: -y / yh, "index", needs_unit_interval=True),
        Loss("hinge", sp.Piecewise((1 - Y * YHAT, Y * YHAT < 1), (0, True)),
             lambda y, yh, d: np.maximum(0.0, 1.0 - y * yh),
             lambda y, yh, d: np.where(snap(1 - y * yh) > 0, -y, 0.0), "pm1", kink="hinge"),
    ]
}


@dataclass(frozen=True)
class Reduction:
    """L = batch_factor * sum_e ell_e, where ell_e = example_factor * sum_outputs loss."""

    name: str
    example_factor: Fraction   # 1/2 for the half_* conventions
    per_example_mean: bool     # divide by the number of examples n

    def batch_factor(self, n: int) -> Fraction:
        return Fraction(1, n) if self.per_example_mean else Fraction(1)


REDUCTIONS: dict[str, Reduction] = {
    r.name: r
    for r in [
        Reduction("mean", Fraction(1), True),
        Reduction("sum", Fraction(1), False),
        Reduction("half_sum", Fraction(1, 2), False),
        Reduction("half_mean", Fraction(1, 2), True),
    ]
}


def example_loss_expr(loss: str, reduction: str) -> sp.Expr:
    """The loss of one output element as it enters ell_e, with the reduction's 1/2 if any."""
    return sp.Rational(REDUCTIONS[reduction].example_factor) * LOSSES[loss].expr
