"""The network drawn for forward, backprop and train questions: layout, elision, labels in the
question's notation, where the labels go (tests/test_picture_layout.py checks the drawn coordinates), the SVG
beside the Markdown and the TikZ."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from conftest import ROOT, latex_engine_or_skip
from solver import solve
from solver.cli import main
from solver.figures import Diagram
from solver.model import Layer, Network
from solver.network_diagram import MAX_LABELLED, network_diagram, shown_units
from solver.render.documents import latex_escape, markdown_escape
from solver.render.figures import Pictures, _node_tex, diagram_layout, svg, tikz
from solver.render.formatter import Formatter
from solver.render.notation import LayerNotation
from solver.steps import StepKind
from solver.symbols import meaning, sym

SVG_START = b"<svg xmlns="


def network(*sizes: int, activation: str = "sigmoid", bias: bool = True) -> Network:
    layers = tuple(Layer(n, activation, np.full((n, m), 0.1), np.zeros(n))
                   for m, n in zip(sizes, sizes[1:]))
    return Network(tuple(f"x{i + 1}" for i in range(sizes[0])), layers, bias)


def formatter(net: Network, fmt: str = "latex", notation=None) -> Formatter:
    esc = latex_escape if fmt == "latex" else markdown_escape
    return Formatter(notation or LayerNotation.for_network(net), 4, fmt, Pictures({}, "t"), esc)


def units(d: Diagram) -> list:
    return [n for n in d.nodes if n.role in ("input", "op", "output")]


# ------------------------------------------------------------------ what is drawn

@pytest.mark.parametrize("count, expected", [
    (1, [1]), (3, [1, 2, 3]), (6, [1, 2, 3, 4, 5, 6]),
    (7, [1, 2, 3, None, 7]), (20, [1, 2, 3, None, 20]),
])
def test_large_layers_show_three_units_the_dots_and_the_last(count, expected):
    assert shown_units(count) == expected


# sizes -> (unit nodes, dots nodes, edges, labelled edges), counted by hand
@pytest.mark.parametrize("sizes, counts", [
    ((1, 1), (2, 0, 1, 1)),
    ((2, 3, 1), (6, 0, 9, 9)),
    ((4, 8, 8, 1), (13, 2, 4 * 5 + 5 * 5 + 5 * 1, 4)),     # layers 1 and 2: 16 edges between units each
    ((10, 20, 3), (11, 2, 5 * 5 + 5 * 3, 12)),             # layer 2: 4 x 3 = 12 edges between units
])
def test_node_and_edge_counts(sizes, counts):
    d = network_diagram(network(*sizes))
    dots = [n for n in d.nodes if n.role == "elided"]
    captions = [n for n in d.nodes if n.role == "caption"]
    labelled = [e for e in d.edges if e.label is not None]
    assert (len(units(d)), len(dots), len(d.edges), len(labelled)) == counts
    assert len(captions) == len(sizes) - 1
    assert all(e.value is None for e in d.edges)           # symbols only: the values are in the Given step


def test_the_2_3_1_network_of_the_exam():
    d = network_diagram(network(2, 3, 1))
    f = formatter(network(2, 3, 1))
    assert [f.tex(n.symbol) for n in units(d)] == ["x_{1}", "x_{2}", "a^{[1]}_{1}", "a^{[1]}_{2}", "a^{[1]}_{3}",
                                                  r"\hat{y}"]
    assert [n.role for n in units(d)] == ["input"] * 2 + ["op"] * 3 + ["output"]
    by_edge = {(e.source, e.target): f.tex(e.label) for e in d.edges}
    assert by_edge[("x1", "a1_2")] == "W^{[1]}_{21}"       # row j = the unit, column i = the input
    assert by_edge[("x2", "a1_3")] == "W^{[1]}_{32}"
    assert by_edge[("a1_3", "a2_1")] == "W^{[2]}_{13}"
    captions = [_node_tex(n, f)[0] for n in d.nodes if n.role == "caption"]
    assert captions == [r"a^{[1]} = \sigma{\left(z^{[1]} \right)}", r"\hat{y} = \sigma{\left(z^{[2]} \right)}"]
    assert d.title == "The 2-3-1 network (biases not drawn)"


def test_every_label_is_the_weight_of_its_edge():
    """Independently: edge (layer l-1 unit i) -> (layer l unit j) carries W[l][j, i]."""
    d = network_diagram(network(3, 4, 2))
    for e in d.edges:
        m = meaning(e.label)
        src_layer = 0 if e.source.startswith("x") else int(e.source[1:e.source.index("_")])
        src_unit = int(e.source[1:]) if src_layer == 0 else int(e.source.split("_")[1])
        dst_layer, dst_unit = (int(p) for p in e.target[1:].split("_"))
        assert (m.kind, m.layer, m.i, m.j) == ("W", dst_layer, dst_unit, src_unit)
        assert dst_layer == src_layer + 1


def test_the_title_names_the_layers_whose_weights_are_not_drawn():
    assert network_diagram(network(4, 8, 8, 1)).title == (
        "The 4-8-8-1 network (biases not drawn; the weights of layers 1 and 2 are listed in the Given step)")
    assert network_diagram(network(10, 20, 3)).title == (
        "The 10-20-3 network (biases not drawn; the weights of layer 1 are listed in the Given step)")
    assert network_diagram(network(2, 2, bias=False)).title == "The 2-2 network"


def test_elided_units_have_one_unlabelled_edge_to_each_neighbour():
    d = network_diagram(network(10, 20, 3))
    into_dots = [e for e in d.edges if e.target == "a1_dots"]
    out_of_dots = [e for e in d.edges if e.source == "a1_dots"]
    assert sorted(e.source for e in into_dots) == ["x1", "x10", "x2", "x3", "xdots"]
    assert sorted(e.target for e in out_of_dots) == ["a2_1", "a2_2", "a2_3"]
    assert all(e.label is None for e in into_dots + out_of_dots)
    pairs = [(e.source, e.target) for e in d.edges]
    assert len(pairs) == len(set(pairs))                     # every edge drawn once
    f = formatter(network(10, 20, 3))
    assert f.tex(next(n for n in d.nodes if n.name == "a1_20").symbol) == "a^{[1]}_{20}"
    assert f.tex(next(e for e in d.edges if (e.source, e.target) == ("a1_20", "a2_3")).label) == "W^{[2]}_{3,20}"


def test_several_outputs_are_numbered():
    d = network_diagram(network(2, 2, 3, activation="tanh"))
    f = formatter(network(2, 2, 3))
    assert [f.tex(n.symbol) for n in d.nodes if n.role == "output"] == [r"\hat{y}_{1}", r"\hat{y}_{2}", r"\hat{y}_{3}"]


class Brackets:
    """A notation of the test's own: the diagram holds meanings, so it follows any notation."""
    name = "brackets"

    def scalar(self, m):
        return f"{m.kind}[{m.layer},{m.i},{m.j}]"

    def matrix(self, name, layer):
        return f"{name}[{layer}]"


