"""The whitelist parser of graph expressions: what it builds, what it refuses and where."""
import math

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from solver.kinds.graph.expression import (FUNCTIONS, MAX_DEPTH, MAX_LENGTH, OPERATIONS, Bin, Call, DomainError,
                               ExpressionError, Name, Neg, Num, check_domain, names_in, parse, shape)

NAMES = {"a": "a variable", "b": "a variable", "c": "a variable", "x": "a variable", "u": "an intermediate"}


@pytest.mark.parametrize("text, tree", [
    ("a + b", Bin("+", Name("a", 1), Name("b", 5), 3)),
    ("a - b - c", Bin("-", Bin("-", Name("a", 1), Name("b", 5), 3), Name("c", 9), 7)),
    ("a*b + c", Bin("+", Bin("*", Name("a", 1), Name("b", 3), 2), Name("c", 7), 5)),
    ("a + b*c", Bin("+", Name("a", 1), Bin("*", Name("b", 5), Name("c", 7), 6), 3)),
    ("-a**2", Neg(Bin("**", Name("a", 2), Num(sp.Integer(2), 5), 3), 1)),     # as Python: -(a**2)
    ("(a + b)/c", Bin("/", Bin("+", Name("a", 2), Name("b", 6), 4), Name("c", 9), 8)),
    ("sigmoid(x)", Call("sigmoid", Name("x", 9), 1)),
    ("+a", Name("a", 2)),
    ("3*u", Bin("*", Num(sp.Integer(3), 1), Name("u", 3), 2)),
])
def test_parse_builds_the_tree(text, tree):
    assert parse(text, NAMES) == tree


@pytest.mark.parametrize("text, value", [
    ("2**3*a", sp.Integer(8)),
    ("1/3*a", sp.Rational(1, 3)),
    ("-2*a", sp.Integer(-2)),
    ("0.5*a", sp.Float("0.5")),
    ("exp(1)*a", sp.E),
    ("(1 + 2)*a", sp.Integer(3)),
])
def test_constant_parts_are_folded_into_one_number(text, value):
    tree = parse(text, NAMES)
    assert isinstance(tree.left, Num) and tree.left.value == value


def test_every_function_of_the_whitelist_parses():
    for func in FUNCTIONS:
        assert parse(f"{func}(a)", NAMES) == Call(func, Name("a", len(func) + 2), 1)


@pytest.mark.parametrize("text, col, message", [
    ("a^2", 2, "'^' is not allowed: write a power as ** (a**2)"),
    ("a.real", 2, "attribute access is not part of an expression"),
    ("a.__class__", 2, "attribute access"),
    ("3(a + b)", 2, "missing operator before '(': write * for a product"),
    ("2a", 1, "write 2*a for a product"),
    ("bc", 1, "unknown name 'bc': for a product write b*c"),
    ("d + a", 1, "unknown name 'd'"),
    ("aa + 1", 1, "for a product write a*a"),
    ("sigmod(a)", 1, "unknown function 'sigmod'; did you mean 'sigmoid'?"),
    ("ln(a)", 1, "unknown function 'ln'; write log"),
    ("max(a)", 1, "write relu (relu(x) = max(0, x))"),
    ("__import__(a)", 1, "unknown function '__import__'"),
    ("open(a)", 1, "'open' is not allowed: an expression is arithmetic only"),
    ("lambda", 1, "'lambda' is not allowed"),
    ("a(b)", 1, "a is a variable, not a function: write a*(...) for a product"),
    ("exp", 1, "exp is a function: write exp(...)"),
    ("exp()", 5, "exp() needs one argument"),
    ("log(a, b)", 6, "each function takes exactly one argument"),
    ("'a'", 1, "strings are not allowed"),
    ('"a" + b', 1, "strings are not allowed"),
    ("a[0]", 2, "indexing"),
    ("a = b", 3, "'=' is not allowed"),
    ("a; b", 2, "one expression only"),
    ("a % b", 3, "'%' is not allowed"),
    ("|a|", 1, "write abs(x) for |x|"),
    ("a +", 4, "ends too early"),
    ("(a + b", 1, "'(' is never closed"),
    ("a + b)", 6, "')' without a matching '('"),
    ("", 1, "is empty"),
    ("1e400*a", 1, "too large for a worked solution"),
    ("a**200", 2, "the exponent 200 is too large"),
    ("9**9**9", 2, "too large"),
    ("a**b**c", 5, "a tower of powers"),
    ("a**(b**c)", 6, "a tower of powers"),
    ("log(0)*a", 1, "log of 0: log needs a positive argument"),
    ("sqrt(-1)*a", 1, "sqrt of -1"),
    ("a/(1 - 1)", 2, "division by zero"),
    ("x " * 5, 3, "missing operator before 'x'"),
])
def test_refused_with_what_and_where(text, col, message):
    with pytest.raises(ExpressionError) as info:
        parse(text, NAMES)
    assert info.value.col == col, info.value
    assert message in info.value.message


