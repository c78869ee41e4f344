"""User text in the formats it lands in: LaTeX for pdflatex, Markdown, the terminal.

A teacher types titles, ids and input names in any script. The LaTeX documents are for
pdflatex with the standard packages only (T1 fonts, UTF-8 input), so each character goes
the first way that works:

1. the LaTeX specials (`\\ { } $ & # ^ _ % ~ < >`) as their commands;
2. the characters pdflatex sets from UTF-8 with T1 fonts as they are (Latin-1, most of
   Latin Extended-A, dashes, quotes, the euro...: `PDFLATEX_TEXT`, measured by compiling
   every character of those blocks with pdflatex);
3. Greek letters and common mathematical signs as math (`σ` -> `\\ensuremath{\\sigma}`);
   superscript and subscript digits as raised or lowered digits;
4. a letter with accents pdflatex lacks as its base letter under accent commands
   (`ǹ` -> `\\`{n}`), and compatibility forms as their plain form (`ﬁ` -> `fi`);
5. anything else (CJK, emoji, Cyrillic, controls shown in a report) as a visible code,
   `[U+4E2D]` in typewriter type, so the document compiles and says what was there.
   `unsupported` lists those characters, so that a document can say so once.

Markdown keeps every printable character as it is and escapes what Markdown or HTML would
read as markup; control and bidirectional characters become visible escapes (`\\x1b`).
"""
from __future__ import annotations

import html
import re
import unicodedata

from ..errors import shown_safely, visible

LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                 "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
                 "<": r"\textless{}", ">": r"\textgreater{}"}

# The non-ASCII characters pdflatex sets from UTF-8 with \usepackage[T1]{fontenc} (the
# kernel's utf8 input and the T1/TS1 tables): each was compiled alone, and these passed.
PDFLATEX_TEXT = frozenset(c for a, b in (
    (0x00A0, 0x00AC), (0x00AE, 0x0125), (0x0128, 0x0137), (0x0139, 0x013E), (0x0141, 0x0148),
    (0x014A, 0x0165), (0x0168, 0x017E), (0x0192, 0x0192), (0x01C4, 0x01D4), (0x01E2, 0x01E3),
    (0x01E6, 0x01EB), (0x01F0, 0x01F0), (0x01F4, 0x01F5), (0x0218, 0x021B), (0x0232, 0x0233),
    (0x0237, 0x0237), (0x02C6, 0x02C7), (0x02D8, 0x02D9), (0x02DB, 0x02DD), (0x1E02, 0x1E03),
    (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25), (0x1E30, 0x1E31), (0x1E37, 0x1E37),
    (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47), (0x1E5B, 0x1E5B), (0x1E63, 0x1E63),
    (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91), (0x1E9E, 0x1E9E), (0x1EF2, 0x1EF3), (0x2010, 0x2016),
    (0x2018, 0x201A), (0x201C, 0x201E), (0x2020, 0x2022), (0x2026, 0x2026), (0x2030, 0x2031),
    (0x2039, 0x203B), (0x203D, 0x203D), (0x2044, 0x2044), (0x204E, 0x204E), (0x2052, 0x2052),
    (0x20A1, 0x20A1), (0x20A4, 0x20A4), (0x20A6, 0x20A6), (0x20A9, 0x20A9), (0x20AB, 0x20AC),
    (0x20B1, 0x20B1), (0x2103, 0x2103), (0x2116, 0x2117), (0x211E, 0x211E), (0x2120, 0x2120),
    (0x2122, 0x2122), (0x2126, 0x2127), (0x212E, 0x212E), (0x2190, 0x2193))
    for c in map(chr, range(a, b + 1)))

_GREEK_SMALL = ("alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
                "varsigma sigma tau upsilon varphi chi psi omega").split()          # U+03B1 ... U+03C9
_GREEK_CAPITAL = ("A B Gamma Delta E Z H Theta I K Lambda M N Xi O Pi P - Sigma T Upsilon Phi X Psi "
                  "Omega").split()                                                    # U+0391 ... U+03A9
