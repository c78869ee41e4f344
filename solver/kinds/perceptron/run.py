"""A perceptron run, point by point, two independent ways.

`run_exact` works in `fractions.Fraction` from the decimal text of the inputs: the
perceptron's arithmetic (products and sums of decimals) is then exact, and a hand
solution's rounding is exact decimal rounding. `run_float` is the same algorithm
in float64 (plain Python floats visit by visit: a NumPy call on a vector of ten costs more
than its arithmetic); the two must agree (the caller cross-checks).

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
from operator import mul
from typing import NamedTuple, Sequence

import numpy as np

from ...rounding import float_rounder

# A score (or a sum of a weight and its update) this close to 0, relative to the size of its
# terms, is 0: in the float run, a rounding residue of 0; the exact run follows the same rule.
# A power of two rather than 1e-9: numbers as people write them (1e-9 beside 0.5 and 0.5) never
# land on it, where float error could put the float run on one side and the exact on the other.
TOLERANCE_DIVISOR = 2 ** 30     # 1 / SCORE_TOLERANCE, for the exact run's whole numbers
SCORE_TOLERANCE = 1 / TOLERANCE_DIVISOR


class Visit(NamedTuple):
    """One visit of one point (a named tuple: a run makes up to 100,000 of them, and a frozen
    dataclass costs three times as much to make)."""
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

    def settled(total: int, size: int, scale: int) -> int:
        """near_zero, then written."""
        return written(0 if abs(total) * TOLERANCE_DIVISOR <= size else total, scale)

    x_size = [max(map(abs, row), default=0) for row in X]
    w_size = sum(map(abs, W))       # the size of a score's terms is at most w_size * x_size[i] + |B sx|

    def score(i: int) -> int:
        bx = B * sx
        total = sum(map(mul, W, X[i])) + bx
        if abs(total) * TOLERANCE_DIVISOR <= w_size * x_size[i] + abs(bx):     # perhaps near 0: look closer
            size = sum(abs(wj * xj) for wj, xj in zip(W, X[i])) + abs(bx)
            total = near_zero(total, size)
        return written(total, ss)

    negative, positive = classes
    hinge = rule == "hinge"
    # The errors at the end of an epoch: a float pass over every point first, the exact score only
    # for the points whose float score could be wrong about the side (see _unsure).
    try:
        Xf = np.array(X, dtype=float)
    except OverflowError:       # coordinates past the floats: every score exactly
        Xf = np.full((len(X), len(W)), np.inf)
    z_floor = (ss // 10 ** decimals) / 2 if decimals is not None else 0.0    # below it, z is written 0
    sure = np.zeros(len(ys), dtype=bool)
    signs = np.zeros(len(ys))
    steps = {}                  # k -> float(k * eta)
    visits: list[Visit] = []
    done: list[Epoch] = []
    t = 0
    shown_w, shown_b = tuple(wj / sw for wj in W), B / sw    # the floats of w and b, redone on an update
    for number in range(1, epochs + 1):
        updates = 0
        for i in order[number - 1]:
            t += 1
            y, z = ys[i], score(i)
            y_hat = positive if z >= 0 else negative
            mistake = y * z <= 0 if hinge else y_hat != y
            k = 0                       # the update is k eta x: k = y - y_hat (trick), y (hinge)
            if mistake:
                k = y if hinge else y - y_hat
                step_x = k * per_x
                W = [settled(wj + step_x * xj, abs(wj) + abs(step_x * xj), sw) for wj, xj in zip(W, X[i])]
                B = settled(B + k * per_b, abs(B) + abs(k * per_b), sw)
                w_size = sum(map(abs, W))
                shown_w, shown_b = tuple(wj / sw for wj in W), B / sw
                updates += 1
            step = steps.get(k)
            if step is None:
                step = steps[k] = float(k * lr)
            visits.append(Visit(number, t, i, z / ss, y_hat, mistake, step, shown_w, shown_b))
        errors = 0
        for i in _unsure(Xf, W, B * sx, sure, z_floor, signs, ys, hinge, positive, negative):
            z, y = score(i), ys[i]
            errors += y * z <= 0 if hinge else (positive if z >= 0 else negative) != y
        errors += int(sure.sum())
        done.append(Epoch(number, updates, errors, tuple(Fraction(wj, sw) for wj in W), Fraction(B, sw)))
        if updates == 0:
            break
    return Run(tuple(visits), tuple(done), stopped_early=len(done) < epochs)


def _unsure(Xf: np.ndarray, W: list[int], bx: int, sure: np.ndarray, z_floor: float, signs: np.ndarray,
            ys: list[int], hinge: bool, positive: int, negative: int) -> list[int]:
    """The points whose side of the line (W, B) a float pass cannot tell for certain; `sure` is set
    to the points it can tell and that are misclassified. A score's side is certain when its float
    value is further from 0 than the float error (1e-12 of the size of its terms: a product of two
    whole numbers rounded to floats is within 2**-52 of exact, a sum of eleven within 11 times
    that), the rounding to the shown decimals (half the last digit) and the snap to 0 allow."""
    try:
        Wf, bf = np.array(W, dtype=float), float(bx)
    except OverflowError:
        Wf, bf = np.full(len(W), np.inf), np.inf
    with np.errstate(all="ignore"):
        terms = Xf * Wf
        z = terms.sum(axis=1) + bf
        size = np.abs(terms).sum(axis=1) + abs(bf)
        margin = np.maximum(size * max(1e-12, 2 * SCORE_TOLERANCE), z_floor) + size * 1e-12
        certain = np.isfinite(z) & np.isfinite(size) & (np.abs(z) > margin)
    np.sign(z, out=signs)
    labels = np.asarray(ys)
    if hinge:
        wrong = labels * signs < 0
    else:
        wrong = np.where(signs > 0, positive, negative) != labels
    np.logical_and(certain, wrong, out=sure)
    return np.flatnonzero(~certain).tolist()


# ---------------------------------------------------------------- float: Python floats

def scalar_rounder(decimals: int | None):
    """`float_rounder(decimals)` for one float at a time, in plain Python (the same value: the
    same float operations, np.round(v, 6) being rint(v * 1e6) / 1e6): a NumPy call on one
    number costs microseconds, and the run writes hundreds of thousands of them."""
    if decimals is None:
        return lambda v: v
    unit = 10.0 ** decimals
    slow = float_rounder(decimals)
    floor = math.floor

    def written(v: float) -> float:
        units = v * unit
        if -1e8 < units < 1e8:
            clean = round(units * 1e6) / 1e6      # a whole number of units, or a residue cleared
            return floor(clean + 0.5) / unit if clean >= 0 else -floor(0.5 - clean) / unit
        return float(slow(v))

    return written


def run_float(points: np.ndarray, labels: np.ndarray, classes: tuple[int, int], w: np.ndarray, b: float,
              eta: float, epochs: int, rule: str, order: tuple[tuple[int, ...], ...],
              decimals: int | None = None) -> Run:
    """The run in float64, visit by visit in plain Python floats (a NumPy call on a vector of
    ten costs more than the arithmetic), the errors of each epoch with NumPy over all points."""
    X = np.asarray(points, dtype=float)
    Y = np.asarray(labels, dtype=float)
    rows = X.tolist()
    ys = Y.tolist()
    w = [float(v) for v in np.asarray(w, dtype=float).ravel()]
    b = float(b)
    hand = float_rounder(decimals)
    one = scalar_rounder(decimals)
    tol = SCORE_TOLERANCE
    hinge = rule == "hinge"
    negative, positive = classes
    visits: list[Visit] = []
    done: list[Epoch] = []
    t = 0
    shown = tuple(w)
    x_size = [max(map(abs, row), default=0.0) for row in rows]
    w_size = sum(map(abs, w))
    for number in range(1, epochs + 1):
        updates = 0
        for i in order[number - 1]:
            t += 1
            x, y = rows[i], ys[i]
            raw = sum(map(mul, w, x)) + b
            # near 0 (within tol of the size of the terms, at most w_size * x_size[i] + |b|): look closer
            if abs(raw) <= tol * (w_size * x_size[i] * (1 + 1e-9) + abs(b)) and \
                    abs(raw) <= tol * max(sum(abs(wj * xj) for wj, xj in zip(w, x)) + abs(b), 1e-300):
                raw = 0.0
            score = one(raw)
            y_hat = positive if score >= 0 else negative
            mistake = y * score <= 0 if hinge else y_hat != y
            step = 0.0
            if mistake:
                step = eta * y if hinge else eta * (y - y_hat)
                new = []
                for wj, xj in zip(w, x):
                    moved = step * xj
                    total = wj + moved
                    new.append(one(0.0 if abs(total) <= tol * (abs(wj) + abs(moved)) else total))
                w = new
                w_size = sum(map(abs, w))
                total = b + step
                b = one(0.0 if abs(total) <= tol * (abs(b) + abs(step)) else total)
                shown = tuple(w)
                updates += 1
            visits.append(Visit(number, t, i, score, y_hat, mistake, step, shown, b))
        wv = np.array(w)
        raw = X @ wv + b
        scale = np.abs(X * wv).sum(axis=1) + abs(b)
        scores = np.asarray(hand(np.where(np.abs(raw) <= SCORE_TOLERANCE * np.maximum(scale, 1e-300), 0.0, raw)),
                            dtype=float)
        if hinge:
            errors = int(np.sum(Y * scores <= 0))
        else:
            errors = int(np.sum(np.where(scores >= 0, positive, negative) != Y))
        done.append(Epoch(number, updates, errors, tuple(w), b))
        if updates == 0:
            break
    return Run(tuple(visits), tuple(done), stopped_early=len(done) < epochs)
