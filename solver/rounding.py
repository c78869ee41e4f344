"""Rounding as a hand solution does it: half away from zero, on the decimal digits shown.

This is the one place where values are rounded; the `exact` path never calls it.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

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


def format_number(value: float, decimals: int | None = None) -> str:
    """The text of a number as shown: at most `decimals` places, no trailing zeros, no -0."""
    v = float(value)
    if decimals is not None:
        v = round_half_up(v, decimals)
        text = f"{v:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = repr(v)
        if text.endswith(".0"):
            text = text[:-2]
        if "e" in text:
            text = f"{v:.12f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
