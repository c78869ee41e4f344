"""The batch notation (seed 002): names, the matrices it shows, what it writes, the seed's numbers."""
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from solver import solve
from solver.errors import CrossCheckError
from solver.render import notation_batch
from solver.render.formatter import Formatter
from solver.render.notation import notation_for
from solver.kinds.network.batch_form import build_view
from solver.render.notation_batch import BatchNotation
from solver.rounding import format_number
from solver.symbols import meaning, sym

SEED = ROOT / "problems" / "seed_batch.yaml"
IRIS = ROOT / "problems" / "batch.yaml"


# ---------------------------------------------------------------- names

@pytest.mark.parametrize("layers, what, l, expected", [
    (2, "in", 1, r"H_{\text{in}}"),
    (2, "out", 2, r"O_{\text{out}}"),
    (2, "error", 2, r"O_{\text{error}}"),
    (2, "delta", 1, r"H_{\text{delta}}"),
    (3, "in", 1, r"H_{1,\text{in}}"),
    (3, "out", 2, r"H_{2,\text{out}}"),
    (3, "delta", 3, r"O_{\text{delta}}"),
    (1, "in", 1, r"O_{\text{in}}"),
    (2, "out", 0, "X"),
])
def test_stage_names(layers, what, l, expected):
    assert BatchNotation(layers, 1).stage(what, l) == expected


@pytest.mark.parametrize("symbol, expected", [
    (sym("z", 1, 2, None, 3), r"H_{\text{in},3,2}"),
    (sym("a", 2, 1, None, None), r"O_{\text{out},e,1}"),
    (sym("a", 2), r"O_{\text{out},e,n}"),
    (sym("a", 1), r"H_{\text{out},e,j}"),
    (sym("yhat"), r"O_{\text{out},e,n}"),
    (sym("y", None, 2, None, 1), "Y_{1,2}"),
    (sym("x", None, 4, None, 2), "X_{2,4}"),
    (sym("delta", 1, 2, None, 1), r"H_{\text{delta},1,2}"),
    (sym("W", 2, 3, 1), r"\left(W_{2}\right)_{1,3}"),   # W^{[2]}_{31} is row 1, column 3 of the batch W_2
    (sym("b", 1, 2), r"\left(b_{1}\right)_{2}"),
    (sym("ell", None, None, None, 2), r"\ell_{2}"),
    (sym("ell"), r"\ell_{e}"),
    (sym("L"), "L"),
])
def test_scalar_names(symbol, expected):
    assert BatchNotation(2, 3).scalar(meaning(symbol)) == expected


def test_model_matrices_keep_their_layer_names():
    """Weights come to the shared templates in the model's layout (units x inputs): W^{[l]}."""
    n = BatchNotation(2, 1)
    assert n.matrix("W", 1) == "W^{[1]}" and n.matrix("b", 2) == "b^{[2]}"
    assert n.matrix("a", 0) == "X" and n.matrix("z", 2) == r"O_{\text{in}}"
    assert n.weights(1) == "W_{1}" and n.update("W", 2) == r"W_{2\text{-update}}"


def test_notation_for_finds_the_batch_notation():
    assert notation_for("batch", None).name == "batch"
    assert notation_for("batch", solve(IRIS).problem.questions[0].network).layers == 2


# ---------------------------------------------------------------- the seed's numbers

# Seed 002, to the notes' two decimals (rows are examples).
NOTES = {
    "z1": [[1.47, 1.42], [3.42, 0.91], [3.62, 0.47]],
    "a1": [[0.81, 0.81], [0.97, 0.71], [0.97, 0.62]],
    "z2": [[0.49, -0.49, 0.57], [0.43, -0.45, 0.55], [0.37, -0.41, 0.50]],
    "a2": [[0.62, 0.38, 0.64], [0.61, 0.39, 0.63], [0.59, 0.40, 0.62]],
    "error2": [[-0.38, 0.38, 0.64], [0.61, -0.61, 0.63], [0.59, 0.40, -0.38]],
    "delta2": [[-0.09, 0.09, 0.15], [0.15, -0.15, 0.15], [0.14, 0.10, -0.09]],
    "delta1": [[0.003, -0.004], [0.001, 0.049], [-0.001, -0.003]],
}


