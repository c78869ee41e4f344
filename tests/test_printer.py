"""The printer (solver/render/printer.py) and the formatter's numbers, as a table of exact strings.

Each case is an expression built as the solver builds them (the project's symbols, unevaluated
sums and products) and the LaTeX it prints. A change to any of these strings changes every
solution that writes one: update the table only on purpose, and the goldens with it.
"""
import numpy as np
import pytest
import sympy as sp

from solver.derive import Factor
from solver.render.formatter import Formatter
from solver.render.notation import LayerNotation
from solver.render.printer import ExamPrinter
from solver.symbols import ALPHA, DELTA, YHAT, A, Y, Z, sym

NOTATION = LayerNotation(2, 1)      # two layers, one output: the output's a is y-hat
UE = dict(evaluate=False)
F = sp.Float
I = sp.Integer


def add(*terms):
    return sp.Add(*terms, **UE)


def mul(*factors):
    return sp.Mul(*factors, **UE)


def neg(x):
    return mul(-1, x)


def d(top, bottom):
    return sp.Derivative(top, bottom, **UE)


X1, B, W12 = sym("x", None, 1), sym("b", 1, 1), sym("W", 1, 1, 2)
Z11, L = sym("z", 1, 1), sym("L")
SIGMA, RELU, MAX = sp.Function("sigma"), sp.Function("ReLU"), sp.Function("max")


# ------------------------------------------------------------------ symbols

@pytest.mark.parametrize("expr, tex", [
    (sym("z", 1, 1), r"z^{[1]}_{1}"),
    (sym("a", 1, 2), r"a^{[1]}_{2}"),
    (sym("a", 2, 1), r"\hat{y}"),                               # the output layer's a
    (sym("a", 2, 1, None, 3), r"\hat{y}^{(3)}"),                 # ... of example 3
    (sym("W", 1, 1, 2), r"W^{[1]}_{12}"),
    (sym("W", 2, 12, 3), r"W^{[2]}_{12,3}"),                    # a comma once an index has two digits
    (sym("b", 1, 1), r"b^{[1]}_{1}"),
    (sym("delta", 2, 1), r"\delta^{[2]}_{1}"),
    (sym("x", None, 1), r"x_{1}"),
    (sym("x", None, 1, None, 2), r"x^{(2)}_{1}"),
    (Y, "y"),
    (YHAT, r"\hat{y}"),
    (sym("ell"), r"\ell"),
    (sym("ell", None, None, None, 2), r"\ell^{(2)}"),
    (L, "L"),
    (sym("eta"), r"\eta"),
    (ALPHA, r"\alpha"),
    (DELTA, r"\delta_{H}"),
    (Z, "z"),
    (A, "a"),
    (sp.Symbol("w_1"), "w_{1}"),                                # a plain symbol prints as SymPy prints it
])
def test_symbols(expr, tex):
    assert ExamPrinter(NOTATION, 4).doprint(expr) == tex


def test_several_outputs_are_numbered():
    printer = ExamPrinter(LayerNotation(2, 2), 4)
    assert printer.doprint(sym("a", 2, 2)) == r"\hat{y}_{2}"
    assert printer.doprint(sym("y", None, 2)) == r"y_{2}"


# ------------------------------------------------------------------ expressions