def test_the_diagram_follows_the_notation():
    d = network_diagram(network(2, 1))
    f = formatter(network(2, 1), notation=Brackets())
    assert f.tex(d.edges[1].label) == "W[1,1,2]"
    assert f.tex(units(d)[0].symbol) == "x[None,1,None]"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=2, max_size=5))
def test_structure_for_any_sizes(sizes):
    d = network_diagram(network(*sizes))
    shown = [shown_units(n) for n in sizes]
    assert len(units(d)) == sum(sum(u is not None for u in c) for c in shown)
    assert len(d.edges) == sum(len(a) * len(b) for a, b in zip(shown, shown[1:]))
    names = [n.name for n in d.nodes]
    assert len(names) == len(set(names))
    where = {n.name: n for n in d.nodes}
    for e in d.edges:
        assert where[e.target].x > where[e.source].x          # left to right, layer by layer
    for layer, (a, b) in enumerate(zip(shown, shown[1:]), start=1):
        between = sum(u is not None for u in a) * sum(u is not None for u in b)
        gap = [e for e in d.edges if where[e.target].x == max(n.x for n in d.nodes if n.name.startswith(f"a{layer}_"))]
        labelled = [e for e in gap if e.label is not None]
        assert len(labelled) == (between if between <= MAX_LABELLED else 0)
    for column in {n.x for n in units(d)}:                    # each column centred, first unit on top
        ys = [n.y for n in d.nodes if n.x == column and n.role != "caption"]
        assert ys == sorted(ys, reverse=True) and abs(sum(ys)) < 1e-9


# ------------------------------------------------------------------ where the labels go

@pytest.mark.parametrize("sizes", [(1, 1), (2, 3, 1), (2, 2, 1), (4, 2, 3), (3, 2, 2), (4, 8, 8, 1), (10, 20, 3),
                                   (3, 4, 1), (2, 6, 2)])
def test_labels_of_one_gap_stand_in_its_lane(sizes):
    """A weight label stands between the two columns it joins, on its own edge."""
    net = network(*sizes)
    d = network_diagram(net)
    lay = diagram_layout(d, formatter(net))
    assert len(lay.labels) == sum(e.label is not None for e in d.edges)
    for lb in lay.labels:
        e = d.edges[lb.index]
        assert lay.node_of[e.source].box.right < lb.box.left and lb.box.right < lay.node_of[e.target].box.left
        (x0, y0), (x1, y1) = next(pq for pq in zip(lay.edges[lb.index].points, lay.edges[lb.index].points[1:])
                                  if pq[0][0] <= lb.box.x <= pq[1][0])
        assert lb.box.y == pytest.approx(y0 + (y1 - y0) * (lb.box.x - x0) / (x1 - x0))


def test_labels_of_one_gap_line_up_when_they_can():
    net = network(2, 2, 1)
    d = network_diagram(net)
    lay = diagram_layout(d, formatter(net))
    gap2 = {round(lb.box.x, 6) for lb in lay.labels if d.edges[lb.index].target.startswith("a2_")}
    assert len(gap2) == 1


