"""`train` questions: epochs of gradient descent, worked first update, table and curve.

The steps: the training set and how the run goes (TRAINING); the first update worked in
full, as the backprop steps of the first mini-batch (when it has at most
registry.MAX_EXAMPLES examples); then one EPOCHS step that shows the table of the epochs,
the convergence, the loss curve and the final parameters. Its rows are the answer steps
`loss_epoch<k>` (EPOCH_LOSS), `W<l>_final`, `b<l>_final` and `epochs_run` (RESULT), each
`part_of` the EPOCHS step. With several batch settings, every answer key of the epochs is
prefixed by its setting (`full_`, `sgd_`, `mb<size>_`); the worked first update is that
of the first setting listed and keeps the plain backprop keys (`z1`, ..., `W1_new`).

The epochs run in run.py, beside this module (NumPy). Each run is checked against two other
computations: its first update against the backprop steps (the SymPy-derived path) or,
for a first batch too large to show, against solver/numeric.py's backward pass; its
losses at the start and at the end against numeric.py's forward pass.
"""
from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from ... import numeric
from ...errors import CrossCheckError
from .fields import BatchSetting, Train
from ...figures import Chart, Series
from ...model import Data, Network, Question
from ...network_diagram import diagram_step
from ..registry import MAX_EXAMPLES
from ...steps import Step, StepKind
from ...symbols import sym
from ...tolerances import ATOL, RTOL
from .run import Run, round_fast, train
from ... import optimizers
from ..network.steps import as_backprop, solve_network_question

MAX_TABLE_PARAMETERS = 9    # a row of epoch, loss and nine parameters still fits a page
ALL_ROWS = 20               # up to this many epochs, the table has every one
FIRST_ROWS = 10             # past it: the first ten, every k-th, and the last
THINNED_ROWS = 12           # about this many rows after the first ten
MAX_DATA_ROWS = 20          # the training set is listed up to this many examples


@dataclasses.dataclass(frozen=True, eq=False)
class Trained:
    """One batch setting trained: the run shown (rounded as a hand solution rounds) and the exact run."""
    setting: BatchSetting
    prefix: str
    shown: Run
    exact: Run
    decimals: int

    def value(self, arr):
        """What the solution shows: the shown run's numbers at the question's decimals."""
        return round_fast(np.asarray(arr, dtype=float), self.decimals)

    @property
    def losses(self) -> np.ndarray:
        return self.value(self.shown.losses[:self.shown.epochs_run + 1])


# ------------------------------------------------------------------ what each step's template reads

@dataclasses.dataclass(frozen=True, eq=False)
class SettingInfo:
    """One batch setting as the text describes it, and how its run ended."""
    label: str
    name: str
    prefix: str                 # of its answer keys
    size: int
    full: bool
    updates: int                # per epoch
    last_batch: int             # examples in a short last mini-batch (0: none)
    epochs_run: int
    stopped: bool
    change: float               # the loss change of the last epoch, to two figures
    run_key: str | None         # the epochs_run answer key (with a tolerance)
    finals: list[tuple[str, int, str]]   # (param, layer, answer key) of the final parameters


@dataclasses.dataclass(frozen=True, eq=False)
class FirstUpdate:
    """The first update, worked in full by the backprop steps (`worked`) or too large to be."""
    worked: bool
    examples: list[int]         # its mini-batch (1-based)
    label: str
    compared: bool
    limit: int


@dataclasses.dataclass(frozen=True, eq=False)
class TrainingInfo:
    """TRAINING: the training set (the first rows: (example, x, y)), the start, how the epochs run."""
    values: dict[str, np.ndarray]
    n: int
    rows: list[tuple]
    outputs: int
    labels: bool
    settings: list[SettingInfo]
    epochs: int
    tolerance: float | None
    shuffle: int | None
    orders: list[list[int]]
    loss: str
    reduction: str
    learning_rate: float
    update: tuple[str, ...]
    bias: bool
    carry: str
    first: FirstUpdate


@dataclasses.dataclass(frozen=True)
class EpochTableRow:
    """A row of the table of epochs: the loss of each setting (None past its stop) and the
    parameters of the first setting (None when the table has no parameter columns)."""
    epoch: int
    losses: list[float | None]
    params: list[float] | None


@dataclasses.dataclass(frozen=True, eq=False)
class EpochsInfo:
    """EPOCHS: the table (every `every`-th epoch past the first ten), the parameters in its
    columns, the settings and the loss curve."""
    rows: list[EpochTableRow]
    columns: list
    every: int | None
    last: int
    settings: list[SettingInfo]
    chart: Chart
    tolerance: float | None
    epochs: int
    reduction: str
    update: tuple[str, ...]
    bias: bool


