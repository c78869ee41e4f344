"""The `batch` notation: the matrix form over all examples at once (seed 002).

    H_in = X W_1 (+ b_1),  H_out = g(H_in),  O_in = H_out W_2,  O_out = g(O_in),
    O_error = dl/dO_out (= O_out - Y for the notes' loss),  O_delta = O_error (*) g'(O_in),
    H_error = O_delta W_2^T,  H_delta = H_error (*) g'(H_in),  W_2-update = (1/N) H_out^T O_delta.

X has one row per example, so every activation and delta is N x units. The batch W_l has
one row per input of layer l and one column per unit: it is the transpose of the model's
W^{[l]} (units x inputs), which the answer keys keep. With more than two layers the hidden
stages are numbered: H_{1,in}, H_{1,out}, H_{2,in}, ..., O_in, O_out.

Besides the names (`scalar`, `matrix`, and the batch names the template asks for), this
module gathers the matrices the template shows, in the batch layout (`BatchView`), and
checks every matrix equation it writes against the steps' exact values: the layer
notation computes the numbers, this one re-does them the way it writes them.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from ..activations import ACTIVATIONS
from ..crosscheck import ATOL, RTOL
from ..errors import CrossCheckError
from ..losses import LOSSES, REDUCTIONS
from ..rounding import round_half_up
from ..steps import StepKind
from ..symbols import A, DELTA, Y, YHAT, Z, Meaning, sym
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

    # ------------------------------------------------------------ what the template shows

    def view(self, qs) -> "BatchView":
        return _view(qs)

    def element_of(self, expr: sp.Expr, l: int) -> sp.Expr:
        """A rule written in the generic symbols (y, y-hat, z, a) as one element of layer l's matrices."""
        return expr.xreplace({YHAT: sym("a", l), Y: sym("y"), Z: sym("z", l), A: sym("a", l)})


# ---------------------------------------------------------------- the matrices of a question

@dataclass(frozen=True, eq=False)
class OutputForm:
    """How O_delta is written for the question's loss and output activation.

    kind: `residual`  O_delta = c (O_out - Y) directly (the factors simplify: bce with sigmoid,
                      cce with softmax)
          `product`   O_error, then O_delta = O_error (*) g'(O_in) (`simplifies`: the product
                      has a simpler element form, shown too)
          `softmax`   O_error, then O_delta = O_out (*) (O_error - s 1^T), s = (O_error (*) O_out) 1
    error_residual: O_error = c (O_out - Y) (c = error_factor) has a matrix form."""
    kind: str
    simplifies: bool
    factor: sp.Rational | None         # c of O_delta = c (O_out - Y)
    error_residual: bool
    error_factor: sp.Rational | None
    dloss: sp.Expr | None              # d ell / d O_out, one element
    dact: sp.Expr | None               # g'(O_in), one element, hand form
    product: sp.Expr | None
    simplified: sp.Expr | None


def _residual_factor(expr: sp.Expr) -> sp.Rational | None:
    """c when expr = c (yhat - y) for a rational c, else None."""
    if expr is None or expr.has(sp.Piecewise, sp.sign, sp.Abs):
        return None
    c = sp.cancel(expr / (YHAT - Y))
    return c if c.is_Rational and c != 0 else None


def output_form(rule, activation: str) -> OutputForm:
    if rule.dact is None:                                   # softmax output
        if rule.sums_to_one:
            return OutputForm("residual", True, _residual_factor(rule.simplified), False, None,
                              rule.dloss, None, None, rule.simplified)
        c = _residual_factor(rule.dloss)
        return OutputForm("softmax", False, None, c is not None, c, rule.dloss, None, None, None)
    simplifies = sp.srepr(rule.simplified) != sp.srepr(rule.product)
    c_delta, c_error = _residual_factor(rule.simplified), _residual_factor(rule.dloss)
    if simplifies and c_delta is not None:
        return OutputForm("residual", True, c_delta, False, None, rule.dloss, rule.dact, rule.product,
                          rule.simplified)
    return OutputForm("product", simplifies, None, c_error is not None, c_error, rule.dloss, rule.dact,
                      rule.product, rule.simplified)


@dataclass(frozen=True, eq=False)
class Shape:
    name: str          # LaTeX name of the matrix
    rows: int
    cols: int
    role: str          # what it holds: a word the template turns into a sentence
    layer: int


