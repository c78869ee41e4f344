"""Expressions of a computation graph, read from text with a whitelist; nothing is ever run.

A small recursive-descent parser (tokenizer, then precedence climbing) accepts only
`+ - * / **`, parentheses, numbers, names and one-argument calls of the functions in
`FUNCTIONS`. Everything else (`^`, attribute access, strings, indexing, commas, other
calls, lambdas, absurd nesting or length) is an `ExpressionError` that says what is not
allowed and at which column of the text. The result is a small tree of our own records,
not Python and not SymPy parsed from text: `eval` and `sympify` never see the file.

`OPERATIONS` is the one table of what each operation computes and how it differentiates
(micrograd-style: the forward rule and its local derivatives side by side), in plain
floats, as a hand solution writes it (SymPy, in the node symbols) and as a reference
SymPy expression built independently for the cross-check against `sympy.diff`. The
functions that are activations take all of that from their entry in the activation table.

SymPy is imported on first use: `parse(..., exact=False)` gives the same tree with plain
floats for its numbers, which is all that checking a problem file needs.
"""
from __future__ import annotations

import difflib
import keyword
import math
import re
from dataclasses import dataclass
from typing import Callable, Union

from ...activations import ACTIVATIONS
from ...tolerances import snap


class _SymPy:
    """The `sympy` module, imported when an attribute is first asked for."""

    def __getattr__(self, name: str):
        import sympy
        return getattr(sympy, name)


sp = _SymPy()

MAX_LENGTH = 500          # characters of one expression
MAX_DEPTH = 30            # nesting of parentheses, calls and signs (deep recursion is refused, not risked)
MAX_EXPONENT = 100        # |constant exponent|: x**1000 is not an exam question and overflows
MAX_CONSTANT = 1e12       # a folded constant (2**10, 1/3, ...) stays a number a person can read

# The functions a graph may call, in the order messages list them. Those that are activations
# (tanh, sigmoid, relu) are computed, differentiated and written as their entry in
# solver/activations.py says; an activation whose entry has a plain-float form joins them.
FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs")
FUNCTIONS += tuple(name for name, act in ACTIVATIONS.items() if act.scalar is not None and name not in FUNCTIONS)
# Other spellings people reach for, and what to write instead.
FUNCTION_ALIASES = {"ln": "log", "σ": "sigmoid", "sigma": "sigmoid", "logistic": "sigmoid", "fabs": "abs",
                    "ReLU": "relu", "Relu": "relu", "max": "relu (relu(x) = max(0, x))", "pow": "x**y",
                    "exp2": "2**x", "log10": "log(x)/log(10)", "tan": "sin(x)/cos(x)"}


class ExpressionError(ValueError):
    """Something the whitelist refuses, at `col` (1-based) of the expression's text."""

    def __init__(self, col: int, message: str):
        self.col, self.message = col, message
        super().__init__(f"column {col}: {message}")


# ------------------------------------------------------------------ the tree

@dataclass(frozen=True)
class Num:
    value: sp.Expr                # exact: Integer, Rational, Float, or a folded constant such as E
                                  # (a float when parsed with exact=False)
    col: int


@dataclass(frozen=True)
class Name:
    id: str
    col: int


@dataclass(frozen=True)
class Call:
    func: str                     # one of FUNCTIONS
    arg: "Tree"
    col: int


@dataclass(frozen=True)
class Neg:
    arg: "Tree"
    col: int


@dataclass(frozen=True)
class Bin:
    op: str                       # + - * / **
    left: "Tree"
    right: "Tree"
    col: int                      # column of the operator


Tree = Union[Num, Name, Call, Neg, Bin]


def shape(tree: Tree, shapes: dict[str, tuple]) -> tuple:
    """What a tree computes, as a key: equal keys are one node of the graph. `shapes` gives the
    shape of each name (a variable is itself; an intermediate is its definition). Sums and
    products are compared regardless of order (a + b is b + a)."""
    if isinstance(tree, Num):
        return ("num", str(tree.value))
    if isinstance(tree, Name):
        return shapes[tree.id]
    if isinstance(tree, (Call, Neg)):
        return (tree.func if isinstance(tree, Call) else "neg", shape(tree.arg, shapes))
    inner = (shape(tree.left, shapes), shape(tree.right, shapes))
    if tree.op in ("+", "*"):
        inner = tuple(sorted(inner, key=repr))
    return (BINARY[tree.op],) + inner


