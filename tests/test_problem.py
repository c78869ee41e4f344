"""The validator on good input: what each way of writing a problem file turns into."""
from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from solver.api import load_problem
from solver.model import Display
from solver.problem import read_problem
from solver.yamlsource import load_bytes

ROOT = Path(__file__).resolve().parent.parent


def read(text: str):
    return read_problem(load_bytes(textwrap.dedent(text).lstrip("\n").encode(), "p.yaml"))


def one(text: str):
    problem = read(text)
    assert len(problem.questions) == 1
    return problem.questions[0]


def forward(network: str, data: str = "x: [0.5, 0.3]", extra: str = "") -> str:
    """A single forward question around the given network and data (YAML flow text)."""
    return f"kind: forward\nnetwork: {network}\ndata: {{{data}}}\n{extra}"


# ---------------------------------------------------------------- the network


@pytest.mark.parametrize("layout, written", [
    ("neuron_rows", "[[0.2, 0.4], [0.1, 0.3], [0.5, -0.2]]"),   # a row per neuron: units x inputs
    ("input_rows", "[[0.2, 0.1, 0.5], [0.4, 0.3, -0.2]]"),      # a row per input: inputs x units
])
def test_both_layouts_give_units_x_inputs(layout, written):
    q = one(forward(f"{{inputs: 2, layout: {layout}, layers: [{{units: 3, activation: sigmoid, "
                    f"weights: {written}, biases: [0.1, -0.1, 0.05]}}]}}"))
    layer = q.network.layers[0]
    np.testing.assert_array_equal(layer.weights, [[0.2, 0.4], [0.1, 0.3], [0.5, -0.2]])
    assert layer.weights.shape == (3, 2)
    assert q.network.layout == layout


def test_input_rows_is_the_transpose_of_neuron_rows_layer_by_layer():
    layers = "[{units: 3, activation: relu, weights: %s, biases: [0, 0, 0]}, " \
             "{units: 2, activation: linear, weights: %s, biases: [0, 0]}]"
    w1, w2 = np.arange(6.0).reshape(3, 2), np.arange(6.0).reshape(2, 3) / 10
    rows = one(forward("{inputs: 2, layers: %s}" % (layers % (w1.tolist(), w2.tolist()))))
    cols = one(forward("{inputs: 2, layout: input_rows, layers: %s}" % (layers % (w1.T.tolist(), w2.T.tolist()))))
    for a, b in zip(rows.network.layers, cols.network.layers):
        np.testing.assert_array_equal(a.weights, b.weights)


@pytest.mark.parametrize("init, weight, bias", [
    ("{weights: 1, biases: 0}", 1.0, 0.0),
    ("{weights: 0.5, biases: -1}", 0.5, -1.0),
])
def test_init_fills_every_layer(init, weight, bias):
    q = one(forward(f"{{inputs: [iq, cgpa], init: {init}, layers: [{{units: 3, activation: linear}}, "
                    "{units: 1, activation: linear}]}", "x: [80, 8]"))
    w1, w2 = (layer.weights for layer in q.network.layers)
    np.testing.assert_array_equal(w1, np.full((3, 2), weight))
    np.testing.assert_array_equal(w2, np.full((1, 3), weight))
    np.testing.assert_array_equal(q.network.layers[0].biases, np.full(3, bias))
    np.testing.assert_array_equal(q.network.layers[1].biases, np.full(1, bias))


def test_listed_values_win_over_init():
    q = one(forward("{inputs: 1, init: {weights: 1, biases: 0}, layers: ["
                    "{units: 1, activation: linear, weights: [[0.3]], biases: [0.7]}, "
                    "{units: 1, activation: linear}]}", "x: [1]"))
    assert q.network.layers[0].weights.tolist() == [[0.3]] and q.network.layers[0].biases.tolist() == [0.7]
    assert q.network.layers[1].weights.tolist() == [[1.0]] and q.network.layers[1].biases.tolist() == [0.0]


def test_no_bias_gives_zero_biases():
    q = one(forward("{inputs: 2, bias: false, layers: [{units: 2, activation: sigmoid, "
                    "weights: [[1, 2], [3, 4]]}]}"))
    assert q.network.bias is False
    np.testing.assert_array_equal(q.network.layers[0].biases, [0.0, 0.0])
    assert q.network.parameter_count == 4


@pytest.mark.parametrize("inputs, names", [
    ("2", ("x1", "x2")),
    ("[iq, cgpa]", ("iq", "cgpa")),
    ("[sepal length, 'petal width']", ("sepal length", "petal width")),
])
def test_inputs_by_count_or_by_name(inputs, names):
    q = one(forward(f"{{inputs: {inputs}, init: {{weights: 1, biases: 0}}, "
                    "layers: [{units: 1, activation: linear}]}"))
    assert q.network.input_names == names
    assert q.network.sizes == (2, 1)


