"""The table of activations: each keeps its formula, derivative and NumPy code together.

`expr` is g(z) for SymPy; `hand_derivative` is g'(z) written the way a hand solution
writes it, in terms of the output a where that is the custom (sigmoid: a(1 - a));
tests check it against `sympy.diff(expr)`. `forward`/`derivative` are the NumPy path,
written independently of the SymPy forms so that the cross-check means something.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

from .symbols import A, ALPHA, Z


@dataclass(frozen=True)
class Activation:
    name: str
    expr: Callable[[sp.Expr], sp.Expr]            # g(z); softmax: see `softmax_expr`
    hand_derivative: sp.Expr                      # g'(z) in terms of Z and/or A (and ALPHA)
    forward: Callable[[np.ndarray, float], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray, float], np.ndarray]  # (z, a, alpha)
    kink: str | None = None                        # the convention at a point without derivative
    open_unit_interval: bool = False               # outputs stay strictly inside (0, 1)
    elementwise: bool = True
    display: Callable[[sp.Expr], sp.Expr] | None = None   # how a hand solution writes g(z), if not `expr`


# A value this close to a kink (z = 0, y_hat = y, y y_hat = 1) is at the kink: float rounding
# (0.1 + 0.2 - 0.3 = 5.6e-17) must not pick the branch, and every path decides the same way.
KINK_TOLERANCE = 1e-9


def snap(z: np.ndarray) -> np.ndarray:
    """Rounding residues near 0 made exactly 0, so kinks follow their stated convention."""
    return np.where(np.abs(z) < KINK_TOLERANCE, 0.0, z)


# max(0, z) as written by hand: an inert function, so the order of its arguments stays put.
HAND_MAX = sp.Function("max")


def _sigmoid(z):
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _relu_expr(z):
    return sp.Piecewise((z, z > 0), (0, True))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation(
            "linear", lambda z: z, sp.Integer(1),
            lambda z, al: z.astype(float), lambda z, a, al: np.ones_like(z, dtype=float)),
        Activation(
            "sigmoid", lambda z: 1 / (1 + sp.exp(-z)), A * (1 - A),
            lambda z, al: _sigmoid(z), lambda z, a, al: a * (1.0 - a), open_unit_interval=True),
        Activation(
            "tanh", sp.tanh, 1 - A**2,
            lambda z, al: np.tanh(z), lambda z, a, al: 1.0 - a * a),
        Activation(
            "relu", _relu_expr, sp.Piecewise((1, Z > 0), (0, True)),
            lambda z, al: np.maximum(z, 0.0), lambda z, a, al: (z > 0).astype(float), kink="relu",
            display=lambda z: HAND_MAX(0, z)),
        Activation(
            "leaky_relu", lambda z: sp.Piecewise((z, z > 0), (ALPHA * z, True)),
            sp.Piecewise((1, Z > 0), (ALPHA, True)),
            lambda z, al: np.where(z > 0, z, al * z), lambda z, a, al: np.where(z > 0, 1.0, al),
            kink="leaky_relu"),
        Activation(
            "step", lambda z: sp.Piecewise((1, z >= 0), (0, True)), sp.Integer(0),
            lambda z, al: (z >= 0).astype(float), lambda z, a, al: np.zeros_like(z, dtype=float),
            kink="step"),
        Activation(
            "softmax", lambda z: z, sp.Integer(0),  # vector-valued: see softmax_* below
            lambda z, al: _softmax(z), lambda z, a, al: np.zeros_like(z), open_unit_interval=True,
            elementwise=False),
    ]
}


def softmax_expr(zs: list[sp.Expr], i: int) -> sp.Expr:
    """a_i = e^{z_i} / sum_k e^{z_k}."""
    return sp.exp(zs[i]) / sp.Add(*[sp.exp(z) for z in zs])


def softmax_jacobian(a: np.ndarray) -> np.ndarray:
    """da_i/dz_j = a_i (delta_ij - a_j), for each row of `a` (examples x units)."""
    eye = np.eye(a.shape[-1])
    return a[..., :, None] * (eye - a[..., None, :])