@dataclass(frozen=True, eq=False)
class BatchView:
    """Every matrix a batch solution shows, in the batch layout, rounded as shown."""
    n: int                                  # examples in the worked steps
    sizes: tuple[int, ...]                  # inputs, then units per layer
    activations: tuple[str, ...]
    alphas: tuple[float, ...]
    bias: bool
    backprop: bool
    shown: dict[str, np.ndarray]            # X, Y, W1, b1, z1, a1, error2, gprime2, ... (batch layout)
    factor: Fraction                        # 1/N of the gradients (from the gradient steps), or 1
    output: OutputForm | None
    loss: str | None
    reduction: str | None
    learning_rate: float | None
    has_given: bool                         # a given step shows the shapes; else the first step does
    shapes: tuple[Shape, ...]

    def __getitem__(self, key: str) -> np.ndarray:
        return self.shown[key]

    @property
    def mean(self) -> bool:
        return self.factor != 1

    @property
    def factor_tex_value(self) -> sp.Rational:
        return sp.Rational(self.factor.numerator, self.factor.denominator)

    @property
    def loss_halves(self) -> int:
        """2 for the half_* reductions (the 1/(2N) of the notes' MSE), else 1."""
        return int(1 / REDUCTIONS[self.reduction].example_factor)

    @property
    def loss_mean(self) -> bool:
        return REDUCTIONS[self.reduction].per_example_mean

    def loss_element(self, huber_delta: float) -> sp.Expr:
        """The loss of one output of one example, in the elements of O_out and Y."""
        L = len(self.sizes) - 1
        return LOSSES[self.loss].expr.xreplace({YHAT: sym("a", L), Y: sym("y"), DELTA: sp.Float(huber_delta)})

    def loss_brackets(self, huber_delta: float) -> bool:
        return not isinstance(self.loss_element(huber_delta), (sp.Pow, sp.Abs))

    def ones(self) -> np.ndarray:
        """The row 1^T of N ones that sums the rows of a delta."""
        return np.ones((1, self.n))


@lru_cache(maxsize=16)
def _view(qs) -> BatchView:
    return build_view(qs)


def _targets(qs) -> np.ndarray | None:
    """Y of the worked steps: the given targets, or those of a train question's first mini-batch."""
    for s in qs.steps:
        if s.kind is StepKind.GIVEN:
            return s.info["values"].get("y")
    q = qs.question
    for s in qs.steps:
        if s.kind is StepKind.TRAINING and q.data is not None and q.data.y is not None:
            return q.data.y[[e - 1 for e in s.info["first"]["examples"]]]
    return None


def _same(what: str, a, b) -> None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not np.allclose(a, b, rtol=RTOL, atol=ATOL):
        raise CrossCheckError(f"batch notation, {what}: the matrix form disagrees with the steps:\n{a}\nversus\n{b}")


def _through(activation: str, alpha: float, error: np.ndarray, z: np.ndarray, a: np.ndarray):
    """delta from d ell/d a as the batch notation writes it: error (*) g'(in), or for softmax
    out (*) (error - s 1^T) with s = (error (*) out) 1. Returns (delta, g' or s)."""
    if not ACTIVATIONS[activation].elementwise:
        s = (error * a).sum(axis=1, keepdims=True)
        return a * (error - s), s
    g = ACTIVATIONS[activation].derivative(z, a, alpha)
    return error * g, g


