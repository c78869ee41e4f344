"""Semantic SymPy symbols: what a symbol *is* (kind, layer, unit, input, example).

The name encodes the meaning, `kind|layer|i|j|example`; only the printer turns
it into notation, so the math never holds a LaTeX string.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import sympy as sp


class Meaning(NamedTuple):
    kind: str           # x y yhat z a W b delta L ell eta alpha
    layer: int | None
    i: int | None       # unit (row) index, 1-based
    j: int | None       # input (column) index, 1-based
    example: int | None


def _part(v: int | None) -> str:
    return "" if v is None else str(v)


@lru_cache(maxsize=None)
def sym(kind: str, layer: int | None = None, i: int | None = None, j: int | None = None,
        example: int | None = None) -> sp.Symbol:
    name = "|".join([kind, _part(layer), _part(i), _part(j), _part(example)])
    return sp.Symbol(name, real=True)


def meaning(symbol: sp.Symbol) -> Meaning | None:
    return _meaning(symbol.name)


@lru_cache(maxsize=None)
def _meaning(name: str) -> Meaning | None:
    """Parsed once per name: a large network asks it of every weight in every line."""
    parts = name.split("|")
    if len(parts) != 5:
        return None
    kind, *rest = parts
    return Meaning(kind, *(int(p) if p else None for p in rest))


# Generic symbols for per-element templates (one derivation, instantiated per unit).
Z = sym("z")
A = sym("a")
Y = sym("y")
YHAT = sym("yhat")
ALPHA = sym("alpha")
DELTA = sym("huberdelta")


class Given(sp.Float):
    """A number the question states (an input, a target, a given weight or rate): printed as
    written (0.2), where a computed Float is printed to the exam's decimals (0.5100)."""


def given(value: float) -> sp.Float:
    return Given(float(value))


def replace_unevaluated(expr: sp.Expr, mapping: dict) -> sp.Expr:
    """`xreplace` that leaves the result unevaluated, in the order it was written.

    (SymPy's `evaluate(False)` context would do the same but empties SymPy's cache on
    every entry and exit, which costs more than the replacement itself.)"""
    if expr in mapping:
        return mapping[expr]
    if not expr.args:
        return expr
    args = [replace_unevaluated(a, mapping) for a in expr.args]
    if all(a is b for a, b in zip(args, expr.args)):
        return expr
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:   # node types without an `evaluate` switch (conditions, pairs)
        return expr.func(*args)
