"""The corpus of bad problem files: each must fail with one precise, fixable message.

Every file in tests/bad/ holds one mistake an instructor could make (or an attack). The
files of the core are listed in CASES; those of each question kind K are in tests/bad/K/
and say what they expect in their first line:

    # expect: LINE:COL: field.path: a substring of the message

For each, the library raises `ProblemError` whose text is exactly
`FILE:LINE:COL: field.path: message` (`FILE:LINE:COL: message` for a fault of the whole
file), and the command line exits with status 2, prints that message and no
traceback on stderr, and writes no output file.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from solver.api import load_problem
from solver.errors import ProblemError

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).resolve().parent / "bad"

# file, line, column, field path ("" for the whole file), a substring of the message
CASES = [
    # keys: typos get a suggestion; YAML's own pitfalls are caught
    ("unknown_top_key.yaml", 9, 1, "learning_rte", "unknown key 'learning_rte'; did you mean 'learning_rate'?"),
    ("unknown_layer_key.yaml", 7, 7, "network.layers[0].activaton", "did you mean 'activation'?"),
    ("init_typo.yaml", 5, 10, "network.init.weight", "unknown key 'weight'; did you mean 'weights'?"),
    ("duplicate_key.yaml", 10, 1, "learning_rate", "duplicate key (first given on line 9); keep one of them"),
    ("merge_key.yaml", 7, 7, "network.layers[0]", "merge keys (<<) are not supported"),
    # names of things: typos, other courses' names, kinds not supported yet
    ("unknown_activation.yaml", 7, 7, "network.layers[0].activation",
     "unknown value 'sigmod'; did you mean 'sigmoid'?"),
    ("activation_alias.yaml", 5, 23, "network.layers[0].activation", "'logistic': here it is called sigmoid"),
    ("unknown_loss.yaml", 8, 1, "loss", "'cross_entropy': here it is called bce (two classes, one output) or cce"),
    ("loss_typo.yaml", 8, 1, "loss", "unknown value 'sparse_ce'; did you mean 'sparse_cce'?"),
    ("reduction_typo.yaml", 9, 1, "reduction", "unknown value 'meen'; did you mean 'mean'?"),
    ("layout_typo.yaml", 5, 3, "network.layout", "did you mean 'input_rows'?"),
    ("update_typo.yaml", 10, 10, "update[0]", "unknown value 'weight'; did you mean 'weights'?"),
    ("kind_typo.yaml", 2, 1, "kind", "unknown value 'backprob'; did you mean 'backprop'?"),
    ("train_missing_loss.yaml", 3, 5, "questions[0]",
     "loss: missing; a train question needs a loss and a learning_rate"),
    ("notation_typo.yaml", 2, 1, "notation", "unknown value 'indexd'; did you mean 'indexed'?"),
    # numbers
    ("nan.yaml", 8, 23, "network.layers[0].weights[0][1]", ".nan is not a finite number"),
    ("inf.yaml", 8, 7, "data.x[0]", ".inf is not a finite number"),
    ("overflow.yaml", 6, 71, "network.layers[0].biases[0]", "1e400 overflows"),
    ("too_large.yaml", 8, 12, "data.x[1]", "too large for a worked solution (at most 1e6 in size)"),
    ("quoted_number.yaml", 9, 1, "learning_rate", "the string '0.5' where a number belongs: remove the quotes"),
    ("string_number.yaml", 9, 1, "learning_rate", "expected a number, got the text 'zero point one'"),
    ("bool_number.yaml", 6, 55, "network.layers[0].weights[0][1]",
     "got the boolean true (YAML reads true/false, yes/no and on/off as booleans)"),
    ("negative_lr.yaml", 9, 1, "learning_rate", "must be positive, got -0.1 (a step size such as 0.1"),
    ("zero_lr.yaml", 9, 1, "learning_rate", "must be positive, got 0"),
    ("decimals_range.yaml", 2, 1, "decimals", "must be from 0 to 10, got 20"),
    ("units_zero.yaml", 6, 8, "network.layers[0].units", "must be from 1 to 1000, got 0"),
    # the file as a whole
    ("empty.yaml", 1, 1, "", "is empty: a problem file needs at least a network and data"),
    ("only_comments.yaml", 1, 1, "", "is empty"),
    ("binary.yaml", 1, 1, "", "is a binary file, not YAML text"),
    ("not_utf8.yaml", 3, 11, "", "is not UTF-8 text (byte 0xe9 here): save it as UTF-8"),
    ("utf16.yaml", 1, 1, "", "is UTF-16 text: save it as UTF-8"),
    ("syntax_error.yaml", 9, 7, "",
     "YAML syntax: expected ',' or ']'"),  # the context names where the bracket opened: see below
    ("tab_indent.yaml", 4, 1, "", "replace the tab with spaces"),
    ("top_level_list.yaml", 2, 1, "", "the file should be a mapping (title:, questions: ...), got a list of 1"),
    # no code, no bombs
    ("python_tag.yaml", 3, 8, "title",
     "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("custom_tag.yaml", 9, 16, "learning_rate", "YAML tag '!rate' is not allowed"),
    ("alias_bomb.yaml", 2, 32, "f[0][6][8][8][8][8]", "more than 200,000 values (an alias bomb?)"),
    ("recursive_alias.yaml", 8, 6, "data.x[1]", "refers to a list or mapping that contains it (a recursive alias)"),
    # the network
    ("wrong_shape.yaml", 8, 7, "network.layers[0].weights",
     "expected a 3 x 2 matrix (units x inputs, a row per neuron, layout: neuron_rows), got 2 x 2"),
    ("transpose_fits.yaml", 8, 7, "network.layers[0].weights",
     "got 2 x 3; the transpose fits: did you mean layout: input_rows?"),
    ("transpose_fits_input_rows.yaml", 9, 7, "network.layers[0].weights",
     "got 3 x 2; the transpose fits: did you mean layout: neuron_rows?"),
    ("ragged.yaml", 11, 11, "network.layers[0].weights[2]", "row 3 has 1 number but row 1 has 2"),
    ("wrong_bias_count.yaml", 9, 7, "network.layers[0].biases", "expected 3 biases (one per unit), got 2"),
    ("biases_without_bias.yaml", 10, 7, "network.layers[0].biases",
     "the network has bias: false; remove the biases or set bias: true"),
    ("missing_weights.yaml", 6, 7, "network.layers[0]",
     "weights: missing; list them, or give network.init: {weights: 1, biases: 0}"),
    ("softmax_one_unit.yaml", 7, 7, "network.layers[0].activation", "softmax over one unit is always 1"),
    ("alpha_not_leaky.yaml", 8, 7, "network.layers[0].alpha",
     "alpha is the slope of leaky_relu, but this layer is relu"),
    ("duplicate_input_names.yaml", 4, 22, "network.inputs[2]", "input name 'iq' is given twice"),
    ("too_many_params.yaml", 6, 3, "network.layers",
     "the network has 2,121 parameters; a worked solution shows every one of them, and past 1,000"),
    # data
    ("x_wrong_inputs.yaml", 8, 3, "data.x", "each example needs 2 inputs (network.inputs: x1, x2), got 3"),
    ("x_wrong_width.yaml", 8, 3, "data.x", "each example needs 2 inputs (network.inputs: iq, cgpa), got 3"),
    ("x_flat_examples.yaml", 7, 3, "data.x", "got 3; a flat list is one example"),
    ("too_many_examples.yaml", 7, 3, "data.x", "17 examples; a worked solution takes at most 16"),
    ("y_wrong_shape.yaml", 9, 3, "data.y", "expected 1 row(s) of 2 target(s) (examples x outputs), got 1 x 3"),
    ("missing_y.yaml", 7, 1, "data", "y: missing; a backprop question needs targets y"),
    # the loss against the network and the targets
    ("bce_relu.yaml", 7, 7, "network.layers[0].activation",
     "but a relu output can leave it: use sigmoid (or softmax) on the output layer"),
    ("bce_linear.yaml", 7, 18, "network.layers[1].activation", "but a linear output can leave it"),
    ("bce_targets_range.yaml", 9, 10, "data.y[1]", "bce needs targets between 0 and 1, got 2"),
    ("hinge_targets.yaml", 9, 13, "data.y[1][0]", "hinge needs targets -1 or +1, got 0: write 0/1 labels as -1/+1"),
    ("cce_not_onehot.yaml", 12, 18, "data.y[1]", "one-hot (or to sum to 1), but this one sums to 2"),
    ("sparse_cce_range.yaml", 12, 10, "data.y[1]", "a class index for 3 classes (the output units) is a "
     "whole number from 0 to 2, counting from 0; got 3"),
    ("sparse_cce_count.yaml", 12, 3, "data.y", "one class index per example: expected 2, got 3"),
    # questions
    ("missing_kind.yaml", 2, 1, "", "kind: missing; say what the question asks (params, forward, loss, backprop, train, perceptron, graph, conv)"),
    ("missing_network.yaml", 3, 5, "questions[0]", "network: missing; a forward question needs a network"),
    ("missing_lr.yaml", 2, 1, "", "learning_rate: missing; a backprop question needs a loss and a learning_rate"),
    ("duplicate_ids.yaml", 9, 5, "questions[1].id", "id 'q1' is used twice (also by question 1)"),
    ("bad_id.yaml", 3, 5, "questions[0].id", "an id is letters, digits, - and _ only"),
    ("questions_not_list.yaml", 3, 1, "questions",
     "expected a list of questions, got a mapping: start each question with '- '"),
    ("question_not_mapping.yaml", 8, 5, "questions[1]", "got the text 'forward pass of the same ne...'"),
]


def kind_cases() -> list[tuple]:
    """The cases of tests/bad/<kind>/*.yaml, read from each file's `# expect:` line."""
    cases = []
    for path in sorted(BAD.glob("*/*.yaml")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith("# expect: "), f"{path}: the first line must be '# expect: LINE:COL: field: message'"
        line, col, rest = first[len("# expect: "):].split(":", 2)
        field, message = rest.strip().split(": ", 1) if not rest.startswith("  ") else ("", rest.strip())
        cases.append((f"{path.parent.name}/{path.name}", int(line), int(col), field, message))
    return cases


