"""The training loop: epochs of mini-batch gradient descent, vectorized with NumPy.

What one run does (docs/train.md says the same for instructors):
- Each epoch visits every example once, in mini-batches of `size` examples taken in
  order; when `size` does not divide the number of examples, the last mini-batch of the
  epoch is smaller and is used as it is (its gradient combines its own examples under
  the reduction, so with `mean` it is divided by its own size).
- With a seed, the order is drawn afresh at the start of every epoch with
  `numpy.random.default_rng(seed).permutation(n)` (one generator per run, so runs that
  differ only in their batch size see the same orders). Full batch is not shuffled: the
  order of the examples does not change a full-batch gradient.
- An update computes every gradient at the current parameters, then moves the
  parameters named by `update` (the others keep their given values).
- The loss of an epoch is the loss over the whole training set, under the question's
  reduction, with the parameters at the end of the epoch; epoch 0 is the start.
- With a tolerance, the run stops after the first epoch whose loss differs from the
  previous epoch's by less than the tolerance.

With `decimals`, the run is done as a hand solution under `carry: rounded` does it: every
value computed (z, a, delta, dW, db, the new parameters, the loss) is rounded half up to
`decimals` places before it is used again, exactly as the backprop steps round theirs.
SymPy is for the steps shown; none of it runs here.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from ... import optimizers
from ...activations import ACTIVATIONS
from ...losses import LOSSES, REDUCTIONS
from ...model import Question
from ...numeric import through_activation
from ...rounding import round_fast, round_half_up
from ...tolerances import KINK_TOLERANCE, snap

SHOWN_ORDERS = 3         # the order of the first epochs is kept for the solution to show


@dataclass(frozen=True, eq=False)
class Run:
    size: int                           # examples per mini-batch
    losses: np.ndarray                  # [0] before training, [k] after epoch k
    weights: tuple[np.ndarray, ...]     # per layer, at the end of epoch `epochs_run`
    biases: tuple[np.ndarray, ...]
    first_batch: np.ndarray             # indices of the examples of the first mini-batch
    first_weights: tuple[np.ndarray, ...]   # after the first update
    first_biases: tuple[np.ndarray, ...]
    orders: tuple[np.ndarray, ...]      # the order of each of the first epochs (when shuffled)
    epochs_run: int                     # where the tolerance stopped the run, else every epoch
    stopped: bool                       # the tolerance stopped it before the last epoch
    history: np.ndarray | None = None   # (epochs + 1) x parameters: W1, b1, W2, b2, ... flattened

    @property
    def change(self) -> float:
        """How much the loss changed in the last epoch run."""
        k = self.epochs_run
        return abs(float(self.losses[k] - self.losses[k - 1]))


class Progress:
    """A bar on stderr while a long run goes: only on a terminal (nothing on a pipe or in a file),
    only once the run has taken DELAY seconds (a short run shows nothing), redrawn at most every
    REDRAW seconds, and wiped when the run ends."""
    DELAY, REDRAW, WIDTH = 1.0, 0.25, 30

    def __init__(self, label: str, total: int, stream=None):
        self.label, self.total = label, total
        self.stream = sys.stderr if stream is None else stream
        try:
            self.on = bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self.on = False
        self.start = time.monotonic()
        self.due = self.start + self.DELAY
        self.shown = False

    def __call__(self, done: int) -> None:
        if not self.on:
            return
        now = time.monotonic()
        if now < self.due:
            return
        self.due = now + self.REDRAW
        filled = self.WIDTH * done // max(self.total, 1)
        left = (now - self.start) * (self.total - done) / max(done, 1)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                          f"epoch {done:,}/{self.total:,}, about {left:.0f} s left ")
        self.stream.flush()
        self.shown = True

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """activations._sigmoid in fewer calls, the same numbers: with e = exp(-|z|), 1 / (1 + e)
    where z >= 0 (e is exp(-z)) and e / (1 + e) where z < 0 (e is exp(z))."""
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)
    top = np.where(z >= 0, 1.0, e)
    e += 1.0
    return np.divide(top, e, out=e)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def _linear(z: np.ndarray) -> np.ndarray:
    return z            # a fresh array of floats already (activations' forward copies it)


_FAST_FORWARD = {"sigmoid": _sigmoid, "tanh": _tanh, "linear": _linear}
_FAST_DERIVATIVE = {"sigmoid": lambda z, a: a * (1.0 - a), "tanh": lambda z, a: 1.0 - a * a}


def _generic_forward(act, alpha):
    f = act.forward
    return lambda z: f(z, alpha)


def _derivative(act, alpha):
    fast = _FAST_DERIVATIVE.get(act.name)
    if fast is not None:
        return fast
    f = act.derivative
    return lambda z, a: f(z, a, alpha)


def train(q: Question, size: int, epochs: int, shuffle: int | None = None, tolerance: float | None = None,
          decimals: int | None = None, history: bool = False, at_least: int = 0) -> Run:
    """Train the question's network on its data. `at_least`: keep going past the epoch where the
    tolerance stops the run, up to that many epochs (the returned parameters stay those of the
    stopping epoch): the exact run of a rounded hand run that stopped later needs its losses."""
    net, x, y = q.network, q.data.x, q.data.y
    n = x.shape[0]
    weights = [layer.weights.astype(float) for layer in net.layers]
    biases = [layer.biases.astype(float) for layer in net.layers]
    acts = [ACTIVATIONS[layer.activation] for layer in net.layers]
    loss, red, huber = LOSSES[q.loss], REDUCTIONS[q.reduction], q.huber_delta
    example_factor = float(red.example_factor)
    eta = q.learning_rate
    move_w = "weights" in q.update
    move_b = "biases" in q.update and net.bias
    full = size >= n
    rng = np.random.default_rng(shuffle) if shuffle is not None and not full else None
    # the optimizer (solver/optimizers.py): plain gradient descent keeps the loop of the notes as it was
    opt = q.optimizer
    plain = opt is None or opt.plain
    l2 = 0.0 if opt is None else float(opt.l2)
    moments_w: list[dict] = []
    moments_b: list[dict] = []
    steps_taken = [0 if opt is None else opt.t]
    if not plain:
        for l in range(len(net.layers)):
            moments_w.append({m: opt.before(f"{m}_W{l + 1}", weights[l]) for m in opt.optimizer.moments})
            moments_b.append({m: opt.before(f"{m}_b{l + 1}", biases[l]) for m in opt.optimizer.moments})

    def rnd(a):
        return a if decimals is None else round_fast(a, decimals)

    # Each call below is one NumPy call on a small matrix, where the call costs more than its
    # arithmetic: the functions are looked up once, and each step does what the generic helpers
    # (numeric.through_activation, tolerances.snap, activations' forward) do in as few calls,
    # with the same floating-point operations in the same order, so the numbers are the same.
    forwards = [_FAST_FORWARD.get(layer.activation) or _generic_forward(act, layer.alpha)
                for layer, act in zip(net.layers, acts)]
    derivatives = [None if not act.elementwise else _derivative(act, layer.alpha)
                   for layer, act in zip(net.layers, acts)]
    loss_value, loss_grad = loss.value, loss.grad
    scale_example = example_factor != 1.0        # 1.0 * x is x: the product is skipped
    layers = range(len(net.layers))
    factors: dict[int, float] = {}               # batch size -> the reduction's factor
    backwards = tuple(reversed(layers))

    def forward(xb):
        zs, outs = [], [xb]
        a = xb
        for l in layers:
            z = a @ weights[l].T
            z += biases[l]
            # z within the kink tolerance of 0 is 0, for every activation, as the steps and numeric.py
            # take it: a product of small givens (1e-9 x 0.3) would else part the two computations.
            if np.abs(z).min(initial=np.inf) < KINK_TOLERANCE:
                z = snap(z)
            if decimals is not None:
                z = round_fast(z, decimals)
            a = forwards[l](z)
            if decimals is not None:
                a = round_fast(a, decimals)
            zs.append(z)
            outs.append(a)
        return zs, outs

    def factor(size: int) -> float:
        m = factors.get(size)
        if m is None:
            m = factors[size] = float(red.batch_factor(size))
        return m

    def loss_of(outs, yb):
        ells = loss_value(yb, outs[-1], huber).sum(axis=1)
        if scale_example:
            ells = example_factor * ells
        value = factor(len(ells)) * float(ells.sum())
        if l2:
            value += l2 / 2 * sum(float((w * w).sum()) for w in weights)
        return value if decimals is None else round_half_up(value, decimals)

    def update(zs, outs, yb):
        m = factor(len(yb))
        grad_a = loss_grad(yb, outs[-1], huber)
        if scale_example:
            grad_a = example_factor * grad_a
        new_w, new_b = list(weights), list(biases)
        for l in backwards:
            derivative = derivatives[l]
            if derivative is None:          # softmax: its Jacobian
                delta = through_activation(net.layers[l], grad_a, zs[l], outs[l + 1])
            else:
                delta = grad_a * derivative(zs[l], outs[l + 1])
            if decimals is not None:
                delta = round_fast(delta, decimals)
            if l > 0:
                grad_a = delta @ weights[l]
            if plain:
                if move_w:
                    new_w[l] = rnd(weights[l] - eta * rnd(m * delta.T @ outs[l]))
                if move_b:
                    new_b[l] = rnd(biases[l] - eta * rnd(m * delta.sum(axis=0)))
                continue
            if move_w:
                g = rnd(m * delta.T @ outs[l] + l2 * weights[l]) if l2 else rnd(m * delta.T @ outs[l])
                new_w[l] = step(weights[l], g, moments_w, l)
            if move_b:
                new_b[l] = step(biases[l], rnd(m * delta.sum(axis=0)), moments_b, l)
        weights[:], biases[:] = new_w, new_b

    def step(theta, g, moments, l):
        """One parameter's update by the optimizer; its moments are carried (rounded) to the next."""
        t = steps_taken[0] + 1
        after = {k: rnd(v) for k, v in optimizers.moments(opt, g, moments[l], t).items()}
        moments[l] = after
        return rnd(optimizers.new_value(opt, eta, theta, g, after, t))

    def counted_update(zs, outs, yb):
        update(zs, outs, yb)
        steps_taken[0] += 1

    do_update = update if plain else counted_update

    def snapshot():
        return np.concatenate([p.ravel() for w, b in zip(weights, biases)
                               for p in ((w, b) if net.bias else (w,))])

    losses = np.empty(epochs + 1)
    kept = [snapshot()] if history else None
    orders: list[np.ndarray] = []
    first = None
    final = None
    epochs_run, stopped, epoch = epochs, False, 0
    progress = Progress(f"training {q.id} ({'full batch' if full else f'batch {size}'}"
                        f"{', as rounded' if decimals is not None else ''})", len(losses) - 1)
    with progress, np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        try:
            cached = forward(x)
            losses[0] = loss_of(cached[1], y)
            for epoch in range(1, len(losses)):
                if full:
                    do_update(*cached, y)
                    order = None
                else:
                    order = rng.permutation(n) if rng is not None else np.arange(n)
                    if rng is not None and len(orders) < SHOWN_ORDERS:
                        orders.append(order)
                    # the epoch's examples in its order once, then each mini-batch a slice of them
                    xs, ys = (x[order], y[order]) if rng is not None else (x, y)
                    for start in range(0, n, size):
                        do_update(*forward(xs[start:start + size]), ys[start:start + size])
                        if first is None:
                            first = (order[start:start + size], tuple(weights), tuple(biases))
                if first is None:
                    first = (np.arange(n), tuple(weights), tuple(biases))
                cached = forward(x)
                losses[epoch] = loss_of(cached[1], y)
                if history and epoch <= epochs_run:
                    kept.append(snapshot())
                progress(epoch)
                if final is None and (epoch == epochs or (tolerance is not None and not stopped and
                                                          abs(losses[epoch] - losses[epoch - 1]) < tolerance)):
                    epochs_run, stopped = epoch, epoch < epochs
                    final = (tuple(weights), tuple(biases))
                    if epoch >= at_least:
                        break
        except FloatingPointError as exc:
            where = f"epoch {epoch} (batch {size})"
            if "overflow" in str(exc):
                raise ArithmeticError(f"training diverges in {where}: the numbers overflow; use a smaller "
                                      "learning_rate") from None
            raise ArithmeticError(f"in {where} an output reaches exactly 0 or 1 ({exc})") from None
    return Run(size, losses[:max(epochs_run, min(at_least, epochs)) + 1], final[0], final[1], first[0],
               first[1], first[2], tuple(orders), epochs_run, stopped,
               np.array(kept) if history else None)
