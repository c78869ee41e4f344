"""`graph` questions: a computation graph, its values, local derivatives and path sums.

The expression becomes a graph of nodes: the variables, one node per operation (named
by a `let`, or u, v, w, ... as the course does), and the output. A subexpression used
twice is one node with two outgoing edges; that is what makes two paths. Each partial
is the sum over the paths from the output to a variable of the products of the local
derivatives on their edges.

Values come from the steps' own `recompute` functions, run once on exact values and
once as a hand solution runs them (rounded, and under `carry: rounded` rounded before
they are used again). Every number is then checked against an independent SymPy
evaluation worked node by node (linear in the graph's size, never the expanded formula, which
doubles with every level of sharing): node values against the reference operations at 30
digits, each local derivative against `sympy.diff` of its operation, each partial against the
reference's own reverse accumulation and against finite differences of the graph, and, when
the whole expression written out is short enough to read (MAX_EXPANDED_OPS), against
`sympy.diff` of it (and, when its paths are listed, the listed sum against the accumulated one).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterator

import sympy as sp

from ...derive import Factor
from ...errors import CrossCheckError
from .expression import (BINARY, OPERATIONS, Bin, Call, DomainError, Name, Neg, Num, Tree,
                          check_domain, shape)
from .fields import GraphSpec
from ...figures import Diagram, Edge as DiagramEdge, Node as DiagramNode
from ...model import Question
from ...rounding import round_half_up
from ...steps import Line, Step, StepKind
from ...symbols import Given, given as given_number, replace_unevaluated
from ...tolerances import ATOL, KINK_TOLERANCE, RTOL, snap

MAX_LISTED_PATHS = 8          # more paths than this are summed by accumulation, not listed one by one
MAX_SHOWN_DIRECT_OPS = 14     # a direct derivative longer than this is given as a number only
MAX_EXPANDED_OPS = 40         # the output written out in the variables, past this many operations, is
                              # not written (nor differentiated as one formula): the check works on the graph
FD_STEP_DIGITS = 20           # the finite differences of the check move a variable by 1e-20 of its size
FD_DIGITS = 60                # ... computing at 60 digits (templates/common/graph.j2 says 10^{-20})
FD_KINK_MARGIN = 1e-6         # ... and are left out when a kink (relu, abs) is this close
AUTO_NAMES = ("u", "v", "w", "p", "q", "r", "s", "t", "h", "k", "m", "n")
WHOLE_OPS = frozenset({"add", "sub", "mul", "neg"})   # integers in, an integer out, and so their derivatives
WHOLE_LIMIT = 2 ** 52         # beyond this a float no longer holds every integer
COLUMN = 1.3                  # the diagram's column spacing, in node spacings: room for "u = b c" boxes


class Paren(sp.Function):
    """A number put in, kept in parentheses: a - (-2), not a - -2."""

    def _latex(self, printer, exp=None):
        body = r"\left(" + printer._print(self.args[0]) + r"\right)"
        return body if exp is None else f"{body}^{{{exp}}}"


# ------------------------------------------------------------------ the graph

@dataclass(frozen=True, eq=False)
class GraphNode:
    index: int
    name: str
    op: str | None                        # None for a variable
    operands: tuple                       # node indices (int) or constants (SymPy numbers)
    role: str                             # input | op | output
    named: bool = False                   # named by a let (or the output), not auto

    @property
    def symbol(self) -> sp.Symbol:
        return _symbol(self.name)

    @property
    def key(self) -> str | None:
        if self.role == "input":
            return None
        return "value" if self.role == "output" else f"node_{self.name}"

    @property
    def children(self) -> tuple[int, ...]:
        """Operand nodes, each once, in the order written."""
        out: list[int] = []
        for o in self.operands:
            if isinstance(o, int) and o not in out:
                out.append(o)
        return tuple(out)


@dataclass(frozen=True, eq=False)
class Graph:
    nodes: tuple[GraphNode, ...]          # topological: the variables, then each node after its operands
    output: int

    @property
    def edges(self) -> tuple[tuple[int, int], ...]:
        """(parent, child) for each operand node of each operation."""
        return tuple((n.index, c) for n in self.nodes for c in n.children)

    def parents(self, i: int) -> tuple[int, ...]:
        return tuple(n.index for n in self.nodes if i in n.children)

    def reaching(self, target: int) -> set[int]:
        """The nodes from which `target` can be reached (itself included)."""
        out = {target}
        for n in self.nodes[target + 1:]:
            if any(c in out for c in n.children):
                out.add(n.index)
        return out


@lru_cache(maxsize=None)
def _symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def build(spec: GraphSpec) -> Graph:
    taken = set(spec.variables) | {k for k, _, _ in spec.lets} | {spec.name}
    auto = _auto_names(taken)
    nodes: list[GraphNode] = [GraphNode(i, v, None, (), "input") for i, v in enumerate(spec.variables)]
    by_name = {v: i for i, v in enumerate(spec.variables)}
    by_shape: dict[tuple, int] = {}
    shapes: dict[str, tuple] = {v: ("var", v) for v in spec.variables}

    def visit(t: Tree, name: str | None = None, role: str = "op"):
        if isinstance(t, Num):
            return t.value
        if isinstance(t, Name):
            return by_name[t.id]
        key = shape(t, shapes)
        if key in by_shape:
            return by_shape[key]
        op, args = _op_of(t)
        operands = tuple(visit(a) for a in args)
        index = len(nodes)
        nodes.append(GraphNode(index, name or next(auto), op, operands, role, named=name is not None))
        by_shape[key] = index
        return index

    for k, tree, _ in spec.lets:
        by_name[k] = visit(tree, k)
        shapes[k] = shape(tree, shapes)
        if nodes[by_name[k]].name != k:       # the same operation met earlier without a name: name it
            old = nodes[by_name[k]]
            nodes[old.index] = replace(old, name=k, named=True)
    root = spec.expression
    if isinstance(root, Name):
        output = by_name[root.id]
    else:
        output = visit(root, spec.name, "output")
    nodes[output] = replace(nodes[output], role="output", named=True)
    return Graph(tuple(nodes), output)


def _auto_names(taken: set[str]) -> Iterator[str]:
    for name in AUTO_NAMES:
        if name not in taken:
            yield name
    n = 1
    while True:
        for name in AUTO_NAMES:
            if f"{name}_{n}" not in taken:
                yield f"{name}_{n}"
        n += 1


def _op_of(t: Tree) -> tuple[str, tuple[Tree, ...]]:
    if isinstance(t, Neg):
        return "neg", (t.arg,)
    if isinstance(t, Call):
        return t.func, (t.arg,)
    assert isinstance(t, Bin)
    return BINARY[t.op], (t.left, t.right)


# ------------------------------------------------------------------ numbers

class Numbers:
    """How each node's value and each edge's local derivative are computed from values:
    the givens (the variables) from the question, the rest from a mapping of answer keys."""

    def __init__(self, graph: Graph, spec: GraphSpec, decimals: int, carry: str):
        self.graph, self.given, self.decimals, self.carry = graph, spec.values, decimals, carry
        self._used: dict[tuple[int, int], frozenset[int]] = {}
        self.varies: set[int] = set()       # the nodes that depend on a variable a partial is asked for
        for n in graph.nodes:
            if (n.role == "input" and n.name in spec.wrt) or any(c in self.varies for c in n.children):
                self.varies.add(n.index)

    def value(self, values, i: int) -> float:
        node = self.graph.nodes[i]
        return self.given[node.name] if node.role == "input" else float(values[node.key])

    def operands(self, values, node: GraphNode) -> tuple[float, ...]:
        return tuple(self.value(values, o) if isinstance(o, int) else float(o) for o in node.operands)

    def node(self, values, i: int) -> float:
        node = self.graph.nodes[i]
        xs = self.operands(values, node)
        return check_domain(node.op, xs, tuple(k for k, o in enumerate(node.operands)
                                               if isinstance(o, int) and o in self.varies))

    def local(self, values, parent: int, child: int) -> float:
        """d parent / d child at these values (summed over the operands that are the child)."""
        node = self.graph.nodes[parent]
        used = self._uses(parent, child)
        xs = tuple((self.value(values, o) if o in used else math.nan) if isinstance(o, int) else float(o)
                   for o in node.operands)
        out = self.value(values, parent) if OPERATIONS[node.op].uses_output else None
        try:
            ds = OPERATIONS[node.op].derivatives(xs, out)
        except (ZeroDivisionError, ValueError, OverflowError) as exc:
            raise DomainError(f"the derivative of {node.name} has no value ({exc})") from None
        d = sum(ds[k] for k, o in enumerate(node.operands) if o == child and isinstance(o, int))
        if not math.isfinite(d):
            raise DomainError(f"the derivative of {node.name} with respect to "
                              f"{self.graph.nodes[child].name} has no finite value")
        return round_half_up(d, self.decimals) if self.carry == "rounded" else d

    def _uses(self, parent: int, child: int) -> frozenset[int]:
        """The operand nodes the hand form of d parent / d child names (the others are not read)."""
        if (parent, child) not in self._used:
            names = {s.name for s in hand_formula(self.graph, parent, child).free_symbols}
            self._used[(parent, child)] = frozenset(o for o in self.graph.nodes[parent].children
                                                    if self.graph.nodes[o].name in names)
        return self._used[(parent, child)]

    def edge_inputs(self, parent: int, child: int) -> set[str]:
        """The answer keys the local derivative on an edge is computed from: the nodes its
        hand form names (the variables are givens, not keys)."""
        names = {s.name for s in hand_formula(self.graph, parent, child).free_symbols}
        return {n.key for n in self.graph.nodes if n.name in names and n.key}

    def partial(self, values, var: int) -> float:
        """d output / d var: the sum over paths of products of local derivatives, accumulated
        node by node from the output (each shared part once)."""
        adjoint = self.adjoints(values, var)
        return adjoint.get(var, 0.0)

    def adjoints(self, values, var: int) -> dict[int, float]:
        g = self.graph
        on_path = g.reaching(var)
        adjoint = {g.output: 1.0}
        for node in reversed(g.nodes[:g.output + 1]):
            i = node.index
            if i not in adjoint or node.role == "input":
                continue
            for c in node.children:
                if c in on_path:
                    adjoint[c] = adjoint.get(c, 0.0) + adjoint[i] * self.local(values, i, c)
        return adjoint


def paths(graph: Graph, var: int, limit: int) -> tuple[list[tuple[int, ...]], int]:
    """Up to `limit` paths from the output down to `var` (node indices), and how many there are."""
    on_path = graph.reaching(var)
    count = {var: 1}
    for node in graph.nodes[var + 1:graph.output + 1]:
        if node.index in on_path:
            count[node.index] = sum(count.get(c, 0) for c in node.children if c in on_path)
    total = count.get(graph.output, 0) if graph.output in on_path else 0
    found: list[tuple[int, ...]] = []

    def walk(i: int, trail: tuple[int, ...]) -> None:
        if len(found) >= limit:
            return
        if i == var:
            found.append(trail)
            return
        for c in graph.nodes[i].children:
            if c in on_path:
                walk(c, trail + (c,))

    if total:
        walk(graph.output, (graph.output,))
    return found, total


# ------------------------------------------------------------------ solve

def solve(q: Question) -> list[Step]:
    spec: GraphSpec = q.spec
    graph = build(spec)
    nums = Numbers(graph, spec, q.display.decimals, q.display.carry)
    exact_nums = Numbers(graph, spec, q.display.decimals, "exact")
    specs = _specs(graph, spec, nums)
    try:
        exact, shown = _run(specs, _specs(graph, spec, exact_nums), q.display.decimals, q.display.carry)
    except DomainError as exc:      # only rounded values can leave the domain the file was checked for
        raise ArithmeticError(f"with the values rounded to {q.display.decimals} decimals, {exc}; "
                              "use more decimals or carry: exact") from None
    reference = Reference(graph, spec)
    _cross_check(graph, spec, exact_nums, exact, reference)
    return _finish(graph, spec, nums, specs, exact, shown, reference)


def _specs(graph: Graph, spec: GraphSpec, nums: Numbers) -> list[Step]:
    """Every answer with its inputs and how to recompute it; values come later."""
    out: list[Step] = []
    for node in graph.nodes:
        if node.role == "input":
            continue
        inputs = tuple(graph.nodes[c].key for c in node.children if graph.nodes[c].key)
        out.append(Step(node.key, StepKind.NODE_VALUE, None, inputs,
                        lambda v, i=node.index, n=nums: n.node(v, i), part_of="graph"))
    for var in spec.wrt:
        i = spec.variables.index(var)
        on_path = graph.reaching(i)
        keys: set[str] = set()
        for p, c in graph.edges:
            if p in on_path and c in on_path:
                keys |= nums.edge_inputs(p, c)
        inputs = tuple(n.key for n in graph.nodes if n.key in keys)
        out.append(Step(f"d_{var}", StepKind.PATH_SUM, None, inputs,
                        lambda v, i=i, n=nums: n.partial(v, i)))
    return out


def _run(specs: list[Step], exact_specs: list[Step], decimals: int, carry: str) -> tuple[dict, dict]:
    """Exact values (no rounding anywhere) and the values shown (each rounded; under carry:
    rounded, computed from the rounded values before them, as by hand)."""
    exact: dict[str, float] = {}
    shown: dict[str, float] = {}
    for s, e in zip(specs, exact_specs):
        exact[s.key] = float(e.recompute(exact)) + 0.0     # + 0.0: no -0 in the answers
        hand = s.recompute(shown) if carry == "rounded" else exact[s.key]
        shown[s.key] = round_half_up(hand, decimals)
    return exact, shown


# ------------------------------------------------------------------ the independent check

class Reference:
    """The same graph in SymPy's own functions (sigmoid as 1/(1 + e^{-z}), relu as a Piecewise),
    worked node by node, never as one expanded formula (whose size doubles with every level of
    sharing): each node's value is its operation at its operands' values, to DIGITS digits from
    the exact rationals of the point; each partial is accumulated from the output over the graph
    (reverse accumulation, linear in the graph's size) with `sympy.diff` of each operation, and
    checked against central finite differences of the graph at DIGITS digits. When the whole
    expression written out in the variables is short enough to read (at most MAX_EXPANDED_OPS
    operations), it is differentiated directly by `sympy.diff` too."""

    DIGITS = 30

    def __init__(self, graph: Graph, spec: GraphSpec):
        self.graph = graph
        self.point = {v: sp.Rational(repr(x)) for v, x in spec.at}
        self.values = self.forward(self.point)
        sizes: list[int] = []
        for node in graph.nodes:
            sizes.append(0 if node.role == "input" else
                         1 + sum(sizes[o] if isinstance(o, int) else 0 for o in node.operands))
        self.expanded_ops = sizes[graph.output]      # operations of the output written out in the variables
        self._adjoints: dict[int, sp.Expr] | None = None
        self._diff: dict[tuple[int, int], tuple[sp.Expr, dict]] = {}
        self._direct: dict[str, sp.Expr] = {}

    @property
    def expanded(self) -> bool:
        """The whole expression is short enough to write out (and to differentiate as one formula)."""
        return self.expanded_ops <= MAX_EXPANDED_OPS

    def forward(self, point: dict[str, sp.Expr], digits: int | None = None) -> list[sp.Expr]:
        """Every node's value at `point` (variable name -> number), node by node, to `digits`
        (DIGITS unless given)."""
        values: list[sp.Expr] = []
        for node in self.graph.nodes:
            if node.role == "input":
                values.append(point[node.name])
                continue
            args = tuple(values[o] if isinstance(o, int) else _as_rational(o) for o in node.operands)
            value = sp.N(OPERATIONS[node.op].reference(args), digits or self.DIGITS)
            if not value.is_real:
                raise CrossCheckError(f"SymPy gives a non-real value {value} for {node.name}")
            values.append(value)
        return values

    def node(self, i: int) -> float:
        return float(self.values[i])

    def _derivative(self, parent: int, child: int) -> tuple[sp.Expr, dict]:
        if (parent, child) not in self._diff:
            node = self.graph.nodes[parent]
            stand_in = {o: sp.Symbol(f"o{o}", real=True) for o in node.children}
            args = tuple(stand_in[o] if isinstance(o, int) else o for o in node.operands)
            self._diff[(parent, child)] = (sp.diff(OPERATIONS[node.op].reference(args), stand_in[child]), stand_in)
        return self._diff[(parent, child)]

    def local(self, parent: int, child: int, values: dict[int, float]) -> float:
        """sympy.diff of the parent's operation in its operands' symbols, at their exact values."""
        d, stand_in = self._derivative(parent, child)
        at = {stand_in[o]: sp.Rational(repr(snap(values[o]))) for o in stand_in}
        return float(sp.N(d.xreplace(at), self.DIGITS))

    def _local_here(self, parent: int, child: int) -> sp.Expr:
        """The same at the reference's own values (a kink's operand within KINK_TOLERANCE of 0 is 0)."""
        d, stand_in = self._derivative(parent, child)
        kink = OPERATIONS[self.graph.nodes[parent].op].kink is not None
        at = {s: (sp.Integer(0) if kink and abs(self.values[o]) < KINK_TOLERANCE else self.values[o])
              for o, s in stand_in.items()}
        return sp.N(d.xreplace(at), self.DIGITS)

    def adjoints(self) -> dict[int, sp.Expr]:
        """d output / d node for every node, accumulated once from the output down (reverse mode)."""
        if self._adjoints is None:
            g = self.graph
            adjoint: dict[int, sp.Expr] = {g.output: sp.Integer(1)}
            for node in reversed(g.nodes[:g.output + 1]):
                if node.index not in adjoint or node.role == "input":
                    continue
                for c in node.children:
                    adjoint[c] = adjoint.get(c, sp.Integer(0)) + adjoint[node.index] * self._local_here(node.index, c)
            self._adjoints = adjoint
        return self._adjoints

    def partial_value(self, var: str) -> float:
        """d output / d var by reverse accumulation over the graph."""
        return float(self.adjoints().get(self.graph_index(var), 0))

    def graph_index(self, var: str) -> int:
        return next(n.index for n in self.graph.nodes if n.role == "input" and n.name == var)

    def near_kink(self, var: str) -> bool:
        """A kink (relu, abs) that depends on var sits within reach of the finite differences."""
        i = self.graph_index(var)
        depends = {i}
        for node in self.graph.nodes[i + 1:]:
            if any(c in depends for c in node.children):
                depends.add(node.index)
                if OPERATIONS[node.op].kink and any(abs(self.values[c]) < FD_KINK_MARGIN for c in node.children):
                    return True
        return False

    def finite_difference(self, var: str) -> float:
        """(f(var + h) - f(var - h)) / 2h, the graph run forward twice at FD_DIGITS digits, with
        h = 10^-FD_STEP_DIGITS of the variable's size (of 1 at 0): the error of the quotient,
        h^2 relative, stays far below the tolerance even where the file's limits allow a term
        to be a millionth of the sum it is in (fields.CANCELLATION)."""
        x = self.point[var]
        h = sp.Rational(1, 10 ** FD_STEP_DIGITS) * (abs(x) if x != 0 else 1)
        out = self.graph.output
        up = self.forward({**self.point, var: x + h}, FD_DIGITS)[out]
        down = self.forward({**self.point, var: x - h}, FD_DIGITS)[out]
        return float((up - down) / (2 * h))

    def partial(self, var: str) -> sp.Expr:
        """sympy.diff of the output written out in the variables (only when `expanded`)."""
        if var not in self._direct:
            memo: dict[int, sp.Expr] = {}
            for node in self.graph.nodes:
                if node.role == "input":
                    memo[node.index] = node.symbol
                else:
                    memo[node.index] = OPERATIONS[node.op].reference(
                        tuple(memo[o] if isinstance(o, int) else o for o in node.operands))
            self._direct[var] = sp.diff(memo[self.graph.output], _symbol(var))
        return self._direct[var]

    def at_point(self, expr: sp.Expr) -> float:
        value = sp.N(expr.xreplace({_symbol(v): x for v, x in self.point.items()}), self.DIGITS)
        if not value.is_real:
            raise CrossCheckError(f"SymPy gives a non-real value {value} for {expr}")
        return float(value)


def _as_rational(constant: sp.Expr) -> sp.Expr:
    """A constant as an exact number: a Float (15 digits) would cut the DIGITS of what it meets."""
    return sp.Rational(constant) if isinstance(constant, sp.Float) else constant


def _same(what: str, a: float, b: float) -> None:
    if not math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL):
        raise CrossCheckError(f"{what}: the two computations disagree: {a!r} versus {b!r}")


def _cross_check(graph: Graph, spec: GraphSpec, nums: Numbers, exact: dict, ref: Reference) -> None:
    for node in graph.nodes:
        if node.role != "input":
            _same(f"{node.key} (steps vs SymPy)", exact[node.key], ref.node(node.index))
    values = {n.index: nums.value(exact, n.index) for n in graph.nodes}
    for p, c in graph.edges:
        if c not in nums.varies:
            continue
        _same(f"d{graph.nodes[p].name}/d{graph.nodes[c].name} (rule vs sympy.diff)",
              nums.local(exact, p, c), ref.local(p, c, values))
    for var in spec.wrt:
        i = spec.variables.index(var)
        _same(f"d_{var} (path sum vs SymPy's accumulation)", exact[f"d_{var}"], ref.partial_value(var))
        if not ref.near_kink(var):
            _same(f"d_{var} (path sum vs finite differences)", exact[f"d_{var}"], ref.finite_difference(var))
        if ref.expanded:
            _same(f"d_{var} (path sum vs sympy.diff)", exact[f"d_{var}"], ref.at_point(ref.partial(var)))
        listed, total = paths(graph, i, MAX_LISTED_PATHS)
        if total <= MAX_LISTED_PATHS:
            enumerated = sum(math.prod(nums.local(exact, a, b) for a, b in zip(path, path[1:])) for path in listed)
            _same(f"d_{var} (listed paths vs accumulation)", exact[f"d_{var}"], enumerated)


# ------------------------------------------------------------------ what is shown

@dataclass(frozen=True, eq=False)
class EdgeRow:
    """d parent / d child: as written by hand, with the numbers put in, and its value."""
    parent: sp.Symbol
    child: sp.Symbol
    formula: sp.Expr
    numbers: sp.Expr | None        # None when the formula is already a number
    value: float
    convention: str | None = None  # relu or abs: a kink, by convention


@dataclass(frozen=True, eq=False)
class PathRow:
    """One path from the output to a variable: its chain of factors, their formulas, their numbers."""
    factors: tuple[Factor, ...]
    formula: sp.Expr               # the product of the local derivatives as written
    numbers: sp.Expr               # the product with their values
    value: float


@dataclass(frozen=True, eq=False)
class AdjointRow:
    """d output / d node = sum over the nodes p it feeds of d output / d p * d p / d node."""
    node: sp.Symbol
    terms: tuple[tuple[sp.Symbol, bool], ...]   # each p it feeds; False for the output (d out / d out = 1)
    numbers: sp.Expr               # the sum of products with their values (each d out / d p from a row before)
    value: float


@dataclass(frozen=True, eq=False)
class GraphInfo:
    """GRAPH: the graph drawn, the operations named by the solution (`auto`) and by the question
    (`named`) as (symbol, operation) pairs, the output, the nodes used more than once, the whole
    expression and the variables with their values."""
    diagram: Diagram
    auto: tuple[tuple[sp.Symbol, sp.Expr], ...]
    named: tuple[tuple[sp.Symbol, sp.Expr], ...]
    output: sp.Symbol
    shared: tuple[sp.Symbol, ...]
    whole: sp.Expr                 # written out in the variables, or, past MAX_EXPANDED_OPS, in the lets
    variables: tuple[tuple[sp.Symbol, float], ...]
    operations: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()    # every operation but the output's, in order
    lets: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()   # the lets `whole` is written in (when not written out)


@dataclass(frozen=True, eq=False)
class NodeInfo:
    """NODE_VALUE: the node's symbol."""
    symbol: sp.Symbol


