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

# The pictures a page may show inline: those `solve` draws (PNG today, SVG tomorrow) and the
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
