"""The one layout of a diagram (solver/render/layout.py), checked on the drawn coordinates:
no edge runs through a node it does not join, no label covers another label or a node, in
every shipped example and in random networks and graphs; the texts (runs, sub- and
superscripts) and the SVG and TikZ drawn at those coordinates."""
from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from conftest import ROOT
from solver import solve
from solver.figures import Diagram, Edge, Node
from solver.model import Layer, Network
from solver.network_diagram import network_diagram
from solver.render.documents import latex_escape, markdown_escape
from solver.render.figures import Pictures, diagram_layout, svg, tikz
from solver.render.formatter import Formatter
from solver.render.layout import Box, plain_text, problems, segment_hits_box, tex_runs
from solver.render.notation import LayerNotation

SVG = "{http://www.w3.org/2000/svg}"


def formatter(fmt: str = "markdown", net: Network | None = None) -> Formatter:
    esc = latex_escape if fmt == "latex" else markdown_escape
    notation = LayerNotation.for_network(net) if net is not None else LayerNotation(0, 1)
    return Formatter(notation, 4, fmt, Pictures({}, "t"), esc)


def network(*sizes: int) -> Network:
    layers = tuple(Layer(n, "sigmoid", np.full((n, m), 0.1), np.zeros(n)) for m, n in zip(sizes, sizes[1:]))
    return Network(tuple(f"x{i + 1}" for i in range(sizes[0])), layers, True)


def diagrams_of(solution):
    """Every diagram a solution draws (network pictures, computation graphs)."""
    for qs in solution.questions:
        for step in qs.steps:
            info = step.info
            for name in ("figure", "diagram"):
                fig = getattr(info, name, None)
                if isinstance(fig, Diagram):
                    yield qs, fig


def assert_clean(d: Diagram, f) -> None:
    lay = diagram_layout(d, f)
    assert problems(d, lay) == []
    assert len(lay.edges) == len(d.edges)
    assert len(lay.labels) == sum(e.label is not None or e.value is not None for e in d.edges)
    for e in lay.edges:        # from the source's right side to the target's left side
        src, dst = lay.node_of[d.edges[e.index].source].box, lay.node_of[d.edges[e.index].target].box
        assert e.points[0][0] == pytest.approx(src.right) and e.points[-1][0] == pytest.approx(dst.left)


# ---------------------------------------------------------------- the checks themselves

def test_segment_and_box_geometry():
    box = Box(0, 0, 10, 5)
    assert segment_hits_box((-20, 0), (20, 0), box)              # straight through
    assert segment_hits_box((-20, -20), (20, 20), box)           # diagonally
    assert not segment_hits_box((-20, 6), (20, 6), box)          # passes below
    assert not segment_hits_box((10, 0), (30, 0), box)           # starts on its side: not through it
    assert not segment_hits_box((-20, -20), (-12, 20), box)


def test_the_checks_catch_an_edge_through_a_node_and_labels_on_top_of_each_other():
    """The straight drawing of the old layout (x -> f through u, all in one row) is caught."""
    x, u, f_ = sp.symbols("x u f")
    d = Diagram("graph", "t", (Node("x", x, 0, 0, 1.5, role="input"), Node("u", u, 1, 0, 0.8),
                               Node("f", f_, 2, 0, 1.2, role="output")),
                (Edge("x", "u", None, 0.1), Edge("u", "f", None, 1.5), Edge("x", "f", None, 0.8)))
    lay = diagram_layout(d, formatter())
    assert problems(d, lay) == []
    straight = lay.edges[2]
    a, b = lay.node_of["x"].box, lay.node_of["f"].box
    straight.points = [(a.right, a.y), (b.left, b.y)]
    lay.nodes[1].box.y = a.y
    lay.labels[1].box = lay.labels[0].box
    found = problems(d, lay)
    assert "edge x -> f runs through node u" in found
    assert any("overlap" in p for p in found)


# ---------------------------------------------------------------- every shipped example

@pytest.mark.parametrize("path", sorted((ROOT / "problems").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_diagram_is_clean(path):
    solution = solve(path)
    for fmt in ("markdown", "latex"):
        from solver.render.documents import formatter_for
        for qs, d in diagrams_of(solution):
            assert_clean(d, formatter_for(qs, fmt, Pictures({}, "t")))


def test_the_swish_graph_routes_x_to_f_around_u():
    solution = solve(ROOT / "problems" / "graphs.yaml")
    from solver.render.documents import formatter_for
    qs, d = next((qs, d) for qs, d in diagrams_of(solution) if qs.question.id == "swish")
    lay = diagram_layout(d, formatter_for(qs, "markdown", Pictures({}, "t")))
    k = next(i for i, e in enumerate(d.edges) if {e.source, e.target} == {"x", "f"})
    assert len(lay.edges[k].points) > 2                           # it bends
    u = lay.node_of["u"].box
    assert all(not segment_hits_box(p, q, u) for p, q in zip(lay.edges[k].points, lay.edges[k].points[1:]))


# ---------------------------------------------------------------- random networks and graphs

@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=9), min_size=2, max_size=5))
def test_random_networks_are_clean(sizes):
    net = network(*sizes)
    assert_clean(network_diagram(net), formatter("markdown", net))


