"""Draw the pictures of solver/figures.py: PNG (matplotlib) beside a Markdown document,
TikZ/pgfplots inside a LaTeX one. Both draw the same records the same way."""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

import sympy as sp

from ..figures import Chart, Diagram, clip_line

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
TIKZ_COLOURS = ("blue", "red", "teal", "violet", "orange", "brown")
MARKERS = ("o", "x", "s", "^")
TIKZ_MARKS = ("*", "x", "square*", "triangle*")
MAX_TIKZ_POINTS = 400        # a curve with more points is thinned for pgfplots (TeX memory, speed)


@dataclass
class Pictures:
    """Where the pictures of one question's Markdown go: files in `assets` named
    `prefix-<figure name>.png`, or data URIs embedded in the text when `assets` is None."""
    assets: dict[str, bytes] | None
    prefix: str
    names: list[str] = field(default_factory=list)

    def add(self, fig, f) -> str:
        data = png(fig, f)
        if self.assets is None:
            return "data:image/png;base64," + base64.b64encode(data).decode()
        name = f"{self.prefix}-{fig.name}.png"
        self.assets[name] = data
        self.names.append(name)
        return name


def limits(chart: Chart) -> tuple[tuple[float, float], tuple[float, float]]:
    """The box of a chart: as given, or the data with a margin."""
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

    return box(xs, chart.xlim), box(ys, chart.ylim)


# ---------------------------------------------------------------- PNG

def png(fig, f) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if isinstance(fig, Chart):
        figure = Figure(figsize=_chart_size(fig), dpi=110)
        FigureCanvasAgg(figure)
        _png_chart(figure.add_subplot(1, 1, 1), fig)
        figure.tight_layout()
    else:
        # a big diagram is drawn at a lower resolution: the pixels, not the nodes, cost the time
        figure = Figure(figsize=_diagram_size(fig), dpi=110 if len(fig.nodes) <= 15 else 80)
        FigureCanvasAgg(figure)
        _png_diagram(figure.add_subplot(1, 1, 1), fig, f)
        figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93)   # no axes to make room for
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _chart_size(chart: Chart) -> tuple[float, float]:
    """Equal axes: a figure of the data's shape, so the plot is not a strip in a wide frame."""
    if not chart.equal_axes:
        return (7.2, 4.2)
    (x0, x1), (y0, y1) = limits(chart)
    ratio = (y1 - y0) / (x1 - x0) if x1 > x0 else 1.0
    return (7.4, min(max(4.6 * ratio + 1.0, 3.0), 8.0))


def _png_chart(ax, chart: Chart) -> None:
    xlim, ylim = limits(chart)
    for s in chart.series:
        colour = COLOURS[s.group % len(COLOURS)]
        if s.style == "points":
            ax.scatter(s.x, s.y, marker=MARKERS[s.group % len(MARKERS)], color=colour, label=s.label, zorder=3)
        else:
            ax.plot(s.x, s.y, color=colour, label=s.label, linewidth=1.5)
    for i, line in enumerate(chart.boundaries):
        seg = clip_line(line.w, line.b, xlim, ylim)
        if seg is None:
            continue
        (x0, y0), (x1, y1) = seg
        style = dict(color="black", linewidth=1.8) if line.final else \
            dict(color=_shade(i, len(chart.boundaries)), linewidth=1.2, linestyle="--")
        ax.plot([x0, x1], [y0, y1], label=line.label, **style)
    if chart.log_y:
        ax.set_yscale("log")
    if chart.boundaries or chart.equal_axes or chart.xlim:
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
    if chart.equal_axes:
        ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(chart.xlabel)
    ax.set_ylabel(chart.ylabel)
    ax.set_title(chart.title)
    ax.grid(True, alpha=0.3)
    if any(s.label for s in chart.series) or chart.boundaries:
        # outside the plot, as in the LaTeX: inside it would cover a point or a line
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)


