"""Naming the slip behind a wrong answer, as a careful marker does.

A wrong value is compared with what it should be (the key's value, or the step done on the
student's own earlier values) and, where one rule explains every wrong entry, the slip is
named: `sign` (entries with the sign flipped), `decimal_shift` (an entry off by a power of
ten), `transposed`, `swapped` (two entries exchanged), `truncated` (cut instead of rounded),
`fewer_decimals` (right to fewer decimals than asked), `other_key` (the value of another key,
e.g. z written for a). The rules are tried in that order; the first that explains every wrong
entry names the slip.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SLIPS = ("sign", "decimal_shift", "transposed", "swapped", "truncated", "fewer_decimals", "other_key")


@dataclass(frozen=True)
class Slip:
    name: str          # one of SLIPS
    words: str         # what the report says


def _near(a, b, tol: float) -> np.ndarray:
    return np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) <= tol * (1 + 1e-9) + 1e-12


def _entries(positions, shape) -> str:
    if len(shape) == 0:
        return ""
    names = ["(" + ", ".join(str(i + 1) for i in np.unravel_index(p, shape)) + ")" for p in positions]
    return (" in entry " if len(names) == 1 else " in entries ") + ", ".join(names)


def name_slip(mine, target, exact, tol: float, decimals: int, others: dict[str, np.ndarray]) -> Slip | None:
    """The slip that turns `target` (rounded as shown; `exact` at full precision) into `mine`,
    or None. `others`: the other keys' values, for a value copied from the wrong key."""
    mine, target, exact = (np.asarray(v, dtype=float) for v in (mine, target, exact))
    if mine.shape != target.shape:
        return None
    wrong = ~_near(mine, target, tol)
    if not wrong.any():
        return None
    where = np.flatnonzero(wrong.ravel())
    m, t = mine.ravel()[where], target.ravel()[where]
    at = _entries(where, mine.shape) if mine.size > 1 else ""
    if np.all(t != 0) and _near(-m, t, tol).all():
        return Slip("sign", f"a sign slip{at}: the sign is flipped")
    with np.errstate(divide="ignore", invalid="ignore"):
        powers = np.log10(np.abs(m / t))
    if np.all(t != 0) and np.all(np.isfinite(powers)) and np.all(np.abs(powers - np.round(powers)) < 1e-6) \
            and np.all(np.round(powers) != 0) and np.all(np.sign(m) == np.sign(t)):
        shift = int(np.round(powers[0]))
        return Slip("decimal_shift", f"the decimal point is moved{at} ({'x' if shift > 0 else '/'}"
                                     f"{10 ** abs(shift):g})")
    if mine.ndim == 2 and mine.shape[0] == mine.shape[1] and mine.shape[0] > 1 and _near(mine.T, target, tol).all():
        return Slip("transposed", "the matrix is transposed: rows and columns exchanged")
    if len(where) == 2:
        i, j = where
        flat_m, flat_t = mine.ravel(), target.ravel()
        if _near(flat_m[i], flat_t[j], tol) and _near(flat_m[j], flat_t[i], tol):
            return Slip("swapped", f"two entries are swapped{at}")
    scale = 10.0 ** decimals
    truncated = np.trunc(exact * scale + np.sign(exact) * 1e-9) / scale
    if _near(mine, truncated, tol / 10).all() and not _near(truncated, target, tol / 10).all():
        return Slip("truncated", f"cut to {decimals} decimals instead of rounded{at}")
    for k in range(decimals - 1, -1, -1):
        if _near(m, t, 0.5 * 10.0 ** -k).all() and np.allclose(np.round(m, k), m, rtol=0, atol=1e-12):
            return Slip("fewer_decimals", f"right to {k} decimal{'s' if k != 1 else ''}, {decimals} asked")
    for key, value in others.items():
        value = np.asarray(value, dtype=float)
        if value.shape == mine.shape and _near(mine, value, tol).all():
            return Slip("other_key", f"this is the value of {key}")
    return None
