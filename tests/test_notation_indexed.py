"""The `indexed` notation of the notes: names, the chains weight by weight, the seed's 2-2-1
regression checked by hand, every answer written where its step is, and the documents."""
from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from conftest import ROOT
from solver import solve
from solver.model import Display
from solver.render.notation import notation_for
from solver.render.notation_indexed import IndexedNotation
from solver.render.printer import ExamPrinter
from solver.solution import QuestionSolution, Solution
from solver.symbols import sym
from solver.kinds import solved
from test_properties import _well_conditioned, questions

SEED = ROOT / "problems" / "seed_regression.yaml"
EXAM = ROOT / "problems" / "exam1.yaml"


def _notation(sizes, activations):
    from solver.model import Layer, Network
    layers, fan_in = [], sizes[0]
    for units, act in zip(sizes[1:], activations):
        layers.append(Layer(units, act, np.ones((units, fan_in)), np.zeros(units)))
        fan_in = units
    return IndexedNotation.for_network(Network(tuple(f"x{k + 1}" for k in range(sizes[0])), tuple(layers)))


# ------------------------------------------------------------------ names

SIGMOID_231 = _notation((2, 3, 1), ("sigmoid", "sigmoid"))
LINEAR_221 = _notation((2, 2, 1), ("linear", "linear"))
TWO_OUT = _notation((2, 2, 2), ("tanh", "sigmoid"))


@pytest.mark.parametrize("notation, symbol, tex", [
    (SIGMOID_231, sym("W", 1, 3, 2), "w^{1}_{23}"),        # W^{[1]}_{32}: into node 3 from input 2
    (SIGMOID_231, sym("W", 2, 1, 3), "w^{2}_{31}"),
    (SIGMOID_231, sym("b", 1, 2), "b_{12}"),
    (SIGMOID_231, sym("a", 1, 3), "O_{13}"),
    (SIGMOID_231, sym("z", 1, 3), "z_{13}"),
    (SIGMOID_231, sym("a", 2, 1), r"\hat{y}"),
    (SIGMOID_231, sym("z", 2, 1), "z_{21}"),
    (SIGMOID_231, sym("delta", 1, 2), r"\delta_{12}"),
    (SIGMOID_231, sym("x", None, 2), "x_{i2}"),
    (SIGMOID_231, sym("x", None, 2, None, 3), "x_{32}"),     # row 3, input 2
    (SIGMOID_231, sym("a", 1, 1, None, 2), "O^{(2)}_{11}"),
    (SIGMOID_231, sym("y"), "y"),
    (LINEAR_221, sym("z", 1, 2), "O_{12}"),                   # a linear layer's sum is its output
    (LINEAR_221, sym("z", 2, 1), r"\hat{y}"),
    (TWO_OUT, sym("a", 2, 2), r"\hat{y}_{2}"),
    (TWO_OUT, sym("y", None, 2), "y_{2}"),
    (_notation((12, 11, 1), ("relu", "sigmoid")), sym("W", 1, 11, 12), "w^{1}_{12,11}"),
    (_notation((12, 11, 1), ("relu", "sigmoid")), sym("b", 1, 11), "b_{1,11}"),
])
def test_names(notation, symbol, tex):
    assert ExamPrinter(notation, 4).doprint(symbol) == tex


def test_tagged_and_without_network():
    assert SIGMOID_231.tagged(sym("W", 1, 1, 2), "new") == r"w^{1}_{21,\text{new}}"
    assert SIGMOID_231.tagged(sym("b", 2, 1), "new") == r"b_{21,\text{new}}"
    bare = notation_for("indexed", None)
    assert bare.name == "indexed" and ExamPrinter(bare, 2).doprint(sym("W", 1, 1, 1)) == "w^{1}_{11}"


# ------------------------------------------------------------------ the notes' 2-2-1 regression

def _seed():
    return solve(SEED).questions[0]