@pytest.mark.parametrize("layer, activation, alpha", [
    ("{units: 1, activation: leaky_relu, alpha: 0.2, weights: [[1, 1]], biases: [0]}", "leaky_relu", 0.2),
    ("{units: 1, activation: leaky_relu, weights: [[1, 1]], biases: [0]}", "leaky_relu", 0.01),
    ("{units: 1, activation: step, weights: [[1, 1]], biases: [0]}", "step", 0.01),
    ("{units: 2, activation: softmax, weights: [[1, 1], [0, 1]], biases: [0, 0]}", "softmax", 0.01),
])
def test_activation_and_alpha(layer, activation, alpha):
    q = one(forward(f"{{inputs: 2, layers: [{layer}]}}"))
    assert (q.network.layers[0].activation, q.network.layers[0].alpha) == (activation, alpha)


def test_a_weight_of_one_unit_and_input_may_be_written_flat():
    q = one(forward("{inputs: 1, layers: [{units: 1, activation: linear, weights: [0.5], biases: 0.25}]}",
                    "x: [2]"))
    assert q.network.layers[0].weights.tolist() == [[0.5]]
    assert q.network.layers[0].biases.tolist() == [0.25]


# ---------------------------------------------------------------- data

NET1 = "{inputs: 2, layers: [{units: 1, activation: sigmoid, weights: [[0.2, 0.4]], biases: [0.1]}]}"
NET2 = "{inputs: 2, layers: [{units: 2, activation: sigmoid, weights: [[0.2, 0.4], [1, 1]], biases: [0.1, 0]}]}"


@pytest.mark.parametrize("x, expected", [
    ("[0.5, 0.3]", [[0.5, 0.3]]),                  # a flat list is one example
    ("[[0.5, 0.3]]", [[0.5, 0.3]]),
    ("[[0.5, 0.3], [1, 2], [3, 4]]", [[0.5, 0.3], [1, 2], [3, 4]]),
])
def test_x_is_examples_x_inputs(x, expected):
    q = one(forward(NET1, f"x: {x}"))
    assert q.data.x.tolist() == expected
    assert q.data.n == len(expected)
    assert q.data.y is None


@pytest.mark.parametrize("net, x, y, expected", [
    (NET1, "[0.5, 0.3]", "[1]", [[1.0]]),
    (NET1, "[0.5, 0.3]", "[[1]]", [[1.0]]),
    (NET1, "[[0.5, 0.3], [1, 2], [3, 4]]", "[1, 0, 1]", [[1.0], [0.0], [1.0]]),  # one target per example
    (NET1, "[[0.5, 0.3], [1, 2], [3, 4]]", "[[1], [0], [1]]", [[1.0], [0.0], [1.0]]),
    (NET2, "[0.5, 0.3]", "[0, 1]", [[0.0, 1.0]]),     # several outputs of one example
    (NET2, "[[0.5, 0.3], [1, 2]]", "[[0, 1], [1, 0]]", [[0.0, 1.0], [1.0, 0.0]]),
])
def test_y_is_examples_x_outputs(net, x, y, expected):
    q = one(forward(net, f"x: {x}, y: {y}", "loss: mse\n"))
    assert q.data.y.tolist() == expected


SOFTMAX3 = ("{inputs: 2, layers: [{units: 3, activation: softmax, "
            "weights: [[0.2, 0.4], [0.1, 0.3], [0.5, -0.2]], biases: [0, 0, 0]}]}")


@pytest.mark.parametrize("x, y, labels, onehot", [
    ("[0.5, 0.3]", "[2]", [2], [[0, 0, 1]]),
    ("[0.5, 0.3]", "2", [2], [[0, 0, 1]]),
    ("[[0.5, 0.3], [1, 2]]", "[0, 2]", [0, 2], [[1, 0, 0], [0, 0, 1]]),
    ("[[0.5, 0.3], [1, 2]]", "[[1], [0]]", [1, 0], [[0, 1, 0], [1, 0, 0]]),
    ("[[0.5, 0.3], [1, 2]]", "[1.0, 0]", [1, 0], [[0, 1, 0], [1, 0, 0]]),
])
def test_sparse_cce_labels_become_one_hot(x, y, labels, onehot):
    q = one(forward(SOFTMAX3, f"x: {x}, y: {y}", "loss: sparse_cce\n"))
    assert q.data.labels.tolist() == labels
    assert q.data.y.tolist() == onehot


@pytest.mark.parametrize("net, loss, y", [
    (SOFTMAX3, "cce", "[[0, 1, 0]]"),
    (SOFTMAX3, "cce", "[[0.2, 0.3, 0.5]]"),           # soft targets that sum to 1
    (NET1, "bce", "[0.25]"),
    (NET1.replace("sigmoid", "tanh"), "hinge", "[-1]"),
    (NET1.replace("sigmoid", "linear"), "huber", "[-3.5]"),
])
def test_targets_that_fit_their_loss(net, loss, y):
    q = one(forward(net, f"x: [0.5, 0.3], y: {y}", f"loss: {loss}\n"))
    assert q.loss == loss and q.data.y is not None


# ---------------------------------------------------------------- question settings