# ------------------------------------------------------------------ drawn

@pytest.mark.parametrize("sizes", [(1, 1), (2, 3, 1), (4, 8, 8, 1), (10, 20, 3)])
def test_svg_is_a_deterministic_svg(sizes):
    net = network(*sizes)
    d = network_diagram(net)
    f = formatter(net, "markdown")
    first = svg(d, f)
    assert first.startswith(SVG_START) and len(first) > 1000
    assert svg(d, f) == first


def test_tikz_draws_every_node_edge_and_label():
    net = network(2, 3, 1)
    d = network_diagram(net)
    text = tikz(d, formatter(net))
    assert text.count(r"\node[box=") == 6
    assert text.count(r"\draw[e]") == 9
    assert text.count(r"\node[lab=") == 9           # labels set after every edge
    assert r"{$W^{[1]}_{21}$}" in text and r"{$\hat{y}$}" in text
    assert r"$a^{[1]} = \sigma{\left(z^{[1]} \right)}$" in text
    big = tikz(network_diagram(network(10, 20, 3)), formatter(network(10, 20, 3)))
    assert big.count(r"{$\vdots$}") == 2


@pytest.mark.latex
def test_tikz_of_big_networks_compiles_without_overfull_boxes(tmp_path):
    engine = latex_engine_or_skip()
    pictures = []
    for sizes in [(1, 1), (2, 3, 1), (4, 8, 8, 1), (10, 20, 3), (6, 6, 6)]:
        net = network(*sizes, activation="relu")
        pictures.append(r"\begin{center}\fitwide{" + tikz(network_diagram(net), formatter(net)) + r"}\end{center}")
    doc = (r"\documentclass{article}\usepackage[a4paper,margin=2cm]{geometry}\usepackage{amsmath}"
           r"\usepackage{tikz}\usetikzlibrary{arrows.meta}\newsavebox{\fitbox}"
           r"\newcommand{\fitwide}[1]{\sbox{\fitbox}{#1}\ifdim\wd\fitbox>\linewidth"
           r"\resizebox{\linewidth}{!}{\usebox{\fitbox}}\else\usebox{\fitbox}\fi}"
           r"\begin{document}" + "\n\n".join(pictures) + r"\end{document}")
    (tmp_path / "net.tex").write_text(doc)
    proc = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "net.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-3000:]
    log = (tmp_path / "net.log").read_text(errors="replace")
    assert "Overfull" not in log


# ------------------------------------------------------------------ in the solutions

@pytest.mark.parametrize("stem, kind", [("exam1", "backprop"), ("batch", "backprop"), ("train", "train")])
def test_the_network_is_drawn_once_right_after_the_givens(stem, kind):
    for qs in solve(ROOT / "problems" / f"{stem}.yaml").questions:
        figures = [s for s in qs.steps if s.kind is StepKind.FIGURE and s.info.figure.name == "network"]
        assert len(figures) == 1 and qs.steps[1] is figures[0]
        assert qs.steps[0].kind in (StepKind.GIVEN, StepKind.TRAINING)
        assert not figures[0].is_answer and "diagram" not in qs.answers()
        sizes = "-".join(str(n) for n in qs.question.network.sizes)
        assert figures[0].info.figure.title.startswith(f"The {sizes} network")


def test_forward_questions_draw_the_network_too():
    q3 = solve(ROOT / "problems" / "exam1.yaml").questions[2]
    assert q3.question.kind == "forward" and q3.steps[1].info.figure.name == "network"


def test_cli_markdown_writes_the_pictures_beside_it_and_refers_to_them(tmp_path):
    out = tmp_path / "exam.md"
    result = CliRunner().invoke(main, [str(ROOT / "problems" / "exam1.yaml"), "--format", "markdown", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    for q in ("q1", "q2", "q3"):
        picture = tmp_path / f"exam-{q}-network.svg"
        assert picture.read_bytes().startswith(SVG_START)
        assert f"](exam-{q}-network.svg)" in text


def test_cli_latex_and_json(tmp_path):
    tex = tmp_path / "train.tex"
    result = CliRunner().invoke(main, [str(ROOT / "problems" / "train.yaml"), "--format", "latex", "-o", str(tex)])
    assert result.exit_code == 0, result.output
    assert tex.read_text().count(r"\begin{tikzpicture}[x=0.72pt") == 2       # one network per question
    result = CliRunner().invoke(main, [str(ROOT / "problems" / "exam1.yaml"), "--format", "json", "-o", "-"])
    assert result.exit_code == 0 and "diagram" not in result.output


@pytest.mark.latex
def test_cli_pdf_of_exam1(tmp_path):
    latex_engine_or_skip()
    pdf = tmp_path / "exam1.pdf"
    proc = subprocess.run([sys.executable, "-m", "solver", str(ROOT / "problems" / "exam1.yaml"), "--format", "pdf",
                           "-o", str(pdf)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