@pytest.fixture(scope="module")
def seed():
    qs = solve(SEED).questions[0]
    return qs, build_view(qs)


@pytest.mark.parametrize("key", sorted(NOTES))
def test_seed_matches_the_notes(seed, key):
    _, v = seed
    assert np.allclose(v[key], NOTES[key], atol=0.0151), key


def test_seed_hidden_error_matches_the_notes(seed):
    _, v = seed
    notes = [[0.021, -0.024], [0.045, 0.240], [-0.028, -0.011]]
    # the notes' second row carries their own rounding; the rest agree to 0.01
    assert np.allclose(v["error1"], notes, atol=0.01)


def test_seed_notes_divide_the_updates_by_n_twice(seed):
    """The notes' W_2-update and W_1-update are a third of (1/N) H_out^T O_delta: a slip the
    solution does not copy (it follows the formula the notes write)."""
    _, v = seed
    notes_w2 = np.array([[0.023, 0.003, 0.020], [0.013, 0.003, 0.019]])
    notes_w1 = np.array([[0.002, 0.031], [0.001, 0.015], [0.000, 0.022], [0.000, 0.007]])
    assert np.allclose(v["dW2"] / 3, notes_w2, atol=0.011)
    assert np.allclose(v["dW1"] / 3, notes_w1, atol=0.002)
    assert not np.allclose(v["dW2"], notes_w2, atol=0.011)


# ---------------------------------------------------------------- an independent calculation

