"""Every number two independent ways: the NumPy pass and the SymPy derivation must agree.

A disagreement is a bug in this program, never the user's fault, so it raises
`CrossCheckError` with what differed; it is not a warning.
"""
from __future__ import annotations

import numpy as np

from . import derive, numeric
from .errors import CrossCheckError
from .model import Question
from .tolerances import ATOL, RTOL


def _same(name: str, a, b) -> None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not np.allclose(a, b, rtol=RTOL, atol=ATOL):
        raise CrossCheckError(f"{name}: the two computations disagree:\n{a}\nversus\n{b}")


def cross_check(q: Question, d: derive.Derivation, exact: dict) -> None:
    """Compare the steps' exact values with the NumPy pass and the SymPy evaluation."""
    net, x, y = q.network, q.data.x, q.data.y
    fwd = numeric.forward(net, x)
    sym_vals = derive.evaluate(net, d, x, y if q.loss else None, q.loss, q.reduction, q.huber_delta)
    for l in range(1, len(net.layers) + 1):
        for name, np_val in ((f"z{l}", fwd.z[l - 1]), (f"a{l}", fwd.a[l])):
            _same(name + " (steps vs NumPy)", exact[name], np_val)
        _same(f"z{l} (NumPy vs SymPy)", fwd.z[l - 1], [ex[l - 1] for ex in sym_vals.z])
        _same(f"a{l} (NumPy vs SymPy)", fwd.a[l], [ex[l - 1] for ex in sym_vals.a])
    if "loss" in exact:
        back = numeric.backward(net, fwd, y, q.loss, q.reduction, q.huber_delta)
        _same("loss (steps vs NumPy)", exact["loss"], back.loss)
        _same("loss (NumPy vs SymPy)", back.loss, float(sym_vals.loss))
    if d.output is None or "delta1" not in exact:
        return
    for l in range(1, len(net.layers) + 1):
        _same(f"delta{l} (steps vs NumPy)", exact[f"delta{l}"], back.delta[l - 1])
        _same(f"delta{l} (NumPy vs SymPy)", back.delta[l - 1], [ex[l - 1] for ex in sym_vals.delta])
        _same(f"dW{l} (steps vs NumPy)", exact[f"dW{l}"], back.dW[l - 1])
        _same(f"dW{l} (NumPy vs SymPy)", back.dW[l - 1], sym_vals.dW[l - 1])
        if net.bias:
            _same(f"db{l} (steps vs NumPy)", exact[f"db{l}"], back.db[l - 1])
            _same(f"db{l} (NumPy vs SymPy)", back.db[l - 1], sym_vals.db[l - 1])
