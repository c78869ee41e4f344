"""Pictures: the line clipping, the SVG and TikZ drawings, where Markdown pictures go."""
from __future__ import annotations

import base64
import subprocess
import xml.etree.ElementTree as ET

import pytest
import sympy as sp

from conftest import latex_engine_or_skip
from solver.figures import Boundary, Chart, Diagram, Edge, Node, Series, clip_line
from solver.render.documents import latex_escape, markdown_escape
from solver.render.figures import MAX_SVG_POINTS, MAX_TIKZ_POINTS, Pictures, limits, svg, tikz
from solver.render.svg import log_ticks, nice_ticks
from solver.render.formatter import Formatter
from solver.render.notation import LayerNotation

SVG_START = b"<svg xmlns="
NS = "{http://www.w3.org/2000/svg}"


def formatter(fmt: str) -> Formatter:
    esc = latex_escape if fmt == "latex" else markdown_escape
    return Formatter(LayerNotation(0, 1), 4, fmt, Pictures({}, "t"), esc)


CHART = Chart("lines", "Points & lines", "x_1", "x_2",
              series=(Series("class 0", (0.0, 1.0), (0.0, 0.0), "points", 0),
                      Series("class 1", (0.0, 1.0), (1.0, 1.5), "points", 1)),
              boundaries=(Boundary("start", (1.0, 1.0), -0.5), Boundary("epoch 1", (0.0, 1.0), -0.5, final=True)),
              equal_axes=True)
CURVE = Chart("loss", "Loss per epoch", "epoch", "loss",
              series=(Series("batch = full", tuple(range(1, 1001)), tuple(1 / k for k in range(1, 1001))),),
              log_y=True)
a, b, c, u = sp.symbols("a b c u")
DIAGRAM = Diagram("graph", "J = 3(a + bc)", nodes=(
    Node("a", a, 0, 1, 5.0, role="input"), Node("b", b, 0, 0, 3.0, role="input"),
    Node("c", c, 0, -1, 2.0, role="input"), Node("u", u, 1, -0.5, 6.0, b * c),
    Node("J", sp.Symbol("J"), 2, 0, 33.0, 3 * (a + u), role="output")),
    edges=(Edge("b", "u", sp.Symbol("c"), 2.0), Edge("c", "u", sp.Symbol("b"), 3.0),
           Edge("a", "J", sp.Integer(3), 3.0), Edge("u", "J", sp.Integer(3), 3.0)))


@pytest.mark.parametrize("w, b, box, expected", [
    ((1.0, 1.0), -1.0, ((0, 2), (0, 2)), ((0, 1), (1, 0))),        # x + y = 1: crosses two sides
    ((0.0, 1.0), -0.5, ((0, 2), (0, 2)), ((0, 0.5), (2, 0.5))),    # horizontal
    ((1.0, 0.0), -0.5, ((0, 2), (0, 2)), ((0.5, 0), (0.5, 2))),    # vertical
    ((1.0, -1.0), 0.0, ((0, 1), (0, 1)), ((0, 0), (1, 1))),        # through two corners, not four points
    ((1.0, 1.0), -10.0, ((0, 1), (0, 1)), None),                   # misses the box
    ((0.0, 0.0), 1.0, ((0, 1), (0, 1)), None),                     # w = 0: no line at all
])
def test_clip_line(w, b, box, expected):
    got = clip_line(w, b, *box)
    if expected is None:
        assert got is None
    else:
        flat = [v for point in sorted(got) for v in point]
        assert flat == pytest.approx([v for point in sorted(expected) for v in point])


def test_limits_pad_the_data_or_keep_the_given_box():
    (x0, x1), (y0, y1) = limits(CHART)
    assert x0 < 0 < 1 < x1 and y0 < 0 and y1 > 1.5
    given = Chart("c", "t", "x", "y", xlim=(-2, 2), ylim=(0, 1))
    assert limits(given) == ((-2, 2), (0, 1))


