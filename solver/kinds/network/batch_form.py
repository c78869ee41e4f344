"""The matrices the `batch` notation writes (seed 002), computed and checked.

    H_in = X W_1 (+ b_1),  H_out = g(H_in),  O_in = H_out W_2,  O_out = g(O_in),
    O_error = dl/dO_out (= O_out - Y for the notes' loss),  O_delta = O_error (*) g'(O_in),
    H_error = O_delta W_2^T,  H_delta = H_error (*) g'(H_in),  W_2-update = (1/N) H_out^T O_delta.

X has one row per example, so every activation and delta is N x units; the batch W_l is
the transpose of the model's W^{[l]}. `build_view` gathers every matrix the solution
shows in that layout, rounded as shown, and re-does every matrix equation it writes
against the steps' exact values (a disagreement is a bug: CrossCheckError). The names
of these matrices are the notation's (solver/render/notation_batch.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ... import numeric
from ...activations import ACTIVATIONS
from ...errors import CrossCheckError
from ...losses import LOSSES, REDUCTIONS
from ...rounding import round_half_up
from ...steps import StepKind
from ...symbols import DELTA, Y, YHAT, sym
from ...tolerances import ATOL, RTOL
from . import steps as network_steps


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
    role: str          # what it holds: inputs, targets, weights, biases, in, out, error, delta, update_W, update_b
    layer: int
    rows: int
    cols: int


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


def _targets(qs) -> np.ndarray | None:
    """Y of the worked steps: the given targets, or those of a train question's first mini-batch."""
    for s in qs.steps:
        if s.kind is StepKind.GIVEN:
            return s.info.values.get("y")
    q = qs.question
    for s in qs.steps:
        if s.kind is StepKind.TRAINING and q.data is not None and q.data.y is not None:
            return q.data.y[[e - 1 for e in s.info.first.examples]]
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


def _without_decay(q, shown: dict, exact: dict) -> None:
    """The batch form writes the loss and the weight gradients of the data (L_0); weight decay's
    terms are added after them (templates/common/optimizer.j2)."""
    l2 = network_steps.decay(q)
    if not l2:
        return
    for values, rnd in ((exact, lambda a: a), (shown, lambda a: round_half_up(a, q.display.decimals))):
        weights = {f"W{l}": values[f"W{l}"].T for l in range(1, len(q.network.layers) + 1)}
        if "loss" in values:
            values["loss"] = rnd(values["loss"] - network_steps.penalty(q, weights))
        for key, w in weights.items():
            if "d" + key in values:
                values["d" + key] = rnd(values["d" + key] - l2 * w.T)


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
        elif s.kind is StepKind.WEIGHT_GRAD or (s.kind is StepKind.UPDATE and s.info.param == "W"):
            shown[key], exact[key] = np.asarray(s.value).T, np.asarray(s.exact).T
        elif s.kind in (StepKind.BIAS_GRAD, StepKind.UPDATE):
            shown[key], exact[key] = np.asarray(s.value)[None, :], np.asarray(s.exact)[None, :]
        elif s.kind is StepKind.LOSS:
            shown[key], exact[key] = s.value, s.exact
    _without_decay(q, shown, exact)
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
        rule = steps[f"delta{L}"].info.rule
        output = output_form(rule, acts[-1])
        red = REDUCTIONS[q.reduction]

        def error_out(values):
            return numeric.output_grad(q.loss, q.reduction, values["Y"], values[f"a{L}"], q.huber_delta)

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
                if f"{p}{l}_new" in exact and network_steps.plain(q):
                    _same(f"{p}_{l} := {p}_{l} - eta {p}_{l}-update",
                          exact[f"{p}{l}"] - q.learning_rate * exact[f"d{p}{l}"], exact[f"{p}{l}_new"])

    return BatchView(n, sizes, acts, alphas, net.bias, backprop, shown, factor, output, q.loss, q.reduction,
                     q.learning_rate, any(s.kind is StepKind.GIVEN for s in qs.steps),
                     _shapes(n, sizes, net.bias, y is not None, backprop, steps))


def _label(l: int, L: int, what: str) -> str:
    """A plain name for error messages: X, H_in, H1_out, O_delta."""
    if l == 0:
        return "X"
    return ("O" if l == L else ("H" if L == 2 else f"H{l}")) + "_" + what


def _shapes(n: int, sizes: tuple[int, ...], bias: bool, targets: bool, backprop: bool,
            steps: dict[str, Any]) -> tuple[Shape, ...]:
    L = len(sizes) - 1
    out = [Shape("inputs", 0, n, sizes[0])]
    if targets:
        out.append(Shape("targets", L, n, sizes[-1]))
    for l in range(1, L + 1):
        out.append(Shape("weights", l, sizes[l - 1], sizes[l]))
        if bias:
            out.append(Shape("biases", l, 1, sizes[l]))
        out.append(Shape("in", l, n, sizes[l]))
        out.append(Shape("out", l, n, sizes[l]))
    if backprop:
        for l in range(L, 0, -1):
            out.append(Shape("error", l, n, sizes[l]))
            out.append(Shape("delta", l, n, sizes[l]))
            out.append(Shape("update_W", l, sizes[l - 1], sizes[l]))
            if f"db{l}" in steps:
                out.append(Shape("update_b", l, 1, sizes[l]))
    return tuple(out)
