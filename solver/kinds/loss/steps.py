"""`loss` questions: each named loss of given targets and predictions, and its derivative.

For each loss: the loss of one example (summed over its outputs, with the reduction's
1/2 if any) written out and with the numbers put in, the cost that combines the examples
by the reduction, and d cost / d y_hat, derived with `sympy.diff` from the loss table's
expression and then evaluated element by element.

Every value is computed twice: by the NumPy functions of the loss table (value and the
hand-written gradient), and by SymPy on the exact decimals of the file (the expression
and its derivative). The numbers written on the page are evaluated too and must give the
value shown beside them. Any disagreement raises CrossCheckError.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

import numpy as np
import sympy as sp

from ... import numeric
from ...activations import HAND_MAX
from ...errors import CrossCheckError
from .fields import LossSpec
from ...losses import LOSSES, REDUCTIONS, example_loss_expr
from ...model import Question
from ...rounding import round_half_up
from ...steps import Line, Step, StepKind
from ...symbols import DELTA, Y, YHAT, given as given_number, replace_unevaluated, sym
from ...tolerances import ATOL, RTOL
from ..network.steps import combined


@dataclass(frozen=True, eq=False)
class Rule:
    """What the template shows of a derivative: d/d yhat [loss] = dloss (as `Formatter.derivative_of_loss`)."""
    loss: sp.Expr
    dloss: sp.Expr


@dataclass(frozen=True, eq=False)
class LossDataInfo:
    """LOSS_DATA: the question, the reduction's factor, and the class labels as a column (or None)."""
    spec: LossSpec
    factor: sp.Rational
    labels: np.ndarray | None


@dataclass(frozen=True, eq=False)
class LossValueInfo:
    """LOSS_VALUE: which loss, over how many examples and outputs."""
    loss: str
    examples: int
    outputs: int
    factor: sp.Rational
    reduction: str
    huber_delta: float


@dataclass(frozen=True, eq=False)
class LossGradInfo:
    """LOSS_GRAD: which loss, its derivative as a Rule, and dL/dy_hat as a matrix (rounded)."""
    loss: str
    rule: Rule
    factor: sp.Rational
    examples: int
    outputs: int
    matrix: np.ndarray


def hand_form(name: str, reduction: str) -> sp.Expr:
    """The loss of one output as a hand solution writes it: the table's expression, except that the
    hinge is written max(0, 1 - y y_hat) as in the notes (checked equal to the table's form)."""
    ell = example_loss_expr(name, reduction)
    if name == "hinge":
        margin = sp.Add(1, sp.Mul(-1, sp.Mul(Y, YHAT, evaluate=False), evaluate=False), evaluate=False)
        ell = ell.xreplace({LOSSES["hinge"].expr: HAND_MAX(0, margin)})
    if name == "huber":
        error = sp.Abs(sp.Add(Y, sp.Mul(-1, YHAT, evaluate=False), evaluate=False), evaluate=False)
        half = sp.Rational(1, 2)
        quadratic = sp.Mul(half, sp.Pow(sp.Add(Y, -YHAT, evaluate=False), 2, evaluate=False), evaluate=False)
        linear = sp.Add(sp.Mul(DELTA, error, evaluate=False),
                        sp.Mul(-1, sp.Mul(half, sp.Pow(DELTA, 2, evaluate=False), evaluate=False), evaluate=False),
                        evaluate=False)
        ell = ell.xreplace({LOSSES["huber"].expr: sp.Piecewise((quadratic, sp.Le(error, DELTA, evaluate=False)),
                                                                (linear, True), evaluate=False)})
    return ell


def solve(q: Question) -> list[Step]:
    spec: LossSpec = q.spec
    steps = [Step("data", StepKind.LOSS_DATA, None, (), lambda v: None,
                  info=LossDataInfo(spec, sp.Rational(REDUCTIONS[spec.reduction].batch_factor(spec.n)),
                                    None if spec.labels is None else spec.labels[:, None]))]
    for name in spec.losses:
        steps.append(_value_step(q, spec, name))
        steps.append(_grad_step(q, spec, name))
    return steps


# ------------------------------------------------------------------ symbols and numbers

def _output_symbols(spec: LossSpec, j: int) -> tuple[sp.Symbol, sp.Symbol]:
    """y and y_hat of output j (0-based) of one example: subscripted when there are several outputs."""
    if spec.k == 1:
        return Y, YHAT
    return sp.Symbol(f"y_{j + 1}", real=True), sp.Symbol(f"yhat_{j + 1}", real=True)


def _element_symbol(spec: LossSpec, e: int, j: int) -> sp.Symbol:
    """y_hat of example e, output j (0-based), as a label: y_hat^{(e)}_j."""
    sup = f"^({e + 1})" if spec.n > 1 else ""
    sub = f"_{j + 1}" if spec.k > 1 else ""
    return sp.Symbol(f"yhat{sup}{sub}", real=True) if sup or sub else YHAT


