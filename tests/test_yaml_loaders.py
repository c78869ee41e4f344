"""libyaml (yaml.CSafeLoader) reads a file where PyYAML was built with it; every file reads to the
same data, lines and columns, and every refusal says the same thing at the same place, with it
and without it (SOLVE_YAML_PURE=1 forces the pure-Python loader)."""
import pytest
import yaml

from conftest import ROOT
from solver import yamlsource
from solver.errors import ProblemError
from solver.reading import Reader
from solver.yamlsource import MAX_DEPTH, load_bytes, load_file, load_sheet

needs_libyaml = pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")

BAD = sorted((ROOT / "tests" / "bad").rglob("*.yaml"))
BAD_SHEETS = sorted((ROOT / "tests" / "bad_answers").rglob("*.yaml"))
GOOD = sorted((ROOT / "problems").glob("*.yaml")) + sorted((ROOT / "tests").rglob("*problem*.yaml"))


def outcome(monkeypatch, pure: bool, read, *args):
    """What reading gives, with the pure-Python loader forced or not: the Source, or the message."""
    if pure:
        monkeypatch.setenv("SOLVE_YAML_PURE", "1")
    else:
        monkeypatch.delenv("SOLVE_YAML_PURE", raising=False)
    try:
        return read(*args)
    except ProblemError as exc:
        return str(exc)


def both(monkeypatch, read, *args):
    return outcome(monkeypatch, False, read, *args), outcome(monkeypatch, True, read, *args)


@needs_libyaml
@pytest.mark.parametrize("path", BAD, ids=lambda p: str(p.relative_to(ROOT / "tests")))
def test_a_bad_problem_file_reads_the_same_with_libyaml_and_without(monkeypatch, path):
    fast, pure = both(monkeypatch, load_file, path)
    assert fast == pure


@needs_libyaml
@pytest.mark.parametrize("path", BAD_SHEETS, ids=lambda p: p.name)
def test_a_bad_answer_sheet_reads_the_same_with_libyaml_and_without(monkeypatch, path):
    fast, pure = both(monkeypatch, load_sheet, path)
    assert fast == pure


@needs_libyaml
@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_a_good_file_gives_the_same_data_marks_and_quotes(monkeypatch, path):
    fast, pure = both(monkeypatch, load_file, path)
    assert not isinstance(fast, str), fast
    assert (fast.data, fast.marks, fast.quoted) == (pure.data, pure.marks, pure.quoted)


NESTED = [
    b"x: " + b"[" * 41 + b"1" + b"]" * 41 + b"\n",
    b"x: " + b"[" * 500 + b"1" + b"]" * 500 + b"\n",
    b"[" * 100_000,                                     # far past what a recursive composer survives
    b"[" * 200_000 + b"1" + b"]" * 200_000,             # well-formed, as deep
    b"a: {" * 500 + b"}" * 500 + b"\n",
    b"- " * 600 + b"1\n",
    "".join("  " * i + "a:\n" for i in range(500)).encode() + b"  " * 500 + b"1\n",
    b"x: " + b"[" * MAX_DEPTH + b"1" + b"]" * MAX_DEPTH + b"\n",    # one level too deep (x is level 1)
    b"x: " + b"[" * (MAX_DEPTH - 1) + b"1" + b"]" * (MAX_DEPTH - 1) + b"\n",   # at the limit: read
    b"a: 1\n\n  b: 2\n", b"a: [1, {b: 2]\n", b"a: 1\n---\nb: 2\n", b"a: &x 1\nb: *y\n", b"a: \x07\n",
    b"a:\tb\n", b"a: [1,\t2]\n", b"a: 1 \t# a comment\n", b"a: {b?c: 1}\n", b"a: [x?]\n", b"a: {b: !1, c: 2}\n", "a: [0\ufeff.5, 1]\nb: 2\n".encode(), b"a: 'x\n", b"a: {b: 1, b: 2}\n", b"a: [1, 2]\nb: {c: [3, 4]}\n",
]


@needs_libyaml
@pytest.mark.parametrize("raw", NESTED, ids=range(len(NESTED)))
def test_nesting_and_syntax_errors_say_the_same_with_libyaml_and_without(monkeypatch, raw):
    fast, pure = both(monkeypatch, load_bytes, raw, "p.yaml")
    if isinstance(fast, str):
        assert fast == pure
    else:
        assert (fast.data, fast.marks, fast.quoted) == (pure.data, pure.marks, pure.quoted)


@needs_libyaml
def test_a_file_one_level_too_deep_is_refused_at_its_place_with_libyaml_present(monkeypatch):
    monkeypatch.delenv("SOLVE_YAML_PURE", raising=False)
    with pytest.raises(ProblemError) as info:
        load_bytes(b"x: " + b"[" * MAX_DEPTH + b"1" + b"]" * MAX_DEPTH + b"\n", "p.yaml")
    assert str(info.value).startswith(f"p.yaml:1:{MAX_DEPTH + 4}: nested more than {MAX_DEPTH} deep")


@needs_libyaml
def test_a_well_formed_file_is_composed_by_libyaml(monkeypatch):
    monkeypatch.delenv("SOLVE_YAML_PURE", raising=False)

    class Refused(yamlsource._DepthLimitedLoader):
        def __init__(self, stream):
            raise AssertionError("the pure-Python loader composed a well-formed file")

    monkeypatch.setattr(yamlsource, "_DepthLimitedLoader", Refused)
    assert load_file(ROOT / "problems" / "exam1.yaml").data["questions"]


def test_a_list_of_floats_reads_as_number_by_number():
    src = load_bytes(b"x: [0.5, -0.0, 0, 1000000.0, 1e-9]\nbad: [0.5, 1e-12]\nbig: [0.5, 2000000.0]\n", "p.yaml")
    r = Reader(src)
    row = r.vector(src.data["x"], ("x",))
    assert row == (0.5, -0.0, 0.0, 1e6, 1e-9) and all(type(v) is float for v in row)
    assert str(row[1]) == "-0.0"
    with pytest.raises(ProblemError, match=r"p.yaml:2:12: bad\[1\]: 1e-12 is too small"):
        r.vector(src.data["bad"], ("bad",))
    with pytest.raises(ProblemError, match=r"p.yaml:3:12: big\[1\]: 2000000.0 is too large"):
        r.vector(src.data["big"], ("big",))
