"""The `indexed` notation of the course notes (seeds 000, 001, 003).

Names: w^{k}_{ij} is the weight of layer k on the edge from node i of the layer before to
node j of layer k (so w^{k}_{ij} = W^{[k]}_{ji} of our units x inputs matrices); b_{kj} the
bias of node j in layer k; O_{kj} the output of that node; z_{kj} its weighted sum; x_{i1},
x_{i2}, ... the inputs of the row i chosen (x_{21} is row 2, input 1, when several rows are
worked); y-hat the network's output; delta_{kj} = dL/dz_{kj}.

A layer with a linear activation has no separate z: its output IS the weighted sum
(O_{11} = w^1_{11} x_{i1} + w^1_{21} x_{i2} + b_{11}, as the notes write it), so z_{kj}
prints as O_{kj} there and the factor dO/dz = 1 drops out of every chain.

This module only names things. The chains a hand solution writes weight by weight,
dL/dw^1_{11} = dL/dy-hat * dy-hat/dO_{11} * dO_{11}/dw^1_{11}, are built by the network
kind (solver/kinds/network/indexed_chains.py) and reach the templates as `qs.written`.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..activations import ACTIVATIONS
from ..steps import Line
from ..symbols import Meaning, meaning, sym


def _idx(*parts) -> str:
    parts = [str(p) for p in parts if p is not None]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


def _sub(base: str, sub: str, example: int | None = None, sup: str = "") -> str:
    sup = sup + (f"({example})" if example is not None else "")
    return base + (f"^{{{sup}}}" if sup else "") + (f"_{{{sub}}}" if sub else "")


@dataclass(frozen=True)
class IndexedNotation:
    layers: int                      # L: the output layer's O is written y-hat
    outputs: int                     # one output: y-hat and y without a subscript
    linear: frozenset = frozenset()  # layers whose output is the weighted sum itself
    name = "indexed"

    @classmethod
    def for_network(cls, network) -> "IndexedNotation":
        if network is None:
            return cls(0, 1)
        linear = frozenset(l for l, layer in enumerate(network.layers, start=1) if ACTIVATIONS[layer.activation].identity)
        return cls(len(network.layers), network.layers[-1].units, linear)

    # ------------------------------------------------------------------ names

    def scalar(self, m: Meaning, tag: str | None = None) -> str:
        kind, l, i, j, e = m
        if kind == "z" and l is not None and l in self.linear:
            kind = "a"      # a linear layer's weighted sum is its output
        if kind in ("yhat", "y") or (kind == "a" and l == self.layers and l is not None):
            base = r"\hat{y}" if kind != "y" else "y"
            sub = _idx(i) if i is not None and self.outputs > 1 else ""
            return _sub(base, _tagged(sub, tag), e)
        if kind == "x":
            row = "i" if e is None else e
            return _sub("x", _tagged(_idx(row, i), tag))
        if kind == "W":          # W^{[l]}_{ij}: into unit i from input j, written w^{l}_{ji}
            return _sub("w", _tagged(_idx(j, i), tag), None, str(l))
        if kind in ("b", "a", "z", "delta"):
            base = {"a": "O", "delta": r"\delta"}.get(kind, kind)
            if l is None:
                return _sub(base, "", e)
            return _sub(base, _tagged(_idx(l, i), tag), e)
        if kind == "ell":
            return _sub(r"\ell", "", e)
        if kind == "huberdelta":
            return r"\delta_{H}"
        return {"L": "L", "alpha": r"\alpha", "eta": r"\eta"}.get(kind, kind)

    def matrix(self, name: str, layer: int | None) -> str:
        """A whole vector or matrix (used by tables that list one): W^{[l]} is units x inputs,
        the transpose of the notes' [w^{l}_{ij}]; O_{l} the outputs of layer l."""
        if name == "a" and layer == 0:
            return "x"
        if name == "a" and layer == self.layers:
            return r"\hat{y}"
        if name in ("a", "z") and layer is not None:
            return _sub("O" if name == "a" or layer in self.linear else "z", str(layer))
        base = {"delta": r"\delta", "dW": r"dW", "db": r"db"}.get(name, name)
        return base + (f"^{{[{layer}]}}" if layer is not None else "")

    def tagged(self, symbol: sp.Symbol, tag: str) -> str:
        """A parameter with a word in its subscript: w^{1}_{11,\\text{new}}."""
        return self.scalar(meaning(symbol), tag)

    def is_linear(self, layer: int) -> bool:
        return layer in self.linear

    def given_weights(self, values, layer: int):
        """The notes' matrix of layer k: row i = the edges leaving node i, column j = those into node j."""
        W = values[f"W{layer}"]
        rows = [[sym("W", layer, j + 1, i + 1) for j in range(W.shape[0])] for i in range(W.shape[1])]
        return rows, W.T

    def given_biases(self, values, layer: int):
        b = values[f"b{layer}"]
        return [sym("b", layer, j + 1) for j in range(len(b))], b[None, :]

    def input_column(self, k: int) -> str:
        """The heading of input k in the table of rows: x_{i1}."""
        return _sub("x", _idx("i", k))

    def target_symbol(self, j: int) -> sp.Symbol:
        return sym("y", None, j)

    @property
    def loss_symbol(self) -> sp.Symbol:
        return sym("L")

    def per_example(self, line: Line) -> list[tuple[sp.Expr, sp.Expr, float]]:
        """(label, numbers, value) of each example of a line: O^{(2)}_{11} = ... = 0.57."""
        return list(zip(line.labels, line.numbers, line.values))

def _tagged(sub: str, tag: str | None) -> str:
    if tag is None:
        return sub
    return (sub + "," if sub else "") + rf"\text{{{tag}}}"


NOTATION = IndexedNotation
