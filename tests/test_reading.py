"""The reader's toolkit (solver/reading.py): the words every message uses, as exact strings,
and the typed accessors on a file's data."""
from __future__ import annotations

import pytest

from solver.errors import ProblemError
from solver.reading import (Reader, default_id, describe, is_number, one_of, plural, shape, suggest,
                            transpose)
from solver.yamlsource import load_bytes


@pytest.mark.parametrize("value, words", [
    (None, "nothing"),
    (True, "the boolean true"),
    ("abc", "the text 'abc'"),
    ("x" * 40, "the text '" + "x" * 27 + "...'"),
    ([1, 2], "a list of 2"),
    ({"a": 1}, "a mapping"),
    (0.5, "0.5"),
])
def test_describe(value, words):
    assert describe(value) == words


@pytest.mark.parametrize("word, choices, hint", [
    ("sigmiod", ["sigmoid", "tanh"], "; did you mean 'sigmoid'?"),
    ("zzz", ["sigmoid", "tanh"], ""),
])
def test_suggest(word, choices, hint):
    assert suggest(word, choices) == hint


def test_one_of_plural_and_is_number():
    assert one_of(("a", "b", "c")) == "a, b, c"
    assert (plural(1, "input"), plural(2, "input")) == ("1 input", "2 inputs")
    assert is_number("1e-3") and not is_number("one")


@pytest.mark.parametrize("taken, index, expected", [
    (set(), 0, "q1"), ({"q1"}, 0, "q2"), ({"q2"}, 1, "q3"),
])
def test_default_id_skips_taken_ids(taken, index, expected):
    taken = set(taken)
    assert default_id(index, taken) == expected and expected in taken


def test_shape_and_transpose():
    m = ((1.0, 2.0, 3.0), (4.0, 5.0, 6.0))
    assert shape(m) == (2, 3) and transpose(m) == ((1.0, 4.0), (2.0, 5.0), (3.0, 6.0))


def test_a_reader_error_points_at_the_value():
    src = load_bytes(b"a: 1\nb: [1, [2]]\n", "f.yaml")
    r = Reader(src)
    assert r.vector(src.data["a"], ("a",)) == (1.0,)
    with pytest.raises(ProblemError) as exc:
        r.matrix(src.data["b"], ("b",))
    assert (exc.value.line, exc.value.field) == (2, "b[0]")
