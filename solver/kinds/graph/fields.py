"""The fields of a graph question: an expression, the values of its variables, named intermediates.

    kind: graph
    expression: 3*(a + b*c)        # + - * / ** ( ), numbers, the names below, and
                                   #   exp log sqrt sin cos tanh sigmoid relu abs
    at: {a: 5, b: 3, c: 2}         # every variable and its value
    let: {u: b*c, v: a + u}        # optional, in order: each may use the variables and earlier lets
    name: J                        # optional: the output's name (J; f when J is taken)
    wrt: [a, b]                    # optional: the partials asked for (default: every variable)

Everything is checked here, at the position in the file: the whitelist of the parser
(expression.py, beside this module), the names, and that every operation has a value (and, where the
partials need it, a derivative) at the given point. The checks parse with float constants
(no SymPy); `GraphSpec.for_solving` parses the valid text again with exact ones.
"""
from __future__ import annotations

import dataclasses
import keyword
import re
from dataclasses import dataclass
from typing import Any

from ... import fieldtypes as ft
from ...errors import ProblemError
from .expression import (BINARY, FUNCTIONS, MAX_LENGTH, Call, DomainError, ExpressionError, Name, Neg, Num,
                          Tree, check_domain, names_in, parse, shape)
from ...reading import Reader, describe, suggest
from ...yamlsource import dotted

MAX_VARIABLES = 20
KEYS = {"expression": ft.text(MAX_LENGTH + 1), "at": ft.mapping_of(ft.NUMBER, 1, MAX_VARIABLES),
        "let": ft.optional(ft.mapping_of(ft.text(MAX_LENGTH + 1), 0)), "name": ft.optional(ft.text(20)),
        "wrt": ft.optional(ft.one_or_list(ft.text(20)))}     # key -> type (solver/fieldtypes.py)
MAX_OPERATIONS = 60       # operations written in the expression and lets: a graph a page can hold
DEFAULT_NAMES = ("J", "f", "L", "out")
# A sum or difference smaller than this part of its terms keeps fewer than 10 of float's 16
# digits: the float and exact computations of what is built on it (a log, a quotient) part.
CANCELLATION = 1e-6
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,19}")


@dataclass(frozen=True, eq=False)
class GraphSpec:
    expression: Tree
    text: str                                   # the expression as written
    at: tuple[tuple[str, float], ...]           # the variables in the order given, with their values
    lets: tuple[tuple[str, Tree, str], ...]     # name, tree, text, in the order given
    name: str                                   # the output's name
    wrt: tuple[str, ...]                        # the variables whose partials are asked for

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.at)

    @property
    def values(self) -> dict[str, float]:
        return dict(self.at)

    def for_solving(self) -> "GraphSpec":
        """The same trees with exact (SymPy) constants: 1/3 a Rational, exp(1) the number e."""
        names = {n: "" for n in self.variables} | {k: "" for k, _, _ in self.lets}
        return dataclasses.replace(self, expression=parse(self.text, names),
                                   lets=tuple((k, parse(text, names), text) for k, _, text in self.lets))


