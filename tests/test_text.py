"""Any text a teacher types: titles, question titles, ids and input names in any script give
a compiling PDF and correct Markdown; control and bidirectional characters are refused at
their line; a student's escape sequences never reach the terminal raw."""
from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from solver.cli import main
from solver.errors import BIDI_CONTROLS, visible
from solver.render.escape import PDFLATEX_TEXT, latex_escape, markdown_code, markdown_escape, unsupported

from conftest import ROOT, latex_engine_or_skip

# name -> a title; each goes into the document title, a question title and an input name
# (ids take letters and digits only: see IDS)
HOSTILE = {
    "greek": "Backprop through σ(z), η = 0.1, Δw = −η ∂L/∂w, Σ and ς",
    "accents": "Übung für Åsa, Łódź, Ærøskøbing, façade, naïve, Dvořák, ǹ ǘ",
    "dashes": "en – em — minus − quotes “a” ‘b’ „c“ «d» …",
    "cjk": "中文标题 日本語 한국어",
    "emoji": "Training 😀 🚀 👩‍🔬 ✔️",
    "math": "x² + y³ ≤ 10⁴, a₁ ≈ b₂, ∞ ≠ 0, ℝⁿ, ∀x ∈ ℕ, f′(x)",
    "specials": r"\ { } $ & # ^ _ % ~ < > | * ` [ ] \textbf{x} $x$ \\ \input{/etc/passwd}",
    "html": "<b>bold</b> <script>alert(1)</script> &amp; &lt;",
    "markdown": "# not a heading *not em* _x_ [link](http://x) ![img](y) | a | b |",
    "spaces": "thin\u2009space, no\u00a0break, ideographic\u3000space, soft\u00adhyphen, tab\there",
    "cyrillic": "Обратное распространение",
}
IDS = {"greek": "σ1", "accents": "Übung-1", "cjk": "問題1", "plain": "q_1"}

FILE = """title: {title}
questions:
  - id: {qid}
    title: {title}
    kind: backprop
    network:
      inputs: [{name}, x-two]
      layers:
        - {{units: 1, activation: sigmoid, weights: [[0.2, 0.4]], biases: [0.1]}}
    data: {{x: [0.5, 0.3], y: [1]}}
    loss: bce
    learning_rate: 0.1
  - id: q2
    title: {title}
    kind: params
    network:
      inputs: [{name}, x-two]
      layers:
        - {{units: 2, activation: linear}}
"""


def quoted(text: str) -> str:
    """A YAML double-quoted scalar: printable characters as they are, the others as escapes."""
    body = json.dumps(text, ensure_ascii=False)[1:-1]
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in body) + '"'