@dataclass(frozen=True, eq=False)
class EdgesInfo:
    """LOCAL_DERIVATIVES: one row per edge, from the output down."""
    edges: tuple[EdgeRow, ...]


@dataclass(frozen=True, eq=False)
class PathSumInfo:
    """PATH_SUM: d output / d var as a sum over paths (listed when at most MAX_LISTED_PATHS, else
    accumulated node by node in `adjoints`), and the check by differentiating `whole` directly."""
    output: sp.Symbol
    var: sp.Symbol
    paths: tuple[PathRow, ...]
    count: int
    total: bool                 # written d out / d var (an edge runs straight from var to the output)
    adjoints: tuple[AdjointRow, ...]
    whole: sp.Expr
    direct: sp.Expr | None      # the direct derivative, when short enough to show
    direct_value: float
    agrees: bool
    integral: bool = False      # every path's product is an exact integer: the sum is written as one
    expanded: bool = True       # `whole` written out and differentiated directly; else the check
                                # is SymPy's reverse accumulation and finite differences


def _numbers_in(expr: sp.Expr, mapping: dict) -> sp.Expr:
    return replace_unevaluated(expr, mapping)


def _bracket(expr: sp.Expr) -> sp.Expr:
    """A negative number as a factor of a product written out: (-1), not -1."""
    return Paren(expr) if expr.is_number and expr < 0 else expr