@pytest.mark.parametrize("fig", [CHART, CURVE, DIAGRAM], ids=["points", "curve", "diagram"])
def test_svg_is_well_formed_and_deterministic(fig):
    f = formatter("markdown")
    first, second = svg(fig, f), svg(fig, f)
    assert first.startswith(SVG_START) and len(first) > 1000
    assert first == second
    root = ET.fromstring(first)
    assert root.find(f"{NS}title").text == fig.title


def test_svg_chart_escapes_its_texts_and_draws_every_point_and_line():
    data = svg(CHART, formatter("markdown"))
    root = ET.fromstring(data)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Points & lines" in "".join(t for t in texts if t) and b"Points &amp; lines" in data
    assert {"class 0", "class 1", "start", "epoch 1", "x_1", "x_2"} <= set(texts)
    assert len(root.findall(f".//{NS}circle")) == 2 + 1          # class 0's points and its legend sample
    assert len([x for x in root.iter(f"{NS}line") if x.get("stroke-dasharray")]) == 2   # the earlier line, twice
    assert len([x for x in root.iter(f"{NS}line") if x.get("stroke-width") == "2"]) == 2   # the final one


def test_svg_curve_on_a_log_axis_is_thinned_and_ticked_by_decades():
    data = svg(CURVE, formatter("markdown"))
    root = ET.fromstring(data)
    line = next(root.iter(f"{NS}polyline"))
    assert len(line.get("points").split()) <= MAX_SVG_POINTS + 1
    texts = {t.text for t in root.iter(f"{NS}text")}
    assert {"1e-3", "0.01", "0.1", "1"} & texts and "0.5" not in texts


@pytest.mark.parametrize("lo, hi, expected", [(0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (-1.3, 2.2, [-1, 0, 1, 2]),
                                              (1, 1000, [0, 200, 400, 600, 800, 1000][1:])])
def test_nice_ticks(lo, hi, expected):
    assert nice_ticks(lo, hi) == pytest.approx(expected)


def test_log_ticks():
    assert log_ticks(0.0008, 1.3) == pytest.approx([0.001, 0.01, 0.1, 1.0])


def test_markdown_pictures_are_files_or_data_uris():
    f = formatter("markdown")
    assets: dict[str, bytes] = {}
    assert Pictures(assets, "exam-q1").add(CHART, f) == "exam-q1-lines.svg"
    assert assets["exam-q1-lines.svg"].startswith(SVG_START)
    uri = Pictures(None, "exam-q1").add(CHART, f)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).startswith(SVG_START)


def test_tikz_of_a_chart_escapes_text_and_thins_long_curves():
    f = formatter("latex")
    text = tikz(CHART, f)
    assert r"\begin{axis}" in text and "axis equal image" in text
    assert r"x\_1" in text                       # axis labels are escaped text
    assert "black, very thick" in text           # the final line solid
    curve = tikz(CURVE, f)
    assert "ymode=log" in curve
    assert curve.count("(") <= MAX_TIKZ_POINTS + 5


def test_tikz_of_a_diagram_draws_every_node_and_edge():
    text = tikz(DIAGRAM, formatter("latex"))
    assert text.count(r"\node") == 5 + 4         # the nodes and the labels
    assert text.count(r"\draw") == 4
    assert r"$u = b \cdot c$" in text
    assert r"\\ $33.0000$}" in text               # the value under the node, to the decimals
    assert r"\\ $5$}" in text                     # a given variable as written
    assert "{$3$}" in text and "{$3.0000$}" not in text   # a constant local derivative exact, as written
    assert r"{$c$\\ $= 2.0000$}" in text            # a derivative over its value, to the decimals


@pytest.mark.latex
def test_tikz_pictures_compile(tmp_path):
    engine = latex_engine_or_skip()
    f = formatter("latex")
    body = "\n\n".join(tikz(fig, f) for fig in (CHART, CURVE, DIAGRAM))
    doc = (r"\documentclass{article}\usepackage{tikz}\usetikzlibrary{arrows.meta}\usepackage{pgfplots}"
           r"\pgfplotsset{compat=1.16}\begin{document}" + body + r"\end{document}")
    (tmp_path / "fig.tex").write_text(doc)
    proc = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "fig.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "fig.pdf").exists()
