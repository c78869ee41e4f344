"""SVG drawings of the pictures beside a Markdown document, written by hand (no plotting
library): a diagram at the coordinates of its layout (solver/render/layout.py), a chart with
its axes, ticks, series, lines and legend. Every text is XML-escaped; sub- and superscripts
are <tspan>s shifted with dy (supported everywhere, unlike baseline-shift).
"""
from __future__ import annotations

import math
from .escape import html_escape as esc
from .layout import CAPTION_SIZE, LABEL_SIZE, LINE, Layout, Run, text_width

FONT = "DejaVu Serif, Times New Roman, Times, serif"
FILL = {"input": "#e8f0fb", "output": "#fdecea"}
EDGE = "#808080"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def runs_svg(runs: list[Run], size: float) -> str:
    """The tspans of one line of runs; the line ends on its baseline again."""
    out = []
    shift = 0.0
    for text, level in runs:
        target = {1: -0.38, -1: 0.22, 0: 0.0}[level] * size
        attrs = ""
        if abs(target - shift) > 1e-9:
            attrs += f' dy="{_num(target - shift)}"'
            shift = target
        if level:
            attrs += f' font-size="{_num(size * 0.7)}"'
        out.append(f"<tspan{attrs}>{esc(text)}</tspan>")
    if abs(shift) > 1e-9:
        out.append(f'<tspan dy="{_num(-shift)}"></tspan>')
    return "".join(out)


def _text(x: float, y: float, lines: list[list[Run]], size: float, extra: str = "") -> str:
    """Lines of runs centred on (x, y)."""
    top = y - (len(lines) - 1) * size * LINE / 2
    parts = []
    for i, line in enumerate(lines):
        parts.append(f'<text x="{_num(x)}" y="{_num(top + i * size * LINE + 0.35 * size)}" '
                     f'font-size="{_num(size)}" text-anchor="middle"{extra}>{runs_svg(line, size)}</text>')
    return "\n".join(parts)


def _wrap(text: str, width: float, size: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        trial = f"{line} {w}".strip()
        if line and text_width([(trial, 0)], size) * 0.92 > width:
            lines.append(line)
            line = w
        else:
            line = trial
    return lines + [line] if line else lines


def _document(width: float, height: float, title: str, body: list[str]) -> str:
    """The whole picture: the title above the body (drawn from y = 0 downwards), wrapped."""
    size = 14.0
    lines = _wrap(title, width - 16, size) if title else []
    head = len(lines) * size * LINE + (10 if lines else 0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height + head)}" '
           f'viewBox="0 0 {_num(width)} {_num(height + head)}" font-family="{FONT}">',
           f"<title>{esc(title)}</title>",
           '<rect width="100%" height="100%" fill="white"/>']
    for i, line in enumerate(lines):
        out.append(f'<text x="{_num(width / 2)}" y="{_num(6 + (i + 0.8) * size * LINE)}" font-size="{_num(size)}" '
                   f'text-anchor="middle">{esc(line)}</text>')
    out.append(f'<g transform="translate(0,{_num(head)})">')
    out += body
    out += ["</g>", "</svg>", ""]
    return "\n".join(out)


# ---------------------------------------------------------------- diagrams

def diagram_svg(title: str, lay: Layout) -> str:
    body = ['<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE}"/>'
            '</marker></defs>']
    for e in lay.edges:
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in e.points)
        body.append(f'<polyline points="{points}" fill="none" stroke="{EDGE}" stroke-width="1.1" '
                    'stroke-linejoin="round" marker-end="url(#arrow)"/>')
    for p in lay.nodes:
        b = p.box
        if p.role == "caption":
            body.append(_text(b.x, b.y, p.lines, CAPTION_SIZE, ' fill="#444444"'))
            continue
        if p.role != "elided":
            body.append(f'<rect x="{_num(b.left)}" y="{_num(b.top)}" width="{_num(2 * b.hw)}" '
                        f'height="{_num(2 * b.hh)}" rx="4" fill="{FILL.get(p.role, "white")}" stroke="black"/>')
            body.append(_text(b.x, b.y, p.lines, p.size))
        else:
            body.append(_text(b.x, b.y, p.lines, 18.0))
    for lb in lay.labels:
        b = lb.box
        body.append(f'<rect x="{_num(b.left)}" y="{_num(b.top)}" width="{_num(2 * b.hw)}" height="{_num(2 * b.hh)}" '
                    'fill="white" fill-opacity="0.9"/>')
        body.append(_text(b.x, b.y, lb.lines, LABEL_SIZE))
    return _document(lay.width, lay.height, title, body)


# ---------------------------------------------------------------- charts

def nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    v = first
    while v <= hi + 1e-9 * step:
        ticks.append(0.0 if abs(v) < 1e-12 * step else v)
        v += step
    return ticks


def log_ticks(lo: float, hi: float) -> list[float]:
    """The powers of ten inside [lo, hi] (at least the two around it)."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    ticks = [10.0 ** k for k in range(a, b + 1) if lo * (1 - 1e-9) <= 10.0 ** k <= hi * (1 + 1e-9)]
    return ticks or [10.0 ** a, 10.0 ** b]


def tick_text(v: float, step: float) -> str:
    """A tick's number, with a true minus sign."""
    return _tick_number(v, step).replace("-", "−")


