"""No input reaches an internal error: extreme numbers in every kind's numeric fields give a
solution (exit 0) or a message at the value (exit 2), never exit 3 and never a traceback."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from solver.cli import main

# one file per kind; {v} is where the extreme value goes
KINDS = {
    "forward-x": """kind: forward
network: {{inputs: 2, layers: [{{units: 1, activation: sigmoid, weights: [[0.3, -0.2]], biases: [0.1]}}]}}
data: {{x: [{v}, 0.5], y: [1]}}
loss: bce
""",
    "forward-weight-linear": """kind: forward
network: {{inputs: 2, layers: [{{units: 2, activation: linear, weights: [[{v}, {v}], [{v}, 1]], biases: [{v}, 0]}},
                              {{units: 1, activation: linear, weights: [[{v}, {v}]], biases: [0]}}]}}
data: {{x: [{v}, 0.5], y: [1]}}
loss: mse
""",
    "backprop-weight": """kind: backprop
network: {{inputs: 2, layers: [{{units: 2, activation: sigmoid, weights: [[{v}, 0.4], [0.1, 0.3]], biases: [0.1, 0]}},
                              {{units: 1, activation: sigmoid, weights: [[0.3, {v}]], biases: [{v}]}}]}}
data: {{x: [0.5, 0.3], y: [1]}}
loss: bce
learning_rate: 0.1
""",
    "backprop-rate": """kind: backprop
network: {{inputs: 1, layers: [{{units: 1, activation: tanh, weights: [[0.5]], biases: [0.1]}}]}}
data: {{x: [0.5], y: [1]}}
loss: huber
huber_delta: {v}
learning_rate: {v}
""",
    "train": """kind: train
network: {{inputs: 1, layers: [{{units: 1, activation: sigmoid, weights: [[{v}]], biases: [0]}}]}}
data: {{x: [[1], [{v}]], y: [1, 0]}}
loss: bce
learning_rate: 0.5
epochs: 3
batch: full
""",
    "loss-bce": """kind: loss
y: [1, 0]
y_hat: [{v}, 0.5]
losses: [bce, mse, mae, huber]
""",
    "loss-bce-other-end": """kind: loss
y: [0, 1]
y_hat: [{v}, 0.5]
losses: [bce]
""",
    "loss-cce": """kind: loss
y: [[1, 0]]
y_hat: [[{v}, 0.5]]
losses: [cce]
""",
    "loss-regression": """kind: loss
y: [{v}, 1]
y_hat: [1, {v}]
losses: [mse, mae, huber]
""",
    "perceptron": """kind: perceptron
points: [[{v}, 1], [1, {v}], [-1, -1]]
labels: [1, 0, 0]
w: [{v}, 0.5]
b: {v}
learning_rate: 0.5
epochs: 3
""",
    "graph": """kind: graph
expression: a*b + sigmoid(c)
at: {{a: {v}, b: 2, c: {v}}}
""",
    "graph-constant": """kind: graph
expression: a*{v} + b
at: {{a: 2, b: 1}}
""",
    "graph-cancelling": """kind: graph
expression: log(a - b) + 1/(a - b)
at: {{a: {v}, b: 1}}
""",
    "graph-log": """kind: graph
expression: log(a) + exp(b)
at: {{a: {v}, b: 1}}
""",
}
VALUES = ["1e-9", "-1e-9", "0.3", "1.0000000001", "1.000001", "1.00000001", "1e-320", "5e-324", "-5e-324", "1e-300", "1e-30", "1e-13", "1e-12", "1.0e-9", "0", "1",
          "0.9999999999999999", "1e6", "-1e6", "999999", "50", "-50", "1000", "2.2250738585072014e-308"]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_extreme_value_is_solved_or_refused(tmp_path, kind, value):
    path = tmp_path / "p.yaml"
    path.write_text(KINDS[kind].format(v=value))
    for fmt in ("json", "latex"):
        result = CliRunner().invoke(main, [str(path), "--format", fmt, "-o", "-"])
        assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
            result.exception
        if result.exit_code == 2:
            assert str(path) in result.output and "Traceback" not in result.output
            assert "cannot be worked out: [<class" not in result.output
            break


@pytest.mark.parametrize("value", ["1e-320", "5e-324", "1e-300", "1e-13", "-1e-15"])
def test_a_number_too_small_to_carry_is_refused_with_the_range(tmp_path, value):
    path = tmp_path / "p.yaml"
    path.write_text(KINDS["loss-bce"].format(v=value))
    result = CliRunner().invoke(main, [str(path), "--format", "json", "-o", "-"])
    assert result.exit_code == 2
    assert f"{path}:3:9: y_hat[0]: " in result.output
    assert "from 1e-9 to 1e6 in size" in result.output


@pytest.mark.parametrize("y, y_hat, losses, message", [
    ("1", "0.9999999999999999", "[mae]", "within 1e-9 of the kink of mae (y_hat = y)"),
    ("1", "1.0000000000001", "[mae]", "within 1e-9 of the kink of mae (y_hat = y)"),
    ("-1", "-0.9999999999999", "[hinge]", "within 1e-9 of the kink of hinge (y * y_hat = 1)"),
    ("1", "0.9999999999999999", "[bce]", "closer to 1 than float arithmetic carries"),
])
def test_a_value_float_arithmetic_cannot_place_is_refused(tmp_path, y, y_hat, losses, message):
    path = tmp_path / "p.yaml"
    path.write_text(f"kind: loss\ny: [{y}]\ny_hat: [{y_hat}]\nlosses: {losses}\n")
    result = CliRunner().invoke(main, [str(path), "--format", "json", "-o", "-"])
    assert result.exit_code == 2
    assert f"{path}:3:9: y_hat[0]: " in result.output and message in result.output


# files a random search over these values found exiting 3, kept as they were found
FOUND = {
    "perceptron-bias-at-the-tolerance": "kind: perceptron\npoints: [[1e-8, 1], [1, 3], [-1, -1]]\n"
                                        "labels: [1, 0, 0]\nw: [0.3, 0.5]\nb: -1e-9\nlearning_rate: 0.5\nepochs: 3\n",
    "train-a-product-below-the-tolerance": "kind: train\nnetwork: {inputs: 1, layers: [{units: 1, activation: sigmoid, "
                                           "weights: [[-1e-9]], biases: [0]}]}\ndata: {x: [[1], [0.3]], y: [1, 0]}\n"
                                           "loss: bce\nlearning_rate: 0.5\nepochs: 3\nbatch: full\n",
    "graph-cancelling": "kind: graph\nexpression: log(a - b)\nat: {a: 1.0000000001, b: 1}\n",
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_files_once_found_exiting_3(tmp_path, name):
    path = tmp_path / "p.yaml"
    path.write_text(FOUND[name])
    result = CliRunner().invoke(main, [str(path), "--format", "json", "-o", "-"])
    assert result.exit_code in (0, 2), result.output
