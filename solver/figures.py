"""Pictures as data: what to draw, not how. The renderers draw them (SVG beside the
Markdown, TikZ/pgfplots in the LaTeX) from these records, so both show the same thing; a
diagram's layout is computed once (solver/render/layout.py) and drawn by both.

Labels that are mathematics are SymPy expressions (formatted by the renderer in the
question's notation); legend and axis texts are plain text (escaped by the renderer).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True, eq=False)
class Series:
    label: str                    # legend text
    x: tuple[float, ...]
    y: tuple[float, ...]
    style: str = "line"           # line | points
    group: int = 0                # points: which class (marker and colour); line: which colour


@dataclass(frozen=True, eq=False)
class Boundary:
    """The line w[0] x + w[1] y + b = 0, drawn across the chart's box."""
    label: str
    w: tuple[float, float]
    b: float
    final: bool = False           # the final line is drawn solid, earlier ones dashed


@dataclass(frozen=True, eq=False)
class Chart:
    name: str                     # unique within its question; part of the picture's file name
    title: str
    xlabel: str
    ylabel: str
    series: tuple[Series, ...] = ()
    boundaries: tuple[Boundary, ...] = ()
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    equal_axes: bool = False      # same scale on both axes (points and lines in the plane)
    log_y: bool = False


@dataclass(frozen=True, eq=False)
class Node:
    name: str                     # unique within the diagram
    symbol: sp.Expr               # what the node is called: a, u, J, x_1, ...
    x: float                      # position, in units of one node spacing
    y: float
    value: float | None = None    # shown under the symbol
    operation: sp.Expr | None = None   # what the node computes (b*c for u = bc)
    role: str = "op"              # input | op | output | elided (the dots of a long layer) | caption


@dataclass(frozen=True, eq=False)
class Edge:
    source: str                   # node names
    target: str
    label: sp.Expr | None = None  # the local derivative, a weight, ...
    value: float | None = None


@dataclass(frozen=True, eq=False)
class Diagram:
    name: str
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    ordered: bool = True          # keep the nodes' order within a column (y); False: the layout
                                  # may reorder them to cut crossings (solver/render/layout.py)


def clip_line(w: tuple[float, float], b: float, xlim: tuple[float, float],
              ylim: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The segment of w0 x + w1 y + b = 0 inside the box, or None when it misses the box
    (or w = 0, when there is no line)."""
    (x0, x1), (y0, y1) = xlim, ylim
    points: list[tuple[float, float]] = []
    if abs(w[1]) > 1e-12:
        for x in (x0, x1):
            y = -(w[0] * x + b) / w[1]
            if y0 - 1e-12 <= y <= y1 + 1e-12:
                points.append((x, y))
    if abs(w[0]) > 1e-12:
        for y in (y0, y1):
            x = -(w[1] * y + b) / w[0]
            if x0 - 1e-12 <= x <= x1 + 1e-12:
                points.append((x, y))
    unique: list[tuple[float, float]] = []
    for p in points:
        if all(abs(p[0] - q[0]) > 1e-9 or abs(p[1] - q[1]) > 1e-9 for q in unique):
            unique.append(p)
    if len(unique) < 2:
        return None
    return unique[0], unique[1]
