"""The project's own exceptions; the command line maps them to exit codes."""
from __future__ import annotations


class SolveError(Exception):
    """Anything the user can fix: a bad file, a bad option. Exit status 2."""


class ProblemError(SolveError):
    """A problem (or answer) file is wrong at a place we can point to."""

    def __init__(self, file: str, line: int, col: int, field: str, message: str):
        self.file, self.line, self.col, self.field, self.message = file, line, col, field, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class UsageError(SolveError):
    """A bad combination of command-line options or library arguments."""


class LatexError(SolveError):
    """No LaTeX engine, or the engine failed on the document."""


class CrossCheckError(AssertionError):
    """SymPy and NumPy disagree: a bug in this program, never the user's fault."""
