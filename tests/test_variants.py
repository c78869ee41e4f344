"""--variants: degenerate draws rejected (each rule on a crafted case), files written, determinism."""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import yaml

from solver.api import solve
from solver.formats import Style
from solver.errors import ProblemError
from solver.randomize import Grid
from solver.settings import Settings
from solver.variants import (RULES, clash, degenerate, draw, load_plan, make_variant, saturated, write_variants,
                             zero_gradient)

ROOT = Path(__file__).resolve().parent.parent
EXAM = ROOT / "problems" / "exam1.yaml"

NET = """\
kind: backprop
decimals: 4
network:
  inputs: 2
  layers:
    - {{units: 2, activation: sigmoid, weights: {w1}, biases: [0.1, -0.1]}}
    - {{units: 1, activation: sigmoid, weights: [[0.3, -0.2]], biases: [-0.2]}}
data: {{x: {x}, y: [1]}}
loss: bce
learning_rate: 0.1
"""
# the same question in a file with questions: (a single-question file cannot hold randomize: yet)
EXAM_NET = "questions:\n" + "".join(("  - " if i == 0 else "    ") + line + "\n"
                                    for i, line in enumerate(NET.splitlines()))
ORIGINAL = dict(w1="[[0.2, 0.4], [0.1, 0.3]]", x="[0.5, 0.3]")


def solved(tmp_path, name, **changes):
    path = tmp_path / f"{name}.yaml"
    path.write_text(NET.format(**{**ORIGINAL, **changes}))
    return solve(path).questions[0]


# ---------------------------------------------------------------- the rules, one crafted case each

def test_zero_gradient_when_the_inputs_are_zero(tmp_path):
    original = solved(tmp_path, "o")
    assert zero_gradient(original, original) is None
    assert zero_gradient(solved(tmp_path, "v", x="[0.0, 0.0]"), original) == "q1: dW1 is 0 everywhere"


def test_saturated_when_a_sigmoid_shows_1(tmp_path):
    original = solved(tmp_path, "o")
    assert saturated(original, original) is None
    detail = saturated(solved(tmp_path, "v", w1="[[20, 20], [0.1, 0.3]]"), original)
    assert detail == "q1: a1 shows 1"


def test_clash_when_two_entries_of_an_answer_are_equal(tmp_path):
    original = solved(tmp_path, "o")
    assert clash(original, original) is None
    # equal inputs: the two columns of dW1 (and of W1's update) are equal
    detail = clash(solved(tmp_path, "v", x="[0.4, 0.4]"), original)
    assert detail is not None and detail.startswith("q1: ")


def test_no_clash_where_the_original_is_equal_too(tmp_path):
    """Equal entries the original has by design (here equal weights) are not a clash."""
    equal = solved(tmp_path, "o", w1="[[0.2, 0.2], [0.2, 0.2]]", x="[0.5, 0.5]")
    assert clash(equal, equal) is None


RELU = """\
questions:
  - kind: forward
    network:
      inputs: 2
      layers:
        - {units: 3, activation: relu, weights: [[0.4, -0.3], [0.2, 0.1], [-0.5, 0.3]], biases: [0.1, 0.0, -0.1]}
        - {units: 1, activation: linear, weights: [[0.5, -0.4, 0.3]], biases: [0.0]}
    data: {x: [1.0, 2.0]}
randomize:
  questions[0].network.layers[0].weights: {low: -0.5, high: 0.5, step: 0.1, nonzero: true}
"""


def test_an_all_active_relu_layer_is_no_clash(tmp_path):
    """a1 = z1 when every ReLU unit is active: the method at work, not two answers that clash."""
    original = solve(_write(tmp_path, "o", RELU)).questions[0]
    active = RELU.replace("[[0.4, -0.3], [0.2, 0.1], [-0.5, 0.3]]", "[[0.4, 0.3], [0.2, 0.1], [0.5, 0.3]]")
    assert clash(solve(_write(tmp_path, "v", active)).questions[0], original) is None


