"""Whole solutions against committed golden files: tests/golden/STEM.{md,tex,json} for
each problems/STEM.yaml that has them (at least exam1), and tests/golden/STEM.NOTATION.{md,tex}
for the same problem written in another notation (--notation NOTATION).

After an intended change in the output: UPDATE_GOLDEN=1 pytest tests/test_golden.py
To add a problem: create tests/golden/STEM.json (empty), then run with UPDATE_GOLDEN=1.

Text is compared exactly, numbers with a tolerance (tests/float_noise.py): the last digit of a
full-precision float depends on the numpy/BLAS build, not on solve.
"""
import json
import os

import pytest

from conftest import ROOT
from float_noise import assert_same
from solver import solve

GOLDEN = ROOT / "tests" / "golden"


STEMS = sorted({p.stem for p in GOLDEN.glob("*.json") if "." not in p.stem} | {"exam1"})
FORMATS = [("markdown", "md"), ("latex", "tex"), ("json", "json")]
# (stem, notation) of each golden file written in a notation other than the file's own
IN_NOTATION = sorted({tuple(p.name.split(".")[:2]) for p in GOLDEN.glob("*.*.md")})


def produce(stem: str, fmt: str, notation: str | None = None) -> str:
    solution = solve(ROOT / "problems" / f"{stem}.yaml", notation=notation)
    if fmt == "json":
        return json.dumps(solution.to_json(), indent=2) + "\n"
    # pictures are named, not embedded: the golden text stays readable
    return solution.render(fmt, assets={}, stem=stem)


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("fmt, ext", FORMATS)
def test_solution_matches_golden(stem, fmt, ext):
    text = produce(stem, fmt)
    path = GOLDEN / f"{stem}.{ext}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 once"
    assert_same(text, path.read_text(encoding="utf-8"), fmt)


@pytest.mark.parametrize("stem, notation", IN_NOTATION)
@pytest.mark.parametrize("fmt, ext", FORMATS[:2])
def test_solution_in_another_notation_matches_golden(stem, notation, fmt, ext):
    text = produce(stem, fmt, notation)
    path = GOLDEN / f"{stem}.{notation}.{ext}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert_same(text, path.read_text(encoding="utf-8"), fmt)


# ---------------------------------------------------------------- the comparison itself

def test_float_noise_in_an_exact_field_is_not_a_difference():
    golden = '{"z2": {"value": [0.0957], "exact": [0.09568300197550894]}, "ok": true}'
    assert_same('{"z2": {"value": [0.0957], "exact": [0.09568300197550889]}, "ok": true}', golden, "json")
    assert_same('{"z2": {"value": [0.0957], "exact": [0.0956830019755089]}, "ok": true}', golden, "json")


@pytest.mark.parametrize("got", [
    '{"z2": {"value": [0.0958], "exact": [0.09568300197550894]}, "ok": true}',      # a rounded value
    '{"z2": {"value": [0.0957], "exact": [0.0956830029755089]}, "ok": true}',       # beyond 1e-9
    '{"z2": {"value": [0.0957], "exact": [0.09568300197550894]}, "ok": 1}',         # a type
    '{"z2": {"value": [0.0957, 1], "exact": [0.09568300197550894]}, "ok": true}',   # a shape
    '{"z2": {"exact": [0.09568300197550894], "value": [0.0957]}, "ok": true}',      # the key order
    '{"z2": {"value": [0.0957], "exact": ["0.09568300197550894"]}, "ok": true}',    # a string
])
def test_a_real_difference_in_json_is_one(got):
    golden = '{"z2": {"value": [0.0957], "exact": [0.09568300197550894]}, "ok": true}'
    with pytest.raises(AssertionError):
        assert_same(got, golden, "json")


def test_text_is_exact_but_a_full_precision_float_may_drift():
    golden = "$z = 0.0957$ (exact 0.09568300197550894), $a = 0.50$\n"
    assert_same("$z = 0.0957$ (exact 0.09568300197550889), $a = 0.50$\n", golden, "markdown")
    for got in ("$z = 0.0958$ (exact 0.09568300197550894), $a = 0.50$\n",     # a rounded number
                "$z = 0.0957$ (exact 0.09568300197550894), $a = 0.5$\n",      # its shown digits
                "$z = 0.0957$ (exact 0.09568300197550894), $a = 0.50$ \n",    # the text
                "$z = 0.0957$ (exact 0.09568310197550894), $a = 0.50$\n"):    # beyond 1e-9
        with pytest.raises(AssertionError):
            assert_same(got, golden, "latex")
