"""Bench: 100 variants of problems/exam1.yaml with answer keys in Markdown, with 1 worker and with
one per core (target: under 20 s on a 2-core machine). The combined PDFs are timed apart."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solver.settings import Settings  # noqa: E402
from solver.variants import make_variants, write_combined  # noqa: E402

N = int(os.environ.get("BENCH_VARIANTS", "100"))
EXAM = ROOT / "problems" / "exam1.yaml"


def run(workers: int):
    start = time.perf_counter()
    variants = make_variants((EXAM, 0, "markdown", Settings(), False, N), N, workers)
    return time.perf_counter() - start, variants


def main() -> None:
    cores = os.cpu_count() or 1
    one, _ = run(1)
    print(f"{N} variants of exam1.yaml, answer keys and sheets in Markdown: 1 worker  {one:6.2f} s")
    many, variants = run(cores)
    print(f"{N} variants of exam1.yaml, answer keys and sheets in Markdown: {cores} workers {many:6.2f} s "
          f"(x{one / many:.2f})")
    draws = sum(v.draws for v in variants)
    print(f"draws: {draws} for {N} variants ({draws - N} rejected)")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        written = write_combined(variants, Path(tmp), "exam1", "bench")
        if written:
            print(f"combined PDFs of {N} sheets and {N} keys: {time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()
