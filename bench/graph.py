"""Benchmark: computation graphs, the whole solution (solve, Markdown with its picture, LaTeX).

1. A chain of 30 nodes, in process, against the goal of issue 3: under 1 s.
2. The largest graph the limits allow (issue 12): MAX_OPERATIONS - 1 operations, MAX_VARIABLES
   variables, 12 levels that each use the level below twice (so the written-out formula
   doubles 12 times), as a whole `solve` process per format, beside the bare imports of the
   libraries (`python -c "import sympy, numpy, jinja2, click, yaml"`) measured in the same run;
   goal: under 10 s. Also prints the size of the file and its longest line.

    .venv/bin/python bench/graph.py [--nodes 30] [--repeat 5] [--levels 12] [--skip-chain]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solver import solve  # noqa: E402
from solver.kinds.graph.fields import MAX_OPERATIONS, MAX_VARIABLES  # noqa: E402
from timing import timed  # noqa: E402  (bench/timing.py)

GOAL = 1.0
GOAL_LIMITS = 10.0              # seconds, on the machine of issue 12, whose bare imports take 0.9 s:
GOAL_LIMITS_RATIO = 10.0 / 0.9  # so at most this many times the imports on any machine
IMPORTS = "import sympy, numpy, jinja2, click, yaml"


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


def limits_problem(levels: int = 12) -> tuple[str, int, int]:
    """The largest graph the limits allow: x and y, one weight per level, the remaining variables
    as biases; level k is f(w_k*h + b)*(h + b') (5 operations) or f(w_k*h + b)*h (4), h used
    twice either way; then (h - y)**2. Returns the text, its operations and its variables."""
    funcs = ("tanh", "sigmoid", "sin", "sigmoid")
    biases = MAX_VARIABLES - 2 - levels
    values = {"x": 0.5, "y": 1}
    values |= {f"w{k}": round(0.3 + 0.05 * ((k * 7) % 5) - 0.1 * (k % 2), 2) for k in range(levels)}
    values |= {f"b{j}": round(0.1 + 0.05 * j, 2) for j in range(biases)}
    lets, prev, count = [], "x", 0
    for k in range(levels):
        f, b, c = funcs[k % 4], f"b{k % biases}", f"b{(k + 3) % biases}"
        if count + 5 + 4 * (levels - k - 1) + 2 <= MAX_OPERATIONS - 1:
            lets.append(f"  h{k + 1}: {f}(w{k}*{prev} + {b})*({prev} + {c})")
            count += 5
        else:
            lets.append(f"  h{k + 1}: {f}(w{k}*{prev} + {b})*{prev}")
            count += 4
        prev = f"h{k + 1}"
    at = ", ".join(f"{k}: {v}" for k, v in values.items())
    text = "\n".join(["kind: graph", "name: L", "let:", *lets, f"expression: ({prev} - y)**2",
                      "at: {" + at + "}"]) + "\n"
    return text, count + 2, len(values)


def _wall(cmd: list[str]) -> float:
    return timed(cmd)[0]


def limits(levels: int, repeat: int) -> None:
    text, ops, variables = limits_problem(levels)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "limits.yaml"
        path.write_text(text)
        base, figures = [], {"markdown": [], "latex": []}
        for _ in range(repeat):           # interleaved, so that a busy machine slows both alike
            base.append(_wall([sys.executable, "-c", IMPORTS]))
            for fmt in figures:
                out = Path(tmp) / f"out.{'md' if fmt == 'markdown' else 'tex'}"
                figures[fmt].append(_wall([sys.executable, "-m", "solver", str(path), "--format", fmt,
                                           "-o", str(out)]))
        b = statistics.median(base)
        print(f"graph at the limits: {ops} operations, {variables} variables, {levels} levels used twice "
              f"(median of {repeat} processes)")
        print(f"  bare imports ({IMPORTS}): {b:6.2f} s")
        for fmt, values in figures.items():
            out = Path(tmp) / f"out.{'md' if fmt == 'markdown' else 'tex'}"
            body = out.read_text()
            m = statistics.median(values)
            print(f"  {fmt:9s} {m:6.2f} s  = {m / b:5.1f}x the imports   file {len(body) / 1e3:7.1f} kB, "
                  f"longest line {max(len(x) for x in body.splitlines()):6d} chars   "
                  f"(goal {GOAL_LIMITS:.0f} s at 0.9 s of imports = {GOAL_LIMITS_RATIO:.1f}x: "
                  f"{'OK' if m / b <= GOAL_LIMITS_RATIO else 'TOO SLOW'})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--levels", type=int, default=12)
    parser.add_argument("--skip-chain", action="store_true")
    args = parser.parse_args()
    if not args.skip_chain:
        chain(args.nodes, args.repeat)
    limits(args.levels, max(1, min(args.repeat, 3)))


def chain(nodes: int, repeat: int) -> None:
    args = argparse.Namespace(nodes=nodes, repeat=repeat)
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
