"""What the tests of the quiz exports (--format moodle, --format qti) share: exam1, a hostile
title, the JSON key's entries, and exam1 edited and solved."""
import numpy as np

from conftest import ROOT
from solver import solve
from solver.exports import export

EXAM = ROOT / "problems" / "exam1.yaml"
HOSTILE = '{1:NUMERICAL:=5:0} </text>]]> <script>alert(1)</script> & ~#}"/\\ $x$ @@PLUGINFILE@@'


def key_entries(answers: dict) -> list[tuple[str, float]]:
    """(label, value) of every entry of every key of a question of the JSON key, yhat (another
    name for the output key) left out, in the order the solution finds them."""
    out = []
    for key, v in answers.items():
        if key == "yhat":
            continue
        arr = np.asarray(v["value"], dtype=float)
        for index in np.ndindex(arr.shape):
            out.append((key + "".join(f"[{i + 1}]" for i in index), float(arr[index])))
    return out


def exam_exported(fmt: str):
    """exam1 solved, and its export in `fmt`."""
    solution = solve(EXAM)
    return solution, export(fmt, solution, "exam1")


def edited_exam(tmp_path, name: str, *replacements: tuple[str, str]):
    """exam1 with each (old, new) replaced once, written to tmp_path/<name>.yaml and solved."""
    text = EXAM.read_text()
    for old, new in replacements:
        text = text.replace(old, new, 1)
    (tmp_path / f"{name}.yaml").write_text(text)
    return solve(tmp_path / f"{name}.yaml")
