"""conv questions: the reader, the arithmetic against the notes' kind of hand example, finite
differences for dK, db and dX, the two paths against each other, and the page."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from solver import solve
from solver.errors import CrossCheckError, ProblemError
from solver.kinds.conv import run, steps as conv_steps
from solver.model import Question
from solver.problem import read_problem
from solver.yamlsource import load_bytes


def read(text: str):
    return read_problem(load_bytes(text.encode(), "q.yaml")).questions[0].spec


def answers(text: str) -> dict:
    spec = read(text)
    steps = conv_steps.solve(Question("q1", "conv", None, None, None, None, spec=spec))
    return {s.key: s.value for s in steps}


EXAMPLE = """kind: conv
input: [[3, 0, 1], [1, 5, 8], [2, 7, 2]]
kernels: [[1, 0], [0, -1]]
activation: relu
pool: {type: max, size: 2, stride: 1}
grad_output: [[0.1, -0.2], [0.0, 0.3]]
learning_rate: 0.1
"""


# ------------------------------------------------------------------ by hand

def test_the_hand_example():
    got = answers(EXAMPLE)
    assert got["out_shape"].tolist() == [2, 2]
    assert got["params"] == 5
    # Z_11 = 3*1 + 0*0 + 1*0 + 5*(-1) = -2; Z_12 = 0 - 8; Z_21 = 1 - 7; Z_22 = 5 - 2
    assert got["conv"].tolist() == [[-2, -8], [-6, 3]]
    assert got["activated"].tolist() == [[0, 0], [0, 3]]
    assert got["pooled"].tolist() == [[3]]
    # dK_11 = 3(0.1) + 0(-0.2) + 1(0) + 5(0.3) = 1.8; dK_22 = 5(0.1) + 8(-0.2) + 7(0) + 2(0.3) = -0.5
    np.testing.assert_allclose(got["dK"], [[1.8, 2.2], [1.2, -0.5]])
    np.testing.assert_allclose(got["db"], [0.2])
    # dX: each G_ij times the kernel, placed at its window
    np.testing.assert_allclose(got["dX"], [[0.1, -0.2, 0], [0, 0.2, 0.2], [0, 0, -0.3]], atol=1e-12)
    np.testing.assert_allclose(got["K_new"], [[0.82, -0.22], [-0.12, -0.95]])
    np.testing.assert_allclose(got["b_new"], [-0.02])


def test_shapes_follow_the_file():
    text = ("kind: conv\ninput: [[[1, 2, 0], [0, 1, 1], [2, 1, 0]], [[0, 1, 1], [1, 0, 2], [1, 1, 1]]]\n"
            "kernels: [[[[1, 0], [0, 1]], [[0, 1], [1, 0]]], [[[1, 1], [0, 0]], [[0, 0], [1, -1]]], "
            "[[[2, 0], [0, 0]], [[0, 0], [0, 2]]]]\nbiases: [1, 0, -1]\npadding: 1\nstride: 3\n"
            "grad_output: [[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 1], [1, 1]]]\nlearning_rate: 0.5\n")
    got = answers(text)
    assert got["out_shape"].tolist() == [3, 2, 2]          # (3 + 2 - 2) / 3 + 1 = 2
    assert got["params"] == 3 * (2 * 2 * 2 + 1)
    assert got["conv"].shape == (3, 2, 2)
    assert got["dK"].shape == (3, 2, 2, 2) and got["dX"].shape == (2, 3, 3) and got["db"].shape == (3,)


def test_a_kernel_per_filter_for_one_channel():
    got = answers("kind: conv\ninput: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\nkernels: [[[1, 0], [0, 0]], [[0, 0], [0, 1]]]\n"
                  "biases: [0, 10]\n")
    assert got["conv"].tolist() == [[[1, 2], [4, 5]], [[15, 16], [18, 19]]]


def test_average_pooling():
    got = answers("kind: conv\ninput: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\nkernels: [[1]]\n"
                  "pool: {type: average, size: 2, stride: 1}\n")
    assert got["pooled"].tolist() == [[3, 4], [6, 7]]


# ------------------------------------------------------------------ finite differences

def _loss(spec, X=None, K=None, b=None):
    """L = sum(G * conv): its gradients are dK, db, dX when grad_output is G."""
    import dataclasses
    s = dataclasses.replace(spec, x=spec.x if X is None else X, kernels=spec.kernels if K is None else K,
                            biases=spec.biases if b is None else b)
    return float((run.vectorized(s).conv * np.asarray(spec.grad_output)).sum())


@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), (2, 1), (2, 0), (3, 2)])
def test_gradients_against_finite_differences(stride, padding):
    rng = np.random.default_rng(stride * 10 + padding)
    C, F, H, k = 2, 2, 5, 3
    Ho = (H + 2 * padding - k) // stride + 1
    if (H + 2 * padding - k) % stride:
        H += stride - (H + 2 * padding - k) % stride
        Ho = (H + 2 * padding - k) // stride + 1
    X = rng.normal(size=(C, H, H)).round(2).tolist()
    K = rng.normal(size=(F, C, k, k)).round(2).tolist()
    G = rng.normal(size=(F, Ho, Ho)).round(2).tolist()
    text = (f"kind: conv\ninput: {json.dumps(X)}\nkernels: {json.dumps(K)}\nbiases: [0.1, -0.2]\n"
            f"stride: {stride}\npadding: {padding}\ngrad_output: {json.dumps(G)}\n")
    spec = read(text)
    got = answers(text)
    h = 1e-6
    for name, arr, kw in (("dX", np.asarray(spec.x, dtype=float), "X"), ("dK", np.asarray(spec.kernels, dtype=float), "K"),
                          ("db", np.asarray(spec.biases, dtype=float), "b")):
        numeric = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            up, down = arr.copy(), arr.copy()
            up[idx] += h
            down[idx] -= h
            numeric[idx] = (_loss(spec, **{kw: up}) - _loss(spec, **{kw: down})) / (2 * h)
        np.testing.assert_allclose(np.asarray(got[name]).reshape(arr.shape), numeric, atol=1e-6, err_msg=name)


def test_a_disagreement_raises_cross_check_error(monkeypatch):
    spec = read(EXAMPLE)
    real = run.by_windows

    def off(s):
        r = real(s)
        return run.Result(r.padded, r.conv + 1e-3, r.activated, r.pooled, r.dK, r.db, r.dX)

    monkeypatch.setattr(run, "by_windows", off)
    with pytest.raises(CrossCheckError, match="conv"):
        conv_steps.solve(Question("q1", "conv", None, None, None, None, spec=spec))


@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "step"])
def test_the_plain_activations_match_the_table(activation):
    got = answers(f"kind: conv\ninput: [[-2, 0.5], [1, -0.25]]\nkernels: [[1]]\nactivation: {activation}\n")
    assert got["activated"].shape == (2, 2)


# ------------------------------------------------------------------ reader

@pytest.mark.parametrize("text, where, message", [
    ("kind: conv\ninput: [[1, 2], [3, 4]]\nkernels: [[1, 0, 1], [0, 1, 0], [1, 0, 1]]\n", "q.yaml:3:1: kernels: ",
     "larger than the padded input"),
    ("kind: conv\ninput: [[1, 2], [3, 4]]\nkernels: [[1, 0, 1], [0, 1, 0], [1, 0, 1]]\npadding: 1\n", None, None),
    ("kind: conv\ninput: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]\nkernels: [[1, 0], [0, 1]]\nstride: 2\n",
     "q.yaml:4:1: stride: ", "(3 + 2 x 0 - 2) / 2 is not a whole number"),
    ("kind: conv\ninput: [[1, 2, 3], [4, 5]]\nkernels: [[1]]\n", "q.yaml:2:20: input[1]: ", "has 2 numbers but the first has 3"),
    ("kind: conv\ninput: [[[1, 2], [3, 4]], [[1, 2], [3, 4]]]\nkernels: [[1, 0], [0, 1]]\n", "q.yaml:3:1: kernels: ",
     "expected kernels 1 x 2 x 2 x 2 (filters x channels x k x k)"),
    ("kind: conv\ninput: [[1, 2], [3, 4]]\nkernels: [[1, 0], [0, 1]]\nbiases: [1, 2]\n", "q.yaml:4:1: biases: ",
     "expected 1 bias (one per kernel), got 2"),
    ("kind: conv\ninput: [[1, 2], [3, 4]]\nkernels: [[1, 0], [0, 1]]\nlearning_rate: 0.1\n", "q.yaml:4:1: learning_rate: ",
     "give grad_output too"),
    ("kind: conv\ninput: [[1, 2], [3, 4]]\nkernels: [[1, 0]]\n", "q.yaml:3:1: kernels: ", "expected square kernels"),
    ("kind: conv\ninput: [[1, 2], [3, 4]]\n", "q.yaml:1:1: ", "kernels: missing"),
    ("kind: conv\ninput: [[1, 2], [3, 4]]\nkernels: [[1]]\nactivation: softmax\n", "q.yaml:4:1: activation: ",
     "softmax does not act entry by entry"),
    ("kind: conv\ninput: [[1, 2], [3, 4]]\nkernels: [[1]]\npool: {type: min, size: 1}\n", "q.yaml:4:8: pool.type: ",
     "one of max, average"),
])
def test_reader(text, where, message):
    if where is None:
        read(text)
        return
    with pytest.raises(ProblemError) as info:
        read(text)
    assert str(info.value).startswith(where), str(info.value)
    assert message in str(info.value)


# ------------------------------------------------------------------ the page, the keys, --check, --variants

def test_page_writes_the_numbers_and_says_cross_correlation():
    solution = solve(ROOT / "problems" / "conv.yaml")
    text = solution.render("markdown", assets={}, stem="conv")
    assert text.count("cross-correlation") == 3       # once per question
    assert r"Z_{11} = 3 \cdot 1 + 0 \cdot 0 + 1 \cdot 0 + 5 \cdot (-1) + 0 = -2.0000" in text
    assert r"H_{\text{out}} = \frac{5 + 2 \cdot 1 - 3}{2} + 1 = 3" in text
    # the first window in bold, in the padded input when there is padding
    assert r"X = \begin{bmatrix} \mathbf{3} & \mathbf{0} & 1 \\ \mathbf{1} & \mathbf{5} & 8 \\ 2 & 7 & 2 \end{bmatrix}" in text
    assert r"\tilde{X} = \begin{bmatrix} \mathbf{0} & \mathbf{0} & \mathbf{0} & 0" in text
    assert r"\frac{\partial L}{\partial b} = 0.1 + (-0.2) + 0 + 0.3 = 0.2000" in text
    latex = solution.render("latex", assets={}, stem="conv")
    assert "_}_" not in latex and "}_{1}_" not in latex


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "solver", *args], capture_output=True, text=True, cwd=cwd)


def test_answer_sheet_and_check(tmp_path):
    sheet = tmp_path / "sheet.yaml"
    done = _cli("problems/conv.yaml", "--question", "q1", "--format", "answers", "-o", str(sheet))
    assert done.returncode == 0, done.stderr
    text = sheet.read_text()
    for key in ("out_shape", "params", "conv", "activated", "pooled", "dK", "db", "dX", "K_new", "b_new"):
        assert key in text
    keys = json.loads(_cli("problems/conv.yaml", "--question", "q1", "--format", "json", "-o", "-").stdout)
    values = {k: v["value"] for k, v in keys["questions"][0]["answers"].items()}
    values["dK"] = [[1.8, 2.2], [1.2, 0.5]]           # one slip
    import yaml
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump({"q1": values}))
    done = _cli("problems/conv.yaml", "--question", "q1", "--check", str(mine), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert "dK" in json.dumps(report)


def test_variants(tmp_path):
    problem = tmp_path / "conv.yaml"
    body = "".join("    " + line + "\n" for line in EXAMPLE.splitlines()[1:])
    problem.write_text("questions:\n  - id: q1\n    kind: conv\n" + body
                       + "randomize:\n  q1.input: {low: -3, high: 3, step: 1}\n  q1.kernels: {low: -1, high: 1, step: 1}\n")
    done = _cli(str(problem), "--variants", "2", "--seed", "1", "-o", str(tmp_path / "v"))
    assert done.returncode == 0, done.stderr + done.stdout
    drawn = sorted((tmp_path / "v").glob("*-v??.yaml"))
    assert len(drawn) == 2
    assert "[[3, 0, 1], [1, 5, 8], [2, 7, 2]]" not in drawn[0].read_text()


def test_variants_of_one_channel_of_several(tmp_path):
    problem = tmp_path / "conv.yaml"
    problem.write_text((ROOT / "problems" / "conv.yaml").read_text()
                       + "randomize:\n  q3.input[0]: {low: -9, high: 9, step: 1}\n")
    done = _cli(str(problem), "--variants", "1", "--seed", "2", "-o", str(tmp_path / "v"))
    assert done.returncode == 0, done.stderr + done.stdout


@pytest.mark.parametrize("fmt, ext", [("html", "html"), ("moodle", "xml"), ("qti", "zip")])
def test_pages_and_exports_take_maps_of_three_dimensions(fmt, ext, tmp_path):
    done = _cli("problems/conv.yaml", "--format", fmt, "-o", str(tmp_path / f"conv.{ext}"))
    assert done.returncode == 0, done.stderr


def test_question_sheet_gives_the_layer_and_every_dimension_of_a_shape(tmp_path):
    problem = tmp_path / "conv.yaml"
    problem.write_text((ROOT / "problems" / "conv.yaml").read_text()
                       + "randomize:\n  q1.input: {low: -9, high: 9, step: 1}\n")
    done = _cli(str(problem), "--variants", "1", "--seed", "3", "-o", str(tmp_path / "v"))
    assert done.returncode == 0, done.stderr
    sheet = (tmp_path / "v" / "conv-v01-sheet.md").read_text()
    assert "with stride $S = 2$ and padding $P = 1$, activation" in sheet
    assert r"| `dX` | Gradient of the input | $2 \times 4 \times 4$ |" in sheet


def test_check_takes_answers_of_three_and_four_dimensions(tmp_path):
    import yaml
    keys = json.loads(_cli("problems/conv.yaml", "--question", "q3", "--format", "json", "-o", "-").stdout)
    values = {k: v["value"] for k, v in keys["questions"][0]["answers"].items()}
    values["dK"][0][1][0][0] += 1                     # one slip in a 4-D answer
    values["dX"] = [[1, 2], [3, 4]]                    # the wrong shape
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump({"q3": values}))
    done = _cli("problems/conv.yaml", "--question", "q3", "--check", str(mine))
    assert done.returncode == 0, done.stderr
    assert "entry (1, 2, 1, 1) is wrong" in done.stdout
    assert "expected the gradient of the input, 2 x 4 x 4 (channels x rows x columns); got 2 x 2" in done.stdout
    assert "K_new      correct" in done.stdout


def test_values_are_rounded_and_carry_rounded_works_from_the_rounded_values():
    text = "kind: conv\ndecimals: 1\n{carry}input: [[0.24]]\nkernels: [[1]]\ngrad_output: [[1]]\nlearning_rate: 1\n"
    exact = read_problem(load_bytes(text.format(carry="").encode(), "q.yaml")).questions[0]
    steps = {s.key: s for s in conv_steps.solve(exact)}
    assert steps["dK"].value.tolist() == [[0.2]] and steps["dK"].exact.tolist() == [[0.24]]
    rounded = read_problem(load_bytes(text.format(carry="carry: rounded\n").encode(), "q.yaml")).questions[0]
    steps = {s.key: s for s in conv_steps.solve(rounded)}
    np.testing.assert_allclose(steps["K_new"].exact, [[0.8]])        # 1 - 1 x 0.2, from dK as shown
    steps = {s.key: s for s in conv_steps.solve(exact)}
    np.testing.assert_allclose(steps["K_new"].exact, [[0.76]])


def test_detail_full_writes_every_entry_of_the_maps():
    solution = solve(ROOT / "problems" / "conv.yaml", question="q1")
    standard = solution.render("markdown", assets={}, stem="conv")
    full = solution.render("markdown", assets={}, stem="conv", detail="full")
    assert r"Z_{21} = " not in standard and "The other entries alike" in standard
    assert r"Z_{21} = 1 \cdot 1 + 5 \cdot 0 + 2 \cdot 0 + 7 \cdot (-1) + 0 = -6.0000" in full
    assert r"Z_{22} = " in full and "Together" in full


def test_every_activation_a_conv_takes_has_a_plain_form():
    from solver.kinds.conv.fields import ACTIVATION_NAMES
    assert set(ACTIVATION_NAMES) <= set(run.PLAIN)
