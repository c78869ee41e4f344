"""Property tests over random networks: the two derivations agree, and both are the gradient.

Every hidden activation (softmax where a layer has at least two units), every valid
output-activation/loss pairing, every reduction, one to four examples.
"""
from __future__ import annotations

from unittest import mock

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from solver import derive, numeric, tolerances
from solver.activations import ACTIVATIONS
from solver.crosscheck import cross_check
from solver.losses import LOSSES, REDUCTIONS
from solver.kinds.network.steps import solve_network_question
from solver.model import Data, Layer, Network, Question

H = 1e-6
KINK_MARGIN = 1e-4
MAX_Z = 30.0          # keep exp() far from overflow: the property is about the math
UNIT_MARGIN = 1e-3    # log(yhat), log(1 - yhat) well defined and well conditioned

ELEMENTWISE = [n for n, a in ACTIVATIONS.items() if a.elementwise]
ALL_ACTIVATIONS = list(ACTIVATIONS)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _number(grid: bool):
    """Tenths from -2 to 2 (the numbers of hand problems, which hit kinks exactly) or floats."""
    if grid:
        return st.integers(-20, 20).map(lambda k: k / 10)
    # no tiny magnitudes: products of them underflow to 0 in NumPy but not in SymPy's Floats
    return st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False).map(lambda v: v if abs(v) >= 1e-3 else 0.0)


def _output_activations(loss: str) -> list[tuple[str, int]]:
    """The (activation, minimum units) the loss may follow."""
    if loss == "bce":
        return [("sigmoid", 1), ("softmax", 2)]
    if loss in ("cce", "sparse_cce"):
        return [("softmax", 2), ("sigmoid", 1)]
    return [(a, 2 if a == "softmax" else 1) for a in ALL_ACTIVATIONS]   # mse, mae, huber, hinge


@st.composite
def questions(draw) -> Question:
    grid = draw(st.booleans())
    num = _number(grid)
    n_in = draw(st.integers(1, 4))
    specs = []
    for _ in range(draw(st.integers(1, 3))):
        units = draw(st.integers(1, 4))
        specs.append((units, draw(st.sampled_from(ALL_ACTIVATIONS if units >= 2 else ELEMENTWISE))))
    loss = draw(st.sampled_from(list(LOSSES)))
    out_act, min_units = draw(st.sampled_from(_output_activations(loss)))
    specs.append((draw(st.integers(min_units, 3)), out_act))
    bias = draw(st.booleans())
    alpha = draw(st.sampled_from([0.01, 0.1, 0.3]))
    layers, fan_in = [], n_in
    for units, act in specs:
        w = np.array(draw(st.lists(st.lists(num, min_size=fan_in, max_size=fan_in),
                                   min_size=units, max_size=units)), dtype=float)
        b = np.array(draw(st.lists(num, min_size=units, max_size=units)), dtype=float) if bias \
            else np.zeros(units)
        layers.append(Layer(units, act, w, b, alpha))
        fan_in = units
    net = Network(tuple(f"x{k + 1}" for k in range(n_in)), tuple(layers), bias)

    n = draw(st.integers(1, 4))
    x = np.array(draw(st.lists(st.lists(num, min_size=n_in, max_size=n_in), min_size=n, max_size=n)))
    outputs = specs[-1][0]
    targets = LOSSES[loss].targets
    labels = None
    if targets == "real":
        y = np.array(draw(st.lists(st.lists(num, min_size=outputs, max_size=outputs), min_size=n, max_size=n)))
    elif targets == "unit":
        if out_act == "softmax":     # a probability distribution over the classes
            y = np.eye(outputs)[draw(st.lists(st.integers(0, outputs - 1), min_size=n, max_size=n))]
        else:
            y = np.array(draw(st.lists(st.lists(st.sampled_from([0.0, 1.0]), min_size=outputs,
                                                max_size=outputs), min_size=n, max_size=n)))
    elif targets == "pm1":
        y = np.array(draw(st.lists(st.lists(st.sampled_from([-1.0, 1.0]), min_size=outputs,
                                            max_size=outputs), min_size=n, max_size=n)))
    else:                            # onehot / index: one class per example
        labels = np.array(draw(st.lists(st.integers(0, outputs - 1), min_size=n, max_size=n)))
        y = np.eye(outputs)[labels]
    return Question(
        id="q1", kind="backprop", title=None, network=net, data=Data(x, y, labels if loss == "sparse_cce" else None),
        loss=loss, reduction=draw(st.sampled_from(list(REDUCTIONS))),
        huber_delta=draw(st.sampled_from([1.0, 0.5, 1.5])), learning_rate=0.1)


# ------------------------------------------------------------------ filters