@pytest.mark.parametrize("expr, tex", [
    # partial derivatives, as fractions
    (d(L, W12), r"\frac{\partial L}{\partial W^{[1]}_{12}}"),
    (d(L, Z11), r"\frac{\partial L}{\partial z^{[1]}_{1}}"),
    # a negative number put in keeps its brackets: 1 - (-1), never 1 - -1
    (add(I(1), neg(I(-1))), r"1 - \left(-1\right)"),
    (neg(F(-2.5)), r"- \left(-2.5000\right)"),
    (add(F(0.3), mul(-1, F(0.1), F(0.2))), r"0.3000 - 0.1000 \cdot 0.2000"),
    (add(F(0.3), mul(-1, F(0.1), F(-0.2))), r"0.3000 - 0.1000 \cdot \left(-0.2000\right)"),
    (add(F(-0.3), mul(-1, F(0.1), F(-0.2))), r"-0.3000 - 0.1000 \cdot \left(-0.2000\right)"),
    (mul(I(2), I(-3)), r"2 \cdot \left(-3\right)"),
    (mul(F(-0.5), F(2)), r"\left(-0.5000\right) \cdot 2.0000"),
    (mul(X1, F(-2)), r"x_{1} \cdot \left(-2.0000\right)"),
    (add(X1, mul(F(2), F(-0.5))), r"x_{1} + 2.0000 \cdot \left(-0.5000\right)"),
    (mul(F(0.1), add(I(1), neg(I(-1))), F(2.0)), r"0.1000 \cdot \left(1 - \left(-1\right)\right) \cdot 2.0000"),
    # a term that starts with a negative number gives its sign to the sum (as the goldens write z)
    (add(mul(F(0.5), F(0.5)), mul(F(-0.2), F(0.3)), F(0.05)), r"0.5000 \cdot 0.5000 - 0.2000 \cdot 0.3000 + 0.0500"),
    (add(X1, F(-2.5)), r"x_{1} - 2.5000"),
    (add(F(-0.5), F(0.2)), r"-0.5000 + 0.2000"),
    # minus signs
    (neg(X1), r"- x_{1}"),
    (add(X1, neg(Y)), r"x_{1} - y"),
    (neg(add(X1, B)), r"- \left(x_{1} + b^{[1]}_{1}\right)"),
    (add(X1, neg(add(X1, neg(Y)))), r"x_{1} - \left(x_{1} - y\right)"),
    (add(YHAT, neg(Y)), r"\hat{y} - y"),
    # unevaluated sums and products keep the order they were built in
    (add(mul(W12, X1), B), r"W^{[1]}_{12} \cdot x_{1} + b^{[1]}_{1}"),
    (add(B, X1, Z11), r"b^{[1]}_{1} + x_{1} + z^{[1]}_{1}"),
    (mul(X1, W12), r"x_{1} \cdot W^{[1]}_{12}"),
    (add(sym("ell", None, None, None, 1), sym("ell", None, None, None, 2)), r"\ell^{(1)} + \ell^{(2)}"),
    (mul(I(2), add(Y, neg(YHAT))), r"2 \cdot \left(y - \hat{y}\right)"),
    # fractions
    (sp.Rational(1, 2), r"\frac{1}{2}"),
    (sp.Rational(-1, 3), r"- \frac{1}{3}"),
    (I(5), "5"),
    (mul(sp.Rational(1, 2), add(sym("ell", None, None, None, 1), sym("ell", None, None, None, 2))),
     r"\frac{\ell^{(1)} + \ell^{(2)}}{2}"),
    (mul(sp.Rational(1, 3), add(F(0.5), F(0.25))), r"\frac{0.5000 + 0.2500}{3}"),
    (mul(sp.Rational(-1, 3), add(F(0.5), F(0.25))), r"- \frac{0.5000 + 0.2500}{3}"),
    (mul(sp.Rational(1, 2), sp.Pow(add(Y, neg(YHAT)), 2, **UE)), r"\frac{\left(y - \hat{y}\right)^{2}}{2}"),
    (mul(X1, sp.Pow(Y, -1, **UE)), r"\frac{x_{1}}{y}"),
    (1 / (1 + sp.exp(-Z)), r"\frac{1}{1 + e^{- z}}"),
    (sp.Pow(add(I(1), sp.exp(neg(F(-0.5)), **UE)), -1, **UE), r"\frac{1}{1 + e^{- \left(-0.5000\right)}}"),
    # powers and roots
    (A * (1 - A), r"a \cdot \left(1 - a\right)"),
    (1 - A**2, r"1 - a^{2}"),
    (sp.Pow(X1, sp.Rational(1, 2), **UE), r"\sqrt{x_{1}}"),
    (sp.Pow(F(0.3), 2, **UE), r"{0.3000}^{2}"),
    (sp.Pow(F(-0.3), 2, **UE), r"{\left(-0.3000\right)}^{2}"),
    # functions
    (SIGMA(Z11), r"\sigma{\left(z^{[1]}_{1} \right)}"),
    (SIGMA(F(-0.5)), r"\sigma{\left(-0.5000 \right)}"),
    (RELU(Z11), r"\operatorname{ReLU}{\left(z^{[1]}_{1} \right)}"),
    (MAX(0, Z11), r"\max\left(0, z^{[1]}_{1}\right)"),
    (MAX(0, F(-0.5)), r"\max\left(0, -0.5000\right)"),
    (sp.exp(Z11, **UE), r"e^{z^{[1]}_{1}}"),
    (sp.exp(neg(Z11), **UE), r"e^{- z^{[1]}_{1}}"),
    (sp.exp(F(0.5), **UE), r"e^{0.5000}"),
    (sp.E, "e"),
    (sp.log(YHAT, **UE), r"\log{\left(\hat{y} \right)}"),
    (sp.log(F(0.8), **UE), r"\log{\left(0.8000 \right)}"),
    (neg(mul(Y, sp.log(YHAT, **UE))), r"- y \cdot \log{\left(\hat{y} \right)}"),
    (sp.tanh(Z11, **UE), r"\tanh{\left(z^{[1]}_{1} \right)}"),
    (sp.Abs(add(Y, neg(YHAT)), **UE), r"\left|{y - \hat{y}}\right|"),
    (sp.Piecewise((1, Z > 0), (0, True)), r"\begin{cases} 1 & \text{for}\: z > 0 \\0 & \text{otherwise} \end{cases}"),
    # matrices
    (sp.Matrix([[F(1.5), F(-2)], [F(0.33333), I(0)]]), r"\left[\begin{matrix}1.5000 & -2.0000\\0.3333 & 0\end{matrix}\right]"),
    (sp.Matrix([[W12], [B]]), r"\left[\begin{matrix}W^{[1]}_{12}\\b^{[1]}_{1}\end{matrix}\right]"),
])
def test_expressions(expr, tex):
    assert ExamPrinter(NOTATION, 4).doprint(expr) == tex


