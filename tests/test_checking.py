"""Marking a student's answers: verdicts, carried errors, tolerance, marks, bad sheets, the CLI."""
import json
from pathlib import Path
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from conftest import PROBLEMS, ROOT, latex_engine_or_skip
from solver import check, solve
from solver.answersheet import answer_sheet
from solver.checking import check_file
from solver.cli import main
from solver.errors import ProblemError

EXAM = ROOT / "problems" / "exam1.yaml"
BAD = ROOT / "tests" / "bad_answers"


@pytest.fixture(scope="module")
def exam():
    return solve(EXAM)


def key_of(solution, qid="q1"):
    """The answer key as a student would copy it onto the sheet (section 5 values, no yhat)."""
    q = next(q for q in solution.to_json()["questions"] if q["id"] == qid)
    return {k: v["value"] for k, v in q["answers"].items() if k != "yhat"}


def verdicts(report, qid="q1"):
    return report.verdicts(qid)


# ------------------------------------------------------------------ the round trip

@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: p.stem)
def test_the_sheet_filled_with_the_key_is_all_correct(path, tmp_path):
    solution = solve(path)
    sheet = yaml.safe_load(answer_sheet(solution))
    for q in solution.to_json()["questions"]:
        for key in sheet[q["id"]]:
            sheet[q["id"]][key] = q["answers"][key]["value"]
    filled = tmp_path / "filled.yaml"
    filled.write_text(yaml.safe_dump(sheet))
    report = check_file(solution, filled)
    assert report.problems == ()
    for qr in report.questions:
        assert {j.verdict for j in qr.judgements} == {"correct"}, qr.id
        assert qr.score == qr.out_of == len(qr.judgements)
    assert report.score == report.out_of


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: p.stem)
def test_the_full_precision_values_are_correct_too(path):
    solution = solve(path)
    answers = {q["id"]: {k: v["exact"] for k, v in q["answers"].items()} for q in solution.to_json()["questions"]}
    report = check(solution, answers)
    assert report.score == report.out_of


def test_a_blank_sheet_is_all_missing(exam, tmp_path):
    blank = tmp_path / "blank.yaml"
    blank.write_text(answer_sheet(exam))
    report = check_file(exam, blank)
    assert {j.verdict for q in report.questions for j in q.judgements} == {"missing"}
    assert report.score == 0 and report.out_of == 15 + 15 + 4


# ------------------------------------------------------------------ carried errors, independently

def _sig(v):
    return 1 / (1 + math.exp(-v))


