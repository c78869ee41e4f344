"""`forward` and `backprop` questions: from a validated question to its steps.

Values come from the steps' own `recompute` functions, run in order: once on exact
values (`exact`), and once as a hand solution runs them (`value`, rounded to the
shown decimals, and under `carry: rounded` rounded before they are used again).
The exact values are then cross-checked against the vectorized NumPy pass and the
SymPy evaluation of the derivation; any disagreement is a bug and raises.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

import numpy as np
import sympy as sp

from ... import derive, numeric, optimizers
from ...optimizers import tiny
from ...activations import ACTIVATIONS
from ...crosscheck import cross_check
from ...losses import LOSSES, REDUCTIONS, example_loss_expr
from ...model import Question
from ...network_diagram import diagram_step
from ...rounding import round_half_up, round_written
from ...steps import Line, MatrixForm, Part, Step, StepKind
from ...symbols import given as given_number, meaning, replace_unevaluated, sym
from ...tolerances import snap


def as_backprop(q: Question, **changes) -> Question:
    """The question asked as a backprop question (train works its first update so)."""
    return dataclasses.replace(q, kind="backprop", **changes)


# ------------------------------------------------------------------ what each step's template reads

@dataclass(frozen=True, eq=False)
class GivenInfo:
    """GIVEN: the values the question gives (x, y, W1, b1, ...) and how it trains."""
    values: Mapping[str, np.ndarray]
    learning_rate: float | None
    loss: str | None
    reduction: str

    @property
    def has_targets(self) -> bool:
        return "y" in self.values


@dataclass(frozen=True, eq=False)
class LossInfo:
    """LOSS: how many examples the loss combines; with weight decay (l2 > 0) the data term and the
    penalty (l2 / 2) * (sum of the squared weights) the loss adds to it."""
    examples: int
    l2: float = 0.0
    data: float | None = None
    squares: float | None = None
    penalty: float | None = None


@dataclass(frozen=True, eq=False)
class OutputDeltaInfo:
    """OUTPUT_DELTA: the derived rule dL/dz of one output and the output layer's activation."""
    rule: derive.OutputRule
    activation: str


@dataclass(frozen=True, eq=False)
class HiddenDeltaInfo:
    """HIDDEN_DELTA: the activation of the layer."""
    activation: str


@dataclass(frozen=True, eq=False)
class GradientInfo:
    """WEIGHT_GRAD, BIAS_GRAD: how many examples the gradient combines; with weight decay (l2 > 0,
    weights only) the gradient of the data term and the weights it adds l2 times."""
    examples: int
    l2: float = 0.0
    data: np.ndarray | None = None
    weights: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class UpdateInfo:
    """UPDATE: which parameter is updated, "W" or "b"; a moment step (part of the parameter's
    update) names its moment ("v", "m", "s"); an optimizer's update has its equations."""
    param: str
    moment: str | None = None
    optimizer: "OptimizerInfo | None" = None


@dataclass(frozen=True, eq=False)
class Piece:
    """A piece of an optimizer's equation with its numbers: TeX, or a matrix, or a number."""
    tex: str | None = None
    array: np.ndarray | None = None
    scalar: bool = False
    given: bool = False


@dataclass(frozen=True, eq=False)
class OptimizerEquation:
    """lhs := formula = numbers = value. lhs: "v", "m", "s" (the moment after the step), "m_hat",
    "s_hat" (adam's corrected moments) or "new" (the parameter); in `formula` @ stands for the
    parameter's name."""
    lhs: str
    formula: str
    numbers: tuple[Piece, ...]
    value: np.ndarray


@dataclass(frozen=True, eq=False)
class OptimizerInfo:
    name: str
    words: str
    t: int                          # the number of this step (adam), from 1
    hyper: tuple[tuple[str, float, str | None], ...]   # (TeX name, value, its TeX if a power of ten) of the settings
    equations: tuple[OptimizerEquation, ...]


def solve_network_question(q: Question) -> tuple[list[Step], derive.Derivation, dict]:
    net, data = q.network, q.data
    backprop = q.kind == "backprop"
    with_loss = q.loss is not None and data.y is not None
    derivation = derive.derive(net, q.loss, q.reduction, backprop, q.huber_delta)
    given = _given(q)
    specs = _specs(q, with_loss, backprop)
    exact, shown = _run(specs, given, q.display.decimals, q.display.carry)
    cross_check(q, derivation, _without_decay(q, exact))
    steps = [_given_step(q, given), diagram_step(net)] + [_finish(q, derivation, s, exact, shown) for s in specs]
    return steps, derivation, exact