def _mm(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def _t(a):
    return [list(r) for r in zip(*a)]


def _sig(z):
    import math
    return 1 / (1 + math.exp(-z))


def test_iris_against_plain_python():
    """batch.yaml (carry exact) worked with lists and loops in the notes' order: the view's
    matrices and the answer keys (units x inputs) agree."""
    doc = yaml.safe_load(IRIS.read_text())
    X, Y = doc["data"]["x"], doc["data"]["y"]
    W1, W2 = _t(doc["network"]["layers"][0]["weights"]), _t(doc["network"]["layers"][1]["weights"])
    N = len(X)
    H_in = _mm(X, W1)
    H_out = [[_sig(z) for z in r] for r in H_in]
    O_in = _mm(H_out, W2)
    O_out = [[_sig(z) for z in r] for r in O_in]
    O_error = [[o - y for o, y in zip(ro, ry)] for ro, ry in zip(O_out, Y)]
    O_delta = [[e * o * (1 - o) for e, o in zip(re, ro)] for re, ro in zip(O_error, O_out)]
    W2_update = [[v / N for v in r] for r in _mm(_t(H_out), O_delta)]
    H_error = _mm(O_delta, _t(W2))
    H_delta = [[e * h * (1 - h) for e, h in zip(re, rh)] for re, rh in zip(H_error, H_out)]
    W1_update = [[v / N for v in r] for r in _mm(_t(X), H_delta)]
    loss = sum((o - y) ** 2 for ro, ry in zip(O_out, Y) for o, y in zip(ro, ry)) / (2 * N)
    eta = doc["learning_rate"]
    W1_new = [[w - eta * g for w, g in zip(rw, rg)] for rw, rg in zip(W1, W1_update)]

    qs = solve(IRIS, notation="batch").questions[0]
    answers = qs.answers()
    assert np.allclose(answers["z1"]["exact"], H_in) and np.allclose(answers["a2"]["exact"], O_out)
    assert np.isclose(answers["loss"]["exact"], loss)
    assert np.allclose(answers["delta2"]["exact"], O_delta) and np.allclose(answers["delta1"]["exact"], H_delta)
    assert np.allclose(answers["dW2"]["exact"], _t(W2_update)) and np.allclose(answers["dW1"]["exact"], _t(W1_update))
    assert np.allclose(answers["W1_new"]["exact"], _t(W1_new))
    v = build_view(qs)
    decimals = qs.question.display.decimals
    for key, ours in (("error2", O_error), ("error1", H_error), ("dW2", W2_update), ("dW1", W1_update),
                      ("W1", W1), ("W1_new", W1_new)):
        assert np.allclose(v[key], ours, atol=0.5 * 10 ** -decimals + 1e-12), key


# ---------------------------------------------------------------- what it writes

def _write(tmp: Path, doc: dict) -> Path:
    path = tmp / "q.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def _network(rng, sizes, acts, bias):
    layers = []
    for l, act in enumerate(acts):
        layer = {"units": sizes[l + 1], "activation": act,
                 "weights": rng.choice(np.arange(-9, 10) / 10, (sizes[l + 1], sizes[l])).tolist()}
        if bias:
            layer["biases"] = rng.choice(np.arange(-5, 6) / 10, sizes[l + 1]).tolist()
        layers.append(layer)
    return {"inputs": sizes[0], "bias": bias, "layers": layers}


def _targets(rng, loss, n, outputs):
    if loss in ("cce",):
        return np.eye(outputs)[rng.integers(0, outputs, n)].tolist()
    if loss == "bce":
        return rng.integers(0, 2, (n, outputs)).astype(float).tolist()
    if loss == "hinge":
        return rng.choice([-1.0, 1.0], (n, outputs)).tolist()
    return rng.choice(np.arange(-10, 11) / 10, (n, outputs)).tolist()


CASES = [  # sizes, activations, loss, reduction, bias, examples
    ((2, 3, 1), ("sigmoid", "sigmoid"), "bce", "mean", True, 1),
    ((2, 3, 3), ("relu", "softmax"), "cce", "mean", True, 2),
    ((2, 2, 3), ("tanh", "softmax"), "mse", "half_sum", True, 2),
    ((3, 3, 2, 2, 1), ("leaky_relu", "tanh", "sigmoid", "sigmoid"), "bce", "half_mean", True, 3),
    ((2, 2, 1), ("relu", "linear"), "huber", "sum", False, 2),
    ((2, 2, 1), ("sigmoid", "tanh"), "hinge", "mean", True, 2),
    ((3, 2), ("sigmoid",), "mae", "mean", True, 2),
    ((2, 3, 1), ("softmax", "sigmoid"), "mse", "mean", False, 2),
    ((2, 2, 1), ("step", "linear"), "mse", "sum", True, 1),
]


def _case(tmp: Path, case, seed=0) -> Path:
    sizes, acts, loss, red, bias, n = case
    rng = np.random.default_rng(seed)
    doc = {"kind": "backprop", "notation": "batch", "network": _network(rng, sizes, acts, bias),
           "data": {"x": rng.choice(np.arange(-10, 11) / 10, (n, sizes[0])).tolist(),
                    "y": _targets(rng, loss, n, sizes[-1])},
           "loss": loss, "reduction": red, "learning_rate": 0.1}
    return _write(tmp, doc)


NETWORK_ANSWERS = ("linear", "activation", "output_delta", "hidden_delta", "weight_grad", "bias_grad", "update")


def shown_matrices(qs) -> dict[str, np.ndarray]:
    """Each answer key as the batch notation shows it: rows are examples, W_l is W^{[l]} transposed."""
    out = {}
    for s in qs.steps:
        if s.kind.value not in NETWORK_ANSWERS:
            continue
        value = np.asarray(s.value, dtype=float)
        if s.kind.value == "weight_grad" or (s.kind.value == "update" and s.info.param == "W"):
            value = value.T
        elif s.kind.value in ("bias_grad", "update"):
            value = value[None, :]
        out[s.key] = value
    return out


def assert_every_answer_is_written(qs, text: str) -> None:
    f = Formatter(BatchNotation(len(qs.question.network.layers), 1), qs.question.display.decimals)
    for key, value in shown_matrices(qs).items():
        assert f.matrix(value) in text, key
    for s in qs.steps:
        if s.key == "loss":
            assert f"= {format_number(s.value, qs.question.display.decimals)}" in text


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[2]}-{c[1][-1]}-{len(c[0]) - 1}layers")
def test_every_answer_key_is_written_and_keys_do_not_depend_on_the_notation(case, tmp_path):
    path = _case(tmp_path, case)
    solution = solve(path)
    qs = solution.questions[0]
    assert qs.question.display.notation == "batch"
    for fmt in ("markdown", "latex"):
        assert_every_answer_is_written(qs, solution.render(fmt, assets={}))
    assert solution.to_json() == solve(path, notation="layer").to_json()


