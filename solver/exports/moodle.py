"""`--format moodle`: a Moodle XML quiz file (docs/moodle.md).

One `cloze` (Embedded answers) question per question of the problem: the question sheet (the
givens and what to find, TeX in \\( \\) for Moodle's MathJax filter), then a box for every entry
of every answer key, `{N:NUMERICAL:=value:tolerance#feedback~*#feedback}` (the tolerance `--check`
marks with; N marks, so that each key weighs its marks as in `--check`), and the worked solution
as the general feedback. Pictures
travel inside the file (`<file encoding="base64">`, named `@@PLUGINFILE@@/<name>` in the HTML).
With --variants, each question of the problem is a category holding one question per variant,
so that a quiz's random question draws a variant for each student.

User text is escaped for where it lands: XML by ElementTree; HTML by html.escape (in the
Markdown renderer); Moodle's cloze parser sees no `{` of ours outside a sub-question (written
as &#123;), and the feedback inside a sub-question has its special characters as entities.
"""
from __future__ import annotations

import base64
import math
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from html import escape
from typing import Sequence

from .common import Entry, LmsKey, LmsQuestion, number_text, with_sources, xml_bytes

PLUGINFILE = "@@PLUGINFILE@@/"
MAX_WEIGHT = 100                # the largest marks of one box (Cloze marks are whole numbers)
PENALTY = "0.3333333"           # Moodle's default: a third off for each wrong try (interactive mode)
# Characters Moodle's cloze parser reads inside {...}: written there as HTML entities, which the
# parser decodes after it has split the sub-question (question/type/multianswer/questiontype.php).
SUBQUESTION_START = re.compile(r"\{(?=[0-9]*:)")
CLOZE_SPECIAL = {c: f"&#{ord(c)};" for c in '{}#~/"\\'}


def cloze_text(text: str) -> str:
    """Plain text for the feedback inside a cloze sub-question: HTML-escaped for the page (Moodle
    decodes entities once when it reads the sub-question, so the page's escaping is escaped once
    more), and none of the parser's characters } # ~ / " \\ { left bare."""
    shown = escape(text, quote=True)                    # what the page gets
    return "".join(CLOZE_SPECIAL.get(c, c) for c in escape(shown, quote=False))


def outside_cloze(html: str) -> str:
    """HTML that Moodle's cloze parser takes for text: no `{` that could open a sub-question (a
    title spelling `{1:NUMERICAL:...}`; the parser's pattern starts `{`, digits, `:`), that `{`
    written &#123;. The browser shows it as `{` and MathJax reads the page's text; TeX's own
    braces (`W^{[1]}`) open no sub-question and stay as they are."""
    return SUBQUESTION_START.sub("&#123;", html)


def subquestion(e: Entry, step: int, weight: int = 1) -> str:
    """`{1:NUMERICAL:=0.5239:0.00005#...~*#...}`: right within the tolerance, anything else wrong;
    worth `weight` marks."""
    margin = number_text(e.tolerance)
    right = cloze_text(f"{e.label}: right")
    wrong = cloze_text(f"{e.label}: not within {margin} of the key; see step {step} of the worked solution")
    return f"{{{weight}:NUMERICAL:={e.text}:{margin}#{right}~*#{wrong}}}"


def weights(keys: Sequence[LmsKey]) -> dict[str, int]:
    """Each box's marks, a whole number as Cloze wants: a key's marks shared by its entries, as
    `--check` and the QTI export weigh it, scaled by the least number that makes every share
    whole; one mark a box when that number would pass MAX_WEIGHT."""
    shares = {k.key: Fraction(k.marks).limit_denominator(1000) / len(k.entries) for k in keys}
    scale = math.lcm(*(share.denominator for share in shares.values()))
    scaled = {key: share * scale for key, share in shares.items()}
    if any(w > MAX_WEIGHT or w < 1 for w in scaled.values()):
        return {key: 1 for key in shares}
    return {key: int(w) for key, w in scaled.items()}


