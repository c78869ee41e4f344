"""--format moodle: a Moodle XML quiz that reads back to the JSON key, with the --check tolerance,
the worked solution as general feedback, pictures inside the file, and user text escaped for
XML, HTML and the cloze syntax."""
import base64
import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from conftest import ROOT
from quiz_exports import EXAM, HOSTILE, edited_exam, exam_exported, key_entries
from solver import solve
from solver.cli import main
from solver.exports import export
from solver.exports.moodle import cloze_text, outside_cloze

# {N:NUMERICAL:=value:tolerance#right~*#wrong}, as moodle.py writes it
CLOZE = re.compile(r"\{([0-9]+):NUMERICAL:=([^:#~}]+):([^#~}]+)#([^~}]*)~\*#([^~}]*)\}")
# What Moodle's parser takes for a sub-question (question/type/multianswer: ANSWER_START_REGEX)
ANY_SUBQUESTION = re.compile(r"\{[0-9]*:(NUMERICAL|NM|SHORTANSWER|SA|MW|MULTICHOICE|MC|MULTIRESPONSE|MR)[A-Z_]*:")


def read_quiz(data: bytes) -> list[dict]:
    """Each question of the file: its type, category, name, text, feedback, files, and its
    sub-questions read back as (label, value, tolerance)."""
    quiz = ET.fromstring(data)
    assert quiz.tag == "quiz"
    out, category = [], None
    for q in quiz.findall("question"):
        if q.get("type") == "category":
            category = q.find("category/text").text
            continue
        text = q.find("questiontext/text").text
        boxes = []
        weights = {}
        for weight, value, tol, right, wrong in CLOZE.findall(text):
            label = html.unescape(html.unescape(right)).removesuffix(": right")
            boxes.append((label, float(value), float(tol)))
            key = label.split("[")[0]
            weights[key] = weights.get(key, 0) + int(weight)
        assert len(ANY_SUBQUESTION.findall(text)) == len(boxes), "a sub-question the export did not write"
        out.append({"type": q.get("type"), "category": category, "name": q.find("name/text").text,
                    "text": text, "feedback": q.find("generalfeedback/text").text, "boxes": boxes, "weights": weights,
                    "files": {f.get("name"): base64.b64decode(f.text) for f in q.iter("file")}})
    return out


@pytest.fixture(scope="module")
def exam():
    solution, data = exam_exported("moodle")
    return solution, read_quiz(data)


def test_one_cloze_question_per_question_in_one_category(exam):
    solution, questions = exam
    assert [q["type"] for q in questions] == ["cloze"] * len(solution.questions)
    assert {q["category"] for q in questions} == {"$course$/top/Neural Networks, Midterm 1"}
    assert [q["name"].split()[4] for q in questions] == ["q1", "q2", "q3"]


def test_every_entry_of_every_key_reads_back_to_the_json_key_with_the_check_tolerance(exam):
    solution, questions = exam
    key = solution.to_json()
    for q, jq, qs in zip(questions, key["questions"], solution.questions):
        half_unit = 0.5 * 10.0 ** -qs.question.display.decimals
        assert [(label, value) for label, value, _ in q["boxes"]] == key_entries(jq["answers"])
        assert {tol for _, _, tol in q["boxes"]} == {half_unit}


def test_a_files_tolerance_and_whole_numbers(tmp_path):
    tol = edited_exam(tmp_path, "tol", ("decimals: 4\n", "decimals: 4\ntolerance: 0.01\n"))
    [q1, *_] = read_quiz(export("moodle", tol, "tol"))
    assert {tol for _, _, tol in q1["boxes"]} == {0.01}
    params = read_quiz(export("moodle", solve(ROOT / "problems" / "params.yaml"), "params"))
    whole = [b for q in params for b in q["boxes"]]
    assert whole and all(tol == 0 and value == int(value) for _, value, tol in whole)


def test_each_key_weighs_its_marks_as_in_check(exam, tmp_path):
    _, questions = exam
    assert set(questions[0]["weights"].values()) == {6}, "z1 (3 boxes of 2) weighs what loss (1 box of 6) does"
    marks = edited_exam(tmp_path, "marks", ("    learning_rate: 0.1\n", "    learning_rate: 0.1\n    marks: {dW1: 2, loss: 0.5}\n"))
    [q1, *_] = read_quiz(export("moodle", marks, "marks"))
    assert q1["weights"]["dW1"] == 2 * q1["weights"]["z1"] == 4 * q1["weights"]["loss"]


