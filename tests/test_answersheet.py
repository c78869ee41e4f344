"""The blank answer sheet: every key of every question, in step order, one a line with what it is."""
import pytest
import yaml

from conftest import PROBLEMS, ROOT
from solver import solve
from solver.answersheet import answer_sheet

EXAM = ROOT / "problems" / "exam1.yaml"


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: p.stem)
def test_sheet_lists_every_key_in_step_order_blank(path):
    solution = solve(path)
    sheet = yaml.safe_load(answer_sheet(solution))
    assert list(sheet) == ["student"] + [qs.question.id for qs in solution.questions]
    assert sheet["student"] is None                           # the student's name, at the top
    for qs in solution.questions:
        keys = [k for k in qs.answers() if k != "yhat"]       # yhat is the output's other name
        assert list(sheet[qs.question.id]) == keys
        assert all(v is None for v in sheet[qs.question.id].values())   # blanks load as null


def test_each_key_says_what_it_is_and_its_shape():
    lines = answer_sheet(solve(EXAM)).splitlines()
    q1 = lines[lines.index(next(l for l in lines if l.startswith("q1:"))):]
    expected = {
        "z1": "weighted sums of layer 1, 3 numbers",
        "a2": "the output y_hat (activations of layer 2; yhat is another name for it), 1 number",
        "loss": "the loss (binary cross-entropy, mean over the examples), 1 number",
        "delta1": "dL/dz of layer 1, 3 numbers",
        "dW1": "gradient of W[1], 3 x 2 (units x inputs)",
        "dW2": "gradient of W[2], 1 x 3 (units x inputs)",
        "b1_new": "b[1] after the update, 3 numbers",
    }
    for key, words in expected.items():
        line = next(l for l in q1 if l.strip().startswith(f"{key}:"))
        assert line.split("#", 1)[1].strip() == words


def test_other_kinds_describe_their_keys():
    text = answer_sheet(solve(ROOT / "problems" / "params.yaml"))
    assert "total:      # total number of parameters, a whole number" in text
    assert "params, 4 decimals" not in text          # whole numbers: no decimals asked
    text = answer_sheet(solve(ROOT / "problems" / "losses.yaml"))
    assert "cce_grad:   # derivative of cce with respect to each y_hat, 2 x 3 (examples x outputs: one row per example)" in text
    text = answer_sheet(solve(ROOT / "problems" / "perceptron.yaml"))
    assert "errors_final:   # points misclassified by the final line, a whole number" in text
    text = answer_sheet(solve(ROOT / "problems" / "train.yaml"))
    assert "z1:                 # weighted sums of layer 1 in the first update, 4 x 2 (examples x units: one row per example)" in text
    assert "full_loss_epoch3:   # loss after epoch 3 (full), 1 number" in text


def test_ids_that_yaml_would_misread_are_quoted(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("questions:\n  - {id: 'no', kind: params, sizes: [2, 1]}\n")
    text = answer_sheet(solve(p))
    assert '"no":' in text
    assert list(yaml.safe_load(text)) == ["student", "no"]
