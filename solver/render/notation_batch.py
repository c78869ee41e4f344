"""The `batch` notation: the matrix form over all examples at once (seed 002).

    H_in = X W_1 (+ b_1),  H_out = g(H_in),  O_in = H_out W_2,  O_out = g(O_in),
    O_error = dl/dO_out (= O_out - Y for the notes' loss),  O_delta = O_error (*) g'(O_in),
    H_error = O_delta W_2^T,  H_delta = H_error (*) g'(H_in),  W_2-update = (1/N) H_out^T O_delta.

X has one row per example, so every activation and delta is N x units. The batch W_l has
one row per input of layer l and one column per unit: it is the transpose of the model's
W^{[l]} (units x inputs), which the answer keys keep. With more than two layers the hidden
stages are numbered: H_{1,in}, H_{1,out}, H_{2,in}, ..., O_in, O_out.

This module only names things. The matrices the solution shows in this layout are
computed and checked by the network kind (solver/kinds/network/batch_form.py) and reach the
templates as `qs.written`.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..symbols import A, Y, YHAT, Z, Meaning, sym
from .notation import sizes_of

STAGE_WORDS = {"in": r"\text{in}", "out": r"\text{out}", "error": r"\text{error}", "delta": r"\text{delta}"}
MODEL_NAMES = {"W": "W", "b": "b", "dW": "dW", "db": "db"}


@dataclass(frozen=True)
class BatchNotation:
    layers: int                 # L: layer L is the output O; the others are hidden H (H_1, H_2, ... if several)
    outputs: int
    name = "batch"

    @classmethod
    def for_network(cls, network) -> "BatchNotation":
        return cls(*sizes_of(network))

    # ------------------------------------------------------------ names of whole matrices

    def _stage(self, l: int) -> tuple[str, str]:
        """The letter of layer l's stage and its number (empty when it needs none)."""
        if l == self.layers:
            return "O", ""
        return "H", ("" if self.layers == 2 else str(l))

    def stage(self, what: str, l: int) -> str:
        """H_in, H_out, H_error, H_delta of a hidden layer, O_... of the output; X for layer 0's out."""
        if l == 0:
            return "X"
        letter, number = self._stage(l)
        return f"{letter}_{{{number + ',' if number else ''}{STAGE_WORDS[what]}}}"

    def weights(self, l: int) -> str:
        return f"W_{{{l}}}"

    def biases(self, l: int) -> str:
        return f"b_{{{l}}}"

    def update(self, param: str, l: int) -> str:
        """The notes' W_{2-update}: the gradient of the loss with respect to W_2."""
        return f"{param}_{{{l}\\text{{-update}}}}"

    def matrix(self, name: str, layer: int | None) -> str:
        """The name of a whole matrix for the shared templates and the formatter. Weights and biases
        keep the model's names W^{[l]}, b^{[l]} because their values come in the model's layout
        (units x inputs); the batch W_l = (W^{[l]})^T is named by `weights`."""
        if name in ("x",) or (name == "a" and layer == 0):
            return "X"
        if name == "y":
            return "Y"
        if name in ("z", "a", "delta", "error"):
            return self.stage({"z": "in", "a": "out"}.get(name, name), layer)
        return MODEL_NAMES.get(name, name) + (f"^{{[{layer}]}}" if layer is not None else "")

    # ------------------------------------------------------------ one element

    def _element(self, base: str, *index: str) -> str:
        """X_{e,k}; O_{in} with its element index becomes O_{in,e,n}."""
        index = ",".join(index)
        if base.endswith("}") and "_{" in base:
            return base[:-1] + "," + index + "}"
        return f"{base}_{{{index}}}"

    def _unit(self, l: int | None) -> str:
        return "n" if l == self.layers else "j"

    def scalar(self, m: Meaning) -> str:
        kind, l, i, j, e = m
        ex = "e" if e is None else str(e)
        if kind == "x":
            return self._element("X", ex, "k" if i is None else str(i))
        if kind == "y":
            return self._element("Y", ex, "n" if i is None else str(i))
        if kind == "yhat":
            return self._element(self.stage("out", self.layers), ex, "n" if i is None else str(i))
        if kind in ("z", "a", "delta") and l is not None:
            what = {"z": "in", "a": "out", "delta": "delta"}[kind]
            return self._element(self.stage(what, l), ex, self._unit(l) if i is None else str(i))
        if kind in ("z", "a"):      # a generic element with no layer: the output's
            return self._element(self.stage("in" if kind == "z" else "out", self.layers), ex, "n")
        if kind == "W":             # W^{[l]}_{ij} is the entry (j, i) of the batch W_l
            return rf"\left({self.weights(l)}\right)_{{{j},{i}}}" if i is not None else self.weights(l)
        if kind == "b":
            return rf"\left({self.biases(l)}\right)_{{{i}}}" if i is not None else self.biases(l)
        if kind == "ell":
            return rf"\ell_{{{ex}}}"
        if kind == "huberdelta":
            return r"\delta_{H}"
        return {"L": "L", "alpha": r"\alpha", "eta": r"\eta"}.get(kind, kind)

    def element(self, what: str, l: int, unit: str | None = None) -> str:
        """One element of a whole matrix, for the sentences: O_{out,e,n}, H_{in,e,j}, X_{e,k}."""
        if l == 0:
            return self._element("X", "e", unit or "k")
        return self._element(self.stage(what, l), "e", unit or self._unit(l))

    def shape_name(self, shape) -> str:
        """The name of a matrix of the shape table (a `batch_form.Shape`)."""
        role, l = shape.role, shape.layer
        if role == "inputs":
            return "X"
        if role == "targets":
            return "Y"
        if role == "weights":
            return self.weights(l)
        if role == "biases":
            return self.biases(l)
        if role.startswith("update_"):
            return self.update(role[len("update_"):], l)
        return self.stage(role, l)

    def element_of(self, expr: sp.Expr, l: int) -> sp.Expr:
        """A rule written in the generic symbols (y, y-hat, z, a) as one element of layer l's matrices."""
        return expr.xreplace({YHAT: sym("a", l), Y: sym("y"), Z: sym("z", l), A: sym("a", l)})


NOTATION = BatchNotation