@pytest.mark.parametrize("case", CASES[:4], ids=lambda c: f"{c[2]}-{c[1][-1]}")
def test_latex_compiles_without_overfull_boxes(case, tmp_path, latex_engine):
    tex = solve(_case(tmp_path, case)).render("latex")
    _compile(tex, tmp_path, latex_engine)


def _compile(tex: str, folder: Path, engine: str) -> None:
    import re
    (folder / "doc.tex").write_text(tex)
    proc = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=folder,
                          capture_output=True, text=True, timeout=180)
    log = (folder / "doc.log").read_text(errors="replace")
    assert proc.returncode == 0, log[-3000:]
    wide = [float(w) for w in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide", log)]
    assert all(w <= 10 for w in wide), wide


def test_exam1_in_batch_notation_compiles(tmp_path, latex_engine):
    _compile(solve(ROOT / "problems" / "exam1.yaml", notation="batch").render("latex"), tmp_path, latex_engine)


def test_the_seed_reads_like_the_notes(seed):
    qs, _ = seed
    from solver.api import Solution  # noqa: F401  (the Solution type is what solve returns)
    md = solve(SEED).render("markdown", assets={})
    for written in (r"H_{\text{in}} = X W_{1} =", r"O_{\text{error}} = O_{\text{out}} - Y =",
                    r"O_{\text{delta}} = O_{\text{error}} \odot \sigma'\left(O_{\text{in}}\right)",
                    r"\sigma'\left(O_{\text{in}}\right) = O_{\text{out}} \odot \left(1 - O_{\text{out}}\right)",
                    r"H_{\text{error}} = O_{\text{delta}} W_{2}^{T} =",
                    r"W_{2\text{-update}} = \frac{1}{N} H_{\text{out}}^{T} O_{\text{delta}} = \frac{1}{3}",
                    r"W_{1\text{-update}} = \frac{1}{N} X^{T} H_{\text{delta}}",
                    r"L = \frac{1}{2N} \sum_{e=1}^{N}", "| $W_{1}$ | $4 \\times 2$ |"):
        assert written in md, written
    # the notes' order: O_delta, W_2-update, then H_error and H_delta, then W_1-update
    order = [md.index(t) for t in (r"O_{\text{delta}} = O_{\text{error}}", r"W_{2\text{-update}} = ",
                                   r"H_{\text{error}} = ", r"W_{1\text{-update}} = ")]
    assert order == sorted(order)


def test_brief_drops_the_words_and_keeps_the_mathematics():
    solution = solve(SEED)
    full, brief = solution.render("markdown", assets={}), solution.render("markdown", assets={}, brief=True)
    assert "Backpropagation starts at the output" in full and "Backpropagation starts" not in brief
    assert "The whole batch at once" not in brief
    assert_every_answer_is_written(solution.questions[0], brief)


def test_a_train_question_works_its_first_update_in_batch_notation():
    solution = solve(ROOT / "problems" / "train.yaml", notation="batch")
    md = solution.render("markdown", assets={})
    for qs in solution.questions:
        if any(s.key == "z1" for s in qs.steps):
            assert r"H_{\text{in}} = X W_{1} + b_{1} =" in md
            assert "| $X$ |" in md      # no given step: the shapes open the first step
            assert_every_answer_is_written(qs, md)


# ---------------------------------------------------------------- the check of what it writes

def test_a_matrix_equation_that_disagrees_with_the_steps_raises():
    import dataclasses
    qs = solve(IRIS).questions[0]
    broken = tuple(dataclasses.replace(s, exact=np.asarray(s.exact) * 1.001) if s.key == "dW2" else s
                   for s in qs.steps)
    with pytest.raises(CrossCheckError, match="W_2-update"):
        build_view(dataclasses.replace(qs, steps=broken))


# ---------------------------------------------------------------- properties

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(1, 4),
       st.sampled_from(["sigmoid", "tanh", "linear", "relu", "leaky_relu"]),
       st.sampled_from(["mean", "sum", "half_mean", "half_sum"]), st.booleans(), st.integers(0, 10 ** 6))