MATH = {
    **{chr(0x03B1 + i): "o" if n == "o" else "\\" + n for i, n in enumerate(_GREEK_SMALL)},
    **{chr(0x0391 + i): ("\\" + n if len(n) > 1 else rf"\mathrm{{{n}}}")
       for i, n in enumerate(_GREEK_CAPITAL) if n != "-"},
    "ϑ": r"\vartheta", "ϕ": r"\phi", "ϖ": r"\varpi", "ϱ": r"\varrho", "ϵ": r"\epsilon",
    "ϰ": r"\varkappa",
    "∂": r"\partial", "∇": r"\nabla", "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "√": r"\surd",
    "∞": r"\infty", "≈": r"\approx", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "≡": r"\equiv",
    "∝": r"\propto", "∼": r"\sim", "≪": r"\ll", "≫": r"\gg", "−": "-", "∓": r"\mp", "⋅": r"\cdot",
    "∙": r"\bullet", "∘": r"\circ", "⊙": r"\odot", "⊗": r"\otimes", "⊕": r"\oplus", "∈": r"\in",
    "∉": r"\notin", "∀": r"\forall", "∃": r"\exists", "∅": r"\emptyset", "∩": r"\cap", "∪": r"\cup",
    "⊂": r"\subset", "⊆": r"\subseteq", "∧": r"\wedge", "∨": r"\vee", "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow", "↔": r"\leftrightarrow", "↦": r"\mapsto", "′": r"{}^{\prime}",
    "″": r"{}^{\prime\prime}", "ℓ": r"\ell", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}",
    "ℚ": r"\mathbb{Q}", "ℂ": r"\mathbb{C}", "⟨": r"\langle", "⟩": r"\rangle", "‖": r"\|",
}
_RAISED = {c: rf"\textsuperscript{{{d}}}" for c, d in zip("⁰⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", "0456789+-=()in")}
_LOWERED = {c: rf"\textsubscript{{{d}}}" for c, d in zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", "0123456789+-=()")}
TEXT = {**_RAISED, **_LOWERED,
        "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2007": " ",
        "\u2008": " ", "\u2009": r"\,", "\u200a": r"\,", "\u202f": r"\,", "\u205f": " ", "\u3000": " ",
        "\u00ad": r"\-", "\u200b": "", "\u200c": "", "\u200d": "", "\ufe0e": "", "\ufe0f": "",
        "\u2212": "-"}
# combining marks as LaTeX accent commands (NFD of a letter pdflatex lacks: base + these)
ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
           "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
           "\u0327": "c", "\u0328": "k", "\u0331": "b"}


def _plain(c: str) -> str | None:
    """LaTeX for one character by rules 1-4, or None when pdflatex cannot set it."""
    if c.isascii():
        if c in LATEX_SPECIAL:
            return LATEX_SPECIAL[c]
        return c if c.isprintable() or c in "\n\t" else None
    if c in PDFLATEX_TEXT:
        return c
    if c in TEXT:
        return TEXT[c]
    if c in MATH:
        return rf"\ensuremath{{{MATH[c]}}}"
    decomposed = unicodedata.normalize("NFD", c)
    base, marks = decomposed[0], decomposed[1:]
    if marks and (base.isascii() and base.isalpha() or base in PDFLATEX_TEXT) and all(m in ACCENTS for m in marks):
        out = {"i": r"\i{}", "j": r"\j{}"}.get(base, base)      # accents sit on a dotless i or j
        for m in marks:
            out = f"\\{ACCENTS[m]}{{{out}}}"
        return out
    compatible = unicodedata.normalize("NFKC", c)
    if compatible != c:
        parts = [_plain(p) for p in compatible]
        if all(p is not None for p in parts):
            return "".join(parts)
    return None


def _code(c: str) -> str:
    return rf"\texttt{{[U+{ord(c):04X}]}}"


def latex_escape(text) -> str:
    """Plain text for a pdflatex document (T1 fonts, UTF-8): see the module's rules."""
    text = str(text)
    if text.isascii() and text.isprintable():
        return "".join(LATEX_SPECIAL.get(c, c) for c in text)
    out = []
    for c in text:
        shown = _plain(c)
        out.append(_code(c) if shown is None else shown)
    return "".join(out)


def unsupported(text) -> list[str]:
    """The characters of `text` that a LaTeX document shows as their code ([U+4E2D])."""
    return [c for c in dict.fromkeys(str(text)) if _plain(c) is None]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$|&#~])")


def markdown_escape(text) -> str:
    """Plain text for Markdown (and the HTML it becomes): markup characters escaped, control
    and bidirectional characters written as visible escapes."""
    return _MD_SPECIAL.sub(r"\\\1", shown_safely(str(text)))


def markdown_code(text) -> str:
    """Text as a Markdown code span: fenced by more backticks than it holds in a row, with
    control and bidirectional characters as visible escapes."""
    text = visible(str(text))
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_escape(text) -> str:
    """User text for HTML, SVG or XML: markup and quotes escaped, control and bidirectional
    characters shown as visible escapes (as the Markdown shows them; XML forbids most controls)."""
    return html.escape(shown_safely(str(text)), quote=True)