def answer_boxes(k: LmsKey, weight: int = 1) -> str:
    """The boxes of one key, shaped like it: one, a row, or a grid for a matrix."""
    boxes = [subquestion(e, k.step, weight) for e in k.entries]
    head = outside_cloze(f"<code>{escape(k.key)}</code>: {escape(k.what)}")
    if len(k.shape) == 0:
        return f"<p>{head}<br/>{boxes[0]}</p>"
    if len(k.shape) == 1:
        return f"<p>{head}<br/>[ " + " , ".join(boxes) + " ]</p>"
    cols = k.shape[-1]          # 3 or 4 dimensions (conv's maps, kernels): the matrices one under another
    rows = ["<tr>" + "".join(f"<td>{b}</td>" for b in boxes[r * cols:(r + 1) * cols]) + "</tr>"
            for r in range(len(boxes) // cols)]
    return f"<p>{head}</p><table class=\"solve-matrix\">" + "".join(rows) + "</table>"


def question_text(q: LmsQuestion) -> str:
    sheet = outside_cloze(with_sources(q.sheet_html, q.files, lambda n: PLUGINFILE + n))
    decimals = f"{q.decimals} decimal" + ("s" if q.decimals != 1 else "")
    marks = weights(q.keys)
    answers = "".join(answer_boxes(k, marks[k.key]) for k in q.keys)
    label = f"<p><em>{outside_cloze(escape(q.label))}</em></p>" if q.label else ""
    return (f"{label}{sheet}<h4>Your answers</h4><p>One number in each box, to {decimals}.</p>"
            f"{answers}")


def _text(parent: ET.Element, tag: str, text: str, **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    ET.SubElement(el, "text").text = text
    return el


def _files(parent: ET.Element, files: dict[str, bytes], html: str) -> None:
    for name, data in files.items():
        if PLUGINFILE + escape(name) in html:
            el = ET.SubElement(parent, "file", {"name": name, "path": "/", "encoding": "base64"})
            el.text = base64.b64encode(data).decode()


def category(quiz: ET.Element, path: str) -> None:
    q = ET.SubElement(quiz, "question", {"type": "category"})
    _text(q, "category", path)
    _text(q, "info", "", format="html")


def category_name(text: str) -> str:
    """A name within a Moodle category path: a / in it is written //."""
    return text.replace("/", "//")


def cloze_question(quiz: ET.Element, q: LmsQuestion, idnumber: str) -> None:
    el = ET.SubElement(quiz, "question", {"type": "cloze"})
    _text(el, "name", q.name)
    text = question_text(q)
    qt = _text(el, "questiontext", text, format="html")
    _files(qt, q.files, text)
    feedback = with_sources(q.solution_html, q.files, lambda n: PLUGINFILE + n)
    gf = _text(el, "generalfeedback", feedback, format="html")
    _files(gf, q.files, feedback)
    ET.SubElement(el, "penalty").text = PENALTY
    ET.SubElement(el, "hidden").text = "0"
    ET.SubElement(el, "idnumber").text = idnumber


def moodle_xml(variants: Sequence[Sequence[LmsQuestion]], stem: str, title: str | None,
               seed: int | None = None) -> bytes:
    """The quiz file. One variant: its questions, in a category named after the problem.
    Several: a category per question of the problem, each holding that question of every variant."""
    quiz = ET.Element("quiz")
    top = "$course$/top/" + category_name(title or stem)
    several = len(variants) > 1
    if not several:
        category(quiz, top)
    for i, q in enumerate(variants[0]):
        if several:
            category(quiz, f"{top}/{category_name(q.id)}" + (f" (seed {seed})" if seed is not None else ""))
            for k, variant in enumerate(variants, start=1):
                cloze_question(quiz, variant[i], f"{stem}-{q.id}-v{k}")
        else:
            cloze_question(quiz, q, f"{stem}-{q.id}")
    return xml_bytes(quiz)