def names_in(tree: Tree) -> list[str]:
    """The names a tree uses, in order of first use."""
    out: list[str] = []

    def walk(t: Tree) -> None:
        if isinstance(t, Name):
            if t.id not in out:
                out.append(t.id)
        elif isinstance(t, (Call, Neg)):
            walk(t.arg)
        elif isinstance(t, Bin):
            walk(t.left)
            walk(t.right)

    walk(tree)
    return out


# ------------------------------------------------------------------ tokens

@dataclass(frozen=True)
class Token:
    kind: str          # num | name | op | end
    text: str
    col: int


_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = ("**", "+", "-", "*", "/", "(", ")")
_REFUSED = {
    "^": "'^' is not allowed: write a power as ** (a**2)",
    ".": "'.' is not allowed here: attribute access is not part of an expression",
    ",": "',' is not allowed: each function takes exactly one argument",
    "=": "'=' is not allowed: write only the right-hand side (the output's name goes in name:)",
    "[": "indexing ('[') is not allowed: name each value in `at`",
    "]": "indexing (']') is not allowed: name each value in `at`",
    "{": "braces are not allowed: group with ( and )",
    "}": "braces are not allowed: group with ( and )",
    "'": "strings are not allowed in an expression",
    '"': "strings are not allowed in an expression",
    ":": "':' is not allowed (no lambdas, slices or annotations)",
    ";": "';' is not allowed: one expression only",
    "@": "'@' is not allowed: write products with *",
    "%": "'%' is not allowed: only + - * / ** and the functions " + ", ".join(FUNCTIONS),
    "!": "'!' is not allowed: only + - * / ** and the functions " + ", ".join(FUNCTIONS),
    "&": "'&' is not allowed: only + - * / ** and the functions " + ", ".join(FUNCTIONS),
    "|": "'|' is not allowed: write abs(x) for |x|",
    "<": "comparisons are not allowed in an expression",
    ">": "comparisons are not allowed in an expression",
    "\\": "backslashes are not allowed: write sqrt(x), not \\sqrt{x}",
}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
            continue
        col = i + 1
        m = _NUMBER.match(text, i)
        if m and (c.isdigit() or c == "."):
            after = m.end()
            if after < len(text) and (text[after].isalpha() or text[after] == "_"):
                word = _NAME.match(text, after).group()
                raise ExpressionError(col, f"a number directly followed by a name ({m.group()}{word}): "
                                      f"write {m.group()}*{word} for a product")
            if after < len(text) and text[after] == ".":
                raise ExpressionError(after + 1, "'.' is not allowed here: a number has one decimal point")
            tokens.append(Token("num", m.group(), col))
            i = after
            continue
        m = _NAME.match(text, i)
        if m:
            tokens.append(Token("name", m.group(), col))
            i = m.end()
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op:
            tokens.append(Token("op", op, col))
            i += len(op)
            continue
        if c in _REFUSED:
            raise ExpressionError(col, _REFUSED[c])
        raise ExpressionError(col, f"{c!r} is not allowed: only + - * / ** ( ), numbers, names and the "
                              f"functions {', '.join(FUNCTIONS)}")
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


# ------------------------------------------------------------------ parser

