"""The SymPy path: the network built symbolically and every chain-rule partial derived.

Backpropagation is the chain rule plus memory: each layer's deltas are named symbols
(delta^{[l]}_j = dL/dz^{[l]}_j), derived once and referred to by the layer below, so the
work grows with the number of parameters instead of exploding with depth. Each local
factor is a real `sympy.diff` of the expression it comes from.

`evaluate` then runs the same formulas, independently of NumPy, for the cross-check:
compiled by lambdify for many examples, else walked node by node in floats (`_value`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .activations import ACTIVATIONS, softmax_expr
from .losses import LOSSES, REDUCTIONS, example_loss_expr
from .model import Network
from .symbols import ALPHA, A, DELTA, Y, YHAT, Z, replace_unevaluated, sym
from .tolerances import KINK_TOLERANCE, snap


@dataclass(frozen=True, eq=False)
class Factor:
    """One factor of a chain: d(top)/d(bottom), and what it was derived to be."""
    top: sp.Symbol
    bottom: sp.Symbol
    value: sp.Expr


@dataclass(frozen=True, eq=False)
class Partial:
    """d(target)/d(wrt) = product of factors = formula; or, through a softmax layer, a sum
    over its units of such products (`terms`, each one product; then `factors` is empty)."""
    target: sp.Symbol
    factors: tuple[Factor, ...]
    formula: sp.Expr
    terms: tuple[tuple[Factor, ...], ...] = ()


@dataclass(frozen=True, eq=False)
class OutputRule:
    """The output delta for one (loss, activation) pair, derived once in generic symbols."""
    loss: sp.Expr                 # ell of one output, with the example factor (1/2 or 1)
    dloss: sp.Expr                # d ell / d yhat
    dact: sp.Expr | None          # d yhat / d z, hand form (None for softmax: a Jacobian)
    dact_derived: sp.Expr | None  # sympy.diff(g(z), z) before rewriting in terms of yhat
    product: sp.Expr              # dloss * dact as written
    simplified: sp.Expr           # the product simplified (equal to product)
    sums_to_one: bool = False     # softmax with cross-entropy: uses sum_i y_i = 1


@dataclass(frozen=True, eq=False)
class LayerForm:
    terms: tuple[tuple[sp.Expr, ...], ...]   # per unit: W_j1 a_1, ..., b_j (display order)
    z: tuple[sp.Expr, ...]                   # per unit, z_j as a SymPy sum
    activation: sp.Expr                      # g(Z) in the generic symbol (softmax: see forward)
    hand_derivative: sp.Expr                 # g'(z) written by hand, in Z/A/ALPHA


@dataclass(frozen=True, eq=False)
class Derivation:
    layers: tuple[LayerForm, ...]
    output: OutputRule | None
    deltas: tuple[tuple[Partial, ...], ...] = ()     # per layer, per unit
    dW: tuple[tuple[tuple[Partial, ...], ...], ...] = ()   # per layer, unit, input
    db: tuple[tuple[Partial, ...], ...] = ()


# Placeholders for the one term W a of a weighted sum z = sum_k W_k a_k + b: each local
# derivative is derived once on this term and then instantiated for every weight.
_W, _IN, _B = sp.symbols("W_generic a_generic b_generic", real=True)
_TERM = _W * _IN + _B
D_TERM_DW = sp.diff(_TERM, _W)     # dz/dW_jk = a_k
D_TERM_DA = sp.diff(_TERM, _IN)    # dz/da_k = W_jk
D_TERM_DB = sp.diff(_TERM, _B)     # dz/db_j = 1


def a_sym(l: int, k: int) -> sp.Symbol:
    """The k-th input of layer l+1: x_k for the first layer, a^{[l]}_k after."""
    return sym("x", None, k) if l == 0 else sym("a", l, k)


def forward_forms(net: Network) -> tuple[LayerForm, ...]:
    forms = []
    for l, layer in enumerate(net.layers, start=1):
        n_in = layer.weights.shape[1]
        terms, zs = [], []
        for j in range(1, layer.units + 1):
            t = [sp.Mul(sym("W", l, j, k), a_sym(l - 1, k), evaluate=False) for k in range(1, n_in + 1)]
            if net.bias:
                t.append(sym("b", l, j))
            terms.append(tuple(t))
            zs.append(sp.Add(*t))
        act = ACTIVATIONS[layer.activation]
        forms.append(LayerForm(tuple(terms), tuple(zs), act.expr(Z), act.hand_derivative))
    return tuple(forms)


@lru_cache(maxsize=None)
def output_rule(loss: str, reduction: str, activation: str) -> OutputRule:
    """Derive d ell/d z for the output layer once, in generic symbols."""
    ell = example_loss_expr(loss, reduction)
    dloss = sp.factor_terms(sp.diff(ell, YHAT))
    act = ACTIVATIONS[activation]
    if not act.elementwise:   # softmax: d ell/d z_j = sum_i d ell/d yhat_i * yhat_i (delta_ij - yhat_j)
        sums_to_one = LOSSES[loss].targets_sum_to_one
        # the example factor (1/2 for half_*) scales the whole rule: (yhat - y)/2
        simplified = sp.Rational(REDUCTIONS[reduction].example_factor) * (YHAT - Y) if sums_to_one else sp.Integer(0)
        return OutputRule(ell, dloss, None, None, sp.Integer(0), simplified, sums_to_one)
    derived = sp.diff(act.expr(Z), Z)
    dact = act.hand_derivative.xreplace({A: YHAT})
    product = dloss * dact
    simplified = sp.factor_terms(sp.cancel(product)) if not product.has(sp.Piecewise, sp.sign) else product
    if sp.count_ops(simplified) > sp.count_ops(product):
        simplified = product
    return OutputRule(ell, dloss, dact, derived, product, simplified)


def derive(net: Network, loss: str | None, reduction: str, with_backward: bool,
           huber_delta: float = 1.0) -> Derivation:
    layers = forward_forms(net)
    if not with_backward or loss is None:
        return Derivation(layers, None)
    L = len(net.layers)
    out = output_rule(loss, reduction, net.layers[-1].activation)
    loss_sym = sym("L")
    deltas: list[tuple[Partial, ...]] = [()] * L
    deltas[L - 1] = _output_deltas(net, out, huber_delta)
    for l in range(L - 1, 0, -1):   # layer l (1-based) from the deltas of layer l+1
        deltas[l - 1] = _hidden_deltas(net, layers, l)
    dW, db = [], []
    for l in range(1, L + 1):
        n_in = net.layers[l - 1].weights.shape[1]
        rows, brow = [], []
        for j in range(1, net.layers[l - 1].units + 1):
            d = sym("delta", l, j)
            z = sym("z", l, j)
            row = []
            for k in range(1, n_in + 1):
                w = sym("W", l, j, k)
                # z_j is a sum; only its k-th term W_jk a_k holds W_jk, so dz_j/dW_jk is that term's
                # derivative: derived once above (D_TERM_DW) and instantiated here.
                local = D_TERM_DW.xreplace({_W: w, _IN: a_sym(l - 1, k)})
                row.append(Partial(w, (Factor(loss_sym, z, d), Factor(z, w, local)), sp.Mul(d, local, evaluate=False)))
            rows.append(tuple(row))
            if net.bias:
                b = sym("b", l, j)
                local = D_TERM_DB
                brow.append(Partial(b, (Factor(loss_sym, z, d), Factor(z, b, local)), sp.Mul(d, local, evaluate=False)))
        dW.append(tuple(rows))
        db.append(tuple(brow))
    return Derivation(layers, out, tuple(deltas), tuple(dW), tuple(db))


def _output_deltas(net: Network, out: OutputRule, huber_delta: float) -> tuple[Partial, ...]:
    L = len(net.layers)
    layer = net.layers[-1]
    loss_sym = sym("L")
    units = range(1, layer.units + 1)
    if out.dact is not None:
        # unevaluated: xreplace would rebuild 2*(yhat - y) as -2*y + 2*yhat, not the notes' form
        result = []
        for j in units:
            inst = {YHAT: sym("a", L, j), Y: sym("y", None, j), Z: sym("z", L, j), ALPHA: sp.Float(layer.alpha),
                    DELTA: sp.Float(huber_delta)}
            result.append(Partial(sym("delta", L, j),
                                  (Factor(loss_sym, sym("a", L, j), replace_unevaluated(out.dloss, inst)),
                                   Factor(sym("a", L, j), sym("z", L, j), replace_unevaluated(out.dact, inst))),
                                  replace_unevaluated(out.simplified, inst)))
        return tuple(result)
    result = []
    for j in units:
        # d ell/d z_j = sum_i d ell/d yhat_i * d yhat_i/d z_j: one product per output i
        terms = tuple((Factor(loss_sym, sym("a", L, i),
                              out.dloss.xreplace({YHAT: sym("a", L, i), Y: sym("y", None, i),
                                                  DELTA: sp.Float(huber_delta)})),
                       Factor(sym("a", L, i), sym("z", L, j), sym("a", L, i) * ((1 if i == j else 0) - sym("a", L, j))))
                      for i in units)
        if out.sums_to_one:
            formula = out.simplified.xreplace({YHAT: sym("a", L, j), Y: sym("y", None, j)})
        else:
            formula = sp.Add(*[dloss.value * dact.value for dloss, dact in terms])
        result.append(Partial(sym("delta", L, j), (), formula, terms))
    return tuple(result)


def _hidden_deltas(net: Network, layers: tuple[LayerForm, ...], l: int) -> tuple[Partial, ...]:
    """delta^{[l]}_j = (sum_k dz^{[l+1]}_k/da^{[l]}_j delta^{[l+1]}_k) * g'(z^{[l]}_j)."""
    layer = net.layers[l - 1]
    act = ACTIVATIONS[layer.activation]
    units = range(1, layer.units + 1)
    back = []   # dL/da^{[l]}_j as a sum over the units k of layer l+1
    for j in units:
        terms = []
        for k in range(1, net.layers[l].units + 1):
            local = D_TERM_DA.xreplace({_W: sym("W", l + 1, k, j), _IN: sym("a", l, j)})   # W^{[l+1]}_{kj}
            terms.append(sp.Mul(local, sym("delta", l + 1, k), evaluate=False))
        back.append(sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0])
    result = []
    for j in units:
        a, z = sym("a", l, j), sym("z", l, j)
        if act.elementwise:
            gprime = act.hand_derivative.xreplace({A: a, Z: z, ALPHA: sp.Float(layer.alpha)})
            factors = (Factor(sym("L"), a, back[j - 1]), Factor(a, z, gprime))
            result.append(Partial(sym("delta", l, j), factors, sp.Mul(back[j - 1], gprime, evaluate=False)))
        else:
            jac = [sym("a", l, i) * ((1 if i == j else 0) - a) for i in units]
            terms = tuple((Factor(sym("L"), sym("a", l, i), back[i - 1]), Factor(sym("a", l, i), z, jac[i - 1]))
                          for i in units)
            result.append(Partial(sym("delta", l, j), (),
                                  sp.Add(*[back[i - 1] * jac[i - 1] for i in units]), terms))
    return tuple(result)


