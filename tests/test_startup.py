"""`--help`, completion and every bad-file error answer without importing the heavy libraries.

Each case runs the command line in a fresh interpreter (in-process there, catching SystemExit)
and reports which of SymPy, NumPy, Jinja2 and matplotlib it imported: reading and checking a
problem file, an answer sheet or the options is plain Python, so a mistake is refused at once.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

HEAVY = ("sympy", "numpy", "jinja2", "matplotlib")
BAD = ROOT / "tests" / "bad"
EXAM = str(ROOT / "problems" / "exam1.yaml")

# Runs solve with the arguments given on its own command line; prints the exit status and the
# heavy modules imported as the last line of stdout.
PROBE = textwrap.dedent("""
    import json, sys
    from solver.cli import main
    code = 0
    try:
        main(sys.argv[1:], prog_name="solve")
    except SystemExit as exc:
        code = exc.code
    sys.stdout.flush()
    print()
    print(json.dumps({"code": code, "heavy": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY,))

# The third layer's weights are 1 x 2 where 1 x 3 belongs: found after two good layers.
DEEP_SHAPE_ERROR = """\
kind: backprop
loss: mse
learning_rate: 0.1
network:
  inputs: 2
  layers:
    - {units: 2, activation: sigmoid, weights: [[0.1, 0.2], [0.3, 0.4]], biases: [0, 0]}
    - {units: 3, activation: tanh, weights: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], biases: [0, 0, 0]}
    - {units: 1, activation: sigmoid, weights: [[0.1, 0.2]], biases: [0]}
data: {x: [[0.5, 0.3]], y: [[1]]}
"""


def probe(*args, env=None):
    """(exit status, heavy modules imported, stdout, stderr) of `solve ARGS` in a fresh interpreter."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("NO_COLOR", None)
    result = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                            env=full_env, timeout=120)
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["code"], report["heavy"], result.stdout, result.stderr


BAD_FILES = [
    "kind_typo.yaml",                     # a typo
    "unknown_top_key.yaml",               # a key no kind has (every kind's fields are looked at)
    "ragged.yaml",                        # rows of different lengths
    "hinge_targets.yaml",                 # a target a loss cannot take
    "randomize/makes_invalid.yaml",       # a randomize rule whose extreme makes the file invalid
    "randomize/step_not_dividing.yaml",
    "perceptron/labels_mixed.yaml",
    "graph/log_negative.yaml",            # an operation undefined at the given values
    "graph/unknown_function.yaml",
    "loss/cce_rows_not_probabilities.yaml",
    "loss/bce_prediction_one.yaml",
    "train/batch_too_large.yaml",
    "params/dashed_sizes.yaml",
    "not_utf8.yaml",
]


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_problem_file_is_refused_without_the_heavy_libraries(name):
    code, heavy, _, stderr = probe(str(BAD / name), "-o", "-")
    assert code == 2, stderr
    assert heavy == [], stderr
    assert stderr.startswith(str(BAD / name) + ":")


def test_a_shape_error_deep_in_a_network_is_refused_without_the_heavy_libraries(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP_SHAPE_ERROR)
    code, heavy, _, stderr = probe(str(path), "-o", "-")
    assert (code, heavy) == (2, [])
    assert "network.layers[2].weights: expected a 1 x 3 matrix" in stderr


def test_an_answer_sheet_that_is_not_yaml_is_refused_before_solving():
    sheet = ROOT / "tests" / "bad_answers" / "not_yaml.yaml"
    code, heavy, _, stderr = probe(EXAM, "--check", str(sheet))
    assert (code, heavy) == (2, [])
    assert str(sheet) in stderr


@pytest.mark.parametrize("args, status", [
    (["--help"], 0),
    (["--version"], None),            # its output and status are tested with the option itself
    ([EXAM, "--decimals", "99"], 2),
    ([EXAM, "--format", "docx"], 2),
    ([EXAM, "--check", "missing.yaml", "--variants", "3"], 2),
    ([EXAM, "--question", "q11", "-o", "-"], 2),
    ([str(ROOT / "problems" / "nothing-here.yaml")], 2),
])
def test_help_version_and_bad_options_answer_without_the_heavy_libraries(args, status):
    code, heavy, _, stderr = probe(*args)
    assert heavy == [], stderr
    assert status is None or code == status, stderr


@pytest.mark.parametrize("words, cword, expected", [
    ("solve --fo", 1, "plain,--format"),
    ("solve x.yaml --format ", 3, "plain,pdf"),
    ("solve x.yaml --color ", 3, "plain,never"),
])
def test_completion_answers_without_the_heavy_libraries(words, cword, expected):
    code, heavy, stdout, stderr = probe(env={"_SOLVE_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                             "COMP_CWORD": str(cword)})
    assert (code, heavy) == (0, []), stderr
    assert expected in stdout.splitlines()


def test_the_probe_sees_the_heavy_libraries_when_there_is_something_to_solve():
    code, heavy, _, stderr = probe(EXAM, "--format", "json", "-o", "-")
    assert code == 0, stderr
    assert {"sympy", "numpy"} <= set(heavy)