class _Parser:
    """expr := term (('+'|'-') term)*        term := unary (('*'|'/') unary)*
       unary := ('-'|'+') unary | power      power := atom ('**' unary)?   (right-associative)
       atom := number | name | function '(' expr ')' | '(' expr ')'"""

    def __init__(self, text: str, names: dict[str, str], later: dict[str, str], exact: bool = True):
        self.text = text
        self.exact = exact
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.names = names            # name -> what it is ("variable", "intermediate")
        self.later = later            # names that exist but may not be used here -> why

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def deeper(self, col: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(col, f"nested more than {MAX_DEPTH} deep: split it into named "
                                  "intermediates with let")

    def parse(self) -> Tree:
        if self.tok.kind == "end":
            raise ExpressionError(1, "is empty: write an expression such as 3*(a + b*c)")
        tree = self.expr()
        t = self.tok
        if t.kind != "end":
            if t.text == ")":
                raise ExpressionError(t.col, "')' without a matching '('")
            raise ExpressionError(t.col, f"missing operator before {t.text!r}: write * for a product")
        return tree

    def expr(self) -> Tree:
        left = self.term()
        while self.tok.text in ("+", "-") and self.tok.kind == "op":
            op = self.take()
            left = Bin(op.text, left, self.term(), op.col)
        return left

    def term(self) -> Tree:
        left = self.unary()
        while self.tok.text in ("*", "/") and self.tok.kind == "op":
            op = self.take()
            left = Bin(op.text, left, self.unary(), op.col)
        return left

    def unary(self) -> Tree:
        if self.tok.kind == "op" and self.tok.text in ("-", "+"):
            op = self.take()
            self.deeper(op.col)
            arg = self.unary()
            self.depth -= 1
            return arg if op.text == "+" else Neg(arg, op.col)
        return self.power()

    def power(self) -> Tree:
        base = self.atom()
        if self.tok.kind == "op" and self.tok.text == "**":
            op = self.take()
            self.deeper(op.col)
            exponent = self.unary()
            self.depth -= 1
            return Bin("**", base, exponent, op.col)
        return base

    def atom(self) -> Tree:
        t = self.take()
        if t.kind == "num":
            tree: Tree = Num(_number(t, self.exact), t.col)
        elif t.kind == "name":
            tree = self.name_or_call(t)
        elif t.text == "(":
            self.deeper(t.col)
            tree = self.expr()
            self.close(t)
            self.depth -= 1
        elif t.kind == "end":
            raise ExpressionError(t.col, "ends too early: an operator needs something after it")
        elif t.text == ")":
            raise ExpressionError(t.col, "')' where a number, a name or '(' belongs")
        else:
            raise ExpressionError(t.col, f"{t.text!r} where a number, a name or '(' belongs")
        nxt = self.tok
        if nxt.kind in ("num", "name") or nxt.text == "(":
            raise ExpressionError(nxt.col, f"missing operator before {nxt.text!r}: write * for a product, "
                                  f"e.g. 3*(a + b) or b*c")
        return tree

    def close(self, opening: Token) -> None:
        t = self.tok
        if t.text == ")":
            self.take()
            return
        if t.kind == "end":
            raise ExpressionError(opening.col, "'(' is never closed: add ')'")
        raise ExpressionError(t.col, f"missing operator before {t.text!r}: write * for a product")

    def name_or_call(self, t: Token) -> Tree:
        word = t.text
        if keyword.iskeyword(word) or word in ("print", "eval", "exec", "open", "import"):
            raise ExpressionError(t.col, f"{word!r} is not allowed: an expression is arithmetic only, "
                                  "nothing in a problem file is run")
        if self.tok.text == "(" and self.tok.kind == "op":
            return self.call(t)
        if word in FUNCTIONS:
            raise ExpressionError(t.col, f"{word} is a function: write {word}(...)")
        if word in self.later:
            raise ExpressionError(t.col, f"{word!r} {self.later[word]}")
        if word not in self.names:
            raise ExpressionError(t.col, _unknown_name(word, self.names))
        return Name(word, t.col)

    def call(self, t: Token) -> Tree:
        word = t.text
        if word not in FUNCTIONS:
            if word in self.names:
                raise ExpressionError(t.col, f"{word} is {self.names[word]}, not a function: write "
                                      f"{word}*(...) for a product")
            alias = FUNCTION_ALIASES.get(word)
            hint = f"; write {alias}" if alias else _suggestion(word, FUNCTIONS)
            raise ExpressionError(t.col, f"unknown function {word!r}{hint} (allowed: {', '.join(FUNCTIONS)})")
        opening = self.take()
        self.deeper(opening.col)
        if self.tok.text == ")":
            raise ExpressionError(self.tok.col, f"{word}() needs one argument")
        arg = self.expr()
        if self.tok.text == ")":
            self.take()
        elif self.tok.kind == "end":
            raise ExpressionError(opening.col, "'(' is never closed: add ')'")
        else:
            raise ExpressionError(self.tok.col, f"missing operator before {self.tok.text!r}: "
                                  "write * for a product")
        self.depth -= 1
        return Call(word, arg, t.col)


def _number(t: Token, exact: bool = True) -> sp.Expr | float:
    value = float(t.text)
    if not math.isfinite(value) or abs(value) > 1e6:
        raise ExpressionError(t.col, f"{t.text} is too large for a worked solution (at most 1e6 in size)")
    if 0 < abs(value) < 1e-9:
        raise ExpressionError(t.col, f"{t.text} is too small to carry faithfully (a number is 0 or from 1e-9 "
                              "to 1e6 in size): write 0 if you mean 0")
    if not exact:
        return value
    if re.fullmatch(r"\d+", t.text):
        return sp.Integer(int(t.text))
    return sp.Float(t.text)


def _suggestion(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown_name(word: str, names: dict[str, str]) -> str:
    if len(word) > 1 and all(c in names for c in word):
        return f"unknown name {word!r}: for a product write {'*'.join(word)}"
    hint = _suggestion(word, names)
    known = ", ".join(names) if names else "none"
    return (f"unknown name {word!r}{hint}: every variable needs a value in `at` "
            f"(known here: {known})")


def parse(text: str, names: dict[str, str], later: dict[str, str] | None = None, exact: bool = True) -> Tree:
    """The tree of `text`. `names`: the names it may use -> what each is (for messages);
    `later`: names that exist but may not be used here -> why not. `exact=False`: the
    numbers (and folded constants) are floats, and SymPy is not needed."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(MAX_LENGTH + 1, f"is {len(text)} characters long; an expression is at most "
                              f"{MAX_LENGTH} (name parts of it with let)")
    _check_nesting(text)
    return fold(_Parser(text, names, later or {}, exact).parse(), exact)


def _check_nesting(text: str) -> None:
    """Counted before parsing, so that no recursion ever goes deep."""
    depth = 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(i + 1, f"nested more than {MAX_DEPTH} deep: split it into named "
                                      "intermediates with let")
        elif c == ")":
            depth -= 1
            if depth < 0:
                raise ExpressionError(i + 1, "')' without a matching '('")


# ------------------------------------------------------------------ constants

def fold(tree: Tree, exact: bool = True) -> Tree:
    """Parts without names become one number (2**3 -> 8, 1/3, -2), checked for size and domain:
    exact (SymPy) or, `exact=False`, a float."""
    if isinstance(tree, (Num, Name)):
        return tree
    if isinstance(tree, Neg):
        arg = fold(tree.arg, exact)
        return Num(-arg.value, tree.col) if isinstance(arg, Num) else Neg(arg, tree.col)
    if isinstance(tree, Call):
        arg = fold(tree.arg, exact)
        if isinstance(arg, Num):
            x = float(arg.value)
            value = _check_domain(tree.func, (x,), tree.col)
            return _constant(OPERATIONS[tree.func].reference((arg.value,)) if exact else value, tree.col)
        return Call(tree.func, arg, tree.col)
    left, right = fold(tree.left, exact), fold(tree.right, exact)
    if tree.op == "**" and isinstance(right, Num) and abs(float(right.value)) > MAX_EXPONENT:
        raise ExpressionError(tree.col, f"the exponent {_show(right.value)} is too large (at most "
                              f"{MAX_EXPONENT} in size): a worked solution does not raise to such powers")
    if tree.op == "/" and isinstance(right, Num) and right.value == 0:
        raise ExpressionError(tree.col, "division by zero")
    if isinstance(left, Num) and isinstance(right, Num):
        op = BINARY[tree.op]
        xs = (float(left.value), float(right.value))
        value = _check_domain(op, xs, tree.col)
        return _constant(OPERATIONS[op].reference((left.value, right.value)) if exact else value, tree.col)
    if tree.op == "**" and isinstance(right, Bin) and right.op == "**":
        raise ExpressionError(right.col, "a tower of powers (a**b**c or a**(b**c)) is not allowed: "
                              "name the inner power with let (p: b**c), then write a**p")
    return Bin(tree.op, left, right, tree.col)


def _constant(value: sp.Expr, col: int) -> Num:
    v = float(value)
    if not math.isfinite(v) or abs(v) > MAX_CONSTANT:
        raise ExpressionError(col, f"this constant is too large for a worked solution ({v:.3g})")
    return Num(value, col)


def _show(value: sp.Expr) -> str:
    return f"{float(value):g}"


# ------------------------------------------------------------------ operations

BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}


@dataclass(frozen=True)
class Operation:
    """One operation of a graph node. `xs` are the operand values, `out` the node's value;
    `args` are SymPy symbols or numbers of the operands, `node` the node's own symbol.
    `derivatives` uses exactly the values its hand form names (the operands, or the node's
    own value for sqrt, tanh and sigmoid), so that a step's inputs are what it was computed from."""
    name: str
    arity: int
    forward: Callable[[tuple], float]
    derivatives: Callable[[tuple, float], tuple]          # d out / d each operand, floats
    display: Callable[[tuple], sp.Expr]                   # how the node is written (unevaluated)
    hand_derivatives: Callable[[tuple, sp.Expr], tuple]   # d out / d each operand as written by hand
    reference: Callable[[tuple], sp.Expr]                 # SymPy's own functions, for sympy.diff
    kink: str | None = None                               # a point without derivative, by convention
    uses_output: bool = False                             # the derivative is written with the node's own
                                                          # value (sqrt: 1/(2 s); sigmoid: s(1 - s))


_ue = dict(evaluate=False)


def _mul(*factors) -> sp.Expr:
    return sp.Mul(*factors, evaluate=False)


def _neg(x) -> sp.Expr:
    return sp.Mul(-1, x, evaluate=False)


def _activation(name: str) -> Operation:
    """A function of the graph that is an activation: its forward and derivative in plain floats,
    its display (an inert named function: sigma(z), ReLU(z)), its hand derivative (the entry's,
    in the operand and the node's own symbol) and its reference (the entry's SymPy form)."""
    act = ACTIVATIONS[name]

    def hand(a, n):
        from ...symbols import A, Z
        return (act.hand_derivative.xreplace({Z: a[0], A: n}),)

    return Operation(name, 1, lambda xs: act.scalar.forward(xs[0]),
                     lambda xs, out: (act.scalar.derivative(xs[0], out),),
                     lambda a: act.named(a[0]), hand, lambda a: act.expr(a[0]), kink=act.kink,
                     uses_output=act.scalar.uses_output)


OPERATIONS: dict[str, Operation] = {op.name: op for op in [
    Operation("add", 2, lambda xs: xs[0] + xs[1], lambda xs, out: (1.0, 1.0),
              lambda a: sp.Add(a[0], a[1], **_ue), lambda a, n: (sp.Integer(1), sp.Integer(1)),
              lambda a: a[0] + a[1]),
    Operation("sub", 2, lambda xs: xs[0] - xs[1], lambda xs, out: (1.0, -1.0),
              lambda a: sp.Add(a[0], _neg(a[1]), **_ue), lambda a, n: (sp.Integer(1), sp.Integer(-1)),
              lambda a: a[0] - a[1]),
    Operation("mul", 2, lambda xs: xs[0] * xs[1], lambda xs, out: (xs[1], xs[0]),
              lambda a: _mul(a[0], a[1]), lambda a, n: (a[1], a[0]),
              lambda a: a[0] * a[1]),
    Operation("div", 2, lambda xs: xs[0] / xs[1], lambda xs, out: (1.0 / xs[1], -xs[0] / xs[1] ** 2),
              lambda a: _mul(a[0], sp.Pow(a[1], -1, **_ue)),
              lambda a, n: (1 / a[1], -a[0] / a[1] ** 2),
              lambda a: a[0] / a[1]),
    Operation("pow", 2, lambda xs: xs[0] ** xs[1],
              lambda xs, out: (xs[1] * xs[0] ** (xs[1] - 1) if xs[1] != 0 else 0.0,
                               xs[0] ** xs[1] * math.log(xs[0]) if xs[0] > 0 else math.nan),
              lambda a: sp.Pow(a[0], a[1], **_ue),
              lambda a, n: (a[1] * a[0] ** (a[1] - 1), a[0] ** a[1] * sp.log(a[0])),
              lambda a: a[0] ** a[1]),
    Operation("neg", 1, lambda xs: -xs[0], lambda xs, out: (-1.0,),
              lambda a: _neg(a[0]), lambda a, n: (sp.Integer(-1),), lambda a: -a[0]),
    Operation("exp", 1, lambda xs: math.exp(xs[0]), lambda xs, out: (math.exp(xs[0]),),
              lambda a: sp.exp(a[0], **_ue), lambda a, n: (sp.exp(a[0]),), lambda a: sp.exp(a[0])),
    Operation("log", 1, lambda xs: math.log(xs[0]), lambda xs, out: (1.0 / xs[0],),
              lambda a: sp.log(a[0], **_ue), lambda a, n: (1 / a[0],), lambda a: sp.log(a[0])),
    Operation("sqrt", 1, lambda xs: math.sqrt(xs[0]), lambda xs, out: (0.5 / out,),
              lambda a: sp.Pow(a[0], sp.Rational(1, 2), **_ue), lambda a, n: (1 / (2 * n),),
              lambda a: sp.sqrt(a[0]), uses_output=True),
    Operation("sin", 1, lambda xs: math.sin(xs[0]), lambda xs, out: (math.cos(xs[0]),),
              lambda a: sp.sin(a[0], **_ue), lambda a, n: (sp.cos(a[0]),), lambda a: sp.sin(a[0])),
    Operation("cos", 1, lambda xs: math.cos(xs[0]), lambda xs, out: (-math.sin(xs[0]),),
              lambda a: sp.cos(a[0], **_ue), lambda a, n: (-sp.sin(a[0]),), lambda a: sp.cos(a[0])),
    *(_activation(name) for name in FUNCTIONS if name in ACTIVATIONS),
    Operation("abs", 1, lambda xs: abs(xs[0]),
              lambda xs, out: (float(math.copysign(1.0, xs[0])) if snap(xs[0]) != 0 else 0.0,),
              lambda a: sp.Abs(a[0], **_ue), lambda a, n: (sp.sign(a[0]),), lambda a: sp.Abs(a[0]),
              kink="abs"),
]}


# The operations whose derivative is written with the node's own value.
USES_OUTPUT = frozenset(name for name, op in OPERATIONS.items() if op.uses_output)


class DomainError(ArithmeticError):
    """An operation undefined (or without a derivative) at the given values."""


def _check_domain(op: str, xs: tuple, col: int) -> float:
    try:
        return check_domain(op, xs)
    except DomainError as exc:
        raise ExpressionError(col, str(exc)) from None


def check_domain(op: str, xs: tuple, need_derivative: tuple = ()) -> float:
    """The value of `op` at `xs`, or a `DomainError` saying why there is none.
    `need_derivative`: the operands whose local derivative the solution needs."""
    x = xs[0]
    if op == "log" and x <= 0:
        raise DomainError(f"log of {_num(x)}: log needs a positive argument")
    if op == "sqrt" and x < 0:
        raise DomainError(f"sqrt of {_num(x)}: sqrt needs an argument of at least 0")
    if op == "sqrt" and x == 0 and 0 in need_derivative:
        raise DomainError("sqrt at 0 has no finite derivative: choose values where its argument is positive")
    if op == "div" and xs[1] == 0:
        raise DomainError(f"division by zero ({_num(x)} / 0)")
    if op == "pow":
        base, power = xs
        if base == 0 and power < 0:
            raise DomainError(f"0 to the power {_num(power)} divides by zero")
        if base < 0 and not float(power).is_integer():
            raise DomainError(f"{_num(base)} to the power {_num(power)}: a negative base needs a whole "
                              "exponent")
        if base <= 0 and 1 in need_derivative:
            raise DomainError(f"the exponent depends on a variable, so d/d(exponent) = base**exponent * "
                              f"log(base) needs a positive base, but the base is {_num(base)}")
        if base == 0 and 0 in need_derivative and 0 < power < 1:
            raise DomainError(f"0 to the power {_num(power)} has no finite derivative")
    try:
        value = OPERATIONS[op].forward(xs)
    except OverflowError:
        raise DomainError(f"{op} overflows at {', '.join(_num(v) for v in xs)}: use smaller values") from None
    if not math.isfinite(value) or abs(value) > 1e100:
        raise DomainError(f"{op} overflows at {', '.join(_num(v) for v in xs)}: use smaller values")
    return value


def _num(x: float) -> str:
    return f"{x:.6g}"
