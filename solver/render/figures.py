"""Draw the pictures of solver/figures.py: SVG (our own code, solver/render/svg.py) beside a
Markdown document, TikZ/pgfplots inside a LaTeX one. A diagram is laid out once
(solver/render/layout.py) and both back ends draw it at the same coordinates."""
from __future__ import annotations

import base64
from dataclasses import dataclass, replace

from ..figures import Chart, Diagram, clip_line
from . import layout as _layout
from .layout import Layout, Run, tex_runs

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
TIKZ_COLOURS = ("blue", "red", "teal", "violet", "orange", "brown")
TIKZ_MARKS = ("*", "x", "square*", "triangle*")
MAX_TIKZ_POINTS = 400        # a curve with more points is thinned for pgfplots (TeX memory, speed)
MAX_SVG_POINTS = 1500        # and an SVG curve (the file's size)


@dataclass
class Pictures:
    """Where the pictures of one question's Markdown go: files in `assets` named
    `prefix-<figure name>.svg`, or data URIs embedded in the text when `assets` is None."""
    assets: dict[str, bytes] | None
    prefix: str

    def file_name(self, fig) -> str:
        return f"{self.prefix}-{fig.name}.svg"

    def add(self, fig, f) -> str:
        data = svg(fig, f)
        if self.assets is None:
            return "data:image/svg+xml;base64," + base64.b64encode(data).decode()
        name = self.file_name(fig)
        self.assets[name] = data
        return name


def limits(chart: Chart) -> tuple[tuple[float, float], tuple[float, float]]:
    """The box of a chart: as given, or the data with a margin (a log axis: in factors)."""
    xs = [v for s in chart.series for v in s.x]
    ys = [v for s in chart.series for v in s.y]

    def box(values, given):
        if given is not None:
            return given
        if not values:
            return (-1.0, 1.0)
        lo, hi = min(values), max(values)
        pad = 0.1 * (hi - lo) if hi > lo else max(abs(lo) * 0.1, 0.5)
        return (lo - pad, hi + pad)

    xlim = box(xs, chart.xlim)
    if chart.log_y and chart.ylim is None:
        positive = [v for v in ys if v > 0] or [1.0]
        lo, hi = min(positive), max(positive)
        return xlim, (lo / 1.3, hi * 1.3)
    return xlim, box(ys, chart.ylim)


# ---------------------------------------------------------------- SVG

def svg(fig, f) -> bytes:
    from . import svg as draw
    if isinstance(fig, Diagram):
        key = _diagram_key(fig, f)
        if key not in _DRAWN:
            if len(_DRAWN) >= 64:
                _DRAWN.clear()
            _DRAWN[key] = draw.diagram_svg(fig.title, diagram_layout(fig, f)).encode()
        return _DRAWN[key]
    xlim, ylim = limits(fig)
    segments = [clip_line(line.w, line.b, xlim, ylim) for line in fig.boundaries]
    shades = [_shade(i, len(fig.boundaries)) for i in range(len(fig.boundaries))]
    thinned = replace(fig, series=tuple(_thin_series(s) for s in fig.series))
    return draw.chart_svg(thinned, xlim, ylim, COLOURS, shades, segments).encode()


def _thin_series(s):
    if s.style != "line" or len(s.x) <= MAX_SVG_POINTS:
        return s
    keep = _kept(len(s.x), MAX_SVG_POINTS)
    return replace(s, x=tuple(s.x[i] for i in keep), y=tuple(s.y[i] for i in keep))


def _kept(n: int, most: int) -> list[int]:
    step = n / most
    return sorted({int(i * step) for i in range(most)} | {n - 1})


# Diagrams drawn in this process, by what they show: a network's picture has no numbers, so
# every variant of an exam (and every question on the same network) reuses one drawing.
_DRAWN: dict[tuple, bytes] = {}


def _diagram_key(d: Diagram, f) -> tuple:
    def expr(e):          # as the picture writes it
        return None if e is None else f.tex(e)
    return (f.decimals, d.title, d.ordered,
            tuple((n.name, expr(n.symbol), n.x, n.y, n.value, expr(n.operation), n.role) for n in d.nodes),
            tuple((e.source, e.target, expr(e.label), e.value) for e in d.edges))


def _shade(i: int, count: int) -> str:
    """The colour of the i-th earlier line: from orange (first) to blue (latest), as the TikZ."""
    t = i / max(count - 1, 1)
    orange, blue = (255, 128, 0), (0, 0, 255)
    r, g, b = (round(o + t * (c - o)) for o, c in zip(orange, blue))
    return f"#{r:02x}{g:02x}{b:02x}"


# ---------------------------------------------------------------- the texts of a diagram

def _node_tex(n, f) -> tuple[str, str | None]:
    """A node's first line (symbol = operation) and second (its value), as LaTeX."""
    first = f.tex(n.symbol) + (" = " + f.tex(n.operation) if n.operation is not None else "")
    value = f.num(n.value, given=n.role == "input") if n.value is not None else None
    return first, value


def _edge_tex(e, f) -> list[str]:
    """A label's lines as LaTeX: the local derivative over its value (c over = 2.0000), or one."""
    if e.label is not None and e.label.is_Number:
        return [f.tex(e.label)]        # a constant derivative is exact as written: 1, 3, not 1.0000
    if e.label is not None and e.value is not None:
        return [f.tex(e.label), "= " + f.num(e.value)]
    return [f.tex(e.label) if e.label is not None else f.num(e.value)]


def _has_label(e) -> bool:
    return e.label is not None or e.value is not None