def _exact(value) -> bool:
    """A value written as it is (an int, or a Given number), not to the decimals."""
    return isinstance(value, (int, Given))


def _put(value: float, given: bool = False) -> sp.Expr:
    """A number put in: a variable's as given (0.2), a computed one to the decimals (0.5100)."""
    number = given_number(value) if given else sp.Float(value)
    return number if value >= 0 else Paren(number)


def whole_nodes(graph: Graph, spec: GraphSpec) -> frozenset[int]:
    """The nodes whose value is an exact integer worked out from integer givens by +, -, x alone:
    a hand solution writes them as integers (J = 33, not 33.0000), as the notes do."""
    out: set[int] = set()
    for node in graph.nodes:
        if node.role == "input":
            ok = float(spec.values[node.name]).is_integer()
        else:
            ok = node.op in WHOLE_OPS and all(o in out if isinstance(o, int) else sp.sympify(o).is_integer
                                              for o in node.operands)
        if ok:
            out.add(node.index)
    return frozenset(out)


def _as_shown(value: float, whole: bool):
    """A whole value as an int (printed 33), any other as the float shown to the decimals."""
    return int(value) if whole and abs(value) < WHOLE_LIMIT and float(value).is_integer() else value


def _finish(graph, spec, nums, specs, exact, shown, ref) -> list[Step]:
    name_of = {n.index: n.symbol for n in graph.nodes}
    whole = whole_nodes(graph, spec)
    # the values a hand solution puts in: the givens, and the shown (rounded) values of the nodes
    hand_values = {n.index: _as_shown(nums.value(shown, n.index), n.index in whole) for n in graph.nodes}
    work_values = shown if nums.carry == "rounded" else exact
    # from the output back, each node's operands in the order written
    order = [(n.index, c) for n in reversed(graph.nodes) for c in n.children if c in nums.varies]
    edges = {(p, c): _edge_row(graph, p, c, nums, work_values, hand_values, whole) for p, c in order}
    ops = [n for n in graph.nodes if n.role == "op"]
    steps: list[Step] = [Step("graph", StepKind.GRAPH, None, (), lambda v: None, info=GraphInfo(
        diagram=_diagram(graph, hand_values, edges),
        auto=tuple((n.symbol, _display(n, name_of)) for n in ops if not n.named),
        named=tuple((n.symbol, _display(n, name_of)) for n in ops if n.named),
        output=graph.nodes[graph.output].symbol,
        shared=tuple(n.symbol for n in graph.nodes if len(graph.parents(n.index)) > 1),
        whole=_whole(graph, ref.expanded),
        variables=tuple((_symbol(v), x) for v, x in spec.at),
        operations=tuple((n.symbol, _display(n, name_of)) for n in ops),
        lets=() if ref.expanded else _lets(graph),
    ))]
    for s in specs:
        if s.kind is not StepKind.NODE_VALUE:
            continue
        node = next(n for n in graph.nodes if n.key == s.key)
        numbers = _display(node, {i: _put(v, graph.nodes[i].role == "input" or i in whole)
                                  for i, v in hand_values.items()})
        line = Line(node.symbol, _display(node, name_of), (numbers,), (hand_values[node.index],))
        steps.append(replace(s, value=shown[s.key], exact=exact[s.key], lines=(line,),
                             info=NodeInfo(node.symbol)))
    conventions = tuple(sorted({e.convention for e in edges.values() if e.convention}))
    # written under the picture, whose edges carry the same derivatives: a part of the graph step
    steps.append(Step("local_derivatives", StepKind.LOCAL_DERIVATIVES, None, (), lambda v: None,
                      conventions=conventions, info=EdgesInfo(tuple(edges.values())), part_of="graph"))
    for s in specs:
        if s.kind is StepKind.PATH_SUM:
            steps.append(_path_step(graph, spec, s, nums, work_values, edges, exact, shown, ref, whole))
    return steps