def build_view(qs) -> BatchView:
    q = qs.question
    net = q.network
    L = len(net.layers)
    steps = {s.key: s for s in qs.steps}
    linear1 = steps["z1"]
    x = np.asarray(linear1.matrix.numbers[1].array, dtype=float).T      # the worked examples, one per row
    y = _targets(qs)
    n = x.shape[0]
    decimals, rounded = q.display.decimals, q.display.carry == "rounded"
    acts = tuple(layer.activation for layer in net.layers)
    alphas = tuple(layer.alpha for layer in net.layers)
    sizes = (x.shape[1],) + tuple(layer.units for layer in net.layers)

    shown: dict[str, np.ndarray] = {"X": x}
    exact: dict[str, np.ndarray] = {"X": x}
    if y is not None:
        shown["Y"] = exact["Y"] = np.asarray(y, dtype=float)
    for l, layer in enumerate(net.layers, start=1):
        shown[f"W{l}"] = exact[f"W{l}"] = layer.weights.T
        shown[f"b{l}"] = exact[f"b{l}"] = layer.biases[None, :]
    for key, s in steps.items():
        if s.kind in (StepKind.LINEAR, StepKind.ACTIVATION, StepKind.OUTPUT_DELTA, StepKind.HIDDEN_DELTA):
            shown[key], exact[key] = np.asarray(s.value), np.asarray(s.exact)
        elif s.kind is StepKind.WEIGHT_GRAD or (s.kind is StepKind.UPDATE and s.info["param"] == "W"):
            shown[key], exact[key] = np.asarray(s.value).T, np.asarray(s.exact).T
        elif s.kind in (StepKind.BIAS_GRAD, StepKind.UPDATE):
            shown[key], exact[key] = np.asarray(s.value)[None, :], np.asarray(s.exact)[None, :]
        elif s.kind is StepKind.LOSS:
            shown[key], exact[key] = s.value, s.exact
    source = shown if rounded else exact     # what a hand solution multiplies

    def prev(l: int, values) -> np.ndarray:
        return values["X"] if l == 1 else values[f"a{l - 1}"]

    # the forward equations, re-done in the batch layout
    for l in range(1, L + 1):
        _same(f"{_label(l, L, 'in')} = {_label(l - 1, L, 'out')} W_{l} + b_{l}",
              prev(l, exact) @ exact[f"W{l}"] + (exact[f"b{l}"] if net.bias else 0), exact[f"z{l}"])

    factor, output, backprop = Fraction(1), None, f"delta{L}" in steps
    if "loss" in steps:
        red = REDUCTIONS[q.reduction]
        total = (float(red.batch_factor(n)) * float(red.example_factor)
                 * LOSSES[q.loss].value(exact["Y"], exact[f"a{L}"], q.huber_delta).sum())
        _same("the loss summed over the examples and outputs", total, exact["loss"])
    if backprop:
        grad = steps[f"dW{L}"]
        scale = [p.fraction for p in grad.matrix.symbolic if p.kind == "scalar" and p.fraction is not None]
        factor = scale[0] if scale else Fraction(1)
        rule = steps[f"delta{L}"].info["rule"]
        output = output_form(rule, acts[-1])
        red = REDUCTIONS[q.reduction]

        def error_out(values):
            from ..numeric import output_grad
            return output_grad(q.loss, q.reduction, values["Y"], values[f"a{L}"], q.huber_delta)

        for values, into in ((exact, None), (source, shown)):
            err = error_out(values)
            delta, g = _through(acts[-1], alphas[-1], err, values[f"z{L}"], values[f"a{L}"])
            if into is not None:
                into[f"error{L}"] = round_half_up(err, decimals)
                into[f"gprime{L}"] = round_half_up(g, decimals)
            else:
                _same(f"{_label(L, L, 'delta')} from {_label(L, L, 'error')}", delta, exact[f"delta{L}"])
                if output.kind == "residual":
                    c = float(output.factor)
                    _same(f"{_label(L, L, 'delta')} = c (O_out - Y)", c * (exact[f"a{L}"] - exact["Y"]),
                          exact[f"delta{L}"])
        for l in range(L - 1, 0, -1):
            for values, into in ((exact, None), (source, shown)):
                err = values[f"delta{l + 1}"] @ values[f"W{l + 1}"].T
                delta, g = _through(acts[l - 1], alphas[l - 1], err, values[f"z{l}"], values[f"a{l}"])
                if into is not None:
                    into[f"error{l}"] = round_half_up(err, decimals)
                    into[f"gprime{l}"] = round_half_up(g, decimals)
                else:
                    _same(f"{_label(l, L, 'delta')} from {_label(l, L, 'error')}", delta, exact[f"delta{l}"])
        m = float(factor)
        for l in range(1, L + 1):
            _same(f"W_{l}-update = (1/N) {_label(l - 1, L, 'out')}^T {_label(l, L, 'delta')}",
                  m * prev(l, exact).T @ exact[f"delta{l}"], exact[f"dW{l}"])
            if f"db{l}" in exact:
                _same(f"b_{l}-update = (1/N) 1^T {_label(l, L, 'delta')}",
                      m * np.ones((1, n)) @ exact[f"delta{l}"], exact[f"db{l}"])
            for p in ("W", "b"):
                if f"{p}{l}_new" in exact:
                    _same(f"{p}_{l} := {p}_{l} - eta {p}_{l}-update",
                          exact[f"{p}{l}"] - q.learning_rate * exact[f"d{p}{l}"], exact[f"{p}{l}_new"])

    notation = BatchNotation.for_network(net)
    return BatchView(n, sizes, acts, alphas, net.bias, backprop, shown, factor, output, q.loss, q.reduction,
                     q.learning_rate, any(s.kind is StepKind.GIVEN for s in qs.steps),
                     _shapes(notation, n, sizes, net.bias, y is not None, backprop, steps))


def _label(l: int, L: int, what: str) -> str:
    """A plain name for error messages: X, H_in, H1_out, O_delta."""
    if l == 0:
        return "X"
    return ("O" if l == L else ("H" if L == 2 else f"H{l}")) + "_" + what


def _shapes(notation: BatchNotation, n: int, sizes: tuple[int, ...], bias: bool, targets: bool,
            backprop: bool, steps: dict[str, Any]) -> tuple[Shape, ...]:
    L = len(sizes) - 1
    out = [Shape("X", n, sizes[0], "inputs", 0)]
    if targets:
        out.append(Shape("Y", n, sizes[-1], "targets", L))
    for l in range(1, L + 1):
        out.append(Shape(notation.weights(l), sizes[l - 1], sizes[l], "weights", l))
        if bias:
            out.append(Shape(notation.biases(l), 1, sizes[l], "biases", l))
        out.append(Shape(notation.stage("in", l), n, sizes[l], "in", l))
        out.append(Shape(notation.stage("out", l), n, sizes[l], "out", l))
    if backprop:
        for l in range(L, 0, -1):
            out.append(Shape(notation.stage("error", l), n, sizes[l], "error", l))
            out.append(Shape(notation.stage("delta", l), n, sizes[l], "delta", l))
            out.append(Shape(notation.update("W", l), sizes[l - 1], sizes[l], "update_W", l))
            if f"db{l}" in steps:
                out.append(Shape(notation.update("b", l), 1, sizes[l], "update_b", l))
    return tuple(out)


NOTATION = BatchNotation
