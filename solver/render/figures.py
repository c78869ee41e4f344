"""Draw the pictures of solver/figures.py: PNG (matplotlib) beside a Markdown document,
TikZ/pgfplots inside a LaTeX one. Both draw the same records the same way."""
from __future__ import annotations

import base64
import dataclasses
import io
import re
import textwrap
from dataclasses import dataclass

import sympy as sp

from ..figures import Chart, Diagram, clip_line
from ..symbols import meaning

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

    def add(self, fig, f) -> str:
        data = png(fig, f)
        if self.assets is None:
            return "data:image/png;base64," + base64.b64encode(data).decode()
        name = f"{self.prefix}-{fig.name}.png"
        self.assets[name] = data
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
    if isinstance(fig, Diagram):
        key = _diagram_key(fig, f)
        if key not in _DRAWN:
            if len(_DRAWN) >= 64:
                _DRAWN.clear()
            _DRAWN[key] = _png_of_diagram(fig, f)
        return _DRAWN[key]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=_chart_size(fig), dpi=110)
    FigureCanvasAgg(figure)
    _png_chart(figure.add_subplot(1, 1, 1), fig)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


# Diagrams drawn in this process, by what they show: a network's picture has no numbers, so
# every variant of an exam (and every question on the same network) reuses one drawing.
_DRAWN: dict[tuple, bytes] = {}


def _diagram_key(d: Diagram, f) -> tuple:
    def expr(e):          # as the picture writes it
        return None if e is None else f.tex(e)
    return (f.decimals, d.title,
            tuple((n.name, expr(n.symbol), n.x, n.y, n.value, expr(n.operation), n.role) for n in d.nodes),
            tuple((e.source, e.target, expr(e.label), e.value) for e in d.edges))


def _png_of_diagram(fig: Diagram, f) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # a big diagram is drawn at a lower resolution: the pixels, not the nodes, cost the time
    size = _diagram_size(fig)
    figure = Figure(figsize=size, dpi=110 if len(fig.nodes) <= 15 else 80)
    FigureCanvasAgg(figure)
    title = textwrap.fill(fig.title, max(int(size[0] * 72 / 7), 30))       # ~7 pt a character
    top = 1 - (0.22 * (title.count("\n") + 1) + 0.15) / size[1]
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=top)   # no axes to make room for
    return _png_diagram(figure, fig, f, title)


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


def _plain(expr, f=None) -> str:
    """A formula as one line of plain text (b·c, x^2, W[1]_12): matplotlib's mathtext costs a
    few ms a label, too much for a graph of 30 nodes, so a big PNG writes formulas as text.
    Semantic symbols (solver/symbols.py) are written as the notation writes them."""
    if f is not None and any(meaning(s) is not None for s in expr.free_symbols):
        return tex_to_text(f.tex(expr))
    return sp.sstr(expr).replace("**", "^").replace("*", "·")


_TEXT_COMMANDS = {"sigma": "σ", "delta": "δ", "alpha": "α", "eta": "η", "ell": "ℓ", "cdot": "·",
                  "odot": "⊙", "partial": "∂", "vdots": "⋮", "quad": " ", "qquad": "  "}


