"""The reader's toolkit: typed access to a file's data with errors that point at their line
and column, and the words every message uses (describe a value, suggest a close name, list the
choices, number the questions).

Problem files, every kind's fields, the randomize: section and answer sheets read through it.
Plain Python: nothing here imports SymPy or NumPy, so that a bad file is refused at once.
"""
from __future__ import annotations

import difflib
import unicodedata
from typing import Any

from .errors import BIDI_CONTROLS, ProblemError
from .settings import MAX_PARAMETERS
from .yamlsource import Path_, Source

Vector = tuple          # of floats
Matrix = tuple          # of rows, each a Vector of the same length


def shape(m: Matrix) -> tuple[int, int]:
    """Rows x columns of a matrix as the reader gives it."""
    return len(m), len(m[0])


def transpose(m: Matrix) -> Matrix:
    return tuple(zip(*m))


def suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def one_of(choices) -> str:
    return ", ".join(choices)


# The numbers a worked solution carries faithfully in float arithmetic: at most 1e6 in size,
# and 0 or at least 1e-9 (the solution takes a result within 1e-9 of 0 as 0 where a kink
# decides, as relu, abs or the perceptron's line do: a smaller given number would be 0 in some
# places and not in others; subnormals such as 1e-320 lose their digits outright).
LARGEST, SMALLEST = 1e6, 1e-9
SMALLEST_TEXT = "1e-9"
USABLE = f"a number is 0 or from {SMALLEST_TEXT} to 1e6 in size"


class Reader:
    """Typed access to the data of a `Source` at a path, with errors that point there."""

    def __init__(self, src: Source, max_parameters: int = MAX_PARAMETERS):
        self.src = src
        self.max_parameters = max_parameters

    def fail(self, path: Path_, message: str) -> ProblemError:
        return self.src.error(path, message)

    def mapping(self, value: Any, path: Path_, allowed) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping of {one_of(allowed)}, got {describe(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail(path + (key,), f"unknown key {key!r}{suggest(key, allowed)}"
                                f" (allowed here: {one_of(allowed)})")
        return value

    def number(self, value: Any, path: Path_, *, positive=False, nonnegative=False, hint="") -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if isinstance(value, str) and path in self.src.quoted and is_number(value):
                raise self.fail(path, f"the string {value!r} where a number belongs: remove the quotes")
            if isinstance(value, bool):
                raise self.fail(path, f"expected a number, got {describe(value)} "
                                "(YAML reads true/false, yes/no and on/off as booleans)")
            raise self.fail(path, f"expected a number, got {describe(value)}")
        hint = f" ({hint})" if hint else ""
        if positive and value <= 0:
            raise self.fail(path, f"must be positive, got {value}{hint}")
        if nonnegative and value < 0:
            raise self.fail(path, f"must not be negative, got {value}{hint}")
        if abs(value) > LARGEST:
            raise self.fail(path, f"{value} is too large for a worked solution (at most 1e6 in size)")
        if 0 < abs(value) < SMALLEST:
            raise self.fail(path, f"{value} is too small to carry faithfully ({USABLE}): the solution takes "
                            f"what is within {SMALLEST_TEXT} of 0 as 0 at a kink; write 0 if you mean 0")
        return float(value)

    def integer(self, value: Any, path: Path_, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise self.fail(path, f"expected a whole number from {lo} to {hi}, got {describe(value)}")
        if not lo <= value <= hi:
            raise self.fail(path, f"must be from {lo} to {hi}, got {value}")
        return value

    def choice(self, value: Any, path: Path_, choices, later=(), aliases=None) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected one of {one_of(choices)}, got {describe(value)}")
        if value in later:
            raise self.fail(path, f"{value!r} is not supported by this version yet; use one of {one_of(choices)}")
        if aliases and value not in choices and value.lower() in aliases:
            raise self.fail(path, f"unknown value {value!r}: here it is called {aliases[value.lower()]}"
                            f" (one of {one_of(choices)})")
        if value not in choices:
            raise self.fail(path, f"unknown value {value!r}{suggest(value, choices)} (one of {one_of(choices)})")
        return value

    def text(self, value: Any, path: Path_, limit: int = 200) -> str:
        """One line of text: any script, but no control characters (tab aside), no line breaks
        inside it, and no bidirectional controls (they reorder what is shown around them)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, got {describe(value)}")
        if len(value) > limit:
            raise self.fail(path, f"is {len(value)} characters long; keep it under {limit}")
        start, end = len(value) - len(value.lstrip()), len(value.rstrip())
        for i, c in enumerate(value):
            what, fix = _unusable(c, inside=start <= i < end)
            if what:
                name = unicodedata.name(c, "")
                raise self.fail(path, f"character {i + 1} is {what} (U+{ord(c):04X}{' ' + name if name else ''}): "
                                f"{fix}")
        return value.rstrip("\n")      # a block scalar's final line breaks are not part of the text

    def vector(self, value: Any, path: Path_) -> Vector:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (self.number(value, path),)
        if not isinstance(value, list) or not value:
            raise self.fail(path, f"expected a list of numbers, got {describe(value)}")
        # the common case at once (10,000 rows of data): floats, each 0 or of a usable size
        if all(v.__class__ is float and (SMALLEST <= abs(v) <= LARGEST or v == 0) for v in value):
            return tuple(value)
        return tuple(self.number(v, path + (i,)) for i, v in enumerate(value))

    def matrix(self, value: Any, path: Path_, flat_is_row=True) -> Matrix:
        """A list of rows; a flat list is one row (or, not `flat_is_row`, one column)."""
        if not isinstance(value, list) or not value:
            raise self.fail(path, f"expected a list of rows (a matrix), got {describe(value)}")
        if not any(isinstance(v, list) for v in value):
            row = self.vector(value, path)
            return (row,) if flat_is_row else tuple((v,) for v in row)
        rows = []
        for i, row in enumerate(value):
            if not isinstance(row, list):
                raise self.fail(path + (i,), f"expected a row (a list of numbers), got {describe(row)}: "
                                "write every row as [..]")
            rows.append(self.vector(row, path + (i,)))
        width = len(rows[0])
        for i, row in enumerate(rows):
            if len(row) != width:
                raise self.fail(path + (i,), f"row {i + 1} has {plural(len(row), 'number')} but row 1 has "
                                f"{width}: every row needs the same length")
        return tuple(rows)


def _unusable(c: str, inside: bool) -> tuple[str, str]:
    """What a character is that cannot stand in a line of text, and the fix ('' when it can
    stand there); a newline may end the text (a YAML block scalar ends with one)."""
    if c in BIDI_CONTROLS:
        return "a bidirectional control, which reorders the text shown around it", "remove it"
    if c in "\n\r\u2028\u2029\x85":
        return ("", "") if c == "\n" and not inside else ("a line break", "keep the text on one line")
    if c != "\t" and unicodedata.category(c) == "Cc":
        return "a control character", "remove it (in double quotes, \\e or \\x.. writes one)"
    return "", ""


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def default_id(index: int, taken: set[str]) -> str:
    """q1, q2, ... by position, skipping ids that other questions chose for themselves."""
    n = index + 1
    while f"q{n}" in taken:
        n += 1
    taken.add(f"q{n}")
    return f"q{n}"
