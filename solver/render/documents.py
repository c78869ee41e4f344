"""Render a Solution with the Jinja templates of a format. Templates only format."""
from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from pathlib import Path

import jinja2

from ..errors import visible
from ..formats import DOCUMENTS, Style
from .escape import latex_escape, markdown_code, markdown_escape, unsupported
from .figures import Pictures
from .formatter import Formatter, convention_of, display_list, equality_chain
from .notation import notation_for

MAIN = DOCUMENTS


def note_unsupported(problem) -> None:
    """Say once on stderr which characters of the problem's text (titles, ids, input names) a
    LaTeX document shows as their code ([U+4E2D]) because pdflatex has no glyph for them."""
    texts = [problem.title or ""]
    for q in problem.questions:
        texts += [q.id, q.title or ""]
        texts += list(q.network.input_names if q.network is not None else ())
        texts += list(getattr(q.spec, "input_names", ()) or ())
    chars = tuple(dict.fromkeys(c for t in texts for c in unsupported(t)))
    if chars:
        _say_unsupported(chars)


@lru_cache(maxsize=None)
def _say_unsupported(chars: tuple[str, ...]) -> None:
    shown = ", ".join(f"{visible(c)} (U+{ord(c):04X})" for c in chars[:8]) + (", ..." if len(chars) > 8 else "")
    sys.stderr.write(f"solve: note: pdflatex has no glyph for {shown}: the LaTeX shows each as its code "
                     f"([U+{ord(chars[0]):04X}]); see docs/text.md\n")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: compiling them costs more than solving exam1."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "solve" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    # templates/ is installed as the package solver.templates (setup.py): found through the
    # package wherever solve is installed, never by climbing folders from this file
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("solver.templates", "."), bytecode_cache=_bytecode_cache(),
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, autoescape=False)
    env.filters["latex_escape"] = latex_escape
    env.filters["markdown_escape"] = markdown_escape
    env.filters["markdown_code"] = markdown_code
    env.filters["equality_chain"] = equality_chain
    env.filters["display_list"] = display_list
    env.globals["convention_of"] = convention_of
    return env


def formatter_for(qs, fmt: str, pictures: Pictures | None = None, style: Style = Style()) -> Formatter:
    q = qs.question
    notation = notation_for(q.display.notation, q.network)
    esc = latex_escape if fmt == "latex" else markdown_escape
    return Formatter(notation, q.display.decimals, fmt, pictures, esc, style)


def render(solution, fmt: str, assets: dict[str, bytes] | None = None, stem: str = "solution",
           style: Style = Style()) -> str:
    """The document; a Markdown document's pictures go into `assets` as `stem-<question>-<name>.svg`
    (to be written beside it), or are embedded as data URIs when `assets` is None."""
    template = environment().get_template(MAIN[fmt])
    esc = latex_escape if fmt == "latex" else markdown_escape
    if fmt == "latex":
        note_unsupported(solution.problem)
    questions = [(qs, formatter_for(qs, fmt, Pictures(assets, f"{stem}-{qs.question.id}"), style))
                 for qs in solution.questions]
    text = template.render(solution=solution, problem=solution.problem, questions=questions, esc=esc, fmt=fmt)
    return re.sub(r"\n{3,}", "\n\n", text)


# ---------------------------------------------------------------- question sheets (--variants)

class _SharedPictures(Pictures):
    """A sheet's pictures are its answer key's (the same given network, the same file name):
    drawn once, written once."""

    def add(self, fig, f) -> str:
        name = self.file_name(fig)
        if self.assets is not None and name in self.assets:
            return name
        return super().add(fig, f)


def _sheet_questions(solution, fmt: str, assets, stem: str, style: Style) -> list:
    """Per question: (qs, formatter, the steps that show what is given, [(answer step, its JSON shape)])."""
    import numpy as np

    from ..steps import StepKind
    given_kinds = {StepKind.GIVEN, StepKind.TRAINING, StepKind.LOSS_DATA, StepKind.RULE}
    out = []
    for qs in solution.questions:
        f = formatter_for(qs, fmt, _SharedPictures(assets, f"{stem}-{qs.question.id}"), style)
        given = []
        for s in qs.shown:
            if s.kind in given_kinds or (given and s.kind == StepKind.FIGURE and s.info.given):
                given.append(s)
            else:
                break
        answers = qs.answers()
        find = [(s, np.shape(answers[s.key]["value"])) for s in qs.steps if s.is_answer]
        out.append((qs, f, given, find))
    return out


def render_sheet(solution, fmt: str, assets: dict[str, bytes] | None = None, stem: str = "sheet",
                 style: Style = Style(), label: str | None = None) -> str:
    """The question sheet: each question's givens and its answer keys to find, no solution.
    A Markdown sheet's pictures are named as its answer key's of the same `stem` (shared)."""
    esc = latex_escape if fmt == "latex" else markdown_escape
    if fmt == "latex":
        body = render_variant_body(solution, "sheet", label, style)
        text = environment().get_template("sheet/sheet.tex.j2").render(
            problem=solution.problem, esc=esc, label=label, body=body, fmt=fmt)
    else:
        text = environment().get_template("sheet/sheet.md.j2").render(
            problem=solution.problem, esc=esc, label=label, fmt=fmt,
            questions=_sheet_questions(solution, fmt, assets, stem, style))
    return re.sub(r"\n{3,}", "\n\n", text)


def render_variant_body(solution, part: str, label: str | None, style: Style = Style()) -> str:
    """The LaTeX body (no preamble) of one variant's sheet (part "sheet") or answer key ("key")."""
    note_unsupported(solution.problem)
    text = environment().get_template("sheet/body.tex.j2").render(
        problem=solution.problem, esc=latex_escape, label=label, part=part, fmt="latex",
        questions=_sheet_questions(solution, "latex", None, "sheet", style))
    return re.sub(r"\n{3,}", "\n\n", text)


def render_combined(bodies: list[str], title: str | None, what: str, pictures=()) -> str:
    """One LaTeX document of the bodies of several variants (`what`: sheets or keys); `pictures`:
    (box name, TikZ source) of the pictures the bodies copy from a box (variants.shared_pictures)."""
    return environment().get_template("sheet/combined.tex.j2").render(
        bodies=bodies, title=title, what=what, esc=latex_escape, pictures=pictures)
