"""The table of losses, per output element, and the reductions that combine them.

The loss of one example sums its elements over the outputs; a reduction combines
the examples. Each entry keeps its SymPy form, its NumPy value and NumPy derivative
with respect to y_hat (written by hand, independently of the SymPy form).

As in activations.py, an entry's facts are plain Python and its mathematics is built by
the function it is registered with, on first use: reading a problem file needs only the facts.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any, Callable, NamedTuple

from .tolerances import snap


class Maths(NamedTuple):
    expr: Any                      # per element, in Y, YHAT (and DELTA), a SymPy expression
    value: Callable                # (y, yhat, delta) -> the elements, NumPy
    grad: Callable                 # d/d yhat, NumPy


@dataclass(frozen=True)
class Loss:
    name: str
    maths: Callable[[], Maths]                      # built once, on first use
    targets: str                                    # real | unit | onehot | index | pm1
    needs_unit_interval: bool = False               # log(yhat) and log(1 - yhat) must exist
    aliases: tuple[str, ...] = ()                   # other names for it, which a file may not use
    kink: str | None = None
    kink_gap: Callable | None = None                # (y, yhat) -> how far from the kink, plain arithmetic
    kink_where: str | None = None                   # where the kink is, in plain text
    convention: str | None = None                   # the convention at the kink, in words
    title: str = ""                                 # its name as a heading writes it
    short: str = ""                                 # its name inside a sentence
    usage: str = ""                                 # when it is used, as in the notes' table of losses

    @property
    def expr(self):
        return self.maths().expr

    @property
    def targets_sum_to_one(self) -> bool:
        """The targets of an example are a distribution (one-hot rows or a class index): with a
        softmax output the cross-entropy's coupling cancels."""
        return self.targets in ("onehot", "index")

    @property
    def value(self) -> Callable:
        return self.maths().value

    @property
    def grad(self) -> Callable:
        return self.maths().grad


LOSSES: dict[str, Loss] = {}


def _loss(name: str, targets: str, **facts):
    """Register the function that builds a loss's mathematics, with its facts."""
    def register(maths: Callable[[], Maths]) -> Callable[[], Maths]:
        LOSSES[name] = Loss(name, cache(maths), targets, **facts)
        return maths
    return register


def _libraries():
    import numpy as np
    import sympy as sp

    from . import symbols
    return np, sp, symbols


@_loss("mse", "real", aliases=("mean_squared_error", "l2", "squared_error"),
       title="Mean squared error (MSE)", short="MSE",
       usage=(r"Used for regression, with a linear output. Squaring makes a large error count far more than "
              r"a small one, so MSE is not robust to outliers."))
def _mse() -> Maths:
    np, sp, s = _libraries()
    r = s.Y - s.YHAT
    return Maths(r**2, lambda y, yh, d: (y - yh) ** 2, lambda y, yh, d: 2.0 * (yh - y))


@_loss("mae", "real", aliases=("mean_absolute_error", "l1"),
       kink="mae", kink_gap=lambda y, yh: yh - y, kink_where="y_hat = y",
       convention=r"$|y - \hat{y}|$ has no derivative where $\hat{y} = y$; we take 0 there (the sign function).",
       title="Mean absolute error (MAE)", short="MAE",
       usage=(r"Used for regression, with a linear output. Every error counts in proportion to its size, so "
              r"MAE is robust to outliers; it has no derivative where $\hat{y} = y$."))
def _mae() -> Maths:
    np, sp, s = _libraries()
    r = s.Y - s.YHAT
    return Maths(sp.Abs(r), lambda y, yh, d: np.abs(y - yh), lambda y, yh, d: np.sign(snap(yh - y)))


def _huber_value(y, yh, d):
    import numpy as np
    r = np.abs(y - yh)
    return np.where(r <= d, 0.5 * r * r, d * r - 0.5 * d * d)


def _huber_grad(y, yh, d):
    import numpy as np
    r = yh - y
    return np.where(np.abs(r) <= d, r, d * np.sign(r))


