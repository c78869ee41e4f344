"""The training loop made fast (issue 12) takes the same floating-point steps as the generic
helpers it stands in for: its sigmoid, its derivatives and a whole run are equal bit for bit
to the activations' NumPy forms and to the loop written with them (as it was before)."""
from __future__ import annotations

import numpy as np
import pytest

from solver.activations import ACTIVATIONS
from solver.kinds.train import run as fast
from solver.losses import LOSSES, REDUCTIONS
from solver.model import Data, Layer, Network, Question
from solver.numeric import through_activation
from solver.rounding import round_fast
from solver.tolerances import snap


def test_the_fast_sigmoid_is_the_activation_s_bit_for_bit():
    z = np.concatenate([np.linspace(-40, 40, 4001), [0.0, -0.0, 1e-300, -1e-300, 745.0, -745.0, 1e-9, -1e-9]])
    z = np.concatenate([z, np.random.default_rng(3).normal(0, 5, 5000)]).reshape(-1, 9)
    want = ACTIVATIONS["sigmoid"].forward(z, 0.01)
    got = fast._sigmoid(z.copy())
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "linear"])
def test_the_fast_forms_are_the_activations(name):
    z = np.random.default_rng(1).normal(0, 3, (40, 7))
    a = ACTIVATIONS[name].forward(z, 0.01)
    assert fast._FAST_FORWARD[name](z.copy()).tobytes() == a.tobytes()
    want = ACTIVATIONS[name].derivative(z, a, 0.01)
    assert fast._derivative(ACTIVATIONS[name], 0.01)(z, a).tobytes() == np.broadcast_to(want, z.shape).tobytes()


def reference(q, size, epochs, decimals=None):
    """The loop as it was written with the generic helpers, full batch or batches in order."""
    net, x, y = q.network, q.data.x, q.data.y
    weights = [layer.weights.astype(float) for layer in net.layers]
    biases = [layer.biases.astype(float) for layer in net.layers]
    loss, red = LOSSES[q.loss], REDUCTIONS[q.reduction]
    ef = float(red.example_factor)

    def rnd(a):
        return a if decimals is None else round_fast(a, decimals)

    def forward(xb):
        zs, outs = [], [xb]
        for layer, w, b in zip(net.layers, weights, biases):
            z = rnd(snap(outs[-1] @ w.T + b))
            zs.append(z)
            outs.append(rnd(ACTIVATIONS[layer.activation].forward(z, layer.alpha)))
        return zs, outs

    losses = []
    for _ in range(epochs):
        for start in range(0, len(x), size):
            xb, yb = x[start:start + size], y[start:start + size]
            zs, outs = forward(xb)
            m = float(red.batch_factor(len(yb)))
            grad_a = ef * loss.grad(yb, outs[-1], q.huber_delta)
            new_w, new_b = list(weights), list(biases)
            for l in reversed(range(len(net.layers))):
                delta = rnd(through_activation(net.layers[l], grad_a, zs[l], outs[l + 1]))
                if l > 0:
                    grad_a = delta @ weights[l]
                new_w[l] = rnd(weights[l] - eta(q) * rnd(m * delta.T @ outs[l]))
                new_b[l] = rnd(biases[l] - eta(q) * rnd(m * delta.sum(axis=0)))
            weights[:], biases[:] = new_w, new_b
        ells = ef * loss.value(y, forward(x)[1][-1], q.huber_delta).sum(axis=1)
        losses.append(float(red.batch_factor(len(ells))) * float(ells.sum()))
    return weights, biases, losses


def eta(q):
    return q.learning_rate


def question(acts, loss, reduction, outputs=1, seed=0):
    rng = np.random.default_rng(seed)
    sizes = (3, 5, 4, outputs)
    layers = tuple(Layer(sizes[i + 1], acts[i], rng.uniform(-1, 1, (sizes[i + 1], sizes[i])),
                         rng.uniform(-0.5, 0.5, sizes[i + 1]), alpha=0.05) for i in range(3))
    x = rng.uniform(-1, 1, (23, 3))
    if loss == "cce":
        y = np.eye(outputs)[rng.integers(0, outputs, 23)]
    else:
        y = (rng.uniform(0, 1, (23, outputs)) > 0.5).astype(float)
    net = Network(("a", "b", "c"), layers)
    eta = 0.05 if "mean" in reduction else 0.005
    return Question("q", "train", None, net, Data(x, y), loss, reduction, learning_rate=eta)


@pytest.mark.parametrize("acts,loss,reduction,outputs", [
    (("tanh", "tanh", "sigmoid"), "bce", "mean", 1),
    (("sigmoid", "sigmoid", "sigmoid"), "mse", "half_mean", 2),
    (("relu", "leaky_relu", "linear"), "mse", "sum", 1),
    (("linear", "tanh", "softmax"), "cce", "mean", 3),
])
@pytest.mark.parametrize("size", [23, 4])
@pytest.mark.parametrize("decimals", [None, 4])
def test_a_run_is_the_generic_loop_bit_for_bit(acts, loss, reduction, outputs, size, decimals):
    q = question(acts, loss, reduction, outputs)
    weights, biases, losses = reference(q, size, 15, decimals)
    run = fast.train(q, size, 15, decimals=decimals)
    for got, want in zip(run.weights + run.biases, weights + biases):
        assert got.tobytes() == want.tobytes()
    if decimals is None:
        assert run.losses[1:].tolist() == losses
