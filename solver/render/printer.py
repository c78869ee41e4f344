"""One LaTeX printer for every formula: SymPy's, told the exam's notation and decimals.

Symbols print through the notation object; floats print as the hand solution shows
them; unevaluated sums and products keep the order they were built in.

The shapes the solutions build by the thousand (sums of products of numbers and symbols)
take short cuts past SymPy's generic machinery (its bracket tests search every factor for
integrals and evaluate -x to compare it with x); each short cut decides exactly as SymPy's
printer would, so the text is the same, byte for byte (tests/test_printer.py).
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

try:        # SymPy's test for "a number next to a number" in a product (private; the same since 1.6)
    from sympy.printing.latex import _between_two_numbers_p
except ImportError:     # pragma: no cover
    import re
    _between_two_numbers_p = (re.compile(r"[0-9][} ]*$"), re.compile(r"(\d|\\frac{\d+}{\d+})"))

from ..rounding import format_number
from ..symbols import Given, meaning


_ATOMS = (sp.Float, sp.Rational)      # Given is a Float; Integer and its singletons are Rationals


def _negative(number) -> bool:
    """A Float or Rational below 0, read off its digits (no SymPy comparison)."""
    if isinstance(number, sp.Float):
        return number._mpf_[0] == 1          # mpmath's sign bit: -inf too, never 0 or nan
    return number.p < 0


def _is_minus_one(x) -> bool:
    return x is sp.S.NegativeOne        # the one SymPy number equal to -1 (Float(-1) is not, in SymPy)


def _plain(x) -> bool:
    """A factor SymPy's product printer writes as it is: a float, an integer or a plain symbol
    (no fraction to put over a bar, no power, nothing to search inside)."""
    return isinstance(x, (sp.Float, sp.Integer)) or type(x) is sp.Symbol


class ExamPrinter(LatexPrinter):
    _default_settings = {**LatexPrinter._default_settings, "notation": None, "decimals": None}

    def __init__(self, notation, decimals: int | None = None):
        super().__init__({"mul_symbol": "dot", "order": "none", "notation": notation,
                          "decimals": decimals, "ln_notation": False})
        self.notation = notation
        self.decimals = decimals
        self._symbols: dict = {}
        self._numbers: dict = {}

    def _print_Symbol(self, expr, style="plain"):
        """Through the notation; each symbol worked out once per printer (a network of a
        thousand weights prints each of them many times)."""
        key = (expr, style)
        tex = self._symbols.get(key)
        if tex is None:
            m = meaning(expr)
            tex = super()._print_Symbol(expr, style) if m is None else self.notation.scalar(m)
            self._symbols[key] = tex
        return tex

    def _print_Float(self, expr):
        return self._number(expr, self.decimals)

    def _print_Given(self, expr):
        return self._number(expr, None)

    def _number(self, expr, decimals) -> str:
        """format_number, each value once per printer (a weight is written in every example)."""
        key = (expr._mpf_, decimals)
        tex = self._numbers.get(key)
        if tex is None:
            tex = self._numbers[key] = format_number(float(expr), decimals)
        return tex

    def _print_Rational(self, expr):
        if expr.q == 1:
            return str(expr.p)
        sign = "- " if expr.p < 0 else ""
        return rf"{sign}\frac{{{abs(expr.p)}}}{{{expr.q}}}"

    def _print_Mul(self, expr):
        args = expr.args
        # -1 * x written as -x (unevaluated products keep a literal -1 otherwise)
        if len(args) >= 2 and _is_minus_one(args[0]):
            rest = sp.Mul(*args[1:], evaluate=False) if len(args) > 2 else args[1]
            body = self._print(rest)
            if isinstance(rest, sp.Add) or (rest.is_Number and rest < 0):
                body = rf"\left({body}\right)"
            return "- " + body
        if isinstance(expr, sp.Mul) and all(_plain(a) for a in args) and (
                args[0] is sp.S.One or not isinstance(args[0], sp.Number) or not _negative(args[0])
                or any(isinstance(a, sp.Number) for a in args[1:])):
            # SymPy would reach its convert_args directly: for a product of plain factors its
            # sign test and fraction() change nothing unless the first factor is negative and alone
            return self._plain_product(args)
        return super()._print_Mul(expr)

    def _plain_product(self, args, first: str | None = None) -> str:
        """SymPy's LatexPrinter._print_Mul.convert_args, for plain factors (see _plain);
        `first`: the text of the first factor, when it is already known (and not negative)."""
        separator = self._settings["mul_symbol_latex"]
        numbersep = self._settings["mul_symbol_latex_numbers"]
        tex = last = ""
        for k, term in enumerate(args):
            if k == 0 and first is not None:
                term_tex = first
            else:
                term_tex = self._print(term)
                if isinstance(term, sp.Number) and _negative(term):
                    term_tex = r"\left(%s\right)" % term_tex
            if _between_two_numbers_p[0].search(last) and _between_two_numbers_p[1].match(term_tex):
                tex += numbersep
            elif tex:
                tex += separator
            tex += term_tex
            last = term_tex
        return tex

    def _print_Add(self, expr, order=None):
        """SymPy's, except that a term -1 * (negative number) keeps its sign: 1 - (-1), never 1 - -1."""
        tex = ""
        for i, term in enumerate(self._as_ordered_terms(expr, order=order)):
            if i > 0 and isinstance(term, sp.Mul) and len(term.args) >= 2 and isinstance(term.args[0], sp.Float) \
                    and _negative(term.args[0]) and all(_plain(a) for a in term.args[1:]):
                # (-0.5) x: what _negated gives, 0.5 x (Given stays Given), printed without building it
                decimals = None if isinstance(term.args[0], Given) else self.decimals
                size = -float(term.args[0])
                tex += " - " + self._plain_product(term.args, first=format_number(size, decimals))
                continue
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

    def _needs_mul_brackets(self, expr, first=False, last=False) -> bool:
        """SymPy's answer, at once for a number or a plain symbol: brackets exactly around a
        negative number (its precedence is then an Add's)."""
        if isinstance(expr, _ATOMS):
            return _negative(expr)
        if type(expr) is sp.Symbol:
            return False
        return super()._needs_mul_brackets(expr, first, last)

    @staticmethod
    def _negated(term):
        """The term without its minus sign, or None when it has none to take out."""
        if isinstance(term, sp.Mul) and len(term.args) >= 2 and _is_minus_one(term.args[0]):
            return sp.Mul(*term.args[1:], evaluate=False) if len(term.args) > 2 else term.args[1]
        if isinstance(term, _ATOMS) or (term.is_Number and not isinstance(term, _ATOMS)):
            if not (_negative(term) if isinstance(term, _ATOMS) else term < 0):
                return None     # a number's could_extract_minus_sign is its sign
            # a given number stays given once its sign is taken out (0.1, not 0.1000)
            return Given(-float(term)) if isinstance(term, Given) else -term
        if isinstance(term, sp.Mul) and isinstance(term.args[0], Given) and _negative(term.args[0]):
            return sp.Mul(Given(-float(term.args[0])), *term.args[1:], evaluate=False)
        if isinstance(term, sp.Mul) and not (term.args[0].is_Number and
                                             (not isinstance(term.args[0], _ATOMS) or _negative(term.args[0]))):
            return None         # SymPy's Mul.could_extract_minus_sign: its first factor a negative number
        if type(term) is sp.Symbol:
            return None
        if isinstance(term, sp.Mul):    # Mul.could_extract_minus_sign is `-self != self` from here on
            negated = -term
            return None if negated == term else negated
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

