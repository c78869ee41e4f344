"""A solution is data before it is text: a list of steps.

Each step has its answer key, the keys it was computed from, a function that
recomputes its value from values of those keys, the value shown and the exact
value, and the lines a hand solution writes: the formula, the chain of factors,
the formula with the numbers put in. Templates only format these; JSON dumps
them; the checker (later) re-evaluates `recompute` on a student's own values.

What a template needs beyond these common fields is a typed record per step kind (`info`:
a frozen dataclass defined next to the code that builds the step, FigureInfo here), read as
attributes; a template never looks at a step's key to decide what to write.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp

from .derive import Factor


class StepKind(str, Enum):
    GIVEN = "given"                 # the values the question gives, as matrices
    LINEAR = "linear"               # z = W a + b
    ACTIVATION = "activation"       # a = g(z), element by element
    LOSS = "loss"                   # the loss with the numbers put in
    OUTPUT_DELTA = "output_delta"   # dL/dz of the output layer, derived from the loss
    HIDDEN_DELTA = "hidden_delta"   # dL/dz of a hidden layer, from the layer above
    WEIGHT_GRAD = "weight_grad"     # dL/dW = delta a^T
    BIAS_GRAD = "bias_grad"         # dL/db = delta
    UPDATE = "update"               # param - learning_rate * gradient
    # params
    PARAM_COUNT = "param_count"     # weights (n_in x n_out) or biases (n_out) of one layer
    PARAM_TOTAL = "param_total"     # the sum over layers
    # loss
    LOSS_VALUE = "loss_value"       # one named loss: per example with the numbers in, then the cost
    LOSS_GRAD = "loss_grad"         # its derivative with respect to y_hat
    LOSS_DATA = "loss_data"         # the targets, predictions and reduction given (shown only)
    # perceptron
    VISITS = "visits"               # one epoch of visits, a row each (shown only, not an answer)
    RULE = "rule"                   # the points, the start line and the update rule with its cases (shown only)
    # graph
    GRAPH = "graph"                 # the computation graph drawn (shown only)
    NODE_VALUE = "node_value"       # the value of one node, from its children
    LOCAL_DERIVATIVES = "local_derivatives"  # the derivative on each edge (shown only)
    PATH_SUM = "path_sum"           # a partial as a sum over paths of products of local derivatives
    # train
    TRAINING = "training"           # the training set, the start and how the epochs run (shown only)
    EPOCHS = "epochs"               # the table (and curve) of the epochs (shown only)
    EPOCH_LOSS = "epoch_loss"       # the loss after one epoch: a row of the EPOCHS table
    # conv
    CONV_SIZE = "conv_size"         # the output size, or the parameter count, of a convolution layer
    CONV_MAP = "conv_map"           # an array of a convolution layer: maps, pooled maps, gradients, updates
    # any kind
    RESULT = "result"               # a value read off a run: final weights, counts, ...
    FIGURE = "figure"               # a picture (shown only)


# Steps that show what is given or how the work is laid out; they have no answer key.
SHOWN_ONLY = frozenset({StepKind.GIVEN, StepKind.VISITS, StepKind.GRAPH, StepKind.LOCAL_DERIVATIVES,
                        StepKind.EPOCHS, StepKind.FIGURE, StepKind.RULE, StepKind.LOSS_DATA,
                        StepKind.TRAINING})


@dataclass(frozen=True, eq=False)
class Line:
    """One element of a step: lhs = (chain of factors) = formula = numbers = value. The chain is
    `factors` multiplied, or (through a softmax) `terms`: a sum of such products."""
    lhs: sp.Expr
    formula: sp.Expr | None
    numbers: tuple[sp.Expr, ...]     # one per example (or one when combined)
    values: tuple[float, ...]
    factors: tuple[Factor, ...] = ()
    labels: tuple[sp.Expr, ...] = ()     # the lhs of each numbers row (per example: z^{[1](2)}_1)
    terms: tuple[tuple[Factor, ...], ...] = ()   # a sum of products of factors (factors then empty)


@dataclass(frozen=True, eq=False)
class Part:
    """A piece of a matrix-form equation: a named matrix, an array of numbers, or an operator."""
    kind: str                     # name | numbers | op
    name: str = ""                # name: W, b, a, z, delta, x, y, dW, db, ...; op: + - = dot hadamard transpose
    layer: int | None = None
    array: np.ndarray | None = None
    transpose: bool = False
    func: str | None = None       # name applied to the part: an activation or g'
    fraction: Fraction | None = None   # scalar: an exact factor such as 1/3
    given: bool = False           # numbers: stated by the question, shown as written (not padded)


@dataclass(frozen=True, eq=False)
class MatrixForm:
    symbolic: tuple[Part, ...]
    numbers: tuple[Part, ...]


@dataclass(frozen=True, eq=False)
class FigureInfo:
    """A FIGURE step: the picture (a solver.figures Chart or Diagram)."""
    figure: Any
    given: bool = False       # it shows what the question gives: a question sheet shows it with the givens
    words: bool = False       # its kind's template writes words around it (else any format draws it as it is)


@dataclass(frozen=True, eq=False)
class Step:
    key: str
    kind: StepKind
    layer: int | None
    inputs: tuple[str, ...]
    recompute: Callable[[Mapping[str, np.ndarray]], np.ndarray]
    value: np.ndarray | float = None
    exact: np.ndarray | float = None
    lines: tuple[Line, ...] = ()
    matrix: MatrixForm | None = None
    conventions: tuple[str, ...] = ()      # kinks whose convention this step uses
    info: Any = None                       # the step kind's record: what a template needs besides
    part_of: str | None = None             # key of the step that shows this one (a row of its table)

    @property
    def is_answer(self) -> bool:
        return self.kind not in SHOWN_ONLY


PER_EXAMPLE = (StepKind.LINEAR, StepKind.ACTIVATION, StepKind.OUTPUT_DELTA, StepKind.HIDDEN_DELTA)


def as_answer(step: Step, value: np.ndarray | float, examples: int) -> Any:
    """JSON shape of section 5: one example's vector flat, several examples one row each;
    a weight matrix always units x inputs."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)          # counts stay whole numbers in JSON
    if np.ndim(value) == 0:
        return float(value)
    if np.asarray(value).dtype.kind in "iu":
        return np.asarray(value).tolist()
    arr = np.asarray(value, dtype=float)
    if step.kind in PER_EXAMPLE and examples == 1:
        arr = arr[0]
    return arr.tolist()