# ------------------------------------------------------------------ values

def _without_decay(q: Question, exact: dict) -> dict:
    """The loss and weight gradients of the data alone, which the cross-check recomputes
    (weight decay adds (l2 / 2) sum W^2 and l2 W to them)."""
    l2 = decay(q)
    if not l2:
        return exact
    out = dict(exact)
    if "loss" in out:
        out["loss"] = out["loss"] - penalty(q, exact)
    for l in range(1, len(q.network.layers) + 1):
        if f"dW{l}" in out:
            out[f"dW{l}"] = out[f"dW{l}"] - l2 * exact[f"W{l}"]
    return out


def _given(q: Question) -> dict[str, np.ndarray]:
    env = {"x": q.data.x}
    if q.data.y is not None:
        env["y"] = q.data.y
    for l, layer in enumerate(q.network.layers, start=1):
        env[f"W{l}"] = layer.weights
        env[f"b{l}"] = layer.biases
    return env


def _prev(l: int) -> str:
    return "x" if l == 1 else f"a{l - 1}"


def _specs(q: Question, with_loss: bool, backprop: bool) -> list[Step]:
    """Every step with its inputs and how to recompute it; values come later."""
    net = q.network
    L = len(net.layers)
    specs: list[Step] = []
    for l, layer in enumerate(net.layers, start=1):
        specs.append(Step(f"z{l}", StepKind.LINEAR, l, (f"W{l}", f"b{l}", _prev(l)),
                          lambda v, l=l: snap(v[_prev(l)] @ v[f"W{l}"].T + v[f"b{l}"])))
        act = ACTIVATIONS[layer.activation]
        specs.append(Step(f"a{l}", StepKind.ACTIVATION, l, (f"z{l}",),
                          lambda v, l=l, act=act, al=layer.alpha: act.forward(v[f"z{l}"], al)))
    l2 = decay(q)
    if with_loss:
        weight_keys = tuple(f"W{k}" for k in range(1, L + 1)) if l2 else ()
        specs.append(Step("loss", StepKind.LOSS, None, (f"a{L}", "y") + weight_keys,
                          lambda v: numeric.total_loss(q.reduction, numeric.example_losses(
                              q.loss, q.reduction, v["y"], v[f"a{L}"], q.huber_delta)) + penalty(q, v)))
    if not backprop:
        return specs
    red = REDUCTIONS[q.reduction]
    out = net.layers[-1]

    def output_delta(v):
        g = numeric.output_grad(q.loss, q.reduction, v["y"], v[f"a{L}"], q.huber_delta)
        return numeric.through_activation(out, g, v[f"z{L}"], v[f"a{L}"])

    kinks = tuple(k for k in (LOSSES[q.loss].kink, ACTIVATIONS[out.activation].kink) if k)
    specs.append(Step(f"delta{L}", StepKind.OUTPUT_DELTA, L, (f"a{L}", "y", f"z{L}"), output_delta,
                      conventions=kinks))
    for l in range(L, 0, -1):
        if l < L:
            layer = net.layers[l - 1]
            act = ACTIVATIONS[layer.activation]

            def hidden_delta(v, l=l, layer=layer):
                back = v[f"delta{l + 1}"] @ v[f"W{l + 1}"]
                return numeric.through_activation(layer, back, v[f"z{l}"], v[f"a{l}"])

            specs.append(Step(f"delta{l}", StepKind.HIDDEN_DELTA, l,
                              (f"delta{l + 1}", f"W{l + 1}", f"z{l}", f"a{l}"), hidden_delta,
                              conventions=(act.kink,) if act.kink else ()))
        specs.append(Step(f"dW{l}", StepKind.WEIGHT_GRAD, l, (f"delta{l}", _prev(l)) + ((f"W{l}",) if l2 else ()),
                          lambda v, l=l: float(red.batch_factor(len(v[f"delta{l}"])))
                          * v[f"delta{l}"].T @ v[_prev(l)] + (l2 * v[f"W{l}"] if l2 else 0.0)))
        if net.bias:
            specs.append(Step(f"db{l}", StepKind.BIAS_GRAD, l, (f"delta{l}",),
                              lambda v, l=l: float(red.batch_factor(len(v[f"delta{l}"])))
                              * v[f"delta{l}"].sum(axis=0)))
    eta = q.learning_rate
    if not plain(q):
        return specs + _optimizer_specs(q)
    for l in range(1, L + 1):
        if "weights" in q.update:
            specs.append(Step(f"W{l}_new", StepKind.UPDATE, l, (f"W{l}", f"dW{l}"),
                              lambda v, l=l: v[f"W{l}"] - eta * v[f"dW{l}"], info=UpdateInfo("W")))
        if "biases" in q.update and net.bias:
            specs.append(Step(f"b{l}_new", StepKind.UPDATE, l, (f"b{l}", f"db{l}"),
                              lambda v, l=l: v[f"b{l}"] - eta * v[f"db{l}"], info=UpdateInfo("b")))
    return specs