@_loss("huber", "real",
       title="Huber loss", short="Huber loss",
       usage=(r"Used for regression when the data has outliers: squared (like MSE) for errors up to "
              r"$\delta_{H}$, linear (like MAE) beyond, so it is robust to outliers and still smooth near "
              r"the target. $\delta_{H}$ is a hyperparameter."))
def _huber() -> Maths:
    np, sp, s = _libraries()
    r, d = s.Y - s.YHAT, s.DELTA
    return Maths(sp.Piecewise((r**2 / 2, sp.Abs(r) <= d), (d * sp.Abs(r) - d**2 / 2, True)),
                 _huber_value, _huber_grad)


@_loss("bce", "unit", needs_unit_interval=True,
       aliases=("binary_crossentropy", "binary_cross_entropy", "log_loss", "logistic"),
       title="Binary cross-entropy (log loss)", short="BCE",
       usage=(r"Used for binary classification, with a sigmoid output (logistic regression): $y \in \{0, "
              r"1\}$ and $\hat{y}$ is the predicted probability of class 1."))
def _bce() -> Maths:
    np, sp, s = _libraries()
    Y, YHAT = s.Y, s.YHAT
    return Maths(-(Y * sp.log(YHAT) + (1 - Y) * sp.log(1 - YHAT)),
                 lambda y, yh, d: -(y * np.log(yh) + (1 - y) * np.log(1 - yh)),
                 lambda y, yh, d: (yh - y) / (yh * (1 - yh)))


@_loss("cce", "onehot", needs_unit_interval=True, aliases=("categorical_crossentropy", "categorical_cross_entropy"),
       title="Categorical cross-entropy (CCE)", short="CCE",
       usage=(r"Used for multiclass classification, with a softmax output (softmax regression): the targets "
              r"are one-hot rows and $\hat{y}$ is a probability distribution over the classes."))
def _cce() -> Maths:
    np, sp, s = _libraries()
    Y, YHAT = s.Y, s.YHAT
    return Maths(-Y * sp.log(YHAT), lambda y, yh, d: -y * np.log(yh), lambda y, yh, d: -y / yh)


@_loss("sparse_cce", "index", needs_unit_interval=True, aliases=("sparse_categorical_crossentropy",),
       title="Sparse categorical cross-entropy", short="sparse CCE",
       usage=(r"Used for multiclass classification, with a softmax output, when the targets are class "
              r"indices (integer encoding) instead of one-hot rows; it equals categorical cross-entropy on "
              r"the one-hot rows, of which only the true class's term remains."))
def _sparse_cce() -> Maths:
    return _cce()        # on the one-hot rows the class indices stand for


@_loss("hinge", "pm1", kink="hinge", kink_gap=lambda y, yh: 1 - y * yh, kink_where="y * y_hat = 1",
       convention=r"the hinge has no derivative at the margin $y \hat{y} = 1$; we take 0 there.",
       title="Hinge loss", short="hinge loss",
       usage=(r"Used for binary classification with labels $-1$ and $+1$ and a raw score $\hat{y}$ (the "
              r"perceptron, support vector machines): it is 0 once $y \hat{y} \geq 1$, a correct prediction "
              r"with a margin."))
def _hinge() -> Maths:
    np, sp, s = _libraries()
    Y, YHAT = s.Y, s.YHAT
    return Maths(sp.Piecewise((1 - Y * YHAT, Y * YHAT < 1), (0, True)),
                 lambda y, yh, d: np.maximum(0.0, 1.0 - y * yh),
                 lambda y, yh, d: np.where(snap(1 - y * yh) > 0, -y, 0.0))


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


def example_loss_expr(loss: str, reduction: str):
    """The loss of one output element as it enters ell_e, with the reduction's 1/2 if any."""
    import sympy as sp
    return sp.Rational(REDUCTIONS[reduction].example_factor) * LOSSES[loss].expr


# Other names for the losses, and what they are called here; a name that could mean either of
# two losses says which is which.
ALIASES: dict[str, str] = {
    "cross_entropy": "bce (two classes, one output) or cce (one-hot, several outputs)",
    "crossentropy": "bce (two classes, one output) or cce (one-hot, several outputs)",
    **{alias: loss.name for loss in LOSSES.values() for alias in loss.aliases},
}
