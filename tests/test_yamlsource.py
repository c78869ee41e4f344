"""The safe YAML loader: plain values, their line/column, and what counts as a number."""
from __future__ import annotations

import os
import textwrap

import pytest

from solver.errors import ProblemError
from solver.yamlsource import MAX_BYTES, MAX_DEPTH, FileKind, dotted, load_bytes, load_file, read_file


def load(text: str):
    return load_bytes(textwrap.dedent(text).lstrip("\n").encode(), "p.yaml")


MARKED = """
title: Midterm
questions:
  - id: q1
    network:
      inputs: 2
      layers:
        - {units: 3, activation: sigmoid}
        - units: 1
          weights: [[0.3, -0.2, 0.4]]
    data:
      x: [0.5, 0.3]
"""


@pytest.mark.parametrize("path, line, col", [
    ((), 1, 1),
    (("title",), 1, 1),                                   # a mapping entry points at its key
    (("questions",), 2, 1),
    (("questions", 0), 3, 5),                             # a list item points at the item
    (("questions", 0, "id"), 3, 5),
    (("questions", 0, "network", "inputs"), 5, 7),
    (("questions", 0, "network", "layers", 0), 7, 11),
    (("questions", 0, "network", "layers", 0, "activation"), 7, 22),
    (("questions", 0, "network", "layers", 1, "units"), 8, 11),
    (("questions", 0, "network", "layers", 1, "weights"), 9, 11),
    (("questions", 0, "network", "layers", 1, "weights", 0), 9, 21),
    (("questions", 0, "network", "layers", 1, "weights", 0, 2), 9, 33),
    (("questions", 0, "data", "x", 1), 11, 16),
    # no mark of its own: the nearest ancestor's
    (("questions", 0, "network", "layers", 1, "biases"), 8, 11),
    (("questions", 0, "loss"), 3, 5),
    (("nowhere", 3), 1, 1),
])
def test_where_gives_line_and_column(path, line, col):
    assert load(MARKED).where(path) == (line, col)


def test_error_carries_the_position_and_dotted_path():
    err = load(MARKED).error(("questions", 0, "network", "layers", 1, "weights", 0, 2), "too big")
    assert isinstance(err, ProblemError)
    assert str(err) == "p.yaml:9:33: questions[0].network.layers[1].weights[0][2]: too big"


@pytest.mark.parametrize("text, line, col", [
    (b"a: 1\r\nb:\r\n  - 2\r\n  - 0\r\n  - [3, 4]\r\n", 5, 9),      # Windows line ends
    (b"\xef\xbb\xbfa: 1\nb:\n  - 2\n  - 0\n  - [3, 4]\n", 5, 9),       # a UTF-8 byte order mark
    (b"# a comment\n\na: 1\nb: [1,\n    2, [3,\n  4]]\n", 6, 3),  # comments and a flow list over lines
])
def test_marks_survive_line_ends_bom_and_comments(text, line, col):
    src = load_bytes(text, "p.yaml")
    assert src.where(("b", 2, 1)) == (line, col)


@pytest.mark.parametrize("path, dotted_path", [
    ((), ""),
    (("title",), "title"),
    (("questions", 0, "network"), "questions[0].network"),
    (("network", "layers", 1, "weights", 0, 2), "network.layers[1].weights[0][2]"),
    ((3,), "[3]"),
])
def test_dotted(path, dotted_path):
    assert dotted(path) == dotted_path