def exact(v: float) -> sp.Rational:
    """The decimal the file wrote, exactly (0.1 is 1/10), so kinks and branches are decided exactly."""
    return sp.Rational(repr(float(v)))


def _branches(expr: sp.Expr, exact_values: Mapping) -> sp.Expr:
    """Each Piecewise replaced by the branch that applies at these values (the line a hand solution writes)."""
    def pick(pw: sp.Piecewise) -> sp.Expr:
        for branch, condition in pw.args:
            if bool(condition.xreplace(exact_values)):
                return branch
        raise AssertionError(f"no branch of {pw} applies")
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), pick)


def _with_numbers(expr: sp.Expr, spec: LossSpec, e: int, j: int) -> sp.Expr:
    """One element's loss (or derivative) with the numbers put in, left unevaluated."""
    y, yh = spec.y[e, j], spec.y_hat[e, j]
    chosen = _branches(expr, {Y: exact(y), YHAT: exact(yh), DELTA: exact(spec.huber_delta)})
    # the targets, predictions and delta are the question's: shown as written
    return replace_unevaluated(chosen, {Y: given_number(y), YHAT: given_number(yh), DELTA: given_number(spec.huber_delta)})


def _evaluate(expr: sp.Expr) -> float:
    """The value of a line as written (its unevaluated arithmetic done; max(0, .) of a number)."""
    return float(expr.replace(HAND_MAX, lambda *args: sp.Max(*(a.doit() for a in args))).doit())


def _sympy_elements(expr: sp.Expr, spec: LossSpec) -> np.ndarray:
    """expr at every element, in exact arithmetic on the file's decimals."""
    out = np.empty(spec.y_hat.shape)
    for e, j in np.ndindex(out.shape):
        out[e, j] = float(expr.xreplace({Y: exact(spec.y[e, j]), YHAT: exact(spec.y_hat[e, j]),
                                         DELTA: exact(spec.huber_delta)}))
    return out


WHOLE_LIMIT = 2 ** 52         # beyond this a float no longer holds every integer


def _integral_inputs(spec: LossSpec, e: int, name: str) -> bool:
    """Example e's targets and predictions (and the Huber delta it uses) are all integers."""
    values = list(spec.y[e].ravel()) + list(spec.y_hat[e].ravel())
    if name == "huber":
        values.append(spec.huber_delta)
    return all(float(v).is_integer() for v in values)


def _as_shown(value: float, from_integers: bool):
    """A value worked out from integer givens that is itself an exact integer is written as one
    (the notes' "= 400"), as a hand solution does; any other keeps the exam's decimals."""
    v = float(value)
    return int(v) if from_integers and abs(v) < WHOLE_LIMIT and v.is_integer() else v


def _same(what: str, a, b) -> None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not np.allclose(a, b, rtol=RTOL, atol=ATOL):
        raise CrossCheckError(f"{what}: the two computations disagree:\n{a}\nversus\n{b}")


# ------------------------------------------------------------------ the loss and the cost

def _value_step(q: Question, spec: LossSpec, name: str) -> Step:
    decimals, carry = q.display.decimals, q.display.carry
    red = REDUCTIONS[spec.reduction]
    factor = red.batch_factor(spec.n)
    table = example_loss_expr(name, spec.reduction)
    hand = hand_form(name, spec.reduction)

    ells = numeric.example_losses(name, spec.reduction, spec.y, spec.y_hat, spec.huber_delta)
    cost = numeric.total_loss(spec.reduction, ells)
    sympy_ells = _sympy_elements(table, spec).sum(axis=1)
    _same(f"{name}: the loss of each example (NumPy vs SymPy)", ells, sympy_ells)
    _same(f"{name}: the cost (NumPy vs SymPy)", cost, float(sp.Rational(factor)) * sympy_ells.sum())
    _same(f"{name}: the hand form vs the table", _sympy_elements(hand.replace(HAND_MAX, sp.Max), spec),
          _sympy_elements(table, spec))

    def recompute(values: Mapping[str, np.ndarray]) -> float:
        """The cost as the solution works it out: from the rounded losses of the examples under carry: rounded."""
        per_example = round_half_up(ells, decimals) if carry == "rounded" else ells
        return numeric.total_loss(spec.reduction, np.asarray(per_example))

    shown_ells = round_half_up(ells, decimals)
    formula, numbers = _example_formula(spec, name, hand)
    for e, expr in enumerate(numbers):
        _same(f"{name}: the numbers written for example {e + 1}", _evaluate(expr), ells[e])
    lhs = sym("ell") if spec.n > 1 or factor != 1 else sym("L")
    labels = tuple(sym("ell", None, None, None, e + 1) for e in range(spec.n)) if spec.n > 1 else (lhs,)
    integral = [_integral_inputs(spec, e, name) for e in range(spec.n)]
    shown = [_as_shown(v, integral[e]) for e, v in enumerate(shown_ells)]
    lines = [Line(lhs, formula, tuple(numbers), tuple(shown), (), labels)]
    value = round_half_up(recompute({}), decimals)
    if lhs != sym("L"):
        terms = list(labels) if spec.n > 1 else [sym("ell")]
        lines.append(Line(sym("L"), combined(terms, factor),
                          (combined([sp.Integer(v) if isinstance(v, int) else sp.Float(v) for v in shown], factor),),
                          (_as_shown(value, all(integral)),), (), (sym("L"),)))
    return Step(name, StepKind.LOSS_VALUE, None, (), recompute, value=value, exact=cost, lines=tuple(lines),
                info=LossValueInfo(loss=name, examples=spec.n, outputs=spec.k, factor=sp.Rational(factor),
                                   reduction=spec.reduction, huber_delta=spec.huber_delta))


