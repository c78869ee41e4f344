"""The table of optimizers: each entry keeps its update as data, as solver/activations.py does.

An update of one parameter theta with gradient g (already with the l2 term, l2 * W for a
weight matrix) and learning rate eta, every operation elementwise:

    sgd       theta <- theta - eta g
    momentum  v <- mu v + g;                          theta <- theta - eta v
    nesterov  v <- mu v + g;                          theta <- theta - eta (g + mu v)   (PyTorch)
    rmsprop   s <- rho s + (1 - rho) g^2;             theta <- theta - eta g / (sqrt(s) + eps)
    adagrad   s <- s + g^2;                           theta <- theta - eta g / (sqrt(s) + eps)
    adam      m <- b1 m + (1 - b1) g;  s <- b2 s + (1 - b2) g^2;  t <- t + 1 (t counts from 1)
              theta <- theta - eta m_hat / (sqrt(s_hat) + eps),  m_hat = m / (1 - b1^t),
              s_hat = s / (1 - b2^t)

Each entry names its moments (in the order they are computed), the fields it reads, and its
formulas in LaTeX for the worked solution. `moments` and `new_value` are the NumPy path (the
training loop and the worked step both call them; tests/test_optimizers.py checks them against
a reference written straight from the published formulas). The table is plain data: reading a
problem file imports no NumPy (the functions import it when called).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The hyperparameters a file may give, and their defaults (those of PyTorch and Keras).
DEFAULTS = {"momentum": 0.9, "beta1": 0.9, "beta2": 0.999, "rho": 0.9, "epsilon": 1e-8}
HYPER_NAMES = tuple(DEFAULTS)
# How each is written in a formula.
HYPER_TEX = {"momentum": r"\mu", "beta1": r"\beta_1", "beta2": r"\beta_2", "rho": r"\rho", "epsilon": r"\epsilon"}


@dataclass(frozen=True)
class Optimizer:
    name: str
    uses: tuple[str, ...]           # the hyperparameters it reads (others are refused)
    moments: tuple[str, ...]        # its moments per parameter: answer keys <moment>_<param>, e.g. v_W1
    moment_tex: tuple[str, ...]     # each moment's update; @ stands for the parameter's name (W1, b2)
    update_tex: str                 # the parameter's update, @ as in moment_tex
    words: str                      # the convention, said once in the solution
    counts_steps: bool = False      # it keeps a step count t (adam's bias correction)


OPTIMIZERS: dict[str, Optimizer] = {o.name: o for o in (
    Optimizer("sgd", (), (), (), r"@ - \eta\, g_{@}", "Gradient descent moves each parameter against its gradient."),
    Optimizer("momentum", ("momentum",), ("v",), (r"\mu\, v_{@} + g_{@}",), r"@ - \eta\, v_{@}",
              "Momentum (as PyTorch writes it) keeps a velocity $v$ per parameter."),
    Optimizer("nesterov", ("momentum",), ("v",), (r"\mu\, v_{@} + g_{@}",), r"@ - \eta\, (g_{@} + \mu\, v_{@})",
              "Nesterov momentum (as PyTorch defines it) keeps a velocity $v$ per parameter and steps by the "
              "gradient plus the momentum of the new velocity."),
    Optimizer("rmsprop", ("rho", "epsilon"), ("s",), (r"\rho\, s_{@} + (1 - \rho)\, g_{@} \odot g_{@}",),
              r"@ - \eta\, g_{@} \oslash \left(\sqrt{s_{@}} + \epsilon\right)",
              "RMSprop keeps a running average $s$ of the squared gradients, elementwise."),
    Optimizer("adagrad", ("epsilon",), ("s",), (r"s_{@} + g_{@} \odot g_{@}",),
              r"@ - \eta\, g_{@} \oslash \left(\sqrt{s_{@}} + \epsilon\right)",
              "Adagrad adds up the squared gradients in $s$, elementwise."),
    Optimizer("adam", ("beta1", "beta2", "epsilon"), ("m", "s"),
              (r"\beta_1 m_{@} + (1 - \beta_1)\, g_{@}", r"\beta_2 s_{@} + (1 - \beta_2)\, g_{@} \odot g_{@}"),
              r"@ - \eta\, \hat{m}_{@} \oslash \left(\sqrt{\hat{s}_{@}} + \epsilon\right)",
              "Adam keeps running averages $m$ of the gradients and $s$ of their squares, corrected for "
              "their start at 0 by $1 - \\beta^t$ with $t$ the step's number (from 1).", counts_steps=True),
)}
NAMES = tuple(OPTIMIZERS)
ALIASES = {"gd": "sgd", "sgdm": "momentum", "nag": "nesterov", "adamw": "adam"}


@dataclass(frozen=True)
class Settings:
    """What a question says of its optimizer (plain Python: matrices are tuples of rows)."""
    name: str = "sgd"
    momentum: float = DEFAULTS["momentum"]
    beta1: float = DEFAULTS["beta1"]
    beta2: float = DEFAULTS["beta2"]
    rho: float = DEFAULTS["rho"]
    epsilon: float = DEFAULTS["epsilon"]
    l2: float = 0.0
    t: int = 0                                   # steps taken before this one (adam)
    state: dict[str, Any] = field(default_factory=dict)   # moment key (v_W1) -> its value before the step

    @property
    def optimizer(self) -> Optimizer:
        return OPTIMIZERS[self.name]

    @property
    def plain(self) -> bool:
        """Plain gradient descent without weight decay: the solution of the notes."""
        return self.name == "sgd" and self.l2 == 0

    def before(self, key: str, like):
        """The moment `key` (v_W1, ...) before the first step: the file's state, else zeros shaped
        as `like` (the parameter, a NumPy array)."""
        import numpy as np
        given = self.state.get(key)
        return np.zeros_like(like, dtype=float) if given is None else np.asarray(given, dtype=float)

    def hyper(self, name: str) -> float:
        return getattr(self, name)

    def settings_tex(self) -> tuple[tuple[str, float, str | None], ...]:
        """(TeX name, value, the value as a power of ten when tiny, else None) of each setting the
        optimizer uses, for the solution's words."""
        return tuple((HYPER_TEX[h], self.hyper(h), tiny(self.hyper(h))) for h in self.optimizer.uses)


