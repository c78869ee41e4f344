"""Blanks bridged: a blank key whose value the student's later answers determine is read off them.

A student who leaves delta1 blank but writes db1 (delta1 summed over the examples) and dW1
(delta1 x^T) has written delta1 after all. For each blank key that a later answered step was
computed from (latest first, and round again while a blank read off lets an earlier one be),
the value taken for it is, in this order:

1. its own step done on the student's earlier answers (the key's value for a step computed
   from the givens alone), at full precision or rounded as shown, when a later answer agrees
   with it: the student did the step and did not write it down;
2. else the one value that the later answers determine, when at least two of them agree with
   it. A later step determines the blank when, solved for it (the step's own `recompute` with
   the student's other inputs; a step with another input blank too is not used), exactly one
   value gives the student's answer within the tolerance: the Jacobian has full rank there (a
   ReLU unit that is off says nothing of its z; one sum db1 of several examples does not give
   their rows of delta1), and for a step that is not linear in the blank the search started
   from other points finds no other fit (a squared error, or a(1 - a), has two). Several later
   steps are also solved together. One later answer alone is not enough: then any answer to it
   would be "right on its own blank".

A later answer *agrees* with a value when the step done on it gives the answer within the
tolerance, and the answer changes with the value (a step the blank does not change confirms
nothing). The key's own value is taken where it explains the later answers as well. The blank
keeps no marks; the later steps are judged on the value (carried when it is not the key's).
Otherwise the later steps are judged with the key's value in the gap, and the report says why.
Nothing here knows a kind: the steps' `recompute` functions are the whole story.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..rounding import round_as_shown
from ..steps import Step

ITERATIONS = 30


@dataclass(frozen=True)
class Bridge:
    key: str
    value: np.ndarray | None          # the value read off the later answers; None: not determined
    sources: tuple[str, ...]          # the later keys it was read off
    users: tuple[str, ...]            # the later answered keys computed from it
    alone: tuple[str, ...] = ()       # not read off: the one answer that alone gives a value ...
    alone_value: np.ndarray | None = None   # ... and that value, which nothing else confirms
    own: bool = False                 # the value is the blank's step done on the student's earlier answers


def bridge_blanks(steps: list[Step], given: dict[str, np.ndarray], shown: dict[str, np.ndarray],
                  exact: dict[str, np.ndarray], tol: float, decimals: int,
                  is_whole: Callable[[Step], bool]) -> dict[str, Bridge]:
    """For each blank key that a later answered step was computed from: what it is read off."""
    keys = {s.key for s in steps}
    chain = dict(given)
    out: dict[str, Bridge] = {}
    alone: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    tried: dict[str, frozenset] = {}     # what a blank was last tried with: tried again only on more
    users_of = {s.key: [t for t in steps if s.key in t.inputs] for s in steps}
    progress = True
    while progress:                      # a blank read off may let an earlier one be read off in turn
        progress = False
        for s in reversed(steps):
            if s.key in chain:
                continue
            users = [t for t in users_of[s.key] if t.key in chain]
            if not users:
                continue
            near = frozenset(k for t in [s, *users] for k in (t.key, *t.inputs) if k in chain)
            if tried.get(s.key) == near:
                continue
            tried[s.key] = near
            # a step with another input blank too is one equation in two unknowns
            usable = [t for t in users if not any(k in keys and k != s.key and k not in chain for k in t.inputs)]
            # the blank done on the student's own earlier answers, where a later answer agrees
            # (at full precision, or rounded as the key shows it, as the student would carry it)
            # (a step computed from the givens alone: the key's value)
            own = _run(s, _values(s, chain, shown, keys)) if any(k in keys for k in s.inputs) else \
                np.asarray(exact.get(s.key, shown.get(s.key)), dtype=float)
            probe = own if own is not None else np.asarray(exact.get(s.key, shown.get(s.key)), dtype=float)
            users = [t for t in users if _moves(s, t, probe, chain, shown, keys, tol)]
            if not users:
                continue                 # no later answer changes with the blank: nothing tells it
            usable = [t for t in usable if t in users]
            if own is not None and own.shape == np.shape(exact.get(s.key, own)):
                rounded = np.asarray(round_as_shown(own, decimals, is_whole(s)), dtype=float)
                agree, agree_rounded = (_agreeing(s, v, users, chain, shown, keys, tol) for v in (own, rounded))
                if len(agree_rounded) > len(agree):
                    own, agree = rounded, agree_rounded
                if agree:
                    chain[s.key] = own
                    alone.pop(s.key, None)
                    out[s.key] = Bridge(s.key, own, agree, tuple(t.key for t in users), own=True)
                    progress = True
                    continue
            found = []
            for ts in [[t] for t in usable] + ([usable] if len(usable) > 1 else []):
                value = _solve(s.key, ts, chain, shown, exact, keys, tol)
                if value is not None and is_whole(s):
                    if not np.allclose(value, np.round(value), rtol=0, atol=1e-6):
                        continue
                    value = np.round(value)
                if value is not None:
                    found.append((tuple(t.key for t in ts), value))
            if not found:
                continue
            votes = [_agreeing(s, v, users, chain, shown, keys, tol) for _, v in found]
            best = max(range(len(found)), key=lambda i: (len(votes[i]), -i))
            sources, value = found[best]
            if len(votes[best]) < 2:     # one answer alone: nothing else the student wrote confirms it
                alone[s.key] = (sources, value)
                continue
            # the key's own value, where it explains the later answers as well (what is read off
            # a rounded answer is only as near as the rounding lets it be: z1 = 0.3199 off a1)
            mine = np.asarray(exact.get(s.key, shown.get(s.key)), dtype=float)
            if len(_agreeing(s, mine, users, chain, shown, keys, tol)) >= len(votes[best]):
                value = mine
            chain[s.key] = value
            alone.pop(s.key, None)
            out[s.key] = Bridge(s.key, value, _agreeing(s, value, users, chain, shown, keys, tol),
                                tuple(t.key for t in users))
            progress = True
    for s in steps:                      # blanks that later answers were computed from, not read off
        users = tuple(t.key for t in users_of[s.key] if t.key in chain)
        if s.key not in chain and users:
            sources, value = alone.get(s.key, ((), None))
            out[s.key] = Bridge(s.key, None, (), users, sources, value)
    return out


def _values(t: Step, chain, shown, keys) -> dict[str, np.ndarray]:
    values = dict(shown)
    values.update({k: chain[k] for k in t.inputs if k in chain and k in keys})
    return values


def _run(t: Step, values) -> np.ndarray | None:
    try:
        with np.errstate(all="raise"):
            out = np.asarray(t.recompute(values), dtype=float)
    except (ArithmeticError, ValueError, FloatingPointError, KeyError, TypeError, IndexError):
        return None
    return out if np.all(np.isfinite(out)) else None


def _moves(s: Step, t: Step, value, chain, shown, keys, tol) -> bool:
    """Whether the later step `t` changes with the blank `s` near `value`."""
    values = _values(t, chain, shown, keys)
    values[s.key] = value
    got = _run(t, values)
    with np.errstate(all="ignore"):
        values[s.key] = value + 0.01 * (1 + np.abs(value))
    moved = _run(t, values)
    return got is None or moved is None or got.shape != moved.shape or \
        np.max(np.abs(moved - got), initial=0) > tol


def _agreeing(s: Step, value, users, chain, shown, keys, tol) -> tuple[str, ...]:
    """The student's later answers that agree with `value` for the blank `s` and change with it
    (a step the blank does not change confirms nothing)."""
    out = []
    value = np.asarray(value, dtype=float)
    for t in users:
        values = _values(t, chain, shown, keys)
        values[s.key] = value
        got = _run(t, values)
        if got is not None and got.shape == np.shape(chain[t.key]) and \
                np.all(np.abs(got - chain[t.key]) <= tol * (1 + 1e-9) + 1e-12):
            with np.errstate(all="ignore"):
                values[s.key] = value + 0.01 * (1 + np.abs(value))
            moved = _run(t, values)
            if moved is None or np.max(np.abs(moved - got), initial=0) > tol:
                out.append(t.key)
    return tuple(out)


def _solve(key: str, ts: list[Step], chain, shown, exact, keys, tol) -> np.ndarray | None:
    """The one value of `key` for which the steps `ts` give the student's answers, or None."""
    start = np.asarray(exact.get(key, shown.get(key)), dtype=float)
    shape = start.shape
    targets = [np.asarray(chain[t.key], dtype=float).ravel() for t in ts]
    target = np.concatenate(targets)
    bases = [_values(t, chain, shown, keys) for t in ts]

    def f(v: np.ndarray) -> np.ndarray | None:
        out = []
        for t, base, want in zip(ts, bases, targets):
            values = dict(base)
            values[key] = v.reshape(shape)
            got = _run(t, values)
            if got is None or got.size != want.size:
                return None
            out.append(got.ravel())
        return np.concatenate(out)

    def jacobian(v: np.ndarray, fv: np.ndarray) -> np.ndarray | None:
        cols = []
        for i in range(v.size):
            h = 1e-7 * (1 + abs(v[i]))
            up = v.copy()
            up[i] += h
            fu = f(up)
            if fu is None:
                return None
            cols.append((fu - fv) / h)
        return np.stack(cols, axis=1)

    def newton(v: np.ndarray):
        for _ in range(ITERATIONS):
            fv = f(v)
            if fv is None:
                return None
            jac = jacobian(v, fv)
            if jac is None:
                return None
            try:
                step = np.linalg.lstsq(jac, target - fv, rcond=None)[0]
            except np.linalg.LinAlgError:
                return None
            v = v + step
            if np.max(np.abs(step), initial=0) <= 1e-12 * (1 + np.max(np.abs(v), initial=0)):
                break
        fv = f(v)
        if fv is None or np.max(np.abs(fv - target), initial=0) > tol * (1 + 1e-9) + 1e-12:
            return None
        jac = jacobian(v, fv)
        return None if jac is None else (v, jac)

    def linear(v: np.ndarray, jac: np.ndarray) -> bool:
        """The same Jacobian a good way off: the step is linear in the blank (one solution)."""
        away = v + 0.37 * (1 + np.abs(v))
        fa = f(away)
        far = None if fa is None else jacobian(away, fa)
        return far is not None and np.allclose(far, jac, rtol=1e-4, atol=1e-7)

    first = newton(start.ravel().copy())
    if first is None:
        return None
    v, jac = first
    try:
        sv = np.linalg.svd(jac, compute_uv=False)
    except np.linalg.LinAlgError:
        return None
    if sv.size < v.size or sv.min(initial=np.inf) <= 1e-6 * max(1.0, sv.max(initial=0)):
        return None                           # some entry leaves the answer unchanged: not determined
    if not linear(v, jac):                     # is there another value that fits?
        x0 = start.ravel()
        for other in (np.zeros_like(x0), -x0, 1 - x0, 2 * x0 + 0.5):
            again = newton(other.copy())
            if again is not None and np.max(np.abs(again[0] - v)) > 10 * tol + 1e-9:
                return None
    return v.reshape(shape)
