"""`perceptron` questions: every visit of every point, the final line, the picture.

The run is computed twice (run.py, beside this module): exactly, in fractions, and in
NumPy floats; they must agree visit by visit or CrossCheckError is raised. The solution
shows the run as a hand solution does it: under `carry: rounded` the scores, w and b are
rounded to the shown decimals as they are written, and the later visits use them (a
second pair of runs, exact and float, with that rounding, cross-checked the same way);
`exact` is always the run with no rounding anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from operator import attrgetter
from typing import ClassVar, Mapping

import numpy as np
import sympy as sp

from ...errors import CrossCheckError
from .fields import Perceptron
from ...figures import Boundary, Chart, Series, clip_line
from ...model import Question
from .run import Run, count_errors, exact, orders, run_exact, run_float
from ...rounding import round_fraction, round_half_up
from ...steps import FigureInfo, Step, StepKind
from ...symbols import given as given_number
from ...tolerances import RTOL

FULL_VISIT_ROWS = 60     # epochs shown visit by visit while the rows stay within this (epoch 1 always)
SUMMARY_ROWS = 40        # later epochs listed one row each, at most this many; the rest in a sentence
WORKED_VISITS = 6        # the first visits of epoch 1 are worked out with the numbers put in
MAX_LINES = 10           # lines drawn in the picture: the start and (some of) the epochs


@dataclass(frozen=True)
class Runs:
    """The run shown (`hand`: rounded as written under carry: rounded) and the exact one."""
    hand: Run
    exact: Run
    orders: tuple[tuple[int, ...], ...]


# ------------------------------------------------------------------ what each step's template reads

@dataclass(frozen=True)
class Case:
    """One case of the perceptron trick: the label, the prediction, and y - y_hat."""
    y: int
    yhat: int
    diff: int


@dataclass(frozen=True)
class Point:
    i: int                     # 1-based
    x: tuple[float, ...]
    y: int


@dataclass(frozen=True)
class VisitRow:
    """One visit in an epoch's table: the point, its score, the prediction (trick) or the margin
    y f(x) (hinge), the step taken, and the line after it."""
    t: int
    i: int
    x: tuple[float, ...]
    y: int
    score: float
    yhat: int
    margin: float
    mistake: bool
    step: float
    w: tuple[float, ...]
    b: float


@dataclass(frozen=True, eq=False)
class Update:
    """One parameter's update in a worked visit: lhs <- formula = numbers = value."""
    lhs: sp.Expr
    formula: sp.Expr
    numbers: sp.Expr
    value: float


@dataclass(frozen=True, eq=False)
class WorkedVisit:
    """One visit with the numbers put in: the score (lhs = formula = numbers = score), and each update."""
    t: int
    i: int
    lhs: sp.Expr
    formula: sp.Expr
    numbers: sp.Expr
    score: float
    y: int
    yhat: int
    mistake: bool
    margin: float
    updates: list[Update]


@dataclass(frozen=True)
class EpochRow:
    """One later epoch in the summary: its updates and the line at its end with its errors."""
    epoch: int
    updates: int
    errors: int
    w: tuple[float, ...]
    b: float


@dataclass(frozen=True)
class Unlisted:
    """The epochs past the summary's rows, told in a sentence: first to last, and their updates."""
    first: int
    last: int
    updates: int


@dataclass(frozen=True)
class PointRow:
    """One point with the final line: its score, the prediction or the margin, misclassified or not."""
    i: int
    x: tuple[float, ...]
    y: int
    score: float
    yhat: int
    margin: float
    mistake: bool


@dataclass(frozen=True, eq=False)
class RuleInfo:
    """RULE: the question, the four cases of the trick (none for the hinge), the score of point i
    as a formula, and the points."""
    spec: Perceptron
    cases: list[Case]
    score_formula_i: sp.Expr
    points: list[Point]


@dataclass(frozen=True, eq=False)
class EpochInfo:
    """VISITS: one epoch visit by visit, a row each; the first visits of epoch 1 worked out."""
    epoch: int
    rows: list[VisitRow]
    worked: list[WorkedVisit]
    unworked: int              # visits of epoch 1 not worked out
    order: list[int] | None    # the points in the order visited (1-based), when shuffled
    updates: int
    errors: int
    last: int                  # the last epoch run
    stopped_early: bool
    allowed: int
    rule: str
    classes: tuple[int, int]
    d: int
    through: int | None = None # epoch 1's step: the last epoch shown visit by visit (its parts)
    summary: ClassVar[bool] = False


