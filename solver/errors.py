"""The project's own exceptions; the command line maps them to exit codes.

Every one of them survives pickling (a `--variants` worker process raises them into the
parent) and shows user text safely: control and bidirectional characters in a file name, a
key or a message are written as escapes (`\\x1b`, `\\u202e`), never sent raw to a terminal.
"""
from __future__ import annotations

import unicodedata


# Bidirectional embeddings, overrides, isolates and marks: they reorder the text shown around them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def visible(text: str, keep: str = "") -> str:
    """`text` with every character a terminal would act on or hide (controls such as ESC,
    bidirectional overrides and marks, line separators) written as its escape, as repr
    writes it; characters in `keep` (e.g. a newline) stay as they are."""
    return "".join(c if c in keep or c.isprintable() or unicodedata.category(c) == "Zs"
                   else _escape(c) for c in str(text))


def shown_safely(text: str) -> str:
    """`text` with only what acts on a terminal or reorders text written as escapes (controls
    other than tab and newline, bidirectional controls, line separators): invisible joiners
    and the like, which emoji and many scripts need, stay."""
    return "".join(_escape(c) if c in BIDI_CONTROLS or c in "\u2028\u2029"
                   or (unicodedata.category(c) == "Cc" and c not in "\n\t") else c for c in str(text))


def _escape(c: str) -> str:
    return c.encode("unicode_escape").decode("ascii")


class SolveError(Exception):
    """Anything the user can fix: a bad file, a bad option. Exit status 2."""

    def __str__(self) -> str:
        return visible(super().__str__(), keep="\n\t")


class ProblemError(SolveError):
    """A problem (or answer) file is wrong at a place we can point to."""

    def __init__(self, file: str, line: int, col: int, field: str, message: str):
        self.file, self.line, self.col, self.field, self.message = file, line, col, field, message
        super().__init__(str(self))

    def __reduce__(self):
        return type(self), (self.file, self.line, self.col, self.field, self.message)

    def __str__(self) -> str:
        where = f"{visible(self.file)}:{self.line}:{self.col}"
        message = visible(self.message, keep="\n\t")
        return f"{where}: {visible(self.field)}: {message}" if self.field else f"{where}: {message}"


class UsageError(SolveError):
    """A bad combination of command-line options or library arguments."""


class LatexError(SolveError):
    """No LaTeX engine, or the engine failed on the document."""


class CrossCheckError(AssertionError):
    """SymPy and NumPy disagree: a bug in this program, never the user's fault."""