def tiny(x: float) -> str | None:
    """A tiny setting (epsilon) as a power of ten, as the papers write it (10^{-8}); None when x is
    0 or not below 1e-4."""
    return scientific(x) if 0 < abs(x) < 1e-4 else None


def scientific(x: float) -> str:
    """x as m \\cdot 10^{e} (10^{e} alone when m is 1), m as written with up to 6 digits."""
    mantissa, exponent = f"{x:.6e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else f"{mantissa} \\cdot {power}"


def moments(s: Settings, g, before: dict, t: int) -> dict:
    """The moments after the step, by their short names (v, m, s), from those `before` (the same
    names) and the gradient g; t is the number of this step (from 1)."""
    o = s.name
    if o in ("momentum", "nesterov"):
        return {"v": s.momentum * before["v"] + g}
    if o == "rmsprop":
        return {"s": s.rho * before["s"] + (1 - s.rho) * (g * g)}
    if o == "adagrad":
        return {"s": before["s"] + g * g}
    if o == "adam":
        return {"m": s.beta1 * before["m"] + (1 - s.beta1) * g,
                "s": s.beta2 * before["s"] + (1 - s.beta2) * (g * g)}
    return {}


def corrected(s: Settings, after: dict, t: int) -> dict:
    """adam's bias-corrected moments m_hat, s_hat (empty for the others)."""
    if s.name != "adam":
        return {}
    return {"m_hat": after["m"] / (1 - s.beta1 ** t), "s_hat": after["s"] / (1 - s.beta2 ** t)}


def new_value(s: Settings, eta: float, theta, g, after: dict, t: int):
    """theta after the step, from the moments after it (NumPy arrays or floats)."""
    import numpy as np
    o = s.name
    if o == "momentum":
        return theta - eta * after["v"]
    if o == "nesterov":
        return theta - eta * (g + s.momentum * after["v"])
    if o in ("rmsprop", "adagrad"):
        return theta - eta * g / (np.sqrt(after["s"]) + s.epsilon)
    if o == "adam":
        hat = corrected(s, after, t)
        return theta - eta * hat["m_hat"] / (np.sqrt(hat["s_hat"]) + s.epsilon)
    return theta - eta * g