@dataclass(frozen=True, eq=False)
class EpochsSummaryInfo:
    """VISITS: the later epochs, a row each; past SUMMARY_ROWS a sentence."""
    first: int
    last_listed: int
    rows: list[EpochRow]
    unlisted: Unlisted | None
    order: int | None          # the seed
    stopped_early: bool
    allowed: int
    last: int
    d: int
    rule: str
    summary: ClassVar[bool] = True


@dataclass(frozen=True, eq=False, kw_only=True)
class LinesFigureInfo(FigureInfo):
    """FIGURE: the points and the lines; the epochs whose line has w = 0 or lies outside."""
    no_line: list[int]
    outside: list[int]
    thinned: bool
    words: bool = True


@dataclass(frozen=True, eq=False)
class FinalLineInfo:
    """RESULT w_final: the final line (its equation with the numbers in) and how the run went."""
    equation: sp.Expr
    epochs_run: int
    allowed: int
    stopped_early: bool
    d: int
    rule: str
    updates: int
    role: ClassVar[str] = "final_line"


@dataclass(frozen=True, eq=False)
class FinalErrorsInfo:
    """RESULT errors_final: every point with the final line, and the perceptron loss of the final
    line for the hinge rule."""
    rows: list[PointRow]
    rule: str
    classes: tuple[int, int]
    d: int
    n: int
    loss: float | None
    role: ClassVar[str] = "final_errors"


def solve(q: Question) -> list[Step]:
    p: Perceptron = q.spec
    decimals, carry = q.display.decimals, q.display.carry
    runs = _runs(p, decimals, carry)
    hand = runs.hand
    steps = [_rule_step(p)]
    steps += _visit_steps(p, runs)
    if p.d == 2:
        steps.append(_figure_step(p, hand))
    steps += _result_steps(p, runs, decimals, carry)
    return steps


# ------------------------------------------------------------------ the runs

def _args(p: Perceptron, order):
    return (p.points, p.labels, p.classes, p.w, p.b, p.learning_rate, p.epochs, p.rule, order)


def _runs(p: Perceptron, decimals: int, carry: str) -> Runs:
    order = orders(p.n, p.epochs, p.order)
    exact_run = run_exact(*_args(p, order))
    _cross_check("exact run", exact_run, run_float(*_args(p, order)))
    hand = exact_run
    if carry == "rounded":
        hand = run_exact(*_args(p, order), decimals=decimals)
        _cross_check("run rounded as written", hand, run_float(*_args(p, order), decimals=decimals))
    return Runs(hand, exact_run, order)


def _cross_check(name: str, fractions: Run, floats: Run) -> None:
    """The exact and the float run must take the same decisions and reach the same numbers."""
    def fail(what, a, b):
        raise CrossCheckError(f"perceptron {name}: {what}: the fraction and the float runs disagree: {a} versus {b}")

    if len(fractions.visits) != len(floats.visits):
        fail("number of visits", len(fractions.visits), len(floats.visits))
    decisions = [(v.point, v.mistake, v.prediction) for v in fractions.visits]
    for u, got, v in zip(fractions.visits, decisions, floats.visits):
        if got != (v.point, v.mistake, v.prediction):
            fail(f"visit {u.t} (epoch {u.epoch}, point {u.point + 1}), decision", got,
                 (v.point, v.mistake, v.prediction))
    for what in ("score", "step", "w", "b"):
        a, b = _column(fractions.visits, what), _column(floats.visits, what)
        scale = max(1.0, float(np.abs(a).max(initial=0.0)))
        off = ~np.isclose(a, b, rtol=RTOL, atol=RTOL * scale)
        if off.any():
            k = int(np.argwhere(off)[0][0])
            u = fractions.visits[k]
            fail(f"visit {u.t} (epoch {u.epoch}, point {u.point + 1}), {what}", a[k], b[k])
    for e, f in zip(fractions.epochs, floats.epochs):
        if (e.updates, e.errors) != (f.updates, f.errors):
            fail(f"epoch {e.number} (updates, errors)", (e.updates, e.errors), (f.updates, f.errors))
    if fractions.stopped_early != floats.stopped_early:
        fail("early stop", fractions.stopped_early, floats.stopped_early)


def _column(visits, name: str) -> np.ndarray:
    """One field of every visit as an array (n, or n x d for w), without a Python list per visit."""
    values = map(attrgetter(name), visits)
    if name != "w":
        return np.fromiter(values, dtype=float, count=len(visits))
    d = len(visits[0].w) if visits else 0
    return np.fromiter(chain.from_iterable(values), dtype=float, count=len(visits) * d).reshape(len(visits), d)