def plain(q: Question) -> bool:
    """Plain gradient descent without weight decay: the update of the notes."""
    return q.optimizer is None or q.optimizer.plain


def decay(q: Question) -> float:
    """The weight decay l2 of the question (0 without)."""
    return 0.0 if q.optimizer is None else float(q.optimizer.l2)


def penalty(q: Question, v) -> float:
    """(l2 / 2) * the sum of the squared weights (not biases), of the weights in v."""
    l2 = decay(q)
    if not l2:
        return 0.0
    return l2 / 2 * sum(float((v[f"W{l}"] ** 2).sum()) for l in range(1, len(q.network.layers) + 1))


def _optimizer_specs(q: Question) -> list[Step]:
    """The update of every parameter by the question's optimizer: its moments (answer keys
    v_W1, m_W1, s_W1, ..., shown in the parameter's step), then its new value."""
    o, eta = q.optimizer, q.learning_rate
    spec, t = o.optimizer, o.t + 1
    specs = []
    params = [p for p, moved in (("W", "weights" in q.update), ("b", "biases" in q.update and q.network.bias))
              if moved]
    for l in range(1, len(q.network.layers) + 1):
        for p in params:
            name, new = f"{p}{l}", f"{p}{l}_new"

            def before(v, name=name):
                return {m: q.optimizer.before(f"{m}_{name}", v[name]) for m in spec.moments}

            for m in spec.moments:
                specs.append(Step(f"{m}_{name}", StepKind.UPDATE, l, (f"d{name}",),
                                  lambda v, name=name, m=m, before=before:
                                  optimizers.moments(o, v[f"d{name}"], before(v), t)[m],
                                  info=UpdateInfo(p, moment=m), part_of=new))
            keys = tuple(f"{m}_{name}" for m in spec.moments)
            specs.append(Step(new, StepKind.UPDATE, l, (name, f"d{name}") + keys,
                              lambda v, name=name, keys=keys: optimizers.new_value(
                                  o, eta, v[name], v[f"d{name}"],
                                  {m: v[k] for m, k in zip(spec.moments, keys)}, t),
                              info=UpdateInfo(p)))
    return specs


CALCULATOR_STEPS = (StepKind.ACTIVATION, StepKind.LOSS)


def _run(specs: list[Step], given: dict, decimals: int, carry: str) -> tuple[dict, dict]:
    exact, shown = dict(given), dict(given)
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        for s in specs:
            try:
                exact[s.key] = np.asarray(s.recompute(exact), dtype=float)
                hand = s.recompute(shown) if carry == "rounded" else exact[s.key]
            except FloatingPointError as exc:
                raise ArithmeticError(f"{s.key}: the numbers overflow ({exc}); use smaller values") from None
            hand = np.asarray(hand, dtype=float)
            # Under carry: rounded, sums and products of the written decimals are exact decimal
            # arithmetic as on paper (a tie rounds away from zero); the calculator's steps
            # (an activation, a loss) are rounded as the float they are.
            on_paper = carry == "rounded" and s.kind not in CALCULATOR_STEPS
            shown[s.key] = round_written(hand, decimals) if on_paper else round_half_up(hand, decimals)
    return exact, shown


# ------------------------------------------------------------------ lines

