"""The NumPy passes: gradients against central finite differences, and one example by hand."""
from __future__ import annotations

import math

import numpy as np
import pytest

from solver import numeric
from solver.model import Layer, Network

H = 1e-6


def make_net(n_in: int, layers: list[tuple[int, str]], seed: int, bias: bool = True,
             alpha: float = 0.1, scale: float = 1.0) -> Network:
    rng = np.random.default_rng(seed)
    built, fan_in = [], n_in
    for units, act in layers:
        w = rng.uniform(-scale, scale, (units, fan_in))
        b = rng.uniform(-scale, scale, units) if bias else np.zeros(units)
        built.append(Layer(units, act, w, b, alpha))
        fan_in = units
    return Network(tuple(f"x{k + 1}" for k in range(n_in)), tuple(built), bias)


def fd_gradients(net: Network, x, y, loss, reduction, huber_delta=1.0):
    """Central differences of L in every weight and bias (perturbed in place, then restored)."""
    dW, db = [], []
    for layer in net.layers:
        grads = []
        for param in (layer.weights, layer.biases):
            g = np.zeros_like(param)
            for idx in np.ndindex(param.shape):
                old = param[idx]
                param[idx] = old + H
                up = numeric.loss_of_parameters(net, x, y, loss, reduction, huber_delta)
                param[idx] = old - H
                down = numeric.loss_of_parameters(net, x, y, loss, reduction, huber_delta)
                param[idx] = old
                g[idx] = (up - down) / (2 * H)
            grads.append(g)
        dW.append(grads[0])
        db.append(grads[1])
    return dW, db


def one_hot(labels, k):
    return np.eye(k)[labels]


REDUCTIONS = ["mean", "sum", "half_sum", "half_mean"]
X3 = np.array([[0.5, -0.3], [1.2, 0.4], [-0.7, 0.9]])

# name, network, x, y, loss, huber_delta
CASES = [
    ("softmax+cce", make_net(2, [(3, "tanh"), (3, "softmax")], 1), X3, one_hot([0, 2, 1], 3), "cce", 1.0),
    ("softmax+sparse_cce", make_net(2, [(4, "sigmoid"), (3, "softmax")], 2), X3, one_hot([1, 1, 0], 3),
     "sparse_cce", 1.0),
    ("sigmoid+bce", make_net(2, [(3, "sigmoid"), (1, "sigmoid")], 3), X3, np.array([[1.0], [0.0], [1.0]]),
     "bce", 1.0),
    ("sigmoid+bce two outputs", make_net(2, [(3, "tanh"), (2, "sigmoid")], 4), X3,
     np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]), "bce", 1.0),
    ("softmax+bce", make_net(2, [(2, "tanh"), (2, "softmax")], 5), X3, one_hot([0, 1, 1], 2), "bce", 1.0),
    ("linear+mse", make_net(2, [(3, "relu"), (2, "linear")], 6), X3,
     np.array([[0.5, -1.0], [2.0, 0.3], [0.0, 1.0]]), "mse", 1.0),
    ("tanh+mse deep", make_net(2, [(3, "leaky_relu"), (2, "tanh"), (2, "sigmoid"), (1, "tanh")], 7), X3,
     np.array([[0.5], [-0.2], [0.1]]), "mse", 1.0),
    ("softmax hidden", make_net(2, [(3, "softmax"), (2, "linear")], 8), X3,
     np.array([[0.5, 1.0], [-0.5, 0.3], [0.2, 0.2]]), "mse", 1.0),
    ("linear+mae", make_net(2, [(3, "tanh"), (2, "linear")], 9), X3,
     np.array([[2.5, -3.0], [2.0, 3.0], [-4.0, 1.0]]), "mae", 1.0),
    ("linear+huber both branches", make_net(2, [(3, "sigmoid"), (2, "linear")], 10), X3,
     np.array([[2.5, 0.1], [0.2, 3.0], [-0.3, 0.4]]), "huber", 1.0),
    ("tanh+huber small delta", make_net(2, [(3, "relu"), (1, "tanh")], 11), X3,
     np.array([[0.9], [-0.8], [0.3]]), "huber", 0.4),
    ("linear+hinge", make_net(2, [(3, "tanh"), (1, "linear")], 12), X3, np.array([[1.0], [-1.0], [1.0]]),
     "hinge", 1.0),
    ("no bias", make_net(2, [(3, "sigmoid"), (2, "linear")], 13, bias=False), X3,
     np.array([[0.5, -1.0], [2.0, 0.3], [0.0, 1.0]]), "mse", 1.0),
    ("one example", make_net(3, [(2, "tanh"), (2, "softmax")], 14), np.array([[0.2, -0.4, 0.9]]),
     one_hot([1], 2), "cce", 1.0),
]


