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


# ---------------------------------------------------------------- output paths (issue 9, item 3)
# Device nodes are made in a temporary folder (a null device, 1:3), never the machine's /dev/null.

from pathlib import Path  # noqa: E402

from test_output import FifoReader, make_null_device  # noqa: E402


@pytest.fixture
def problem_copy(tmp_path):
    path = tmp_path / "exam.yaml"
    path.write_bytes((ROOT / "problems" / "exam1.yaml").read_bytes())
    return path


def invoke_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def svgs(folder):
    return sorted(p.name for p in folder.glob("*.svg"))


def test_output_to_a_device_node_writes_through_and_embeds_the_pictures(tmp_path):
    import stat
    dev = make_null_device(tmp_path / "null")
    result = invoke_cli(EXAM, "-o", dev)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    assert svgs(tmp_path) == []                 # no pictures beside a device


def test_output_to_a_symlink_to_a_device_node(tmp_path):
    import stat
    dev = make_null_device(tmp_path / "null")
    link = tmp_path / "out.json"
    link.symlink_to(dev)
    result = invoke_cli(EXAM, "--format", "json", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(dev).st_mode)


def test_output_to_a_fifo_is_written_through_with_the_pictures_inside(tmp_path):
    import stat
    reader = FifoReader(tmp_path / "pipe")
    result = invoke_cli(EXAM, "-o", reader.path)
    assert result.exit_code == 0, result.output
    text = reader.join().decode()
    assert text.startswith("#") and "data:image/svg+xml;base64," in text
    assert stat.S_ISFIFO(os.lstat(reader.path).st_mode)
    assert svgs(tmp_path) == []