def _lookup(env: Mapping[str, np.ndarray], s: sp.Symbol, example: int) -> float | None:
    m = meaning(s)
    if m is None:
        return None
    e = example
    if m.kind == "x":
        return env["x"][e, m.i - 1]
    if m.kind == "y":
        return env["y"][e, m.i - 1]
    if m.kind in ("z", "a", "delta"):
        return env[f"{m.kind}{m.layer}"][e, m.i - 1]
    if m.kind == "W":
        return env[f"W{m.layer}"][m.i - 1, m.j - 1]
    if m.kind == "b":
        return env[f"b{m.layer}"][m.i - 1]
    return None


GIVEN_KINDS = ("x", "y", "W", "b")


def put_numbers(expr: sp.Expr, env, example: int) -> sp.Expr:
    """The expression with every known symbol replaced by its number, left unevaluated."""
    mapping = {}
    for s in expr.free_symbols:
        v = _lookup(env, s, example)
        if v is not None:
            # x, y, W, b are the question's givens in a network's steps: shown as written
            mapping[s] = given_number(v) if meaning(s).kind in GIVEN_KINDS else sp.Float(float(v))
    return replace_unevaluated(expr, mapping)


def at_example(expr: sp.Expr, e: int) -> sp.Expr:
    """The same expression with every per-example symbol marked with example e (1-based)."""
    mapping = {}
    for s in expr.free_symbols:
        m = meaning(s)
        if m and m.kind in ("x", "y", "z", "a", "delta", "ell"):
            mapping[s] = sym(m.kind, m.layer, m.i, m.j, e)
    return replace_unevaluated(expr, mapping)


def combined(terms: list[sp.Expr], factor: Fraction) -> sp.Expr:
    """factor * (t1 + t2 + ...), unevaluated: how a reduction combines the examples."""
    total = sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
    return sp.Mul(sp.Rational(factor), total, evaluate=False) if factor != 1 else total


def _per_example_line(lhs, formula, env, n, values, factors=(), terms=()):
    nums = tuple(put_numbers(formula, env, e) for e in range(n))
    labels = tuple(at_example(lhs, e + 1) for e in range(n)) if n > 1 else (lhs,)
    return Line(lhs, formula, nums, tuple(float(v) for v in values), tuple(factors), labels, tuple(terms))


def _finish(q: Question, d: derive.Derivation, s: Step, exact: dict, shown: dict) -> Step:
    """The step with its values, and the lines and matrix form a hand solution writes."""
    build = {StepKind.LINEAR: _linear, StepKind.ACTIVATION: _activation, StepKind.LOSS: _loss,
             StepKind.OUTPUT_DELTA: _output_delta, StepKind.HIDDEN_DELTA: _hidden_delta,
             StepKind.WEIGHT_GRAD: _gradient, StepKind.BIAS_GRAD: _gradient, StepKind.UPDATE: _update}[s.kind]
    lines, matrix, info = build(q, d, s, exact, shown)
    return dataclasses.replace(s, value=shown[s.key], exact=exact[s.key], lines=tuple(lines), matrix=matrix,
                               info=s.info if info is None else info)


def _linear(q, d, s, exact, shown):
    net, l, value = q.network, s.layer, shown[s.key]
    form = d.layers[l - 1]
    lines = [_per_example_line(sym("z", l, j + 1), sp.Add(*form.terms[j], evaluate=False), shown, q.data.n,
                               value[:, j])
             for j in range(net.layers[l - 1].units)]
    bias_name = (Part("op", "+"), Part("name", "b", l)) if net.bias else ()
    bias_numbers = (Part("op", "+"), Part("numbers", array=shown[f"b{l}"][:, None], given=True)) if net.bias else ()
    matrix = MatrixForm((Part("name", "W", l), Part("name", "a", l - 1), *bias_name),
                        (Part("numbers", array=shown[f"W{l}"], given=True),
                         Part("numbers", array=shown[_prev(l)].T, given=l == 1),
                         *bias_numbers))
    return lines, matrix, None