def read(r: Reader, node: dict, path, question) -> GraphSpec:
    for needed, example in (("expression", "expression: 3*(a + b*c)"), ("at", "at: {a: 5, b: 3, c: 2}")):
        if needed not in node:
            raise r.fail(path, f"{needed}: missing; a graph question needs an expression and the values of "
                         f"its variables ({example})")
    at = _at(r, node["at"], path + ("at",))
    let_node = node.get("let") or {}
    if not isinstance(let_node, dict):
        raise r.fail(path + ("let",), f"expected a mapping of names to expressions (let: {{u: b*c, v: a + u}}), "
                     f"got {describe(let_node)}")
    let_names = [_name(r, k, path + ("let", k), "a let") for k in let_node]
    given_name = "name" in node and node["name"] is not None
    out = _name(r, node["name"], path + ("name",), "the output's name") if given_name else \
        next(n for n in DEFAULT_NAMES if n not in at and n not in let_names)
    for k in let_names:
        if k in at:
            raise r.fail(path + ("let", k), f"{k!r} is a variable of `at`; give the intermediate another name")
        if k == out:
            raise r.fail(path + ("let", k), f"{k!r} is the output's name (name: {out}); give the intermediate "
                         "another name")
    if out in at:
        raise r.fail(path + ("name",), f"{out!r} is a variable of `at`; give the output another name")

    names = {v: "a variable" for v in at}
    lets: list[tuple[str, Tree, str]] = []
    for i, k in enumerate(let_names):
        later = {n: "is defined later in let: move its line above this one" for n in let_names[i:]}
        later[k] = "is the intermediate being defined: it cannot use itself"
        later[out] = f"is the output's name (name: {out}); it cannot be used inside the expression"
        text = r.text(let_node[k], path + ("let", k), MAX_LENGTH + 1)
        tree = _parse(r, text, path + ("let", k), names, later)
        if isinstance(tree, (Name, Num)):
            what = f"just renames {tree.id}" if isinstance(tree, Name) else "is a constant"
            raise r.fail(path + ("let", k), f"{k}: {text} {what}; an intermediate names an operation "
                         "(u: b*c)")
        lets.append((k, tree, text))
        names[k] = "an intermediate (let)"
    text = r.text(node["expression"], path + ("expression",), MAX_LENGTH + 1)
    later = {out: f"is the output's name (name: {out}); it cannot be used inside the expression"}
    tree = _parse(r, text, path + ("expression",), names, later)
    if isinstance(tree, Num):
        raise r.fail(path + ("expression",), "has no variables: there is nothing to differentiate")
    if isinstance(tree, Name) and tree.id in at:
        raise r.fail(path + ("expression",), f"is just the variable {tree.id}: there is nothing to compute")
    if isinstance(tree, Name):          # the output is the last intermediate: it keeps its name
        if given_name:
            raise r.fail(path + ("name",), f"the expression is the intermediate {tree.id!r}, which names the "
                         f"output already: remove name: or write the last operation in expression:")
        out = tree.id

    _check_used(r, path, tree, lets, at)
    count = sum(_operations(t) for _, t, _ in lets) + _operations(tree)
    if count > MAX_OPERATIONS:
        raise r.fail(path + ("expression",), f"{count} operations; a worked graph shows every node, and past "
                     f"{MAX_OPERATIONS} it stops being readable")
    wrt = _wrt(r, node["wrt"], path + ("wrt",), at) if node.get("wrt") is not None else tuple(at)
    spec = GraphSpec(tree, text, tuple(at.items()), tuple(lets), out, wrt)
    _check_values(r, path, spec)
    return spec


def _at(r: Reader, value: Any, path) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise r.fail(path, f"expected a mapping of each variable to its value (at: {{a: 5, b: 3}}), "
                     f"got {describe(value) if value != {} else 'an empty mapping'}")
    if len(value) > MAX_VARIABLES:
        raise r.fail(path, f"{len(value)} variables; a worked graph takes at most {MAX_VARIABLES}")
    return {_name(r, k, path + (k,), "a variable"): r.number(v, path + (k,)) for k, v in value.items()}


def _name(r: Reader, value: Any, path, what: str) -> str:
    if not isinstance(value, str):
        raise r.fail(path, f"{what} is a name such as a, w1 or x_2, got {describe(value)}")
    if not _IDENTIFIER.fullmatch(value):
        raise r.fail(path, f"{value!r}: {what} is a letter followed by letters, digits or _ "
                     "(at most 20 characters)")
    if value in FUNCTIONS or keyword.iskeyword(value):
        raise r.fail(path, f"{value!r} is {'a function' if value in FUNCTIONS else 'a reserved word'}; "
                     f"{what} needs another name")
    return value


def _parse(r: Reader, text: str, path, names: dict, later: dict) -> Tree:
    try:
        return parse(text, names, later, exact=False)
    except ExpressionError as exc:
        raise _at_column(r, path, text, exc.col, exc.message) from None


def _at_column(r: Reader, path, text: str, col: int, message: str) -> ProblemError:
    """The error at the column of the expression, mapped into the file when the text stands
    whole on the line of its key (else at the key), and the column within the text said too."""
    line, start = r.src.where(path)
    found = _text_start(r.src.file, line, start, text)
    if found is not None:
        start = found + col - 1
    return ProblemError(r.src.file, line, start, dotted(path), f"column {col} of {text!r}: {message}")


def _text_start(file: str, line: int, key_col: int, text: str) -> int | None:
    """The column where `text` begins after its key on `line`, verified against the file.
    (The source keeps the position of each key, not of its value.)"""
    try:
        with open(file, encoding="utf-8-sig") as fh:
            for _ in range(line - 1):
                fh.readline()
            row = fh.readline()
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    m = re.compile(r"[^:]*:\s*['\"]?").match(row, key_col - 1)
    if m and row.startswith(text, m.end()):
        return m.end() + 1
    return None


