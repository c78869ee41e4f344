"""Where everything of a diagram goes: node boxes, edge paths and label boxes, computed once
in Python and drawn at the same coordinates by both back ends (SVG beside the Markdown, TikZ
in the LaTeX; solver/render/figures.py).

A layered drawing (columns from left to right, as the diagrams' x coordinates say):
- text extents are estimated from the characters (sub- and superscripts smaller), a little
  generously, so the typeset text fits in its box;
- an edge that spans several columns passes each column between its nodes (a "dummy" node
  that keeps its lane free), so no edge runs through a node; within a column the nodes keep
  their given order, or (Diagram.ordered False) are reordered to cut crossings;
- an edge leaves its source on the right side and enters its target on the left side (the
  ports spread over the side), runs horizontally through its own column band and diagonally
  through the free lane between two columns: no node box is ever in its way;
- an edge's label sits on its last diagonal, inside the lane, so it covers no node; labels of
  one lane are placed apart (a lane is widened until they fit, at worst one label per slot);
- captions (a network's layer formulas) stand above everything.

Coordinates are in units of about 1 px (y downwards); the node text is NODE_SIZE units high.
Nothing here imports SymPy: the texts are given as the printer's LaTeX (see tex_runs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

NODE_SIZE = 14.0           # font sizes, in units
LABEL_SIZE = 11.0
CAPTION_SIZE = 12.0
SCRIPT = 0.7               # sub- and superscripts, relative
LINE = 1.25                # line height, relative to the font size
NODE_PAD = (5.0, 4.0)      # around a node's text (x, y)
LABEL_PAD = (2.0, 1.0)
ROW_GAP = 18.0             # between two boxes of one column
DUMMY = 3.0                # the half height an edge passing a column keeps free
LANE = 40.0                # the narrowest lane between two columns
LABEL_GAP = 6.0            # between two labels, at least
COMFORT = 12.0             # and when there is room
LANE_PAD = 11.0            # between a label and a column band (the arrow heads stay visible)
MARGIN = 8.0

Run = tuple[str, int]      # a piece of text and its level: 0 on the line, 1 superscript, -1 subscript


# ---------------------------------------------------------------- text

_SYMBOLS = {
    "sigma": "σ", "delta": "δ", "Delta": "Δ", "alpha": "α", "beta": "β", "gamma": "γ", "eta": "η",
    "lambda": "λ", "mu": "μ", "theta": "θ", "pi": "π", "tau": "τ", "phi": "φ", "varphi": "φ",
    "epsilon": "ε", "varepsilon": "ε", "omega": "ω", "xi": "ξ", "rho": "ρ", "nu": "ν", "kappa": "κ",
    "zeta": "ζ", "chi": "χ", "psi": "ψ", "Sigma": "Σ", "Theta": "Θ", "Phi": "Φ", "Omega": "Ω",
    "ell": "ℓ", "cdot": "·", "odot": "⊙", "times": "×", "partial": "∂", "vdots": "⋮", "ldots": "…",
    "cdots": "⋯", "dots": "…", "infty": "∞", "leq": "≤", "geq": "≥", "neq": "≠", "pm": "±",
    "sum": "Σ", "prod": "Π", "to": "→", "rightarrow": "→", "in": "∈", "quad": "  ", "qquad": "    ",
    ",": " ", ";": " ", ":": " ", " ": " ", "!": "", "{": "{", "}": "}", "%": "%", "&": "&",
    "#": "#", "_": "_", "$": "$", "\\": " ", "prime": "′",
}
_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307", "vec": "\u20d7"}
_PRECOMPOSED = {("y", "hat"): "ŷ", ("a", "hat"): "â", ("o", "hat"): "ô", ("e", "hat"): "ê",
                ("x", "bar"): "x̄"}
_CONTENTS = ("operatorname", "mathrm", "text", "mathit", "mathbf", "mathsf", "textrm", "boldsymbol",
             "mathcal", "mathtt", "textit", "textbf", "displaystyle", "left", "right", "big", "Big")
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_])|(\s+)|(.)", re.S)


def tex_runs(tex: str) -> list[Run]:
    """The printer's LaTeX of a short formula as runs of plain text with their level:
    W^{[1]}_{12} -> [("W", 0), ("[1]", 1), ("12", -1)]; \\hat{y} -> ŷ; \\frac{a}{b} -> a/b;
    \\sigma{\\left(z\\right)} -> σ(z). Unknown commands are written by their names."""
    tokens = [m for m in _TOKEN.finditer(tex)]
    runs: list[Run] = []
    pos = 0

    def emit(text: str, level: int) -> None:
        if text:
            if runs and runs[-1][1] == level:
                runs[-1] = (runs[-1][0] + text, level)
            else:
                runs.append((text, level))

    def atom(level: int) -> None:
        """One token or group at `level`."""
        nonlocal pos
        if pos >= len(tokens):
            return
        m = tokens[pos]
        if m.group(2) == "{":
            pos += 1
            group(level)
            return
        item(level)

    def group(level: int) -> None:
        nonlocal pos
        while pos < len(tokens):
            if tokens[pos].group(2) == "}":
                pos += 1
                return
            item(level)

    def collect(level: int) -> list[Run]:
        """The runs of the next atom, apart."""
        nonlocal runs
        saved, runs = runs, []
        atom(level)
        out, runs = runs, saved
        return out

    def item(level: int) -> None:
        nonlocal pos
        m = tokens[pos]
        pos += 1
        command, special, space, char = m.groups()
        if special in ("^", "_"):
            inner = (1 if special == "^" else -1) if level == 0 else level
            atom(inner)
        elif special == "{":
            group(level)
        elif special == "}":
            pass
        elif space:
            if runs and not runs[-1][0].endswith(" "):
                emit(" ", level)
        elif command is not None:
            if command in ("left", "right"):
                if pos < len(tokens) and tokens[pos].group(4) == ".":
                    pos += 1          # \left. : no delimiter
                return
            if command in _CONTENTS:
                return                # \operatorname{ReLU}: the group follows and is written as it is
            if command in _ACCENTS:
                inner = collect(level)
                text = "".join(t for t, _ in inner)
                emit(_PRECOMPOSED.get((text, command), text + (_ACCENTS[command] if len(text) == 1 else "")), level)
                return
            if command in ("frac", "dfrac", "tfrac"):
                top, bottom = collect(level), collect(level)
                for part, end in ((top, "/"), (bottom, "")):
                    text = "".join(t for t, _ in part)
                    simple = len(part) <= 1 and re.fullmatch(r"[\w.′]*", text) is not None
                    if not simple:
                        emit("(", level)
                    for t, lv in part:
                        emit(t, lv)
                    if not simple:
                        emit(")", level)
                    emit(end, level)
                return
            if command == "sqrt":
                emit("√(", level)
                atom(level)
                emit(")", level)
                return
            emit(_SYMBOLS.get(command, command), level)
        else:
            emit("−" if char == "-" else char, level)

    while pos < len(tokens):
        item(0)
    out = [(re.sub(r" {2,}", " ", t), lv) for t, lv in runs]
    out = [(re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", t)), lv) for t, lv in out]
    out = [(re.sub(r"(^|\()−\s+", r"\1−", t), lv) for t, lv in out]        # a sign, not a minus: -x
    if out:
        out[0] = (out[0][0].lstrip(), out[0][1])
        out[-1] = (out[-1][0].rstrip(), out[-1][1])
    return [(t, lv) for t, lv in out if t]


def plain_text(runs: list[Run]) -> str:
    """Runs as one line of plain text: W[1]_12, x^2."""
    out = []
    for text, level in runs:
        if level == -1:
            out.append("_" + text)
        elif level == 1 and not text.startswith(("[", "(")):
            out.append("^" + text)
        else:
            out.append(text)
    return "".join(out)


def _char_width(c: str) -> float:
    """A character's width as a share of the font size, a little above the usual (so the
    typeset text fits its box in both back ends)."""
    if c == " ":
        return 0.3
    if c in ".,:;'′·|!":
        return 0.3
    if c in "()[]{}/":
        return 0.4
    if c in "=+−-<>≤≥≠×±→":
        return 0.85
    if c in "\u0302\u0304\u0303\u0307\u20d7":
        return 0.0
    if c.isdigit():
        return 0.52
    if c in "mwMWΣΔΩ⊙":
        return 0.85
    if c.isupper():
        return 0.7
    return 0.56


def text_width(runs: list[Run], size: float) -> float:
    return sum(_char_width(c) * size * (SCRIPT if level else 1.0) for text, level in runs for c in text)


# ---------------------------------------------------------------- the layout

@dataclass
class Box:
    x: float          # the centre, and half the width and height
    y: float
    hw: float
    hh: float

    @property
    def left(self) -> float:
        return self.x - self.hw

    @property
    def right(self) -> float:
        return self.x + self.hw

    @property
    def top(self) -> float:
        return self.y - self.hh

    @property
    def bottom(self) -> float:
        return self.y + self.hh


@dataclass
class PlacedNode:
    name: str
    role: str
    box: Box
    lines: list[list[Run]]       # the text, line by line (the SVG writes these)
    size: float                  # its font size


@dataclass
class PlacedEdge:
    index: int                   # in Diagram.edges
    points: list[tuple[float, float]]     # from the source's box to the target's (the arrow's tip)


@dataclass
class PlacedLabel:
    index: int                   # the edge's
    box: Box
    lines: list[list[Run]]       # a formula over its value, or one line


@dataclass
class Layout:
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]
    labels: list[PlacedLabel]
    width: float
    height: float
    node_of: dict[str, PlacedNode] = field(default_factory=dict)


@dataclass
class _Item:
    """One slot of a column: a node, or an edge passing the column."""
    key: object                  # a node name, or (edge index, column)
    hh: float
    y: float = 0.0
    hint: float = 0.0            # the diagram's y (upwards), for the given order


def text_box(lines: list[list[Run]], size: float, pad: tuple[float, float]) -> tuple[float, float]:
    """Half width and half height of a text's box."""
    width = max((text_width(line, size) for line in lines), default=0.0)
    return width / 2 + pad[0], len(lines) * size * LINE / 2 + pad[1]


