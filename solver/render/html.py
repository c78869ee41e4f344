"""HTML from our Markdown: the worked solution as a web page's (or a learning platform's) HTML.

`markdown_to_html` turns the Markdown that `solve` writes (CommonMark with tables, math between
`$...$` and `$$...$$`, pictures as data URIs) into HTML in which the mathematics stays TeX,
between `\\( \\)` (inline) and `\\[ \\]` (display), as KaTeX's auto-render and MathJax (Moodle's
filter, Canvas) read it. Every formula is wrapped in an element of class `math` (`math inline`
or `math display`), so that a page can typeset those elements alone and never the user's text
around them. Raw HTML in the Markdown is not passed through: it shows as text.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

import numpy as np

from .escape import html_escape

# The pictures a page may show inline: those `solve` draws (SVG) and the
# other image types browsers show; anything else in a link or a picture is refused by
# markdown-it's own check (javascript:, vbscript:, other data: types).
_IMAGE_DATA = re.compile(r"^data:image/(png|svg\+xml|jpeg|gif|webp);", re.IGNORECASE)


def _inline(self, tokens, idx, options, env) -> str:
    return f'<span class="math inline">\\({html.escape(tokens[idx].content.strip(), quote=False)}\\)</span>'


def _display(self, tokens, idx, options, env) -> str:
    tag = "span" if tokens[idx].type == "math_inline_double" else "div"      # $$...$$ inside a paragraph
    tex = html.escape(tokens[idx].content.strip(), quote=False)
    return f'<{tag} class="math display">\\[{tex}\\]</{tag}>' + ("\n" if tag == "div" else "")


@lru_cache(maxsize=None)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=True, double_inline=True)
    for rule in ("math_inline", "math_inline_double", "math_block"):   # our wrapping, TeX delimiters
        md.add_render_rule(rule, _display if rule != "math_inline" else _inline)
    default_validate = md.validateLink
    md.validateLink = lambda url: bool(_IMAGE_DATA.match(url.strip())) or default_validate(url)
    return md


def markdown_to_html(text: str) -> str:
    """Our Markdown as HTML: the mathematics kept as TeX in `\\( \\)` / `\\[ \\]` (in elements of
    class `math`), pictures given as data URIs left as `<img>` with them, user text escaped."""
    return _parser().render(text)


def _inline_html(text: str) -> str:
    """One line of our Markdown (a step's title) as inline HTML."""
    return _parser().renderInline(text.strip())


# ---------------------------------------------------------------- the page (--format html)
# An answer within tolerance * (1 + SLACK) + TINY of the key is right: checking/judge.py's rule.


def render_html(solution, style=None, answers: bool = True, label: str | None = None) -> str:
    """One self-contained page: each question's givens, an answer box per key (checked in the
    page against the key, with --check's tolerance) and the worked solution with every step
    folded; `answers=False` gives the question sheet (no solution, no key in the page). The
    mathematics is typeset by the KaTeX inlined into the page; pictures are data URIs."""
    from ..checking.judge import SLACK, TINY
    from ..formats import Style
    from .documents import _sheet_questions, environment
    from .escape import markdown_escape

    style = style or Style()
    env = environment()
    parts = env.get_template("html/parts.md.j2").make_module({"fmt": "markdown", "esc": markdown_escape})
    questions, keys = [], []
    for n, (qs, f, given, find) in enumerate(_sheet_questions(solution, "markdown", None, "page", style), 1):
        anchor = f"question-{n}"
        shown_given = {id(s) for s in given}
        steps = [(i, s) for i, s in enumerate(qs.shown, 1) if id(s) not in shown_given]
        boxes = [_box(qs, s, shape, qs.numbers[s.key], anchor) for s, shape in find]
        questions.append({
            "anchor": anchor, "id": qs.question.id, "title": qs.question.title,
            "decimals": qs.question.display.decimals, "carry": qs.question.display.carry,
            "givens": markdown_to_html(str(parts.givens(qs, f, given))),
            "boxes": boxes,
            "steps": [{"number": i, "anchor": f"{anchor}-step-{i}",
                       "title": _inline_html(str(parts.title(qs, f, s))),
                       "key": s.key if s.is_answer else None,
                       "body": markdown_to_html(str(parts.body(qs, f, s)))} for i, s in steps] if answers else [],
        })
        if answers:
            keys.append({"anchor": anchor, "keys": [_key(qs, s, qs.numbers[s.key], anchor) for s, _ in find]})
    data = _json_for_script({"questions": keys}) if answers else None
    return env.get_template("html/page.html.j2").render(
        title=solution.problem.title, label=label, questions=questions, answers=answers, data=data,
        h=html_escape, katex=katex_assets(), brief=style.brief, slack=repr(SLACK), tiny=repr(TINY))


def _box(qs, s, shape, number: int, anchor: str) -> dict:
    from ..answersheet import describe, json_value
    value = json_value(qs, s, s.value)
    kind = "bool" if isinstance(value, bool) else "whole" if isinstance(value, int) else "number"
    return {"key": s.key, "what": describe(qs, s), "shape": list(shape), "kind": kind, "step": number,
            "id": f"{anchor}-key-{s.key}", "columns": shape[-1] if shape else 1,
            "fields": [_where(shape, index) for index in np.ndindex(*shape)]}


def _where(shape, index) -> str:
    """The words after the key in a field's label: which entry it is, in row-major order (a box of
    3 or 4 dimensions, conv's maps and kernels, shows its matrices one under another)."""
    if len(index) == 0:
        return ""
    if len(index) == 1:
        return f" entry {index[0] + 1}"
    if len(index) == 2:
        return f" row {index[0] + 1}, column {index[1] + 1}"
    return " entry [" + "][".join(str(i + 1) for i in index) + "]"


def _key(qs, s, number: int, anchor: str) -> dict:
    """What the page checks one key against: its value as shown and at full precision, the
    tolerance (--check's), the step that shows it and the answer keys it is computed from."""
    from ..answersheet import answer_steps, json_value
    from ..checking.judge import SLACK, _is_whole, tolerance_of
    keys = {t.key for t in answer_steps(qs)}
    return {"key": s.key, "step": number, "anchor": f"{anchor}-step-{number}",
            "value": _plain(json_value(qs, s, s.value)), "exact": _plain(json_value(qs, s, s.exact)),
            "tolerance": SLACK if _is_whole(s) else tolerance_of(qs),
            "inputs": [k for k in s.inputs if k in keys and k != s.key]}


def _plain(value):
    """Numbers, lists of numbers (numpy's too) as JSON has them."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    return float(value)


def _json_for_script(data) -> str:
    """JSON to put inside a <script> element: nothing in it can end the element or open a comment."""
    import json
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=None)
def katex_assets() -> dict[str, str]:
    """The vendored KaTeX (solver/vendor/katex: its script, auto-render and stylesheet), the
    stylesheet's fonts made data URIs (the WOFF2 only: every browser that runs KaTeX reads it)."""
    import base64
    from importlib.resources import files

    folder = files("solver.vendor.katex")
    css = folder.joinpath("katex.min.css").read_text(encoding="utf-8")

    def font(match: re.Match) -> str:
        data = folder.joinpath("fonts", match.group(1) + ".woff2").read_bytes()
        return f'src:url(data:font/woff2;base64,{base64.b64encode(data).decode()}) format("woff2")'

    css = re.sub(r'src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\("woff2"\)(?:,url\([^)]*\) format\("[a-z]+"\))*',
                 font, css)
    if "url(fonts/" in css:
        raise RuntimeError("the vendored katex.min.css names a font it does not inline")
    return {"css": css, "js": folder.joinpath("katex.min.js").read_text(encoding="utf-8"),
            "auto_render": folder.joinpath("contrib", "auto-render.min.js").read_text(encoding="utf-8")}
