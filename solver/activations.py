"""The table of activations: each keeps its formula, derivative and NumPy code together.

`expr` is g(z) for SymPy; `hand_derivative` is g'(z) written the way a hand solution
writes it, in terms of the output a where that is the custom (sigmoid: a(1 - a));
tests check it against `sympy.diff(expr)`. `forward`/`derivative` are the NumPy path,
written independently of the SymPy forms so that the cross-check means something.

An entry's facts (name, kink, range) are plain Python; its mathematics is built by the
function the entry is registered with, on first use, so that reading and checking a
problem file never imports SymPy or NumPy.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, NamedTuple


class Maths(NamedTuple):
    expr: Callable                 # g(z) for SymPy; softmax: see `softmax_expr`
    hand_derivative: Any           # g'(z) in terms of Z and/or A (and ALPHA), a SymPy expression
    forward: Callable              # (z, alpha) -> a, NumPy
    derivative: Callable           # (z, a, alpha) -> g'(z), NumPy
    display: Callable | None = None   # how a hand solution writes g(z), if not `expr`


@dataclass(frozen=True)
class Activation:
    name: str
    maths: Callable[[], Maths]                     # built once, on first use
    kink: str | None = None                        # the convention at a point without derivative
    open_unit_interval: bool = False               # outputs stay strictly inside (0, 1)
    elementwise: bool = True

    @property
    def expr(self) -> Callable:
        return self.maths().expr

    @property
    def hand_derivative(self):
        return self.maths().hand_derivative

    @property
    def forward(self) -> Callable:
        return self.maths().forward

    @property
    def derivative(self) -> Callable:
        return self.maths().derivative

    @property
    def display(self) -> Callable | None:
        return self.maths().display


ACTIVATIONS: dict[str, Activation] = {}


def _activation(name: str, **facts):
    """Register the function that builds an activation's mathematics, with its facts."""
    def register(maths: Callable[[], Maths]) -> Callable[[], Maths]:
        ACTIVATIONS[name] = Activation(name, cache(maths), **facts)
        return maths
    return register


def _libraries():
    import numpy as np
    import sympy as sp

    from . import symbols
    return np, sp, symbols


@cache
def _hand_max():
    import sympy as sp
    return sp.Function("max")


def __getattr__(name: str):
    # HAND_MAX: max(0, z) as written by hand, an inert SymPy function, so the order of its
    # arguments stays put. Made on first use, as every SymPy object of this module.
    if name == "HAND_MAX":
        return _hand_max()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _sigmoid(z):
    import numpy as np
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _softmax(z):
    import numpy as np
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


@_activation("linear")
def _linear() -> Maths:
    np, sp, _ = _libraries()
    return Maths(lambda z: z, sp.Integer(1),
                 lambda z, al: z.astype(float), lambda z, a, al: np.ones_like(z, dtype=float))


@_activation("sigmoid", open_unit_interval=True)
def _sigmoid_maths() -> Maths:
    np, sp, s = _libraries()
    return Maths(lambda z: 1 / (1 + sp.exp(-z)), s.A * (1 - s.A),
                 lambda z, al: _sigmoid(z), lambda z, a, al: a * (1.0 - a))


@_activation("tanh")
def _tanh() -> Maths:
    np, sp, s = _libraries()
    return Maths(sp.tanh, 1 - s.A**2,
                 lambda z, al: np.tanh(z), lambda z, a, al: 1.0 - a * a)


@_activation("relu", kink="relu")
def _relu() -> Maths:
    np, sp, s = _libraries()
    return Maths(lambda z: sp.Piecewise((z, z > 0), (0, True)), sp.Piecewise((1, s.Z > 0), (0, True)),
                 lambda z, al: np.maximum(z, 0.0), lambda z, a, al: (z > 0).astype(float),
                 display=lambda z: _hand_max()(0, z))


@_activation("leaky_relu", kink="leaky_relu")
def _leaky_relu() -> Maths:
    np, sp, s = _libraries()
    return Maths(lambda z: sp.Piecewise((z, z > 0), (s.ALPHA * z, True)),
                 sp.Piecewise((1, s.Z > 0), (s.ALPHA, True)),
                 lambda z, al: np.where(z > 0, z, al * z), lambda z, a, al: np.where(z > 0, 1.0, al))


@_activation("step", kink="step")
def _step() -> Maths:
    np, sp, _ = _libraries()
    return Maths(lambda z: sp.Piecewise((1, z >= 0), (0, True)), sp.Integer(0),
                 lambda z, al: (z >= 0).astype(float), lambda z, a, al: np.zeros_like(z, dtype=float))


@_activation("softmax", open_unit_interval=True, elementwise=False)
def _softmax_maths() -> Maths:
    np, sp, _ = _libraries()
    return Maths(lambda z: z, sp.Integer(0),  # vector-valued: see softmax_* below
                 lambda z, al: _softmax(z), lambda z, a, al: np.zeros_like(z))


def softmax_expr(zs: list, i: int):
    """a_i = e^{z_i} / sum_k e^{z_k}."""
    import sympy as sp
    return sp.exp(zs[i]) / sp.Add(*[sp.exp(z) for z in zs])


def softmax_jacobian(a):
    """da_i/dz_j = a_i (delta_ij - a_j), for each row of `a` (examples x units)."""
    import numpy as np
    eye = np.eye(a.shape[-1])
    return a[..., :, None] * (eye - a[..., None, :])