@pytest.mark.parametrize("written, value", [
    ("1e-3", 0.001),          # YAML 1.1 would give the string '1e-3'
    ("1E3", 1000.0),
    ("-2.5e-1", -0.25),
    ("+1.5e2", 150.0),
    ("2.", 2.0),
    (".5", 0.5),
    ("0.1", 0.1),
    ("-7", -7),
    ("1_000", 1000),
    ("010", 10),              # YAML 1.1 would give octal 8
    ("0x1F", 31),
    ("true", True),
    ("off", False),
    ("~", None),
    ("null", None),
    ("sigmoid", "sigmoid"),
    ("1:30", "1:30"),         # YAML 1.1 sexagesimal stays text
    ("'0.5'", "0.5"),
    ('"1e-3"', "1e-3"),
])
def test_scalars(written, value):
    got = load(f"v: {written}\n").data["v"]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("written, quoted", [
    ("'0.5'", True),
    ('"0.5"', True),
    ("|\n  0.5", True),
    ("0.5", False),
    ("text", False),
])
def test_quoted_scalars_are_remembered(written, quoted):
    src = load(f"v: {written}\n")
    assert (("v",) in src.quoted) is quoted


def test_integers_stay_integers_and_floats_floats():
    data = load("units: 3\nrate: 3.0\n").data
    assert type(data["units"]) is int and type(data["rate"]) is float


def test_aliases_copy_values_without_tags():
    src = load("""
        x: &row [0.5, 0.3]
        y: *row
        m: &m {a: 1}
        n: *m
    """)
    assert src.data == {"x": [0.5, 0.3], "y": [0.5, 0.3], "m": {"a": 1}, "n": {"a": 1}}
    assert src.data["x"] is not src.data["y"]
    assert src.where(("y", 1)) == src.where(("x", 1))  # an alias points at what it names


def test_a_shared_alias_is_not_mistaken_for_a_recursive_one():
    src = load("""
        row: &row [1, 2]
        rows: [*row, *row, [*row, *row]]
    """)
    assert src.data["rows"] == [[1, 2], [1, 2], [[1, 2], [1, 2]]]


