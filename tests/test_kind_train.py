"""The train kind: its fields (good and bad), its steps and answer keys, the cross-check,
and the command line from problems/train.yaml to Markdown, LaTeX, JSON and PDF."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import ROOT, assert_refused, first_question
from solver import solve
from solver.errors import CrossCheckError, ProblemError
from solver.kinds.train.fields import BatchSetting
from solver.kinds import solve_question
from solver.kinds.train import steps as train_kind
from solver.steps import StepKind

NETWORK = """\
kind: train
network:
  inputs: 2
  layers:
    - {units: 2, activation: sigmoid, weights: [[0.5, -0.4], [0.3, 0.8]], biases: [0.0, 0.1]}
    - {units: 1, activation: sigmoid, weights: [[0.7, -0.6]], biases: [0.0]}
data:
  x: [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2]]
  y: [0, 1, 1, 1, 1]
loss: bce
learning_rate: 0.5
"""


def load(extra: str, network: str = NETWORK):
    return first_question(network + textwrap.dedent(extra))


def solved(extra: str, network: str = NETWORK):
    q = load(extra, network)
    steps, _ = solve_question(q)
    return q, {s.key: s for s in steps}, steps


# ---------------------------------------------------------------- fields

@pytest.mark.parametrize("extra, epochs, sizes, full, shuffle, tolerance", [
    ("epochs: 3", 3, (5,), (True,), None, None),
    ("epochs: 3\nbatch: 1", 3, (1,), (False,), None, None),
    ("epochs: 3\nbatch: 5", 3, (5,), (True,), None, None),        # every example: full batch
    ("epochs: 3.0\nbatch: [full, 1, 2]\nshuffle: 7", 3, (5, 1, 2), (True, False, False), 7, None),
    ("epochs: 100000\ntolerance: 1e-6", 100000, (5,), (True,), None, 1e-6),
    ("epochs: 2\nshuffle: false\nbatch: 2", 2, (2,), (False,), None, None),
])
def test_fields_are_read(extra, epochs, sizes, full, shuffle, tolerance):
    spec = load(extra).spec
    assert spec.epochs == epochs
    assert tuple(b.size for b in spec.batches) == sizes
    assert tuple(b.full for b in spec.batches) == full
    assert spec.shuffle == shuffle and spec.tolerance == tolerance


@pytest.mark.parametrize("extra, where, message", [
    ("batch: 1", "t.yaml:1:1: epochs: missing", "e.g. epochs: 10"),
    ("epochs: 200000", "t.yaml:12:1: epochs:", "200,000 epochs is more than 100,000"),
    ("epochs: true", "t.yaml:12:1: epochs:", "got the boolean true"),
    ("epochs: 2\nbatch: [full, full]", "t.yaml:13:15: batch[1]:", "full batch is listed twice"),
    ("epochs: 2\nbatch: [1, 2, 1]", "t.yaml:13:15: batch[2]:", "batch 1 is listed twice (also as item 1)"),
    ("epochs: 2\nbatch: [1, 2, 3, 4, full, 1, 2]", "t.yaml:13:1: batch:", "compare at most 6"),
    ("epochs: 2\nbatch: 2.5", "t.yaml:13:1: batch:", "got 2.5"),
    ("epochs: 2\nbatch: mini-batch", "t.yaml:13:1: batch:", "write a size, e.g. 2 here"),
    ("epochs: 2\nshuffle: -1", "t.yaml:13:1: shuffle:", "a seed is a whole number from 0 to 4294967295, got -1"),
    ("epochs: 2\ntolerance: 0", "t.yaml:13:1: tolerance:", "must be positive, got 0"),
    ("epochs: 2\nshufle: 3", "t.yaml:13:1: shufle:", "did you mean 'shuffle'?"),
])
def test_bad_fields_point_at_the_mistake(extra, where, message):
    assert_refused(load, extra, where, message)


def test_setting_names_and_key_prefixes():
    names = [(BatchSetting(5, True).name, BatchSetting(1, False).name, BatchSetting(2, False).name)]
    assert names == [("full", "sgd", "mb2")]
    spec = load("epochs: 2\nbatch: [full, 1]").spec
    assert [spec.prefix(b) for b in spec.batches] == ["full_", "sgd_"]
    alone = load("epochs: 2\nbatch: 2").spec
    assert alone.prefix(alone.batches[0]) == ""


# ---------------------------------------------------------------- steps and keys

def test_one_setting_keys_and_first_update():
    q, by_key, steps = solved("epochs: 4\nbatch: 2\nshuffle: 3\ntolerance: 1e-9")
    assert [f"loss_epoch{k}" in by_key for k in range(1, 5)] == [True] * 4
    for key in ("W1_final", "b1_final", "W2_final", "b2_final", "epochs_run", "z1", "W1_new", "b2_new"):
        assert key in by_key
    assert by_key["epochs_run"].value == 4 and not by_key["epochs"].info.settings[0].stopped
    assert by_key["z1"].value.shape == (2, 2)                       # the first mini-batch of 2
    assert steps[0].kind is StepKind.TRAINING and "given" not in by_key
    rows = [s for s in steps if s.part_of == "epochs"]
    assert rows and all(not s.kind is StepKind.EPOCHS for s in rows)
    # the first update shown is the run's first update
    first = q.spec.batches[0]
    run = train_kind._train(q, first, False).exact
    np.testing.assert_allclose(by_key["W1_new"].exact, run.first_weights[0])
    order = np.random.default_rng(3).permutation(5)[:2] + 1
    assert by_key["training"].info.first.examples == order.tolist()


def test_several_settings_prefix_every_epoch_key():
    _, by_key, _ = solved("epochs: 3\nbatch: [full, 1, 2]")
    for prefix in ("full_", "sgd_", "mb2_"):
        assert all(f"{prefix}loss_epoch{k}" in by_key for k in (1, 2, 3))
        assert f"{prefix}W1_final" in by_key and f"{prefix}b2_final" in by_key
    assert "loss_epoch1" not in by_key and "W1_final" not in by_key
    assert by_key["z1"].value.shape == (5, 2)        # the first setting (full) is worked in full
    assert not any(k.endswith("epochs_run") for k in by_key)     # no tolerance, no epochs_run


def test_update_weights_only_has_no_bias_keys():
    _, by_key, _ = solved("epochs: 2\nupdate: [weights]")
    assert "W1_final" in by_key and "b1_final" not in by_key
    np.testing.assert_array_equal(by_key["epochs"].info.columns[-1:], by_key["epochs"].info.columns[-1:])
    assert len(by_key["epochs"].info.columns) == 6           # four W1 and two W2 entries


def test_a_first_batch_too_large_to_show_is_not_worked():
    xs = [[i / 20, (i % 3) / 2] for i in range(20)]
    ys = [int(x[0] > 0.4) for x in xs]
    network = NETWORK.replace("x: [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2]]", f"x: {xs}").replace(
        "y: [0, 1, 1, 1, 1]", f"y: {ys}")
    _, by_key, _ = solved("epochs: 3", network)
    assert "z1" not in by_key and "W1_new" not in by_key
    assert not by_key["training"].info.first.worked
    _, small, _ = solved("epochs: 3\nbatch: 4", network)
    assert small["z1"].value.shape == (4, 2)


def test_tolerance_stops_and_the_json_has_every_epoch():
    q, by_key, _ = solved("epochs: 2000\ntolerance: 0.001")
    run = by_key["epochs_run"].value
    assert 10 < run < 2000 and by_key["epochs"].info.settings[0].stopped
    assert f"loss_epoch{run}" in by_key and f"loss_epoch{run + 1}" not in by_key
    losses = [by_key[f"loss_epoch{k}"].exact for k in range(1, run + 1)]
    assert abs(losses[-1] - losses[-2]) < 0.001 <= min(abs(np.diff(losses[:-1])))
    # the table is thinned; the recompute of epochs_run follows the stopping rule on given losses
    rows = [r.epoch for r in by_key["epochs"].info.rows]
    assert rows[:11] == list(range(11)) and rows[-1] == run and len(rows) < 30
    values = {f"loss_epoch{k}": v for k, v in enumerate([0.9, 0.8, 0.7995, 0.7], start=1)}
    step = by_key["epochs_run"]
    start = by_key["epochs"].info.rows[0].losses[0]
    assert step.recompute({**values, **{k: 0.0 for k in step.inputs if k not in values}}) == (
        3 if abs(0.9 - start) >= 0.001 else 1)


def test_recompute_of_results_reruns_the_training():
    _, by_key, _ = solved("epochs: 3\nbatch: 2")
    np.testing.assert_array_equal(by_key["W2_final"].recompute({}), by_key["W2_final"].value)
    assert by_key["loss_epoch2"].recompute({}) == by_key["loss_epoch2"].value


def test_carry_rounded_first_update_agrees_with_the_backprop_steps():
    _, by_key, _ = solved("epochs: 5\nbatch: 2\ncarry: rounded\ndecimals: 3")
    assert by_key["W1_final"].value.tolist() == np.round(by_key["W1_final"].value, 3).tolist()
    assert by_key["loss_epoch5"].value == round(by_key["loss_epoch5"].value, 3)
    assert by_key["loss_epoch5"].exact != by_key["loss_epoch5"].value


def test_table_epochs_thin_out_past_twenty():
    assert train_kind.table_epochs(20) == (list(range(21)), None)
    rows, every = train_kind.table_epochs(1000)
    assert every == 100 and rows[:11] == list(range(11)) and rows[11:13] == [100, 200] and rows[-1] == 1000
    rows, every = train_kind.table_epochs(166)
    assert every == 20 and rows[-2:] == [160, 166]


def test_a_wrong_training_loop_is_a_cross_check_error(monkeypatch):
    real = train_kind.train

    def off_by_a_little(*args, **kwargs):
        run = real(*args, **kwargs)
        bent = (run.first_weights[0] + 1e-6,) + run.first_weights[1:]
        return type(run)(**{**run.__dict__, "first_weights": bent})

    monkeypatch.setattr(train_kind, "train", off_by_a_little)
    with pytest.raises(CrossCheckError, match="W1"):
        solved("epochs: 2\nbatch: 2")


def test_divergence_is_a_problem_error(tmp_path):
    path = tmp_path / "diverge.yaml"
    path.write_text(NETWORK.replace("loss: bce", "loss: mse").replace("learning_rate: 0.5", "learning_rate: 1e5")
                    .replace("activation: sigmoid, weights: [[0.7", "activation: linear, weights: [[0.7")
                    + "epochs: 1000\n")
    with pytest.raises(ProblemError, match="training diverges in epoch"):
        solve(path)


# ---------------------------------------------------------------- the command line

@pytest.mark.parametrize("fmt, ext", [("markdown", "md"), ("latex", "tex"), ("json", "json")])
def test_command_line_writes_every_format(fmt, ext, tmp_path):
    out = tmp_path / f"train.{ext}"
    proc = subprocess.run([sys.executable, "-m", "solver", "problems/train.yaml", "--format", fmt, "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        data = json.loads(text)
        q1, q2 = data["questions"]
        assert q1["kind"] == "train" and "sgd_loss_epoch8" in q1["answers"] and "z1" in q1["answers"]
        run = q2["answers"]["epochs_run"]["value"]
        assert isinstance(run, int) and f"loss_epoch{run}" in q2["answers"]
    elif fmt == "markdown":
        for q in ("q1", "q2"):
            png = tmp_path / f"train-{q}-loss-curve.svg"
            assert png.read_bytes().startswith(b"<svg")
            assert f"](train-{q}-loss-curve.svg)" in text
        assert "| epoch |" in text
    else:
        assert r"\begin{axis}" in text and r"\addlegendentry{stochastic GD (batch 1)}" in text


def test_command_line_pdf(tmp_path, latex_engine):
    out = tmp_path / "train.pdf"
    proc = subprocess.run([sys.executable, "-m", "solver", "problems/train.yaml", "--format", "pdf", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:5] == b"%PDF-"


def test_standard_shows_the_losses_and_the_final_parameters_once():
    """--detail standard: the table of the epochs has the losses (the answer keys) and the final
    parameters follow as matrices, a layer per line; the parameters of every epoch, which repeat
    the final ones in the last row and make the table too wide to read, only under --detail full."""
    solution = solve(ROOT / "problems" / "train.yaml", question="q2")
    standard, full = solution.render("markdown"), solution.render("markdown", detail="full")
    assert "| epoch | $L$ |\n" in standard
    assert "$W^{[1]}_{11}$" not in standard and "$W^{[1]}_{11}$" in full
    assert standard.count("4.3341") == 1 and full.count("4.3341") == 2
    assert (r"W^{[1]} = \begin{bmatrix} 4.3341 & 3.7357 \\ 2.0845 & 2.4167 \end{bmatrix},\qquad "
            r"b^{[1]} = \begin{bmatrix} -1.9104 \\ -1.2665 \end{bmatrix}") in standard
    for key in ("W1_final", "b1_final", "W2_final", "b2_final", "epochs_run", "loss_epoch1"):
        assert f"`{key}`" in standard
    # a few examples: the training set on its side, one column per example
    q1 = solve(ROOT / "problems" / "train.yaml", question="q1").render("markdown")
    assert "| example | 1 | 2 | 3 | 4 |" in q1


def test_carry_rounded_from_the_command_line_counts_in_the_work_limit(tmp_path):
    """The limit on work weighs carry: rounded whether the file or the command line asks for it."""
    text = (ROOT / "tests" / "bad" / "train" / "too_much_work_rounded.yaml").read_text()
    path = tmp_path / "train.yaml"
    path.write_text(text.replace("carry: rounded\n", "carry: exact\n"))
    with pytest.raises(ProblemError, match=r"more than 100,000 \(with carry: rounded"):
        solve(path, carry="rounded")
    result = subprocess.run([sys.executable, "-m", "solver", str(path), "--carry", "rounded", "-o", str(tmp_path / "x.md")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "train.yaml:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.md").exists()
