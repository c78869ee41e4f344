#!/usr/bin/env python
"""Speed figures for `solve`: printed, never asserted.

    python bench/run.py            # the full set (several minutes)
    python bench/run.py --quick    # a reduced set (under a minute)
    python bench/run.py --only growth   # one section

1. Whole process: `python -m solver problems/exam1.yaml --format latex -o TMP` against
   `python -c "import sympy, numpy, jinja2, click, yaml"` (median of N runs each, interleaved).
2. Growth with the network: derive.derive + derive.evaluate (the SymPy path with numbers),
   and kinds.network.solve_network_question (everything except rendering, cross-check included),
   for networks n-h-h-1 of about 50 ... 5000 parameters.
3. The whole Markdown solution at ~500 parameters: api.solve(path) + render("markdown").
4. The naive way: the whole loss as one nested SymPy expression of all parameters and one
   sympy.diff per parameter, beside the layer-by-layer figures; each size runs in a subprocess
   that is killed at the time cap, and larger sizes are skipped after one hits it.

In-process timings (2-4) are the best of 3 runs (1 with --quick) and clear SymPy's cache and the `sym` cache before every timed run, so
that each run starts as cold as a fresh `solve` process would (the process itself is warmed
up once at a small size first, for imports and lazy initialisation).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

IMPORT_CMD = "import sympy, numpy, jinja2, click, yaml"
GROWTH_TARGETS = (50, 100, 250, 500, 1000, 2000, 5000)
NAIVE_TARGETS = (20, 30, 52, 76, 100, 250)   # the last two show where the cap bites
GOAL_PROCESS_RATIO = 1.5
GOAL_DOUBLING = 2.5
GOAL_500, GOAL_5000 = 0.25, 2.5      # times the bare imports (issue 12)
GOAL_MARKDOWN_500 = 3.0


# ----------------------------------------------------------------------------- problems

def param_count(n: int, h: int) -> int:
    """n inputs, two hidden layers of h units, one output, with biases."""
    return n * h + h + h * h + h + h + 1


def shape_for(target: int) -> tuple[int, int]:
    """(n, h) with param_count close to target, preferring n close to h."""
    best = None
    for h in range(2, 200):
        guess = (target - 1) / h - h - 3
        for n in {max(1, math.floor(guess)), max(1, math.ceil(guess))}:
            cost = abs(param_count(n, h) - target) + 0.5 * abs(n - h)
            if best is None or cost < best[0]:
                best = (cost, n, h)
    return best[1], best[2]


def problem_data(n: int, h: int, seed: int = 0) -> dict:
    """A backprop question: n-h-h-1, sigmoid throughout, bce, one example."""
    rng = np.random.default_rng(seed + 1000 * n + h)
    sizes = [n, h, h, 1]
    layers = []
    for fan_in, units in zip(sizes[:-1], sizes[1:]):
        w = np.round(rng.uniform(-1, 1, (units, fan_in)) / math.sqrt(fan_in), 2)
        b = np.round(rng.uniform(-0.2, 0.2, units), 2)
        layers.append({"units": units, "activation": "sigmoid",
                       "weights": w.tolist(), "biases": b.tolist()})
    x = np.round(rng.uniform(0, 1, n), 2).tolist()
    return {"title": f"bench {n}-{h}-{h}-1",
            "questions": [{"id": "q1", "kind": "backprop",
                           "network": {"inputs": n, "layers": layers},
                           "data": {"x": x, "y": [1]},
                           "loss": "bce", "learning_rate": 0.1, "decimals": 4}]}


def write_problem(tmp: Path, n: int, h: int) -> Path:
    path = tmp / f"net_{n}_{h}.yaml"
    if not path.exists():
        path.write_text(yaml.safe_dump(problem_data(n, h), default_flow_style=None, width=10**6))
    return path


def load_question(tmp: Path, n: int, h: int):
    from solver.api import load_problem
    from solver.settings import Settings
    problem = load_problem(write_problem(tmp, n, h), Settings(max_parameters=10**6))
    return problem.questions[0]


# ----------------------------------------------------------------------------- timing helpers

def cold() -> None:
    """Forget what SymPy and `sym` have cached, as in a fresh process."""
    from sympy.core.cache import clear_cache
    from solver import symbols
    clear_cache()
    symbols.sym.cache_clear()
    symbols._meaning.cache_clear()


def timed(fn, repeat: int = 1, budget: float = 15.0) -> float:
    """Best (minimum) wall time of fn() over `repeat` runs, cold caches each run; stops repeating
    once a run takes over `budget` seconds. The minimum, not the median: on a shared machine the
    noise only ever adds time."""
    times = []
    for i in range(repeat):
        cold()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if times[-1] > budget:
            break
    return min(times)


def fmt_s(t: float | None) -> str:
    if t is None:
        return "-"
    if isinstance(t, str):
        return t
    if t < 1:
        return f"{t * 1000:.1f} ms"
    return f"{t:.2f} s"


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    line = "  ".join(str(h).rjust(w) for h, w in zip(headers, widths))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(str(c).rjust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join([line, rule, *body])


def section(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


# ----------------------------------------------------------------------------- 1. process

def _children_cpu() -> float:
    try:
        import resource
    except ImportError:   # not on Windows
        return 0.0
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench_process(runs: int) -> dict:
    section(f"1. Whole process (median of {runs} runs each, interleaved, after 1 warm-up each)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "exam1.tex"
        solve_cmd = [sys.executable, "-m", "solver", "problems/exam1.yaml", "--format", "latex", "-o", str(out)]
        import_cmd = [sys.executable, "-c", IMPORT_CMD]

        def run(cmd):
            cpu0 = _children_cpu()
            t0 = time.perf_counter()
            p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            t = time.perf_counter() - t0
            if p.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-500:]}")
            return t, _children_cpu() - cpu0

        run(solve_cmd)
        run(import_cmd)
        solve_t, import_t, solve_cpu, import_cpu = [], [], [], []
        for _ in range(runs):
            t, c = run(solve_cmd)
            solve_t.append(t)
            solve_cpu.append(c)
            t, c = run(import_cmd)
            import_t.append(t)
            import_cpu.append(c)
    ms, mi = statistics.median(solve_t), statistics.median(import_t)
    cs, ci = statistics.median(solve_cpu), statistics.median(import_cpu)
    ratio = ms / mi
    print(table(["command", "median wall", "min", "max", "median CPU (user+sys)"],
                [["solve exam1.yaml --format latex", fmt_s(ms), fmt_s(min(solve_t)), fmt_s(max(solve_t)), fmt_s(cs)],
                 [f'python -c "{IMPORT_CMD}"', fmt_s(mi), fmt_s(min(import_t)), fmt_s(max(import_t)), fmt_s(ci)]]))
    print(f"ratio solve / imports = {ratio:.2f} wall (goal <= {GOAL_PROCESS_RATIO}: {verdict(ratio <= GOAL_PROCESS_RATIO)}); "
          f"{cs / ci:.2f} in CPU time, which other load on the machine disturbs less")
    print(f"python: {sys.executable}")
    return {"solve": ms, "imports": mi, "ratio": ratio, "cpu_ratio": cs / ci}


# ----------------------------------------------------------------------------- 2. growth

def sympy_path(q):
    from solver import derive
    net, data = q.network, q.data
    d = derive.derive(net, q.loss, q.reduction, q.kind == "backprop", q.huber_delta)
    return derive.evaluate(net, d, data.x, data.y, q.loss, q.reduction, q.huber_delta)


def whole_question(q):
    from solver.kinds.network.steps import solve_network_question
    return solve_network_question(q)


def layer_by_layer(tmp: Path, n: int, h: int, repeat: int) -> tuple[float, float]:
    q = load_question(tmp, n, h)
    return timed(lambda: sympy_path(q), repeat), timed(lambda: whole_question(q), repeat)


def warm_up(tmp: Path) -> None:
    q = load_question(tmp, 2, 2)
    sympy_path(q)
    whole_question(q)
    from solver.api import solve
    from solver.settings import Settings
    solve(write_problem(tmp, 2, 2), Settings(max_parameters=10**6)).render("markdown")


def growth_ratio(prev, cur):
    """(t2/t1, the same growth per doubling of P: (t2/t1) ** (1 / log2(P2/P1)))."""
    (p1, t1), (p2, t2) = prev, cur
    r = t2 / t1
    return r, r ** (1 / math.log2(p2 / p1))


def bench_growth(tmp: Path, targets, repeat: int) -> dict:
    section(f"2. Derivation plus numbers as the network grows (n-h-h-1, sigmoid, bce, 1 example; "
            f"cold cache; best of {repeat})")
    results = []
    for target in targets:
        n, h = shape_for(target)
        P = param_count(n, h)
        t_sym, t_all = layer_by_layer(tmp, n, h, repeat)
        results.append((P, f"{n}-{h}-{h}-1", t_sym, t_all))
        print(f"  ... {P} parameters: derive+evaluate {fmt_s(t_sym)}, solve_network_question {fmt_s(t_all)}",
              flush=True)
    rows = []
    worst = {"sym": 0.0, "all": 0.0}
    for i, (P, shape, ts, ta) in enumerate(results):
        if i:
            rs, ds = growth_ratio((results[i - 1][0], results[i - 1][2]), (P, ts))
            ra, da = growth_ratio((results[i - 1][0], results[i - 1][3]), (P, ta))
            worst["sym"], worst["all"] = max(worst["sym"], ds), max(worst["all"], da)
            ratio_s, ratio_a = f"{rs:.2f} ({ds:.2f})", f"{ra:.2f} ({da:.2f})"
        else:
            ratio_s = ratio_a = "-"
        rows.append([str(P), shape, fmt_s(ts), ratio_s, f"{ts / P * 1e6:.0f}",
                     fmt_s(ta), ratio_a, f"{ta / P * 1e6:.0f}"])
    print(table(["params", "shape", "derive+evaluate", "x prev (per 2x P)", "us/param",
                 "solve_network_question", "x prev (per 2x P)", "us/param"], rows))
    print("x prev = t(P)/t(previous P); (per 2x P) = the same growth rescaled to one doubling of P,"
          " t(2P)/t(P) = ratio ** (1/log2(P/P_prev)).")
    print(f"worst per-doubling ratio: derive+evaluate {worst['sym']:.2f}, solve_network_question "
          f"{worst['all']:.2f}   (goal <= {GOAL_DOUBLING}: {verdict(worst['sym'] <= GOAL_DOUBLING)}, "
          f"{verdict(worst['all'] <= GOAL_DOUBLING)})")
    by_target = dict(zip(targets, results))
    imports = bare_imports()
    print(f"bare imports, measured now (median of 3 processes: python -c \"{IMPORT_CMD}\"): {fmt_s(imports)}")
    for target, goal in ((500, GOAL_500), (5000, GOAL_5000)):
        if target in by_target:
            P, _, ts, ta = by_target[target]
            print(f"at {P} parameters (goal <= {goal}x the imports): derive+evaluate {fmt_s(ts)} = "
                  f"{ts / imports:.3f}x {verdict(ts <= goal * imports)}; "
                  f"solve_network_question {fmt_s(ta)} = {ta / imports:.3f}x {verdict(ta <= goal * imports)}")
    return {"rows": results}


def bare_imports(runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORT_CMD], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# ----------------------------------------------------------------------------- 3. markdown

def bench_markdown(tmp: Path, target: int, repeat: int) -> dict:
    from solver.api import solve
    from solver.settings import Settings
    n, h = shape_for(target)
    P = param_count(n, h)
    section(f"3. The whole Markdown solution at {P} parameters ({n}-{h}-{h}-1; cold cache; best of {repeat})")
    path = write_problem(tmp, n, h)
    settings = Settings(max_parameters=10**6)
    totals, solves, renders, size = [], [], [], 0
    for _ in range(repeat):
        cold()
        t0 = time.perf_counter()
        sol = solve(path, settings)
        t1 = time.perf_counter()
        text = sol.render("markdown")
        t2 = time.perf_counter()
        solves.append(t1 - t0)
        renders.append(t2 - t1)
        totals.append(t2 - t0)
        size = len(text)
    total = min(totals)
    print(table(["part", "best"], [["api.solve (read, derive, numbers, cross-check, steps)", fmt_s(min(solves))],
                                     ["Solution.render('markdown')", fmt_s(min(renders))],
                                     ["total", fmt_s(total)]]))
    print(f"output: {size:,} characters.   goal < {GOAL_MARKDOWN_500} s: {verdict(total < GOAL_MARKDOWN_500)}")
    return {"total": total}


# ----------------------------------------------------------------------------- 4. naive

def naive_worker(n: int, h: int, warm: bool = True) -> dict:
    """The whole loss as one expression of all parameters, one sympy.diff per parameter."""
    import sympy as sp
    if warm:   # warm the process up like the in-process side (imports, lazy set-up), then forget the cache
        naive_worker(1, 2, warm=False)
        cold()
    from solver import numeric
    data = problem_data(n, h)
    qd = data["questions"][0]
    x = [sp.Float(v) for v in qd["data"]["x"]]
    y = sp.Float(qd["data"]["y"][0])
    t0 = time.perf_counter()
    params, values = [], {}
    a = x
    for l, layer in enumerate(qd["network"]["layers"], start=1):
        W = [[sp.Symbol(f"W{l}_{j}_{k}", real=True) for k in range(len(a))] for j in range(layer["units"])]
        b = [sp.Symbol(f"b{l}_{j}", real=True) for j in range(layer["units"])]
        for j in range(layer["units"]):
            for k in range(len(a)):
                params.append(W[j][k])
                values[W[j][k]] = sp.Float(layer["weights"][j][k])
            params.append(b[j])
            values[b[j]] = sp.Float(layer["biases"][j])
        a = [1 / (1 + sp.exp(-(sp.Add(*[W[j][k] * a[k] for k in range(len(a))]) + b[j])))
             for j in range(layer["units"])]
    loss = -(y * sp.log(a[0]) + (1 - y) * sp.log(1 - a[0]))
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    grads = [sp.diff(loss, p) for p in params]
    t_diff = time.perf_counter() - t0
    t0 = time.perf_counter()
    nums = [float(g.xreplace(values)) for g in grads]
    t_num = time.perf_counter() - t0
    ops = sum(sp.count_ops(g) for g in grads[:3]) / 3
    # agreement with the NumPy pass (a sanity figure, not an assertion)
    import tempfile as _tf
    with _tf.TemporaryDirectory() as tmp:
        q = load_question(Path(tmp), n, h)
    fwd = numeric.forward(q.network, q.data.x)
    back = numeric.backward(q.network, fwd, q.data.y, q.loss, q.reduction, q.huber_delta)
    ref = []
    for dW, db in zip(back.dW, back.db):
        for j in range(dW.shape[0]):
            ref.extend(dW[j].tolist())
            ref.append(db[j])
    err = float(np.max(np.abs(np.array(nums) - np.array(ref))))
    return {"params": len(params), "build": t_build, "diff": t_diff, "numbers": t_num,
            "total": t_build + t_diff + t_num, "ops_first3": ops, "max_err": err}


def bench_naive(tmp: Path, targets, cap: float, repeat: int) -> dict:
    section(f"4. Naive (one nested loss expression, sympy.diff per parameter; cap {cap:.0f} s per size) "
            "versus layer by layer")
    rows, capped = [], False
    for target in targets:
        n, h = shape_for(target)
        P = param_count(n, h)
        shape = f"{n}-{h}-{h}-1"
        t_sym, t_all = layer_by_layer(tmp, n, h, repeat)
        if capped:
            naive = "skipped"
            diff = nums = err = "-"
        else:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--naive-worker", str(n), str(h)]
            try:
                t0 = time.perf_counter()
                p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=cap)
                wall = time.perf_counter() - t0
                if p.returncode != 0:
                    raise RuntimeError(p.stderr.strip()[-500:])
                res = json.loads(p.stdout.strip().splitlines()[-1])
                naive, diff, nums = fmt_s(res["total"]), fmt_s(res["diff"]), fmt_s(res["numbers"])
                err = f"{res['max_err']:.1e}"
                if res["total"] > cap:
                    capped = True
            except subprocess.TimeoutExpired:
                naive, diff, nums, err = f"> {cap:.0f} s", "-", "-", "-"
                capped = True
        speedup = "-"
        if naive not in ("skipped",) and not naive.startswith(">"):
            speedup = f"{res['total'] / t_sym:.0f}x"
        elif naive.startswith(">"):
            speedup = f"> {cap / t_sym:.0f}x"
        rows.append([str(P), shape, naive, diff, nums, err, fmt_s(t_sym), fmt_s(t_all), speedup])
        print(f"  ... {P} parameters: naive {naive}, layer by layer {fmt_s(t_sym)}", flush=True)
    print(table(["params", "shape", "naive total", "of which diff", "numbers", "max|err| vs NumPy",
                 "derive+evaluate", "solve_network_question", "naive / derive+evaluate"], rows))
    print("naive total = build the nested expression + sympy.diff per parameter + substitute the numbers "
          "(fresh process per size).")
    return {"rows": rows}


# ----------------------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a reduced set, under a minute")
    ap.add_argument("--cap", type=float, help="time cap per naive size in seconds (default 60, quick 10)")
    ap.add_argument("--naive-worker", nargs=2, type=int, metavar=("N", "H"), help=argparse.SUPPRESS)
    ap.add_argument("--only", choices=("process", "growth", "markdown", "naive"), help="one section")
    args = ap.parse_args()
    if args.naive_worker:
        print(json.dumps(naive_worker(*args.naive_worker)))
        return
    quick = args.quick
    cap = args.cap or (10.0 if quick else 60.0)
    import platform
    import sympy
    print(f"solve benchmark ({'quick' if quick else 'full'}): Python {platform.python_version()}, "
          f"SymPy {sympy.__version__}, NumPy {np.__version__}, {platform.machine()}, {os.cpu_count()} CPUs")
    if hasattr(os, "getloadavg"):
        print("load average at start: " + ", ".join(f"{v:.2f}" for v in os.getloadavg())
              + "  (other work on the machine inflates every figure)")
    steps = [
        lambda tmp: bench_process(3 if quick else 7),
        lambda tmp: bench_growth(tmp, (50, 100, 250, 500) if quick else GROWTH_TARGETS, 1 if quick else 3),
        lambda tmp: bench_markdown(tmp, 500, 1 if quick else 3),
        lambda tmp: bench_naive(tmp, NAIVE_TARGETS[:2] if quick else NAIVE_TARGETS, cap, 1 if quick else 3),
    ]
    if args.only:
        steps = [steps[("process", "growth", "markdown", "naive").index(args.only)]]
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:
            warm_up(tmp)
        except Exception:
            print("warm-up failed:")
            traceback.print_exc(file=sys.stdout)
        for step in steps:
            try:
                step(tmp)
            except Exception:
                print("ERROR in this section (the others still run):")
                traceback.print_exc(file=sys.stdout)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"\nbenchmark wall time: {time.perf_counter() - t_start:.0f} s; load average at end: {load}")


if __name__ == "__main__":
    main()