def _floats(values) -> np.ndarray:
    return np.array([float(v) for v in values])


# ------------------------------------------------------------------ symbols of the page

def _s(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def _x(i: int | str, j: int, d: int) -> sp.Symbol:
    """Coordinate j of point i (1-based; or "i" for any point), x_{ij} as in the notes; x_i for 1-D points."""
    if d == 1:
        return _s(f"x_{i}")
    return _s(f"x_{i}{j}" if len(str(i)) == 1 and j < 10 else f"x_{i},{j}")


def _w(j: int, d: int) -> sp.Symbol:
    return _s("w") if d == 1 else _s(f"w_{j}")


def _num(value) -> sp.Float:
    return sp.Float(float(value))


def _given(value) -> sp.Float:
    """A coordinate or rate the question states: shown as written (2, 0.1), not to the decimals."""
    return given_number(float(value))


def _int(value) -> sp.Integer:
    return sp.Integer(int(value))


def _score_formula(i: int | str, d: int) -> sp.Expr:
    terms = [sp.Mul(_w(j, d), _x(i, j, d), evaluate=False) for j in range(1, d + 1)]
    return sp.Add(*terms, _s("b"), evaluate=False)


def _score_numbers(w, b, x) -> sp.Expr:
    terms = [sp.Mul(_num(wj), _given(xj), evaluate=False) for wj, xj in zip(w, x)]
    return sp.Add(*terms, _num(b), evaluate=False)


def _score_symbol(p: Perceptron, i: int) -> sp.Expr:
    return sp.Function("f")(_s(f"x_{i}")) if p.rule == "hinge" else _s(f"z_{i}")


def _line_equation(w, b, d: int) -> sp.Expr:
    """w_1 x_1 + ... + b = 0 with the numbers in (terms of a zero weight left out)."""
    terms = [sp.Mul(_num(wj), _s(f"x_{j}") if d > 1 else _s("x"), evaluate=False)
             for j, wj in enumerate(w, start=1) if float(wj) != 0]
    if float(b) != 0 or not terms:
        terms.append(_num(b))
    lhs = sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
    return sp.Eq(lhs, 0, evaluate=False)


# ------------------------------------------------------------------ steps

def _rule_step(p: Perceptron) -> Step:
    negative, positive = p.classes
    if p.rule == "trick":
        # (y, y_hat, y - y_hat): correct twice, then the two mistakes, in the order of the notes
        cases = [(positive, positive), (negative, negative), (positive, negative), (negative, positive)]
        cases = [Case(y, yh, y - yh) for y, yh in cases]
    else:
        cases = []
    return Step("rule", StepKind.RULE, None, (), lambda v: None,
                info=RuleInfo(p, cases, _score_formula("i", p.d),
                              [Point(i + 1, tuple(float(v) for v in row), int(y))
                               for i, (row, y) in enumerate(zip(p.points, p.labels))]))


def _visit_row(p: Perceptron, v) -> VisitRow:
    label = int(p.labels[v.point])
    return VisitRow(t=v.t, i=v.point + 1, x=tuple(float(c) for c in p.points[v.point]), y=label,
                    score=float(v.score), yhat=v.prediction, margin=float(label * v.score),
                    mistake=v.mistake, step=float(v.step), w=tuple(float(c) for c in v.w), b=float(v.b))


def _worked(p: Perceptron, v, before_w, before_b) -> WorkedVisit:
    """One visit with the numbers put in: the score, and each update."""
    i, d = v.point + 1, p.d
    x = p.points[v.point]
    y = int(p.labels[v.point])
    out = WorkedVisit(t=v.t, i=i, lhs=_score_symbol(p, i), formula=_score_formula(i, d),
                      numbers=_score_numbers(before_w, before_b, x), score=float(v.score), y=y,
                      yhat=v.prediction, mistake=v.mistake, margin=float(y * v.score), updates=[])
    if not v.mistake:
        return out
    eta = _s("eta")
    if p.rule == "trick":
        factor = sp.Add(_s(f"y_{i}"), sp.Mul(-1, _s(f"yhat_{i}"), evaluate=False), evaluate=False)
        # y - y_hat with the numbers in; 1 - (-1) would print as "1 - -1", so that case shows its value, 2
        factor_numbers = _int(y - v.prediction) if v.prediction < 0 else \
            sp.Add(_int(y), sp.Mul(-1, _int(v.prediction), evaluate=False), evaluate=False)
    else:
        factor, factor_numbers = _s(f"y_{i}"), _int(y)
    lr = _given(p.learning_rate)
    targets = [(_w(j, d), before_w[j - 1], _x(i, j, d), x[j - 1], v.w[j - 1]) for j in range(1, d + 1)]
    for lhs, old, xs, xv, new in targets:
        out.updates.append(Update(
            lhs=lhs, formula=sp.Add(lhs, sp.Mul(eta, factor, xs, evaluate=False), evaluate=False),
            numbers=sp.Add(_num(old), sp.Mul(lr, factor_numbers, _given(xv), evaluate=False), evaluate=False),
            value=float(new)))
    b = _s("b")
    out.updates.append(Update(
        lhs=b, formula=sp.Add(b, sp.Mul(eta, factor, evaluate=False), evaluate=False),
        numbers=sp.Add(_num(before_b), sp.Mul(lr, factor_numbers, evaluate=False), evaluate=False),
        value=float(v.b)))
    return out


def _full_epochs(run: Run) -> int:
    """How many epochs are shown visit by visit: the first always, then while the rows fit."""
    shown, rows = 0, 0
    for e in run.epochs:
        size = sum(1 for v in run.visits if v.epoch == e.number)
        if shown and rows + size > FULL_VISIT_ROWS:
            break
        shown, rows = shown + 1, rows + size
    return shown


def _visit_steps(p: Perceptron, runs: Runs) -> list[Step]:
    run = runs.hand
    last = run.epochs[-1].number
    full = _full_epochs(run)
    steps = []
    w, b = tuple(p.w), p.b
    for e in run.epochs[:full]:
        visits = [v for v in run.visits if v.epoch == e.number]
        worked = []
        for v in visits:
            if e.number == 1 and len(worked) < WORKED_VISITS:
                worked.append(_worked(p, v, w, b))
            w, b = v.w, v.b
        info = EpochInfo(epoch=e.number, rows=[_visit_row(p, v) for v in visits], worked=worked,
                         unworked=len(visits) - len(worked) if e.number == 1 else 0,
                         order=[i + 1 for i in runs.orders[e.number - 1]] if p.order is not None else None,
                         updates=e.updates, errors=e.errors, last=last,
                         stopped_early=run.stopped_early and e.number == last, allowed=p.epochs,
                         rule=p.rule, classes=p.classes, d=p.d,
                         through=run.epochs[full - 1].number if e.number == 1 else None)
        # the epochs shown visit by visit are one step (one table by default; --detail full: one each)
        steps.append(Step(f"epoch{e.number}", StepKind.VISITS, None, (), lambda v: None, info=info,
                          part_of="epoch1" if e.number > 1 else None))
    rest = run.epochs[full:]
    if rest:
        listed, unlisted = rest[:SUMMARY_ROWS], rest[SUMMARY_ROWS:]
        info = EpochsSummaryInfo(
            first=rest[0].number, last_listed=listed[-1].number,
            rows=[EpochRow(e.number, e.updates, e.errors, tuple(float(c) for c in e.w), float(e.b))
                  for e in listed],
            unlisted=None if not unlisted else Unlisted(unlisted[0].number, unlisted[-1].number,
                                                        sum(e.updates for e in unlisted)),
            order=p.order, stopped_early=run.stopped_early, allowed=p.epochs,
            last=last, d=p.d, rule=p.rule)
        steps.append(Step("epochs_rest", StepKind.VISITS, None, (), lambda v: None, info=info))
    return steps


def _figure_step(p: Perceptron, run: Run) -> Step:
    negative, positive = p.classes
    series = []
    for group, label in enumerate((positive, negative)):
        mask = p.labels == label
        if mask.any():
            series.append(Series(f"y = {label:+d}" if p.classes == (-1, 1) else f"y = {label}",
                                 tuple(float(v) for v in p.points[mask, 0]),
                                 tuple(float(v) for v in p.points[mask, 1]), "points", group))
    lines = [(0, tuple(float(c) for c in p.w), float(p.b))]      # (epoch, w, b); epoch 0 is the start
    epochs = run.epochs
    thinned = len(epochs) > MAX_LINES - 1
    if thinned:
        picks = np.unique(np.linspace(0, len(epochs) - 1, MAX_LINES - 1).round().astype(int))
        epochs = tuple(epochs[k] for k in picks)
    lines += [(e.number, tuple(float(c) for c in e.w), float(e.b)) for e in epochs]
    kept: list[tuple[int, tuple, float]] = []
    for line in lines:            # an epoch without an update leaves the line where it was: draw it once
        if kept and kept[-1][1:] == line[1:] and kept[-1][0] != 0:
            kept[-1] = line
        elif not kept or kept[-1][1:] != line[1:]:
            kept.append(line)
    names = {k: ("start" if e == 0 else f"after epoch {e}") + (" (final)" if k == len(kept) - 1 else "")
             for k, (e, w, b) in enumerate(kept)}
    boundaries = tuple(Boundary(names[k], (w[0], w[1]), b, final=k == len(kept) - 1)
                       for k, (e, w, b) in enumerate(kept))
    xlim, ylim = _box(p.points[:, 0]), _box(p.points[:, 1])
    spans = (xlim[1] - xlim[0], ylim[1] - ylim[0])
    title = "The points and the line at the start and after " + ("some epochs" if thinned else "each epoch")
    chart = Chart("lines", title, "x1", "x2", series=tuple(series), boundaries=boundaries, xlim=xlim, ylim=ylim,
                  equal_axes=max(spans) / min(spans) <= 1.5)
    no_line = [e for e, w, b in kept if not any(w)]
    outside = [e for e, w, b in kept if any(w) and clip_line(w, b, xlim, ylim) is None]
    return Step("figure", StepKind.FIGURE, None, (), lambda v: None,
                info=LinesFigureInfo(chart, no_line=no_line, outside=outside, thinned=thinned))


def _box(values: np.ndarray) -> tuple[float, float]:
    """The range of the points with a margin, so that lines near them show."""
    lo, hi = float(values.min()), float(values.max())
    pad = max(0.15 * (hi - lo), 0.5)
    return (lo - pad, hi + pad)


def _result_steps(p: Perceptron, runs: Runs, decimals: int, carry: str) -> list[Step]:
    hand, exact_run = runs.hand, runs.exact
    as_written = (lambda v: round_fraction(v, decimals)) if carry == "rounded" else (lambda v: v)
    xs = [[exact(v) for v in row] for row in p.points]
    ys = [int(y) for y in p.labels]

    def final_w(values: Mapping[str, np.ndarray]) -> np.ndarray:
        return _floats(hand.w)

    def final_b(values: Mapping[str, np.ndarray]) -> float:
        return float(hand.b)

    def updates(values: Mapping[str, np.ndarray]) -> int:
        return hand.updates

    def errors(values: Mapping[str, np.ndarray]) -> int:
        """Misclassified points for the line (w_final, b_final), scores rounded as the run rounds them."""
        w = [exact(v) for v in np.atleast_1d(values["w_final"])]
        return count_errors(p.rule, xs, ys, p.classes, w, exact(float(values["b_final"])), as_written)

    rows, loss = [], Fraction(0)
    for i, (row, y) in enumerate(zip(xs, ys)):
        score = as_written(sum((wj * xj for wj, xj in zip(hand.w, row)), Fraction(0)) + hand.b)
        yhat = p.classes[1] if score >= 0 else p.classes[0]
        mistake = y * score <= 0 if p.rule == "hinge" else yhat != y
        loss += max(Fraction(0), -y * score)
        rows.append(PointRow(i=i + 1, x=tuple(float(v) for v in p.points[i]), y=y, score=float(score),
                             yhat=yhat, margin=float(y * score), mistake=bool(mistake)))
    if sum(r.mistake for r in rows) != hand.errors:
        raise CrossCheckError(f"perceptron errors_final: the run counts {hand.errors}, the final line "
                              f"{sum(r.mistake for r in rows)}")
    w_value = round_half_up(_floats(hand.w), decimals)
    b_value = round_half_up(float(hand.b), decimals)
    info = FinalLineInfo(equation=_line_equation(w_value, b_value, p.d), epochs_run=hand.epochs[-1].number,
                         allowed=p.epochs, stopped_early=hand.stopped_early, d=p.d, rule=p.rule,
                         updates=hand.updates)
    return [
        Step("w_final", StepKind.RESULT, None, (), final_w, value=w_value, exact=_floats(exact_run.w), info=info),
        Step("b_final", StepKind.RESULT, None, (), final_b, value=b_value, exact=float(exact_run.b),
             part_of="w_final"),
        Step("updates", StepKind.RESULT, None, (), updates, value=hand.updates, exact=exact_run.updates,
             part_of="w_final"),
        Step("errors_final", StepKind.RESULT, None, ("w_final", "b_final"), errors, value=hand.errors,
             exact=exact_run.errors,
             info=FinalErrorsInfo(rows=rows, rule=p.rule, classes=p.classes, d=p.d, n=p.n,
                                  loss=float(loss / p.n) if p.rule == "hinge" else None)),
    ]