def test_drawn_relu_layers_have_dead_units_as_often_as_uniform_draws(tmp_path):
    """The share of variants with a dead unit is close to that of the uniform draws they come from
    (counted here independently: z = W x + b over the same grid). It used to be 40 of 40."""
    path = _write(tmp_path, "relu", RELU)
    plan = load_plan(path, 11, "markdown", Settings(), Style(), 60)
    dead = sum(bool(np.any(np.asarray(draw(plan, k)[1].questions[0].step("a1").value) == 0))
               for k in range(60))
    grid = [v / 10 for v in range(-5, 6) if v != 0]
    rng = np.random.default_rng(0)
    W = rng.choice(grid, size=(20000, 3, 2))
    z = W @ np.array([1.0, 2.0]) + np.array([0.1, 0.0, -0.1])
    expected = float(np.mean(np.any(np.round(z, 4) <= 0, axis=1)))
    assert abs(dead / 60 - expected) < 0.2, (dead, expected)


def _write(tmp_path, name, text):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_a_kinds_own_rule_comes_before_clash_and_asks_only_its_kind():
    """The perceptron's rule (listed in its registry entry) is asked of perceptron questions only."""
    assert [name for name, _ in RULES] == ["zero gradient", "saturated", "converged", "clash"]
    rule = dict(RULES)["converged"]
    exam = solve(EXAM).questions[0]
    assert rule(exam, exam) is None


def test_degenerate_names_the_first_rule_broken(tmp_path):
    original = solve(EXAM)
    assert degenerate(original, original) is None


# ---------------------------------------------------------------- drawing again, giving up

def test_a_rejected_draw_is_drawn_again(tmp_path):
    path = tmp_path / "p.yaml"
    # one input of two is 0 or 0.5: a draw with both 0 has a zero gradient, and one with both equal a clash
    path.write_text(EXAM_NET.format(**ORIGINAL) + "randomize:\n  q1.data.x: {choices: [0.0, 0.5]}\n")
    plan = load_plan(path, 0, "json", Settings(), Style(), 10)
    draws = [make_variant(plan, k).draws for k in range(1, 11)]
    assert all(d >= 1 for d in draws) and max(d for d in draws) > 1
    for k in range(1, 4):
        x = yaml.safe_load(make_variant(plan, k).text)["questions"][0]["data"]["x"]
        assert sorted(x) == [0.0, 0.5]       # the only draws that are neither zero nor a clash


