"""`--format qti`: an IMS QTI 1.2 package as Canvas's course import reads it (docs/qti.md).

A zip holding `imsmanifest.xml` (IMS Content Packaging 1.1), the assessment `<stem>.xml`
(QTI 1.2, `questestinterop`) and the pictures. Canvas's numerical question has one box, so
every entry of every answer key is its own `numerical_question` item, right within the
tolerance `--check` marks with, written as Canvas writes an exact answer with a margin
(`varequal` or `vargte`..`varlte`); it is worth the key's marks shared by its entries.
Each question of the problem opens with a `text_only_question` item: its sheet, the givens
and what to find. Every entry's feedback names its step; the last entry of a question
carries the whole worked solution. With --variants, each entry is a question group
(`selection_number` 1) of the variants' items, each item showing its own variant's sheet.
"""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from html import escape
from typing import Sequence
from urllib.parse import quote

from .common import Entry, LmsKey, LmsQuestion, number_text, with_sources, xml_bytes

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FILEBASE = "$IMS-CC-FILEBASE$/"      # Canvas: the package's root, where the pictures are
ZIP_DATE = (1980, 1, 1, 0, 0, 0)     # fixed: the same problem gives the same bytes


def ident(*parts) -> str:
    """An identifier QTI and Canvas accept (a letter, then letters, digits, _ . -)."""
    return "i" + "_".join(re.sub(r"[^A-Za-z0-9.-]", "_", str(p)) for p in parts)


def _field(parent: ET.Element, label: str, entry: str) -> None:
    f = ET.SubElement(parent, "qtimetadatafield")
    ET.SubElement(f, "fieldlabel").text = label
    ET.SubElement(f, "fieldentry").text = entry


def _material(parent: ET.Element, html: str) -> None:
    m = ET.SubElement(parent, "material")
    ET.SubElement(m, "mattext", {"texttype": "text/html"}).text = html


def _metadata(item: ET.Element, question_type: str, points: float) -> None:
    meta = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", question_type)
    _field(meta, "points_possible", number_text(points))


def pictures(html: str, q: LmsQuestion) -> str:
    return with_sources(html, q.files, lambda name: FILEBASE + quote(name))


def text_item(section: ET.Element, q: LmsQuestion, ident_: str) -> None:
    """The question's sheet, as an item of no points (Canvas: a text-only question)."""
    item = ET.SubElement(section, "item", {"ident": ident_, "title": _title(q.name)})
    _metadata(item, "text_only_question", 0)
    _material(ET.SubElement(item, "presentation"), _head(q) + pictures(q.sheet_html, q))


def _head(q: LmsQuestion) -> str:
    return f"<p><em>{escape(q.label)}</em></p>" if q.label else ""


def _title(text: str) -> str:
    return text[:250]


def entry_prompt(q: LmsQuestion, k: LmsKey, e: Entry) -> str:
    where = {0: "", 1: " (entry {})", 2: " (row {}, column {})"}.get(
        len(e.index), " (entry " + ", ".join(["{}"] * len(e.index)) + ")").format(*(i + 1 for i in e.index))
    decimals = "" if e.tolerance == 0 else f" to {q.decimals} decimal" + ("s" if q.decimals != 1 else "")
    return (f"<p>Question {escape(q.id)}: <code>{escape(k.key)}</code>, {escape(k.what)}.</p>"
            f"<p>Give {escape(e.label)}{escape(where)}{decimals}.</p>")


