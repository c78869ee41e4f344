#!/usr/bin/env python
"""Speed figures for the optimizers of `train` (solver/optimizers.py): printed, never asserted.

    python bench/optimizers.py            # best of 3 runs each
    python bench/optimizers.py --quick    # best of 1

The network and data of bench/train.py (4-8-8-1, tanh hidden layers, bce, 150 examples,
1000 epochs, mini-batches of 16: 10,000 updates). Each optimizer's NumPy loop
(solver.kinds.train.run.train alone) beside plain gradient descent measured in the same run,
with l2 = 0.001 on the weights, so that the cost of the moments shows as a ratio; with
torch importable, torch.optim's loop on the same batches, and the final losses of both. The
two agree to the last digits over the first epochs (tests/test_optimizers.py checks three);
over 10,000 updates rmsprop and adam, which divide by the root of small running averages,
amplify last-bit differences of the two libraries' arithmetic, and their final losses part
(measured: rmsprop equal to 1e-16 after 10 epochs, 4% apart after 100; adam 1e-10 after 300).
Times are CPU seconds of this process, one BLAS thread.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train import best, question  # noqa: E402  (bench/train.py: the same network and timing)

from solver.kinds.train.run import train  # noqa: E402
from solver.optimizers import NAMES, Settings  # noqa: E402

SIZE, L2, ETA = 16, 0.001, 0.05
TORCH = {"sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}),
         "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}), "rmsprop": ("RMSprop", {"alpha": 0.9, "eps": 1e-8}),
         "adagrad": ("Adagrad", {"eps": 1e-8}), "adam": ("Adam", {"betas": (0.9, 0.999), "eps": 1e-8})}


def torch_loop(q, name: str) -> float:
    import torch

    torch.set_num_threads(1)
    x = torch.tensor(q.data.x, dtype=torch.float64)
    y = torch.tensor(q.data.y, dtype=torch.float64)
    weights = [torch.tensor(layer.weights, dtype=torch.float64, requires_grad=True) for layer in q.network.layers]
    biases = [torch.tensor(layer.biases, dtype=torch.float64, requires_grad=True) for layer in q.network.layers]
    cls, kwargs = TORCH[name]
    opt = getattr(torch.optim, cls)([{"params": weights, "weight_decay": L2}, {"params": biases, "weight_decay": 0.0}],
                                    lr=ETA, **kwargs)
    acts = [getattr(torch, layer.activation) for layer in q.network.layers]

    def forward(xb):
        a = xb
        for w, b, act in zip(weights, biases, acts):
            a = act(a @ w.T + b)
        return a

    n = x.shape[0]
    for _ in range(q.spec.epochs):
        for start in range(0, n, SIZE):
            opt.zero_grad()
            torch.nn.functional.binary_cross_entropy(forward(x[start:start + SIZE]), y[start:start + SIZE]).backward()
            opt.step()
    with torch.no_grad():
        data = float(torch.nn.functional.binary_cross_entropy(forward(x), y))
        return data + L2 / 2 * sum(float((w ** 2).sum()) for w in weights)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="best of 1 instead of 3")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    base = dataclasses.replace(question("tanh", "bce", ETA, SIZE), learning_rate=ETA)
    try:
        import torch  # noqa: F401
        has_torch = True
    except ImportError:
        has_torch = False
    epochs = base.spec.epochs
    print(f"optimizers: 4-8-8-1 tanh/bce, 150 examples, {epochs} epochs, batch {SIZE}, l2 {L2}, eta {ETA}; "
          f"best of {repeats}; CPU seconds")
    train(base, SIZE, 1)            # warm up: the first run pays for imports and caches
    plain_time, _ = best(lambda: train(base, SIZE, epochs), repeats)
    print(f"{'optimizer':10} {'loop s':>8} {'x plain':>8} {'torch s':>8} {'final loss':>12} {'torch loss':>12}")
    print(f"{'(plain gd)':10} {plain_time:8.3f} {1.0:8.2f}")
    for name in NAMES:
        q = dataclasses.replace(base, optimizer=Settings(name, l2=L2))
        seconds, run = best(lambda: train(q, SIZE, epochs), repeats)
        row = f"{name:10} {seconds:8.3f} {seconds / plain_time:8.2f}"
        if has_torch:
            torch_seconds, torch_loss = best(lambda: torch_loop(q, name), repeats)
            row += f" {torch_seconds:8.3f} {float(run.losses[-1]):12.6f} {torch_loss:12.6f}"
        else:
            row += f" {'-':>8} {float(run.losses[-1]):12.6f} {'-':>12}"
        print(row)


if __name__ == "__main__":
    main()