@dataclasses.dataclass(frozen=True, eq=False)
class EpochLossInfo:
    """EPOCH_LOSS: the epoch and the batch setting (its name)."""
    epoch: int
    setting: str


@dataclasses.dataclass(frozen=True, eq=False)
class TrainResultInfo:
    """RESULT: what the value is, "W" or "b" (after training) or "epochs_run", and of which setting."""
    param: str
    setting: str


def solve(q: Question) -> list[Step]:
    spec: Train = q.spec
    names = _parameter_symbols(q)
    history = not spec.compared and len(names) <= MAX_TABLE_PARAMETERS
    runs = [_train(q, s, history) for s in spec.batches]
    first = _first_update(q, runs[0])
    for t in runs:
        _cross_check(q, t)
    steps = [_training_step(q, runs, bool(first)), diagram_step(q.network)] + first \
        + [_epochs_step(q, runs, names if history else ())]
    for t in runs:
        steps += _answer_steps(q, t)
    return steps


# ------------------------------------------------------------------ runs

def _train(q: Question, setting: BatchSetting, history: bool) -> Trained:
    spec: Train = q.spec
    d = q.display.decimals
    args = (q, setting.size, spec.epochs, spec.shuffle, spec.tolerance)
    if q.display.carry == "rounded":
        shown = train(*args, decimals=d, history=history)
        exact = train(*args, at_least=shown.epochs_run)
    else:
        exact = shown = train(*args, history=history)
    return Trained(setting, spec.prefix(setting), shown, exact, d)


def _parameter_symbols(q: Question) -> list:
    """The trained parameters in the order of a run's history: W1 row by row, b1, W2, b2, ..."""
    out = []
    for l, layer in enumerate(q.network.layers, start=1):
        if "weights" in q.update:
            out += [sym("W", l, i + 1, j + 1) for i in range(layer.weights.shape[0])
                    for j in range(layer.weights.shape[1])]
        if "biases" in q.update and q.network.bias:
            out += [sym("b", l, i + 1) for i in range(layer.units)]
    return out


def _trained_columns(q: Question) -> np.ndarray:
    """Which columns of a run's history (every parameter) are trained ones."""
    keep = []
    for layer in q.network.layers:
        keep += ["weights" in q.update] * layer.weights.size
        if q.network.bias:
            keep += ["biases" in q.update] * layer.units
    return np.array(keep, dtype=bool)


def _with(q: Question, weights, biases) -> Network:
    layers = tuple(dataclasses.replace(layer, weights=w, biases=b)
                   for layer, w, b in zip(q.network.layers, weights, biases))
    return dataclasses.replace(q.network, layers=layers)


def _batch_data(q: Question, idx: np.ndarray) -> Data:
    labels = q.data.labels[idx] if q.data.labels is not None else None
    return Data(q.data.x[idx], q.data.y[idx], labels)


# ------------------------------------------------------------------ checks

def _same(name: str, a, b, atol: float = ATOL, rtol: float = RTOL) -> None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not np.allclose(a, b, rtol=rtol, atol=atol):
        raise CrossCheckError(f"{name}: the two computations disagree:\n{a}\nversus\n{b}")


def _first_update(q: Question, t: Trained) -> list[Step]:
    """The backprop steps of the first mini-batch of the first setting, checked against the run."""
    idx = t.exact.first_batch
    if len(idx) > MAX_EXAMPLES:
        return []
    bq = as_backprop(q, data=_batch_data(q, idx), spec=None)
    steps, _, exact = solve_network_question(bq)
    shown = {s.key: s.value for s in steps}
    half = 0.5 * 10.0 ** -q.display.decimals
    for l in range(1, len(q.network.layers) + 1):
        for key, run_exact, run_shown in ((f"W{l}_new", t.exact.first_weights, t.shown.first_weights),
                                          (f"b{l}_new", t.exact.first_biases, t.shown.first_biases)):
            if key in exact:
                _same(f"{key} (training loop vs backprop steps)", run_exact[l - 1], exact[key])
                # the hand runs round the same values in the same order; only a tie could part them
                _same(f"{key} shown (training loop vs backprop steps)", t.value(run_shown[l - 1]),
                      shown[key], atol=2 * half + 1e-12, rtol=0)
    # the training step shows the givens, and the network is drawn once, after it
    return [s for s in steps if s.kind not in (StepKind.GIVEN, StepKind.FIGURE)]