def tex_to_text(tex: str) -> str:
    """The printer's LaTeX of a short formula as plain text: \\hat{y} -> ŷ, W^{[1]}_{12} -> W[1]_12,
    \\sigma{\\left(z\\right)} -> σ(z)."""
    s = re.sub(r"\\hat\{(\w)\}", lambda m: "ŷ" if m.group(1) == "y" else m.group(1) + "\u0302", tex)
    s = s.replace(r"\left", "").replace(r"\right", "")
    s = re.sub(r"\\operatorname\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: f"{_group(m.group(1))}/{_group(m.group(2))}", s)
    s = re.sub(r"\\([A-Za-z]+)", lambda m: _TEXT_COMMANDS.get(m.group(1), m.group(1)), s)
    s = re.sub(r"\^\{?(?=[\[(])", "", s)          # W^{[1]}: the brackets mark the superscript already
    s = s.replace("{", "").replace("}", "").replace("\\", "")
    s = re.sub(r"\s+", " ", s)
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", s)).strip()


def _group(text: str) -> str:
    return text if text.isalnum() else f"({text})"


# ---------------------------------------------------------------- where edge labels go

@dataclass(frozen=True)
class Sizes:
    """How big text is in one drawing, in the units of its node coordinates."""
    unit_x: float          # length of one x unit (cm or inches)
    unit_y: float
    label_char: float      # width of a label character, and the height of a label
    label_height: float
    node_char: float
    node_height: float     # of one line
    label_pad: float       # the space around a label's text, and around a node's
    node_pad: float


def _box_of(text: str, char: float, height: float, pad: float, sizes: Sizes) -> tuple[float, float]:
    """Half width and half height of a text's box (lines split by newlines), in units;
    sub- and superscripts count for less."""
    lines = text.split("\n")
    width = max(len(line) - 0.4 * len(re.findall(r"[_\[\]]", line)) for line in lines) * char + 2 * pad
    return width / 2 / sizes.unit_x, (len(lines) * height + 2 * pad) / 2 / sizes.unit_y


def _overlap(a, b) -> float:
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    dx = aw + bw - abs(ax - bx)
    dy = ah + bh - abs(ay - by)
    return dx * dy if dx > 0 and dy > 0 else 0.0


# where along an edge its label may go (0 = source, 1 = target): the middle first, then
# nearer the target, where the edges into one node fan out, then nearer the source
SPOTS = (0.5, 0.65, 0.35, 0.72, 0.28) + tuple(sorted({round(0.22 + 0.04 * k, 2) for k in range(15)} -
                                                    {0.5, 0.65, 0.35, 0.72, 0.28}, key=lambda t: abs(t - 0.6)))


def label_spots(d: Diagram, texts: dict, sizes: Sizes) -> dict[int, float]:
    """Where along its edge (0 = source, 1 = target) each labelled edge's label goes, so that
    labels cover neither one another nor a node. The labels of edges between the same two
    columns go at one place along their edges when that place fits them all (a tidy column of
    labels); otherwise each goes to the first place that fits, or overlaps least. `texts` maps
    node names and edge indices to their plain text (for their sizes)."""
    where = {n.name: n for n in d.nodes}
    taken = []
    for n in d.nodes:
        if n.role != "elided":
            w, h = _box_of(texts[n.name], sizes.node_char, sizes.node_height, sizes.node_pad, sizes)
            taken.append((n.x, n.y, w, h))
    groups: dict[tuple[float, float], list[int]] = {}
    for k, e in enumerate(d.edges):
        if k in texts:
            groups.setdefault((where[e.source].x, where[e.target].x), []).append(k)

    def box(k: int, t: float):
        a, b = where[d.edges[k].source], where[d.edges[k].target]
        w, h = _box_of(texts[k], sizes.label_char, sizes.label_height, sizes.label_pad, sizes)
        return (a.x + t * (b.x - a.x), a.y + t * (b.y - a.y), w, h)

    def cost(candidate, others) -> float:
        return sum(_overlap(candidate, o) for o in others)

    spots: dict[int, float] = {}
    for edges in groups.values():
        def clash(t: float) -> float:
            boxes = [box(k, t) for k in edges]
            return sum(cost(b, taken) for b in boxes) + \
                sum(_overlap(p, q) for i, p in enumerate(boxes) for q in boxes[i + 1:])

        best = min(SPOTS, key=lambda t: (clash(t) > 0, clash(t)))      # first that fits, or least bad
        if clash(best) == 0:
            spots.update({k: best for k in edges})
            taken += [box(k, best) for k in edges]
            continue
        for k in edges:       # each label as near that place as it fits
            near = sorted(SPOTS, key=lambda t: abs(t - best))
            spots[k] = min(near, key=lambda t: (cost(box(k, t), taken) > 0, cost(box(k, t), taken)))
            taken.append(box(k, spots[k]))
    return spots


# ---------------------------------------------------------------- diagrams in PNG

MAX_MATH_LABELS = 40     # up to this many texts, a PNG writes them in mathtext like the LaTeX


def _png_diagram(figure, d: Diagram, f, title: str) -> bytes:
    """Labels in mathtext, as the LaTeX sets them, when there are few; else in plain text (and
    in plain text too when mathtext cannot set one of them: it fails when drawn, not before)."""
    labels = sum(1 for n in d.nodes if n.role != "elided") + sum(1 for e in d.edges if _has_label(e))
    ax = figure.add_subplot(1, 1, 1)
    for math in (True, False) if labels <= MAX_MATH_LABELS else (False,):
        ax.clear()
        _draw_diagram(ax, d, f, math, title)
        out = io.BytesIO()
        try:
            figure.savefig(out, format="png", metadata={"Software": None})
        except ValueError:
            if not math:
                raise
            continue
        return out.getvalue()
    raise AssertionError("unreachable: the plain-text drawing either returns or raises")


def _has_label(e) -> bool:
    return e.label is not None or e.value is not None


def _draw_diagram(ax, d: Diagram, f, math: bool, title: str) -> None:
    def write(expr):
        return f.tex(expr) if math else _plain(expr, f)

    def text_of(body: str) -> str:
        return f"${body}$" if math else body

    plain = {n.name: _node_text(n, f, lambda e: _plain(e, f)) for n in d.nodes}
    plain.update({k: _edge_text(e, f, lambda x: _plain(x, f)) for k, e in enumerate(d.edges) if _has_label(e)})
    xs = [n.x for n in d.nodes]
    ys = [n.y for n in d.nodes]
    params = ax.figure.subplotpars
    width, height = ax.figure.get_size_inches()
    sizes = Sizes((params.right - params.left) * width / (max(xs) - min(xs) + 1.2),
                  (params.top - params.bottom) * height / (max(ys) - min(ys) + 1.2),
                  8 * 0.55 / 72, 8 * 1.8 / 72, 10 * 0.55 / 72, 10 * 1.5 / 72, 0.02, 0.05)
    spots = label_spots(d, plain, sizes)
    boxes = {}
    for n in d.nodes:
        if n.role == "elided":
            boxes[n.name] = ax.text(n.x, n.y, "⋮", ha="center", va="center", fontsize=16, zorder=3)
        elif n.role == "caption":
            boxes[n.name] = ax.text(n.x, n.y, text_of(_node_text(n, f, write)), ha="center", va="center",
                                    fontsize=9, color="#444444", zorder=3)
        else:
            face = {"input": "#e8f0fb", "output": "#fdecea"}.get(n.role, "white")
            boxes[n.name] = ax.text(n.x, n.y, text_of(_node_text(n, f, write)), ha="center", va="center",
                                    fontsize=10, zorder=3,
                                    bbox=dict(boxstyle="round,pad=0.35", fc=face, ec="black"))
    where = {n.name: (n.x, n.y) for n in d.nodes}
    for k, e in enumerate(d.edges):
        (x0, y0), (x1, y1) = where[e.source], where[e.target]
        # the arrow runs from box edge to box edge, so its head stays visible; it is drawn after
        # the boxes (a higher zorder), which places them, or it would stop at their old places
        patch_a, patch_b = boxes[e.source].get_bbox_patch(), boxes[e.target].get_bbox_patch()
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=4,
                    arrowprops=dict(arrowstyle="-|>", color="grey", lw=1.0,
                                    shrinkA=2 if patch_a else 9, shrinkB=2 if patch_b else 9,
                                    patchA=patch_a, patchB=patch_b))
        if k in spots:
            t = spots[k]
            ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), text_of(_edge_text(e, f, write)), fontsize=8,
                    ha="center", va="center", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_axis_off()
    ax.set_title(title)


