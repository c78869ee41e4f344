"""Golden comparisons that float drift cannot fail: text exactly, numbers with a tolerance.

The last digit of a full-precision float (a JSON `exact` field, 0.09568300197550894 against
...889) depends on the numpy and BLAS build, not on solve. So:

- JSON is parsed and compared as data: the same keys in the same order, the same strings,
  booleans and nulls, and numbers equal to REL relative (ABS absolute near zero).
- Text (Markdown, LaTeX) is compared exactly, except that a number written with more than
  ROUNDED significant digits (a full-precision float, never a rounded one) may differ within the
  same tolerance. A rounded number (0.5239, 0.50) must be the same text: its last digit is
  what the student sees.
"""
from __future__ import annotations

import json
import math
import re

REL = 1e-9
ABS = 1e-12
ROUNDED = 12            # a rounded number has at most decimals <= 10 digits after the point
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


def json_difference(got, expected, path: str = "$") -> str | None:
    """Where two parsed JSON documents differ beyond float noise (None: they do not)."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return None if type(got) is type(expected) and got == expected else f"{path}: {got!r} != {expected!r}"
    if isinstance(expected, (int, float)):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return f"{path}: {got!r} is not a number like {expected!r}"
        if got == expected or (math.isfinite(got) and math.isfinite(expected) and close(got, expected)):
            return None
        return f"{path}: {got!r} != {expected!r} (beyond {REL:g} relative)"
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return f"{path}: {_short(got)} != {_short(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            if (diff := json_difference(g, e, f"{path}[{i}]")) is not None:
                return diff
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or list(got) != list(expected):
            return f"{path}: keys {list(got) if isinstance(got, dict) else _short(got)} != {list(expected)}"
        for key in expected:
            if (diff := json_difference(got[key], expected[key], f"{path}.{key}")) is not None:
                return diff
        return None
    raise TypeError(f"{path}: not JSON: {expected!r}")


def _significant(token: str) -> int:
    mantissa = re.split(r"[eE]", token)[0]
    return len(mantissa.lstrip("-").replace(".", "").lstrip("0"))


def text_difference(got: str, expected: str) -> str | None:
    """Where two documents differ beyond the noise of full-precision floats (None: they do not)."""
    if got == expected:
        return None
    got_parts, expected_parts = _NUMBER.split(got), _NUMBER.split(expected)
    got_numbers, expected_numbers = _NUMBER.findall(got), _NUMBER.findall(expected)
    if got_parts != expected_parts:
        return "the text differs"
    for g, e in zip(got_numbers, expected_numbers):
        if g == e:
            continue
        if min(_significant(g), _significant(e)) <= ROUNDED or not close(float(g), float(e)):
            return f"{g} != {e}"
    return None


def assert_same(got: str, expected: str, fmt: str) -> None:
    """`got` is `expected` up to float noise; on failure pytest shows the whole text diff."""
    if fmt == "json":
        diff = json_difference(json.loads(got), json.loads(expected))
    else:
        diff = text_difference(got, expected)
    if diff is not None:
        assert got == expected, diff


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."