def _hand_221():
    """The notes' network worked in exact fractions, written out as the notes write it."""
    x1, x2, y, eta = Fraction(80), Fraction(8), Fraction(3), Fraction(1, 10)
    w = {name: Fraction(1) for name in ("w1_11", "w1_21", "w1_12", "w1_22", "w2_11", "w2_21")}
    b = {name: Fraction(0) for name in ("b11", "b12", "b21")}
    o11 = w["w1_11"] * x1 + w["w1_21"] * x2 + b["b11"]
    o12 = w["w1_12"] * x1 + w["w1_22"] * x2 + b["b12"]
    yhat = w["w2_11"] * o11 + w["w2_21"] * o12 + b["b21"]
    dl_dyhat = -2 * (y - yhat)
    nine = {"w2_11": dl_dyhat * o11, "w2_21": dl_dyhat * o12, "b21": dl_dyhat,
            "w1_11": dl_dyhat * w["w2_11"] * x1, "w1_21": dl_dyhat * w["w2_11"] * x2, "b11": dl_dyhat * w["w2_11"],
            "w1_12": dl_dyhat * w["w2_21"] * x1, "w1_22": dl_dyhat * w["w2_21"] * x2, "b12": dl_dyhat * w["w2_21"]}
    new = {k: ({**w, **b}[k] - eta * d) for k, d in nine.items()}
    return o11, o12, yhat, (y - yhat) ** 2, nine, new


def test_seed_regression_matches_the_hand_calculation():
    o11, o12, yhat, loss, nine, new = _hand_221()
    assert (o11, o12, yhat, loss) == (88, 88, 176, 29929)
    answers = _seed().answers()
    assert answers["a1"]["value"] == [88, 88] and answers["yhat"]["value"] == [176]
    assert answers["loss"]["value"] == 29929
    assert answers["delta2"]["value"] == [346]
    # dW rows are units (to node j), columns inputs (from node i): dW1[j-1][i-1] is dL/dw^1_ij
    assert answers["dW2"]["value"] == [[float(nine["w2_11"]), float(nine["w2_21"])]]
    assert answers["db2"]["value"] == [float(nine["b21"])]
    assert answers["dW1"]["value"] == [[float(nine["w1_11"]), float(nine["w1_21"])],
                                       [float(nine["w1_12"]), float(nine["w1_22"])]]
    assert answers["db1"]["value"] == [float(nine["b11"]), float(nine["b12"])]
    assert answers["W1_new"]["value"] == [[float(new["w1_11"]), float(new["w1_21"])],
                                          [float(new["w1_12"]), float(new["w1_22"])]]
    assert answers["W2_new"]["value"] == [[-3043.8, -3043.8]]
    assert answers["b2_new"]["value"] == [float(new["b21"])] == [-34.6]


def _md(stem_or_path, notation=None, brief=False) -> str:
    return solve(stem_or_path, notation=notation).render("markdown", assets={}, stem="t", brief=brief)


