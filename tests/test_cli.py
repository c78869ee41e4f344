"""The command line end to end, as a user runs it."""
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import PROBLEMS, ROOT, latex_engine_or_skip
from solver.cli import main

EXAM = str(ROOT / "problems" / "exam1.yaml")


def run(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "solver", *args], cwd=cwd, capture_output=True, text=True,
                          env=env)


@pytest.mark.parametrize("fmt, ext", [("markdown", "md"), ("latex", "tex"), ("json", "json")])
def test_default_output_path(tmp_path, fmt, ext):
    result = run(EXAM, "--format", fmt, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "output" / f"exam1.{ext}"
    assert out.exists() and out.stat().st_size > 0
    assert f"wrote output/exam1.{ext}" in result.stderr


def test_stdout_json_has_every_key():
    result = run(EXAM, "--format", "json", "-o", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [q["id"] for q in data["questions"]] == ["q1", "q2", "q3"]
    q1 = data["questions"][0]["answers"]
    for key in ["z1", "a1", "z2", "a2", "yhat", "loss", "delta1", "delta2", "dW1", "db1", "dW2", "db2",
                "W1_new", "b1_new", "W2_new", "b2_new"]:
        assert set(q1[key]) == {"value", "exact"}, key
    q3 = data["questions"][2]["answers"]
    assert "loss" not in q3 and "delta1" not in q3
    assert len(q3["z1"]["value"]) == 2  # two examples, one row each


def test_options_reach_the_solution():
    result = run(EXAM, "--format", "json", "-o", "-", "--decimals", "2", "--carry", "exact", "--question", "q1")
    data = json.loads(result.stdout)
    assert [q["id"] for q in data["questions"]] == ["q1"]
    assert data["questions"][0]["answers"]["a2"]["value"] == [0.52]


def test_unknown_question_suggests():
    result = CliRunner().invoke(main, [EXAM, "--question", "q11", "-o", "-"])
    assert result.exit_code == 2
    assert "did you mean 'q1'" in result.output


def test_bad_option_value_is_usage_error():
    result = CliRunner().invoke(main, [EXAM, "--format", "docx"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_help_lists_the_options():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for option in ["--format", "--output", "--decimals", "--carry", "--notation", "--question", "--brief", "--max-params"]:
        assert option in result.output


def test_python_m_solver_is_the_same_command():
    assert run("--help").stdout.startswith("Usage: solve")


def test_bad_file_leaves_previous_output_untouched(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: backprop\nnetwork: {inputs: 2, layers: []}\ndata: {x: [1, 2], y: [1]}\n"
                   "loss: mse\nlearning_rate: 0.1\n")
    out = tmp_path / "out.md"
    out.write_text("previous")
    result = run(str(bad), "-o", str(out))
    assert result.returncode == 2
    assert out.read_text() == "previous"
    assert result.stderr.startswith(f"{bad}:2:22: network.layers: expected a list of layers")
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob(".out.md.*"))


def test_pdf_is_written(tmp_path):
    latex_engine_or_skip()
    out = tmp_path / "exam1.pdf"
    result = run(EXAM, "--format", "pdf", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_pdf_without_engine_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no engine on PATH
    result = CliRunner().invoke(main, [EXAM, "--format", "pdf", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "apt-get install texlive" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_every_shipped_problem_solves(problem, tmp_path):
    for fmt in ("markdown", "latex", "json"):
        result = run(str(problem), "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        assert result.returncode == 0, result.stderr


def test_a_kink_hit_through_float_rounding_solves(tmp_path):
    """1.2*1.3 + 0.4*1.6 + 2.0*(-1.3) + 0.4 = 0 exactly on paper; ReLU'(0) = 0 must be used, no crash."""
    problem = tmp_path / "kink.yaml"
    problem.write_text("""kind: backprop
network:
  inputs: 3
  layers:
    - {units: 1, activation: relu, weights: [[1.2, 0.4, 2.0]], biases: [0.4]}
    - {units: 1, activation: linear, weights: [[0.5]], biases: [0.1]}
data: {x: [1.3, 1.6, -1.3], y: [1]}
loss: mse
learning_rate: 0.1
""")
    result = run(str(problem), "--format", "json", "-o", "-")
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)["questions"][0]["answers"]
    assert answers["z1"]["exact"] == [0.0]
    assert answers["dW1"]["exact"] == [[0.0, 0.0, 0.0]]


@pytest.mark.parametrize("target, message", [
    ("{tmp}", "is a directory"),
    ("/proc/no-such-dir/x.md", "cannot write /proc/no-such-dir/"),
])
def test_unwritable_output_is_a_clear_error(tmp_path, target, message):
    result = run(EXAM, "-o", target.format(tmp=tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob(".*.part"))


def test_written_files_are_readable_by_others_as_open_would_make_them(tmp_path):
    import os
    import stat

    out = tmp_path / "x.json"
    result = CliRunner().invoke(main, [str(ROOT / "problems" / "exam1.yaml"), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


# ---------------------------------------------------------------- command-line habits

def run_on_terminal(*args, env=None):
    """`solve ARGS` with its stdout on a pseudo-terminal: (exit status, stdout bytes, stderr text)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "solver", *args], cwd=ROOT, stdout=slave,
                            stderr=subprocess.PIPE, env=full_env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:         # the terminal is closed once the command has finished
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    stderr = proc.stderr.read().decode()
    return proc.wait(), out, stderr


@pytest.fixture(scope="module")
def blank_sheet(tmp_path_factory):
    sheet = tmp_path_factory.mktemp("sheet") / "params.answers.yaml"
    result = run(str(ROOT / "problems" / "params.yaml"), "--format", "answers", "-o", str(sheet))
    assert result.returncode == 0, result.stderr
    return sheet


@pytest.mark.parametrize("options, no_color, coloured", [
    ([], None, True),                          # auto: a terminal gets colour
    ([], "1", False),                          # ... unless NO_COLOR is set to anything
    (["--color", "always"], "1", True),        # an explicit option beats the environment
    (["--color", "never"], None, False),
])
def test_the_check_report_colours_a_terminal_as_told(blank_sheet, options, no_color, coloured):
    env = {"NO_COLOR": no_color} if no_color else {}
    if no_color is None:
        env["NO_COLOR"] = ""                   # empty: as if unset
    status, out, err = run_on_terminal(str(ROOT / "problems" / "params.yaml"), "--check", str(blank_sheet),
                                       *options, env=env)
    assert status == 0, err
    assert b"missing" in out
    assert (b"\x1b[" in out) == coloured


@pytest.mark.parametrize("color, coloured", [("auto", False), ("always", True)])
def test_the_check_report_is_plain_when_piped_unless_always(blank_sheet, color, coloured):
    result = run(str(ROOT / "problems" / "params.yaml"), "--check", str(blank_sheet), "--color", color)
    assert result.returncode == 0, result.stderr
    assert ("\x1b[" in result.stdout) == coloured


def test_color_takes_auto_always_never():
    result = CliRunner().invoke(main, [EXAM, "--color", "sometimes"])
    assert result.exit_code == 2
    assert "'auto', 'always', 'never'" in result.output


@pytest.mark.parametrize("args", [["--format", "pdf", "-o", "-"], ["--check", "sheet.yaml", "--format", "pdf"]])
def test_a_pdf_is_not_written_onto_a_terminal(args):
    status, out, err = run_on_terminal(EXAM, *args)
    assert status == 2
    assert out == b""
    assert "onto the terminal" in err and "-o FILE" in err and "redirect" in err


def test_a_pdf_on_stdout_may_be_redirected():
    latex_engine_or_skip()
    result = subprocess.run([sys.executable, "-m", "solver", str(ROOT / "problems" / "params.yaml"), "--format", "pdf",
                             "-o", "-"], cwd=ROOT, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"%PDF")


def test_the_tex_hint_names_every_package_and_readme_and_help_agree():
    from solver.render.pdf import DEBIAN_PACKAGES, INSTALL_HINT

    assert set(DEBIAN_PACKAGES) == {"texlive-latex-base", "texlive-latex-recommended", "texlive-fonts-recommended",
                                    "texlive-pictures"}
    command = "sudo apt-get install " + " ".join(DEBIAN_PACKAGES)
    assert command in INSTALL_HINT
    assert command in (ROOT / "README.md").read_text(encoding="utf-8")
    assert command in CliRunner().invoke(main, ["--help"]).output


def test_shell_completion_is_documented_and_completes_the_formats():
    for doc in ("README.md", "docs/format.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert '_SOLVE_COMPLETE=bash_source solve' in text, doc
        assert '_SOLVE_COMPLETE=zsh_source solve' in text, doc
    env = {**os.environ, "PYTHONPATH": str(ROOT), "_SOLVE_COMPLETE": "bash_complete",
           "COMP_WORDS": "solve x.yaml --format ", "COMP_CWORD": "3"}
    result = subprocess.run([sys.executable, "-m", "solver"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert {"plain,markdown", "plain,latex", "plain,pdf", "plain,json", "plain,answers"} <= set(result.stdout.split())


def test_readme_links_the_format_reference_inside_the_repository():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "PROBLEM_FORMAT" not in readme
    assert "(docs/format.md)" in readme
    for target in re.findall(r"\]\(([^)#]+)", readme + (ROOT / "docs" / "format.md").read_text(encoding="utf-8")):
        if "://" not in target:
            base = ROOT if (ROOT / target).exists() else ROOT / "docs"
            assert (base / target).exists(), target