def _display(node: GraphNode, operand: dict) -> sp.Expr:
    """The node's operation written with its operands (symbols, or numbers put in)."""
    return OPERATIONS[node.op].display(tuple(operand[o] if isinstance(o, int) else o for o in node.operands))


def hand_formula(graph: Graph, p: int, c: int) -> sp.Expr:
    """d p / d c as a hand solution writes it, in the symbols of the nodes."""
    node = graph.nodes[p]
    args = tuple(graph.nodes[o].symbol if isinstance(o, int) else o for o in node.operands)
    forms = OPERATIONS[node.op].hand_derivatives(args, node.symbol)
    return sp.Add(*[forms[k] for k, o in enumerate(node.operands) if o == c and isinstance(o, int)])


def _edge_row(graph, p, c, nums, work_values, hand_values, whole=frozenset()) -> EdgeRow:
    node, child = graph.nodes[p], graph.nodes[c]
    formula = hand_formula(graph, p, c)
    value = nums.local(work_values, p, c)
    numbers = None
    if formula.free_symbols and not formula.is_Symbol and not formula.has(sp.Piecewise):
        mapping = {graph.nodes[i].symbol: _put(hand_values[i], graph.nodes[i].role == "input" or i in whole)
                   for i in (p,) + node.children}
        numbers = _numbers_in(formula, mapping)
    convention = None
    kink = OPERATIONS[node.op].kink
    if kink and abs(hand_values[c]) < KINK_TOLERANCE:
        convention = kink
    named = {sym.name for sym in formula.free_symbols}
    is_whole = node.op in WHOLE_OPS and all(n.index in whole for n in graph.nodes if n.name in named)
    shown = _as_shown(round_half_up(value, nums.decimals), is_whole)
    if not isinstance(shown, int) and _as_given(graph, formula, value, nums.decimals):
        shown = given_number(value)       # c, or 1/2: written as the question or the rule gives it
    return EdgeRow(node.symbol, child.symbol, formula, numbers, shown, convention)