def _r(v):
    """Round half up at 4 decimals, written differently from solver.rounding."""
    from decimal import Decimal, ROUND_HALF_UP
    return float(Decimal(repr(v)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def hand_backprop(z1):
    """exam1 q1 (seed 004) worked by hand from a given z1, rounding every value to 4 decimals
    before it is used again (carry: rounded), in plain Python."""
    x, y, lr = [0.5, 0.3], 1.0, 0.1
    W1 = [[0.2, 0.4], [0.1, 0.3], [0.5, -0.2]]
    b1 = [0.1, -0.1, 0.05]
    W2, b2 = [0.3, -0.2, 0.4], -0.2
    a1 = [_r(_sig(v)) for v in z1]
    z2 = _r(sum(w * a for w, a in zip(W2, a1)) + b2)
    a2 = _r(_sig(z2))
    loss = _r(-math.log(a2))
    d2 = _r(a2 - y)
    dW2 = [_r(d2 * a) for a in a1]
    d1 = [_r(W2[i] * d2 * a1[i] * (1 - a1[i])) for i in range(3)]
    dW1 = [[_r(d1[i] * x[j]) for j in range(2)] for i in range(3)]
    return {"z1": z1, "a1": a1, "z2": [z2], "a2": [a2], "loss": loss, "delta2": [d2], "dW2": [dW2],
            "db2": [d2], "delta1": d1, "dW1": dW1, "db1": d1,
            "W1_new": [[_r(W1[i][j] - lr * dW1[i][j]) for j in range(2)] for i in range(3)],
            "b1_new": [_r(b1[i] - lr * d1[i]) for i in range(3)],
            "W2_new": [[_r(W2[i] - lr * dW2[i]) for i in range(3)]], "b2_new": [_r(b2 - lr * d2)]}


def test_hand_calculation_agrees_with_the_key(exam):
    assert check(exam, {"q1": hand_backprop([0.32, 0.04, 0.24])}).question("q1").score == 15


def test_a_slip_in_z1_is_carried_through_every_later_step(exam):
    # 0.23 for 0.32: the digits swapped; everything after done right on it
    report = check(exam, {"q1": hand_backprop([0.23, 0.04, 0.24])})
    q = report.question("q1")
    by_key = {j.key: j for j in q.judgements}
    assert by_key["z1"].verdict == "wrong" and by_key["z1"].wrong_entries == ((1,),)
    slipped, key = hand_backprop([0.23, 0.04, 0.24]), key_of(exam)
    # a later value the slip hardly moves (b1_new: 0.1 of a small change) is simply right
    same = {k for k in key if np.allclose(slipped[k], key[k], atol=0.00005 + 1e-12, rtol=0)}
    assert same == {"b1_new"}
    later = [k for k in by_key if k != "z1" and k not in same]
    assert len(later) == 13
    assert {k: by_key[k].verdict for k in later} == {k: "carried" for k in later}
    assert all(by_key[k].step == 3 and by_key[k].origin == "z1" for k in later)
    assert q.score == 14 and q.out_of == 15
    assert q.first_departure.key == "z1"


def test_a_second_slip_after_a_carried_one(exam):
    sheet = hand_backprop([0.23, 0.04, 0.24])
    sheet["delta2"] = [-sheet["delta2"][0]]          # the sign of seed 004's "0.524 - 1 = (0.4476)"
    sheet["db2"] = sheet["delta2"]                   # and db2 written from it
    by_key = {j.key: j for j in check(exam, {"q1": sheet}).question("q1").judgements}
    assert by_key["loss"].verdict == "carried"
    d2 = by_key["delta2"]
    assert d2.verdict == "wrong" and d2.step == 3 and d2.origin == "z1"
    assert d2.recomputed == [round(hand_backprop([0.23, 0.04, 0.24])["delta2"][0], 4)]
    # db2 was done right on the student's own delta2: carried; dW2 (from the unsigned delta2) is wrong
    assert by_key["db2"].verdict == "carried" and by_key["db2"].origin == "z1"
    assert by_key["dW2"].verdict == "wrong"


def test_a_right_answer_stops_the_trail(exam):
    """a2 wrong after a wrong z1 but a right a1 and z2: the numbers part from the key at a2."""
    sheet = key_of(exam)
    sheet["z1"] = [0.32, 0.04, 0.42]
    sheet["a2"] = [0.0524]
    by_key = {j.key: j for j in check(exam, {"q1": sheet}).question("q1").judgements}
    assert by_key["a2"].verdict == "wrong" and by_key["a2"].step == 6 and by_key["a2"].origin == "a2"


# ------------------------------------------------------------------ the seeds' slips

def test_seed_004_yhat_with_the_decimal_point_moved(exam):
    """The notes write y_hat = 0.0524 for 0.5239, then dz = 0.524 - 1 = (0.4476)."""
    sheet = key_of(exam)
    sheet.update(a2=[0.0524], loss=None, delta2=[0.4476])
    report = check(exam, {"q1": sheet})
    by_key = {j.key: j for j in report.question("q1").judgements}
    assert by_key["a2"].verdict == "wrong" and by_key["a2"].expected == [0.5239] and by_key["a2"].step == 6
    assert by_key["delta2"].verdict == "wrong" and by_key["delta2"].origin == "a2"
    assert by_key["delta2"].recomputed == [-0.9476]      # what their own y_hat gives
    assert by_key["loss"].verdict == "missing"
    assert report.question("q1").first_departure.number == 6
    text = report.render("text")
    assert "your numbers part from the key at step 6 (a2), and from your own values this step gives [-0.9476]" in text


def test_seed_004_dW1_sign_slips(exam):
    sheet = key_of(exam)
    sheet["dW1"] = [[-0.0174, 0.0104], [0.0119, 0.0071], [-0.0235, 0.0141]]
    j = next(j for j in check(exam, {"q1": sheet}).question("q1").judgements if j.key == "dW1")
    assert j.verdict == "wrong" and j.wrong_entries == ((1, 2), (3, 2)) and j.step == 12
    assert "entries (1, 2) and (3, 2) are wrong" in check(exam, {"q1": sheet}).render("text")


def test_seed_params_slip_forgotten_biases_then_a_total_on_it():
    """The notes count the 5-4-3-2-1 network as 46: layer 1's biases forgotten."""
    solution = solve(ROOT / "problems" / "params.yaml", question="q3")
    sheet = key_of(solution, "q3")
    sheet.update(biases1=0, total=46)
    by_key = {j.key: j for j in check(solution, {"q3": sheet}).question("q3").judgements}
    assert by_key["biases1"].verdict == "wrong" and by_key["biases1"].expected == 4
    assert by_key["total"].verdict == "carried" and by_key["total"].origin == "biases1"
    sheet["biases1"] = None                           # the total alone, without its working
    by_key = {j.key: j for j in check(solution, {"q3": sheet}).question("q3").judgements}
    assert by_key["total"].verdict == "wrong" and by_key["total"].origin == "total"
    assert "only your total would give it, as 0" in by_key["biases1"].note    # nothing else confirms it


# ------------------------------------------------------------------ tolerance and decimals

@pytest.mark.parametrize("given, verdict", [
    (0.5239, "correct"), (0.52385, "correct"), (0.52395, "correct"),    # exactly half a unit: right
    (0.52384, "wrong"), (0.523849, "wrong"), (0.52396, "wrong"),         # just over
    ([0.5239], "correct"), ([[0.5239]], "correct"),                      # a scalar in a list is fine
])
def test_half_a_unit_in_the_last_decimal(exam, given, verdict):
    assert verdicts(check(exam, {"q1": {"a2": given}}))["a2"] == verdict


def test_fewer_decimals_is_wrong_with_a_note(exam):
    report = check(exam, {"q1": {"a2": 0.52}})
    j = report.question("q1").judgements[3]
    assert (j.key, j.verdict, j.note) == ("a2", "wrong", "right to 2 decimals, 4 asked")
    assert "right to 2 decimals, 4 asked" in report.render("markdown")
    # a number as long as asked but off is not "fewer decimals"
    j = next(j for j in check(exam, {"q1": {"a2": 0.5213}}).question("q1").judgements if j.key == "a2")
    assert j.verdict == "wrong" and j.note is None


def test_the_files_tolerance(tmp_path):
    text = EXAM.read_text().replace("carry: rounded\n", "carry: rounded\ntolerance: 0.01\n")
    p = tmp_path / "exam.yaml"
    p.write_text(text)
    assert verdicts(check(p, {"q1": {"a2": 0.52, "z2": 0.1057}})) == {**{k: "missing" for k in key_of(solve(p))},
                                                                       "a2": "correct", "z2": "correct"}
    assert verdicts(check(p, {"q1": {"a2": 0.5128}}))["a2"] == "wrong"


def test_whole_numbers_must_be_exact():
    solution = solve(ROOT / "problems" / "params.yaml", question="q1")
    assert verdicts(check(solution, {"q1": {"total": 26}}))["total"] == "correct"
    assert verdicts(check(solution, {"q1": {"total": 26.00001}}))["total"] == "wrong"


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-10_000, max_value=10_000), st.integers(min_value=0, max_value=10))
def test_tolerance_is_symmetric_and_inclusive(offset_half_units, _):
    """Any answer within half a unit of the key (either side) is right, any beyond it wrong."""
    s = solve(EXAM, question="q1")
    key = 0.5239
    given_value = round(key + offset_half_units * 0.00001, 6)
    v = verdicts(check(s, {"q1": {"a2": given_value}}))["a2"]
    exact = float(s.questions[0].step("a2").exact[0, 0])
    right = abs(given_value - key) <= 0.00005 + 1e-12 or abs(given_value - exact) <= 0.00005 + 1e-12
    assert v == ("correct" if right else "wrong")


