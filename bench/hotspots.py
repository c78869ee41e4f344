#!/usr/bin/env python
"""Where the time goes: cProfile of one cold solve at a given size.

    python bench/hotspots.py 500            # solve_network_question at ~500 parameters
    python bench/hotspots.py 5000 --sort tottime --limit 40
    python bench/hotspots.py 500 --what markdown     # api.solve + render('markdown')
    python bench/hotspots.py 500 --what derive       # derive.derive + derive.evaluate only
    python bench/hotspots.py 500 --pyinstrument      # a call tree instead (pip install pyinstrument)
    python bench/hotspots.py 500 --stages            # no profiler: wall time of each stage (best of 3)

Profilers inflate SymPy's many small calls 1.5-3x; trust --stages for shares, the profiles for where.

For the whole process use:  python -X importtime -m solver problems/exam1.yaml --format latex -o /tmp/x.tex
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("target", type=int)
    ap.add_argument("--what", choices=("question", "derive", "markdown", "latex"), default="question")
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("--limit", type=int, default=45)
    ap.add_argument("--pyinstrument", action="store_true")
    ap.add_argument("--dump", help="write the raw cProfile stats here")
    ap.add_argument("--stages", action="store_true", help="time the stages of solve_network_question + render")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        run.warm_up(tmp)
        n, h = run.shape_for(args.target)
        q = run.load_question(tmp, n, h)
        if args.what == "question":
            job = lambda: run.whole_question(q)  # noqa: E731
        elif args.what == "derive":
            job = lambda: run.sympy_path(q)  # noqa: E731
        else:
            from solver.api import solve
            from solver.settings import Settings
            path = run.write_problem(tmp, n, h)
            job = lambda: solve(path, Settings(max_parameters=10**6)).render(args.what)  # noqa: E731
        if args.stages:
            stages(q, run.write_problem(tmp, n, h))
            return
        run.cold()
        print(f"{args.what} at {run.param_count(n, h)} parameters ({n}-{h}-{h}-1)")
        if args.pyinstrument:
            from pyinstrument import Profiler
            prof = Profiler(interval=0.0005)
            prof.start()
            job()
            prof.stop()
            print(prof.output_text(unicode=False, color=False, show_all=False))
            return
        prof = cProfile.Profile()
        prof.enable()
        job()
        prof.disable()
        if args.dump:
            prof.dump_stats(args.dump)
        pstats.Stats(prof).strip_dirs().sort_stats(args.sort).print_stats(args.limit)


def stages(q, path) -> None:
    """The body of solve_network_question, stage by stage (mirrors solver/kinds/network/steps.py), then render."""
    import time
    from solver import derive, numeric
    from solver.api import solve
    from solver.crosscheck import cross_check
    from solver.kinds.network import steps as nw
    from solver.settings import Settings

    def once():
        t = {}
        run.cold()
        t0 = time.perf_counter()
        d = derive.derive(q.network, q.loss, q.reduction, q.kind == "backprop", q.huber_delta)
        t["derive.derive"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        given = nw._given(q)
        specs = nw._specs(q, q.loss is not None and q.data.y is not None, q.kind == "backprop")
        exact, shown = nw._run(specs, given, q.display.decimals, q.display.carry)
        t["steps' NumPy values (_run)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        derive.evaluate(q.network, d, q.data.x, q.data.y, q.loss, q.reduction, q.huber_delta)
        t["  of cross_check: derive.evaluate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        cross_check(q, d, exact)
        t["cross_check (evaluate again + NumPy + compare)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for s_ in specs:
            nw._finish(q, d, s_, exact, shown)
        t["_finish: lines with numbers put in"] = time.perf_counter() - t0
        sol = solve(path, Settings(max_parameters=10**6))
        for fmt in ("markdown", "latex"):
            t0 = time.perf_counter()
            sol.render(fmt)
            t[f"render({fmt!r}) (not in solve_network_question)"] = time.perf_counter() - t0
        return t

    runs = [once() for _ in range(3)]
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    core = sum(v for k, v in best.items() if not k.startswith("  ") and "render" not in k)
    print(f"stages at {q.network.parameter_count} parameters (best of 3, no profiler); "
          f"solve_network_question ~ {core:.3f} s")
    for k, v in best.items():
        share = f"{100 * v / core:5.1f}%" if "render" not in k else "     "
        print(f"  {k:55s} {v:8.3f} s  {share}")


if __name__ == "__main__":
    main()