def _as_given(graph: Graph, formula: sp.Expr, value: float, decimals: int) -> bool:
    """A local derivative that is a variable of the question (d(x u)/du = x), or a constant the
    rule gives exactly within the decimals (1/2): written as given (1.5, 0.5), not padded."""
    if formula.is_Symbol:
        return any(n.role == "input" and n.name == formula.name for n in graph.nodes)
    return not formula.free_symbols and round_half_up(value, decimals) == value


def _path_step(graph, spec, s, nums, work_values, local_of, exact, shown, ref, whole=frozenset()) -> Step:
    var = s.key[2:]
    i = spec.variables.index(var)
    out = graph.nodes[graph.output].symbol
    listed, total = paths(graph, i, MAX_LISTED_PATHS)
    rows: list[PathRow] = []
    if total <= MAX_LISTED_PATHS:
        for path in listed:
            pairs = list(zip(path, path[1:]))
            locals_ = [local_of[pc] for pc in pairs]
            product = math.prod(nums.local(work_values, a, b) for a, b in pairs)
            rows.append(PathRow(tuple(Factor(graph.nodes[a].symbol, graph.nodes[b].symbol, local_of[(a, b)].formula)
                                      for a, b in pairs),
                                sp.Mul(*[_bracket(e.formula) for e in locals_], evaluate=False)
                                if len(locals_) > 1 else locals_[0].formula,
                                sp.Mul(*[_put(e.value, _exact(e.value)) for e in locals_], evaluate=False)
                                if len(locals_) > 1 else _put(locals_[0].value, _exact(locals_[0].value)),
                                _as_shown(round_half_up(product, nums.decimals),
                                          all(isinstance(e.value, int) for e in locals_))))
    adjoints: tuple[AdjointRow, ...] = ()
    if total > MAX_LISTED_PATHS:
        adjoint = nums.adjoints(work_values, i)
        on_path = graph.reaching(i)
        made = []
        for node in reversed(graph.nodes[:graph.output]):
            if node.index not in adjoint or node.index not in on_path:
                continue
            feeds = [p for p in graph.parents(node.index) if p in adjoint and p in on_path]
            terms = tuple((graph.nodes[p].symbol, p != graph.output) for p in feeds)
            numbers = _sum([_product(_put(round_half_up(adjoint[p], nums.decimals)),
                                     _put(local_of[(p, node.index)].value), first=p != graph.output)
                            for p in feeds])
            made.append(AdjointRow(node.symbol, terms, numbers, round_half_up(adjoint[node.index], nums.decimals)))
        adjoints = tuple(made)
    if ref.expanded:
        direct = ref.partial(var)
        direct_exact = ref.at_point(direct)
        shown_direct = direct if sp.count_ops(direct) <= MAX_SHOWN_DIRECT_OPS and not direct.has(sp.Piecewise) \
            else None
    else:
        direct_exact, shown_direct = ref.partial_value(var), None
    # an edge straight from the var to the output, on one of several paths: its local partial
    # would read like the whole derivative, so the whole one is written d out / d var
    total_notation = total > 1 and i in graph.nodes[graph.output].children
    info = PathSumInfo(output=out, var=_symbol(var), paths=tuple(rows), count=total, total=total_notation,
                       adjoints=adjoints, whole=_whole(graph, ref.expanded), direct=shown_direct,
                       direct_value=_as_shown(round_half_up(direct_exact, nums.decimals),
                                              bool(rows) and all(isinstance(r.value, int) for r in rows)),
                       agrees=round_half_up(direct_exact, nums.decimals) == shown[s.key],
                       integral=bool(rows) and all(isinstance(r.value, int) for r in rows),
                       expanded=ref.expanded)
    return replace(s, value=shown[s.key], exact=exact[s.key], info=info)