def _tick_number(v: float, step: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        mantissa, exponent = f"{v:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    return f"{v:.{min(decimals + 1, 6)}f}".rstrip("0").rstrip(".") if decimals else f"{v:.0f}"


def chart_svg(chart, xlim, ylim, colours, shades, segments) -> str:
    """A chart: `segments` are the boundary lines clipped to the box (None where one misses it),
    `shades` the colours of the earlier (dashed) lines."""
    series_labels = [s.label for s in chart.series if s.label] + [b.label for b, seg in zip(chart.boundaries, segments)
                                                                  if seg is not None]
    legend_w = max((text_width([(t, 0)], 11.0) for t in series_labels), default=0.0)
    legend_w = legend_w + 40 if series_labels else 0.0
    left, right, top, bottom = 62.0, 14.0 + legend_w, 8.0, 46.0
    if chart.equal_axes:          # one unit as long on both axes
        (x0, x1), (y0, y1) = xlim, ylim
        scale = min(470.0 / (x1 - x0), 440.0 / (y1 - y0)) if x1 > x0 and y1 > y0 else 1.0
        plot_w, plot_h = max((x1 - x0) * scale, 120.0), max((y1 - y0) * scale, 120.0)
    else:
        plot_w, plot_h = 470.0, 290.0
    width, height = left + plot_w + right, top + plot_h + bottom
    (x0, x1), (y0, y1) = xlim, ylim
    if chart.log_y:
        ly0, ly1 = math.log10(y0), math.log10(y1)

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        if chart.log_y:
            return top + plot_h - (math.log10(max(y, 1e-300)) - ly0) / (ly1 - ly0) * plot_h
        return top + plot_h - (y - y0) / (y1 - y0) * plot_h

    body = [f'<defs><clipPath id="plot"><rect x="{_num(left)}" y="{_num(top)}" width="{_num(plot_w)}" '
            f'height="{_num(plot_h)}"/></clipPath></defs>']
    xt = nice_ticks(x0, x1)
    yt = log_ticks(y0, y1) if chart.log_y else nice_ticks(y0, y1)
    xstep = xt[1] - xt[0] if len(xt) > 1 else 1.0
    ystep = yt[1] - yt[0] if len(yt) > 1 else 1.0
    for v in xt:
        body.append(f'<line x1="{_num(px(v))}" y1="{_num(top)}" x2="{_num(px(v))}" y2="{_num(top + plot_h)}" '
                    'stroke="#e4e4e4"/>')
        body.append(f'<text x="{_num(px(v))}" y="{_num(top + plot_h + 15)}" font-size="11" '
                    f'text-anchor="middle">{esc(tick_text(v, xstep))}</text>')
    for v in yt:
        label = tick_text(v, v) if chart.log_y else tick_text(v, ystep)
        body.append(f'<line x1="{_num(left)}" y1="{_num(py(v))}" x2="{_num(left + plot_w)}" y2="{_num(py(v))}" '
                    'stroke="#e4e4e4"/>')
        body.append(f'<text x="{_num(left - 5)}" y="{_num(py(v) + 4)}" font-size="11" '
                    f'text-anchor="end">{esc(label)}</text>')
    body.append(f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(plot_w)}" height="{_num(plot_h)}" '
                'fill="none" stroke="black"/>')
    body.append(f'<text x="{_num(left + plot_w / 2)}" y="{_num(top + plot_h + 36)}" font-size="12" '
                f'text-anchor="middle">{esc(chart.xlabel)}</text>')
    body.append(f'<text x="14" y="{_num(top + plot_h / 2)}" font-size="12" text-anchor="middle" '
                f'transform="rotate(-90 14 {_num(top + plot_h / 2)})">{esc(chart.ylabel)}</text>')
    legend: list[tuple[str, str]] = []          # (the sample's SVG at (0, 0), the text)
    body.append('<g clip-path="url(#plot)">')
    for s in chart.series:
        colour = colours[s.group % len(colours)]
        if s.style == "points":
            shape = s.group % 4
            for x, y in zip(s.x, s.y):
                body.append(_marker(shape, px(x), py(y), colour))
            legend.append((_marker(shape, 0, 0, colour), s.label))
        else:
            points = " ".join(f"{_num(px(x))},{_num(py(y))}" for x, y in zip(s.x, s.y))
            body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
            legend.append((f'<line x1="-10" y1="0" x2="10" y2="0" stroke="{colour}" stroke-width="1.5"/>', s.label))
    for line, seg, shade in zip(chart.boundaries, segments, shades):
        if seg is None:
            continue
        (ax, ay), (bx, by) = seg
        style = 'stroke="black" stroke-width="2"' if line.final else \
            f'stroke="{shade}" stroke-width="1.3" stroke-dasharray="6 4"'
        body.append(f'<line x1="{_num(px(ax))}" y1="{_num(py(ay))}" x2="{_num(px(bx))}" y2="{_num(py(by))}" {style}/>')
        legend.append((f'<line x1="-10" y1="0" x2="10" y2="0" {style}/>', line.label))
    body.append("</g>")
    y = top + 8
    for sample, text in legend:
        if not text:
            continue
        lx = left + plot_w + 22
        body.append(f'<g transform="translate({_num(lx)},{_num(y)})">{sample}</g>')
        body.append(f'<text x="{_num(lx + 16)}" y="{_num(y + 4)}" font-size="11">{esc(text)}</text>')
        y += 17
    return _document(width, height, chart.title, body)


def _marker(shape: int, x: float, y: float, colour: str) -> str:
    if shape == 0:
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}"/>'
    if shape == 1:
        return (f'<path d="M{_num(x - 4)},{_num(y - 4)} L{_num(x + 4)},{_num(y + 4)} M{_num(x - 4)},{_num(y + 4)} '
                f'L{_num(x + 4)},{_num(y - 4)}" stroke="{colour}" stroke-width="2"/>')
    if shape == 2:
        return f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{colour}"/>'
    return f'<path d="M{_num(x)},{_num(y - 5)} L{_num(x + 5)},{_num(y + 4)} L{_num(x - 5)},{_num(y + 4)} z" fill="{colour}"/>'
