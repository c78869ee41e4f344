"""The randomize: section: paths, grids of exact decimals, choices (bad sections: tests/bad/randomize/)."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from solver.problem import read_problem
from solver.randomize import Choices, Grid, with_values
from solver.yamlsource import load_bytes

QUESTION = """\
questions:
  - id: q1
    kind: backprop
    network:
      inputs: 2
      layers:
        - {units: 2, activation: sigmoid, weights: [[0.2, 0.4], [0.1, 0.3]], biases: [0.1, -0.1]}
        - {units: 1, activation: sigmoid, weights: [[0.3, -0.2]], biases: [-0.2]}
    data: {x: [0.5, 0.3], y: [1]}
    loss: bce
    learning_rate: 0.1
  - kind: forward
    network:
      inputs: 1
      layers: [{units: 1, activation: relu, weights: [[2]], biases: [1]}]
    data: {x: [3]}
randomize:
"""


def randomize_of(rules: str):
    return read_problem(load_bytes((QUESTION + rules).encode(), "t.yaml")).randomize


def test_paths_by_id_or_index_name_the_same_values():
    r = randomize_of("  q1.network.layers[0].weights: {low: -0.5, high: 0.5, step: 0.1}\n"
                     "  questions[0].data.x[1]: {low: 0, high: 1, step: 0.5}\n"
                     "  q2.network.layers[0].activation: {choices: [relu, tanh]}\n")
    assert [rule.target for rule in r.rules] == [
        ("questions", 0, "network", "layers", 0, "weights"), ("questions", 0, "data", "x", 1),
        ("questions", 1, "network", "layers", 0, "activation")]   # q2: the default id of the second question
    assert [rule.shape for rule in r.rules] == [(2, 2), (), ()]
    assert r.rules[2].how == Choices(("relu", "tanh"))


def test_a_grid_holds_exact_decimals_and_whole_numbers_stay_whole():
    r = randomize_of("  q1.network.layers[0].weights: {low: -0.5, high: 0.5, step: 0.1}\n"
                     "  q2.data.x: {low: 1, high: 9, step: 2}\n")
    grid = r.rules[0].how
    assert grid.count == 11
    assert [grid.text(k) for k in range(11)] == ["-0.5", "-0.4", "-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2",
                                                 "0.3", "0.4", "0.5"]
    assert grid.value(8) == 0.3 and repr(grid.value(8)) == "0.3"
    whole = r.rules[1].how
    assert whole.whole and [whole.value(k) for k in range(whole.count)] == [1, 3, 5, 7, 9]


def test_drawing_keeps_the_shape_and_puts_the_values_in():
    r = randomize_of("  q1.network.layers[0].weights: {low: -0.5, high: 0.5, step: 0.1}\n"
                     "  q1.data.x[0]: {choices: [0.25, 0.75]}\n")
    drawn = r.draw(np.random.default_rng(3))
    (_, weights, weights_text), (_, x0, _) = drawn
    assert np.shape(weights) == (2, 2) and np.shape(weights_text) == (2, 2)
    assert x0 in (0.25, 0.75)
    data = with_values(load_bytes((QUESTION + "  q1.data.x: {choices: [1, 2]}\n").encode(), "t").data, drawn)
    assert "randomize" not in data
    assert data["questions"][0]["network"]["layers"][0]["weights"] == weights
    assert data["questions"][0]["data"]["x"][0] == x0


def test_the_same_generator_state_draws_the_same_values():
    r = randomize_of("  q1.network.layers[0].weights: {low: -0.5, high: 0.5, step: 0.1}\n")
    one = r.draw(np.random.default_rng(np.random.SeedSequence([7, 1])))
    two = r.draw(np.random.default_rng(np.random.SeedSequence([7, 1])))
    assert one[0][1] == two[0][1]


@settings(max_examples=60, deadline=None)
@given(low=st.integers(-300, 300), steps=st.integers(1, 200), step=st.sampled_from(["0.1", "0.05", "0.25", "0.001", "2"]),
       k=st.integers(0, 200))
def test_every_grid_value_is_low_plus_a_whole_number_of_steps(low, steps, step, k):
    """Computed with fractions, independently: the value written is exactly low + k step, in range."""
    s = Fraction(step)
    lo = Fraction(low) * s
    hi = lo + steps * s
    grid = Grid(Decimal(str(float(lo))) if lo.denominator != 1 else Decimal(int(lo)), Decimal(step), steps + 1,
                False)
    k = min(k, steps)
    text = grid.text(k)
    assert Fraction(text) == lo + k * s
    assert lo <= Fraction(text) <= hi
    assert float(text) == grid.value(k)
    assert "e" not in text.lower()


def test_nonzero_never_draws_zero_and_keeps_every_other_value(tmp_path):
    import numpy as np

    from solver.api import load_problem

    path = tmp_path / "p.yaml"
    path.write_text("kind: forward\nnetwork:\n  inputs: 1\n  layers:\n"
                    "    - {units: 1, activation: sigmoid, weights: [[0.5]], biases: [0]}\n"
                    "data: {x: [1]}\n"
                    "randomize:\n  network.layers[0].weights: {low: -0.2, high: 0.2, step: 0.1, nonzero: true}\n")
    rule = load_problem(path).randomize.rules[0]
    rng = np.random.default_rng(0)
    drawn = {float(v) for _ in range(400) for v in np.ravel(rule.draw(rng)[0])}
    assert drawn == {-0.2, -0.1, 0.1, 0.2}