def _product(known: sp.Expr, local: sp.Expr, first: bool) -> sp.Expr:
    """d out / d p * d p / d n; next to the output d out / d out = 1 is left out."""
    return sp.Mul(known, local, evaluate=False) if first else local


def _sum(terms: list[sp.Expr]) -> sp.Expr:
    return sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def _whole(graph: Graph, expanded: bool = True) -> sp.Expr:
    """The output written in the variables, as the expression (and its lets) say; not
    `expanded`, written in the named intermediates (the lets) instead."""
    memo: dict[int, sp.Expr] = {}
    for node in graph.nodes:
        memo[node.index] = node.symbol if node.role == "input" else _display(node, memo)
    return memo[graph.output] if expanded else _in_lets(graph)[0]


def _lets(graph: Graph) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    return _in_lets(graph)[1]


def _in_lets(graph: Graph) -> tuple[sp.Expr, tuple[tuple[sp.Symbol, sp.Expr], ...]]:
    """The output, and each named intermediate, written in the variables and the intermediates
    named before it."""
    memo: dict[int, sp.Expr] = {}
    lets = []
    for node in graph.nodes:
        if node.role == "input":
            memo[node.index] = node.symbol
            continue
        written = _display(node, memo)
        if node.named and node.index != graph.output:
            lets.append((node.symbol, written))
            memo[node.index] = node.symbol
        else:
            memo[node.index] = written
    return memo[graph.output], tuple(lets)