def _shade(i: int, count: int) -> str:
    """The colour of the i-th earlier line: from light orange (first) to dark blue (latest)."""
    from matplotlib import colormaps
    r, g, b, _ = colormaps["plasma_r"](0.15 + 0.7 * i / max(count - 1, 1))
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _diagram_size(d: Diagram) -> tuple[float, float]:
    xs = [n.x for n in d.nodes]
    ys = [n.y for n in d.nodes]
    width = (max(xs) - min(xs) + 1) * 1.9
    height = (max(ys) - min(ys) + 1) * 1.3
    return (min(max(width, 4.0), 14.0), min(max(height, 2.5), 12.0))


def _plain(expr) -> str:
    """A formula as one line of plain text (b·c, x^2): matplotlib's mathtext costs ~20 ms a
    label, seconds for a graph of 30 nodes, so the PNG writes formulas as text."""
    return sp.sstr(expr).replace("**", "^").replace("*", "·")


def _png_diagram(ax, d: Diagram, f) -> None:
    boxes = {}
    for n in d.nodes:
        face = {"input": "#e8f0fb", "output": "#fdecea"}.get(n.role, "white")
        boxes[n.name] = ax.text(n.x, n.y, _node_text(n, f, _plain), ha="center", va="center", fontsize=10,
                                zorder=3, bbox=dict(boxstyle="round,pad=0.35", fc=face, ec="black"))
    where = {n.name: (n.x, n.y) for n in d.nodes}
    for e in d.edges:
        (x0, y0), (x1, y1) = where[e.source], where[e.target]
        # the arrow runs from box edge to box edge, so its head stays visible
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color="grey", lw=1.0, shrinkA=2, shrinkB=2,
                                    patchA=boxes[e.source].get_bbox_patch(),
                                    patchB=boxes[e.target].get_bbox_patch()))
        if e.label is not None or e.value is not None:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, _edge_text(e, f, _plain), fontsize=8, ha="center",
                    va="center", zorder=2, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
    xs = [n.x for n in d.nodes]
    ys = [n.y for n in d.nodes]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_axis_off()
    ax.set_title(d.title)


def _node_text(n, f, write) -> str:
    """symbol = operation = value, each formula written by `write` (f.tex or _plain)."""
    text = write(n.symbol)
    if n.operation is not None:
        text += " = " + write(n.operation)
    if n.value is not None:
        text += " = " + f.num(n.value)
    return text


def _edge_text(e, f, write) -> str:
    parts = []
    if e.label is not None and not (e.value is not None and e.label.is_Number):
        parts.append(write(e.label))
    if e.value is not None:
        parts.append(f.num(e.value))
    return " = ".join(parts)


# ---------------------------------------------------------------- TikZ

def tikz(fig, f) -> str:
    return _tikz_chart(fig, f) if isinstance(fig, Chart) else _tikz_diagram(fig, f)


def _coords(xs, ys) -> str:
    pairs = list(zip(xs, ys))
    if len(pairs) > MAX_TIKZ_POINTS:
        step = len(pairs) / MAX_TIKZ_POINTS
        keep = sorted({int(i * step) for i in range(MAX_TIKZ_POINTS)} | {len(pairs) - 1})
        pairs = [pairs[i] for i in keep]
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


def _tikz_diagram(d: Diagram, f) -> str:
    ids = {n.name: f"n{i}" for i, n in enumerate(d.nodes)}
    lines = [r"\begin{tikzpicture}[x=3.2cm, y=1.7cm, >={Stealth[length=2mm]},"
             r" box/.style={draw, rounded corners, align=center, inner sep=3pt, fill=white}]"]
    for n in d.nodes:
        fill = {"input": "blue!6", "output": "red!6"}.get(n.role, "white")
        body = f"${f.tex(n.symbol)}" + (f" = {f.tex(n.operation)}" if n.operation is not None else "") + "$"
        if n.value is not None:
            body += rf"\\ {{\footnotesize ${f.num(n.value)}$}}"
        lines.append(rf"\node[box, fill={fill}] ({ids[n.name]}) at ({n.x:.4g},{n.y:.4g}) {{{body}}};")
    for e in d.edges:
        label = ""
        if e.label is not None or e.value is not None:
            label = (rf" node[midway, fill=white, inner sep=1pt, font=\scriptsize] {{${_edge_text(e, f, f.tex)}$}}")
        lines.append(rf"\draw[->, gray] ({ids[e.source]}) --{label} ({ids[e.target]});")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)