def test_giving_up_names_the_reason_met_most(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(EXAM_NET.format(**ORIGINAL) + "randomize:\n  q1.network.layers[0].weights: {choices: [40, 50]}\n")
    plan = load_plan(path, 0, "json", Settings(), Style(), 1)
    with pytest.raises(ProblemError) as caught:
        make_variant(plan, 1)
    message = str(caught.value)
    # weights of 40 or 50 saturate the hidden units so far that sigmoid' is 0: no gradient flows
    assert message.startswith(f"{path}:12:1: randomize: no good variant 1 in 200 draws: most often (200 times) "
                              "a gradient is zero (e.g. q1: delta1 is 0 everywhere)")
    assert "draw from a range without 0" in message


# ---------------------------------------------------------------- the files

def test_the_files_written(tmp_path):
    written = write_variants(EXAM, 3, 5, tmp_path, "markdown", Settings(), combined=False, workers=1)
    names = sorted(p.name for p in tmp_path.iterdir())
    for k in (1, 2, 3):
        for suffix in (".yaml", ".answers.yaml", "-sheet.md", "-key.md", "-q1-network.svg", "-q2-network.svg",
                       "-q3-network.svg"):
            assert f"exam1-v0{k}{suffix}" in names
    assert len(names) == 21 and len(written) == 21
    # each variant's blank answer sheet says which variant and seed it answers; its question sheet too
    blank = yaml.safe_load((tmp_path / "exam1-v02.answers.yaml").read_text())
    assert (blank["student"], blank["variant"], blank["seed"]) == (None, 2, 5)
    assert "Name: " in (tmp_path / "exam1-v02-sheet.md").read_text().split("## Question")[0]
    assert "Variant 2, seed 5" in (tmp_path / "exam1-v02-sheet.md").read_text()
    sheet = (tmp_path / "exam1-v01-sheet.md").read_text()
    key = (tmp_path / "exam1-v01-key.md").read_text()
    assert "](exam1-v01-q1-network.svg)" in sheet and "](exam1-v01-q1-network.svg)" in key
    assert "Step 3." in key and "Step 3." not in sheet                  # the sheet has no solution
    assert "| `dW1` | Gradient of $W^{[1]}$ | $3 \\times 2$ |" in sheet


def test_variant_files_load_with_values_on_the_grid(tmp_path):
    write_variants(EXAM, 4, 11, tmp_path, "json", Settings(), combined=False, workers=1)
    rules = solve(EXAM).problem.randomize.rules
    for k in range(1, 5):
        path = tmp_path / f"exam1-v0{k}.yaml"
        text = path.read_text()
        assert "randomize" not in yaml.safe_load(text)
        data = yaml.safe_load(text)
        for rule in rules:
            node = data
            for part in rule.target:
                node = node[part]
            assert isinstance(rule.how, Grid)
            low, step = Fraction(str(rule.how.low)), Fraction(str(rule.how.step))
            for v in np.ravel(node):
                steps = (Fraction(str(v)) - low) / step       # exact: 0.3 is written 0.3
                assert steps.denominator == 1 and 0 <= steps < rule.how.count, (rule.name, v)
        # the answer key is the solution of the problem file written beside it
        key = json.loads((tmp_path / f"exam1-v0{k}-key.json").read_text())
        assert key == json.loads(json.dumps(solve(path).to_json()))
    # unchanged parts are kept as written, comments included
    assert "learning_rate: 0.0001" in (tmp_path / "exam1-v01.yaml").read_text()


def test_same_seed_same_bytes_whatever_the_workers_and_other_seeds_differ(tmp_path):
    one, two, other = tmp_path / "one", tmp_path / "two", tmp_path / "other"
    write_variants(EXAM, 3, 9, one, "markdown", Settings(), combined=False, workers=1)
    write_variants(EXAM, 3, 9, two, "markdown", Settings(), combined=False, workers=2)
    write_variants(EXAM, 3, 10, other, "markdown", Settings(), combined=False, workers=2)
    files = sorted(p.name for p in one.iterdir())
    assert files == sorted(p.name for p in two.iterdir())
    for name in files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert (one / "exam1-v01.yaml").read_bytes() != (other / "exam1-v01.yaml").read_bytes()


def test_a_variant_does_not_depend_on_how_many_are_drawn(tmp_path):
    write_variants(EXAM, 1, 9, tmp_path / "a", "json", Settings(), combined=False, workers=1)
    write_variants(EXAM, 3, 9, tmp_path / "b", "json", Settings(), combined=False, workers=1)
    assert (tmp_path / "a" / "exam1-v01.yaml").read_bytes() == (tmp_path / "b" / "exam1-v01.yaml").read_bytes()


def test_combined_pdfs_are_the_same_bytes_twice(tmp_path, latex_engine):
    for run in ("a", "b"):
        write_variants(EXAM, 2, 1, tmp_path / run, "latex", Settings(), workers=1)
    for name in ("exam1-sheets.pdf", "exam1-keys.pdf"):
        data = (tmp_path / "a" / name).read_bytes()
        assert data.startswith(b"%PDF") and data == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "exam1-v01-sheet.tex").read_text().startswith("\\documentclass")


def test_command_line(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "solver", str(EXAM), "--variants", "2", "--seed", "3",
                           "--format", "json", "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert f"wrote 2 variant(s) of {EXAM} into {out}" in proc.stderr
    assert (out / "exam1-v02-key.json").exists() and (out / "exam1-v02-sheet.md").exists()
    bad = subprocess.run([sys.executable, "-m", "solver", str(ROOT / "problems" / "params.yaml"), "--variants", "2",
                          "-o", str(tmp_path / "none")], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "has no randomize: section" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "none").exists()


def test_an_error_in_a_worker_reads_as_with_one_worker(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(EXAM_NET.format(**ORIGINAL) + "randomize:\n  q1.network.layers[0].weights: {choices: [40, 50]}\n")
    messages = []
    for workers in (1, 2):
        with pytest.raises(ProblemError) as caught:
            write_variants(path, 2, 0, tmp_path / f"out{workers}", "json", Settings(), combined=False,
                           workers=workers)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"{path}:12:1: randomize: no good variant 1 in 200 draws")


def test_an_error_in_a_worker_on_the_command_line(tmp_path):
    """With a worker per core (two here, unless the machine has one), the message and exit 2."""
    path = tmp_path / "p.yaml"
    path.write_text(EXAM_NET.format(**ORIGINAL) + "randomize:\n  q1.network.layers[0].weights: {choices: [40, 50]}\n")
    proc = subprocess.run([sys.executable, "-m", "solver", str(path), "--variants", "2", "--format", "json",
                           "-o", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenProcessPool" not in proc.stderr
    assert proc.stderr.startswith(f"{path}:12:1: randomize: no good variant 1 in 200 draws")