def layout(d, node_lines: dict[str, list[list[Run]]], edge_lines: dict[int, list[list[Run]]]) -> Layout:
    """The layout of a solver.figures.Diagram, given the text of each node and of each labelled
    edge (by index), as lines of runs."""
    real = [n for n in d.nodes if n.role != "caption"]
    captions = [n for n in d.nodes if n.role == "caption"]
    xs = sorted({n.x for n in real})
    col = {n.name: xs.index(n.x) for n in real}
    sizes: dict[str, tuple[float, float]] = {}
    for n in d.nodes:
        if n.role == "elided":
            sizes[n.name] = (6.0, 11.0)
        elif n.role == "caption":
            sizes[n.name] = text_box(node_lines[n.name], CAPTION_SIZE, (2.0, 1.0))
        else:
            sizes[n.name] = text_box(node_lines[n.name], NODE_SIZE, NODE_PAD)
    for e in d.edges:
        if col[e.target] <= col[e.source]:
            raise ValueError(f"edge {e.source} -> {e.target} does not run left to right")

    # the columns: nodes and the edges passing them
    columns: list[list[_Item]] = [[] for _ in xs]
    for n in real:
        columns[col[n.name]].append(_Item(n.name, sizes[n.name][1], hint=n.y))
    where = {n.name: n for n in real}
    chains: list[list[object]] = []          # per edge: the keys of its slots, source to target
    for k, e in enumerate(d.edges):
        a, b = where[e.source], where[e.target]
        chain: list[object] = [e.source]
        for c in range(col[e.source] + 1, col[e.target]):
            t = (xs[c] - a.x) / (b.x - a.x)
            columns[c].append(_Item((k, c), DUMMY, hint=a.y + t * (b.y - a.y) + 1e-6 * (k + 1)))
            chain.append((k, c))
        chain.append(e.target)
        chains.append(chain)
    for column in columns:
        column.sort(key=lambda it: -it.hint)
    row = max((2 * hh for name, (hw, hh) in sizes.items() if name in col), default=20.0) + ROW_GAP
    if d.ordered:
        for column in columns:
            for it in column:
                it.y = -it.hint * row / _unit(d)
            _separate(column)
    else:
        _arrange(columns, chains, row)

    item_of = {it.key: it for column in columns for it in column}
    half = [max([sizes[it.key][0] for it in column if not isinstance(it.key, tuple)] + [4.0]) for column in columns]

    # ports: where each edge leaves its source and enters its target
    out_port: dict[int, float] = {}
    in_port: dict[int, float] = {}
    for name in col:
        hh = sizes[name][1]
        outs = sorted((k for k, ch in enumerate(chains) if ch[0] == name), key=lambda k: item_of[chains[k][1]].y)
        ins = sorted((k for k, ch in enumerate(chains) if ch[-1] == name), key=lambda k: item_of[chains[k][-2]].y)
        for ks, port in ((outs, out_port), (ins, in_port)):
            spread = max(hh - 5.0, 0.0) * 0.8
            for i, k in enumerate(ks):
                port[k] = item_of[name].y + (spread * (2 * i / (len(ks) - 1) - 1) if len(ks) > 1 else 0.0)

    def slot_y(k: int, key, leaving: bool) -> float:
        if isinstance(key, tuple):
            return item_of[key].y
        return out_port[k] if leaving else in_port[k]

    # the lanes: wide enough for the captions above and the labels in them
    cap_half = [0.0] * len(xs)
    for n in captions:
        c = min(range(len(xs)), key=lambda i: abs(xs[i] - n.x))
        cap_half[c] = max(cap_half[c], sizes[n.name][0])
    lanes: list[float] = []
    label_at: dict[int, tuple[float, float]] = {}        # edge index -> centre, relative to its lane's left
    for c in range(len(xs) - 1):
        base = max(LANE, cap_half[c] + cap_half[c + 1] + 12.0 - half[c] - half[c + 1])
        todo = []
        for k, ch in enumerate(chains):
            if k in edge_lines and col[d.edges[k].target] == c + 1:
                hw, hh = text_box(edge_lines[k], LABEL_SIZE, LABEL_PAD)
                todo.append((k, hw, hh, slot_y(k, ch[-2], True), in_port[k]))
        width, spots = _place_labels(todo, base)
        lanes.append(width)
        label_at.update(spots)

    centre = [half[0]]
    for c in range(1, len(xs)):
        centre.append(centre[-1] + half[c - 1] + lanes[c - 1] + half[c])

    nodes: list[PlacedNode] = []
    for n in real:
        it = item_of[n.name]
        hw, hh = sizes[n.name]
        nodes.append(PlacedNode(n.name, n.role, Box(centre[col[n.name]], it.y, hw, hh), node_lines[n.name],
                                NODE_SIZE))
    node_of = {p.name: p for p in nodes}
    edges: list[PlacedEdge] = []
    for k, ch in enumerate(chains):
        src, dst = node_of[ch[0]].box, node_of[ch[-1]].box
        points = [(src.right, out_port[k])]
        for i in range(len(ch) - 1):
            c = col[ch[0]] + i
            points.append((centre[c] + half[c], slot_y(k, ch[i], True)))
            points.append((centre[c + 1] - half[c + 1], slot_y(k, ch[i + 1], False)))
        points.append((dst.left, in_port[k]))
        clean = [points[0]]
        for p in points[1:]:
            if abs(p[0] - clean[-1][0]) > 1e-9 or abs(p[1] - clean[-1][1]) > 1e-9:
                clean.append(p)
        edges.append(PlacedEdge(k, clean))
    labels: list[PlacedLabel] = []
    for k, (x, y) in sorted(label_at.items()):
        c = col[d.edges[k].target] - 1
        hw, hh = text_box(edge_lines[k], LABEL_SIZE, LABEL_PAD)
        labels.append(PlacedLabel(k, Box(centre[c] + half[c] + x, y, hw, hh), edge_lines[k]))

    # captions above everything else
    top = min([p.box.top for p in nodes] + [lb.box.top for lb in labels] + [y for e in edges for _, y in e.points])
    for n in captions:
        c = min(range(len(xs)), key=lambda i: abs(xs[i] - n.x))
        hw, hh = sizes[n.name]
        nodes.append(PlacedNode(n.name, n.role, Box(centre[c], top - 10.0 - hh, hw, hh), node_lines[n.name],
                                CAPTION_SIZE))
    return _shifted(Layout(nodes, edges, labels, 0.0, 0.0))