# ------------------------------------------------------------------ marks and the yhat alias

def test_marks_and_scores(tmp_path):
    text = EXAM.read_text().replace("    learning_rate: 0.1\n", "    learning_rate: 0.1\n    marks: {dW1: 3, yhat: 2, loss: 0.5}\n", 1)
    p = tmp_path / "exam.yaml"
    p.write_text(text)
    solution = solve(p)
    sheet = key_of(solution)
    sheet["dW1"] = [[0, 0], [0, 0], [0, 0]]
    report = check(solution, {"q1": sheet})
    q = report.question("q1")
    assert q.out_of == 12 + 3 + 2 + 0.5                 # 12 keys at 1, dW1 3, a2 (as yhat) 2, loss 0.5
    assert q.score == q.out_of - 3
    data = report.to_json()["questions"][0]
    assert (data["score"], data["out_of"]) == (14.5, 17.5)
    assert data["keys"]["a2"]["out_of"] == 2 and "yhat" not in data["keys"]


def test_an_unknown_key_in_marks_is_an_error_with_a_suggestion(tmp_path):
    text = EXAM.read_text().replace("    learning_rate: 0.1\n", "    learning_rate: 0.1\n    marks: {dw1: 2}\n", 1)
    p = tmp_path / "exam.yaml"
    p.write_text(text)
    with pytest.raises(ProblemError) as err:
        check(p, {"q1": {}})
    line = text.splitlines().index("    marks: {dw1: 2}") + 1
    assert str(err.value) == (f"{p}:{line}:13: questions[0].marks.dw1: no answer key 'dw1' in question q1; did you "
                              "mean 'dW1'? (its keys: z1, a1, z2, a2, loss, delta2, dW2, db2, delta1, dW1, db1, "
                              "W1_new, b1_new, W2_new, b2_new, yhat)")


