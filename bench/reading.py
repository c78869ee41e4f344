#!/usr/bin/env python
"""How fast a large problem file is read: printed, never asserted.

    python bench/reading.py              # best of 5 runs each
    python bench/reading.py --runs 1

Writes a train question of 10,000 examples (4 inputs, 1 target, 0.4 MB of YAML) to a temporary
file and times, each in a fresh interpreter, reading and validating it (`solve`'s reader:
solver.yamlsource.load_file and solver.problem.validate, no solving) beside the baseline
`python -c "import yaml"` measured in the same run, interleaved. Both are the whole process;
the figure that counts is the difference (goal: at most 0.5 s). With --pure the reader is
also timed with PyYAML's pure-Python loader forced (SOLVE_YAML_PURE=1), as it was before
libyaml was used.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path

from timing import timed  # bench/timing.py

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 10_000

READ = ("import sys; from solver.yamlsource import load_file; from solver.problem import validate; "
        "validate(load_file(sys.argv[1]))")


def train_file(path: Path, examples: int = EXAMPLES, seed: int = 0) -> None:
    rng = random.Random(seed)
    rows = [[round(rng.uniform(-1, 1), 3) for _ in range(4)] for _ in range(examples)]
    ys = [rng.randint(0, 1) for _ in range(examples)]
    lines = ["questions:", "  - id: big", "    kind: train", "    network:", "      inputs: 4", "      init: {weights: 0.1, biases: 0}",
             "      layers:", "        - {units: 8, activation: tanh}", "        - {units: 1, activation: sigmoid}",
             "    loss: bce", "    learning_rate: 0.1", "    epochs: 1", "    batch: 16", "    data:", "      x:"]
    lines += [f"        - [{', '.join(str(v) for v in row)}]" for row in rows]
    lines += ["      y: [" + ", ".join(map(str, ys)) + "]", ""]
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pure", action="store_true", help="also time the pure-Python YAML loader")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "SOLVE_YAML_PURE"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as tmp:
        problem = Path(tmp) / "big.yaml"
        train_file(problem)
        cases = [("python -c 'import yaml' (baseline)", [sys.executable, "-c", "import yaml"], env),
                 ("read + validate, 10,000 examples", [sys.executable, "-c", READ, str(problem)], env)]
        if args.pure:
            cases.append(("the same, pure-Python loader", [sys.executable, "-c", READ, str(problem)],
                          {**env, "SOLVE_YAML_PURE": "1"}))
        for _, command, case_env in cases:   # once untimed: the bytecode cache written
            timed(command, case_env)
        best = [(float("inf"), float("inf"))] * len(cases)
        for _ in range(args.runs):
            for i, (_, command, case_env) in enumerate(cases):
                wall, cpu = timed(command, case_env)
                best[i] = (min(best[i][0], wall), min(best[i][1], cpu))
    print(f"reading a {EXAMPLES:,}-example train file (best of {args.runs}; wall time, and CPU time):")
    (base_wall, base_cpu) = best[0]
    for i, ((label, _, _), (wall, cpu)) in enumerate(zip(cases, best)):
        extra = f"  (+{wall - base_wall:.2f} s wall, +{cpu - base_cpu:.2f} s CPU over the baseline)" if i else ""
        print(f"  {label:<36} {wall:6.2f} s wall {cpu:6.2f} s CPU{extra}")


if __name__ == "__main__":
    main()