def _optimizer_step(q: Question, name: str, theta, g):
    """The first update of one parameter by the question's optimizer, from its state in the file."""
    opt = q.optimizer
    before = {m: opt.before(f"{m}_{name}", theta) for m in opt.optimizer.moments}
    after = optimizers.moments(opt, g, before, opt.t + 1)
    return optimizers.new_value(opt, q.learning_rate, theta, g, after, opt.t + 1)


def _cross_check(q: Question, t: Trained) -> None:
    """The run against numeric.py: its first update, its loss at the start and at the end."""
    run = t.exact
    batch = _batch_data(q, run.first_batch)
    net = q.network
    back = numeric.backward(net, numeric.forward(net, batch.x), batch.y, q.loss, q.reduction, q.huber_delta)
    opt = q.optimizer
    l2 = 0.0 if opt is None else float(opt.l2)
    for l, layer in enumerate(net.layers):
        if opt is None or opt.plain:
            w = layer.weights - q.learning_rate * back.dW[l] if "weights" in q.update else layer.weights
            b = layer.biases - q.learning_rate * back.db[l] if "biases" in q.update and net.bias else layer.biases
        else:
            w, b = layer.weights, layer.biases
            if "weights" in q.update:
                w = _optimizer_step(q, f"W{l + 1}", layer.weights, back.dW[l] + l2 * layer.weights)
            if "biases" in q.update and net.bias:
                b = _optimizer_step(q, f"b{l + 1}", layer.biases, back.db[l])
        _same(f"W{l + 1} after the first update (training loop vs numeric)", run.first_weights[l], w)
        _same(f"b{l + 1} after the first update (training loop vs numeric)", run.first_biases[l], b)

    def loss(network):
        decay = l2 / 2 * sum(float((layer.weights ** 2).sum()) for layer in network.layers)
        return numeric.loss_of_parameters(network, q.data.x, q.data.y, q.loss, q.reduction, q.huber_delta) + decay

    _same("loss at the start (training loop vs numeric)", run.losses[0], loss(net))
    _same(f"loss after epoch {run.epochs_run} (training loop vs numeric)", run.losses[run.epochs_run],
          loss(_with(q, run.weights, run.biases)))


# ------------------------------------------------------------------ steps

def _setting_info(q: Question, t: Trained) -> SettingInfo:
    n, s = q.data.n, t.setting
    return SettingInfo(label=s.label, name=s.name, prefix=t.prefix, size=s.size, full=s.full,
                       updates=s.updates_per_epoch(n), last_batch=n % s.size if not s.full else 0,
                       epochs_run=t.shown.epochs_run, stopped=t.shown.stopped,
                       change=_two_figures(abs(float(t.losses[-1] - t.losses[-2]))) if t.shown.epochs_run else 0.0,
                       run_key=f"{t.prefix}epochs_run" if q.spec.tolerance is not None else None,
                       finals=_final_keys(q, t.prefix))


def _two_figures(v: float) -> float:
    """A small difference as a sentence gives it: two significant figures."""
    if v == 0:
        return 0.0
    return float(f"{v:.2g}")


def _final_keys(q: Question, prefix: str) -> list[tuple[str, int, str]]:
    out = []
    for l in range(1, len(q.network.layers) + 1):
        out.append(("W", l, f"{prefix}W{l}_final"))
        if q.network.bias and "biases" in q.update:
            out.append(("b", l, f"{prefix}b{l}_final"))
    return out


def _training_step(q: Question, runs: list[Trained], worked: bool) -> Step:
    spec: Train = q.spec
    data, net = q.data, q.network
    values = {}
    for l, layer in enumerate(net.layers, start=1):
        values[f"W{l}"], values[f"b{l}"] = layer.weights, layer.biases
    shuffled = next((t for t in runs if t.shown.orders), None)
    orders = [[int(i) + 1 for i in order] for order in shuffled.shown.orders] if shuffled else []
    first = runs[0]
    targets = data.labels[:, None] if data.labels is not None else data.y
    info = TrainingInfo(
        values=values, n=data.n, rows=[(e + 1, data.x[e], targets[e]) for e in range(min(data.n, MAX_DATA_ROWS))],
        outputs=targets.shape[1], labels=data.labels is not None,
        settings=[_setting_info(q, t) for t in runs], epochs=spec.epochs, tolerance=spec.tolerance,
        shuffle=spec.shuffle, orders=orders, loss=q.loss, reduction=q.reduction,
        learning_rate=q.learning_rate, update=q.update, bias=net.bias, carry=q.display.carry,
        first=FirstUpdate(worked=worked, examples=[int(i) + 1 for i in first.shown.first_batch],
                          label=first.setting.label, compared=spec.compared, limit=MAX_EXAMPLES),
    )
    return Step("training", StepKind.TRAINING, None, (), lambda v: None, info=info)


