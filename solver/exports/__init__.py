"""Learning-platform exports: a worked solution as a Moodle XML quiz (`moodle.py`) or an IMS QTI 1.2
package as Canvas imports it (`qti.py`), one module per format.

Both are written from one plain record per question of the problem (`common.LmsQuestion`): its
question sheet and its worked solution as HTML with the mathematics kept as TeX in \\( \\) and
\\[ \\] (the platforms' MathJax typesets it), its pictures, and every entry of every answer key
with the tolerance `--check` marks it with. The formats only lay that record out.

    export("moodle", solution, "exam1")         # bytes of the XML file
    export_variants("qti", variants, "exam1")   # one package of every variant (--variants)
"""
from __future__ import annotations

from typing import Sequence

from ..formats import Style


def export(fmt: str, solution, stem: str, style: Style = Style()) -> bytes:
    """The file of one solution in `fmt` (moodle: XML; qti: a zip)."""
    from .common import lms_questions
    return export_variants(fmt, [lms_questions(solution, stem, style)], stem, solution.problem.title)


def export_variants(fmt: str, variants: Sequence, stem: str, title: str | None, seed: int | None = None) -> bytes:
    """The file of several variants, each a list of LmsQuestion (one per question of the problem):
    Moodle: one category per question holding its variants; QTI: a question group of the variants."""
    if fmt == "moodle":
        from .moodle import moodle_xml
        return moodle_xml(variants, stem, title, seed)
    if fmt == "qti":
        from .qti import qti_package
        return qti_package(variants, stem, title, seed)
    raise ValueError(f"not a learning-platform format: {fmt!r}")