def _example_formula(spec: LossSpec, name: str, hand: sp.Expr) -> tuple[sp.Expr, list[sp.Expr]]:
    """The loss of one example written out over its outputs, and with each example's numbers put in.
    sparse_cce keeps only the true class's term, -log y_hat_y: the others have y = 0."""
    if name == "sparse_cce":
        true_class = sp.Symbol("yhat_y", positive=True)
        formula = hand.xreplace({Y: sp.Integer(1), YHAT: true_class})
        numbers = [replace_unevaluated(formula, {true_class: given_number(spec.y_hat[e, c])})
                   for e, c in enumerate(spec.labels)]
        return formula, numbers
    per_output = [replace_unevaluated(hand, dict(zip((Y, YHAT), _output_symbols(spec, j)))) for j in range(spec.k)]
    formula = sp.Add(*per_output, evaluate=False) if spec.k > 1 else per_output[0]
    numbers = []
    for e in range(spec.n):
        terms = [_with_numbers(hand, spec, e, j) for j in range(spec.k)]
        numbers.append(sp.Add(*terms, evaluate=False) if spec.k > 1 else terms[0])
    return formula, numbers


# ------------------------------------------------------------------ the derivative

def scaled(expr: sp.Expr, factor: Fraction) -> sp.Expr:
    """factor * (expr), unevaluated, printed as a fraction over the whole of expr."""
    if factor == 1:
        return expr
    return sp.Mul(sp.Rational(factor), sp.UnevaluatedExpr(expr), evaluate=False)


def _grad_step(q: Question, spec: LossSpec, name: str) -> Step:
    decimals = q.display.decimals
    factor = REDUCTIONS[spec.reduction].batch_factor(spec.n)
    table = example_loss_expr(name, spec.reduction)
    dloss = sp.factor_terms(sp.diff(table, YHAT))

    grad = float(factor) * numeric.output_grad(name, spec.reduction, spec.y, spec.y_hat, spec.huber_delta)
    _same(f"{name}_grad (NumPy vs sympy.diff)", grad, float(sp.Rational(factor)) * _sympy_elements(dloss, spec))

    def recompute(values: Mapping[str, np.ndarray]) -> np.ndarray:
        return grad.reshape(spec.shape)

    labels, numbers, values = [], [], []
    for e, j in np.ndindex(spec.y_hat.shape):
        expr = scaled(_with_numbers(dloss, spec, e, j), factor)
        _same(f"{name}_grad: the numbers written for example {e + 1}, output {j + 1}", _evaluate(expr), grad[e, j])
        labels.append(sp.Derivative(sym("L"), _element_symbol(spec, e, j), evaluate=False))
        numbers.append(expr)
        values.append(_as_shown(round_half_up(grad[e, j], decimals), _integral_inputs(spec, e, name)))
    general = sp.Derivative(sym("L"), YHAT, evaluate=False)
    if isinstance(dloss, sp.Piecewise):
        formula = sp.Piecewise(*((scaled(branch, factor), cond) for branch, cond in dloss.args), evaluate=False)
    else:
        formula = sp.Rational(factor) * dloss
    line = Line(general, formula, tuple(numbers), tuple(values), (), tuple(labels))
    kink = LOSSES[name].kink
    return Step(f"{name}_grad", StepKind.LOSS_GRAD, None, (), recompute,
                value=round_half_up(recompute({}), decimals), exact=recompute({}), lines=(line,),
                conventions=(kink,) if kink else (),
                info=LossGradInfo(loss=name, rule=Rule(hand_form(name, spec.reduction), dloss),
                                  factor=sp.Rational(factor), examples=spec.n, outputs=spec.k,
                                  matrix=round_half_up(grad, decimals)))
