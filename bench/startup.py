#!/usr/bin/env python
"""How fast `solve` answers when there is nothing to solve: printed, never asserted.

    python bench/startup.py            # 15 runs of each command
    python bench/startup.py --runs 31

Times the whole process of `solve --help`, `solve --version`, a bad problem file, an answer
sheet that is not YAML and a bad option, beside `python -c "import click, yaml"` (the two
libraries the command line cannot do without), measured in the same run, interleaved, and
gives the median of each and its ratio to that floor. None of these imports SymPy, NumPy,
Jinja2 or matplotlib (tests/test_startup.py checks it); the goal is at most 1.5 times the floor.

Every command runs once untimed first, with Python's bytecode cache in a temporary folder
(PYTHONPYCACHEPREFIX), so that `solve` is timed as an installed package runs (its modules
compiled once), and not recompiled on every run where PYTHONDONTWRITEBYTECODE is set.
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


def solve_command() -> list[str]:
    """The installed `solve` script beside this Python, as a user runs it; else `python -m solver`."""
    script = Path(sys.executable).with_name("solve")
    return [str(script)] if script.exists() else [sys.executable, "-m", "solver"]


def cases(tmp: Path) -> list[tuple[str, list[str], int]]:
    """(label, command, expected exit status)."""
    solve = solve_command()
    not_yaml = tmp / "sheet.yaml"
    not_yaml.write_text("q1: {z1: [0.32, 0.04\n")
    return [
        ('python -c "import click, yaml"', [sys.executable, "-c", "import click, yaml"], 0),
        ("solve --help", solve + ["--help"], 0),
        ("solve --version", solve + ["--version"], 0),
        ("solve BAD.yaml (a typo in kind)", solve + [str(ROOT / "tests/bad/kind_typo.yaml"), "-o", str(tmp / "x.md")], 2),
        ("solve BAD.yaml (a matrix of the wrong shape)",
         solve + [str(ROOT / "tests/bad/wrong_shape.yaml"), "-o", str(tmp / "x.md")], 2),
        ("solve exam1.yaml --check NOT_YAML", solve + [str(ROOT / "problems/exam1.yaml"), "--check", str(not_yaml)], 2),
        ("solve exam1.yaml --decimals 99", solve + [str(ROOT / "problems/exam1.yaml"), "--decimals", "99"], 2),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        todo = cases(Path(tmp))
        times: dict[str, list[float]] = {label: [] for label, _, _ in todo}
        statuses: dict[str, set[int]] = {label: set() for label, _, _ in todo}
        for _, command, _ in todo:                      # compiles every module once, into the cache
            subprocess.run(command, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(args.runs):                      # interleaved: load on the machine hits every command alike
            for label, command, _ in todo:
                start = time.perf_counter()
                done = subprocess.run(command, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[label].append(time.perf_counter() - start)
                statuses[label].add(done.returncode)
    floor = statistics.median(times[todo[0][0]])
    print(f"median of {args.runs} runs each, {sys.version.split()[0]}, {' '.join(solve_command())}")
    print(f"{'command':48} {'median':>8} {'ratio':>6}  exit")
    for label, _, expected in todo:
        median = statistics.median(times[label])
        status = ",".join(map(str, sorted(statuses[label])))
        note = "" if statuses[label] == {expected} else f"  (expected {expected})"
        print(f"{label:48} {median:7.3f}s {median / floor:5.2f}x  {status}{note}")


if __name__ == "__main__":
    main()