def numerical_item(section: ET.Element, q: LmsQuestion, k: LmsKey, e: Entry, ident_: str,
                   with_sheet: bool, solution: bool) -> None:
    item = ET.SubElement(section, "item", {"ident": ident_, "title": _title(f"{q.name}: {e.label}")})
    _metadata(item, "numerical_question", k.marks / len(k.entries))
    presentation = ET.SubElement(item, "presentation")
    sheet = _head(q) + pictures(q.sheet_html, q) if with_sheet else ""
    _material(presentation, sheet + entry_prompt(q, k, e))
    response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
    fib = ET.SubElement(response, "render_fib", {"fibtype": "Decimal"})
    ET.SubElement(fib, "response_label", {"ident": "answer1"})

    processing = ET.SubElement(item, "resprocessing")
    ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    shown = ET.SubElement(processing, "respcondition", {"continue": "Yes"})
    ET.SubElement(ET.SubElement(shown, "conditionvar"), "other")
    ET.SubElement(shown, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    right = ET.SubElement(processing, "respcondition", {"continue": "No"})
    condition = ET.SubElement(right, "conditionvar")
    if e.tolerance == 0:
        ET.SubElement(condition, "varequal", {"respident": "response1"}).text = e.text
    else:                  # Canvas's exact answer with a margin
        either = ET.SubElement(condition, "or")
        ET.SubElement(either, "varequal", {"respident": "response1"}).text = e.text
        both = ET.SubElement(either, "and")
        ET.SubElement(both, "vargte", {"respident": "response1"}).text = e.low
        ET.SubElement(both, "varlte", {"respident": "response1"}).text = e.high
    ET.SubElement(right, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"

    margin = "exactly" if e.tolerance == 0 else f"within {number_text(e.tolerance)} of"
    words = (f"<p>{escape(e.label)} = {e.text} (answers {margin} it are right); "
             f"it is found in step {k.step} of the worked solution"
             + (".</p>" + pictures(q.solution_html, q) if solution else ", shown with the last part of this question.</p>"))
    feedback = ET.SubElement(item, "itemfeedback", {"ident": "general_fb"})
    _material(ET.SubElement(feedback, "flow_mat"), words)


def assessment(variants: Sequence[Sequence[LmsQuestion]], stem: str, title: str | None) -> ET.Element:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS, "xmlns:xsi": XSI,
                                          "xsi:schemaLocation": f"{QTI_NS} {QTI_XSD}"})
    quiz = ET.SubElement(root, "assessment", {"ident": ident(stem), "title": _title(title or stem)})
    meta = ET.SubElement(quiz, "qtimetadata")
    _field(meta, "cc_maxattempts", "1")
    section = ET.SubElement(quiz, "section", {"ident": "root_section"})
    several = len(variants) > 1
    for qi, q in enumerate(variants[0]):
        if not several:
            text_item(section, q, ident(stem, qi, "sheet"))
        for ki, k in enumerate(q.keys):
            for ei, e in enumerate(k.entries):
                last = ki == len(q.keys) - 1 and ei == len(k.entries) - 1
                if not several:
                    numerical_item(section, q, k, e, ident(stem, qi, ki, ei), False, last)
                    continue
                group = ET.SubElement(section, "section", {"ident": ident(stem, qi, ki, ei, "group"),
                                                           "title": _title(f"{q.id}: {e.label}")})
                selection = ET.SubElement(ET.SubElement(group, "selection_ordering"), "selection")
                ET.SubElement(selection, "selection_number").text = "1"
                extension = ET.SubElement(selection, "selection_extension")
                ET.SubElement(extension, "points_per_item").text = number_text(k.marks / len(k.entries))
                for v, variant in enumerate(variants, start=1):
                    vq = variant[qi]
                    vk = vq.keys[ki]
                    numerical_item(group, vq, vk, vk.entries[ei], ident(stem, qi, ki, ei, "v", v), True, last)
    return root


def manifest(stem: str, quiz_file: str, files: Sequence[str]) -> ET.Element:
    root = ET.Element("manifest", {"identifier": ident(stem, "manifest"), "xmlns": CP_NS, "xmlns:xsi": XSI,
                                   "xsi:schemaLocation": f"{CP_NS} {CP_XSD}"})
    meta = ET.SubElement(root, "metadata")
    ET.SubElement(meta, "schema").text = "IMS Content"
    ET.SubElement(meta, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    quiz = ET.SubElement(resources, "resource", {"identifier": ident(stem, "quiz"), "type": "imsqti_xmlv1p2",
                                                 "href": quiz_file})
    ET.SubElement(quiz, "file", {"href": quiz_file})
    for n, name in enumerate(files):
        ET.SubElement(quiz, "dependency", {"identifierref": ident(stem, "file", n)})
    for n, name in enumerate(files):
        r = ET.SubElement(resources, "resource", {"identifier": ident(stem, "file", n), "type": "webcontent",
                                                  "href": name})
        ET.SubElement(r, "file", {"href": name})
    return root


def qti_package(variants: Sequence[Sequence[LmsQuestion]], stem: str, title: str | None,
                seed: int | None = None) -> bytes:
    """The zip: imsmanifest.xml, <stem>.xml and the pictures, in a fixed order and date."""
    files: dict[str, bytes] = {}
    for variant in variants:
        for q in variant:
            files.update(q.files)
    quiz_file = re.sub(r"[^A-Za-z0-9._-]", "_", stem) + ".xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [("imsmanifest.xml", xml_bytes(manifest(stem, quiz_file, list(files)))),
                           (quiz_file, xml_bytes(assessment(variants, stem, title))), *files.items()]:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return out.getvalue()
