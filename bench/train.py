#!/usr/bin/env python
"""Speed figures for `train` questions: printed, never asserted.

    python bench/train.py            # best of 5 runs each
    python bench/train.py --quick    # best of 1

A 4-8-8-1 network (tanh or sigmoid hidden layers, a sigmoid output, bce or mse), 150
examples, 1000 epochs, full batch and mini-batches of 16, float64:
- loop:   solver.training.train alone (the vectorized NumPy epochs);
- solve:  the whole question as `solve` does it (kinds.solve_question: both runs, the
          answer steps of every epoch, the cross-checks, and for batch 16 the first update
          worked in full through the SymPy derivation of 16 examples);
- torch:  the same training as a PyTorch autograd loop (float64, CPU, same batches, same
          update), when torch is importable; its final loss is compared with NumPy's.
Targets (issue 3): full batch under 0.2 s of solving, batch 16 under 1 s; (issue 12) NumPy at
least 4 times faster than the torch loop on networks this small, in both, and at most 100 us
per update (an epoch's loss pass included). Times are CPU times of this process, so that the
other work of a shared machine does not count; both loops run one thread.

    python bench/train.py --large    # also the largest run the limits allow (see fields.py)
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import solver.cli  # noqa: E402,F401  (as `solve` does: one BLAS thread unless OPENBLAS_NUM_THREADS is set)
import numpy as np  # noqa: E402
import yaml  # noqa: E402

from solver.api import load_problem  # noqa: E402
from solver.kinds import solve_question  # noqa: E402
from solver.kinds.train.run import train  # noqa: E402
from timing import timed  # noqa: E402  (bench/timing.py: a fresh process's wall and CPU time)

EPOCHS, EXAMPLES, SIZES = 1000, 150, (4, 8, 8, 1)
CASES = [("tanh", "bce", 0.1), ("sigmoid", "mse", 0.5)]


def problem(hidden: str, loss: str, eta: float, batch) -> dict:
    rng = np.random.default_rng(2024)
    x = rng.uniform(-1, 1, (EXAMPLES, SIZES[0])).round(3)
    y = (x[:, 0] + 0.5 * x[:, 1] - x[:, 2] * x[:, 3] > 0).astype(int)
    layers = []
    for i in range(len(SIZES) - 1):
        layers.append({"units": SIZES[i + 1], "activation": hidden if i < len(SIZES) - 2 else "sigmoid",
                       "weights": rng.normal(0, 0.5, (SIZES[i + 1], SIZES[i])).round(3).tolist(),
                       "biases": np.zeros(SIZES[i + 1]).tolist()})
    return {"kind": "train", "network": {"inputs": SIZES[0], "layers": layers},
            "data": {"x": x.tolist(), "y": y.tolist()}, "loss": loss, "learning_rate": eta,
            "epochs": EPOCHS, "batch": batch}


def question(hidden, loss, eta, batch):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(yaml.safe_dump(problem(hidden, loss, eta, batch)))
        return load_problem(path).questions[0]


def best(f, repeats: int) -> tuple[float, object]:
    """The least CPU time of `repeats` runs (this process's, BLAS threads included: on a machine
    shared with other work the wall time measures the others too) and the last result."""
    times, out = [], None
    for _ in range(repeats):
        t = time.process_time()
        out = f()
        times.append(time.process_time() - t)
    return min(times), out


def torch_loop(q, size: int):
    import torch

    torch.set_num_threads(1)
    x = torch.tensor(q.data.x, dtype=torch.float64)
    y = torch.tensor(q.data.y, dtype=torch.float64)
    params = []
    for layer in q.network.layers:
        params.append(torch.tensor(layer.weights, dtype=torch.float64, requires_grad=True))
        params.append(torch.tensor(layer.biases, dtype=torch.float64, requires_grad=True))
    acts = [getattr(torch, layer.activation) for layer in q.network.layers]

    def forward(xb):
        a = xb
        for l, act in enumerate(acts):
            a = act(a @ params[2 * l].T + params[2 * l + 1])
        return a

    def loss_of(p, t):
        if q.loss == "bce":
            return torch.nn.functional.binary_cross_entropy(p, t)
        return ((p - t) ** 2).sum(dim=1).mean()

    n = x.shape[0]
    for _ in range(q.spec.epochs):
        for start in range(0, n, size):
            loss = loss_of(forward(x[start:start + size]), y[start:start + size])
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, g in zip(params, grads):
                    p -= q.learning_rate * g
        with torch.no_grad():
            final = float(loss_of(forward(x), y))
    return final


def large_file(path: Path, examples: int, epochs: int, carry: str) -> None:
    """A 4-8-1 network on `examples` examples, mini-batch 16: the most work fields.py allows."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, (examples, 4)).round(3)
    y = (x[:, 0] - x[:, 1] * x[:, 2] > 0).astype(int)
    doc = {"carry": carry, "questions": [{
        "id": "big", "kind": "train", "loss": "bce", "learning_rate": 0.1, "epochs": epochs, "batch": 16,
        "network": {"inputs": 4, "init": {"weights": 0.1, "biases": 0},
                    "layers": [{"units": 8, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]},
        "data": {"x": x.tolist(), "y": y.tolist()}}]}
    path.write_text(yaml.safe_dump(doc))


def large() -> None:
    """The largest runs the limits allow, whole `solve` processes, beside the bare imports."""
    from solver.kinds.train.fields import MAX_UPDATES, ROUNDED_WORK
    imports = [sys.executable, "-c", "import sympy, numpy, jinja2, click, yaml"]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    base_wall, base_cpu = timed(imports, env)
    print(f"\nthe largest runs allowed (goal: each within a minute); baseline "
          f"`python -c 'import sympy, numpy, jinja2, click, yaml'`: {base_wall:.2f} s wall, {base_cpu:.2f} s CPU")
    cases = [("exact", 10_000, MAX_UPDATES // 625), ("rounded", 2_000, MAX_UPDATES // ROUNDED_WORK // 125)]
    with tempfile.TemporaryDirectory() as tmp:
        for carry, examples, epochs in cases:
            path = Path(tmp) / f"large-{carry}.yaml"
            large_file(path, examples, epochs, carry)
            wall, cpu = timed([sys.executable, "-m", "solver", str(path), "-o", str(Path(tmp) / "out.md")], env)
            updates = epochs * -(-examples // 16)
            print(f"  solve, carry {carry:7}, {examples:,} examples, batch 16, {epochs:,} epochs "
                  f"({updates:,} updates): "
                  f"{wall:6.1f} s wall {cpu:6.1f} s CPU (x{cpu / base_cpu:.0f} the imports' CPU)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--large", action="store_true", help="also the largest runs the limits allow")
    parser.add_argument("--only-large", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only_large:
        large()
        return
    repeats = 1 if args.quick else 5
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    print(f"train: {'-'.join(map(str, SIZES))} network, {EXAMPLES} examples, {EPOCHS} epochs, float64; "
          f"best of {repeats}; BLAS threads: OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    print("torch: " + (torch_version if torch_version else "torch not installed (the NumPy figures alone; "
                       "pip install torch==2.13.0 to compare)"))
    print("times: CPU seconds; us/upd: per update, the epoch's loss pass included; goals: numpy x >= 4, "
          "us/upd <= 100")
    header = f"{'hidden':8} {'loss':5} {'batch':>5} {'updates':>8} {'loop s':>8} {'us/upd':>7} {'solve s':>8} " \
             f"{'torch s':>8} {'us/upd':>7} {'numpy x':>8} {'target':>8} {'final loss':>11} {'torch loss':>11}"
    print(header)
    print("-" * len(header))
    for hidden, loss, eta in CASES:
        for batch in ("full", 16):
            q = question(hidden, loss, eta, batch)
            size = q.spec.batches[0].size
            solve_question(q)   # warm up: imports, caches
            loop_s, run = best(lambda: train(q, size, EPOCHS), repeats)
            solve_s, _ = best(lambda: solve_question(q), max(1, repeats // 2))
            torch_s, torch_loss, ratio = None, None, None
            if torch_version:
                torch_s, torch_loss = best(lambda: torch_loop(q, size), max(1, repeats // 2))
                ratio = torch_s / loop_s
            target = 0.2 if batch == "full" else 1.0
            updates = EPOCHS * q.spec.batches[0].updates_per_epoch(EXAMPLES)
            print(f"{hidden:8} {loss:5} {str(batch):>5} {updates:>8} {loop_s:>8.3f} {loop_s / updates * 1e6:>7.0f} "
                  f"{solve_s:>8.3f} {torch_s if torch_s is not None else float('nan'):>8.3f} "
                  f"{torch_s / updates * 1e6 if torch_s is not None else float('nan'):>7.0f} "
                  f"{ratio if ratio is not None else float('nan'):>8.1f} {'<' + str(target):>8} "
                  f"{run.losses[-1]:>11.6f} {torch_loss if torch_loss is not None else float('nan'):>11.6f}")
            if torch_loss is not None and not np.isclose(torch_loss, run.losses[-1], rtol=1e-6):
                print(f"  warning: torch and NumPy end at different losses ({torch_loss} vs {run.losses[-1]})")
    if args.large:
        large()


if __name__ == "__main__":
    main()
    times = os.times()   # the CPU time of the whole run, BLAS threads included: what a busy machine pays
    print(f"CPU time of this run: {times.user + times.system:.1f} s (user {times.user:.1f} s, "
          f"system {times.system:.1f} s)")
