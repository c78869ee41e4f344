"""How close is the same: the tolerances of every cross-check, and the snapping next to a kink.

Two independent computations of one number agree when they are within RTOL relative
(ATOL absolute near zero); a disagreement beyond that is a bug (CrossCheckError).

A value this close to a kink (z = 0, y_hat = y, y y_hat = 1) is at the kink: float rounding
(0.1 + 0.2 - 0.3 = 5.6e-17) must not pick the branch, and every path decides the same way.
"""
from __future__ import annotations

RTOL, ATOL = 1e-9, 1e-12
KINK_TOLERANCE = 1e-9


def snap(value):
    """Rounding residues near 0 made exactly 0, so kinks follow their stated convention.
    A float gives a float; an array an array."""
    if isinstance(value, (int, float)):
        return 0.0 if abs(value) < KINK_TOLERANCE else value
    import numpy as np
    return np.where(np.abs(value) < KINK_TOLERANCE, 0.0, value)
