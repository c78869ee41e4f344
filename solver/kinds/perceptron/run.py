"""A perceptron run, point by point, two independent ways.

`run_exact` works in `fractions.Fraction` from the decimal text of the inputs: the
perceptron's arithmetic (products and sums of decimals) is then exact, and a hand
solution's rounding is exact decimal rounding. `run_float` is the same algorithm
written with NumPy float64 vectors; the two must agree (the caller cross-checks).

Conventions (the seeds' notes):
- score z = w . x + b; the trick predicts the positive class when z >= 0 (on the line
  counts as positive), the negative class (0, or -1) when z < 0;
- trick: w <- w + eta (y - y_hat) x, b <- b + eta (y - y_hat); a mistake is y_hat != y;
- hinge: one point at a time, gradient descent on max(0, -y f(x)) with f(x) = z; a
  mistake is y z <= 0 (on the line counts: else a start at w = 0, b = 0 never moves),
  where the gradient is -y x (and -y for b), so w <- w + eta y x, b <- b + eta y;
- the run stops after the first epoch without an update.
With `decimals` (carry: rounded), every computed number is rounded half up to that many
places before it is used again, as by hand: the score (the prediction reads the rounded
score), the new w and the new b.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from ...rounding import float_rounder

# A score (or a sum of a weight and its update) this close to 0, relative to the size of its
# terms, is 0: in the float run, a rounding residue of 0; the exact run follows the same rule.
# A power of two rather than 1e-9: numbers as people write them (1e-9 beside 0.5 and 0.5) never
# land on it, where float error could put the float run on one side and the exact on the other.
TOLERANCE_DIVISOR = 2 ** 30     # 1 / SCORE_TOLERANCE, for the exact run's whole numbers
SCORE_TOLERANCE = 1 / TOLERANCE_DIVISOR


@dataclass(frozen=True)
class Visit:
    epoch: int                  # 1-based
    t: int                      # visit number over the whole run, 1-based
    point: int                  # index of the point, 0-based
    score: float                # z = w . x + b before the update
    prediction: int             # the trick's y_hat (hinge: the same sign rule, shown for reference)
    mistake: bool
    step: float                 # c: w <- w + c x, b <- b + c (0 when no update)
    w: tuple[float, ...]        # after the visit
    b: float


@dataclass(frozen=True)
class Epoch:
    number: int
    updates: int
    errors: int                 # misclassified points with the line at the end of the epoch
    w: tuple                    # Fractions from run_exact, floats from run_float
    b: object


@dataclass(frozen=True)
class Run:
    visits: tuple[Visit, ...]
    epochs: tuple[Epoch, ...]
    stopped_early: bool         # an epoch made no update before the last allowed one

    @property
    def updates(self) -> int:
        return sum(e.updates for e in self.epochs)

    @property
    def w(self) -> tuple:
        return self.epochs[-1].w

    @property
    def b(self):
        return self.epochs[-1].b

    @property
    def errors(self) -> int:
        return self.epochs[-1].errors


def orders(n: int, epochs: int, seed: int | None) -> tuple[tuple[int, ...], ...]:
    """The points visited in each epoch: 0..n-1, or a permutation per epoch drawn from
    numpy.random.default_rng(seed), epoch after epoch."""
    if seed is None:
        return tuple(tuple(range(n)) for _ in range(epochs))
    rng = np.random.default_rng(seed)
    return tuple(tuple(int(i) for i in rng.permutation(n)) for _ in range(epochs))


def exact(value: float) -> Fraction:
    """The decimal a float was written as (its shortest repr), as an exact fraction."""
    return Fraction(repr(float(value)))


# ---------------------------------------------------------------- exact: fractions

def predict(score, classes: tuple[int, int]) -> int:
    return classes[1] if score >= 0 else classes[0]


def is_mistake(rule: str, score, label: int, classes: tuple[int, int]) -> bool:
    if rule == "hinge":
        return label * score <= 0
    return predict(score, classes) != label


def count_errors(rule, points, labels, classes, w, b, hand=lambda v: v) -> int:
    """Misclassified points for the line (w, b); `hand` rounds the scores as the run does."""
    errors = 0
    for x, y in zip(points, labels):
        score = hand(sum((wj * xj for wj, xj in zip(w, x)), Fraction(0)) + b)
        errors += is_mistake(rule, score, y, classes)
    return errors


def run_exact(points: Sequence[Sequence[float]], labels: Sequence[int], classes: tuple[int, int],
              w: Sequence[float], b: float, eta: float, epochs: int, rule: str,
              order: tuple[tuple[int, ...], ...], decimals: int | None = None) -> Run:
    """The run in exact rationals. Every number of the run is a decimal, so it is kept as a
    whole number over a fixed scale (a fraction whose denominator never changes): the
    coordinates over `sx`, w and b over `sw`, scores over `sw * sx`. That is Fraction
    arithmetic without a gcd at every step, fast enough for 100 points x 1000 epochs.
    The visits record floats (each the nearest float to the exact value); the epochs record
    w and b as Fractions."""
    xs = [[exact(v) for v in row] for row in points]
    ys = [int(v) for v in labels]
    lr = exact(eta)
    w0, b0 = [exact(v) for v in w], exact(b)
    sx = math.lcm(1, *(v.denominator for row in xs for v in row))
    sw = math.lcm(lr.denominator * sx, b0.denominator, *(v.denominator for v in w0),
                  10 ** decimals if decimals is not None else 1)
    ss = sw * sx
    X = [[int(v * sx) for v in row] for row in xs]
    W = [int(v * sw) for v in w0]
    B = int(b0 * sw)
    per_x = lr.numerator * (sw // (lr.denominator * sx))     # eta * x_j over sw is per_x * X_j
    per_b = lr.numerator * (sw // lr.denominator)             # eta over sw

    def written(n: int, scale: int) -> int:
        """n / scale rounded half away from zero to `decimals` places, still over scale."""
        if decimals is None:
            return n
        unit = scale // 10 ** decimals
        q = (2 * abs(n) + unit) // (2 * unit)
        return q * unit if n >= 0 else -q * unit

    def near_zero(total: int, size: int) -> int:
        """The float run's convention, kept here too: a sum within SCORE_TOLERANCE of 0, relative
        to the size of its terms, is 0 (else a value such as 0.9999999999999999 would put a point
        on one side of the line here and on it there)."""
        return 0 if abs(total) * TOLERANCE_DIVISOR <= size else total

    def score(i: int) -> int:
        terms = [wj * xj for wj, xj in zip(W, X[i])] + [B * sx]
        return written(near_zero(sum(terms), sum(abs(t) for t in terms)), ss)

    negative, positive = classes
    visits: list[Visit] = []
    done: list[Epoch] = []
    t = 0
    for number in range(1, epochs + 1):
        updates = 0
        for i in order[number - 1]:
            t += 1
            y, z = ys[i], score(i)
            y_hat = positive if z >= 0 else negative
            mistake = y * z <= 0 if rule == "hinge" else y_hat != y
            k = 0                       # the update is k eta x: k = y - y_hat (trick), y (hinge)
            if mistake:
                k = y - y_hat if rule == "trick" else y
                W = [written(near_zero(wj + k * per_x * xj, abs(wj) + abs(k * per_x * xj)), sw)
                     for wj, xj in zip(W, X[i])]
                B = written(near_zero(B + k * per_b, abs(B) + abs(k * per_b)), sw)
                updates += 1
            visits.append(Visit(number, t, i, z / ss, y_hat, mistake, float(k * lr),
                                tuple(wj / sw for wj in W), B / sw))
        errors = 0
        for i, y in enumerate(ys):
            z = score(i)
            errors += y * z <= 0 if rule == "hinge" else (positive if z >= 0 else negative) != y
        done.append(Epoch(number, updates, errors, tuple(Fraction(wj, sw) for wj in W), Fraction(B, sw)))
        if updates == 0:
            break
    return Run(tuple(visits), tuple(done), stopped_early=len(done) < epochs)


# ---------------------------------------------------------------- float: NumPy

def _snap(score: float, w: np.ndarray, x: np.ndarray, b: float) -> float:
    scale = float(np.abs(w * x).sum() + abs(b))
    return 0.0 if abs(score) <= SCORE_TOLERANCE * max(scale, 1e-300) else score


def _cancel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b, where a sum that cancels to float noise (0.1 + 0.2 - 0.3) is the exact 0 it is:
    a weight of noise would put a point on the wrong side of a line it lies on."""
    total = a + b
    return np.where(np.abs(total) <= SCORE_TOLERANCE * (np.abs(a) + np.abs(b)), 0.0, total)


