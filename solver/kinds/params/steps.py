"""`params` questions: how many weights and biases a fully connected network has.

Layer l takes n_{l-1} inputs to n_l units: W^{[l]} is n_l x n_{l-1} (n_{l-1} n_l weights)
and b^{[l]} has n_l entries, so the layer has n_{l-1} n_l + n_l parameters. The counts
come from that formula; the cross-check counts the entries of arrays of each layer's
shapes instead, and the total both as the steps add it up and as those entries summed.

A convolution layer of F kernels k x k over C channels has F C k^2 weights and F biases
(keys conv_weights<l>, conv_biases<l>); its count does not depend on the image's size.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

import numpy as np
import sympy as sp

from ...errors import CrossCheckError
from .fields import ParamsSpec
from ...model import Question
from ...steps import Line, Step, StepKind


@dataclass(frozen=True)
class LayerCountInfo:
    """PARAM_COUNT: the layer's inputs and units, whether it has biases, the names of the inputs
    (layer 1), and what the step counts: "weights" or "biases"."""
    n_in: int
    n_out: int
    bias: bool
    input_names: tuple[str, ...]
    counts: str = "weights"
    kernel: int = 0             # a convolution layer: the side k of its kernels (n_in: channels, n_out: filters)


@dataclass(frozen=True)
class TotalInfo:
    """PARAM_TOTAL: the parameters of each layer, the sizes n_0, n_1, ..., whether there are biases."""
    per_layer: tuple[int, ...]
    sizes: tuple[int, ...]
    bias: bool
    conv: tuple[tuple[int, int, int], ...] = ()     # the convolution layers (channels, filters, kernel)
    conv_per_layer: tuple[int, ...] = ()


def n(l: int) -> sp.Symbol:
    """n_l: the units of layer l (n_0: the inputs)."""
    return sp.Symbol(f"n_{l}", integer=True, positive=True)


def p(l: int) -> sp.Symbol:
    """P_l: the parameters of layer l."""
    return sp.Symbol(f"P_{l}", integer=True, nonnegative=True)


def _times(a, b) -> sp.Expr:
    return sp.Mul(a, b, evaluate=False)


def _plus(*terms) -> sp.Expr:
    return sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def _count(values: Mapping[str, np.ndarray], key: str):
    return np.asarray(values[key]).item()


def pc(l: int) -> sp.Symbol:
    """P^c_l: the parameters of convolution layer l."""
    return sp.Symbol(f"P^c_{l}", integer=True, nonnegative=True)


def _conv_steps(spec: ParamsSpec) -> list[Step]:
    steps = []
    for l, (C, F, k) in enumerate(spec.conv, start=1):
        weights, biases = F * C * k * k, F if spec.bias else 0
        info = LayerCountInfo(C, F, spec.bias, (), kernel=k)
        formula = sp.Mul(sp.Symbol("F"), sp.Symbol("C"), sp.Pow(sp.Symbol("k"), 2, evaluate=False), evaluate=False)
        numbers = sp.Mul(sp.Integer(F), sp.Integer(C), sp.Pow(sp.Integer(k), 2, evaluate=False), evaluate=False)
        weights_line = Line(sp.Symbol(f"W^c_{l}"), formula, (numbers,), (weights,))
        biases_line = Line(sp.Symbol(f"b^c_{l}"), sp.Symbol("F") if spec.bias else None,
                           (sp.Integer(biases),), (biases,))
        layer_line = Line(pc(l), None, (_plus(sp.Integer(weights), sp.Integer(biases)) if spec.bias
                                        else sp.Integer(weights),), (weights + biases,))
        steps.append(Step(f"conv_weights{l}", StepKind.PARAM_COUNT, l, (), lambda v, c=weights: c,
                          value=weights, exact=weights, lines=(weights_line,), info=info))
        steps.append(Step(f"conv_biases{l}", StepKind.PARAM_COUNT, l, (), lambda v, c=biases: c,
                          value=biases, exact=biases, lines=(biases_line, layer_line),
                          info=replace(info, counts="biases"), part_of=f"conv_weights{l}"))
    return steps


def solve(q: Question) -> list[Step]:
    spec: ParamsSpec = q.spec
    steps: list[Step] = _conv_steps(spec)
    conv_per_layer = [steps[2 * i].value + steps[2 * i + 1].value for i in range(len(spec.conv))]
    for l in range(1, spec.layers + 1):
        n_in, n_out = spec.sizes[l - 1], spec.sizes[l]
        weights, biases = n_in * n_out, n_out if spec.bias else 0
        info = LayerCountInfo(n_in, n_out, spec.bias, spec.input_names if l == 1 else ())
        weights_line = Line(sp.Symbol(f"W_{l}"), _times(n(l - 1), n(l)),
                            (_times(sp.Integer(n_in), sp.Integer(n_out)),), (weights,))
        if spec.bias:
            biases_line = Line(sp.Symbol(f"b_{l}"), n(l), (sp.Integer(n_out),), (biases,))
            layer_line = Line(p(l), _plus(_times(n(l - 1), n(l)), n(l)),
                              (_plus(_times(sp.Integer(n_in), sp.Integer(n_out)), sp.Integer(n_out)),),
                              (weights + biases,))
        else:
            biases_line = Line(sp.Symbol(f"b_{l}"), None, (sp.Integer(0),), (0,))
            layer_line = Line(p(l), _times(n(l - 1), n(l)), (_times(sp.Integer(n_in), sp.Integer(n_out)),),
                              (weights,))
        steps.append(Step(f"weights{l}", StepKind.PARAM_COUNT, l, (), lambda v, c=weights: c,
                          value=weights, exact=weights, lines=(weights_line,),
                          info=info))
        steps.append(Step(f"biases{l}", StepKind.PARAM_COUNT, l, (), lambda v, c=biases: c,
                          value=biases, exact=biases, lines=(biases_line, layer_line),
                          info=replace(info, counts="biases"), part_of=f"weights{l}"))
    inputs = tuple(s.key for s in steps)

    def total_of(values: Mapping[str, np.ndarray]):
        return sum(_count(values, key) for key in inputs)

    total = int(total_of({s.key: s.value for s in steps}))
    dense = steps[2 * len(spec.conv):]
    per_layer = [dense[2 * i].value + dense[2 * i + 1].value for i in range(spec.layers)]
    total_line = Line(sp.Symbol("P"), _plus(*(pc(l) for l in range(1, len(spec.conv) + 1)),
                                            *(p(l) for l in range(1, spec.layers + 1))),
                      (_plus(*(sp.Integer(c) for c in conv_per_layer + per_layer)),), (total,))
    steps.append(Step("total", StepKind.PARAM_TOTAL, None, inputs, total_of, value=total, exact=total,
                      lines=(total_line,), info=TotalInfo(tuple(per_layer), spec.sizes, spec.bias, spec.conv,
                                                          tuple(conv_per_layer))))
    cross_check(spec, steps)
    return steps


def entries(spec: ParamsSpec) -> list[tuple[int, int]]:
    """(weights, biases) of each layer, counted as the entries of arrays of the layer's shapes.
    The arrays are zero-stride views, so even a 10^6 x 10^6 layer costs no memory."""
    out = []
    for C, F, k in spec.conv:
        w = np.broadcast_to(np.int8(0), (F, C, k, k))
        b = np.broadcast_to(np.int8(0), (F,) if spec.bias else (0,))
        out.append((int(w.size), int(b.size)))
    for n_in, n_out in zip(spec.sizes, spec.sizes[1:]):
        w = np.broadcast_to(np.int8(0), (n_out, n_in))
        b = np.broadcast_to(np.int8(0), (n_out,) if spec.bias else (0,))
        out.append((int(w.size), int(b.size)))
    return out


def cross_check(spec: ParamsSpec, steps: list[Step]) -> None:
    by_key = {s.key: s.value for s in steps}
    counted = entries(spec)
    names = [(f"convolution layer {l}", f"conv_weights{l}", f"conv_biases{l}") for l in range(1, len(spec.conv) + 1)] + \
        [(f"layer {l}", f"weights{l}", f"biases{l}") for l in range(1, spec.layers + 1)]
    for (name, wk, bk), (w, b) in zip(names, counted):
        if (by_key[wk], by_key[bk]) != (w, b):
            raise CrossCheckError(f"{name}: the formula gives {by_key[wk]} weights and "
                                  f"{by_key[bk]} biases, the arrays hold {w} and {b}")
    if by_key["total"] != sum(w + b for w, b in counted):
        raise CrossCheckError(f"total: the steps add up to {by_key['total']}, the arrays hold "
                              f"{sum(w + b for w, b in counted)}")