CASES += kind_cases()
IDS = [case[0].removesuffix(".yaml") for case in CASES]


def expected_prefix(rel: str, line: int, col: int, field: str) -> str:
    return f"{rel}:{line}:{col}: {field}: " if field else f"{rel}:{line}:{col}: "


def test_the_table_covers_the_corpus():
    on_disk = {p.name for p in BAD.glob("*.yaml")} | {f"{p.parent.name}/{p.name}" for p in BAD.glob("*/*.yaml")}
    listed = [case[0] for case in CASES]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert on_disk == set(listed)
    assert len(on_disk) >= 30


@pytest.mark.parametrize("name, line, col, field, message", CASES, ids=IDS)
def test_load_problem_points_at_the_mistake(name, line, col, field, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    rel = f"tests/bad/{name}"
    with pytest.raises(ProblemError) as info:
        load_problem(rel)
    err = info.value
    text = str(err)
    prefix = expected_prefix(rel, line, col, field)
    assert text.startswith(prefix), text
    assert message in text[len(prefix):], text
    assert (err.file, err.line, err.col, err.field) == (rel, line, col, field)
    assert "\n" not in text


def test_syntax_error_says_where_the_bracket_opened(monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(ProblemError, match=r"began on line 8, column 16: is a bracket left open\?"):
        load_problem("tests/bad/syntax_error.yaml")


# A few files run as real processes (the whole path: interpreter, imports, exit status);
# the rest run the same command in-process, which checks the same message and status
# without paying for the imports 150 times.
IN_A_PROCESS = ["unknown_top_key.yaml", "python_tag.yaml", "alias_bomb.yaml", "binary.yaml",
                "wrong_shape.yaml"] + [c[0] for c in CASES if "/" in c[0]][::12]


def run_in_a_process(name: str, out: Path) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "solver", f"tests/bad/{name}", "--format", "json", "-o", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stderr


def run_in_process(name: str, out: Path) -> tuple[int, str]:
    from click.testing import CliRunner

    from solver.cli import main

    result = CliRunner().invoke(main, [f"tests/bad/{name}", "--format", "json", "-o", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stderr


@pytest.mark.parametrize("name, line, col, field, message", CASES, ids=IDS)
def test_command_line_exits_2_with_the_message(name, line, col, field, message, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out.json"
    status, stderr = (run_in_a_process if name in IN_A_PROCESS else run_in_process)(name, out)
    rel = f"tests/bad/{name}"
    assert status == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith(expected_prefix(rel, line, col, field)), stderr
    assert message in stderr
    assert not out.exists()
