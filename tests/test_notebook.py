"""examples/student.ipynb, run as Jupyter runs it: a real kernel (nbclient), started in the
notebook's own folder, on this test's Python (so it needs nothing installed by hand: no
kernelspec of the machine's is used). And what a Solution and a Report show there."""
from __future__ import annotations

import json
import sys

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOK = ROOT / "examples" / "student.ipynb"
KERNEL = "solve-test-python"
MARKER = "VERDICTS:"


def kernel_manager(folder) -> KernelManager:
    """A kernel on sys.executable (the test venv's Python), from a kernelspec in `folder`."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "solve tests", "language": "python"}))
    ksm = KernelSpecManager(kernel_dirs=[str(folder / "kernels")], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=ksm)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook executed from examples/, with one cell added at the end that prints the verdicts."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        f'import json; print({MARKER!r}, json.dumps(report.verdicts("q1")))'))
    client = NotebookClient(nb, km=kernel_manager(tmp_path_factory.mktemp("jupyter")), timeout=300,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()          # raises CellExecutionError, with the cell and its traceback, if a cell fails
    return nb


def test_the_notebook_is_committed_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.language == "python"
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert nb.cells[0].cell_type == "markdown" and sum(c.cell_type == "code" for c in nb.cells) == 7


def test_the_notebook_runs_in_a_real_kernel_from_its_own_folder(executed):
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    # the slip the words describe is marked so: delta2 wrong, everything computed from it carried
    printed = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    verdicts = json.loads(printed.split(MARKER, 1)[1])
    assert verdicts["delta2"] == "wrong"
    assert {verdicts[k] for k in ("dW2", "db2", "delta1", "dW1", "db1")} == {"carried"}


def _displayed(executed, code: str) -> dict:
    """The data of the display that the cell whose source ends with `code` gives."""
    cell = next(c for c in executed.cells if c.cell_type == "code" and c.source.rstrip().endswith(code))
    [out] = [o for o in cell.outputs if o.output_type == "execute_result"]
    return out.data


@pytest.mark.parametrize("code", ["report", 'check(PROBLEM, answers, question="q1")',
                                  'solve(PROBLEM, question="q1")'])
def test_a_notebook_shows_markdown_and_a_one_line_repr(executed, code):
    data = _displayed(executed, code)
    assert set(data) == {"text/markdown", "text/plain"}      # no text/latex: no nested \documentclass
    assert "\\documentclass" not in json.dumps(data)
    plain = data["text/plain"]
    assert "\n" not in plain and len(plain) < 200 and plain.startswith("<")
    assert data["text/markdown"].lstrip().startswith("#") or "|" in data["text/markdown"]


def test_a_solution_and_a_report_are_one_line_at_a_prompt():
    from solver import check, solve
    solution = solve(ROOT / "problems" / "exam1.yaml")
    assert repr(solution) == (f"<Solution of {ROOT / 'problems' / 'exam1.yaml'}: "
                              "3 questions (q1 backprop, q2 backprop, q3 forward)>")
    assert repr(solution.questions[2]).startswith("<QuestionSolution q3 (forward): ")
    assert not hasattr(solution, "_repr_latex_")
    assert solution._repr_markdown_().startswith("# ")
    report = check(solution, {"q1": {"z1": [0.32, 0.04, 0.24]}})
    assert repr(report) == (f"<Report of answers given as data against {ROOT / 'problems' / 'exam1.yaml'}: "
                            "1/34 marks, 3 questions>")
    assert "\n" not in repr(report) and "| 3 | `z1` | correct |" in report._repr_markdown_()


def test_a_one_line_repr_escapes_control_characters(tmp_path):
    from solver import solve
    weird = tmp_path / "a\x1b[31mred.yaml"
    weird.write_bytes((ROOT / "problems" / "exam1.yaml").read_bytes())
    text = repr(solve(weird, question="q3"))
    assert "\x1b" not in text and "\\x1b[31mred.yaml: 1 question (q3 forward)>" in text
