"""How quantities are named on the page. One object per notation; the printer and the
templates ask it. `layer` is here; each other notation N is `notation_N.py` with an object
`NOTATION` of the same methods (and `for_network`), found by `notation_for`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..symbols import Meaning


def sizes_of(network) -> tuple[int, int]:
    """(layers, output units) of a network; (0, 1) for a question without one."""
    if network is None:
        return 0, 1
    return len(network.layers), network.layers[-1].units


def _idx(*parts: int) -> str:
    parts = [str(p) for p in parts if p is not None]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


@dataclass(frozen=True)
class LayerNotation:
    """z^{[l]} = W^{[l]} a^{[l-1]} + b^{[l]}, a^{[l]} = g(z^{[l]}), delta^{[l]} = dL/dz^{[l]}."""

    layers: int                 # L: the output layer's a is written y-hat
    outputs: int                # one output: y-hat and y without a subscript
    name = "layer"

    @classmethod
    def for_network(cls, network) -> "LayerNotation":
        """The notation of a question's network (None for kinds without one)."""
        return cls(*sizes_of(network))

    def scalar(self, m: Meaning) -> str:
        kind, l, i, j, e = m
        ex = f"({e})" if e is not None else ""
        if kind in ("yhat", "y") or (kind == "a" and l == self.layers and l is not None):
            base = r"\hat{y}" if kind != "y" else "y"
            sub = _idx(i) if i is not None and self.outputs > 1 else ""
            return base + (f"^{{{ex}}}" if ex else "") + (f"_{{{sub}}}" if sub else "")
        if kind == "x":
            return "x" + (f"^{{{ex}}}" if ex else "") + (f"_{{{i}}}" if i is not None else "")
        if kind in ("z", "a", "W", "b", "delta"):
            base = {"delta": r"\delta"}.get(kind, kind)
            sup = (f"[{l}]" if l is not None else "") + ex
            sub = _idx(i, j)
            return base + (f"^{{{sup}}}" if sup else "") + (f"_{{{sub}}}" if sub else "")
        if kind == "ell":
            return r"\ell" + (f"^{{{ex}}}" if ex else "")
        if kind == "huberdelta":
            return r"\delta_{H}"
        return {"L": "L", "alpha": r"\alpha", "eta": r"\eta"}.get(kind, kind)

    def matrix(self, name: str, layer: int | None) -> str:
        """The name of a whole vector or matrix: W^{[1]}, a^{[0]}, delta^{[2]}."""
        if name == "a" and layer == 0:
            return "x"
        if name == "a" and layer == self.layers:
            return r"\hat{y}"
        base = {"delta": r"\delta", "dW": r"dW", "db": r"db"}.get(name, name)
        return base + (f"^{{[{layer}]}}" if layer is not None else "")


def notation_for(name: str, network):
    if name == "layer":
        return LayerNotation.for_network(network)
    import importlib
    try:
        module = importlib.import_module(f"{__package__}.notation_{name}")
    except ModuleNotFoundError:
        from ..errors import UsageError
        raise UsageError(f"notation {name!r} is not supported by this version yet; use layer") from None
    return module.NOTATION.for_network(network)