def _activation(q, d, s, exact, shown):
    l, value = s.layer, shown[s.key]
    layer = q.network.layers[l - 1]
    act = ACTIVATIONS[layer.activation]
    zs = [sym("z", l, k + 1) for k in range(layer.units)]
    lines = []
    for j in range(layer.units):
        if not act.elementwise:    # softmax
            denominator = sp.Pow(sp.Add(*[sp.exp(z) for z in zs], evaluate=False), -1, evaluate=False)
            formula = sp.Mul(sp.exp(zs[j]), denominator, evaluate=False)
        else:
            shape = act.display(derive.Z) if act.display else d.layers[l - 1].activation
            formula = shape.xreplace({derive.Z: zs[j], derive.ALPHA: sp.Float(layer.alpha)})
        lines.append(_per_example_line(sym("a", l, j + 1), formula, shown, q.data.n, value[:, j]))
    matrix = MatrixForm((Part("name", "a", l), Part("op", "="), Part("name", "z", l, func=layer.activation)),
                        (Part("numbers", array=shown[f"z{l}"].T, func=layer.activation),))
    return lines, matrix, None


def _loss(q, d, s, exact, shown):
    n, L = q.data.n, len(q.network.layers)
    ell = example_loss_expr(q.loss, q.reduction)
    per_output = [ell.xreplace({derive.Y: sym("y", None, j), derive.YHAT: sym("a", L, j),
                                derive.DELTA: sp.Float(q.huber_delta)})
                  for j in range(1, q.network.layers[-1].units + 1)]
    formula = sp.Add(*per_output, evaluate=False) if len(per_output) > 1 else per_output[0]
    source = shown if q.display.carry == "rounded" else exact
    ells = round_half_up(numeric.example_losses(q.loss, q.reduction, source["y"], source[f"a{L}"],
                                                q.huber_delta), q.display.decimals)
    m = REDUCTIONS[q.reduction].batch_factor(n)
    lhs = sym("ell") if n > 1 or m != 1 else sym("L")
    info, data = LossInfo(n), float(shown[s.key])
    if decay(q):
        squares = sum(float((shown[f"W{l}"] ** 2).sum()) for l in range(1, L + 1))
        data = float(round_half_up(float(shown[s.key]) - penalty(q, shown), q.display.decimals))
        info = LossInfo(n, decay(q), data, float(round_half_up(squares, q.display.decimals)),
                        float(round_half_up(penalty(q, shown), q.display.decimals)))
        if lhs == sym("L"):
            ells = np.array([data])
    lines = [_per_example_line(lhs, formula, shown, n, ells)]
    if lhs != sym("L"):
        terms = [sym("ell", None, None, None, e + 1) if n > 1 else sym("ell") for e in range(n)]
        total = combined(terms, m)
        num_total = combined([sp.Float(float(v)) for v in ells], m)
        lines.append(Line(sym("L"), total, (num_total,), (float(data),), (), (sym("L"),)))
    return lines, None, info


def _output_delta(q, d, s, exact, shown):
    L, value = s.layer, shown[s.key]
    lines = [_per_example_line(part.target, part.formula, shown, q.data.n, value[:, j], part.factors,
                                part.terms)
             for j, part in enumerate(d.deltas[L - 1])]
    matrix = None
    if d.output.simplified == derive.YHAT - derive.Y:
        matrix = MatrixForm((Part("name", "a", L), Part("op", "-"), Part("name", "y")),
                            (Part("numbers", array=shown[f"a{L}"].T), Part("op", "-"),
                             Part("numbers", array=shown["y"].T, given=True)))
    return lines, matrix, OutputDeltaInfo(d.output, q.network.layers[-1].activation)


def _hidden_delta(q, d, s, exact, shown):
    l, value = s.layer, shown[s.key]
    layer = q.network.layers[l - 1]
    act = ACTIVATIONS[layer.activation]
    lines = [_per_example_line(part.target, part.formula, shown, q.data.n, value[:, j], part.factors,
                                part.terms)
             for j, part in enumerate(d.deltas[l - 1])]
    matrix = None
    if act.elementwise:
        gprime = round_half_up(act.derivative(shown[f"z{l}"], shown[f"a{l}"], layer.alpha), q.display.decimals)
        matrix = MatrixForm(
            (Part("name", "W", l + 1, transpose=True), Part("name", "delta", l + 1), Part("op", "hadamard"),
             Part("name", "z", l, func="prime:" + layer.activation)),
            (Part("numbers", array=shown[f"W{l + 1}"].T, given=True), Part("numbers", array=shown[f"delta{l + 1}"].T),
             Part("op", "hadamard"), Part("numbers", array=gprime.T, given=act.constant_slopes)))
    return lines, matrix, HiddenDeltaInfo(layer.activation)


