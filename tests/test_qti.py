"""--format qti: an IMS QTI 1.2 package as Canvas imports it, valid against the published IMS
Content Packaging schema and the QTI 1.2.1 DTD (tests/schemas/), that reads back to the JSON key
with the --check tolerance; with --variants, a question group of the variants per entry."""
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from quiz_exports import EXAM, HOSTILE, edited_exam, exam_exported, key_entries
from solver import solve
from solver.cli import main
from solver.exports import export

etree = pytest.importorskip("lxml.etree")

SCHEMAS = Path(__file__).parent / "schemas"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def assessment_of(files: dict[str, bytes]):
    manifest = etree.fromstring(files["imsmanifest.xml"])
    [quiz] = [r for r in manifest.iter(CP + "resource") if r.get("type") == "imsqti_xmlv1p2"]
    return etree.fromstring(files[quiz.get("href")])


def field(item, label: str) -> str:
    return next(f.findtext(QTI + "fieldentry") for f in item.iter(QTI + "qtimetadatafield")
                if f.findtext(QTI + "fieldlabel") == label)


def read_item(item) -> tuple[str, float, float]:
    """(the entry it asks for, the value, the tolerance) of a numerical item, read back."""
    title = item.get("title")
    condition = item.find(f"{QTI}resprocessing/{QTI}respcondition[@continue='No']/{QTI}conditionvar")
    exact = Decimal(condition.findtext(f".//{QTI}varequal"))
    low, high = condition.findtext(f".//{QTI}vargte"), condition.findtext(f".//{QTI}varlte")
    tol = 0.0 if low is None else float(exact - Decimal(low))
    if low is not None:
        assert exact - Decimal(low) == Decimal(high) - exact        # an exact answer with a margin
    return title.rsplit(": ", 1)[1], float(exact), tol


def numerical_items(parent):
    return [i for i in parent.iter(QTI + "item") if field(i, "question_type") == "numerical_question"]


@pytest.fixture(scope="module")
def exam():
    solution, data = exam_exported("qti")
    return solution, unzip(data)


def test_the_manifest_is_valid_ims_content_packaging(exam):
    _, files = exam
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "imscp" / "imscp_v1p1.xsd")))
    manifest = etree.fromstring(files["imsmanifest.xml"])
    assert schema.validate(manifest), schema.error_log
    hrefs = {f.get("href") for f in manifest.iter(CP + "file")}
    assert hrefs == set(files) - {"imsmanifest.xml"}, "every file of the zip, and no other, is in the manifest"


def valid_qti(xml) -> list[str]:
    """The QTI 1.2.1 DTD's complaints about the assessment (namespace declarations taken off: the
    DTD predates them), less the one about Canvas's points_per_item, in the `selection_extension`
    that the DTD leaves open (ANY) for such extensions."""
    text = etree.tostring(xml).decode()
    text = re.sub(r'\s(xmlns(:\w+)?|xsi:schemaLocation)="[^"]*"', "", text, count=3)
    dtd = etree.DTD(str(SCHEMAS / "qti" / "ims_qtiasiv1p2p1.dtd"))
    ok = dtd.validate(etree.fromstring(text))
    errors = [e.message for e in dtd.error_log if "points_per_item" not in e.message]
    return [] if ok else errors


def test_the_assessment_is_valid_qti_1_2(exam):
    _, files = exam
    assert valid_qti(assessment_of(files)) == []


def test_every_entry_of_every_key_reads_back_to_the_json_key_with_the_check_tolerance(exam):
    solution, files = exam
    quiz = assessment_of(files)
    items = numerical_items(quiz)
    expected = [(q["id"], label, value) for q in solution.to_json()["questions"]
                for label, value in key_entries(q["answers"])]
    assert [(i.get("title").split()[4], *read_item(i)[:2]) for i in items] == expected
    assert {read_item(i)[2] for i in items} == {0.00005}
    # each question opens with its sheet, as a text-only item
    sheets = [i for i in quiz.iter(QTI + "item") if field(i, "question_type") == "text_only_question"]
    assert len(sheets) == 3 and "Given" in sheets[0].findtext(f".//{QTI}mattext")


def test_points_the_keys_marks_shared_by_its_entries(exam):
    solution, files = exam
    items = numerical_items(assessment_of(files))
    dw1 = [i for i in items if read_item(i)[0].startswith("dW1[") and i.get("title").split()[4] == "q1"]
    assert len(dw1) == 6 and {field(i, "points_possible") for i in dw1} == {str(1 / 6)}


def test_feedback_names_the_step_and_the_last_entry_carries_the_worked_solution(exam):
    _, files = exam
    quiz = assessment_of(files)
    items = numerical_items(quiz)
    feedback = [i.findtext(f"{QTI}itemfeedback/{QTI}flow_mat/{QTI}material/{QTI}mattext") for i in items]
    assert all("step" in f for f in feedback)
    whole = [f for f in feedback if "<h3>Step 1." in f]
    assert len(whole) == 3, "one worked solution per question"
    assert all(i.find(f".//{QTI}displayfeedback").get("linkrefid") == "general_fb" for i in items)
    pictures = set(re.findall(r'src="\$IMS-CC-FILEBASE\$/([^"]+)"', etree.tostring(quiz).decode()))
    assert pictures and pictures <= set(files)