def _kink_free(net, x, margin=1e-3):
    fwd = numeric.forward(net, x)
    for layer, z in zip(net.layers, fwd.z):
        if layer.activation in ("relu", "leaky_relu", "step"):
            assert np.abs(z).min() > margin, "test case sits on a kink; pick another seed"


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, net, x, y, loss, hd", CASES, ids=[c[0] for c in CASES])
def test_backward_matches_finite_differences(name, net, x, y, loss, hd, reduction):
    _kink_free(net, x)
    back = numeric.backward(net, numeric.forward(net, x), y, loss, reduction, hd)
    fd_w, fd_b = fd_gradients(net, x, y, loss, reduction, hd)
    for l in range(len(net.layers)):
        assert back.dW[l].shape == net.layers[l].weights.shape
        np.testing.assert_allclose(back.dW[l], fd_w[l], rtol=1e-5, atol=1e-8, err_msg=f"dW{l + 1}")
        if net.bias:
            np.testing.assert_allclose(back.db[l], fd_b[l], rtol=1e-5, atol=1e-8, err_msg=f"db{l + 1}")
    assert back.loss == numeric.loss_of_parameters(net, x, y, loss, reduction, hd)


WITH_BIAS = [c for c in CASES if c[1].bias]


@pytest.mark.parametrize("name, net, x, y, loss, hd", WITH_BIAS, ids=[c[0] for c in WITH_BIAS])
def test_deltas_are_per_example_derivatives_of_the_example_loss(name, net, x, y, loss, hd):
    """delta_e = d ell_e / d z: the bias gradient of example e alone (the same reduction)."""
    back = numeric.backward(net, numeric.forward(net, x), y, loss, "half_sum", hd)
    for e in range(x.shape[0]):
        _, fd_b = fd_gradients(net, x[e:e + 1], y[e:e + 1], loss, "half_sum", hd)
        for l in range(len(net.layers)):
            np.testing.assert_allclose(back.delta[l][e], fd_b[l], rtol=1e-5, atol=1e-8)


def test_reductions_scale_the_gradient():
    name, net, x, y, loss, hd = CASES[5]
    n = x.shape[0]
    grads = {r: numeric.backward(net, numeric.forward(net, x), y, loss, r, hd).dW[0] for r in REDUCTIONS}
    np.testing.assert_allclose(grads["mean"], grads["sum"] / n, rtol=1e-13)
    np.testing.assert_allclose(grads["half_sum"], grads["sum"] / 2, rtol=1e-13)
    np.testing.assert_allclose(grads["half_mean"], grads["sum"] / (2 * n), rtol=1e-13)


# ------------------------------------------------------------------ a hand-checked example

def _sigmoid(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t))


X = [0.5, 0.3]
W1 = [[0.2, 0.4], [0.1, 0.3], [0.5, -0.2]]
B1 = [0.1, -0.1, 0.05]
W2 = [[0.3, -0.2, 0.4]]
B2 = [-0.2]
Y_TRUE = 1.0