def test_a_later_name_says_why_it_cannot_be_used():
    with pytest.raises(ExpressionError, match="is defined later"):
        parse("a + v", NAMES, {"v": "is defined later in let: move its line above this one"})


def test_length_and_nesting_are_limited_before_parsing():
    with pytest.raises(ExpressionError, match=f"an expression is at most {MAX_LENGTH}"):
        parse("a + " * 200 + "a", NAMES)
    deep = "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(ExpressionError, match="nested more than"):
        parse(deep, NAMES)
    # hundreds of open parentheses: refused from the count alone, before any recursion
    with pytest.raises(ExpressionError, match="nested more than"):
        parse("(" * 400 + "a", NAMES)
    with pytest.raises(ExpressionError, match="nested more than"):
        parse("-" * (MAX_DEPTH + 5) + "a", NAMES)


def test_names_in_order_of_first_use():
    assert names_in(parse("c*(a + c) + b", NAMES)) == ["c", "a", "b"]


def test_shape_sees_sums_and_products_in_any_order_as_one():
    shapes = {n: ("var", n) for n in "abc"}
    assert shape(parse("(a + b)*c", NAMES), shapes) == shape(parse("c*(b + a)", NAMES), shapes)
    assert shape(parse("a - b", NAMES), shapes) != shape(parse("b - a", NAMES), shapes)


@pytest.mark.parametrize("op, xs, need, message", [
    ("log", (-1.0,), (), "log needs a positive argument"),
    ("sqrt", (0.0,), (0,), "sqrt at 0 has no finite derivative"),
    ("div", (1.0, 0.0), (), "division by zero"),
    ("pow", (-2.0, 0.5), (), "a negative base needs a whole exponent"),
    ("pow", (-2.0, 2.0), (1,), "needs a positive base"),
    ("exp", (1000.0,), (), "overflows"),
])
def test_domain_errors(op, xs, need, message):
    with pytest.raises(DomainError, match=message):
        check_domain(op, xs, need)


def test_sqrt_at_zero_has_a_value_when_no_derivative_is_needed():
    assert check_domain("sqrt", (0.0,), ()) == 0.0


# Each operation's float derivatives against SymPy's diff of its reference form.
POINTS = st.floats(min_value=-3, max_value=3, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@settings(max_examples=60, deadline=None)
@given(x=POINTS, y=POINTS, op=st.sampled_from(sorted(OPERATIONS)))
def test_the_rule_table_agrees_with_sympy_diff(x, y, op):
    spec = OPERATIONS[op]
    xs = (x, y)[:spec.arity]
    if op in ("log", "sqrt"):
        xs = (abs(x),)
    if op == "pow":
        xs = (abs(x), y)
    try:
        out = check_domain(op, xs, tuple(range(spec.arity)))
    except DomainError:
        return
    syms = sp.symbols(f"o0:{spec.arity}", real=True)
    ref = spec.reference(syms)
    point = {s: sp.Float(v, 30) for s, v in zip(syms, xs)}
    assert math.isclose(out, float(ref.xreplace(point).evalf(30)), rel_tol=1e-9, abs_tol=1e-12)
    for k, d in enumerate(spec.derivatives(xs, out)):
        expected = float(sp.diff(ref, syms[k]).xreplace(point).evalf(30))
        assert math.isclose(d, expected, rel_tol=1e-9, abs_tol=1e-12), (op, k)


def test_hand_derivatives_equal_sympy_diff_symbolically():
    """The forms a solution prints (sigmoid' = s(1 - s), ...) are the real derivatives."""
    for name, spec in OPERATIONS.items():
        syms = sp.symbols(f"o0:{spec.arity}", positive=True)
        node = spec.reference(syms)
        n = sp.Symbol("n", positive=True)
        for k, form in enumerate(spec.hand_derivatives(syms, n)):
            difference = form.xreplace({n: node}) - sp.diff(spec.reference(syms), syms[k])
            difference = difference.rewrite(sp.exp) if name in ("tanh",) else difference
            assert sp.simplify(difference.rewrite(sp.Piecewise)) == 0, name