# ---------------------------------------------------------------- SymPy arithmetic

@dataclass(frozen=True, eq=False)
class SymbolicValues:
    """Every quantity evaluated from the derived formulas: per example for z, a, delta, loss."""
    z: list[list[list[float]]]          # [example][layer][unit]
    a: list[list[list[float]]]
    example_losses: list[float]
    loss: float | None
    delta: list[list[list[float]]]      # [example][layer][unit]
    dW: list[list[list[float]]]         # [layer][unit][input]
    db: list[list[float]]


def evaluate(net: Network, d: Derivation, x, y, loss: str | None, reduction: str,
             huber_delta: float) -> SymbolicValues:
    """The derived formulas evaluated at the question's numbers, example by example (the
    numbers come from the SymPy derivation, not from numeric.py's matrix code)."""
    params = {}
    for l, layer in enumerate(net.layers, start=1):
        for j in range(layer.units):
            params[sym("b", l, j + 1)] = float(layer.biases[j])
            for k in range(layer.weights.shape[1]):
                params[sym("W", l, j + 1, k + 1)] = float(layer.weights[j, k])
    zs, acts, ells, deltas, envs = [], [], [], [], []
    n = x.shape[0]
    z_funcs = [_Compiled(form.z, n) for form in d.layers]
    act_funcs = [_Compiled([form.activation], n * layer.units) if ACTIVATIONS[layer.activation].elementwise else None
                 for layer, form in zip(net.layers, d.layers)]
    delta_funcs = [_Compiled([part.formula for part in parts], n) for parts in d.deltas] \
        if d.output is not None else []
    ell_func = _Compiled([example_loss_expr(loss, reduction)], n * net.layers[-1].units) \
        if loss is not None and y is not None else None
    for e in range(x.shape[0]):
        env = dict(params)
        env.update({sym("x", None, k + 1): float(v) for k, v in enumerate(x[e])})
        env[DELTA] = float(huber_delta)
        z_e, a_e = [], []
        for l, layer in enumerate(net.layers, start=1):
            z_vals = [snap(v) for v in z_funcs[l - 1](env)]
            if not ACTIVATIONS[layer.activation].elementwise:    # softmax
                a_vals = [float(softmax_expr([sp.Float(v) for v in z_vals], i)) for i in range(layer.units)]
            else:
                a_vals = [act_funcs[l - 1]({Z: zv, ALPHA: float(layer.alpha)})[0] for zv in z_vals]
            for j in range(layer.units):
                env[sym("z", l, j + 1)] = z_vals[j]
                env[sym("a", l, j + 1)] = a_vals[j]
            z_e.append(z_vals)
            a_e.append(a_vals)
        zs.append(z_e)
        acts.append(a_e)
        if ell_func is not None:
            total = 0.0
            for j in range(net.layers[-1].units):
                env[sym("y", None, j + 1)] = float(y[e, j])
                total += ell_func({Y: env[sym("y", None, j + 1)], YHAT: a_e[-1][j], DELTA: float(huber_delta)})[0]
            ells.append(total)
        if d.output is not None:
            delta_e: list[list] = [None] * len(net.layers)
            for l in range(len(net.layers), 0, -1):
                at = _at_loss_kink(env, loss, len(net.layers), net.layers[-1].units) if l == len(net.layers) else env
                vals = delta_funcs[l - 1](at)
                for j, v in enumerate(vals):
                    env[sym("delta", l, j + 1)] = v
                delta_e[l - 1] = vals
            deltas.append(delta_e)
            envs.append(env)
    total_loss = None
    if ells:
        total_loss = float(REDUCTIONS[reduction].batch_factor(len(ells))) * sum(ells)
    dW, db = [], []
    if d.output is not None:
        m = float(REDUCTIONS[reduction].batch_factor(x.shape[0]))
        for l in range(len(net.layers)):
            rows, width = len(d.dW[l]), len(d.dW[l][0])
            w_sums = _summed(_Compiled([p.formula for row in d.dW[l] for p in row], n), envs)
            dW.append([[m * w_sums[r * width + c] for c in range(width)] for r in range(rows)])
            db.append([m * v for v in _summed(_Compiled([p.formula for p in d.db[l]], n), envs)])
    return SymbolicValues(zs, acts, ells, total_loss, deltas, dW, db)