def run_float(points: np.ndarray, labels: np.ndarray, classes: tuple[int, int], w: np.ndarray, b: float,
              eta: float, epochs: int, rule: str, order: tuple[tuple[int, ...], ...],
              decimals: int | None = None) -> Run:
    X = np.asarray(points, dtype=float)
    Y = np.asarray(labels, dtype=float)
    w = np.array(w, dtype=float)
    b = float(b)
    hand = float_rounder(decimals)
    negative, positive = classes
    visits: list[Visit] = []
    done: list[Epoch] = []
    t = 0
    for number in range(1, epochs + 1):
        updates = 0
        for i in order[number - 1]:
            t += 1
            x, y = X[i], Y[i]
            score = float(hand(_snap(float(x @ w) + b, w, x, b)))
            y_hat = positive if score >= 0 else negative
            mistake = bool(y * score <= 0) if rule == "hinge" else y_hat != y
            step = 0.0
            if mistake:
                step = eta * (y - y_hat) if rule == "trick" else eta * y
                w = np.asarray(hand(_cancel(w, step * x)), dtype=float)
                b = float(hand(_cancel(np.array([b]), np.array([step]))[0]))
                updates += 1
            visits.append(Visit(number, t, i, score, int(y_hat), mistake, step, tuple(w.tolist()), b))
        raw = X @ w + b
        scale = np.abs(X * w).sum(axis=1) + abs(b)
        scores = np.asarray(hand(np.where(np.abs(raw) <= SCORE_TOLERANCE * np.maximum(scale, 1e-300), 0.0, raw)),
                            dtype=float)
        if rule == "hinge":
            errors = int(np.sum(Y * scores <= 0))
        else:
            errors = int(np.sum(np.where(scores >= 0, positive, negative) != Y))
        done.append(Epoch(number, updates, errors, tuple(w.tolist()), b))
        if updates == 0:
            break
    return Run(tuple(visits), tuple(done), stopped_early=len(done) < epochs)