def _gradient(q, d, s, exact, shown):
    l, n = s.layer, q.data.n
    weights = s.kind is StepKind.WEIGHT_GRAD
    partials = [p for row in d.dW[l - 1] for p in row] if weights else list(d.db[l - 1])
    data = np.asarray(shown[s.key])
    if weights and decay(q):
        data = round_half_up(data - decay(q) * shown[f"W{l}"], q.display.decimals)
    values = data.ravel()
    m = REDUCTIONS[q.reduction].batch_factor(n)
    lines = []
    for p, value in zip(partials, values):
        if n == 1:
            formula, numbers = p.formula, put_numbers(p.formula, shown, 0)
        else:
            formula = combined([at_example(p.formula, e + 1) for e in range(n)], m)
            numbers = combined([put_numbers(p.formula, shown, e) for e in range(n)], m)
        lhs = sp.Derivative(sym("L"), p.target, evaluate=False)
        lines.append(Line(lhs, formula, (numbers,), (float(value),), p.factors, (lhs,)))
    scale = (Part("scalar", fraction=m),) if m != 1 else ()
    if weights:
        matrix = MatrixForm((*scale, Part("name", "delta", l), Part("name", "a", l - 1, transpose=True)),
                            (*scale, Part("numbers", array=shown[f"delta{l}"].T),
                             Part("numbers", array=shown[_prev(l)], given=l == 1)))
    else:
        total = "sum" if n > 1 else None
        matrix = MatrixForm((*scale, Part("name", "delta", l, func=total)),
                            (*scale, Part("numbers", array=shown[f"delta{l}"].T, func=total)))
    info = GradientInfo(n)
    if weights and decay(q):
        info = GradientInfo(n, decay(q), data, shown[f"W{l}"])
    return lines, matrix, info


def _update(q, d, s, exact, shown):
    if s.info.moment is not None:         # shown in the parameter's own step
        return [], None, None
    if not plain(q):
        return [], None, dataclasses.replace(s.info, optimizer=_optimizer_info(q, s, shown, exact))
    l, param = s.layer, s.info.param
    old, grad, new = shown[f"{param}{l}"], shown[f"d{param}{l}"], np.asarray(shown[s.key])
    lines = []
    for idx in np.ndindex(new.shape):
        target = sym(param, l, *(i + 1 for i in idx))
        numbers = sp.Add(given_number(old[idx]),
                         sp.Mul(-1, given_number(q.learning_rate), sp.Float(float(grad[idx])), evaluate=False),
                         evaluate=False)
        lines.append(Line(target, None, (numbers,), (float(new[idx]),), (), (target,)))
    col = (lambda a: a[:, None]) if param == "b" else (lambda a: a)
    matrix = MatrixForm((Part("name", param, l), Part("op", "-"), Part("scalar", name="eta"),
                         Part("name", "d" + param, l)),
                        (Part("numbers", array=col(old), given=True), Part("op", "-"),
                         Part("scalar", array=np.array(q.learning_rate)), Part("numbers", array=col(grad))))
    return lines, matrix, None


