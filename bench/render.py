#!/usr/bin/env python
"""Large networks written out, as whole `solve` processes: printed, never asserted (issue 12).

    python bench/render.py                  # 3 runs of each row, interleaved with the imports
    python bench/render.py --runs 1 --full  # also --detail full
    python bench/render.py --tree DIR       # the same rows run from another checkout (PYTHONPATH=DIR),
                                            #   e.g. `git archive main | tar -x -C DIR`, for before/after

Rows (the goal is in seconds on the machine of issue 12, whose bare imports took 0.9 s, so
it is printed as a multiple of the bare imports measured in this run):
1. backprop, 16 examples x 981 parameters (26-20-20-1, sigmoid, bce), Markdown and LaTeX: <= 10 s.
2. one example x 981 parameters, `--notation indexed`, Markdown: <= 10 s.
3. `--format latex` and Markdown of problems/exam1.yaml: <= 1.3x / 1.5x the imports.
Each figure is the median wall time of the process beside the median of
`python -c "import sympy, numpy, jinja2, click, yaml"` from the same run, and the CPU time
(user + sys), which other load on a shared machine disturbs less.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

import run  # noqa: E402  (bench/run.py: the n-h-h-1 problems)
from timing import timed  # noqa: E402  (bench/timing.py)

IMPORTS = "import sympy, numpy, jinja2, click, yaml"
EXAM1 = ROOT / "problems" / "exam1.yaml"
IMPORT_SECONDS_OF_ISSUE = 0.9


def backprop_16(tmp: Path) -> Path:
    n, h = run.shape_for(981)
    data = run.problem_data(n, h)
    rng = np.random.default_rng(5)
    data["questions"][0]["data"] = {"x": np.round(rng.uniform(0, 1, (16, n)), 2).tolist(),
                                    "y": [[int(v)] for v in rng.integers(0, 2, 16)]}
    path = tmp / "backprop16.yaml"
    path.write_text(yaml.safe_dump(data, default_flow_style=None, width=10**6))
    return path


def rows(tmp: Path, full: bool) -> list[tuple[str, list[str], float | None, float | None]]:
    """(label, arguments of solve, goal in seconds at the issue's imports, goal as a ratio)."""
    bp16 = backprop_16(tmp)
    one = run.write_problem(tmp, *run.shape_for(981))
    big = ["--max-params", "100000"]
    out = [
        ("backprop 16 x 981, Markdown", [str(bp16), "-o", str(tmp / "a.md"), *big], 10.0, None),
        ("backprop 16 x 981, LaTeX", [str(bp16), "--format", "latex", "-o", str(tmp / "a.tex"), *big], 10.0, None),
        ("981, --notation indexed, Markdown", [str(one), "--notation", "indexed", "-o", str(tmp / "b.md"), *big],
         10.0, None),
        ("exam1.yaml --format latex", [str(EXAM1), "--format", "latex", "-o", str(tmp / "e.tex")], None, 1.3),
        ("exam1.yaml (Markdown)", [str(EXAM1), "-o", str(tmp / "e.md")], None, 1.5),
    ]
    if full:
        out[3:3] = [(label + ", --detail full", args + ["--detail", "full"], goal, ratio)
                    for label, args, goal, ratio in out[:3]]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="also the network rows with --detail full")
    ap.add_argument("--tree", help="run `solve` from this checkout instead (PYTHONPATH)")
    ap.add_argument("--only", help="only the rows whose label contains this")
    args = ap.parse_args()
    env = dict(os.environ)
    cwd = ROOT
    if args.tree:               # `python -m` puts the working folder first: run from the tree itself
        cwd = Path(args.tree).resolve()
        env["PYTHONPATH"] = str(cwd)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        todo = [r for r in rows(tmp, args.full) if not args.only or args.only in r[0]]
        imports = [sys.executable, "-c", IMPORTS]
        solve = [sys.executable, "-m", "solver"]
        for _, a, _, _ in todo:          # one untimed run each: bytecode and template caches
            timed(solve + a, env, cwd)
        timed(imports, env, cwd)
        base_w, base_c = [], []
        figures = {label: ([], []) for label, *_ in todo}
        for _ in range(args.runs):
            w, c = timed(imports, env, cwd)
            base_w.append(w)
            base_c.append(c)
            for label, a, _, _ in todo:
                w, c = timed(solve + a, env, cwd)
                figures[label][0].append(w)
                figures[label][1].append(c)
    bw, bc = statistics.median(base_w), statistics.median(base_c)
    print(f"solve from {cwd}; median of {args.runs} runs, interleaved")
    print(f"{'bare imports (' + IMPORTS + ')':58s} {bw:7.2f} s wall {bc:7.2f} s CPU")
    for label, goal, ratio in ((r[0], r[2], r[3]) for r in todo):
        w, c = (statistics.median(v) for v in figures[label])
        limit = ratio if ratio is not None else goal / IMPORT_SECONDS_OF_ISSUE
        said = f"<= {ratio}x" if ratio is not None else f"<= {goal:.0f} s at {IMPORT_SECONDS_OF_ISSUE} s of imports = {limit:.1f}x"
        print(f"  {label:56s} {w:7.2f} s wall = {w / bw:5.2f}x   {c:7.2f} s CPU = {c / bc:5.2f}x   "
              f"goal {said}: {'MET' if w / bw <= limit else 'MISSED'} (wall)")


if __name__ == "__main__":
    main()