def test_output_through_a_symlink_to_a_file_replaces_the_target(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    result = invoke_cli(EXAM, "--format", "json", "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads(target.read_text())["questions"]


@pytest.mark.parametrize("how", ["absolute", "relative", "symlink"])
def test_output_naming_the_problem_file_is_refused(problem_copy, tmp_path, how, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = problem_copy.read_bytes()
    if how == "symlink":
        (tmp_path / "out.md").symlink_to(problem_copy)
    target = {"absolute": problem_copy, "relative": "exam.yaml", "symlink": tmp_path / "out.md"}[how]
    result = invoke_cli(problem_copy, "--format", "json", "-o", target)
    assert result.exit_code == 2
    assert "is the problem file" in result.output and "would overwrite it" in result.output
    assert "Traceback" not in result.output
    assert problem_copy.read_bytes() == before


def test_check_output_naming_an_input_is_refused(problem_copy, tmp_path):
    sheet = tmp_path / "mine.yaml"
    sheet.write_text("q1:\n  z1: [0.32, 0.04, 0.24]\n")
    for target, what in [(sheet, "is the answer sheet itself"), (problem_copy, "is the problem file")]:
        before = target.read_bytes()
        result = invoke_cli(problem_copy, "--check", sheet, "--format", "json", "-o", target)
        assert result.exit_code == 2, result.output
        assert what in result.output and "Traceback" not in result.output
        assert target.read_bytes() == before


def test_a_picture_that_would_overwrite_the_problem_file_is_refused_before_anything_is_written(
        problem_copy, tmp_path):
    before = problem_copy.read_bytes()
    (tmp_path / "out-q2-network.svg").symlink_to(problem_copy)
    result = invoke_cli(problem_copy, "-o", tmp_path / "out.md")
    assert result.exit_code == 2
    assert "out-q2-network.svg is the problem file" in result.output
    assert problem_copy.read_bytes() == before
    assert svgs(tmp_path) == ["out-q2-network.svg"] and not (tmp_path / "out.md").exists()


def test_a_picture_path_that_is_a_device_node_is_written_through(tmp_path):
    import stat
    dev = make_null_device(tmp_path / "out-q1-network.svg")
    result = invoke_cli(EXAM, "-o", tmp_path / "out.md")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    assert "](out-q1-network.svg)" in (tmp_path / "out.md").read_text()
    assert (tmp_path / "out-q2-network.svg").read_bytes().startswith(b"<svg")


@pytest.fixture
def no_work(monkeypatch):
    """--variants must fail before any variant is made (and before the problem is solved)."""
    import solver.variants

    def refuse(*args, **kwargs):
        raise AssertionError("work was done before the folder was checked")
    monkeypatch.setattr(solver.variants, "make_variants", refuse)
    monkeypatch.setattr(solver.variants, "load_plan", refuse)


def test_variants_into_a_folder_under_a_file_fails_before_any_work(tmp_path, no_work):
    (tmp_path / "f").write_text("x")
    result = invoke_cli(EXAM, "--variants", "2", "-o", tmp_path / "f" / "variants")
    assert result.exit_code == 2, result.output
    assert "names a folder, and this is a file" in result.output and "Traceback" not in result.output


def test_variants_into_an_unwritable_folder_fails_before_any_work(tmp_path, no_work):
    if Path("/sys").is_dir():
        folder = Path("/sys/solve-test-variants")            # refused even to root
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        if os.access(folder, os.W_OK):
            pytest.skip("no folder here that this user cannot write")
    result = invoke_cli(EXAM, "--variants", "2", "-o", folder)
    assert result.exit_code == 2, result.output
    assert "cannot write into" in result.output and "Traceback" not in result.output
    assert not Path("/sys/solve-test-variants").exists()


def test_variants_into_a_new_folder_leaves_nothing_when_the_problem_is_bad(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: forward\n")
    result = invoke_cli(bad, "--variants", "2", "-o", tmp_path / "new" / "variants")
    assert result.exit_code == 2
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("args, message", [
    (["-"], "the problem file is not read from stdin"),
    ([EXAM, "--check", "-"], "the answer sheet is not read from stdin"),
])
def test_dash_is_not_stdin_and_says_so(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke_cli(*args)
    assert result.exit_code == 2 and message in result.output


# ---------------------------------------------------------------- bounded input (issue 9, item 4)
# Run as a process with at most 2 GB of address space: an input read whole would fail there
# (MemoryError, exit 1) rather than take the machine's memory.

BOUNDED = ("import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
           "sys.argv[0] = 'solve'; runpy.run_module('solver', run_name='__main__', alter_sys=True)")


def run_bounded(*args, cwd=ROOT):
    """`python -m solver ARGS` with at most 2 GB of address space (set in the child itself: no
    preexec_fn while a thread feeds a FIFO)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", BOUNDED, *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=300)


class EndlessFifo:
    """A FIFO fed zeros by a thread until its reader closes it."""

    def __init__(self, path):
        import threading
        os.mkfifo(path)
        self.path = path
        self.thread = threading.Thread(target=self._feed, daemon=True)
        self.thread.start()

    def _feed(self):
        chunk = b"0" * 65536
        try:
            with open(self.path, "wb") as handle:
                while True:
                    handle.write(chunk)
        except (BrokenPipeError, OSError):
            pass


def bounded_input(kind, tmp_path):
    if kind == "sparse 5 GB":
        path = tmp_path / "big.yaml"
        subprocess.run(["truncate", "-s", "5G", str(path)], check=True)
        return path, "is 5,368,709,120 bytes"
    if kind == "fifo":
        return EndlessFifo(tmp_path / "pipe.yaml").path, "is more than 2,000,000 bytes"
    return Path("/dev/zero"), "is more than 2,000,000 bytes"


@pytest.mark.parametrize("kind", ["sparse 5 GB", "/dev/zero", "fifo"])
def test_a_huge_problem_file_is_refused_at_once(kind, tmp_path):
    path, size = bounded_input(kind, tmp_path)
    result = run_bounded(path, "--format", "json", "-o", tmp_path / "out.json")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"{path}:1:1: {size}") and "a problem file is at most 2,000,000 bytes" \
        in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("kind", ["sparse 5 GB", "/dev/zero", "fifo"])
def test_a_huge_answer_sheet_is_refused_at_once_as_an_answer_sheet(kind, tmp_path):
    path, size = bounded_input(kind, tmp_path)
    result = run_bounded(EXAM, "--check", path, "--format", "json", "-o", "-")
    assert result.returncode == 2, result.stderr
    assert f"{path}:1:1: {size}" in result.stderr and "an answer sheet is at most 2,000,000 bytes" in result.stderr
    assert "problem file" not in result.stderr and "Traceback" not in result.stderr


def test_a_5_mb_answer_sheet_is_refused_in_the_words_of_an_answer_sheet(tmp_path):
    sheet = tmp_path / "mine.yaml"
    sheet.write_text("q1:\n  z1: [" + "0.5, " * 1_000_000 + "0.5]\n")
    result = invoke_cli(EXAM, "--check", sheet, "-o", "-")
    assert result.exit_code == 2
    assert f"{sheet}:1:1: is 5,000,0" in result.output and "an answer sheet is at most 2,000,000 bytes" \
        in result.output
    assert "problem file" not in result.output


# Nesting past the depth limit (40): the message points at the first value too deep, in problem
# files and answer sheets alike, and never a RecursionError.
DEEP = {
    "depth 41": ("x: " + "[" * 41 + "1" + "]" * 41 + "\n", 1, 44),
    "depth 500": ("x: " + "[" * 500 + "1" + "]" * 500 + "\n", 1, 44),
    "100000 [": ("[" * 100_000, 1, 42),
    "mappings 500": ("a: {" * 500 + "}" * 500 + "\n", 1, 161),
    "block 500": "".join("  " * i + "a:\n" for i in range(500)) + "  " * 500 + "1\n",
}


def deep(name):
    case = DEEP[name]
    return case if isinstance(case, tuple) else (case, 41, 81)


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_nesting_in_a_problem_file(name, tmp_path):
    text, line, col = deep(name)
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    result = invoke_cli(path, "--format", "json", "-o", tmp_path / "out.json")
    assert result.exit_code == 2
    assert result.output.startswith(f"{path}:{line}:{col}: nested more than 40 deep"), result.output
    assert "problem files" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_nesting_in_an_answer_sheet(name, tmp_path):
    text, line, col = deep(name)
    sheet = tmp_path / "mine.yaml"
    sheet.write_text(text)
    result = invoke_cli(EXAM, "--check", sheet, "--format", "json", "-o", "-")
    assert result.exit_code == 2
    assert f"{sheet}:{line}:{col}: nested more than 40 deep: lists and mappings in answer sheets" in result.output
    assert "problem file" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info


def test_deep_nesting_as_a_process_has_no_traceback(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000)
    result = run(str(path), "-o", str(tmp_path / "out.md"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{path}:1:42: nested more than 40 deep") and "Traceback" not in result.stderr


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


@pytest.mark.parametrize("fmt", ["answers", "html", "moodle", "qti"])
def test_check_refuses_a_format_that_is_not_a_report(tmp_path, fmt):
    sheet = tmp_path / "s.yaml"
    assert run(EXAM, "--format", "answers", "-o", str(sheet)).returncode == 0
    result = run(EXAM, "--check", str(sheet), "--format", fmt, "-o", str(tmp_path / "r"))
    assert result.returncode == 2 and f"--format {fmt} is not a format of a --check report" in result.stderr
    assert not (tmp_path / "r").exists()