def test_a_files_tolerance_and_whole_numbers(tmp_path):
    tol = edited_exam(tmp_path, "tol", ("decimals: 4\n", "decimals: 4\ntolerance: 0.01\n"))
    items = numerical_items(assessment_of(unzip(export("qti", tol, "tol"))))
    assert {read_item(i)[2] for i in items} == {0.01}
    items = numerical_items(assessment_of(unzip(export("qti", solve(ROOT / "problems" / "params.yaml"), "p"))))
    assert items and all(read_item(i)[2] == 0 and i.find(f".//{QTI}vargte") is None for i in items)


def test_hostile_titles_are_escaped(tmp_path):
    hostile = edited_exam(tmp_path, "hostile", ("title: Neural Networks, Midterm 1", f"title: {json.dumps(HOSTILE)}"))
    files = unzip(export("qti", hostile, "hostile"))
    quiz = assessment_of(files)
    assert quiz.find(QTI + "assessment").get("title") == HOSTILE
    assert valid_qti(quiz) == []
    assert "<script>" not in "".join(m.text for m in quiz.iter(QTI + "mattext"))


def test_the_same_problem_gives_the_same_bytes():
    assert export("qti", solve(EXAM, question="q3"), "x") == export("qti", solve(EXAM, question="q3"), "x")


def test_command_line_and_bad_input(tmp_path):
    out = tmp_path / "quiz.zip"
    result = CliRunner().invoke(main, [str(EXAM), "--format", "qti", "-o", str(out), "--question", "q3"])
    assert result.exit_code == 0, result.output
    assert "imsmanifest.xml" in unzip(out.read_bytes())
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: forward\nnetwork:\n  inputs: 2\n  layers: [{units: 1, activation: sigmod}]\n")
    out2 = tmp_path / "bad.zip"
    result = CliRunner().invoke(main, [str(bad), "--format", "qti", "-o", str(out2)])
    assert result.exit_code == 2 and re.search(r"bad\.yaml:\d+:\d+: ", result.stderr)
    assert "Traceback" not in result.stderr and not out2.exists()


def test_variants_a_question_group_of_the_variants_per_entry(tmp_path):
    out = tmp_path / "v"
    result = CliRunner().invoke(main, [str(EXAM), "--format", "qti", "--variants", "3", "--seed", "5",
                                       "-o", str(out), "--question", "q2"])
    assert result.exit_code == 0, result.output
    files = unzip((out / "exam1.zip").read_bytes())
    quiz = assessment_of(files)
    assert valid_qti(quiz) == []
    groups = [s for s in quiz.iter(QTI + "section") if s.find(QTI + "selection_ordering") is not None]
    keys = [solve(out / f"exam1-v{k:02d}.yaml", question="q2").to_json()["questions"][0]["answers"]
            for k in (1, 2, 3)]
    assert len(groups) == len(key_entries(keys[0]))
    for g, entries in zip(groups, zip(*(key_entries(k) for k in keys))):
        assert g.findtext(f".//{QTI}selection_number") == "1"
        items = numerical_items(g)
        assert [read_item(i)[:2] for i in items] == list(entries)
        assert [f"Variant {k}, seed 5" in i.findtext(f".//{QTI}mattext") for k, i in enumerate(items, 1)] == [True] * 3


@pytest.mark.parametrize("problem", sorted(p.name for p in (ROOT / "problems").glob("*.yaml")))
def test_every_problem_reads_back_from_both_exports(problem):
    """Every kind's keys survive both exports: the Moodle boxes and the QTI items of every problem
    file give the JSON key's entries, with the --check tolerance."""
    from solver.checking.judge import tolerance_of
    from test_moodle import read_quiz

    solution = solve(ROOT / "problems" / problem)
    key = solution.to_json()["questions"]
    moodle = read_quiz(export("moodle", solution, "p"))
    items = numerical_items(assessment_of(unzip(export("qti", solution, "p"))))
    qti = iter(items)
    for q, jq, qs in zip(moodle, key, solution.questions):
        expected = key_entries(jq["answers"])
        assert [(label, value) for label, value, _ in q["boxes"]] == expected
        assert {tol for _, value, tol in q["boxes"]} <= {0.0, tolerance_of(qs)}
        assert [read_item(next(qti)) for _ in expected] == [(b[0], b[1], b[2]) for b in q["boxes"]]
    assert next(qti, None) is None


def test_the_zip_is_not_written_onto_a_terminal():
    from test_cli import run_on_terminal
    status, out, err = run_on_terminal(str(EXAM), "--format", "qti", "-o", "-", "--question", "q3")
    assert status == 2 and out == b""
    assert "--format qti would write a binary file onto the terminal" in err and "file.zip" in err


def test_each_item_asks_for_its_entry_by_row_and_column(exam):
    _, files = exam
    items = numerical_items(assessment_of(files))
    dw1 = next(i for i in items if read_item(i)[0] == "dW1[2][1]")
    assert "Give dW1[2][1] (row 2, column 1) to 4 decimals." in dw1.findtext(f".//{QTI}mattext")
    z1 = next(i for i in items if read_item(i)[0] == "z1[3]")
    assert "Give z1[3] (entry 3) to 4 decimals." in z1.findtext(f".//{QTI}mattext")