# ------------------------------------------------------------------ numbers

@pytest.mark.parametrize("decimals, value, tex", [
    (4, 0.123456, "0.1235"),
    (4, 2 / 3, "0.6667"),
    (4, 1.5, "1.5000"),                 # computed: trailing zeros to the decimals (issue 11)
    (4, 3.0, "3.0000"),
    (4, -1.23456, "-1.2346"),
    (4, -0.00001, "0.0000"),                 # never -0
    (4, 0.00005, "0.0001"),             # half up, as by hand
    (4, 1234567.891, "1234567.8910"),
    (2, 2.675, "2.68"),                 # the decimal as written, not the binary float below it
    (2, 1.005, "1.01"),
    (0, 2.5, "3"),
    (0, -2.5, "-3"),                    # half away from zero
    (None, 0.1 + 0.2, "0.30000000000000004"),   # no decimals: the number as given
])
def test_printer_floats(decimals, value, tex):
    assert ExamPrinter(NOTATION, decimals).doprint(sp.Float(value)) == tex


@pytest.mark.parametrize("value, given, tex", [
    (0.12345, False, "0.1235"),
    (123.45678, False, "123.4568"),
    (2.675, False, "2.6750"),
    (-2.5, False, "-2.5000"),
    (3.0, False, "3.0000"),
    (-0.0, False, "0.0000"),
    (-0.00004, False, "0.0000"),
    (1 / 3, True, "0.3333333333333333"),     # a given number is shown as given, every digit
    (0.1 + 0.2, True, "0.30000000000000004"),
    (1e-7, True, "0.0000001"),               # never in e-notation
    (1e20, True, "100000000000000000000"),
    (np.float64(0.25), False, "0.2500"),
])
def test_formatter_numbers(value, given, tex):
    assert Formatter(NOTATION, 4).num(value, given) == tex


@pytest.mark.parametrize("arr, given, tex", [
    ([[1, -0.5], [0.333333, 2.0]], False, r"\begin{bmatrix} 1.0000 & -0.5000 \\ 0.3333 & 2.0000 \end{bmatrix}"),
    ([0.1, 0.2], False, r"\begin{bmatrix} 0.1000 & 0.2000 \end{bmatrix}"),         # a vector is one row
    ([[0.123456]], True, r"\begin{bmatrix} 0.123456 \end{bmatrix}"),
    ([[-0.00001], [2.5]], False, r"\begin{bmatrix} 0.0000 \\ 2.5000 \end{bmatrix}"),
])
def test_formatter_matrices(arr, given, tex):
    assert Formatter(NOTATION, 4).matrix(np.asarray(arr), given) == tex


def test_formatter_partial_and_chain():
    f = Formatter(NOTATION, 4)
    assert f.partial(L, W12) == r"\frac{\partial L}{\partial W^{[1]}_{12}}"
    assert f.tex(d(L, W12)) == f.partial(L, W12)
    chain = (Factor(L, Z11, sym("delta", 1, 1)), Factor(Z11, W12, X1))
    assert f.chain(chain) == (r"\frac{\partial L}{\partial z^{[1]}_{1}} \cdot "
                              r"\frac{\partial z^{[1]}_{1}}{\partial W^{[1]}_{12}}")


# ---------------------------------------------------------------- the short cuts, against SymPy's way

