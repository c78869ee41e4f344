"""One LaTeX printer for every formula: SymPy's, told the exam's notation and decimals.

Symbols print through the notation object; floats print as the hand solution shows
them; unevaluated sums and products keep the order they were built in.
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..rounding import format_number
from ..symbols import Given, meaning


class ExamPrinter(LatexPrinter):
    _default_settings = {**LatexPrinter._default_settings, "notation": None, "decimals": None}

    def __init__(self, notation, decimals: int | None = None):
        super().__init__({"mul_symbol": "dot", "order": "none", "notation": notation,
                          "decimals": decimals, "ln_notation": False})
        self.notation = notation
        self.decimals = decimals

    def _print_Symbol(self, expr, style="plain"):
        m = meaning(expr)
        if m is None:
            return super()._print_Symbol(expr, style)
        return self.notation.scalar(m)

    def _print_Float(self, expr):
        return format_number(float(expr), self.decimals)

    def _print_Given(self, expr):
        return format_number(float(expr))

    def _print_Rational(self, expr):
        if expr.q == 1:
            return str(expr.p)
        sign = "- " if expr.p < 0 else ""
        return rf"{sign}\frac{{{abs(expr.p)}}}{{{expr.q}}}"

    def _print_Mul(self, expr):
        args = expr.args
        # -1 * x written as -x (unevaluated products keep a literal -1 otherwise)
        if len(args) >= 2 and args[0] == -1:
            rest = sp.Mul(*args[1:], evaluate=False) if len(args) > 2 else args[1]
            body = self._print(rest)
            if isinstance(rest, sp.Add) or (rest.is_Number and rest < 0):
                body = rf"\left({body}\right)"
            return "- " + body
        return super()._print_Mul(expr)

    def _print_Add(self, expr, order=None):
        """SymPy's, except that a term -1 * (negative number) keeps its sign: 1 - (-1), never 1 - -1."""
        tex = ""
        for i, term in enumerate(self._as_ordered_terms(expr, order=order)):
            if i > 0:
                negated = self._negated(term)
                if negated is None:
                    tex += " + "
                else:
                    tex += " - "
                    term = negated
            body = self._print(term)
            if i > 0 and (isinstance(term, sp.Add) or (term.is_Number and term < 0)
                          or body.lstrip().startswith("-")):
                body = rf"\left({body}\right)"
            tex += body
        return tex

    @staticmethod
    def _negated(term):
        """The term without its minus sign, or None when it has none to take out."""
        if isinstance(term, sp.Mul) and len(term.args) >= 2 and term.args[0] == -1:
            return sp.Mul(*term.args[1:], evaluate=False) if len(term.args) > 2 else term.args[1]
        if term.is_Number and term < 0:
            # a given number stays given once its sign is taken out (0.1, not 0.1000)
            return Given(-float(term)) if isinstance(term, Given) else -term
        if isinstance(term, sp.Mul) and isinstance(term.args[0], Given) and term.args[0] < 0:
            return sp.Mul(Given(-float(term.args[0])), *term.args[1:], evaluate=False)
        if term.could_extract_minus_sign():
            return -term
        return None

    def _print_Derivative(self, expr):
        top = self._print(expr.expr)
        bottom = self._print(expr.variables[0])
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    def _print_Function(self, expr, exp=None):
        if expr.func.__name__ == "max":   # the hand-written max(0, z) of ReLU
            return r"\max\left(" + ", ".join(self._print(a) for a in expr.args) + r"\right)"
        return super()._print_Function(expr, exp)

    def _print_Exp1(self, expr):
        return "e"