def test_load_file_reads_a_path(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("kind: forward\n", encoding="utf-8")
    src = load_file(path)
    assert (src.file, src.data) == (str(path), {"kind": "forward"})


@pytest.mark.parametrize("make, line, col, message", [
    (lambda d: d / "missing.yaml", 1, 1, "no such file"),
    (lambda d: d, 1, 1, "is a directory, not a problem file"),
])
def test_load_file_unreadable(tmp_path, make, line, col, message):
    path = make(tmp_path)
    with pytest.raises(ProblemError) as info:
        load_file(path)
    assert str(info.value) == f"{path}:{line}:{col}: {message}"


@pytest.mark.parametrize("raw, line, col, message", [
    (b"x: [" + b"1, " * (MAX_BYTES // 3) + b"1]\n", 1, 1, "a problem file is at most 2,000,000"),
    (b"x: " + b"[" * (MAX_DEPTH + 1) + b"1" + b"]" * (MAX_DEPTH + 1) + b"\n", 1, MAX_DEPTH + 4,
     f"nested more than {MAX_DEPTH} deep"),
    (b"a: 1\nb: caf\xc3\xa9 \xff\n", 2, 9, "is not UTF-8 text (byte 0xff here)"),  # the column counts characters
    (b"a: 1\n\n  b: 2\n", 3, 4, "YAML syntax: mapping values are not allowed here"),
    (b"a: [1, {b: 2]\n", 1, 13, "YAML syntax"),
    (b"? [a, b]\n: 1\n", 1, 3, "a key must be a plain name"),
    (b"x: !!binary aGVsbG8=\n", 1, 4, "YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
    (b"x: !!set {a, b}\n", 1, 4, "YAML tag 'tag:yaml.org,2002:set' is not allowed"),
    (b"x: !!python/name:os.system\n", 1, 4, "is not allowed"),
    (b"x: -.inf\n", 1, 4, "-.inf is not a finite number"),
    (b"x: .NaN\n", 1, 4, ".NaN is not a finite number"),
    (b"x: 1e999\n", 1, 4, "1e999 overflows"),
    (b"\n\n   \n", 1, 1, "is empty"),
    (b"---\n...\n", 1, 1, "is empty"),
    (b"# only a null\n~\n", 1, 1, "is empty"),
])
def test_load_bytes_rejects(raw, line, col, message):
    with pytest.raises(ProblemError) as info:
        load_bytes(raw, "p.yaml")
    text = str(info.value)
    assert text.startswith(f"p.yaml:{line}:{col}: "), text
    assert message in text


# ---------------------------------------------------------------- nesting: checked while composing

@pytest.mark.parametrize("raw, line, col", [
    (b"x: " + b"[" * 41 + b"1" + b"]" * 41 + b"\n", 1, 44),
    (b"x: " + b"[" * 500 + b"1" + b"]" * 500 + b"\n", 1, 44),          # past PyYAML's recursion
    (b"[" * 100_000, 1, 42),                                           # and unclosed
    (b"a: {" * 500 + b"}" * 500 + b"\n", 1, 161),
    (b"- " * 600 + b"1\n", 1, 83),
    ("".join("  " * i + "a:\n" for i in range(500)).encode() + b"  " * 500 + b"1\n", 41, 81),
])
def test_nesting_past_the_limit_is_a_problem_error_at_the_place(raw, line, col):
    with pytest.raises(ProblemError) as info:
        load_bytes(raw, "p.yaml")
    assert str(info.value) == (f"p.yaml:{line}:{col}: nested more than {MAX_DEPTH} deep: lists and mappings "
                               f"in problem files go at most {MAX_DEPTH} levels deep")


def test_nesting_up_to_the_limit_is_read():
    src = load_bytes(b"x: " + b"[" * (MAX_DEPTH - 1) + b"1" + b"]" * (MAX_DEPTH - 1) + b"\n", "p.yaml")
    value = src.data["x"]
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == 1


def test_a_recursive_alias_still_stops_at_the_depth_limit():
    with pytest.raises(ProblemError, match="recursive alias"):
        load_bytes(b"a: &a [*a]\n", "p.yaml")


# ---------------------------------------------------------------- size: read up to the limit + 1 byte

SHEET = FileKind("an answer sheet", "answer sheets", "fill in the sheet", 1000)


def test_a_file_over_the_limit_is_refused_with_its_size(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 10))
    with pytest.raises(ProblemError) as info:
        read_file(path)
    assert str(info.value) == f"{path}:1:1: is 2,000,010 bytes; a problem file is at most 2,000,000 bytes"


def test_a_sparse_5_gb_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(5 << 30)
    with pytest.raises(ProblemError, match="is 5,368,709,120 bytes; a problem file is at most"):
        read_file(path)


def test_a_fifo_is_read_up_to_the_limit_and_one_byte(tmp_path):
    import threading
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    sent = []

    def feed():             # more than the limit, but bounded: the test ends whatever the reader does
        try:
            with open(path, "wb") as handle:
                for _ in range(64):
                    handle.write(b"0" * 65536)
                    sent.append(65536)
        except BrokenPipeError:
            pass
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(ProblemError) as info:
        read_file(path, SHEET)
    writer.join(timeout=30)
    assert str(info.value) == (f"{path}:1:1: is more than 1,000 bytes (a device or a pipe?); "
                               "an answer sheet is at most 1,000 bytes")
    assert sum(sent) < 64 * 65536         # the reader stopped early, and the writer found the pipe closed


def test_dev_zero_is_refused_at_once():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(ProblemError, match="is more than 1,000 bytes"):
        read_file("/dev/zero", SHEET)


@pytest.mark.parametrize("raw, message", [
    (b"#" * 1001, "is 1,001 bytes; an answer sheet is at most 1,000 bytes"),
    (b"~\n", "is empty: fill in the sheet"),
    (b"q1: !!binary aGVsbG8=\n", "is not allowed: answer sheets are plain data"),
    (b"[" * 100, "nested more than 40 deep: lists and mappings in answer sheets"),
])
def test_answer_sheets_are_named_as_such(raw, message):
    with pytest.raises(ProblemError) as info:
        load_bytes(raw, "mine.yaml", SHEET)
    assert message in str(info.value) and "problem file" not in str(info.value)