def test_yhat_is_the_output_under_another_name(exam):
    assert verdicts(check(exam, {"q1": {"yhat": 0.5239}}))["a2"] == "correct"
    report = check(exam, {"q1": {"yhat": 0.5239, "a2": 0.5239}})
    assert report.problems == () and report.question("q1").score == 1
    report = check(exam, {"q1": {"a2": 0.5239, "yhat": 0.0524}})
    assert verdicts(report)["a2"] == "correct" and len(report.problems) == 1


# ------------------------------------------------------------------ every kind of question

def test_graph_nodes_carry_and_partials_from_givens_only():
    solution = solve(ROOT / "problems" / "graphs.yaml", question="seed1")
    sheet = key_of(solution, "seed1")
    qs = solution.questions[0]
    u = sheet["node_u"] + 1
    env = {"node_u": np.asarray(u)}
    sheet.update(node_u=u, node_v=float(qs.step("node_v").recompute(env)), d_a=sheet["d_a"] + 1)
    v = verdicts(check(solution, {"seed1": sheet}), "seed1")
    assert v["node_u"] == "wrong" and v["node_v"] == "carried"
    assert v["d_a"] == "wrong"        # computed from the givens alone: nothing to carry


def test_perceptron_errors_final_judged_on_the_students_line():
    solution = solve(ROOT / "problems" / "perceptron.yaml", question="trick")
    qs = solution.questions[0]
    sheet = key_of(solution, "trick")
    w = [v + 5 for v in sheet["w_final"]]
    errors = int(qs.step("errors_final").recompute({"w_final": np.asarray(w), "b_final": np.asarray(sheet["b_final"])}))
    sheet.update(w_final=w, errors_final=errors)
    v = verdicts(check(solution, {"trick": sheet}), "trick")
    assert v["w_final"] == "wrong"
    assert v["errors_final"] == ("correct" if errors == key_of(solution, "trick")["errors_final"] else "carried")