@pytest.mark.parametrize("lines, attribute, value", [
    ("learning_rate: 1e-3", "learning_rate", 0.001),     # YAML 1.1 alone would read text
    ("learning_rate: 0.1", "learning_rate", 0.1),
    ("learning_rate: 2", "learning_rate", 2.0),
    ("huber_delta: 2", "huber_delta", 2.0),
    ("", "huber_delta", 1.0),
    ("", "reduction", "mean"),
    ("reduction: half_sum", "reduction", "half_sum"),
    ("", "update", ("weights", "biases")),
    ("update: biases", "update", ("biases",)),
    ("update: [biases, weights]", "update", ("weights", "biases")),
    ("title: A step", "title", "A step"),
    ("", "title", None),
])
def test_backprop_settings(lines, attribute, value):
    rate = "" if "learning_rate" in lines else "learning_rate: 0.5\n"
    q = one(f"kind: backprop\nnetwork: {NET1}\ndata: {{x: [0.5, 0.3], y: [1]}}\nloss: bce\n{rate}{lines}\n")
    got = getattr(q, attribute)
    assert got == value and type(got) is type(value)


EXAM = """
decimals: 3
carry: rounded
questions:
  - kind: forward
    network: {NET}
    data: {{x: [1, 1]}}
  - id: warmup
    kind: forward
    decimals: 6
    network: {NET}
    data: {{x: [1, 1]}}
  - kind: forward
    carry: exact
    network: {NET}
    data: {{x: [1, 1]}}
""".replace("{NET}", NET1).replace("{{", "{").replace("}}", "}")


@pytest.mark.parametrize("index, qid, decimals, carry", [
    (0, "q1", 3, "rounded"),         # inherits both top-level defaults
    (1, "warmup", 6, "rounded"),     # overrides decimals only
    (2, "q3", 3, "exact"),           # overrides carry only; the default id counts its place
])
def test_top_level_defaults_are_inherited_and_overridden(index, qid, decimals, carry):
    q = read(EXAM).questions[index]
    assert (q.id, q.display) == (qid, Display(decimals, carry, "layer"))


@pytest.mark.parametrize("lines, display", [
    ("", Display(4, "exact", "layer")),
    ("decimals: 2", Display(2, "exact", "layer")),
    ("decimals: 2.0\ncarry: rounded\nnotation: layer", Display(2, "rounded", "layer")),
])
def test_single_question_display(lines, display):
    q = one(forward(NET1, extra=lines + "\n"))
    assert q.display == display
    assert q.id == "q1"


def test_title_and_default_ids_of_an_exam():
    problem = read("title: Midterm 1\n" + EXAM.replace("  - id: warmup\n    kind", "  - kind"))
    assert problem.title == "Midterm 1"
    assert [q.id for q in problem.questions] == ["q1", "q2", "q3"]


# ---------------------------------------------------------------- the shipped examples


@pytest.mark.parametrize("qid, kind, sizes, names, loss, lr, x_shape, y_shape", [
    ("q1", "backprop", (2, 3, 1), ("x1", "x2"), "bce", 0.1, (1, 2), (1, 1)),
    ("q2", "backprop", (2, 2, 1), ("iq", "cgpa"), "mse", 0.0001, (1, 2), (1, 1)),
    ("q3", "forward", (3, 2, 2), ("x1", "x2", "x3"), None, None, (2, 3), None),
])
def test_exam1(qid, kind, sizes, names, loss, lr, x_shape, y_shape):
    problem = load_problem(ROOT / "problems" / "exam1.yaml")
    assert problem.title == "Neural Networks, Midterm 1"
    q = {q.id: q for q in problem.questions}[qid]
    assert (q.kind, q.network.sizes, q.network.input_names, q.loss, q.learning_rate) == \
        (kind, sizes, names, loss, lr)
    assert q.data.x.shape == x_shape
    assert (None if q.data.y is None else q.data.y.shape) == y_shape
    assert q.display == Display(4, "rounded", "layer")


@pytest.mark.parametrize("ids, expected", [
    ([None, None, None], ["q1", "q2", "q3"]),
    (["q2", None], ["q2", "q3"]),          # the default skips an id another question took
    ([None, "q1"], ["q2", "q1"]),
    (["intro", None], ["intro", "q2"]),
])
def test_default_ids_never_clash(ids, expected):
    net = "{inputs: 1, layers: [{units: 1, activation: linear, weights: [[1]], biases: [0]}]}"
    items = "".join(
        f"  - {{{'id: ' + i + ', ' if i else ''}kind: forward, network: {net}, data: {{x: [1]}}}}\n" for i in ids)
    problem = read("questions:\n" + items)
    assert [q.id for q in problem.questions] == expected


def test_a_single_question_file_may_have_a_randomize_section(tmp_path):
    from solver.api import load_problem

    path = tmp_path / "one.yaml"
    path.write_text("kind: forward\nnetwork:\n  inputs: 1\n  layers:\n"
                    "    - {units: 1, activation: sigmoid, weights: [[0.5]], biases: [0]}\n"
                    "data: {x: [1]}\n"
                    "randomize:\n  data.x: {low: 0, high: 1, step: 0.5}\n")
    problem = load_problem(path)
    assert len(problem.questions) == 1 and problem.randomize is not None
