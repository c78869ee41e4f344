"""The committed examples/ are the current output: regenerated here, compared, stale -> fail.

After an intended change in the output: make examples (examples/build.py).
"""
from __future__ import annotations

import hashlib
import re
import sys

import pytest

from conftest import ROOT
from float_noise import text_difference

sys.path.insert(0, str(ROOT / "examples"))
from build import EXAMPLES, SOURCE_TAG, sources  # noqa: E402

EXAMPLES_DIR = ROOT / "examples"
STALE = "examples/ is stale: run `make examples` and commit the result"


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def example(request):
    stem = request.param
    return (stem,) + sources(stem)


def test_markdown_is_current(example):
    stem, markdown, _, _ = example
    path = EXAMPLES_DIR / f"{stem}.md"
    assert path.exists(), STALE
    # exact text; only a full-precision float may drift in its last digits (tests/float_noise.py)
    assert text_difference(markdown, path.read_text(encoding="utf-8")) is None, STALE


def test_every_picture_is_there_and_referenced(example):
    stem, markdown, assets, _ = example
    referenced = set(re.findall(r"!\[[^\]]*\]\(([^)]+\.svg)\)", markdown))
    assert referenced == set(assets)
    for name in referenced:
        assert (EXAMPLES_DIR / name).read_bytes() == assets[name], STALE


def test_pdf_was_compiled_from_the_current_latex(example):
    stem, _, _, latex = example
    pdf = (EXAMPLES_DIR / f"{stem}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    digest = hashlib.sha256(latex.encode()).hexdigest()
    assert (SOURCE_TAG + digest).encode() in pdf, STALE


def test_no_leftover_files():
    expected = {f"{stem}.{ext}" for stem in EXAMPLES for ext in ("md", "pdf")} | {"build.py", "student.ipynb"}
    for stem in EXAMPLES:
        expected |= set(sources(stem)[1])
    present = {p.name for p in EXAMPLES_DIR.iterdir() if p.is_file()}
    assert present - expected == set(), f"files in examples/ that no example writes: {present - expected}"