def _unit(d) -> float:
    """The diagram's row spacing in its own units (the smallest gap between two nodes of a column)."""
    gaps = []
    by_x: dict[float, list[float]] = {}
    for n in d.nodes:
        if n.role != "caption":
            by_x.setdefault(n.x, []).append(n.y)
    for ys in by_x.values():
        ys.sort()
        gaps += [b - a for a, b in zip(ys, ys[1:]) if b - a > 1e-9]
    return min(gaps, default=1.0)


def _separate(column: list[_Item]) -> None:
    """Keep the order, move the slots apart where they are too close, as little as possible
    (pushed down, then the whole column back to its wanted centre)."""
    if not column:
        return
    wanted = [it.y for it in column]
    for a, b in zip(column, column[1:]):
        gap = ROW_GAP if not isinstance(a.key, tuple) and not isinstance(b.key, tuple) else ROW_GAP / 2
        b.y = max(b.y, a.y + a.hh + b.hh + gap)
    shift = sum(wanted) / len(wanted) - sum(it.y for it in column) / len(column)
    for it in column:
        it.y += shift


def _crossings(columns: list[list[_Item]], links: list[tuple[object, object]]) -> int:
    rank = {it.key: (c, i) for c, column in enumerate(columns) for i, it in enumerate(column)}
    by_gap: dict[int, list[tuple[int, int]]] = {}
    for a, b in links:
        by_gap.setdefault(rank[a][0], []).append((rank[a][1], rank[b][1]))
    count = 0
    for pairs in by_gap.values():
        for i, (a1, b1) in enumerate(pairs):
            for a2, b2 in pairs[i + 1:]:
                count += (a1 - a2) * (b1 - b2) < 0
    return count