# ------------------------------------------------------------------ the picture

def _diagram(graph: Graph, values: dict[int, float], local_of: dict) -> Diagram:
    """Columns by depth (the output on the right), each variable in the column just before the
    first node that uses it; within a column the layout orders the nodes to cut crossings and
    routes every edge around the nodes it does not join (solver/render/layout.py)."""
    depth: dict[int, int] = {}
    for node in graph.nodes:
        if node.role != "input":
            depth[node.index] = 1 + max(depth.get(c, 0) for c in node.children)
    for node in graph.nodes:
        if node.role == "input":
            users = [depth[p] for p in graph.parents(node.index)]
            depth[node.index] = min(users) - 1 if users else 0
    # the first order within a column: as the graph lists the nodes (the layout refines it)
    y: dict[int, float] = {}
    seen: dict[int, int] = {}
    for node in graph.nodes:
        y[node.index] = -float(seen.get(depth[node.index], 0))
        seen[depth[node.index]] = seen.get(depth[node.index], 0) + 1
    name_of = {n.index: n.symbol for n in graph.nodes}
    nodes = []
    for node in graph.nodes:
        operation = None if node.role == "input" else _display(node, name_of)
        nodes.append(DiagramNode(node.name, node.symbol, COLUMN * depth[node.index], float(y[node.index]),
                                 values[node.index], operation, node.role))
    edges = []
    for p, c in graph.edges:
        e = local_of.get((p, c))          # None on an edge no partial asked for passes along
        label = None if e is None or e.formula.has(sp.Piecewise) else e.formula
        if label is not None and not label.free_symbols and not label.is_Number:
            label = None                  # a constant worked out (e^0): its value only

        edges.append(DiagramEdge(graph.nodes[c].name, graph.nodes[p].name, label, e.value if e else None))
    return Diagram("graph", "The computation graph: values in the nodes, local derivatives on the edges",
                   tuple(nodes), tuple(edges), ordered=False)
