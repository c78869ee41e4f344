"""Benchmark: a computation graph of 30 nodes, the whole solution (solve, Markdown with its
picture, LaTeX), against the goal of issue 3: under 1 s. Prints the figures.

    .venv/bin/python bench/graph.py [--nodes 30] [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from solver import solve  # noqa: E402

GOAL = 1.0


def problem(nodes: int) -> str:
    """A neuron-like chain: each layer mixes the one before with a shared input, through a
    function, so that nodes are used twice and partials have several paths."""
    funcs = ("tanh", "sigmoid", "sin", "exp")
    lets, prev, count = [], "x", 0
    k = 0
    while count + 3 <= nodes - 1:
        k += 1
        f = funcs[k % len(funcs)]
        lets.append(f"  h{k}: {f}(w{k % 3}*{prev} + b)*0.5")   # three operations and a function call
        prev = f"h{k}"
        count += 4
    lines = ["kind: graph", "name: L", "let:", *lets, f"expression: ({prev} - y)**2",
             "at: {x: 0.5, w0: 0.3, w1: -0.2, w2: 0.4, b: 0.1, y: 1}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.yaml"
        path.write_text(problem(args.nodes))
        sol = solve(path)
        qs = sol.questions[0]
        ops = sum(1 for s in qs.steps if s.kind.value == "node_value")
        paths = max(s.info.count for s in qs.steps if s.kind.value == "path_sum")
        times = {"solve": [], "markdown": [], "latex": [], "total": []}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            sol = solve(path)
            t1 = time.perf_counter()
            sol.render("markdown", assets={}, stem="graph")
            t2 = time.perf_counter()
            sol.render("latex")
            t3 = time.perf_counter()
            for name, dt in (("solve", t1 - t0), ("markdown", t2 - t1), ("latex", t3 - t2), ("total", t3 - t0)):
                times[name].append(dt)
    print(f"graph of {ops} operation nodes + 6 variables, {len(qs.question.spec.wrt)} partials, "
          f"up to {paths} paths per partial")
    for name, values in times.items():
        print(f"  {name:9s} median {statistics.median(values) * 1000:7.1f} ms   "
              f"min {min(values) * 1000:7.1f} ms")
    total = statistics.median(times["total"])
    print(f"whole solution: {total:.3f} s (goal under {GOAL} s): {'OK' if total < GOAL else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
