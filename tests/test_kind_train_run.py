"""The training loop (solver/kinds/train/run.py) against calculations written differently:
a plain per-example Python loop (math and lists, no NumPy), finite differences,
hand-checked numbers from the seed notes, and repeated backprop steps (hypothesis)."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.kinds.network.steps import solve_network_question
from solver.model import Data, Layer, Network, Question
from solver.kinds.train.run import train

# ---------------------------------------------------------------- a plain reference

PLAIN_ACT = {
    "sigmoid": (lambda z: 1 / (1 + math.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (math.tanh, lambda z, a: 1 - a * a),
    "linear": (lambda z: z, lambda z, a: 1.0),
    "relu": (lambda z: z if z > 0 else 0.0, lambda z, a: 1.0 if z > 0 else 0.0),
}
PLAIN_LOSS = {   # per output element: value, d/d yhat
    "mse": (lambda y, p: (y - p) ** 2, lambda y, p: -2 * (y - p)),
    "bce": (lambda y, p: -(y * math.log(p) + (1 - y) * math.log(1 - p)), lambda y, p: (p - y) / (p * (1 - p))),
}
HALF = {"mean": False, "sum": False, "half_sum": True, "half_mean": True}
MEAN = {"mean": True, "sum": False, "half_sum": False, "half_mean": True}


def plain_forward(Ws, bs, acts, x):
    outs, zs = [list(x)], []
    for W, b, act in zip(Ws, bs, acts):
        z = [sum(W[j][i] * outs[-1][i] for i in range(len(outs[-1]))) + b[j] for j in range(len(W))]
        zs.append(z)
        outs.append([PLAIN_ACT[act][0](v) for v in z])
    return zs, outs


def plain_loss(Ws, bs, acts, xs, ys, loss, reduction):
    total = 0.0
    for x, y in zip(xs, ys):
        p = plain_forward(Ws, bs, acts, x)[1][-1]
        ell = sum(PLAIN_LOSS[loss][0](t, q) for t, q in zip(y, p))
        total += ell / 2 if HALF[reduction] else ell
    return total / len(xs) if MEAN[reduction] else total


def plain_gradients(Ws, bs, acts, xs, ys, loss, reduction):
    """Sum of per-example gradients, each by the chain rule written unit by unit."""
    gW = [[[0.0] * len(row) for row in W] for W in Ws]
    gb = [[0.0] * len(b) for b in bs]
    for x, y in zip(xs, ys):
        zs, outs = plain_forward(Ws, bs, acts, x)
        scale = 0.5 if HALF[reduction] else 1.0
        d_out = [scale * PLAIN_LOSS[loss][1](t, q) for t, q in zip(y, outs[-1])]
        for l in reversed(range(len(Ws))):
            delta = [d_out[j] * PLAIN_ACT[acts[l]][1](zs[l][j], outs[l + 1][j]) for j in range(len(d_out))]
            for j in range(len(delta)):
                gb[l][j] += delta[j]
                for i in range(len(outs[l])):
                    gW[l][j][i] += delta[j] * outs[l][i]
            d_out = [sum(Ws[l][j][i] * delta[j] for j in range(len(delta))) for i in range(len(outs[l]))]
    m = 1 / len(xs) if MEAN[reduction] else 1.0
    return [[[m * v for v in row] for row in W] for W in gW], [[m * v for v in b] for b in gb]


def plain_train(Ws, bs, acts, xs, ys, loss, reduction, eta, epochs, size, seed=None):
    Ws = [[list(row) for row in W] for W in Ws]
    bs = [list(b) for b in bs]
    n = len(xs)
    rng = np.random.default_rng(seed) if seed is not None and size < n else None
    losses = [plain_loss(Ws, bs, acts, xs, ys, loss, reduction)]
    for _ in range(epochs):
        order = [int(i) for i in rng.permutation(n)] if rng is not None else list(range(n))
        for start in range(0, n, size):
            batch = order[start:start + size]
            gW, gb = plain_gradients(Ws, bs, acts, [xs[e] for e in batch], [ys[e] for e in batch], loss, reduction)
            Ws = [[[w - eta * g for w, g in zip(row, grow)] for row, grow in zip(W, G)] for W, G in zip(Ws, gW)]
            bs = [[v - eta * g for v, g in zip(b, G)] for b, G in zip(bs, gb)]
        losses.append(plain_loss(Ws, bs, acts, xs, ys, loss, reduction))
    return Ws, bs, losses


# ---------------------------------------------------------------- questions

def question(sizes, acts, x, y, loss="mse", reduction="mean", eta=0.1, seed=0, update=("weights", "biases")):
    rng = np.random.default_rng(seed)
    layers = tuple(Layer(sizes[i + 1], acts[i], rng.uniform(-1, 1, (sizes[i + 1], sizes[i])),
                         rng.uniform(-0.5, 0.5, sizes[i + 1])) for i in range(len(sizes) - 1))
    net = Network(tuple(f"x{i + 1}" for i in range(sizes[0])), layers)
    return Question("q", "train", None, net, Data(np.array(x, float), np.array(y, float)), loss, reduction,
                    learning_rate=eta, update=update)


XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2]]
XOR_Y = [[0], [1], [1], [0], [1]]


def arrays_of(q):
    return ([l.weights.tolist() for l in q.network.layers], [l.biases.tolist() for l in q.network.layers],
            [l.activation for l in q.network.layers])


@pytest.mark.parametrize("acts, loss, reduction, size, seed", [
    (("sigmoid", "sigmoid"), "bce", "mean", 5, None),
    (("sigmoid", "sigmoid"), "bce", "mean", 1, None),
    (("tanh", "sigmoid"), "bce", "sum", 2, 11),         # a last mini-batch of 1 example
    (("relu", "linear"), "mse", "half_mean", 3, 4),
    (("tanh", "linear"), "mse", "half_sum", 4, None),
    (("linear", "linear"), "mse", "mean", 5, 3),        # full batch: a seed changes nothing
])
def test_the_loop_equals_a_plain_per_example_loop(acts, loss, reduction, size, seed):
    q = question((2, 3, 1), acts, XOR_X, XOR_Y, loss, reduction, eta=0.3)
    run = train(q, size, 7, shuffle=seed)
    Ws, bs, losses = plain_train(*arrays_of(q), XOR_X, XOR_Y, loss, reduction, 0.3, 7, size, seed)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-10, atol=1e-12)
    for l in range(2):
        np.testing.assert_allclose(run.weights[l], Ws[l], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(run.biases[l], bs[l], rtol=1e-10, atol=1e-12)


def test_the_first_gradient_matches_finite_differences():
    q = question((2, 3, 2, 1), ("tanh", "sigmoid", "sigmoid"), XOR_X, XOR_Y, "bce", "mean", eta=0.5, seed=3)
    run = train(q, 2, 1)
    batch = run.first_batch
    xs = [XOR_X[e] for e in batch]
    ys = [XOR_Y[e] for e in batch]
    Ws, bs, acts = arrays_of(q)
    h = 1e-6
    for l in range(3):
        grad = (q.network.layers[l].weights - run.first_weights[l]) / 0.5
        for j, i in np.ndindex(grad.shape):
            up = [[list(r) for r in W] for W in Ws]
            down = [[list(r) for r in W] for W in Ws]
            up[l][j][i] += h
            down[l][j][i] -= h
            fd = (plain_loss(up, bs, acts, xs, ys, "bce", "mean") - plain_loss(down, bs, acts, xs, ys, "bce", "mean")) / (2 * h)
            assert grad[j, i] == pytest.approx(fd, rel=1e-5, abs=1e-8)


def test_seed_regression_by_hand():
    """The seed notes' 2-2-1 linear network, w = 1, b = 0, row (cgpa 8, resume 8) -> 4, squared error:
    y_hat = 2 (8 + 8) = 32, dL/dy_hat = -2 (4 - 32) = 56; every first-layer weight gets 56 * 1 * 8 = 448."""
    q = question((2, 2, 1), ("linear", "linear"), [[8, 8]], [[4]], "mse", "sum", eta=0.001)
    q = dataclasses.replace(q, network=dataclasses.replace(q.network, layers=tuple(
        dataclasses.replace(l, weights=np.ones_like(l.weights), biases=np.zeros_like(l.biases))
        for l in q.network.layers)))
    run = train(q, 1, 1)
    assert run.losses[0] == 784.0                     # (4 - 32)^2
    np.testing.assert_allclose(run.first_weights[0], np.full((2, 2), 1 - 0.001 * 448))
    np.testing.assert_allclose(run.first_biases[0], np.full(2, -0.056))
    np.testing.assert_allclose(run.first_weights[1], np.full((1, 2), 1 - 0.001 * 56 * 16))
    np.testing.assert_allclose(run.first_biases[1], [-0.056])


def test_update_weights_only_keeps_the_biases():
    q = question((2, 2, 1), ("sigmoid", "sigmoid"), XOR_X, XOR_Y, "bce", update=("weights",))
    run = train(q, 2, 5)
    for layer, b in zip(q.network.layers, run.biases):
        np.testing.assert_array_equal(b, layer.biases)
    assert not np.allclose(run.weights[0], q.network.layers[0].weights)


def test_tolerance_stops_at_the_first_small_change():
    q = question((2, 2, 1), ("sigmoid", "sigmoid"), XOR_X, [[0], [1], [1], [1], [1]], "bce", eta=0.5)
    full = train(q, 5, 400)
    tol = 1e-3
    changes = np.abs(np.diff(full.losses))
    expected = int(np.argmax(changes < tol)) + 1
    run = train(q, 5, 400, tolerance=tol)
    assert run.stopped and run.epochs_run == expected > 3
    np.testing.assert_array_equal(run.losses, full.losses[:expected + 1])
    assert run.change < tol <= abs(run.losses[-2] - run.losses[-3])


def test_at_least_keeps_the_losses_but_not_the_parameters():
    q = question((2, 2, 1), ("sigmoid", "sigmoid"), XOR_X, XOR_Y, "bce", eta=0.5)
    stop = train(q, 5, 400, tolerance=1e-3)
    longer = train(q, 5, 400, tolerance=1e-3, at_least=stop.epochs_run + 10)
    assert longer.epochs_run == stop.epochs_run and len(longer.losses) == stop.epochs_run + 11
    np.testing.assert_array_equal(longer.weights[0], stop.weights[0])


def test_shuffled_orders_are_numpy_permutations_per_epoch():
    q = question((2, 2, 1), ("sigmoid", "sigmoid"), XOR_X, XOR_Y, "bce")
    run = train(q, 2, 4, shuffle=42)
    rng = np.random.default_rng(42)
    expected = [rng.permutation(5) for _ in range(3)]
    assert [o.tolist() for o in run.orders] == [o.tolist() for o in expected]
    assert run.first_batch.tolist() == expected[0][:2].tolist()


def test_divergence_is_an_arithmetic_error_that_says_so():
    q = question((2, 2, 1), ("linear", "linear"), [[80, 8], [60, 3.5]], [[3], [4]], "mse", "sum", eta=1.0)
    with pytest.raises(ArithmeticError, match="training diverges in epoch .*use a smaller learning_rate"):
        train(q, 1, 1000)


def test_rounded_runs_round_every_value_they_carry():
    q = question((2, 2, 1), ("sigmoid", "sigmoid"), XOR_X, XOR_Y, "bce")
    run = train(q, 2, 3, decimals=3, history=True)
    np.testing.assert_array_equal(run.history[1:], np.round(run.history[1:], 3))   # row 0: as given
    np.testing.assert_array_equal(run.losses, np.round(run.losses, 3))


# ---------------------------------------------------------------- batch = full is repeated backprop

def backprop_steps(q, k):
    """k backprop questions in a row, each starting where the last one's update ended."""
    net = q.network
    losses = []
    for _ in range(k):
        bq = dataclasses.replace(q, kind="backprop", network=net)
        _, _, exact = solve_network_question(bq)
        losses.append(float(exact["loss"]))
        layers = tuple(dataclasses.replace(layer, weights=exact[f"W{l}_new"], biases=exact[f"b{l}_new"])
                       for l, layer in enumerate(net.layers, start=1))
        net = dataclasses.replace(net, layers=layers)
    return net, losses


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 3), n=st.integers(1, 3),
       acts=st.sampled_from([("sigmoid", "sigmoid"), ("tanh", "sigmoid"), ("relu", "sigmoid")]),
       reduction=st.sampled_from(["mean", "sum", "half_mean"]))
def test_full_batch_for_k_epochs_is_k_backprop_steps(seed, k, n, acts, reduction):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2)).round(2)
    y = (rng.random((n, 1)) > 0.5).astype(float)
    q = question((2, 2, 1), acts, x, y, "bce", reduction, eta=0.5, seed=seed)
    run = train(q, n, k)
    net, losses = backprop_steps(q, k)
    np.testing.assert_allclose(run.losses[:k], losses, rtol=1e-9, atol=1e-12)
    for l, layer in enumerate(net.layers):
        np.testing.assert_allclose(run.weights[l], layer.weights, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(run.biases[l], layer.biases, rtol=1e-9, atol=1e-12)