def _check_used(r: Reader, path, tree: Tree, lets, at: dict) -> None:
    """Every variable and intermediate given is used: an unused one is usually a typo. An
    intermediate is used when a tree uses its name, or when its operation occurs in a used tree
    (the notes' "J = 3(a + bc). Let bc = u. Let a + bc = v.": sums and products in any order)."""
    definitions = {k: t for k, t, _ in lets}
    shapes = {v: ("var", v) for v in at}
    for k, t, _ in lets:
        shapes[k] = shape(t, shapes)
    used: set[str] = set()
    seen_shapes = set(_subtree_shapes(tree, shapes)[1:])    # the parts, not the whole expression
    todo, trees = names_in(tree), []
    while todo or trees:
        for t in trees:
            seen_shapes.update(_subtree_shapes(t, shapes))
        trees = []
        todo += [k for k in definitions if k not in used and k not in todo and shapes[k] in seen_shapes]
        while todo:
            n = todo.pop()
            if n in used:
                continue
            used.add(n)
            if n in definitions:
                todo += names_in(definitions[n])
                trees.append(definitions[n])
    for k, _, _ in lets:
        if k not in used:
            raise r.fail(path + ("let", k), f"the intermediate {k!r} is not used by the expression "
                         "(neither by its name nor as an operation in it); use it or remove it")
    for v in at:
        if v not in used:
            raise r.fail(path + ("at", v), f"the variable {v!r} is not used by the expression; "
                         "use it or remove it")


def _subtree_shapes(tree: Tree, shapes: dict) -> list[tuple]:
    """The shape of every operation in a tree (see expression.shape), the whole tree's first."""
    out = []
    stack = [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, (Num, Name)):
            continue
        out.append(shape(t, shapes))
        stack += [t.arg] if isinstance(t, (Call, Neg)) else [t.left, t.right]
    return out


def _operations(tree: Tree) -> int:
    if isinstance(tree, (Num, Name)):
        return 0
    if isinstance(tree, (Call, Neg)):
        return 1 + _operations(tree.arg)
    return 1 + _operations(tree.left) + _operations(tree.right)


def _wrt(r: Reader, value: Any, path, at: dict) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise r.fail(path, f"expected a list of variables, got {describe(value)}")
    out: list[str] = []
    for i, v in enumerate(value):
        if v not in at:
            raise r.fail(path + (i,), f"{describe(v)} is not a variable of `at`{suggest(str(v), at)} "
                         f"(variables: {', '.join(at)})")
        if v in out:
            raise r.fail(path + (i,), f"{v!r} is listed twice")
        out.append(v)
    return tuple(v for v in at if v in out)


def _check_values(r: Reader, path, spec: GraphSpec) -> None:
    """Every operation defined at the given point, with a derivative where a partial needs one."""
    values: dict[str, float] = dict(spec.values)
    depends: dict[str, bool] = {v: v in spec.wrt for v in values}

    def walk(t: Tree, where, text) -> tuple[float, bool]:
        if isinstance(t, Num):
            return float(t.value), False
        if isinstance(t, Name):
            return values[t.id], depends[t.id]
        if isinstance(t, (Call, Neg)):
            operands = [walk(t.arg, where, text)]
            op = t.func if isinstance(t, Call) else "neg"
        else:
            operands = [walk(t.left, where, text), walk(t.right, where, text)]
            op = BINARY[t.op]
        xs = tuple(x for x, _ in operands)
        need = tuple(i for i, (_, d) in enumerate(operands) if d)
        try:
            value = check_domain(op, xs, need)
        except DomainError as exc:
            raise _at_column(r, where, text, t.col, f"at the given values, {exc}") from None
        if op in ("add", "sub") and value != 0 and abs(value) < CANCELLATION * sum(abs(x) for x in xs):
            raise _at_column(r, where, text, t.col, f"at the given values, the terms cancel to {value:.3g}, "
                             "less than a millionth of their size: float arithmetic keeps too few digits "
                             "of that to work on; choose values further apart (or equal ones, for 0)")
        return value, any(d for _, d in operands)

    for k, tree, text in spec.lets:
        values[k], depends[k] = walk(tree, path + ("let", k), text)
    walk(spec.expression, path + ("expression",), spec.text)
