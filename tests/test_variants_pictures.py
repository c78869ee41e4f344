"""The combined PDFs of --variants typeset each repeated TikZ picture once (issue 12): the
document copies a box where the picture stood, and the pages look as they did."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from solver.formats import Style
from solver.render.documents import render_combined
from solver.settings import Settings
from solver.variants import _box_name, make_variants, shared_pictures, write_combined

ROOT = Path(__file__).resolve().parent.parent
EXAM = ROOT / "problems" / "exam1.yaml"
NET_A = "\\begin{tikzpicture}\\draw (0,0) -- (1,1);\\end{tikzpicture}"
NET_B = "\\begin{tikzpicture}[x=2cm]\n\\node at (0,0) {$x_1$};\n\\end{tikzpicture}"
CURVE = "\\begin{tikzpicture}\\begin{axis}\\addplot coordinates {(0,1)};\\end{axis}\\end{tikzpicture}"


def test_a_picture_that_repeats_goes_into_one_box_and_a_single_one_stays():
    bodies = [f"one {NET_A} and {NET_B}", f"two {NET_A}\n{NET_B} {CURVE}", f"three {NET_B}"]
    pictures, out = shared_pictures(bodies)
    assert pictures == [("\\solvepica", NET_A), ("\\solvepicb", NET_B)]
    assert out == ["one \\usebox{\\solvepica} and \\usebox{\\solvepicb}",
                   f"two \\usebox{{\\solvepica}}\n\\usebox{{\\solvepicb}} {CURVE}", "three \\usebox{\\solvepicb}"]
    assert shared_pictures([f"a {CURVE}", "b"]) == ([], [f"a {CURVE}", "b"])


def test_box_names_are_control_words_and_distinct():
    names = [_box_name(k) for k in range(2000)]
    assert len(set(names)) == 2000 and all(re.fullmatch(r"\\solvepic[a-z]+", n) for n in names)
    assert names[:2] == ["\\solvepica", "\\solvepicb"] and names[26] == "\\solvepicba"


def test_the_combined_document_fills_each_box_once_after_begin_document():
    pictures, bodies = shared_pictures([f"v1 {NET_A}", f"v2 {NET_A}"])
    tex = render_combined(bodies, "T", "keys", pictures)
    head, body = tex.split("\\begin{document}")
    assert "solvepic" not in head
    assert body.count("\\newsavebox{\\solvepica}\\sbox{\\solvepica}{" + NET_A + "}") == 1
    assert body.count("\\usebox{\\solvepica}") == 2 and body.count("tikzpicture") == 2


def test_the_combined_pdfs_have_every_variant_s_pages_and_pictures(tmp_path, latex_engine):
    variants = make_variants((EXAM, 4, "markdown", Settings(), Style(), 2), 2, 1)
    for v in variants:      # the keys draw the same three networks in every variant
        assert len(re.findall(r"\\begin\{tikzpicture\}", v.key_tex)) == 3
    shared, plain = tmp_path / "shared", tmp_path / "plain"
    shared.mkdir(), plain.mkdir()
    write_combined(variants, shared, "exam1", "T", share=True)
    write_combined(variants, plain, "exam1", "T", share=False)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is needed to see the pages")
    for name in ("exam1-sheets.pdf", "exam1-keys.pdf"):
        for folder in (shared, plain):
            subprocess.run([pdftoppm, "-r", "20", "-png", str(folder / name), str(folder / name[:-4])], check=True)
        images = sorted(shared.glob(name[:-4] + "-*.png"))
        assert len(images) == len(list(plain.glob(name[:-4] + "-*.png"))) >= len(variants)
        for image in images:    # every page as it is with each picture typeset where it stands
            assert image.read_bytes() == (plain / image.name).read_bytes(), image.name


class _Terminal:
    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_typesetting_says_so_on_a_terminal_and_wipes_it(tmp_path, monkeypatch):
    import sys

    import solver.variants as variants
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr("solver.render.pdf.find_engine", lambda: "pdflatex")
    monkeypatch.setattr("solver.render.pdf.compile_pdf", lambda tex, timeout=120: (b"%PDF-", ""))
    v = variants.Variant(1, "title: T\n", 1, {}, "sheet", "key")
    written = write_combined([v], tmp_path, "p", "T")
    assert [w.name for w in written] == ["p-sheets.pdf", "p-keys.pdf"]
    assert screen.text == "\rtypesetting p-sheets.pdf and p-keys.pdf (1 variant) ...\r\033[K"