def test_seed_regression_writes_the_notes_chains():
    text = _md(SEED)
    # the forward pass as the notes write it: a linear node's sum is its output
    assert r"O_{11} = w^{1}_{11} \cdot x_{i1} + w^{1}_{21} \cdot x_{i2} + b_{11} = 1 \cdot 80 + 1 \cdot 8 + 0 = 88.0000" in text
    assert r"\hat{y} = w^{2}_{11} \cdot O_{11} + w^{2}_{21} \cdot O_{12} + b_{21}" in text
    assert r"\delta_{21} = \frac{\partial L}{\partial \hat{y}} = 2 \cdot \left(\hat{y} - y\right) = 2 \cdot \left(176.0000 - 3\right) = 346.0000" in text
    # the nine derivatives, each as a chain; the known factor under a brace with its step
    for param, chain, local in [
        ("w^{2}_{11}", r"\underbrace{\frac{\partial L}{\partial \hat{y}}}_{\delta_{21}\text{, step 8}}", "O_{11} = 88"),
        ("w^{2}_{21}", r"\underbrace{\frac{\partial L}{\partial \hat{y}}}_{\delta_{21}\text{, step 8}}", "O_{12} = 88"),
        ("b_{21}", r"\underbrace{\frac{\partial L}{\partial \hat{y}}}_{\delta_{21}\text{, step 8}}", "= 1$$"),
        ("w^{1}_{11}", r"\underbrace{\frac{\partial L}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial O_{11}}}_{\delta_{11}\text{, step 11}}", "x_{i1} = 80"),
        ("w^{1}_{21}", r"\frac{\partial \hat{y}}{\partial O_{11}}}_{\delta_{11}\text{, step 11}}", "x_{i2} = 8"),
        ("b_{11}", r"\frac{\partial \hat{y}}{\partial O_{11}}}_{\delta_{11}\text{, step 11}}", "= 1$$"),
        ("w^{1}_{12}", r"\frac{\partial \hat{y}}{\partial O_{12}}}_{\delta_{12}\text{, step 11}}", "x_{i1} = 80"),
        ("w^{1}_{22}", r"\frac{\partial \hat{y}}{\partial O_{12}}}_{\delta_{12}\text{, step 11}}", "x_{i2} = 8"),
        ("b_{12}", r"\frac{\partial \hat{y}}{\partial O_{12}}}_{\delta_{12}\text{, step 11}}", "= 1$$"),
    ]:
        head = rf"$$\frac{{\partial L}}{{\partial {param}}} = "
        block = text[text.index(head):]
        first = block.split("\n\n")[0]
        assert chain in first, param
        assert local in block.split("\n\n")[1], param
    # dy-hat/dO_11 is derived once, where delta_11 is found, and referred to after
    assert text.count(r"\frac{\partial \hat{y}}{\partial O_{11}} = \frac{\partial}{\partial O_{11}}") == 1
    assert r"\frac{\partial \hat{y}}{\partial O_{11}} = \frac{\partial}{\partial O_{11}}\left(w^{2}_{11} \cdot O_{11} + w^{2}_{21} \cdot O_{12} + b_{21}\right) = w^{2}_{11} = 1" in text
    assert r"\delta_{11} = w^{2}_{11} \cdot \delta_{21} = 1 \cdot 346.0000 = 346.0000" in text
    assert r"w^{1}_{11,\text{new}} = w^{1}_{11} - \eta \frac{\partial L}{\partial w^{1}_{11}} = 1 - 0.1 \cdot 27680.0000 = -2767.0000" in text


def test_the_nine_derivatives_come_layer_by_layer_node_by_node():
    """As the notes group them: layer 2 first; in layer 1 the weights into O_11, then into O_12
    (the biases follow the weights, in their own answer step)."""
    text = _md(SEED)
    heads = re.findall(r"^\$\$\\frac\{\\partial L\}\{\\partial (.+?)\} = \\underbrace", text, re.M)
    assert heads == ["w^{2}_{11}", "w^{2}_{21}", "b_{21}", "w^{1}_{11}", "w^{1}_{21}", "w^{1}_{12}", "w^{1}_{22}",
                     "b_{11}", "b_{12}"]


def test_sigmoid_chain_has_the_activation_factors_and_sums_paths():
    text = _md(EXAM, "indexed")
    assert (r"\delta_{11} = \frac{\partial L}{\partial z_{11}} = \underbrace{\frac{\partial L}{\partial z_{21}}}_{\text{step 8}}"
            r" \cdot \frac{\partial z_{21}}{\partial O_{11}} \cdot \frac{\partial O_{11}}{\partial z_{11}}") in text
    assert r"\frac{\partial O_{11}}{\partial z_{11}} = \sigma'\left(z_{11}\right) = O_{11} \cdot \left(1 - O_{11}\right) = 0.5793 \cdot \left(1 - 0.5793\right) = 0.2437" in text


# ------------------------------------------------------------------ every answer written where it belongs