def test_loss_keys_have_no_inputs_so_no_carried():
    solution = solve(ROOT / "problems" / "losses.yaml", question="binary")
    sheet = key_of(solution, "binary")
    sheet["bce"] += 0.1
    assert verdicts(check(solution, {"binary": sheet}), "binary") == {"bce": "wrong", "bce_grad": "correct"}


def test_train_epoch_rows_and_first_update():
    solution = solve(ROOT / "problems" / "train.yaml", question="q1")
    sheet = key_of(solution)
    sheet["full_loss_epoch2"] += 0.01
    sheet["z1"] = (np.asarray(sheet["z1"]) + 0.1).tolist()
    v = verdicts(check(solution, {"q1": sheet}))
    assert v["full_loss_epoch2"] == "wrong" and v["z1"] == "wrong"
    assert v["a1"] == "correct" and v["full_loss_epoch3"] == "correct"


def test_carry_exact_key_accepts_work_done_on_rounded_values():
    """batch.yaml carries full precision; a student who rounds each value to 3 decimals and
    goes on from it is right where the rounding moves a later value past the tolerance."""
    solution = solve(ROOT / "problems" / "batch.yaml")
    qs = solution.questions[0]
    sheet = key_of(solution)
    shown = {s.key: np.asarray(s.value) for s in qs.steps if s.is_answer}
    from solver.checking.values import given_values
    env = {**given_values(qs), **shown}
    from solver.rounding import round_half_up
    sheet["dW1"] = round_half_up(qs.step("dW1").recompute(env), 3).tolist()
    report = check(solution, {"q1": sheet})
    j = next(j for j in report.question("q1").judgements if j.key == "dW1")
    assert j.verdict == "correct" and j.note == "done right on delta1 as given; it differs from the key by rounding"


# ------------------------------------------------------------------ shapes accepted

@pytest.mark.parametrize("value", [
    [0.32, 0.04, 0.24], [[0.32, 0.04, 0.24]], [[0.32], [0.04], [0.24]],
])
def test_a_vector_of_one_example_flat_row_or_column(exam, value):
    assert verdicts(check(exam, {"q1": {"z1": value}}))["z1"] == "correct"


def test_a_one_question_problem_may_leave_out_its_id(tmp_path):
    solution = solve(ROOT / "problems" / "seed_regression.yaml")
    sheet = key_of(solution)
    p = tmp_path / "flat.yaml"
    p.write_text(yaml.safe_dump(sheet))
    assert check_file(solution, p).score == 15


def test_numpy_values_from_a_notebook(exam):
    report = check(exam, {"q1": {"z1": np.array([0.32, 0.04, 0.24]), "a2": np.float64(0.5239)}})
    assert report.question("q1").score == 2
    assert "| 3 | `z1` | correct |" in report._repr_markdown_()


def test_nan_from_a_notebook_is_reported_and_the_rest_marked(exam):
    report = check(exam, {"q1": {"z1": [0.32, 0.04, 0.24], "a2": float("nan"), "z2": [np.inf]}})
    assert [str(p) for p in report.problems] == ["q1.a2: nan is not a finite number: give a real value",
                                                 "q1.z2[0]: inf is not a finite number: give a real value"]
    assert report.verdicts("q1")["z1"] == "correct" and report.verdicts("q1")["a2"] == "missing"


# ------------------------------------------------------------------ bad answer sheets