def diagram_layout(d: Diagram, f) -> Layout:
    """The one layout both back ends draw."""
    lines: dict[str, list[list[Run]]] = {}
    for n in d.nodes:
        if n.role == "elided":
            lines[n.name] = [[("⋮", 0)]]
            continue
        first, value = _node_tex(n, f)
        lines[n.name] = [tex_runs(first)] + ([tex_runs(value)] if value is not None else [])
    labels = {k: [tex_runs(line) for line in _edge_tex(e, f)] for k, e in enumerate(d.edges) if _has_label(e)}
    return _layout.layout(d, lines, labels)


# ---------------------------------------------------------------- TikZ

def tikz(fig, f) -> str:
    return _tikz_chart(fig, f) if isinstance(fig, Chart) else _tikz_diagram(fig, f)


def _coords(xs, ys) -> str:
    pairs = list(zip(xs, ys))
    if len(pairs) > MAX_TIKZ_POINTS:
        pairs = [pairs[i] for i in _kept(len(pairs), MAX_TIKZ_POINTS)]
    return " ".join(f"({x:.6g},{y:.6g})" for x, y in pairs)


def _tikz_chart(chart: Chart, f) -> str:
    xlim, ylim = limits(chart)
    options = [r"width=11cm", r"height=7.5cm", f"xlabel={{{f.esc(chart.xlabel)}}}",
               f"ylabel={{{f.esc(chart.ylabel)}}}", r"legend pos=outer north east",
               r"legend style={font=\footnotesize}", r"grid=major", r"grid style={gray!25}"]
    if chart.boundaries or chart.equal_axes or chart.xlim:
        options += [f"xmin={xlim[0]:.6g}", f"xmax={xlim[1]:.6g}", f"ymin={ylim[0]:.6g}", f"ymax={ylim[1]:.6g}"]
    if chart.equal_axes:
        options.append("axis equal image")
    if chart.log_y:
        options.append("ymode=log")
    lines = [r"\begin{tikzpicture}", r"\begin{axis}[" + ", ".join(options) + "]"]
    for s in chart.series:
        colour = TIKZ_COLOURS[s.group % len(TIKZ_COLOURS)]
        if s.style == "points":
            style = f"only marks, mark={TIKZ_MARKS[s.group % len(TIKZ_MARKS)]}, color={colour}, mark size=2.5pt"
        else:
            style = f"no marks, thick, color={colour}"
        lines.append(rf"\addplot[{style}] coordinates {{{_coords(s.x, s.y)}}};")
        lines.append(rf"\addlegendentry{{{f.esc(s.label)}}}" if s.label else r"\addlegendimage{empty legend}")
    for i, line in enumerate(chart.boundaries):
        seg = clip_line(line.w, line.b, xlim, ylim)
        if seg is None:
            continue
        (x0, y0), (x1, y1) = seg
        share = int(100 * i / max(len(chart.boundaries) - 1, 1))
        style = "black, very thick" if line.final else f"blue!{share}!orange, dashed, thick"
        lines.append(rf"\addplot[{style}] coordinates {{({x0:.6g},{y0:.6g}) ({x1:.6g},{y1:.6g})}};")
        lines.append(rf"\addlegendentry{{{f.esc(line.label)}}}")
    lines += [r"\end{axis}", r"\end{tikzpicture}"]
    return "\n".join(lines)


# one layout unit in TeX points: the node text (14 units) comes out at 10 pt
TIKZ_UNIT = 0.72
TIKZ_FILL = {"input": "blue!6", "output": "red!6"}


def _tikz_diagram(d: Diagram, f) -> str:
    lay = diagram_layout(d, f)
    u = TIKZ_UNIT

    def at(x: float, y: float) -> str:
        return f"({x:.1f},{-y:.1f})"

    lines = [rf"\begin{{tikzpicture}}[x={u}pt, y={u}pt, >={{Stealth[length=5pt, width=4pt]}}, "
             r"e/.style={->, gray, line join=round}, "
             r"box/.style 2 args={draw, rounded corners=2pt, align=center, inner sep=0pt, minimum width=#1pt, "
             r"minimum height=#2pt}, "
             r"lab/.style 2 args={fill=white, align=center, inner sep=0pt, minimum width=#1pt, minimum height=#2pt, "
             r"font=\footnotesize}]"]
    for e in lay.edges:
        lines.append(rf"\draw[e] {' -- '.join(at(x, y) for x, y in e.points)};")
    by_name = {n.name: n for n in d.nodes}
    for p in lay.nodes:
        b = p.box
        if p.role == "elided":
            lines.append(rf"\node at {at(b.x, b.y)} {{$\vdots$}};")
            continue
        first, value = _node_tex(by_name[p.name], f)
        if p.role == "caption":
            lines.append(rf"\node[font=\small, text=black!75, inner sep=0pt] at {at(b.x, b.y)} {{${first}$}};")
            continue
        body = f"${first}$" + (rf"\\ ${value}$" if value is not None else "")
        fill = f", fill={TIKZ_FILL[p.role]}" if p.role in TIKZ_FILL else ""
        lines.append(rf"\node[box={{{2 * b.hw * u:.1f}}}{{{2 * b.hh * u:.1f}}}{fill}] at {at(b.x, b.y)} {{{body}}};")
    for lb in lay.labels:
        b = lb.box
        body = r"\\ ".join(f"${line}$" for line in _edge_tex(d.edges[lb.index], f))
        lines.append(rf"\node[lab={{{2 * b.hw * u:.1f}}}{{{2 * b.hh * u:.1f}}}] at {at(b.x, b.y)} {{{body}}};")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)