def _summed(func: "_Compiled", envs: list[dict]) -> list[float]:
    """Each formula's values summed over the examples."""
    per_example = [func(env) for env in envs]
    return [sum(column) for column in zip(*per_example)] if per_example and per_example[0] else []


class _Compiled:
    """A list of formulas as one function of the symbols they use.

    Used for many examples, the formulas are compiled once (sympy.lambdify to plain
    Python arithmetic); used fewer than COMPILE_FROM times, compiling costs more than
    walking them (`_value`), so they are walked."""

    # what lambdify's "math" printer does not know (Heaviside(0) = 1/2, as SymPy's)
    EXTRA = {"sign": lambda v: (v > 0) - (v < 0),
             "Heaviside": lambda v, h0=0.5: 1.0 if v > 0 else (h0 if v == 0 else 0.0)}
    COMPILE_FROM = 100      # calls: compiling costs about as much as walking the formulas 100 times

    def __init__(self, exprs, calls: int):
        self.exprs = list(exprs)
        symbols = set().union(*(e.free_symbols for e in self.exprs)) if self.exprs else set()
        self.args = sorted(symbols, key=lambda s: s.name)
        self.func = None
        if self.exprs and calls >= self.COMPILE_FROM:
            # names like "W|1|2|1|" are not Python identifiers; renamed here in one pass, since
            # lambdify would rename them one symbol at a time over the whole list (quadratic)
            plain = [sp.Symbol(f"v{i}") for i in range(len(self.args))]
            renamed = [e.xreplace(dict(zip(self.args, plain))) for e in self.exprs]
            self.func = sp.lambdify(plain, renamed, modules=[self.EXTRA, "math"], docstring_limit=0)

    def __call__(self, env) -> list[float]:
        if self.func is not None:
            return [float(v) for v in self.func(*(env[a] for a in self.args))]
        return [_value(e, env) for e in self.exprs]


