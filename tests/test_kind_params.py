"""params questions: the reader, the counts against the notes and a plain count, the rendering."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from solver import solve
from solver.errors import CrossCheckError, ProblemError
from solver.kinds.params import steps as params_kind
from solver.model import Question
from solver.kinds.params.fields import ParamsSpec
from solver.problem import read_problem
from solver.steps import StepKind
from solver.yamlsource import load_bytes


def read(text: str):
    return read_problem(load_bytes(text.encode(), "q.yaml")).questions[0].spec


def answers(spec: ParamsSpec) -> dict:
    steps = params_kind.solve(Question("q1", "params", None, None, None, None, spec=spec))
    return {s.key: s.value for s in steps}


def plain_count(sizes, bias=True) -> int:
    """Independently: every unit of every layer has a weight per unit of the layer before, and a bias."""
    total = 0
    for before, units in zip(sizes, sizes[1:]):
        for _unit in range(units):
            total += before + (1 if bias else 0)
    return total


# ------------------------------------------------------------------ reader

@pytest.mark.parametrize("text, sizes, bias, names", [
    ("kind: params\nsizes: [4, 3, 2, 1]\n", (4, 3, 2, 1), True, ()),
    ("kind: params\nsizes: [2, 1]\nbias: false\n", (2, 1), False, ()),
    ("kind: params\nsizes: [784.0, 10]\n", (784, 10), True, ()),
    ("kind: params\nnetwork:\n  inputs: [iq, cgpa]\n  layers: [{units: 2}, {units: 1, activation: linear}]\n",
     (2, 2, 1), True, ("iq", "cgpa")),
    # a forward question's network, weights and all: only its shape counts
    ("kind: params\nnetwork:\n  inputs: 2\n  bias: false\n  layers:\n"
     "    - {units: 3, activation: sigmoid, weights: [[0.2, 0.4], [0.1, 0.3], [0.5, -0.2]]}\n",
     (2, 3), False, ()),
])
def test_reader_accepts(text, sizes, bias, names):
    spec = read(text)
    assert (spec.sizes, spec.bias, spec.input_names) == (sizes, bias, names)


@pytest.mark.parametrize("text, where, message", [
    ("kind: params\nsizes: [4, 0, 1]\n", "q.yaml:2:12: sizes[1]: ", "a layer of 0 units"),
    ("kind: params\nsizes: [3]\n", "q.yaml:2:1: sizes: ", "needs at least 2 numbers"),
    ("kind: params\nsizes: 4-3-2-1\n", "q.yaml:2:1: sizes: ", "write the sizes as a list: sizes: [4, 3, 2, 1]"),
    ("kind: params\nsizes: [4, true]\n", "q.yaml:2:12: sizes[1]: ", "expected a whole number"),
    ("kind: params\nsizes: [4, 3]\nbias: 1\n", "q.yaml:3:1: bias: ", "expected true or false"),
    ("kind: params\n", "q.yaml:1:1: ", "sizes: missing"),
    ("kind: params\nsizes: [4, 3]\nnetwork: {inputs: 4, layers: [{units: 3}]}\n", "q.yaml:3:1: network: ",
     "either sizes or network"),
    ("kind: params\nnetwork: {inputs: 4, layers: [{unit: 3}]}\n", "q.yaml:2:32: network.layers[0].unit: ",
     "did you mean 'units'?"),
])
def test_reader_rejects(text, where, message):
    with pytest.raises(ProblemError) as info:
        read(text)
    assert str(info.value).startswith(where), str(info.value)
    assert message in str(info.value)


# ------------------------------------------------------------------ counts

@pytest.mark.parametrize("sizes, bias, total", [
    ((4, 3, 2, 1), True, 26),        # the notes' MLP: "it tries to find these 26 parameters"
    ((2, 2, 1), True, 9),            # the notes' iq/cgpa network: "a total of 9 trainable parameters"
    ((5, 4, 3, 2, 1), True, 50),     # the notes write 20 + 15 + 8 + 3 = 46: layer 1's 4 biases forgotten
    ((4, 3, 2, 1), False, 20),
    ((784, 128, 64, 10), True, 109_386),
])
def test_totals_against_the_notes_and_by_hand(sizes, bias, total):
    got = answers(ParamsSpec(sizes, bias))
    assert got["total"] == total == plain_count(sizes, bias)


def test_the_notes_46_is_the_50_without_layer_1s_biases():
    got = answers(ParamsSpec((5, 4, 3, 2, 1)))
    assert [got[f"weights{l}"] + got[f"biases{l}"] for l in (1, 2, 3, 4)] == [24, 15, 8, 3]
    assert got["total"] - got["biases1"] == 46


def test_steps_keys_and_layout():
    steps = params_kind.solve(Question("q1", "params", None, None, None, None, spec=ParamsSpec((4, 3, 2, 1))))
    assert [s.key for s in steps] == ["weights1", "biases1", "weights2", "biases2", "weights3", "biases3", "total"]
    assert all(s.part_of == f"weights{s.layer}" for s in steps if s.key.startswith("biases"))
    total = steps[-1]
    assert total.kind is StepKind.PARAM_TOTAL and total.inputs == tuple(s.key for s in steps[:-1])
    assert all(s.inputs == () for s in steps[:-1])
    # a student who forgot every bias: the total is recomputed from their own counts
    theirs = {s.key: np.asarray(0 if s.key.startswith("biases") else s.value) for s in steps[:-1]}
    assert total.recompute(theirs) == 20


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=2, max_size=8), st.booleans())
def test_counts_equal_the_entries_of_real_arrays(sizes, bias):
    got = answers(ParamsSpec(tuple(sizes), bias))
    for l, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        assert got[f"weights{l}"] == np.zeros((n_out, n_in)).size
        assert got[f"biases{l}"] == (np.zeros(n_out).size if bias else 0)
    assert got["total"] == plain_count(sizes, bias)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 10**6), min_size=2, max_size=21))
def test_biases_add_one_per_unit_past_the_inputs(sizes):
    with_bias = answers(ParamsSpec(tuple(sizes), True))["total"]
    without = answers(ParamsSpec(tuple(sizes), False))["total"]
    assert with_bias - without == sum(sizes[1:])
    assert without == sum(a * b for a, b in zip(sizes, sizes[1:]))


def test_a_disagreement_is_a_cross_check_error(monkeypatch):
    monkeypatch.setattr(params_kind, "entries", lambda spec: [(12, 3), (6, 2), (2, 0)])
    with pytest.raises(CrossCheckError, match="layer 3"):
        answers(ParamsSpec((4, 3, 2, 1)))


# ------------------------------------------------------------------ the solution as the user sees it

def test_json_counts_are_whole_numbers():
    out = solve(ROOT / "problems" / "params.yaml").to_json()
    q1 = out["questions"][0]["answers"]
    assert q1["total"] == {"value": 26, "exact": 26}
    assert all(isinstance(v["value"], int) for q in out["questions"] for v in q["answers"].values())


def test_markdown_writes_the_arithmetic():
    md = solve(ROOT / "problems" / "params.yaml", question="q1").render("markdown", detail="full")
    assert r"P_{1} = n_{0} \cdot n_{1} + n_{1} = 4 \cdot 3 + 3 = 15" in md
    assert "P = P_{1} + P_{2} + P_{3} = 15 + 8 + 3 = 26" in md
    assert "`biases1` $= 3$" in md


def test_standard_writes_each_layer_in_one_line_and_no_table():
    """--detail standard: each count once (weights, biases, their sum), every key still named;
    the table of the layers, which repeats them, only under --detail full."""
    solution = solve(ROOT / "problems" / "params.yaml", question="q1")
    md = solution.render("markdown")
    assert (r"\text{weights } n_{0} \cdot n_{1} = 4 \cdot 3 = 12,\qquad \text{biases } n_{1} = 3,"
            r"\qquad P_{1} = 12 + 3 = 15") in md
    assert "P = P_{1} + P_{2} + P_{3} = 15 + 8 + 3 = 26" in md
    assert "| layer |" not in md and "| layer |" in solution.render("markdown", detail="full")
    assert md.count(r"4 \cdot 3") == 1
    for key in solution.questions[0].answers():
        assert f"`{key}`" in md
    brief = solution.render("markdown", brief=True)
    assert "`biases1` $= 3$" in brief


@pytest.mark.parametrize("fmt, ext", [("markdown", "md"), ("latex", "tex"), ("json", "json")])
def test_command_line(fmt, ext, tmp_path):
    out = tmp_path / f"params.{ext}"
    proc = subprocess.run([sys.executable, "-m", "solver", "problems/params.yaml", "--format", fmt, "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    if fmt == "json":
        assert json.loads(text)["questions"][1]["answers"]["total"]["value"] == 9
    else:
        assert "26" in text and "109386" in text


def test_command_line_pdf(tmp_path, latex_engine):
    out = tmp_path / "params.pdf"
    proc = subprocess.run([sys.executable, "-m", "solver", "problems/params.yaml", "--format", "pdf", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:5] == b"%PDF-"


# ------------------------------------------------------------------ convolution layers

def plain_conv_count(layers, bias=True) -> int:
    """Independently: every weight of every kernel (one per channel, row and column), and a bias each."""
    total = 0
    for channels, filters, k in layers:
        for _f in range(filters):
            total += sum(1 for _c in range(channels) for _a in range(k) for _b in range(k)) + (1 if bias else 0)
    return total


def test_convolution_layers_are_counted_before_the_dense_ones():
    spec = read("kind: params\nconv_layers:\n  - {channels: 3, filters: 16, kernel: 3}\n  - {filters: 32, kernel: 5}\n"
                "sizes: [512, 10]\n")
    assert spec.conv == ((3, 16, 3), (16, 32, 5))
    got = answers(spec)
    assert (got["conv_weights1"], got["conv_biases1"]) == (16 * 3 * 3 * 3, 16)
    assert (got["conv_weights2"], got["conv_biases2"]) == (32 * 16 * 5 * 5, 32)
    assert got["total"] == plain_conv_count(spec.conv) + plain_count((512, 10)) == 18410


def test_convolution_layers_alone_and_without_biases():
    spec = read("kind: params\nconv_layers: [{channels: 1, filters: 6, kernel: 5}]\nbias: false\n")
    got = answers(spec)
    assert got == {"conv_weights1": 150, "conv_biases1": 0, "total": 150}
    assert plain_conv_count(spec.conv, bias=False) == 150


@pytest.mark.parametrize("text, where, message", [
    ("kind: params\nconv_layers: [{filters: 6, kernel: 5}]\n", "q.yaml:2:15: conv_layers[0]: ", "channels: missing"),
    ("kind: params\nconv_layers: [{channels: 3, filters: 6, kernel: 5}, {channels: 3, filters: 8, kernel: 3}]\n",
     "q.yaml:2:54: conv_layers[1].channels: ", "the layer before has 6 filters"),
    ("kind: params\nconv_layers: [{channels: 3, kernel: 5}]\n", "q.yaml:2:15: conv_layers[0]: ", "filters: missing"),
    ("kind: params\nconv_layers: [{channels: 3, filters: 6, kernel: 5, stride: 2}]\n", "q.yaml:2:52: conv_layers[0].stride: ",
     "unknown key 'stride'"),
])
def test_convolution_layers_refused(text, where, message):
    with pytest.raises(ProblemError) as info:
        read(text)
    assert str(info.value).startswith(where), str(info.value)
    assert message in str(info.value)


def test_convolution_layers_on_the_page():
    text = solve(ROOT / "problems" / "params.yaml").render("markdown", assets={}, stem="params")
    assert r"F \cdot C \cdot k^{2} = 6 \cdot 1 \cdot 5^{2} = 150" in text
    assert "= 61706" in text          # LeNet-5, as its paper counts it
