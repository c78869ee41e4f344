#!/usr/bin/env python
"""Bench: 100 variants of problems/exam1.yaml with answer keys in Markdown, with 1 worker and with
one per core (target: under 20 s on a 2-core machine); then the two combined PDFs (100 sheets,
100 keys) as `solve --variants` compiles them, each repeated picture typeset once into a box
(variants.shared_pictures), beside the baseline of the same documents with every picture
typeset where it stands (as before issue 12; goal: the whole of 100 variants with their PDFs
from 78 s to at most 30 s, the PDFs from 62 s of typesetting pictures to a few seconds).

    python bench/variants.py                  # 100 variants
    BENCH_VARIANTS=20 python bench/variants.py
    python bench/variants.py --no-baseline    # skip the slow baseline PDFs
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solver.formats import Style  # noqa: E402
from solver.settings import Settings  # noqa: E402
from solver.variants import make_variants, write_combined  # noqa: E402

N = int(os.environ.get("BENCH_VARIANTS", "100"))
EXAM = ROOT / "problems" / "exam1.yaml"


def run(workers: int):
    start = time.perf_counter()
    variants = make_variants((EXAM, 0, "markdown", Settings(), Style(), N), N, workers)
    return time.perf_counter() - start, variants


def combined(variants, share: bool) -> tuple[float, float] | None:
    """Wall time, and the CPU time of the LaTeX processes (what a busy machine does not move)."""
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        written = write_combined(variants, Path(tmp), "exam1", "bench", share=share)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return (wall, cpu) if written else None


def main() -> None:
    cores = os.cpu_count() or 1
    one, _ = run(1)
    print(f"{N} variants of exam1.yaml, answer keys and sheets in Markdown: 1 worker  {one:6.2f} s")
    many, variants = run(cores)
    print(f"{N} variants of exam1.yaml, answer keys and sheets in Markdown: {cores} workers {many:6.2f} s "
          f"(x{one / many:.2f})")
    draws = sum(v.draws for v in variants)
    print(f"draws: {draws} for {N} variants ({draws - N} rejected)")
    shared = combined(variants, True)
    if shared is None:
        print("combined PDFs: no LaTeX engine")
        return
    baseline = None if "--no-baseline" in sys.argv else combined(variants, False)
    print(f"combined PDFs of {N} sheets and {N} keys, each repeated picture typeset once: {shared[0]:6.2f} s "
          f"({shared[1]:.1f} s CPU of pdfLaTeX)")
    if baseline:
        print(f"  baseline, every picture typeset where it stands:                   {baseline[0]:6.2f} s "
              f"({baseline[1]:.1f} s CPU of pdfLaTeX); x{baseline[0] / shared[0]:.1f} wall, "
              f"x{baseline[1] / shared[1]:.1f} CPU")
    print(f"{N} variants with their combined PDFs ({cores} workers): {many + shared[0]:6.2f} s (goal <= 30 s)"
          + (f"   (baseline: {many + baseline[0]:6.2f} s)" if baseline else ""))

if __name__ == "__main__":
    main()
