#!/usr/bin/env python
"""How fast the default command draws its pictures: printed, never asserted.

    python bench/pictures.py                      # 7 runs of each command
    python bench/pictures.py --runs 11
    python bench/pictures.py --before OLD_TREE    # also a checkout of an older `solve`, same runs

Times the whole process of `solve problems/exam1.yaml` (Markdown, the default, with its three
network pictures written beside it as SVG) and of `--format latex`, beside
`python -c "import sympy, numpy, jinja2, click, yaml"` (the libraries `solve` stands on),
measured in the same run, interleaved; prints the median of each and its ratio to that
floor (issue 12's goal: at most 1.5x for Markdown). With --before, the same commands of the
older tree (its `solver` package first on PYTHONPATH) run interleaved with these, so the
before/after ratios come from one run. Also times drawing the pictures alone, in process:
every diagram and chart of the shipped examples laid out and written as SVG and as TikZ.

Every command runs once untimed first, with the bytecode cache in a temporary folder.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = 'python -c "import sympy, numpy, jinja2, click, yaml"'


def cases(tmp: Path, before: Path | None) -> list[tuple[str, list[str], dict]]:
    """(label, command, environment additions)."""
    run = [sys.executable, "-m", "solver"]
    exam = str(ROOT / "problems" / "exam1.yaml")
    todo = [(FLOOR, [sys.executable, "-c", "import sympy, numpy, jinja2, click, yaml"], {}),
            ("solve exam1.yaml (Markdown)", run + [exam, "-o", str(tmp / "now" / "exam1.md")], {"PYTHONPATH": str(ROOT)}),
            ("solve exam1.yaml --format latex", run + [exam, "--format", "latex", "-o", str(tmp / "now" / "exam1.tex")],
             {"PYTHONPATH": str(ROOT)})]
    if before is not None:
        todo += [("before: solve exam1.yaml (Markdown)", run + [exam, "-o", str(tmp / "before" / "exam1.md")],
                  {"PYTHONPATH": str(before)}),
                 ("before: solve exam1.yaml --format latex",
                  run + [exam, "--format", "latex", "-o", str(tmp / "before" / "exam1.tex")], {"PYTHONPATH": str(before)})]
    return todo


def drawing() -> tuple[float, int]:
    """Seconds to lay out and draw every picture of the shipped examples (SVG and TikZ), and how many."""
    sys.path.insert(0, str(ROOT))
    from solver import solve
    from solver.render import figures
    from solver.render.documents import formatter_for
    from solver.figures import Chart, Diagram

    work = []
    for path in sorted((ROOT / "problems").glob("*.yaml")):
        for qs in solve(path).questions:
            for step in qs.steps:
                for name in ("figure", "diagram", "chart"):
                    fig = getattr(step.info, name, None)
                    if isinstance(fig, (Chart, Diagram)):
                        work.append((qs, fig))
    start = time.perf_counter()
    for qs, fig in work:
        figures._DRAWN.clear()
        figures.svg(fig, formatter_for(qs, "markdown", figures.Pictures({}, "b")))
        figures.tikz(fig, formatter_for(qs, "latex"))
    return time.perf_counter() - start, len(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", type=Path, help="a checkout of an older version, to time beside this one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "now").mkdir()
        (Path(tmp) / "before").mkdir()
        todo = cases(Path(tmp), args.before)
        base = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        times: dict[str, list[float]] = {label: [] for label, _, _ in todo}
        failed: set[str] = set()
        for rnd in range(args.runs + 1):               # the first round compiles, untimed
            for label, command, extra in todo:
                start = time.perf_counter()
                done = subprocess.run(command, cwd=tmp, env={**base, **extra},
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if rnd:
                    times[label].append(time.perf_counter() - start)
                if done.returncode:
                    failed.add(label)
        pictures = {side: sorted(p.name for p in (Path(tmp) / side).iterdir() if p.suffix not in (".md", ".tex"))
                    for side in ("now", "before")}
    floor = statistics.median(times[FLOOR])
    print(f"median of {args.runs} runs each, {sys.version.split()[0]}")
    print(f"{'command':44} {'median':>8} {'ratio':>6}")
    for label, _, _ in todo:
        median = statistics.median(times[label])
        note = "  (failed)" if label in failed else ""
        print(f"{label:44} {median:7.3f}s {median / floor:5.2f}x{note}")
    for side, names in pictures.items():
        if names:
            print(f"pictures beside the Markdown ({side}): {', '.join(names)}")
    seconds, count = drawing()
    print(f"drawing all {count} pictures of problems/*.yaml, SVG and TikZ, in process: {seconds:.3f}s")


if __name__ == "__main__":
    main()