def _sections(text: str) -> dict[str, str]:
    """The text of each answer step, by its key."""
    out = {}
    for part in re.split(r"^### ", text, flags=re.M)[1:]:
        m = re.search(r"\(answer key `([^`]+)`\)", part.splitlines()[0])
        if m:
            out[m.group(1)] = part
    return out


def _assert_every_answer_written(qs: QuestionSolution, text: str) -> None:
    from solver.rounding import format_number
    sections = _sections(text)
    for s in qs.steps:
        if not s.is_answer or s.part_of is not None:
            continue
        body = sections[s.key]
        for v in np.ravel(s.value):
            shown = format_number(float(v), qs.question.display.decimals)
            assert re.search(rf"(=|\|) \$?{re.escape(shown)}(\$|\s|,)", body), (s.key, shown)


@pytest.mark.parametrize("path", [SEED, EXAM])
def test_every_answer_of_the_problems_is_written_in_its_step(path):
    solution = solve(path, notation="indexed")
    text = solution.render("markdown", assets={}, stem="t")
    for qs, part in zip(solution.questions, re.split(r"^## Question", text, flags=re.M)[1:]):
        _assert_every_answer_written(qs, part)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(questions())
def test_any_network_renders_with_every_answer_in_its_step(q):
    _well_conditioned(q)
    q = dataclasses.replace(q, display=Display(decimals=4, carry="rounded", notation="indexed"))
    qs = solved(q)
    from solver.model import Problem
    solution = Solution(Problem("t.yaml", None, (q,)), (qs,))
    text = solution.render("markdown", assets={}, stem="t")
    _assert_every_answer_written(qs, text)
    latex = solution.render("latex", assets={}, stem="t")
    assert r"\underbrace" in latex and "\\end{document}" in latex
    assert "W^{[" not in text          # no layer-notation name leaks into the indexed document


def test_answer_keys_do_not_depend_on_the_notation():
    for path in (SEED, EXAM):
        assert solve(path, notation="indexed").to_json() == solve(path, notation="layer").to_json()


def test_brief_drops_the_words_keeps_the_chains():
    full, brief = _md(SEED), _md(SEED, brief=True)
    assert "The notation of the notes" in full and "The notation of the notes" not in brief
    assert "by the chain rule" not in brief
    assert brief.count(r"\underbrace") == full.count(r"\underbrace") > 9


def test_train_question_worked_update_in_indexed_notation():
    solution = solve(ROOT / "problems" / "train.yaml", notation="indexed")
    text = solution.render("markdown", assets={}, stem="t")
    assert r"\underbrace" in text and "w^{1}_{11" in text


# ------------------------------------------------------------------ command line

def _cli(*args):
    return subprocess.run([sys.executable, "-m", "solver", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def test_cli_markdown_with_pictures_latex_and_json(tmp_path):
    md = tmp_path / "s.md"
    r = _cli(SEED, "--format", "markdown", "-o", md)
    assert r.returncode == 0, r.stderr
    text = md.read_text()
    for name in re.findall(r"\]\(([^)]+\.svg)\)", text):
        assert (tmp_path / name).exists()
    assert r"w^{1}_{11}" in text
    tex = tmp_path / "s.tex"
    assert _cli(SEED, "--format", "latex", "-o", tex).returncode == 0
    assert r"\underbrace" in tex.read_text()
    js = _cli(SEED, "--format", "json", "-o", "-")
    assert json.loads(js.stdout)["questions"][0]["answers"]["dW1"]["value"] == [[27680, 2768], [27680, 2768]]
    r = _cli(EXAM, "--notation", "indexed", "--format", "markdown", "-o", "-")
    assert r.returncode == 0 and r"\delta_{13}" in r.stdout


def test_cli_pdf(tmp_path, latex_engine):
    pdf = tmp_path / "s.pdf"
    r = _cli(SEED, "--format", "pdf", "-o", pdf)
    assert r.returncode == 0, r.stderr
    assert pdf.read_bytes()[:4] == b"%PDF"