NAMES = ["a", "b", "c", "u", "v", "w", "x", "y", "z", "s", "t", "p", "q", "r"]
LABELS = [None, "1", "2*a", "b*c", "s*(1 - s)", "exp(x)", "-1", "w_1 + w_2**2", "2*v/3"]


@st.composite
def random_graphs(draw):
    """A DAG in columns: each node in column c > 0 uses one to three nodes of earlier columns,
    any distance back; random texts, values and labels of different widths."""
    columns = draw(st.lists(st.integers(min_value=1, max_value=4), min_size=2, max_size=6))
    nodes, edges, placed = [], [], []
    for c, count in enumerate(columns):
        here = []
        for k in range(count):
            name = f"n{c}_{k}"
            symbol = sp.Symbol(draw(st.sampled_from(NAMES)))
            value = draw(st.one_of(st.none(), st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)))
            op = None if c == 0 else sp.sympify(draw(st.sampled_from(LABELS[1:])), locals={n: sp.Symbol(n) for n in NAMES})
            nodes.append(Node(name, symbol, float(c), float(-k), value, op, "input" if c == 0 else "op"))
            if c > 0:
                for source in draw(st.lists(st.sampled_from(placed), min_size=1, max_size=3, unique=True)):
                    label = draw(st.sampled_from(LABELS))
                    expr = None if label is None else sp.sympify(label, locals={n: sp.Symbol(n) for n in NAMES})
                    value = draw(st.one_of(st.none(), st.floats(min_value=-100, max_value=100, allow_nan=False)))
                    edges.append(Edge(source, name, expr, value))
            here.append(name)
        placed += here
    ordered = draw(st.booleans())
    return Diagram("graph", "random", tuple(nodes), tuple(edges), ordered=ordered)


@settings(max_examples=60, deadline=None)
@given(random_graphs())
def test_random_graphs_are_clean(d):
    for fmt in ("markdown", "latex"):
        assert_clean(d, formatter(fmt))


# ---------------------------------------------------------------- texts

@pytest.mark.parametrize("tex, runs", [
    (r"W^{[1]}_{12}", [("W", 0), ("[1]", 1), ("12", -1)]),
    (r"\hat{y}", [("ŷ", 0)]),
    (r"\sigma{\left(z^{[1]} \right)}", [("σ(z", 0), ("[1]", 1), (")", 0)]),
    (r"\operatorname{ReLU}{\left(z^{[2]} \right)}", [("ReLU(z", 0), ("[2]", 1), (")", 0)]),
    (r"\frac{1}{2}", [("1/2", 0)]),
    (r"\frac{a + b}{2}", [("(a + b)/2", 0)]),
    (r"b \cdot c", [("b · c", 0)]),
    (r"e^{- x^{2}}", [("e", 0), ("−x2", 1)]),
    (r"x_{1} - 3", [("x", 0), ("1", -1), (" − 3", 0)]),
])
def test_tex_runs(tex, runs):
    assert tex_runs(tex) == runs


def test_plain_text_of_runs():
    assert plain_text(tex_runs(r"W^{[1]}_{12}")) == "W[1]_12"
    assert plain_text(tex_runs(r"v^{2}")) == "v^2"


# ---------------------------------------------------------------- SVG and TikZ at the layout's coordinates

def test_svg_is_well_formed_escapes_text_and_shifts_scripts():
    net = network(2, 3, 1)
    d = network_diagram(net)
    d = Diagram(d.name, 'Ann & <Bob> "quoted"', d.nodes, d.edges)
    data = svg(d, formatter("markdown", net))
    root = ET.fromstring(data)                       # well-formed XML: the title was escaped
    assert root.find(f"{SVG}title").text == 'Ann & <Bob> "quoted"'
    text = data.decode()
    assert "&amp;" in text and "&lt;Bob&gt;" in text
    assert re.search(r'<tspan dy="-[\d.]+" font-size="[\d.]+">\[1\]</tspan>', text)       # a^{[1]}: raised
    assert re.search(r'<tspan dy="[\d.]+" font-size="[\d.]+">1</tspan>', text)           # x_1: lowered
    lay = diagram_layout(d, formatter("markdown", net))
    rects = root.findall(f".//{SVG}rect[@stroke='black']")
    assert len(rects) == sum(p.role in ("input", "op", "output") for p in lay.nodes)


def test_svg_and_tikz_draw_the_same_coordinates():
    net = network(2, 3, 1)
    d = network_diagram(net)
    lay = diagram_layout(d, formatter("latex", net))
    text = tikz(d, formatter("latex", net))
    for p in lay.nodes:
        if p.role in ("input", "op", "output"):
            assert f"at ({p.box.x:.1f},{-p.box.y:.1f})" in text
    for e in lay.edges:
        assert " -- ".join(f"({x:.1f},{-y:.1f})" for x, y in e.points) in text
    assert text.count(r"\draw[e]") == len(d.edges)
    assert r"{$W^{[1]}_{21}$}" in text


def test_solving_exam1_to_markdown_imports_no_matplotlib(tmp_path):
    code = ("import sys; from solver.cli import main\n"
            "try:\n    main([sys.argv[1], '-o', sys.argv[2]])\nexcept SystemExit as e:\n    assert not e.code\n"
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT / "problems" / "exam1.yaml"),
                          str(tmp_path / "exam1.md")], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
    assert sorted(p.name for p in tmp_path.glob("*.svg")) == [f"exam1-q{i}-network.svg" for i in (1, 2, 3)]