_FLOAT_FUNCTIONS = {sp.exp: math.exp, sp.log: math.log, sp.tanh: math.tanh, sp.Abs: abs}


def _value(expr: sp.Expr, env) -> float:
    """A formula's value at the numbers of `env`, walked node by node in floats: sums, products,
    powers and exp, log, tanh, abs directly; anything else (a Piecewise, sign, Heaviside) by
    putting the numbers into that part and letting SymPy evaluate it. Linear in the formula's
    size, where substituting into a whole formula builds and evaluates SymPy objects at each node."""
    if expr.is_Symbol:
        return float(env[expr])
    if expr.is_Number:
        return float(expr)
    if expr.is_Add:
        return math.fsum(_value(a, env) for a in expr.args)
    if expr.is_Mul:
        out = 1.0
        for a in expr.args:
            out *= _value(a, env)
        return out
    try:
        if expr.is_Pow:
            value = _value(expr.base, env) ** _value(expr.exp, env)
            if isinstance(value, float):
                return value
        elif expr.func in _FLOAT_FUNCTIONS:
            return float(_FLOAT_FUNCTIONS[expr.func](_value(expr.args[0], env)))
    except (ValueError, ZeroDivisionError, OverflowError):
        pass
    numbers = {a: sp.Float(env[a]) for a in expr.free_symbols}
    return float(expr.xreplace(numbers))


def _at_loss_kink(env: dict, loss: str, L: int, outputs: int) -> dict:
    """The values for the output deltas, with y_hat moved onto a loss kink it is within a residue of."""
    gap_of = LOSSES[loss].kink_gap
    if gap_of is None:
        return env
    at = dict(env)
    for j in range(1, outputs + 1):
        a, y = env[sym("a", L, j)], env[sym("y", None, j)]
        gap = gap_of(y, a)
        if abs(gap) < KINK_TOLERANCE:
            at[sym("a", L, j)] = y   # for hinge, y = +-1 so y y = 1
    return at