# file -> the problems the report lists (exact); None: the file is refused (exit 2) with that message
BAD_SHEETS = {
    "boolean.yaml": ["4:3: q1.a2: expected a number, got the boolean true (YAML reads yes/no, true/false and on/off as booleans)"],
    "empty_entry.yaml": ["3:14: q1.z1[1]: an empty entry: give every number of the row"],
    "flat_matrix.yaml": ["4:3: q1.dW1: expected gradient of W[1], 3 x 2 (units x inputs); got 6 numbers: write it as a list of rows, [[..], [..]]"],
    "fraction.yaml": ["5:3: q2.loss: expected a number, got the text '1/2': write fractions as decimals"],
    "not_a_mapping.yaml": ["2:1: expected a mapping of question ids (q1, q2, q3) to answers, got a list of 1: start from the sheet that --format answers writes"],
    "question_not_mapping.yaml": ["2:1: q1: expected the answers of q1 as key: value lines (z1: [0.32, 0.04]), got a list of 1"],
    "quoted_number.yaml": ["4:3: q1.z2: the text '0.0957' where a number belongs: remove the quotes"],
    "ragged.yaml": ["4:3: q1.dW1: rows of different lengths (2, 1, 2): every row needs the same number of entries"],
    "too_few.yaml": ["3:3: q1.z1: expected weighted sums of layer 1, 3 numbers; got 2 numbers"],
    "unknown_key.yaml": ["4:3: q1.dw1: q1 has no answer key 'dw1'; did you mean 'dW1'? (the sheet that --format answers writes lists its 16 keys)"],
    "unknown_question.yaml": ["4:1: q4: no question 'q4' in problems/exam1.yaml (questions: q1, q2, q3)"],
    "yhat_differs.yaml": ["4:3: q1.yhat: a2 and yhat name the same answer (the output) but differ: a2 is marked; give one of them"],
    "nan.yaml": ["4:3: q1.a2: .nan is not a finite number: give a real value",
                 "5:8: q1.z2[0]: .inf is not a finite number: give a real value"],
    "date.yaml": ["4:3: q1.a2: 2024-01-01 is a date (YAML reads it so), not a number",
                  "5:8: q1.z2[0]: 2024-01-01 is a date (YAML reads it so), not a number"],
    "overflow.yaml": ["4:3: q1.a2: 1e999 overflows: give a value of sensible size"],
    "not_yaml.yaml": None,
    "empty.yaml": None,
}
REFUSED = {
    "not_yaml.yaml": "4:5: YAML syntax: expected ',' or ']', but got ':' (while parsing a flow sequence that began on line 3, column 7: is a bracket left open?)",
    "empty.yaml": "1:1: is empty: fill in the sheet that --format answers writes (q1: {z1: [0.32, 0.04, 0.24], ...})",
}


def test_the_corpus_is_the_table():
    assert {p.name for p in BAD.glob("*.yaml")} == set(BAD_SHEETS)


@pytest.mark.parametrize("name", sorted(BAD_SHEETS))
def test_bad_sheets(name):
    rel = f"tests/bad_answers/{name}"
    result = CliRunner().invoke(main, ["problems/exam1.yaml", "--check", rel, "--format", "json", "-o", "-"])
    if BAD_SHEETS[name] is None:
        assert result.exit_code == 2
        assert result.output.strip().endswith(f"{rel}:{REFUSED[name]}")
        return
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["problems"] == [f"{rel}:{m}" for m in BAD_SHEETS[name]]
    # the rest of the sheet is still marked: a readable z1 of q1 is right
    sheet = yaml.safe_load((BAD / name).read_text())
    q1 = sheet.get("q1") if isinstance(sheet, dict) else None
    if isinstance(q1, dict) and "z1" in q1 and not any("q1.z1" in m for m in BAD_SHEETS[name]):
        assert data["questions"][0]["keys"]["z1"]["verdict"] == "correct"


def test_an_unreadable_value_is_missing_with_why(exam):
    report = check_file(exam, BAD / "too_few.yaml")
    j = next(j for j in report.question("q1").judgements if j.key == "z1")
    assert j.verdict == "missing" and j.note.startswith("not marked: expected weighted sums of layer 1, 3 numbers")


