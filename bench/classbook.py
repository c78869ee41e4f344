#!/usr/bin/env python
"""Marking a class: 200 sheets of problems/exam1.yaml from four variants, as one command.

    python bench/classbook.py [--sheets 200]

Prints the wall time of `solve problems/exam1.yaml --check DIR -o OUT` (the reports, the
gradebook, the summary and, when a LaTeX engine is found, summary.pdf) and of the gradebook
alone (`--format csv`), beside the time of one sheet marked alone as a process and of
`python -c "import sympy, numpy, jinja2, click, yaml"`, all measured in this run. Goal:
200 sheets in under 10 s (each problem or variant is solved once, not once per sheet). A tenth
of the answers are left blank, so the blanks are bridged (solver/checking/bridge.py) as well.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAM = ROOT / "problems" / "exam1.yaml"
sys.path.insert(0, str(ROOT))

from timing import timed  # noqa: E402  (bench/timing.py)


def wall(args: list[str]) -> float:
    """The wall time of a fresh process (bench/timing.py)."""
    return timed(args)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", type=int, default=200)
    count = parser.parse_args().sheets
    from solver.settings import Settings
    from solver.variants import variant_solution

    keys = {}
    for k in (1, 2, 3, 4):
        sol = variant_solution(EXAM, k, 1, Settings())
        keys[k] = {q["id"]: {key: v["value"] for key, v in q["answers"].items() if key != "yhat"}
                   for q in sol.to_json()["questions"]}
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sheets"
        folder.mkdir()
        for i in range(count):
            k = rng.randint(1, 4)
            answers = {q: dict(v) for q, v in keys[k].items()}
            for q in answers.values():          # a few slips and blanks
                for key in list(q):
                    if rng.random() < 0.1:
                        q[key] = None
            (folder / f"s{i:03d}.yaml").write_text(yaml.safe_dump({"student": f"S{i}", "variant": k, "seed": 1,
                                                                   **answers}))
        solve = [sys.executable, "-m", "solver", str(EXAM)]
        imports = wall([sys.executable, "-c", "import sympy, numpy, jinja2, click, yaml"])
        one = wall(solve + ["--check", str(folder / "s000.yaml"), "-o", str(Path(tmp) / "one.txt")])
        whole = wall(solve + ["--check", str(folder), "-o", str(Path(tmp) / "marks")])
        book = wall(solve + ["--check", str(folder), "--format", "csv", "-o", str(Path(tmp) / "book.csv")])
        pdf = (Path(tmp) / "marks" / "summary.pdf").exists()
        baseline = 'python -c "import sympy, numpy, jinja2, click, yaml"'
        print(f"{baseline:<52} {imports:7.2f} s")
        print(f"{'one sheet, as a process':<52} {one:7.2f} s")
        print(f"{f'{count} sheets of 4 variants, one command':<52} {whole:7.2f} s   "
              f"({whole / count * 1000:.0f} ms a sheet; {count} separate runs would take ~{one * count:.0f} s; "
              f"summary.pdf {'written' if pdf else 'not written: no LaTeX engine'})")
        print(f"{f'the same, the gradebook only (--format csv)':<52} {book:7.2f} s")


if __name__ == "__main__":
    main()
