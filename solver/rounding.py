"""Rounding as a hand solution does it: half away from zero, on the decimal digits shown.

This is the one place where values are rounded; the `exact` path never calls it. One rule,
in the forms the runs need:

- `round_half_up`: a float or an array, through the decimal text (the reference);
- `round_fast`: whole arrays at NumPy speed, agreeing with `round_half_up` (the training loop);
- `round_fraction`: an exact fraction (the perceptron's exact run);
- `float_rounder`: the rounding a float run applies to each value it writes down (the perceptron's);
- `round_written`: a value computed from written decimals, as the exact decimal result rounds;
- `round_as_shown`: a recomputed answer as its key shows it (whole numbers stay whole; the checker);
- `format_number`: the text of a number as shown.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import numpy as np


# Digits enough for any finite float (up to 309 before the point) with 10 decimals after it:
# the default 28 would fail on a value above 1e18 shown to 10 decimals.
_WIDE = Context(prec=400)


def round_half_up(value, decimals: int):
    """Round a float or an array to `decimals` places, 0.00005 -> 0.0001 as by hand."""
    quantum = Decimal(1).scaleb(-decimals)

    def one(v: float) -> float:
        # repr gives the shortest decimal that is the float, so 0.125 rounds like 0.125 on paper.
        r = float(Decimal(repr(float(v))).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE))
        return 0.0 if r == 0 else r

    if np.isscalar(value) or np.ndim(value) == 0:
        return one(float(value))
    arr = np.asarray(value, dtype=float)
    return np.array([one(v) for v in arr.ravel()]).reshape(arr.shape)


def round_fast(a: np.ndarray, decimals: int) -> np.ndarray:
    """`round_half_up` for whole arrays at NumPy speed; the values near a tie (where
    float error could decide) are handed to `round_half_up` itself, so the two always agree."""
    a = np.asarray(a, dtype=float)
    scale = 10.0 ** decimals
    s = np.abs(a) * scale
    out = np.copysign(np.floor(s + 0.5) / scale, a)
    frac = s - np.floor(s)
    near = (np.abs(frac - 0.5) < 1e-9 + s * 1e-12) | (s > 1e15)
    if near.any():
        out[near] = round_half_up(a[near], decimals)
    out[out == 0] = 0.0
    return out


def round_fraction(value: Fraction, decimals: int) -> Fraction:
    """Half away from zero on `decimals` places, exactly (0.00005 -> 0.0001, -0.00005 -> -0.0001)."""
    scale = 10 ** decimals
    q = math.floor(abs(value) * scale + Fraction(1, 2))
    return Fraction(q if value >= 0 else -q, scale)


def float_rounder(decimals: int | None):
    """The function a float run writes each value with: itself when `decimals` is None, else
    half away from zero on `decimals` places, float residues cleared first."""
    if decimals is None:
        return lambda v: v
    unit = 10.0 ** decimals

    def written(v):
        # Float residues first (0.285 * 100 is 28.499999999999996), then half away from zero on the
        # shown digits. Past 1e8 units the residues reach the digits kept: exact decimals there.
        units = np.asarray(v, dtype=float) * unit
        if np.abs(units).max(initial=0.0) >= 1e8:
            return round_half_up(round_half_up(v, min(decimals + 6, 15)), decimals)
        clean = np.round(units, 6)
        out = np.sign(clean) * np.floor(np.abs(clean) + 0.5) / unit
        return float(out) + 0.0 if np.ndim(v) == 0 else out + 0.0

    return written


def round_written(value, decimals: int):
    """A value computed on paper from written decimals (sums, products, differences: W a + b,
    W - eta dW, delta a^T) rounded as the exact decimal result would be: the float's residues
    cleared first (0.5175 * 1.7 is 0.87974999... as a float, 0.87975 exactly, so 0.8798), then
    half away from zero. Exact whenever the decimal result has at most `decimals` + 6 places,
    as every sum of products of two written decimals does; not for calculator values (exp, log)."""
    out = float_rounder(decimals)(np.asarray(value, dtype=float))
    return float(out) if np.ndim(value) == 0 else np.asarray(out, dtype=float)


def round_as_shown(value: np.ndarray, decimals: int, whole: bool):
    """A value as an answer key shows it: a whole number to the nearest integer (NumPy's rule),
    anything else half away from zero on `decimals` places."""
    return np.round(value) if whole else round_half_up(value, decimals)


def format_number(value: float, decimals: int | None = None) -> str:
    """The text of a number as shown: exactly `decimals` places as a hand solution writes a
    computed value (0.5100, not 0.51), no -0; without `decimals` the number as written (a
    given 0.2 stays 0.2, a whole 3.0 is 3)."""
    v = float(value)
    if decimals is not None:
        v = round_half_up(v, decimals)
        text = f"{v:.{decimals}f}"
        if text.lstrip("-").strip("0.") == "":
            text = text.lstrip("-")
    else:
        text = repr(v)
        if text.endswith(".0"):
            text = text[:-2]
        if "e" in text:
            text = f"{v:.12f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_count(value) -> str:
    """A whole number that counts (parameters, epochs, updates): no decimals."""
    return str(int(round(float(value))))