def _well_conditioned(q: Question) -> None:
    """Skip draws whose numbers overflow or leave log() undefined."""
    fwd = numeric.forward(q.network, q.data.x)
    assume(all(np.abs(z).max() <= MAX_Z for z in fwd.z))
    if LOSSES[q.loss].needs_unit_interval:
        yhat = fwd.a[-1]
        assume(((yhat >= UNIT_MARGIN) & (yhat <= 1 - UNIT_MARGIN)).all())


def _kink_pattern(q: Question) -> tuple:
    """Which side of every kink each value sits on, and the distance to the nearest kink."""
    fwd = numeric.forward(q.network, q.data.x)
    sides, dist = [], [np.inf]
    for layer, z in zip(q.network.layers, fwd.z):
        if ACTIVATIONS[layer.activation].kink:
            sides.append(tuple((z > 0).ravel()))
            dist.append(np.abs(z).min())
    y, yhat = q.data.y, fwd.a[-1]
    if q.loss == "mae":
        sides.append(tuple(np.sign(yhat - y).ravel()))
        dist.append(np.abs(yhat - y).min())
    elif q.loss == "hinge":
        sides.append(tuple((y * yhat < 1).ravel()))
        dist.append(np.abs(y * yhat - 1).min())
    elif q.loss == "huber":
        sides.append(tuple((np.abs(y - yhat) <= q.huber_delta).ravel()))
        dist.append(np.abs(np.abs(y - yhat) - q.huber_delta).min())
    return tuple(sides), min(dist)


def _exact(q: Question) -> dict:
    """The step values, built from the NumPy pass (keys as the steps name them)."""
    net = q.network
    fwd = numeric.forward(net, q.data.x)
    back = numeric.backward(net, fwd, q.data.y, q.loss, q.reduction, q.huber_delta)
    exact = {"loss": back.loss}
    for l in range(1, len(net.layers) + 1):
        exact.update({f"z{l}": fwd.z[l - 1], f"a{l}": fwd.a[l], f"delta{l}": back.delta[l - 1],
                      f"dW{l}": back.dW[l - 1], f"db{l}": back.db[l - 1]})
    return exact


# ------------------------------------------------------------------ properties

@SETTINGS
@given(questions())
def test_numpy_and_sympy_agree(q):
    # No kink filter: the grid of tenths puts values on kinks (z = 0, y = yhat, y*yhat = 1),
    # often only up to rounding, and both paths must still follow the same convention there.
    _well_conditioned(q)
    d = derive.derive(q.network, q.loss, q.reduction, True, q.huber_delta)
    cross_check(q, d, _exact(q))      # raises CrossCheckError on any disagreement


@settings(SETTINGS, max_examples=30)
@given(questions())
def test_the_whole_solution_cross_checks(q):
    """solve_network_question recomputes every step itself, then runs cross_check on them."""
    _well_conditioned(q)
    steps, d, exact = solve_network_question(q)
    reference = _exact(q)
    for key, value in reference.items():
        if key.startswith("db") and not q.network.bias:
            assert key not in exact
            continue
        np.testing.assert_allclose(exact[key], value, rtol=1e-12, atol=1e-14, err_msg=key)
    assert steps[0].key == "given"


@SETTINGS
@given(questions())
def test_gradients_match_finite_differences(q):
    _well_conditioned(q)
    pattern, distance = _kink_pattern(q)
    assume(distance > KINK_MARGIN)
    net, x, y = q.network, q.data.x, q.data.y
    back = numeric.backward(net, numeric.forward(net, x), y, q.loss, q.reduction, q.huber_delta)
    scale = max(1.0, abs(back.loss), float(np.abs(numeric.forward(net, x).a[-1]).max()) ** 2)
    for l, layer in enumerate(net.layers):
        params = [(layer.weights, back.dW[l])] + ([(layer.biases, back.db[l])] if net.bias else [])
        for param, grad in params:
            assert grad.shape == param.shape
            for idx in np.ndindex(param.shape):
                old = param[idx]
                values = []
                for step in (H, -H):
                    param[idx] = old + step
                    crossed = _kink_pattern(q)[0] != pattern
                    # the difference quotient of the loss itself: without the snap of rounding
                    # residues, which would flatten z within KINK_TOLERANCE of 0
                    with mock.patch.object(tolerances, "KINK_TOLERANCE", 0.0):
                        values.append(numeric.loss_of_parameters(net, x, y, q.loss, q.reduction, q.huber_delta))
                    param[idx] = old
                    # a perturbation that crosses a kink makes the difference meaningless
                    assume(not crossed)
                fd = (values[0] - values[1]) / (2 * H)
                assert abs(grad[idx] - fd) <= 1e-5 * abs(fd) + 1e-7 * scale, (l + 1, idx, grad[idx], fd)