def table_epochs(last: int) -> tuple[list[int], int | None]:
    """The epochs the table shows: all of them up to ALL_ROWS, else the first FIRST_ROWS, every
    k-th (k a round number) and the last. Returns the epochs and k (None when all are shown)."""
    if last <= ALL_ROWS:
        return list(range(last + 1)), None
    step = _round_up((last - FIRST_ROWS) / THINNED_ROWS)
    rows = list(range(FIRST_ROWS + 1)) + list(range(step * (FIRST_ROWS // step + 1), last, step))
    return rows + [last], step


def _round_up(x: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at least x."""
    power = 10 ** max(0, math.floor(math.log10(max(x, 1))))
    for m in (1, 2, 5, 10):
        if m * power >= x:
            return m * power
    return 10 * power


def _epochs_step(q: Question, runs: list[Trained], names) -> Step:
    spec: Train = q.spec
    last = max(t.shown.epochs_run for t in runs)
    epochs, every = table_epochs(last)
    epochs = sorted(set(epochs) | {t.shown.epochs_run for t in runs})
    keep = _trained_columns(q)
    rows = []
    for k in epochs:
        losses = [float(t.losses[k]) if k <= t.shown.epochs_run else None for t in runs]
        params = [float(v) for v in runs[0].value(runs[0].shown.history[k][keep])] if names else None
        rows.append(EpochTableRow(k, losses, params))
    series = tuple(Series(t.setting.label, tuple(float(k) for k in range(len(t.losses))),
                          tuple(float(v) for v in t.losses), group=i) for i, t in enumerate(runs))
    ys = [v for t in runs for v in t.losses]
    log_y = min(ys) > 0 and max(ys) / min(ys) > 100
    chart = Chart("loss-curve", "Loss per epoch" + (", batch settings compared" if spec.compared else ""),
                  "epoch", f"loss L ({q.reduction.replace('_', ' ')})" + (", log scale" if log_y else ""),
                  series, log_y=log_y)
    info = EpochsInfo(rows=rows, columns=list(names), every=every, last=last,
                      settings=[_setting_info(q, t) for t in runs], chart=chart, tolerance=spec.tolerance,
                      epochs=spec.epochs, reduction=q.reduction, update=q.update, bias=q.network.bias)
    return Step("epochs", StepKind.EPOCHS, None, (), lambda v: None, info=info)


def _answer_steps(q: Question, t: Trained) -> list[Step]:
    """loss_epoch<k>, W<l>_final, b<l>_final and epochs_run of one setting: rows of the EPOCHS step."""
    spec: Train = q.spec
    p = t.prefix
    # The checker recomputes these from the givens alone (they have no answer inputs): the run
    # is done again, once, when first asked.
    rerun = functools.cache(lambda: _train(q, t.setting, False))
    steps = []
    for k in range(1, t.shown.epochs_run + 1):
        steps.append(Step(f"{p}loss_epoch{k}", StepKind.EPOCH_LOSS, None, (),
                          lambda v, k=k: float(rerun().losses[k]),
                          value=float(t.losses[k]), exact=float(t.exact.losses[k]),
                          info=EpochLossInfo(k, t.setting.name), part_of="epochs"))
    for param, l, key in _final_keys(q, p):
        which = "weights" if param == "W" else "biases"
        steps.append(Step(key, StepKind.RESULT, l, (),
                          lambda v, l=l, which=which: rerun().value(getattr(rerun().shown, which)[l - 1]),
                          value=t.value(getattr(t.shown, which)[l - 1]),
                          exact=np.asarray(getattr(t.exact, which)[l - 1], dtype=float),
                          info=TrainResultInfo(param, t.setting.name), part_of="epochs"))
    if spec.tolerance is not None:
        keys = tuple(f"{p}loss_epoch{k}" for k in range(1, t.shown.epochs_run + 1))
        steps.append(Step(f"{p}epochs_run", StepKind.RESULT, None, keys,
                          functools.partial(_epochs_run, start=float(t.losses[0]), keys=keys,
                                            tolerance=spec.tolerance),
                          value=int(t.shown.epochs_run), exact=int(t.exact.epochs_run),
                          info=TrainResultInfo("epochs_run", t.setting.name), part_of="epochs"))
    return steps


def _epochs_run(values, start: float, keys: tuple[str, ...], tolerance: float) -> int:
    """The stopping rule applied to given losses: the first epoch whose loss moved by less than
    the tolerance; the last epoch given when none did."""
    previous = start
    for k, key in enumerate(keys, start=1):
        current = float(np.asarray(values[key]))
        if abs(current - previous) < tolerance:
            return k
        previous = current
    return len(keys)