# ------------------------------------------------------------------ the command line

@pytest.fixture(scope="module")
def slipped_sheet(tmp_path_factory, exam):
    p = tmp_path_factory.mktemp("sheet") / "mine.yaml"
    sheet = hand_backprop([0.23, 0.04, 0.24])
    p.write_text(yaml.safe_dump({"q1": sheet, "q3": {"z1": key_of(exam, "q3")["z1"]}}))
    return p


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "solver", *args], cwd=ROOT, capture_output=True, env=env)


def test_cli_text_is_plain_when_piped(slipped_sheet):
    result = run("problems/exam1.yaml", "--check", str(slipped_sheet))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "\x1b[" not in out
    assert "   3  z1      wrong    0/1   entry 1 is wrong; your numbers part from the key here" in out
    assert "error carried forward from step 3 (z1): done right on your a1" in out
    assert out.rstrip().endswith("Score: 14 / 34") or "Score: " in out


def test_cli_colours_only_when_asked(exam, slipped_sheet):
    report = check_file(exam, slipped_sheet)
    assert "\x1b[31m" in report.render("text", color=True)
    assert "\x1b[" not in report.render("text")


@pytest.mark.parametrize("fmt, needle", [("markdown", "| 3 | `z1` | **wrong** |"), ("latex", r"\begin{longtable}"),
                                         ("json", '"verdict": "carried"')])
