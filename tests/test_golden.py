"""Whole solutions against committed golden files: tests/golden/STEM.{md,tex,json} for
each problems/STEM.yaml that has them (at least exam1), and tests/golden/STEM.NOTATION.{md,tex}
for the same problem written in another notation (--notation NOTATION).

After an intended change in the output: UPDATE_GOLDEN=1 pytest tests/test_golden.py
To add a problem: create tests/golden/STEM.json (empty), then run with UPDATE_GOLDEN=1.
"""
import json
import os

import pytest

from conftest import ROOT
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
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("stem, notation", IN_NOTATION)
@pytest.mark.parametrize("fmt, ext", FORMATS[:2])
def test_solution_in_another_notation_matches_golden(stem, notation, fmt, ext):
    text = produce(stem, fmt, notation)
    path = GOLDEN / f"{stem}.{notation}.{ext}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