def _arrange(columns: list[list[_Item]], chains: list[list[object]], row: float) -> None:
    """Order each column to cut crossings (barycentres, sweeping both ways, keeping the best),
    then place the slots near the mean height of their neighbours."""
    links = [(ch[i], ch[i + 1]) for ch in chains for i in range(len(ch) - 1)]
    left: dict[object, list[object]] = {}
    right: dict[object, list[object]] = {}
    for a, b in links:
        right.setdefault(a, []).append(b)
        left.setdefault(b, []).append(a)

    def positions() -> dict[object, float]:
        return {it.key: i - (len(column) - 1) / 2 for column in columns for i, it in enumerate(column)}

    best = [list(c) for c in columns]
    best_count = _crossings(columns, links)
    for sweep in range(8):
        order = range(1, len(columns)) if sweep % 2 == 0 else range(len(columns) - 2, -1, -1)
        for c in order:
            pos = positions()
            near = left if sweep % 2 == 0 else right
            keyed = []
            for i, it in enumerate(columns[c]):
                others = near.get(it.key, [])
                keyed.append((sum(pos[o] for o in others) / len(others) if others else pos[it.key], i, it))
            columns[c][:] = [it for _, _, it in sorted(keyed, key=lambda t: (t[0], t[1]))]
        count = _crossings(columns, links)
        if count < best_count:
            best, best_count = [list(c) for c in columns], count
    for c, column in enumerate(best):
        columns[c][:] = column
    # heights: by rank, then a few rounds towards the neighbours' mean
    for column in columns:
        for i, it in enumerate(column):
            it.y = (i - (len(column) - 1) / 2) * row
        _separate(column)
    for _ in range(4):
        ys = {it.key: it.y for column in columns for it in column}
        for column in columns:
            for it in column:
                others = left.get(it.key, []) + right.get(it.key, [])
                if others:
                    it.y = sum(ys[o] for o in others) / len(others)
            _separate(column)