def _optimizer_info(q: Question, s: Step, shown: dict, exact: dict) -> OptimizerInfo:
    """The equations of one parameter's update by the question's optimizer, with the numbers
    put in: each moment, adam's corrected moments, the new value."""
    o = q.optimizer
    spec, t, l, p = o.optimizer, o.t + 1, s.layer, s.info.param
    name = f"{p}{l}"
    col = (lambda a: np.asarray(a, dtype=float)[:, None]) if p == "b" else (lambda a: np.asarray(a, dtype=float))
    theta, g = col(shown[name]), col(shown[f"d{name}"])
    after = {m: col(shown[f"{m}_{name}"]) for m in spec.moments}
    before = {m: col(q.optimizer.before(f"{m}_{name}", shown[name])) for m in spec.moments}

    def mat(a, given=False):
        return Piece(array=np.asarray(a), given=given)

    def num(x):
        return Piece(array=np.array(float(x)), scalar=True, given=True)

    def tex(text):
        return Piece(tex=text)

    def small(x):
        """A tiny setting (epsilon) as a power of ten, as the papers write it: 10^{-8}."""
        power = tiny(x)
        return num(x) if power is None else tex(power)

    eqs = []
    mu, eps, eta = o.momentum, o.epsilon, q.learning_rate
    if spec.name in ("momentum", "nesterov"):
        eqs.append(OptimizerEquation("v", spec.moment_tex[0],
                                     (num(mu), mat(before["v"], True), tex("+"), mat(g)), after["v"]))
    elif spec.name == "rmsprop":
        eqs.append(OptimizerEquation("s", spec.moment_tex[0],
                                     (num(o.rho), mat(before["s"], True), tex("+"), num(round(1 - o.rho, 12)), mat(g),
                                      tex(r"\odot"), mat(g)), after["s"]))
    elif spec.name == "adagrad":
        eqs.append(OptimizerEquation("s", spec.moment_tex[0],
                                     (mat(before["s"], True), tex("+"), mat(g), tex(r"\odot"), mat(g)), after["s"]))
    elif spec.name == "adam":
        b1, b2 = o.beta1, o.beta2
        eqs.append(OptimizerEquation("m", spec.moment_tex[0],
                                     (num(b1), mat(before["m"], True), tex("+"), num(round(1 - b1, 12)), mat(g)), after["m"]))
        eqs.append(OptimizerEquation("s", spec.moment_tex[1],
                                     (num(b2), mat(before["s"], True), tex("+"), num(round(1 - b2, 12)), mat(g),
                                      tex(r"\odot"), mat(g)), after["s"]))
        # the corrected moments from the moments as the solution carries them (rounded under carry: rounded)
        carried = shown if q.display.carry == "rounded" else exact
        hat = optimizers.corrected(o, {m: col(carried[f"{m}_{name}"]) for m in spec.moments}, t)
        d = q.display.decimals
        eqs.append(OptimizerEquation("m_hat", rf"\frac{{m_{{@}}}}{{1 - \beta_1^{{{t}}}}}",
                                     (tex(r"\frac{1}{1 - " + f"{b1:g}^{{{t}}}" + "}"), mat(after["m"])),
                                     round_half_up(hat["m_hat"], d)))
        eqs.append(OptimizerEquation("s_hat", rf"\frac{{s_{{@}}}}{{1 - \beta_2^{{{t}}}}}",
                                     (tex(r"\frac{1}{1 - " + f"{b2:g}^{{{t}}}" + "}"), mat(after["s"])),
                                     round_half_up(hat["s_hat"], d)))
    new = col(shown[s.key])
    if spec.name == "momentum":
        eqs.append(OptimizerEquation("new", spec.update_tex,
                                     (mat(theta, True), tex("-"), num(eta), mat(after["v"])), new))
    elif spec.name == "nesterov":
        eqs.append(OptimizerEquation("new", spec.update_tex,
                                     (mat(theta, True), tex("-"), num(eta), tex(r"\left("), mat(g), tex("+"),
                                      num(mu), mat(after["v"]), tex(r"\right)")), new))
    elif spec.name in ("rmsprop", "adagrad"):
        eqs.append(OptimizerEquation("new", spec.update_tex,
                                     (mat(theta, True), tex("-"), num(eta), mat(g), tex(r"\oslash \left(\sqrt{"),
                                      mat(after["s"]), tex("} +"), small(eps), tex(r"\right)")), new))
    elif spec.name == "adam":
        eqs.append(OptimizerEquation("new", spec.update_tex,
                                     (mat(theta, True), tex("-"), num(eta), mat(eqs[-2].value),
                                      tex(r"\oslash \left(\sqrt{"), mat(eqs[-1].value), tex("} +"), small(eps),
                                      tex(r"\right)")), new))
    else:          # sgd with weight decay
        eqs.append(OptimizerEquation("new", spec.update_tex, (mat(theta, True), tex("-"), num(eta), mat(g)), new))
    hyper = o.settings_tex()
    return OptimizerInfo(spec.name, spec.words, t, hyper, tuple(eqs))


def _given_step(q: Question, given: dict) -> Step:
    return Step("given", StepKind.GIVEN, None, (), lambda v: None, value=None, exact=None,
                info=GivenInfo(given, q.learning_rate, q.loss, q.reduction))