def test_batch_form_is_the_same_whatever_the_order_of_the_examples(n_in, hidden, out, n, act, red, bias, seed):
    """The rows of X are the examples: permuting them permutes the rows of every activation and
    delta and leaves the gradients unchanged; every matrix equation written checks out."""
    case = ((n_in, hidden, out), (act, "sigmoid"), "mse", red, bias, n)
    with tempfile.TemporaryDirectory() as tmp:
        path = _case(Path(tmp), case, seed)
        doc = yaml.safe_load(path.read_text())
        qs = solve(path).questions[0]
        v = build_view(qs)            # raises CrossCheckError if any written equation is off
        perm = np.random.default_rng(seed).permutation(n)
        doc["data"]["x"] = [doc["data"]["x"][i] for i in perm]
        doc["data"]["y"] = [doc["data"]["y"][i] for i in perm]
        permuted = solve(_write(Path(tmp), doc)).questions[0]
    exact = {s.key: np.asarray(s.exact, dtype=float) for s in qs.steps if s.is_answer}
    other = {s.key: np.asarray(s.exact, dtype=float) for s in permuted.steps if s.is_answer}
    for key in ("z1", "a2", "delta2", "delta1"):
        assert np.allclose(other[key], exact[key][perm]), key
    for key in ("dW1", "dW2", "loss"):
        assert np.allclose(other[key], exact[key]), key
    assert v["X"].shape == (n, n_in) and v["W1"].shape == (n_in, hidden) and v["error1"].shape == (n, hidden)


# ---------------------------------------------------------------- the command line

def test_command_line_end_to_end(tmp_path):
    py = str(ROOT / ".venv" / "bin" / "python")
    md = tmp_path / "seed.md"
    run = subprocess.run([py, "-m", "solver", str(SEED), "--format", "markdown", "-o", str(md)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    text = md.read_text()
    assert r"O_{\text{delta}}" in text
    for picture in tmp_path.glob("*.svg"):
        assert picture.name in text
    tex = tmp_path / "seed.tex"
    run = subprocess.run([py, "-m", "solver", str(IRIS), "--notation", "batch", "--format", "latex", "-o", str(tex)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and r"W_{2\text{-update}}" in tex.read_text()
    run = subprocess.run([py, "-m", "solver", str(SEED), "--format", "json", "-o", "-"],
                         capture_output=True, text=True, cwd=ROOT)
    keys = json.loads(run.stdout)["questions"][0]["answers"]
    assert np.array(keys["W1_new"]["value"]).shape == (2, 4)      # answer keys keep units x inputs


def test_command_line_pdf(tmp_path, latex_engine):
    pdf = tmp_path / "seed.pdf"
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "solver", str(SEED), "--format", "pdf",
                          "-o", str(pdf)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_module_exposes_the_notation_object():
    assert notation_batch.NOTATION is BatchNotation and BatchNotation.name == "batch"