def _place_labels(todo, base: float) -> tuple[float, dict[int, tuple[float, float]]]:
    """The width of one lane and where its labels go (centres, x from the lane's left).
    todo: (edge index, half width, half height, y at the lane's left, y at its right)."""
    if not todo:
        return base, {}
    widest = max(hw for _, hw, _, _, _ in todo)
    spare = min(2 * widest, 50.0) if len(todo) > 1 else 0.0       # room to set labels apart
    width = max(base, 2 * widest + 2 * LANE_PAD + spare)
    for _ in range(7):
        spots = _try_lane(todo, width)
        if spots is not None:
            return width, spots
        width *= 1.35
    # at worst one label per slot, side by side: no two can overlap
    centres: dict[int, float] = {}
    x = LANE_PAD
    for k, hw, hh, y0, y1 in sorted(todo, key=lambda t: (t[3] + t[4], t[0])):
        centres[k] = x + hw
        x += 2 * hw + LABEL_GAP
    total = max(x - LABEL_GAP + LANE_PAD, width)
    return total, {k: (centres[k], y0 + (y1 - y0) * centres[k] / total) for k, hw, hh, y0, y1 in todo}


FRACTIONS = (0.5, 0.65, 0.35, 0.8, 0.2, 0.58, 0.42, 0.72, 0.28, 0.9, 0.1, 1.0, 0.0)