def test_givens_in_tex_for_mathjax_pictures_embedded_solution_as_general_feedback(exam):
    _, questions = exam
    q1 = questions[0]
    assert r"\(" in q1["text"] and "Given" in q1["text"] and "Find" in q1["text"]
    assert "Step 1" in q1["feedback"] and r"\[" in q1["feedback"] or r"\(" in q1["feedback"]
    names = set(re.findall(r'src="@@PLUGINFILE@@/([^"]+)"', q1["text"] + q1["feedback"]))
    assert names and names <= set(q1["files"])
    assert all(data.startswith(b"\x89PNG") or data.lstrip().startswith(b"<") for data in q1["files"].values())
    assert r"\(W^{[1]}\)" in q1["text"], "TeX as written"


@pytest.mark.parametrize("text", [HOSTILE, "}", "~", "#", "\\", "/", '"', "a}b~c#d", "&#125;"])
def test_cloze_text_leaves_no_special_character_bare(text):
    out = cloze_text(text)
    assert not set('{}~#/"\\') & set(re.sub(r"&#?[0-9A-Za-z]+;", "", out))
    assert html.unescape(html.unescape(out)) == text       # Moodle decodes once, the page once more


def test_outside_cloze_keeps_tex_for_the_page():
    assert html.unescape(outside_cloze(r"\(z^{[1]}\) {1:NUMERICAL:=1:0}")) == r"\(z^{[1]}\) {1:NUMERICAL:=1:0}"
    assert not ANY_SUBQUESTION.search(outside_cloze("{1:NUMERICAL:=1:0}"))


def test_hostile_titles_are_escaped_everywhere(tmp_path):
    hostile = edited_exam(tmp_path, "hostile",
                          ("title: Neural Networks, Midterm 1", f"title: {json.dumps(HOSTILE)}"),
                          ("    title: One step of backpropagation through a 2-3-1 sigmoid network",
                           f"    title: {json.dumps(HOSTILE)}"))
    data = export("moodle", hostile, "hostile")
    questions = read_quiz(data)              # well-formed XML, and no sub-question but the export's
    assert HOSTILE in questions[0]["name"]
    assert HOSTILE.replace("/", "//") in questions[0]["category"]
    assert "<script>" not in questions[0]["text"] and "<script>" not in questions[0]["feedback"]
    assert len(questions[0]["boxes"]) == len(key_entries(solve(EXAM).to_json()["questions"][0]["answers"]))


def test_command_line_writes_the_file(tmp_path):
    out = tmp_path / "quiz.xml"
    result = CliRunner().invoke(main, [str(EXAM), "--format", "moodle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [q["type"] for q in read_quiz(out.read_bytes())] == ["cloze"] * 3


def test_bad_input_exit_2_with_its_place_and_no_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nkind: forward\nnetwork:\n  inputs: 2\n  layers: [{units: 1, activation: sigmod}]\n")
    out = tmp_path / "quiz.xml"
    result = CliRunner().invoke(main, [str(bad), "--format", "moodle", "-o", str(out)])
    assert result.exit_code == 2
    assert re.search(r"bad\.yaml:\d+:\d+: ", result.stderr) and "Traceback" not in result.stderr
    assert not out.exists()


def test_variants_one_category_per_question_one_question_per_variant(tmp_path):
    out = tmp_path / "v"
    result = CliRunner().invoke(main, [str(EXAM), "--format", "moodle", "--variants", "3", "--seed", "5",
                                       "-o", str(out), "--question", "q2"])
    assert result.exit_code == 0, result.output
    questions = read_quiz((out / "exam1.xml").read_bytes())
    assert [q["category"] for q in questions] == ["$course$/top/Neural Networks, Midterm 1/q2 (seed 5)"] * 3
    for k, q in enumerate(questions, start=1):
        assert f"Variant {k}, seed 5" in q["text"]
        variant = solve(out / f"exam1-v{k:02d}.yaml", question="q2").to_json()
        assert [(label, value) for label, value, _ in q["boxes"]] == key_entries(variant["questions"][0]["answers"])
    assert len({tuple(q["boxes"]) for q in questions}) == 3, "the variants differ"
    assert (out / "exam1-v01.answers.yaml").exists()
