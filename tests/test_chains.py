"""Every chain of factors a solution shows is exact as written.

For every output activation x loss pairing the problem format allows and every notation, each
line that writes a chain (d delta = dL/da * da/dz, or through a softmax a sum over its units of
such products) is evaluated: every factor's derived value at the example's shown numbers,
combined as written (multiplied, or a sum of products), must give the value the line shows.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pytest
import sympy as sp

from solver import api
from solver.errors import ProblemError
from solver.formats import NOTATIONS
from solver.kinds.network.steps import put_numbers
from solver.losses import LOSSES, REDUCTIONS
from solver.symbols import sym

OUTPUTS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
LOSS_NAMES = ("mse", "mae", "huber", "bce", "cce", "hinge")
HIDDEN = ("tanh", "softmax", "relu", "sigmoid", "leaky_relu", "linear")

TARGETS = {   # two examples, by the kind of target the loss takes
    "real": ([0.5, -0.3], [1.2, 0.4]),
    "unit": ([1, 0], [0, 1]),
    "pm1": ([1, -1], [-1, 1]),
    "onehot": ([0, 1, 0], [1, 0, 0]),
}


def _problem(tmp_path, hidden: str, output: str, loss: str):
    y = TARGETS[LOSSES[loss].targets]
    units = len(y[0])
    rng = np.random.default_rng(len(hidden) * 31 + len(output) * 7 + len(loss))
    w1 = np.round(rng.uniform(-1, 1, (3, 2)), 1).tolist()
    w2 = np.round(rng.uniform(-1, 1, (units, 3)), 1).tolist()
    b2 = np.round(rng.uniform(-0.5, 0.5, units), 1).tolist()
    text = textwrap.dedent(f"""\
        title: chains
        decimals: 4
        questions:
          - id: q
            kind: backprop
            network:
              inputs: 2
              layers:
                - {{units: 3, activation: {hidden}, weights: {w1}, biases: [0.1, -0.2, 0.3]}}
                - {{units: {units}, activation: {output}, weights: {w2}, biases: {b2}}}
            data:
              x: [[0.5, -1.0], [1.5, 0.7]]
              y: [{list(y[0])}, {list(y[1])}]
            loss: {loss}
            learning_rate: 0.1
        """)
    path = tmp_path / f"{hidden}-{output}-{loss}.yaml"
    path.write_text(text)
    return path


def _numbers(qs) -> dict:
    """The shown value of every key, as the steps hold them, and the givens."""
    net, data = qs.question.network, qs.question.data
    env = {"x": np.atleast_2d(np.asarray(data.x, dtype=float)), "y": np.atleast_2d(np.asarray(data.y, dtype=float))}
    for l, layer in enumerate(net.layers, start=1):
        env[f"W{l}"], env[f"b{l}"] = np.asarray(layer.weights, float), np.asarray(layer.biases, float)
    for s in qs.steps:
        if s.value is not None and np.ndim(s.value) == 2:
            env[s.key] = np.asarray(s.value, dtype=float)
        elif s.value is not None and np.ndim(s.value) == 1 and s.key[0] == "b":
            env[s.key] = np.asarray(s.value, dtype=float)
    return env


def _number(expr, env, e) -> float:
    return float(sp.N(put_numbers(expr, env, e).doit()))


def chain_value(line, env, e) -> float:
    """The line's chain, as written, at example e's numbers."""
    products = getattr(line, "terms", ()) or (line.factors,)
    return sum(float(np.prod([_number(f.value, env, e) for f in product])) for product in products)


def chained_lines(qs):
    for s in qs.steps:
        for line in s.lines:
            if line.factors or getattr(line, "terms", ()):
                yield s, line


CASES = [(output, loss) for output in OUTPUTS for loss in LOSS_NAMES]


@pytest.mark.parametrize("output,loss", CASES)
def test_every_chain_shown_evaluates_to_its_value(tmp_path, output, loss):
    hidden = HIDDEN[(OUTPUTS.index(output) + LOSS_NAMES.index(loss)) % len(HIDDEN)]
    path = _problem(tmp_path, hidden, output, loss)
    checked = 0
    for notation in NOTATIONS:
        try:
            solution = api.solve(path, notation=notation)
        except ProblemError:
            if output == "softmax" and loss == "cce":
                raise
            pytest.skip(f"{output} with {loss} is not a pairing the format allows")
        qs = solution.questions[0]
        env = _numbers(qs)
        n = qs.question.data.n
        tol = 1.5 * 10.0 ** -qs.question.display.decimals
        for s, line in chained_lines(qs):
            if len(line.values) == n:      # one value per example
                for e in range(n):
                    got = chain_value(line, env, e)
                    assert got == pytest.approx(line.values[e], abs=tol), (notation, s.key, str(line.lhs), e)
            else:                          # a gradient over the batch: the reduction of the chains
                m = float(REDUCTIONS[qs.question.reduction].batch_factor(n))
                got = m * sum(chain_value(line, env, e) for e in range(n))
                assert got == pytest.approx(line.values[0], abs=tol * n), (notation, s.key, str(line.lhs))
            checked += 1
    assert checked > 0


def test_softmax_output_error_is_a_sum_over_the_outputs(tmp_path):
    """dl/dz_j = sum_m dl/dyhat_m * dyhat_m/dz_j: each term starts at the loss."""
    qs = api.solve(_problem(tmp_path, "tanh", "softmax", "cce"), notation="layer").questions[0]
    delta = next(s for s in qs.steps if s.key == "delta2")
    for line in delta.lines:
        assert not line.factors and len(line.terms) == 3
        assert all(product[0].top == sym("L") for product in line.terms)