def _try_lane(todo, width: float) -> dict[int, tuple[float, float]] | None:
    def centre(t, hw, y0, y1):
        lo, hi = LANE_PAD + hw, width - LANE_PAD - hw
        x = lo + t * (hi - lo)
        return x, y0 + (y1 - y0) * x / width

    def clash(a, b) -> bool:
        return boxes_overlap(a, b, LABEL_GAP)

    for t in FRACTIONS[:5]:          # all at one place along their edges: a tidy column
        placed = [Box(*centre(t, hw, y0, y1), hw, hh) for _, hw, hh, y0, y1 in todo]
        if all(not clash(a, b) for i, a in enumerate(placed) for b in placed[i + 1:]):
            return {k: (b.x, b.y) for (k, *_), b in zip(todo, placed)}
    def clearance(box: Box) -> float:
        """How far the box is from the nearest label placed (apart along x or along y)."""
        return min((max(abs(box.x - o.x) - box.hw - o.hw, abs(box.y - o.y) - box.hh - o.hh) for o in taken),
                   default=float("inf"))

    spots: dict[int, tuple[float, float]] = {}
    taken: list[Box] = []
    for k, hw, hh, y0, y1 in sorted(todo, key=lambda t: (t[4], t[3], t[0])):
        # the first place with room to spare, else the one farthest from the others if it fits
        boxes = [Box(*centre(t, hw, y0, y1), hw, hh) for t in FRACTIONS]
        roomy = [b for b in boxes if clearance(b) >= COMFORT]
        best = roomy[0] if roomy else max(boxes, key=clearance)
        if any(clash(best, other) for other in taken):
            return None
        spots[k] = (best.x, best.y)
        taken.append(best)
    return spots


def _shifted(lay: Layout) -> Layout:
    """Everything moved so the drawing starts at (MARGIN, MARGIN); its width and height set."""
    boxes = [p.box for p in lay.nodes] + [lb.box for lb in lay.labels]
    x0 = min([b.left for b in boxes] + [x for e in lay.edges for x, _ in e.points])
    y0 = min([b.top for b in boxes] + [y for e in lay.edges for _, y in e.points])
    x1 = max([b.right for b in boxes] + [x for e in lay.edges for x, _ in e.points])
    y1 = max([b.bottom for b in boxes] + [y for e in lay.edges for _, y in e.points])
    dx, dy = MARGIN - x0, MARGIN - y0
    for b in boxes:
        b.x += dx
        b.y += dy
    for e in lay.edges:
        e.points = [(x + dx, y + dy) for x, y in e.points]
    lay.width, lay.height = x1 - x0 + 2 * MARGIN, y1 - y0 + 2 * MARGIN
    lay.node_of = {p.name: p for p in lay.nodes}
    return lay


# ---------------------------------------------------------------- geometry (and the tests' checks)

def boxes_overlap(a: Box, b: Box, gap: float = 0.0) -> bool:
    return abs(a.x - b.x) < a.hw + b.hw + gap - 1e-9 and abs(a.y - b.y) < a.hh + b.hh + gap - 1e-9


def segment_hits_box(p: tuple[float, float], q: tuple[float, float], box: Box, inset: float = 0.5) -> bool:
    """Whether the segment p-q passes through the inside of the box (shrunk by `inset`)."""
    x0, x1 = box.left + inset, box.right - inset
    y0, y1 = box.top + inset, box.bottom - inset
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for step, dist in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if abs(step) < 1e-12:
            if dist < 0:
                return False
            continue
        t = dist / step
        if step < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def problems(d, lay: Layout) -> list[str]:
    """What is wrong with a drawing: an edge through a node it does not join, a label over a
    label or a node. Empty when all is well."""
    out = []
    boxes = [(p.name, p.box) for p in lay.nodes]
    for e in lay.edges:
        edge = d.edges[e.index]
        for p, q in zip(e.points, e.points[1:]):
            for name, box in boxes:
                if name not in (edge.source, edge.target) and segment_hits_box(p, q, box):
                    out.append(f"edge {edge.source} -> {edge.target} runs through node {name}")
    for i, a in enumerate(lay.labels):
        for b in lay.labels[i + 1:]:
            if boxes_overlap(a.box, b.box):
                out.append(f"the labels of edges {a.index} and {b.index} overlap")
        for name, box in boxes:
            if boxes_overlap(a.box, box):
                out.append(f"the label of edge {a.index} covers node {name}")
    return out