from hypothesis import given, settings, strategies as st  # noqa: E402
from sympy.printing.latex import LatexPrinter  # noqa: E402

from solver.symbols import Given  # noqa: E402


class GenericPrinter(ExamPrinter):
    """The printer as it was before its short cuts: every product through SymPy's own
    _print_Mul and _needs_mul_brackets, every sign through could_extract_minus_sign."""

    _needs_mul_brackets = LatexPrinter._needs_mul_brackets

    def _print_Mul(self, expr):
        args = expr.args
        if len(args) >= 2 and args[0] == -1:
            rest = sp.Mul(*args[1:], evaluate=False) if len(args) > 2 else args[1]
            body = self._print(rest)
            if isinstance(rest, sp.Add) or (rest.is_Number and rest < 0):
                body = rf"\left({body}\right)"
            return "- " + body
        return LatexPrinter._print_Mul(self, expr)

    @staticmethod
    def _negated(term):
        if isinstance(term, sp.Mul) and len(term.args) >= 2 and term.args[0] == -1:
            return sp.Mul(*term.args[1:], evaluate=False) if len(term.args) > 2 else term.args[1]
        if term.is_Number and term < 0:
            return Given(-float(term)) if isinstance(term, Given) else -term
        if isinstance(term, sp.Mul) and isinstance(term.args[0], Given) and term.args[0] < 0:
            return sp.Mul(Given(-float(term.args[0])), *term.args[1:], evaluate=False)
        if term.could_extract_minus_sign():
            return -term
        return None


NUMBERS = st.sampled_from([F(0.5), F(-0.25), F(0), F(-1.0), F(1.0), Given(0.2), Given(-0.1), I(2), I(-3),
                           I(1), I(-1), I(0), sp.Rational(1, 3), sp.Rational(-2, 5)])
SYMBOLS = st.sampled_from([sp.Symbol("x"), sp.Symbol("w_1", real=True), sym("a", 1, 1), sym("z", 2, 1), YHAT, X1])
FACTORS = st.one_of(NUMBERS, SYMBOLS)


@st.composite
def shapes(draw, depth=2):
    """Sums and products as the steps build them: unevaluated, of numbers and symbols, nested."""
    if depth == 0:
        return draw(FACTORS)
    parts = draw(st.lists(st.one_of(FACTORS, shapes(depth=depth - 1)), min_size=1, max_size=4))
    if len(parts) == 1:
        return parts[0]
    kind = draw(st.sampled_from(["mul", "add", "neg", "pow"]))
    if kind == "mul":
        return mul(*parts)
    if kind == "add":
        return add(*parts)
    if kind == "neg":
        return mul(I(-1), *parts)
    return sp.Pow(parts[0], draw(st.sampled_from([I(2), I(-1), sp.Rational(1, 2)])), **UE)


@settings(max_examples=400, deadline=None)
@given(expr=shapes())
def test_the_short_cuts_print_what_sympys_printer_prints(expr):
    for decimals in (None, 3):
        assert ExamPrinter(NOTATION, decimals).doprint(expr) == GenericPrinter(NOTATION, decimals).doprint(expr)


@pytest.mark.parametrize("expr", [
    mul(F(0.5), sp.Symbol("x")), mul(F(-0.5), sp.Symbol("x")), mul(Given(-0.5), F(0.25)),
    add(mul(F(0.16), F(0.81)), mul(F(-0.14), F(0.9)), mul(Given(-0.2), sp.Symbol("x")), F(-0.1)),
    add(sp.Symbol("x"), mul(I(-1), F(0.3), sp.Symbol("y"))), mul(I(2), F(-0.5)), mul(F(-1.0), sp.Symbol("x")),
])
def test_the_short_cuts_on_the_shapes_of_a_network(expr):
    assert ExamPrinter(NOTATION, 4).doprint(expr) == GenericPrinter(NOTATION, 4).doprint(expr)


def test_a_symbols_meaning_is_parsed_once():
    """A network of a thousand weights asks the meaning of each in every line: parsed once per name."""
    from solver.symbols import meaning
    assert meaning(sym("W", 1, 2, 3)) is meaning(sym("W", 1, 2, 3)) == ("W", 1, 2, 3, None)


def test_the_printer_works_each_symbol_and_number_out_once():
    printer = ExamPrinter(NOTATION, 3)
    expr = add(mul(F(0.5), X1), mul(F(0.5), X1))
    assert printer.doprint(expr) == r"0.500 \cdot x_{1} + 0.500 \cdot x_{1}"
    assert len(printer._symbols) == 1 and len(printer._numbers) == 1
