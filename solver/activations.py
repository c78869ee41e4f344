"""The table of activations: each keeps everything about it in one entry.

`expr` is g(z) for SymPy; `hand_derivative` is g'(z) written the way a hand solution
writes it, in terms of the output a where that is the custom (sigmoid: a(1 - a));
tests check it against `sympy.diff(expr)`. `forward`/`derivative` are the NumPy path,
written independently of the SymPy forms so that the cross-check means something.

Beside its mathematics an entry holds how it is written and what the rest of the program
asks about it by name: its LaTeX name and the name the printer draws it with, the other
names people give it, its kink convention, the bounds it saturates at, whether it has a
slope alpha, its derivative as a matrix expression of the batch notation, and, for the
functions a computation graph may call, its plain-float forward and derivative. Adding an
activation is one entry here (plus its tests).

An entry's facts are plain Python; its mathematics is built by the function the entry is
registered with, on first use, so that reading and checking a problem file never imports
SymPy or NumPy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, NamedTuple

from .tolerances import snap


class Maths(NamedTuple):
    expr: Callable                 # g(z) for SymPy; softmax: see `softmax_expr`
    hand_derivative: Any           # g'(z) in terms of Z and/or A (and ALPHA), a SymPy expression
    forward: Callable              # (z, alpha) -> a, NumPy
    derivative: Callable           # (z, a, alpha) -> g'(z), NumPy
    display: Callable | None = None   # how a hand solution writes g(z), if not `expr`
    named: Callable | None = None     # g(z) as a named function (sigma(z)), if not label(z), inert


class Scalar(NamedTuple):
    """Plain floats, for a computation graph's node (no NumPy: a graph is read without it). An
    activation with this form is a function a graph may call (one argument, no slope)."""
    forward: Callable[[float], float]             # x -> g(x)
    derivative: Callable[[float, float], float]   # (x, g(x)) -> g'(x), from what the hand derivative names:
    uses_output: bool = False                     # g(x) itself (then x is not given), or else x


@dataclass(frozen=True)
class Activation:
    name: str
    maths: Callable[[], Maths]                     # built once, on first use
    tex: str = ""                                  # g as the formatter writes it (\sigma, \operatorname{ReLU})
    label: str = ""                                # g as a SymPy function name the printer writes as `tex`
    aliases: tuple[str, ...] = ()                  # other names for it, which a file may not use
    kink: str | None = None                        # the convention at a point without derivative
    convention: str | None = None                  # that convention in words; {zero} is where the kink is
    open_unit_interval: bool = False               # outputs stay strictly inside (0, 1)
    saturates: tuple[float, float] | None = None   # the bounds of its range a saturated unit shows
    elementwise: bool = True
    identity: bool = False                         # g(z) = z: the error passes through unchanged
    slope: bool = False                            # has a slope alpha (given per layer)
    batch_derivative: str = "1"                    # g'(in) over the batch, in LaTeX: {out} and {in} are the
                                                   # layer's matrices, {alpha} its slope
    scalar: Scalar | None = None                   # plain floats, for a graph's node

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

    @property
    def named(self) -> Callable:
        """g(z) written as a named function, unevaluated: sigma(z), ReLU(z)."""
        named = self.maths().named
        return named if named is not None else _named(self.label)

    @property
    def shows_hand_derivative(self) -> bool:
        """The hand derivative says more than a constant (sigmoid: a(1 - a); not linear's 1)."""
        return not self.hand_derivative.is_number

    @property
    def constant_slopes(self) -> bool:
        """g' takes only constants (1 and 0, or the slope alpha): its values are written as such,
        [1, 0], not to the decimals like a computed number (linear, ReLU, leaky ReLU, step)."""
        _, sp, s = _libraries()
        d = self.hand_derivative
        pieces = [e for e, _ in d.args] if isinstance(d, sp.Piecewise) else [d]
        return all(p.free_symbols <= {s.ALPHA} for p in pieces)

    def convention_text(self, zero: str = "z = 0") -> str | None:
        return None if self.convention is None else self.convention.replace("{zero}", zero)

    def batch_derivative_tex(self, out: str, inn: str, alpha: str) -> str:
        return self.batch_derivative.replace("{out}", out).replace("{in}", inn).replace("{alpha}", alpha)


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


@cache
def _named(label: str):
    import sympy as sp
    return sp.Function(label)


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


def _sigmoid_scalar(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softmax(z):
    import numpy as np
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


@_activation("linear", tex=r"\operatorname{id}", label="id", aliases=("identity", "none"), identity=True)
def _linear() -> Maths:
    np, sp, _ = _libraries()
    return Maths(lambda z: z, sp.Integer(1),
                 lambda z, al: z.astype(float), lambda z, a, al: np.ones_like(z, dtype=float))


@_activation("sigmoid", tex=r"\sigma", label="sigma", aliases=("logistic",), open_unit_interval=True,
             saturates=(0.0, 1.0), batch_derivative=r"{out} \odot \left(1 - {out}\right)",
             scalar=Scalar(_sigmoid_scalar, lambda x, out: out * (1.0 - out), uses_output=True))
def _sigmoid_maths() -> Maths:
    np, sp, s = _libraries()
    return Maths(lambda z: 1 / (1 + sp.exp(-z)), s.A * (1 - s.A),
                 lambda z, al: _sigmoid(z), lambda z, a, al: a * (1.0 - a))


@_activation("tanh", tex=r"\tanh", label="tanh", saturates=(-1.0, 1.0), batch_derivative=r"1 - {out} \odot {out}",
             scalar=Scalar(math.tanh, lambda x, out: 1.0 - out * out, uses_output=True))
def _tanh() -> Maths:
    np, sp, s = _libraries()
    return Maths(sp.tanh, 1 - s.A**2,
                 lambda z, al: np.tanh(z), lambda z, a, al: 1.0 - a * a,
                 named=lambda z: sp.tanh(z, evaluate=False))


@_activation("relu", tex=r"\operatorname{ReLU}", label="ReLU", kink="relu",
             convention=r"ReLU has no derivative at ${zero}$; as most libraries do, we take "
                        r"$\operatorname{ReLU}'(0) = 0$.",
             batch_derivative=r"\mathbb{1}\left[{in} > 0\right]",
             scalar=Scalar(lambda x: max(0.0, snap(x)), lambda x, out: 1.0 if snap(x) > 0 else 0.0))
def _relu() -> Maths:
    np, sp, s = _libraries()
    return Maths(lambda z: sp.Piecewise((z, z > 0), (0, True)), sp.Piecewise((1, s.Z > 0), (0, True)),
                 lambda z, al: np.maximum(z, 0.0), lambda z, a, al: (z > 0).astype(float),
                 display=lambda z: _hand_max()(0, z))


@_activation("leaky_relu", tex=r"\operatorname{LReLU}", label="LReLU", aliases=("leaky", "lrelu", "leakyrelu"),
             kink="leaky_relu", slope=True,
             convention=r"leaky ReLU has no derivative at ${zero}$; we take the slope $\alpha$ there.",
             batch_derivative=r"\mathbb{1}\left[{in} > 0\right] + {alpha} \cdot \mathbb{1}\left[{in} \le 0\right]")
def _leaky_relu() -> Maths:
    np, sp, s = _libraries()
    return Maths(lambda z: sp.Piecewise((z, z > 0), (s.ALPHA * z, True)),
                 sp.Piecewise((1, s.Z > 0), (s.ALPHA, True)),
                 lambda z, al: np.where(z > 0, z, al * z), lambda z, a, al: np.where(z > 0, 1.0, al))


@_activation("step", tex=r"\operatorname{step}", label="step", aliases=("heaviside",), kink="step",
             convention=r"the step function is flat wherever it has a derivative, so its derivative is taken "
                        r"as 0 everywhere (at ${zero}$ too) and no gradient flows back through it.",
             batch_derivative="0")
def _step() -> Maths:
    np, sp, _ = _libraries()
    return Maths(lambda z: sp.Piecewise((1, z >= 0), (0, True)), sp.Integer(0),
                 lambda z, al: (z >= 0).astype(float), lambda z, a, al: np.zeros_like(z, dtype=float))


@_activation("softmax", tex=r"\operatorname{softmax}", label="softmax", open_unit_interval=True,
             saturates=(0.0, 1.0), elementwise=False)
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


# Other names for the activations, and what they are called here.
ALIASES: dict[str, str] = {alias: act.name for act in ACTIVATIONS.values() for alias in act.aliases}
# The activations with a slope alpha (leaky_relu).
WITH_SLOPE: tuple[str, ...] = tuple(name for name, act in ACTIVATIONS.items() if act.slope)