def write(tmp_path, title: str, qid: str = "q1", name: str | None = None):
    path = tmp_path / "p.yaml"
    path.write_text(FILE.format(title=quoted(title), qid=qid, name=quoted(name if name is not None else title[:30])),
                    encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# ---------------------------------------------------------------- LaTeX

@pytest.mark.parametrize("text, latex", [
    ("σ", r"\ensuremath{\sigma}"),
    ("Δ", r"\ensuremath{\Delta}"),
    ("Α", r"\ensuremath{\mathrm{A}}"),
    ("Übung", "Übung"),
    ("—", "—"),
    ("ǹ", r"\`{n}"),
    ("ǘ", r"\'{\"{u}}"),
    ("ﬁ", "fi"),
    ("x²", "x²"),
    ("10⁴", r"10\textsuperscript{4}"),
    ("a₁", r"a\textsubscript{1}"),
    ("中", r"\texttt{[U+4E2D]}"),
    ("😀", r"\texttt{[U+1F600]}"),
    ("\x1b", r"\texttt{[U+001B]}"),
    ("a_b", r"a\_b"),
    ("\\", r"\textbackslash{}"),
])
def test_latex_escape(text, latex):
    assert latex_escape(text) == latex


def test_unsupported_lists_what_shows_as_a_code():
    assert unsupported("σ Übung — 中文😀中") == ["中", "文", "😀"]


@pytest.mark.latex
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_compiles_with_pdflatex(tmp_path, name):
    latex_engine_or_skip()
    if shutil.which("pdflatex") is None:
        pytest.skip("the documents are for pdflatex")
    title = HOSTILE[name]
    path = write(tmp_path, title, IDS.get(name, "q1"))
    result = run(path, "--format", "latex", "-o", tmp_path / "p.tex")
    assert result.exit_code == 0, result.output
    assert ("pdflatex has no glyph for" in result.output) == bool(unsupported(title))
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "p.tex"],
                          cwd=tmp_path, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / "p.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, [ln for ln in log.splitlines() if ln.startswith("!")][:5]
    assert "Missing character" not in log
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.latex
def test_every_character_called_settable_sets_in_pdflatex(tmp_path):
    """PDFLATEX_TEXT and the math table, compiled: the table is only true if this passes."""
    latex_engine_or_skip()
    if shutil.which("pdflatex") is None:
        pytest.skip("the documents are for pdflatex")
    from solver.render.escape import MATH, TEXT
    chars = sorted(PDFLATEX_TEXT) + sorted(MATH) + sorted(TEXT)
    body = "\n".join(latex_escape(c) + r"\par" for c in chars)
    from solver.render.documents import environment
    preamble = environment().get_template("latex/preamble.j2").module.preamble("x")
    (tmp_path / "t.tex").write_text(f"{preamble}\n\\begin{{document}}\n{body}\n\\end{{document}}\n", encoding="utf-8")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    log = (tmp_path / "t.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode == 0, [ln for ln in log.splitlines() if ln.startswith("!")][:5]
    assert "Missing character" not in log


@pytest.mark.latex
def test_the_title_of_the_issue_makes_a_pdf(tmp_path):
    latex_engine_or_skip()
    path = write(tmp_path, "Backprop through σ(z), η = 0.1 — Übung")
    result = run(path, "--format", "pdf", "-o", tmp_path / "p.pdf")
    assert result.exit_code == 0, result.output
    assert "no glyph" not in result.output
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- Markdown

@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_in_markdown(tmp_path, name):
    title = HOSTILE[name]
    path = write(tmp_path, title, IDS.get(name, "q1"))
    result = run(path, "--format", "markdown", "-o", "-")
    assert result.exit_code == 0, result.output
    escaped = markdown_escape(title)
    assert f"# {escaped}\n" in result.output
    # the question is titled as the document: the title once, the question headed by its id
    assert f"## Question {markdown_escape(IDS.get(name, 'q1'))}\n" in result.output
    # every character of the title is there, in order, once the escapes are read
    assert unescape(escaped) == title
    assert "<b>" not in result.output and "<script>" not in result.output


def unescape(markdown: str) -> str:
    import re
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize("text, shown", [
    ("a*b_c", r"a\*b\_c"),
    ("<b>&amp;", r"\<b\>\&amp;"),
    ("σ — 中 😀", "σ — 中 😀"),
    ("a\x1b[31mb", r"a\\x1b\[31mb"),
    ("\u202eabc", r"\\u202eabc"),
])
def test_markdown_escape(text, shown):
    assert markdown_escape(text) == shown


@pytest.mark.parametrize("text, code", [
    ("z1", "`z1`"), ("a`b", "``a`b``"), ("`x", "`` `x ``"), ("\x1b[2J", r"`\x1b[2J`")])
def test_markdown_code(text, code):
    assert markdown_code(text) == code


# ---------------------------------------------------------------- refused at read time

@pytest.mark.parametrize("char, what", [
    ("\x1b", "a control character (U+001B)"),
    ("\x07", "a control character (U+0007)"),
    ("\x7f", "a control character (U+007F)"),
    ("\x9b", "a control character (U+009B)"),
    ("\u202e", "a bidirectional control, which reorders the text shown around it (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("\u202a", "a bidirectional control"),
    ("\u2066", "a bidirectional control"),
    ("\u2069", "a bidirectional control"),
    ("\u200f", "a bidirectional control, which reorders the text shown around it (U+200F RIGHT-TO-LEFT MARK)"),
    ("\u200e", "a bidirectional control"),
    ("\n", "a line break (U+000A): keep the text on one line"),
    ("\u2028", "a line break (U+2028 LINE SEPARATOR)"),
])
@pytest.mark.parametrize("where", ["title", "question title", "id", "input name"])
def test_control_and_bidi_characters_are_refused_at_their_line(tmp_path, char, what, where):
    qid = f"q{char}1" if where == "id" else "q1"
    name = f"i{char}q" if where == "input name" else "iq"
    text = FILE.format(title=quoted("A title"), qid=quoted(qid), name=quoted(name))
    bad = f"title: {quoted('A ti' + char + 'tle')}\n"
    if where == "title":
        text = bad + text.split("\n", 1)[1]
    elif where == "question title":
        text = text.replace(f"    title: {quoted('A title')}\n    kind: backprop", f"    {bad}    kind: backprop")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    result = run(path, "--format", "pdf", "-o", tmp_path / "p.pdf")
    assert result.exit_code == 2, result.output
    field, line = {"title": ("title", 1), "question title": ("questions[0].title", 4),
                   "id": ("questions[0].id", 3), "input name": ("questions[0].network.inputs[0]", 7)}[where]
    assert result.output.startswith(f"{path}:{line}:")
    assert f": {field}: character " in result.output and what in result.output
    assert "this is a bug in solve" not in result.output and "Traceback" not in result.output
    assert char not in result.output.rstrip("\n")
    assert not (tmp_path / "p.pdf").exists()


def test_a_block_scalar_title_may_end_with_its_line_break(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(FILE.format(title=quoted("x"), qid="q1", name="iq").replace('title: "x"\nquestions',
                                                                              "title: |+\n  Block title\n\n\nquestions"))
    result = run(path, "--format", "markdown", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Block title\n")
    latex = run(path, "--format", "latex", "-o", "-").output
    assert r"{\Large\bfseries Block title}" in latex


# ---------------------------------------------------------------- the terminal report

HOSTILE_SHEET = """q1:
  "\\e[31mz1": [1]
  z2: "\\e[2J\\u202eboo"
  "a|`b\\x9b": 3
  z1: [0.32, 0.04, 0.24]
"""


@pytest.mark.parametrize("fmt", [None, "markdown", "latex", "json"])
def test_escape_sequences_in_a_sheet_are_shown_not_run(tmp_path, fmt):
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(HOSTILE_SHEET, encoding="utf-8")
    args = [ROOT / "problems" / "exam1.yaml", "--check", sheet, "-o", "-"] + (["--format", fmt] if fmt else [])
    result = run(*args)
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\u202e", "\x9b"):
        assert raw not in result.output
    if fmt is None:
        assert f"{sheet}:2:3: q1.\\x1b[31mz1: q1 has no answer key '\\x1b[31mz1'" in result.output
        assert "got the text '\\x1b[2J\\u202eboo'" in result.output
        assert "   3  z1      correct" in result.output          # the rest of the sheet is marked


@pytest.mark.latex
def test_a_hostile_sheet_makes_a_pdf_report(tmp_path):
    latex_engine_or_skip()
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(HOSTILE_SHEET + '  "σ中😀": 2\n', encoding="utf-8")
    result = run(ROOT / "problems" / "exam1.yaml", "--check", sheet, "--format", "pdf", "-o", tmp_path / "r.pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- any text at all

@given(st.text(max_size=40))
def test_latex_escape_leaves_only_what_pdflatex_sets(text):
    out = latex_escape(text)
    assert all((c.isascii() and (c.isprintable() or c in "\n\t")) or c in PDFLATEX_TEXT for c in out)
    assert out.count("{") - out.count(r"\{") == out.count("}") - out.count(r"\}")     # braces balance


@given(st.text(max_size=40))
def test_markdown_and_terminal_never_carry_controls(text):
    for out in (markdown_escape(text), visible(text)):
        assert not any(c in BIDI_CONTROLS or c in "\u2028\u2029" or
                       (unicodedata.category(c) == "Cc" and c not in "\n\t") for c in out)
    assert "\n" not in visible(text)