def _by_hand():
    """The 2-3-1 sigmoid network with bce, in plain Python arithmetic."""
    z1 = [sum(w * xi for w, xi in zip(row, X)) + b for row, b in zip(W1, B1)]
    a1 = [_sigmoid(t) for t in z1]
    z2 = sum(w * a for w, a in zip(W2[0], a1)) + B2[0]
    yhat = _sigmoid(z2)
    loss = -(Y_TRUE * math.log(yhat) + (1 - Y_TRUE) * math.log(1 - yhat))
    dl_dyhat = -Y_TRUE / yhat + (1 - Y_TRUE) / (1 - yhat)
    delta2 = dl_dyhat * yhat * (1 - yhat)
    dW2 = [delta2 * a for a in a1]
    delta1 = [W2[0][j] * delta2 * a1[j] * (1 - a1[j]) for j in range(3)]
    dW1 = [[d * xi for xi in X] for d in delta1]
    return dict(z1=z1, a1=a1, z2=z2, yhat=yhat, loss=loss, delta2=delta2, dW2=dW2, db2=delta2,
                delta1=delta1, dW1=dW1, db1=delta1)


def _hand_net() -> Network:
    return Network(("x1", "x2"), (
        Layer(3, "sigmoid", np.array(W1), np.array(B1)),
        Layer(1, "sigmoid", np.array(W2), np.array(B2)),
    ))


def test_hand_example_plain_python_agrees_with_the_rounded_textbook_numbers():
    h = _by_hand()
    assert h["z1"] == pytest.approx([0.32, 0.04, 0.24], abs=1e-12)
    assert round(h["yhat"], 4) == 0.5239
    assert round(h["delta2"], 4) == -0.4761
    assert h["delta2"] == pytest.approx(h["yhat"] - Y_TRUE, abs=1e-15)   # sigmoid + bce
    assert [round(v, 4) for v in h["dW2"]] == [-0.2758, -0.2428, -0.2665]
    assert [round(v, 4) for v in h["dW1"][0]] == [-0.0174, -0.0104]


@pytest.mark.parametrize("reduction", ["mean", "sum"])   # one example: both are the plain loss
def test_hand_example_numpy_passes(reduction):
    h = _by_hand()
    net = _hand_net()
    x, y = np.array([X]), np.array([[Y_TRUE]])
    fwd = numeric.forward(net, x)
    np.testing.assert_allclose(fwd.z[0], [h["z1"]], rtol=1e-14)
    np.testing.assert_allclose(fwd.a[1], [h["a1"]], rtol=1e-14)
    np.testing.assert_allclose(fwd.z[1], [[h["z2"]]], rtol=1e-13)
    np.testing.assert_allclose(fwd.a[2], [[h["yhat"]]], rtol=1e-14)
    back = numeric.backward(net, fwd, y, "bce", reduction)
    assert back.loss == pytest.approx(h["loss"], rel=1e-14)
    np.testing.assert_allclose(back.delta[1], [[h["delta2"]]], rtol=1e-13)
    np.testing.assert_allclose(back.dW[1], [h["dW2"]], rtol=1e-13)
    np.testing.assert_allclose(back.db[1], [h["db2"]], rtol=1e-13)
    np.testing.assert_allclose(back.delta[0], [h["delta1"]], rtol=1e-13)
    np.testing.assert_allclose(back.dW[0], h["dW1"], rtol=1e-13)
    np.testing.assert_allclose(back.db[0], h["db1"], rtol=1e-13)


def test_hand_example_half_conventions_halve_everything():
    h = _by_hand()
    net = _hand_net()
    back = numeric.backward(net, numeric.forward(net, np.array([X])), np.array([[Y_TRUE]]), "bce", "half_mean")
    assert back.loss == pytest.approx(h["loss"] / 2, rel=1e-14)
    np.testing.assert_allclose(back.dW[1], [[v / 2 for v in h["dW2"]]], rtol=1e-13)
    np.testing.assert_allclose(back.dW[0], [[v / 2 for v in row] for row in h["dW1"]], rtol=1e-13)