def _node_text(n, f, write) -> str:
    """symbol = operation = value, each formula written by `write` (f.tex or _plain)."""
    text = write(n.symbol)
    if n.operation is not None:
        text += " = " + write(n.operation)
    if n.value is not None:
        text += " = " + f.num(n.value, given=n.role == "input")
    return text


def _edge_text(e, f, write) -> str:
    parts = []
    if e.label is not None and e.label.is_Number:
        return write(e.label)          # a constant derivative is exact as written: 1, 3, not 1.0000
    if e.label is not None:
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


# cm: x and y units as drawn, \scriptsize labels (inner sep 1pt), normal-size nodes (inner sep 3pt)
TIKZ_SIZES = Sizes(3.2, 1.7, 0.13, 0.42, 0.16, 0.45, 0.04, 0.1)
TIKZ_LABEL = r"fill=white, inner sep=1pt, font=\scriptsize"


def _tikz_diagram(d: Diagram, f) -> str:
    ids = {n.name: f"n{i}" for i, n in enumerate(d.nodes)}
    # a node's value stands on a second line
    plain = {n.name: _node_text(dataclasses.replace(n, value=None), f, lambda e: _plain(e, f))
             + ("\n" + f.num(n.value, given=n.role == "input") if n.value is not None else "") for n in d.nodes}
    plain.update({k: _edge_text(e, f, lambda x: _plain(x, f)) for k, e in enumerate(d.edges) if _has_label(e)})
    spots = label_spots(d, plain, TIKZ_SIZES)
    # labels in the middle ride on their edge; labels moved apart are set after every edge,
    # so that no edge drawn later crosses them
    inline = all(t == 0.5 for t in spots.values())
    lines = [r"\begin{tikzpicture}[x=3.2cm, y=1.7cm, >={Stealth[length=2mm]},"
             r" box/.style={draw, rounded corners, align=center, inner sep=3pt, fill=white}]"]
    for n in d.nodes:
        at = f"({ids[n.name]}) at ({n.x:.4g},{n.y:.4g})"
        if n.role == "elided":
            lines.append(rf"\node {at} {{$\vdots$}};")
            continue
        body = f"${f.tex(n.symbol)}" + (f" = {f.tex(n.operation)}" if n.operation is not None else "") + "$"
        if n.role == "caption":
            lines.append(rf"\node[font=\footnotesize, text=black!75] {at} {{{body}}};")
            continue
        fill = {"input": "blue!6", "output": "red!6"}.get(n.role, "white")
        if n.value is not None:
            body += rf"\\ {{\footnotesize ${f.num(n.value, given=n.role == 'input')}$}}"
        lines.append(rf"\node[box, fill={fill}] {at} {{{body}}};")
    for k, e in enumerate(d.edges):
        label = ""
        if k in spots and inline:
            label = rf" node[midway, {TIKZ_LABEL}] {{${_edge_text(e, f, f.tex)}$}}"
        lines.append(rf"\draw[->, gray] ({ids[e.source]}) --{label} ({ids[e.target]});")
    if not inline:
        where = {n.name: n for n in d.nodes}
        for k, t in spots.items():
            e = d.edges[k]
            a, b = where[e.source], where[e.target]
            x, y = a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)
            lines.append(rf"\node[{TIKZ_LABEL}] at ({x:.4g},{y:.4g}) {{${_edge_text(e, f, f.tex)}$}};")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)