def test_cli_formats(slipped_sheet, tmp_path, fmt, needle):
    out = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(main, ["problems/exam1.yaml", "--check", str(slipped_sheet), "--format", fmt,
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert needle in out.read_text()


def test_cli_json_as_section_6_says(slipped_sheet):
    result = CliRunner().invoke(main, ["problems/exam1.yaml", "--check", str(slipped_sheet), "--format", "json"])
    data = json.loads(result.output)
    q1 = data["questions"][0]
    assert (q1["id"], q1["score"], q1["out_of"]) == ("q1", 14, 15)
    assert q1["keys"]["z1"] == {"verdict": "wrong", "expected": [0.32, 0.04, 0.24], "given": [0.23, 0.04, 0.24],
                                "marks": 0, "out_of": 1, "step": 3, "from": "z1", "wrong_entries": [[1]]}
    assert q1["keys"]["a1"]["verdict"] == "carried" and q1["keys"]["a1"]["recomputed"] == [0.5572, 0.51, 0.5597]
    q3 = data["questions"][2]
    assert q3["keys"]["z1"]["verdict"] == "correct" and q3["keys"]["a2"]["verdict"] == "missing"


def test_cli_pdf(slipped_sheet, tmp_path):
    latex_engine_or_skip()
    out = tmp_path / "report.pdf"
    result = run("problems/exam1.yaml", "--check", str(slipped_sheet), "--format", "pdf", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_cli_answers_format_then_check(tmp_path):
    sheet = tmp_path / "sheet.yaml"
    result = run("problems/exam1.yaml", "--format", "answers", "-o", str(sheet))
    assert result.returncode == 0
    assert run("problems/exam1.yaml", "--check", str(sheet)).returncode == 0
    assert run("problems/exam1.yaml", "--check", str(tmp_path / "nothing.yaml")).returncode == 2


def test_with_question_the_other_questions_of_the_sheet_are_left_out_not_unknown(exam):
    """--question q1: a whole filled sheet marks q1 and says nothing of q2 and q3 (they are in the
    file, just not asked for); an id in no question of the file is still reported."""
    answers = {qid: key_of(exam, qid) for qid in ("q1", "q2", "q3")}
    report = check(EXAM, answers, question="q1")
    assert [q.id for q in report.questions] == ["q1"] and report.problems == ()
    assert all(v == "correct" for v in verdicts(report).values())
    report = check(EXAM, {**answers, "q9": {"z1": 1}}, question="q1")
    assert [p.field for p in report.problems] == ["q9"]


@pytest.mark.parametrize("fail_under, status", [(None, 0), (0, 0), (2.9, 0), (3.0, 1), (100, 1)])
def test_fail_under_sets_the_exit_status_and_the_report_is_written_all_the_same(tmp_path, exam, fail_under, status):
    """--check exits 0 whatever the score; --fail-under PERCENT makes a score below it exit 1."""
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(yaml.safe_dump({"q1": {k: v for k, v in key_of(exam).items() if k == "z1"}}))
    args = [str(EXAM), "--check", str(sheet), "--format", "json", "-o", str(tmp_path / "r.json")]
    result = CliRunner().invoke(main, args + ([] if fail_under is None else ["--fail-under", str(fail_under)]))
    assert result.exit_code == status, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert 0 < report["score"] / report["out_of"] * 100 < 3.0      # one key right out of many


def test_fail_under_without_check_is_a_usage_error():
    result = CliRunner().invoke(main, [str(EXAM), "--fail-under", "50"])
    assert result.exit_code == 2 and "--fail-under goes with --check" in result.output


# ------------------------------------------------------------------ sheets that say who and which

def _variant_sheet(tmp_path, k: int, seed: int, **header) -> Path:
    from solver.settings import Settings
    from solver.variants import variant_solution
    solution = variant_solution(EXAM, k, seed, Settings())
    data = {"student": "Ada Lovelace", "variant": k, "seed": seed, **header}
    data.update({qid: key_of(solution, qid) for qid in ("q1", "q2", "q3")})
    path = tmp_path / f"sheet-{k}-{seed}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_sheet_with_variant_and_seed_is_marked_against_that_variant(tmp_path, exam):
    """The drawing is deterministic: variant k of seed S drawn again is the one the student had."""
    report = check(EXAM, _variant_sheet(tmp_path, 2, 7))
    assert report.score == report.out_of and report.problems == ()
    assert (report.student, report.variant, report.seed) == ("Ada Lovelace", 2, 7)
    data = report.to_json()
    assert (data["student"], data["variant"], data["seed"]) == ("Ada Lovelace", 2, 7)
    # the same answers said to be variant 3 lose the marks of every drawn value they depend on
    other = check(EXAM, _variant_sheet(tmp_path, 2, 7, variant=3))
    assert other.score < report.score and other.variant == 3
    assert check(exam, {"q1": key_of(exam, "q1")}).student is None


def test_a_header_that_cannot_be_used_is_reported_and_the_file_itself_marks_the_sheet(tmp_path, exam):
    path = tmp_path / "s.yaml"
    path.write_text("student: [1, 2]\nvariant: two\nq1:\n" + "".join(
        f"  {k}: {json.dumps(v)}\n" for k, v in key_of(exam, "q1").items()))
    report = check(EXAM, path)
    assert [(p.field, p.line) for p in report.problems] == [("student", 1), ("variant", 2)]
    assert report.question("q1").score == report.question("q1").out_of and report.variant is None


def test_a_variant_sheet_for_a_file_without_randomize_is_a_clear_error(tmp_path):
    sheet = tmp_path / "s.yaml"
    sheet.write_text("variant: 1\nseed: 0\nq1: {total: 9}\n")
    result = CliRunner().invoke(main, [str(ROOT / "problems" / "params.yaml"), "--check", str(sheet)])
    assert result.exit_code == 2 and "has no randomize: section" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("qid", ["student", "variant", "seed"])
def test_a_question_may_not_be_named_as_a_sheet_header(tmp_path, qid):
    path = tmp_path / "p.yaml"
    path.write_text(f"questions:\n  - id: {qid}\n    kind: params\n    sizes: [2, 1]\n")
    with pytest.raises(ProblemError, match=rf"questions\[0\]\.id: '{qid}' names the {qid} on an answer sheet"):
        solve(path)
