"""The project's exceptions: they cross a process boundary intact and show user text safely."""
from __future__ import annotations

import pickle

import pytest

from solver.errors import CrossCheckError, LatexError, ProblemError, SolveError, UsageError, visible
from solver.variants import Rejected

EXAMPLES = [
    ProblemError("p.yaml", 3, 7, "questions[0].title", "is too long"),
    ProblemError("p.yaml", 1, 1, "", "is empty"),
    SolveError("something"),
    UsageError("--check and --variants"),
    LatexError("no LaTeX engine"),
    CrossCheckError("z1 differs"),
    Rejected("fails", "q1: log of 0"),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_pickles_to_the_same_message(error):
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args


def test_a_problem_error_keeps_its_place():
    again = pickle.loads(pickle.dumps(ProblemError("p.yaml", 3, 7, "title", "bad")))
    assert (again.file, again.line, again.col, again.field, again.message) == ("p.yaml", 3, 7, "title", "bad")


@pytest.mark.parametrize("text, shown", [
    ("plain", "plain"),
    ("σ(z) — Übung 中文 😀", "σ(z) — Übung 中文 😀"),
    ("a\x1b[31mred", "a\\x1b[31mred"),
    ("\u202etxt.exe", "\\u202etxt.exe"),
    ("a\u200fb\u2066c", "a\\u200fb\\u2066c"),
    ("bell\x07 and c1\x9b", "bell\\x07 and c1\\x9b"),
    ("two\nlines", "two\\nlines"),
    ("no\u00a0break", "no\u00a0break"),
])
def test_visible(text, shown):
    assert visible(text) == shown


def test_a_problem_error_never_prints_raw_escapes():
    error = ProblemError("bad\x1b[2J.yaml", 2, 3, "q1.\x1b[31mz1", "no key '\x1b[31mz1'\nsecond line")
    text = str(error)
    assert "\x1b" not in text
    assert text == "bad\\x1b[2J.yaml:2:3: q1.\\x1b[31mz1: no key '\\x1b[31mz1'\nsecond line"
    assert "\x1b" not in str(UsageError("-o \x1b[2J"))
