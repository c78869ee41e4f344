"""loss questions: the reader's shapes and checks, values against plain Python, properties, rendering."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from solver import numeric, solve
from solver.errors import CrossCheckError, ProblemError
from solver.kinds.loss.fields import LossSpec
from solver.kinds.loss import steps as loss_kind
from solver.model import Display, Question
from solver.problem import read_problem
from solver.rounding import round_half_up
from solver.yamlsource import load_bytes


def read(text: str) -> LossSpec:
    return read_problem(load_bytes(text.encode(), "q.yaml")).questions[0].spec


def solved(spec: LossSpec, decimals: int = 4, carry: str = "exact") -> dict:
    q = Question("q1", "loss", None, None, None, None, display=Display(decimals, carry), spec=spec)
    return {s.key: s for s in loss_kind.solve(q)}


def spec_of(y, y_hat, losses, reduction="mean", delta=1.0, labels=None) -> LossSpec:
    y_hat = np.atleast_2d(np.asarray(y_hat, dtype=float))
    return LossSpec(np.atleast_2d(np.asarray(y, dtype=float)), y_hat, tuple(losses), reduction, delta,
                    None if labels is None else np.asarray(labels), y_hat.shape)


# ------------------------------------------------------------------ plain Python, written from the notes

def plain_element(name, y, p, d=1.0):
    if name == "mse":
        return (y - p) ** 2
    if name == "mae":
        return abs(y - p)
    if name == "huber":
        r = abs(y - p)
        return 0.5 * r * r if r <= d else d * r - 0.5 * d * d
    if name == "bce":
        return -(y * math.log(p) + (1 - y) * math.log(1 - p))
    if name in ("cce", "sparse_cce"):
        return -y * math.log(p) if y else 0.0
    if name == "hinge":
        return max(0.0, 1 - y * p)


def plain_element_grad(name, y, p, d=1.0):
    if name == "mse":
        return -2 * (y - p)
    if name == "mae":
        return 0.0 if p == y else (1.0 if p > y else -1.0)
    if name == "huber":
        return p - y if abs(p - y) <= d else d * (1.0 if p > y else -1.0)
    if name == "bce":
        return -y / p + (1 - y) / (1 - p)
    if name in ("cce", "sparse_cce"):
        return -y / p
    if name == "hinge":
        return -y if y * p < 1 else 0.0


FACTORS = {"mean": (1, True), "sum": (1, False), "half_sum": (0.5, False), "half_mean": (0.5, True)}


def plain_cost(name, ys, ps, reduction, d=1.0):
    half, mean = FACTORS[reduction]
    total = sum(half * sum(plain_element(name, y, p, d) for y, p in zip(yr, pr)) for yr, pr in zip(ys, ps))
    return total / len(ys) if mean else total


def plain_grad(name, ys, ps, reduction, d=1.0):
    half, mean = FACTORS[reduction]
    scale = half / len(ys) if mean else half
    return [[scale * plain_element_grad(name, y, p, d) for y, p in zip(yr, pr)] for yr, pr in zip(ys, ps)]


# ------------------------------------------------------------------ reader

@pytest.mark.parametrize("text, y, y_hat, shape", [
    ("y: 3\ny_hat: 2.5\nlosses: mse\n", [[3]], [[2.5]], ()),
    # a flat list is one value per example for the one-output losses
    ("y: [3, 5]\ny_hat: [2.5, 5]\nlosses: [mse, mae]\n", [[3], [5]], [[2.5], [5]], (2,)),
    # and one example's probabilities when cce is asked
    ("y: [0, 1]\ny_hat: [0.3, 0.7]\nlosses: [cce, mse]\n", [[0, 1]], [[0.3, 0.7]], (2,)),
    ("y: [[1, 0], [0, 1]]\ny_hat: [[0.8, 0.1], [0.4, 0.9]]\nlosses: [bce]\n", [[1, 0], [0, 1]],
     [[0.8, 0.1], [0.4, 0.9]], (2, 2)),
    ("y: [1, 0]\ny_hat: [[0.2, 0.8], [0.6, 0.4]]\nlosses: [sparse_cce, cce]\n", [[0, 1], [1, 0]],
     [[0.2, 0.8], [0.6, 0.4]], (2, 2)),
    ("y: 1\ny_hat: [0.2, 0.8]\nlosses: sparse_cce\n", [[0, 1]], [[0.2, 0.8]], (2,)),
    ("y: [[1], [0]]\ny_hat: [[0.2, 0.8], [0.6, 0.4]]\nlosses: sparse_cce\n", [[0, 1], [1, 0]],
     [[0.2, 0.8], [0.6, 0.4]], (2, 2)),
])
def test_reader_shapes(text, y, y_hat, shape):
    spec = read("kind: loss\n" + text)
    np.testing.assert_array_equal(spec.y, y)
    np.testing.assert_array_equal(spec.y_hat, y_hat)
    assert spec.shape == shape


def test_reader_settings():
    spec = read("kind: loss\ny: [3]\ny_hat: [1]\nlosses: [huber, mse]\nreduction: half_sum\nhuber_delta: 0.5\n")
    assert (spec.losses, spec.reduction, spec.huber_delta) == (("huber", "mse"), "half_sum", 0.5)


@pytest.mark.parametrize("text, where, message", [
    ("y: [1, 0]\ny_hat: [0.9, 0]\nlosses: bce\n", "q.yaml:3:14: y_hat[1]: ", "strictly between 0 and 1"),
    ("y: [1, 0]\ny_hat: [0.9, 0.1]\nlosses: [bce, crossentropy]\n", "q.yaml:4:15: losses[1]: ",
     "here it is called bce (two classes, one output) or cce"),
    ("y: [1, 2]\ny_hat: [1, 2]\nlosses: [maes]\n", "q.yaml:4:10: losses[0]: ", "did you mean 'mae'?"),
    ("y: [[0, 1], [1, 0]]\ny_hat: [[0.5, 0.5], [0.9, 0.05]]\nlosses: cce\n", "q.yaml:3:21: y_hat[1]: ",
     "sums to 0.95"),
    ("y: [1, -1]\ny_hat: [0.2, 0.3]\nlosses: [mse, hinge]\nhuber_delta: 2\n", "q.yaml:5:1: huber_delta: ",
     "remove huber_delta or add huber"),
    ("y: [1, -1]\ny_hat: [0.2]\nlosses: mse\n", "q.yaml:2:1: y: ", "expected 1 x 1 like y_hat"),
    ("y: [1, 2]\ny_hat: [0.2, 0.3]\nlosses: []\n", "q.yaml:4:1: losses: ", "expected a loss or a list of losses"),
    ("y: [1, 2]\nlosses: mse\n", "q.yaml:1:1: ", "y_hat: missing"),
])
def test_reader_rejects(text, where, message):
    with pytest.raises(ProblemError) as info:
        read("kind: loss\n" + text)
    assert str(info.value).startswith(where), str(info.value)
    assert message in str(info.value)


# ------------------------------------------------------------------ values checked by hand and by plain Python

def test_the_regression_question_by_hand():
    """y = 3, 5, 8, 4 and y_hat = 2.5, 5.5, 7, 14: errors 0.5, 0.5, 1 and an outlier of 10."""
    got = solved(read((ROOT / "problems" / "losses.yaml").read_text().split("questions:\n")[0]
                      + "kind: loss\ny: [3, 5, 8, 4]\ny_hat: [2.5, 5.5, 7, 14]\nlosses: [mse, mae, huber]\n"))
    assert got["mse"].exact == pytest.approx((0.25 + 0.25 + 1 + 100) / 4)        # 25.375: the outlier dominates
    assert got["mae"].exact == pytest.approx((0.5 + 0.5 + 1 + 10) / 4)           # 3
    assert got["huber"].exact == pytest.approx((0.125 + 0.125 + 0.5 + 9.5) / 4)  # 2.5625
    assert got["mse_grad"].value.tolist() == [-0.25, 0.25, -0.5, 5.0]
    assert got["mae_grad"].value.tolist() == [-0.25, 0.25, -0.25, 0.25]
    assert got["huber_grad"].value.tolist() == [-0.125, 0.125, -0.25, 0.25]


def test_classification_questions_by_hand():
    out = {q["id"]: q["answers"] for q in solve(ROOT / "problems" / "losses.yaml").to_json()["questions"]}
    assert out["binary"]["bce"]["exact"] == pytest.approx(-(math.log(0.9) + math.log(0.8) + math.log(0.4)) / 3)
    assert out["onehot"]["cce"]["exact"] == pytest.approx(-(math.log(0.7) + math.log(0.5)) / 2)
    assert out["indices"]["sparse_cce"] == out["onehot"]["cce"]
    assert out["indices"]["sparse_cce_grad"] == out["onehot"]["cce_grad"]
    assert out["onehot"]["cce_grad"]["value"] == [[0, -0.7143, 0], [-1.0, 0, 0]]
    # hinge, summed: 0.7 + 0 + 0 (on the margin) + 1.5; the margin takes the derivative 0
    assert out["margin"]["hinge"]["value"] == 2.2
    assert out["margin"]["hinge_grad"]["value"] == [-1.0, 0.0, 0.0, 1.0]


def _targets(name, n, k):
    if name in ("mse", "mae", "huber"):
        return st.lists(st.lists(st.integers(-40, 40).map(lambda v: v / 4), min_size=k, max_size=k),
                        min_size=n, max_size=n)
    if name == "bce":
        return st.lists(st.lists(st.sampled_from([0.0, 1.0, 0.25]), min_size=k, max_size=k), min_size=n, max_size=n)
    if name == "hinge":
        return st.lists(st.lists(st.sampled_from([-1.0, 1.0]), min_size=k, max_size=k), min_size=n, max_size=n)
    return st.lists(st.integers(0, k - 1).map(lambda c: [float(i == c) for i in range(k)]), min_size=n, max_size=n)


@st.composite
def questions(draw):
    name = draw(st.sampled_from(["mse", "mae", "huber", "bce", "cce", "sparse_cce", "hinge"]))
    n = draw(st.integers(1, 4))
    k = draw(st.integers(2, 4)) if name in ("cce", "sparse_cce") else draw(st.integers(1, 3))
    y = draw(_targets(name, n, k))
    if name in ("cce", "sparse_cce"):
        weights = draw(st.lists(st.lists(st.integers(1, 20), min_size=k, max_size=k), min_size=n, max_size=n))
        y_hat = [[w / sum(row) for w in row] for row in weights]
    elif name == "bce":
        y_hat = draw(st.lists(st.lists(st.integers(1, 99).map(lambda v: v / 100), min_size=k, max_size=k),
                              min_size=n, max_size=n))
    else:   # quarters: errors and margins land exactly on the kinks now and then
        y_hat = draw(st.lists(st.lists(st.integers(-40, 40).map(lambda v: v / 4), min_size=k, max_size=k),
                              min_size=n, max_size=n))
    reduction = draw(st.sampled_from(list(FACTORS)))
    delta = draw(st.sampled_from([0.5, 1.0, 2.0]))
    labels = [row.index(1.0) for row in y] if name == "sparse_cce" else None
    return name, y, y_hat, reduction, delta, labels


@settings(max_examples=150, deadline=None)
@given(questions())
def test_against_plain_python(q):
    name, y, y_hat, reduction, delta, labels = q
    got = solved(spec_of(y, y_hat, [name], reduction, delta, labels))
    assert got[name].exact == pytest.approx(plain_cost(name, y, y_hat, reduction, delta), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(got[f"{name}_grad"].exact, plain_grad(name, y, y_hat, reduction, delta),
                               rtol=1e-12, atol=1e-12)
    assert got[f"{name}_grad"].value.shape == np.asarray(y_hat).shape


@settings(max_examples=80, deadline=None)
@given(questions())
def test_gradient_is_the_slope_of_the_cost(q):
    """Away from kinks, d cost / d y_hat is the central finite difference of the cost."""
    name, y, y_hat, reduction, delta, labels = q
    y_hat = np.asarray(y_hat, dtype=float)
    grad = solved(spec_of(y, y_hat, [name], reduction, delta, labels))[f"{name}_grad"].exact
    h = 1e-6
    for idx in np.ndindex(y_hat.shape):
        yv, pv = y[idx[0]][idx[1]], y_hat[idx]
        kinks = {"mae": [yv], "huber": [yv - delta, yv + delta]}.get(name, [])
        if name == "hinge":
            kinks = [1 / yv]      # y y_hat = 1, with y = -1 or +1
        assume(all(abs(pv - k) > 1e-3 for k in kinks))
        up, down = y_hat.copy(), y_hat.copy()
        up[idx] += h
        down[idx] -= h
        slope = (plain_cost(name, y, up.tolist(), reduction, delta)
                 - plain_cost(name, y, down.tolist(), reduction, delta)) / (2 * h)
        assert grad[idx] == pytest.approx(slope, rel=1e-5, abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.integers(2, 4), st.data())
def test_sparse_cce_is_cce_on_one_hot_rows(n, k, data):
    labels = data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    raw = data.draw(st.lists(st.lists(st.integers(1, 9), min_size=k, max_size=k), min_size=n, max_size=n))
    y_hat = [[w / sum(row) for w in row] for row in raw]
    y = np.eye(k)[labels]
    got = solved(spec_of(y, y_hat, ["sparse_cce", "cce"], labels=labels))
    assert got["sparse_cce"].exact == pytest.approx(got["cce"].exact, rel=1e-14)
    np.testing.assert_array_equal(got["sparse_cce_grad"].exact, got["cce_grad"].exact)
    # and it is minus the mean log of the true class's probability
    assert got["sparse_cce"].exact == pytest.approx(-np.mean([math.log(y_hat[e][c]) for e, c in enumerate(labels)]))


def test_reductions_relate():
    y, y_hat = [[3.0], [5.0], [8.0]], [[2.0], [5.5], [10.0]]
    cost = {r: solved(spec_of(y, y_hat, ["mse"], r))["mse"].exact for r in FACTORS}
    assert cost["mean"] == pytest.approx(cost["sum"] / 3)
    assert cost["half_sum"] == pytest.approx(cost["sum"] / 2)
    assert cost["half_mean"] == pytest.approx(cost["sum"] / 6)


def test_carry_rounded_combines_the_rounded_losses_shown():
    """1/3 of three losses of 0.33335: shown 0.3334 each; the cost from them is 0.3334, not round(0.33335)."""
    y, y_hat = [[0.0], [0.0], [0.0]], [[0.57736], [0.57736], [0.57736]]
    ell = 0.57736 ** 2
    rounded = solved(spec_of(y, y_hat, ["mse"]), decimals=4, carry="rounded")["mse"]
    exact = solved(spec_of(y, y_hat, ["mse"]), decimals=4, carry="exact")["mse"]
    assert rounded.value == round_half_up(round_half_up(ell, 4), 4)
    assert exact.value == round_half_up(ell, 4)
    assert rounded.lines[0].values == (round_half_up(ell, 4),) * 3
    assert rounded.exact == exact.exact == pytest.approx(ell)


def test_kinks_follow_the_conventions():
    got = solved(spec_of([[2.0], [1.0], [-1.0]], [[2.0], [1.0], [-1.0]], ["mae", "hinge"], "sum"))
    assert got["mae_grad"].exact.tolist() == [[0.0], [0.0], [0.0]]
    assert got["hinge_grad"].exact.tolist() == [[0.0], [0.0], [0.0]]
    assert got["mae_grad"].conventions == ("mae",) and got["hinge_grad"].conventions == ("hinge",)


def test_a_disagreement_is_a_cross_check_error(monkeypatch):
    real = numeric.example_losses
    monkeypatch.setattr(numeric, "example_losses", lambda *a: real(*a) * 1.001)
    with pytest.raises(CrossCheckError, match="mse"):
        solved(spec_of([[1.0]], [[2.0]], ["mse"]))


def test_answer_shapes_follow_y_hat_as_written():
    out = {q["id"]: q["answers"] for q in solve(ROOT / "problems" / "losses.yaml").to_json()["questions"]}
    assert isinstance(out["regression"]["mse"]["value"], float)
    assert out["binary"]["bce_grad"]["value"] == pytest.approx([-1 / 0.9 / 3, 1 / 0.8 / 3, -1 / 0.4 / 3], abs=5e-5)
    spec = read("kind: loss\ny: 3\ny_hat: 2.5\nlosses: mse\n")
    assert np.ndim(solved(spec)["mse_grad"].value) == 0


# ------------------------------------------------------------------ the solution as the user sees it

def test_markdown_shows_the_numbers_and_when_each_loss_is_used():
    md = solve(ROOT / "problems" / "losses.yaml").render("markdown", detail="full")
    assert r"\ell^{(1)} = \left(3 - 2.5\right)^{2} = 0.2500" in md      # given as written, computed to 4 decimals
    assert r"\ell^{(4)} = \left(4 - 14\right)^{2} = 100$" in md          # an integer from integers, as the notes write it
    assert r"\ell^{(1)} = \max\left(0, 1 - 1 \cdot 0.3\right) = 0.7000" in md
    assert r"\ell = - \log{\left(\hat{y}_{y} \right)}" in md
    assert md.count("not robust to outliers") == 1 and "so MAE is robust to outliers" in md
    assert "Convention: the hinge has no derivative at the margin" in md


def test_standard_aligns_the_examples_in_one_display_and_shows_each_element_once():
    solution = solve(ROOT / "problems" / "losses.yaml", question="regression")
    standard, full = solution.render("markdown"), solution.render("markdown", detail="full")
    assert (r"$$\begin{aligned} \ell &= \left(y - \hat{y}\right)^{2} \\ \ell^{(1)} &= \left(3 - 2.5\right)^{2} = 0.2500"
            r" \\ \ell^{(2)} &= ") in standard
    # the derivative element by element, and its matrix only under --detail full
    matrix = r"\frac{\partial L}{\partial \hat{y}} = \begin{bmatrix} -0.2500 \\ 0.2500 \\ -0.5000 \\ 5.0000 \end{bmatrix}"
    assert matrix in full and matrix not in standard
    assert r"\frac{\partial L}{\partial \hat{y}^{(4)}} &= \frac{2 \cdot \left(14 - 4\right)}{4} = 5 " in standard
    for key in solution.questions[0].answers():
        assert f"`{key}`" in standard
    # the cost from examples with a decimal given keeps the decimals; JSON values stay numbers
    assert r"= \frac{0.2500 + 0.2500 + 1 + 100}{4} = 25.3750" in standard
    assert solution.to_json()["questions"][0]["answers"]["mse"]["value"] == 25.375


@pytest.mark.parametrize("fmt, ext", [("markdown", "md"), ("latex", "tex"), ("json", "json")])
def test_command_line(fmt, ext, tmp_path):
    out = tmp_path / f"losses.{ext}"
    proc = subprocess.run([sys.executable, "-m", "solver", "problems/losses.yaml", "--format", fmt, "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    if fmt == "json":
        keys = json.loads(text)["questions"][0]["answers"]
        assert list(keys) == ["mse", "mse_grad", "mae", "mae_grad", "huber", "huber_grad"]
    else:
        assert "25.375" in text


def test_command_line_pdf(tmp_path, latex_engine):
    out = tmp_path / "losses.pdf"
    proc = subprocess.run([sys.executable, "-m", "solver", "problems/losses.yaml", "--format", "pdf", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
