"""Graph questions: the reader, the graph, hand-checked numbers from the seeds, an independent
plain-Python calculation, properties against sympy.diff, the command line end to end."""
import json
import math
import re
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT
from solver import solve
from solver.errors import CrossCheckError, ProblemError
from solver.kinds.graph import steps as graph_kind
from solver.steps import StepKind


def write(tmp_path, text: str, name: str = "g.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def answers(tmp_path, text: str, **overrides) -> dict:
    sol = solve(write(tmp_path, text), **overrides)
    return sol.to_json()["questions"][0]["answers"]


# ---------------------------------------------------------------- the seeds, checked by hand

def test_seed_J_equals_3_times_a_plus_bc(tmp_path):
    """J = 3(a + bc): dJ/da = 3, dJ/db = 3c, dJ/dc = 3b (seed 004, direct calculation)."""
    a = answers(tmp_path, "kind: graph\nexpression: 3*v\nlet: {u: b*c, v: a + u}\nat: {a: 5, b: 3, c: 2}\n")
    assert {k: v["value"] for k, v in a.items()} == {
        "node_u": 6.0, "node_v": 11.0, "value": 33.0, "d_a": 3.0, "d_b": 6.0, "d_c": 9.0}


def test_seed_f_needs_two_paths(tmp_path):
    """f = (a+b)c + (a+b)d: df/da = df/db = c + d through the shared node a + b."""
    sol = solve(write(tmp_path, "kind: graph\nname: f\nexpression: (a + b)*c + (a + b)*d\n"
                                "at: {a: 1, b: 2, c: 3, d: 4}\n"))
    qs = sol.questions[0]
    a = sol.to_json()["questions"][0]["answers"]
    assert [k for k in a] == ["node_u", "node_v", "node_w", "value", "d_a", "d_b", "d_c", "d_d"]
    assert a["d_a"]["value"] == a["d_b"]["value"] == 7.0          # c + d
    assert a["d_c"]["value"] == a["d_d"]["value"] == 3.0          # a + b
    d_a = qs.step("d_a")
    assert len(d_a.info.paths) == 2 and d_a.info.count == 2
    # the course names the intermediates u = a + b, v = uc, w = ud
    lines = {s.key: s.lines[0] for s in qs.steps if s.kind is StepKind.NODE_VALUE}
    name = {k: tuple(str(a) for a in line.formula.args) for k, line in lines.items()}
    assert (name["node_u"], name["node_v"], name["node_w"]) == (("a", "b"), ("u", "c"), ("u", "d"))


def test_the_same_part_written_twice_is_one_node(tmp_path):
    sol = solve(write(tmp_path, "kind: graph\nexpression: (a + b)*c + d*(b + a)\nat: {a: 1, b: 2, c: 3, d: 4}\n"))
    keys = sol.to_json()["questions"][0]["answers"]
    assert [k for k in keys if k.startswith("node_")] == ["node_u", "node_v", "node_w"]


def test_a_let_matches_the_same_part_in_the_expression(tmp_path):
    a = answers(tmp_path, "kind: graph\nlet: {s: a + b}\nexpression: s*c + (a + b)*d\nat: {a: 1, b: 2, c: 3, d: 4}\n")
    assert "node_s" in a and "node_u" in a and len([k for k in a if k.startswith("node_")]) == 3


@pytest.mark.parametrize("expression", ["3*(a + b*c)", "3*(c*b + a)", "(b*c + a)*3"])
def test_the_notes_way_of_naming_lets_the_expression_stand_whole(tmp_path, expression):
    """Seed 004: "J = 3(a + bc). Let bc = u. Let a + bc = v." The lets name parts of the
    expression (sums and products in any order) and are drawn and answered under their names."""
    a = answers(tmp_path, f"kind: graph\nexpression: {expression}\nlet: {{u: b*c, v: a + u}}\n"
                          "at: {a: 5, b: 3, c: 2}\n")
    assert {k: v["value"] for k, v in a.items()} == {
        "node_u": 6.0, "node_v": 11.0, "value": 33.0, "d_a": 3.0, "d_b": 6.0, "d_c": 9.0}


def test_a_let_that_is_no_part_of_the_expression_is_refused(tmp_path):
    with pytest.raises(ProblemError, match=r"let\.v: the intermediate 'v' is not used by the expression"):
        solve(write(tmp_path, "kind: graph\nexpression: 3*(a + b*c)\nlet: {u: b*c, v: a - u}\n"
                              "at: {a: 5, b: 3, c: 2}\n"))


def test_the_output_can_be_the_last_let(tmp_path):
    sol = solve(write(tmp_path, "kind: graph\nlet: {z: w*x + b, L: (z - 1)**2}\nexpression: L\n"
                                "at: {w: 2, x: 3, b: 1}\n"))
    a = sol.to_json()["questions"][0]["answers"]
    assert a["value"]["value"] == 36.0 and "node_L" not in a
    assert a["d_w"]["value"] == 2 * 6 * 3


# ---------------------------------------------------------------- an independent calculation

def central_difference(f, point: dict, var: str, h=Fraction(1, 10**6)) -> float:
    up, down = dict(point), dict(point)
    up[var] += h
    down[var] -= h
    return float((f(up) - f(down)) / (2 * h))


def test_a_neuron_against_plain_python(tmp_path):
    """L = (sigmoid(w x + b) - y)^2 / 2 worked in plain floats, and dL/dw by the chain rule by hand."""
    w, x, b, y = 0.5, 2.0, -0.5, 1.0
    s = 1 / (1 + math.exp(-(w * x + b)))
    L = (s - y) ** 2 / 2
    dL_ds = s - y
    ds_dz = s * (1 - s)
    a = answers(tmp_path, "kind: graph\nlet: {z: w*x + b, s: sigmoid(z)}\nexpression: (s - y)**2 / 2\n"
                          "name: L\nat: {w: 0.5, x: 2, b: -0.5, y: 1}\nwrt: [w, b]\n", decimals=6)
    assert math.isclose(a["value"]["exact"], L, rel_tol=1e-12)
    assert math.isclose(a["d_w"]["exact"], dL_ds * ds_dz * x, rel_tol=1e-12)
    assert math.isclose(a["d_b"]["exact"], dL_ds * ds_dz, rel_tol=1e-12)
    assert "d_y" not in a and "d_x" not in a
    assert a["node_s"]["value"] == round(s, 6)


def test_rational_expression_against_fractions(tmp_path):
    """f = (a/b - c)**2 * a with exact fractions: partials by central differences of a rational function."""
    point = {"a": Fraction(3, 2), "b": Fraction(1, 4), "c": Fraction(2)}

    def f(p):
        return (p["a"] / p["b"] - p["c"]) ** 2 * p["a"]

    a = answers(tmp_path, "kind: graph\nname: f\nexpression: (a/b - c)**2 * a\nat: {a: 1.5, b: 0.25, c: 2}\n")
    assert a["value"]["exact"] == float(f(point))
    for var in "abc":
        assert math.isclose(a[f"d_{var}"]["exact"], central_difference(f, point, var), rel_tol=1e-6)


def test_carry_rounded_uses_the_rounded_values_shown(tmp_path):
    text = "kind: graph\ndecimals: 2\ncarry: rounded\nname: f\nexpression: exp(a)*sqrt(b)\nat: {a: 0.3, b: 2}\n"
    sol = solve(write(tmp_path, text))
    qs = sol.questions[0]
    a = sol.to_json()["questions"][0]["answers"]
    u, v = round(math.exp(0.3), 2), round(math.sqrt(2), 2)       # 1.35, 1.41
    assert (a["node_u"]["value"], a["node_v"]["value"]) == (u, v)
    assert a["value"]["value"] == round(u * v, 2)
    # d f / d a = v * e^a (rounded local derivatives, as by hand)
    assert a["d_a"]["value"] == round(v * round(math.exp(0.3), 2), 2)
    # every shown value is its step recomputed from the shown values of its inputs
    shown = {s.key: s.value for s in qs.steps if s.is_answer}
    for s in qs.steps:
        if s.is_answer:
            assert round(s.recompute(shown), 2) == s.value, s.key
    # exact is never rounded
    assert a["value"]["exact"] == math.exp(0.3) * math.sqrt(2)


def test_inputs_name_the_keys_each_step_is_computed_from(tmp_path):
    sol = solve(write(tmp_path, "kind: graph\nname: f\nexpression: x*sigmoid(x) + c*(a + b)\n"
                                "at: {x: 1.5, a: 1, b: 2, c: 3}\n"))
    qs = sol.questions[0]
    inputs = {s.key: s.inputs for s in qs.steps if s.is_answer}
    assert inputs["node_u"] == ()                   # sigmoid(x): from a given only
    assert inputs["value"] == ("node_v", "node_p")  # f = v + p
    assert inputs["d_x"] == ("node_u",)             # u and u(1 - u)
    assert inputs["d_c"] == ("node_w",)             # d(c w)/dc = w = a + b
    assert inputs["d_a"] == ()                      # c * 1: givens only
    # recompute from a student's own (wrong) node value: the step done right on it
    assert qs.step("d_c").recompute({"node_w": 10.0}) == 10.0


def test_relu_and_abs_at_their_kinks_take_zero(tmp_path):
    sol = solve(write(tmp_path, "kind: graph\nname: f\nexpression: relu(a - b) + abs(a - b)*c\n"
                                "at: {a: 0.3, b: 0.3, c: 2}\n"))
    a = sol.to_json()["questions"][0]["answers"]
    assert a["d_a"]["value"] == 0.0 and a["d_b"]["value"] == 0.0
    local = sol.questions[0].step("local_derivatives")
    assert set(local.conventions) == {"relu", "abs"}


def test_rounding_that_leaves_the_domain_is_a_clear_error(tmp_path):
    text = "kind: graph\ndecimals: 1\ncarry: rounded\nexpression: log(s)\nlet: {z: a - 5, s: sigmoid(z)}\nat: {a: 1}\n"
    with pytest.raises(ProblemError, match="rounded to 1 decimals, log of 0"):
        solve(write(tmp_path, text))


def test_paths_past_the_cap_are_accumulated(tmp_path):
    # x -> u -> ... each level doubles the paths: (x + x) nested 4 times through products
    text = ("kind: graph\nname: f\nlet:\n  u1: x*x + x\n  u2: u1*u1 + u1\n  u3: u2*u2 + u2\n"
            "  u4: u3*u3 + u3\nexpression: u4*u4\nat: {x: 0.5}\n")
    sol = solve(write(tmp_path, text))
    step = sol.questions[0].step("d_x")
    assert step.info.count > graph_kind.MAX_LISTED_PATHS and not step.info.paths
    assert step.info.adjoints
    x = sp.Symbol("x")
    u = x * x + x
    for _ in range(3):
        u = u * u + u
    assert math.isclose(step.exact, float(sp.diff(u * u, x).subs(x, sp.Rational(1, 2))), rel_tol=1e-12)


def test_a_wrong_local_derivative_is_caught_by_the_cross_check(tmp_path, monkeypatch):
    from solver.kinds.graph.expression import OPERATIONS
    import dataclasses
    broken = dataclasses.replace(OPERATIONS["sin"], derivatives=lambda xs, out: (math.sin(xs[0]),))
    monkeypatch.setitem(OPERATIONS, "sin", broken)
    with pytest.raises(CrossCheckError, match="rule vs sympy.diff"):
        solve(write(tmp_path, "kind: graph\nexpression: sin(a)*b\nat: {a: 0.4, b: 2}\n"))


# ---------------------------------------------------------------- properties

FUNCS = ["exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs"]
VALUES = st.sampled_from([-1.5, -0.5, 0.25, 0.75, 1.25, 2.0])


@st.composite
def expressions(draw, depth=3):
    if depth == 0 or draw(st.booleans()):
        return draw(st.sampled_from(["a", "b", "c", "2", "0.5"]))
    kind = draw(st.sampled_from(["+", "-", "*", "call", "square"]))
    if kind == "call":
        return f"{draw(st.sampled_from(FUNCS))}({draw(expressions(depth=depth - 1))})"
    if kind == "square":
        return f"({draw(expressions(depth=depth - 1))})**2"
    return f"({draw(expressions(depth=depth - 1))} {kind} {draw(expressions(depth=depth - 1))})"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(expr=expressions(), a=VALUES, b=VALUES, c=VALUES)
def test_path_sums_equal_sympy_diff(tmp_path, expr, a, b, c):
    """The partials of any whitelisted expression are those of SymPy's own differentiation
    (sympy.diff of an expression SymPy parses itself, written independently of our reference)."""
    used = [v for v in "abc" if re.search(rf"\b{v}\b", expr)]
    if not used or expr in ("a", "b", "c") or any(f in expr for f in ("relu", "abs")):
        return      # no variable: refused; kinks: their convention is tested on its own
    at = ", ".join(f"{v}: {x}" for v, x in zip("abc", (a, b, c)) if v in used)
    sol = solve(write(tmp_path, f"kind: graph\nexpression: '{expr}'\nat: {{{at}}}\n"))
    got = sol.to_json()["questions"][0]["answers"]
    syms = {v: sp.Symbol(v, real=True) for v in used}
    local = {"sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "exp": sp.exp, "sin": sp.sin, "cos": sp.cos,
             "tanh": sp.tanh, **syms}
    reference = sp.parse_expr(expr, local_dict=local)     # test-side only: our code never does this
    point = {syms[v]: sp.Rational(str(x)) for v, x in zip("abc", (a, b, c)) if v in used}
    for v in used:
        expected = float(sp.diff(reference, syms[v]).subs(point).evalf(30))
        assert math.isclose(got[f"d_{v}"]["exact"], expected, rel_tol=1e-9, abs_tol=1e-12), (expr, v)


# ---------------------------------------------------------------- the reader

@pytest.mark.parametrize("body, message", [
    ("expression: a*b\nat: {a: 1, b: 2}\nname: a\n", "'a' is a variable of `at`"),
    ("expression: a*b\nat: {a: 1, b: 2}\nlet: {u: a*b}\n", "the intermediate 'u' is not used"),
    ("expression: 3*u\nat: {a: 1}\nlet: {u: a}\n", "u: a just renames a"),
    ("expression: 3*u\nat: {a: 1}\nlet: {u: u*a}\n", "is the intermediate being defined"),
    ("expression: 3*J\nat: {a: 1}\nlet: {u: a*a}\n", "'J' is the output's name (name: J)"),
    ("expression: a*J\nat: {a: 1}\n", "is the output's name"),
    ("expression: '2 + 3'\nat: {a: 1}\n", "has no variables"),
    ("expression: a\nat: {a: 1}\n", "is just the variable a"),
    ("expression: u\nat: {a: 1}\nlet: {u: a*a}\nname: J\n", "names the output already"),
    ("expression: a*b\nat: {a: 1, b: true}\n", "expected a number"),
    ("expression: a*b\nat: {a: 1, b: 2}\nwrt: [a, a]\n", "'a' is listed twice"),
    ("expression: exp*2\nat: {exp: 1}\n", "'exp' is a function"),
    ("expression: a*b\nat: [1, 2]\n", "expected a mapping of each variable to its value"),
    ("expression: a*b\nat: {}\n", "got an empty mapping"),
    ("expression: a*b\nat: {a: 1, b: 2}\nlet: [u]\n", "expected a mapping of names to expressions"),
    ("expression: sqrt(a)*b\nat: {a: 0, b: 2}\n", "sqrt at 0 has no finite derivative"),
    ("expression: sqrt(a)*b\nat: {a: 0, b: 2}\nwrt: [b]\n", None),
    ("expresion: a*b\nat: {a: 1, b: 2}\n", "did you mean 'expression'?"),
])
def test_reader_errors(tmp_path, body, message):
    path = write(tmp_path, "kind: graph\n" + body)
    if message is None:
        solve(path)
        return
    with pytest.raises(ProblemError, match=re.escape(message)):
        solve(path)


def test_default_output_name_skips_names_in_use(tmp_path):
    sol = solve(write(tmp_path, "kind: graph\nexpression: J*f\nat: {J: 2, f: 3}\n"))
    assert str(sol.questions[0].step("d_J").info.output) == "L"


def test_auto_names_skip_names_in_use(tmp_path):
    a = answers(tmp_path, "kind: graph\nexpression: (u + v)*w + p\nat: {u: 1, v: 2, w: 3, p: 4}\n")
    assert [k for k in a if k.startswith("node_")] == ["node_q", "node_r"]


# ---------------------------------------------------------------- documents and the command line

def test_problem_file_renders_with_pictures(tmp_path):
    sol = solve(ROOT / "problems" / "graphs.yaml")
    assets: dict = {}
    md = sol.render("markdown", assets=assets, stem="graphs")
    assert sorted(assets) == [f"graphs-{q}-graph.svg" for q in sorted(["neuron", "seed1", "seed2", "swish"])]
    for name in assets:
        assert f"]({name})" in md
        assert assets[name].startswith(b"<svg")
    tex = sol.render("latex")
    assert tex.count(r"\begin{tikzpicture}") == 4


@pytest.mark.parametrize("fmt, ext", [("markdown", "md"), ("latex", "tex"), ("json", "json")])
def test_command_line_end_to_end(tmp_path, fmt, ext):
    out = tmp_path / f"graphs.{ext}"
    proc = subprocess.run([sys.executable, "-m", "solver", "problems/graphs.yaml", "--format", fmt, "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    if fmt == "json":
        data = json.loads(text)
        assert data["questions"][0]["answers"]["d_b"] == {"value": 6.0, "exact": 6.0}
    if fmt == "markdown":
        assert (tmp_path / "graphs-seed2-graph.svg").exists()
        assert "(graphs-seed2-graph.svg)" in text


def test_command_line_pdf(tmp_path, latex_engine):
    out = tmp_path / "graphs.pdf"
    proc = subprocess.run([sys.executable, "-m", "solver", "problems/graphs.yaml", "--format", "pdf", "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------------ numbers as by hand, and the length

def test_integers_from_integer_givens_are_written_as_integers_as_in_the_notes():
    """J = 3(a + bc) at 5, 3, 2: every node, edge and partial is an exact integer, written as one
    (J = 33, c = 2), as the notes write them; the JSON value stays a number."""
    solution = solve(ROOT / "problems" / "graphs.yaml", question="seed1")
    for detail in ("standard", "full"):
        md = solution.render("markdown", detail=detail)
        assert r"J &= 3 \cdot v = 3 \cdot 11 = 33" in md
        assert r"\frac{\partial u}{\partial b} = c = 2" in md or r"\frac{\partial u}{\partial b} &= c = 2 " in md
        assert "33.0000" not in md and "2.0000" not in md and "6.0000" not in md
    assert solution.to_json()["questions"][0]["answers"]["d_b"]["value"] == 6


def test_a_given_on_an_edge_is_written_as_given_and_computed_values_keep_their_decimals():
    solution = solve(ROOT / "problems" / "graphs.yaml", question="swish")
    md = solution.render("markdown")
    assert r"\frac{\partial f}{\partial u} = x = 1.5$" in md            # the given x, not 1.5000
    assert r"= 0.8176 + 1.5 \cdot 0.1491 = 1.0413" in md
    neuron = solve(ROOT / "problems" / "graphs.yaml", question="neuron").render("markdown")
    assert r"u &= w \cdot x = 0.5 \cdot 2 = 1.0000" in neuron           # w = 0.5: computed, to the decimals
    assert r"= 0.5 \cdot \left(-0.7551\right)" in neuron                 # d(p/2)/dp = 1/2 exactly


def test_standard_writes_each_partial_once_in_one_line_and_full_keeps_every_row():
    solution = solve(ROOT / "problems" / "graphs.yaml", question="seed1")
    standard, full = solution.render("markdown"), solution.render("markdown", detail="full")
    line = (r"\frac{\partial J}{\partial b} = \frac{\partial J}{\partial v} \cdot \frac{\partial v}{\partial u}"
            r" \cdot \frac{\partial u}{\partial b} = 3 \cdot 1 \cdot c = 3 \cdot 1 \cdot 2 = 6")
    assert line in standard and line not in full
    assert standard.count(r"3 \cdot 1 \cdot 2") == 1
    assert "Check: differentiating" in full and "Check: differentiating" not in standard
    for key in solution.questions[0].answers():
        if key.startswith("d_"):
            assert f"`{key}`" in standard


def test_the_picture_labels_integers_as_integers_and_givens_as_given():
    seed1 = solve(ROOT / "problems" / "graphs.yaml", question="seed1").questions[0]
    diagram = seed1.step("graph").info.diagram
    values = {n.name: n.value for n in diagram.nodes}
    assert values["J"] == 33 and isinstance(values["J"], int)          # printed 33, not 33.0000
    edge = next(e for e in diagram.edges if (e.source, e.target) == ("b", "u"))
    assert edge.value == 2 and isinstance(edge.value, int)             # du/db = c = 2
    swish = solve(ROOT / "problems" / "graphs.yaml", question="swish").questions[0]
    neuron = solve(ROOT / "problems" / "graphs.yaml", question="neuron").questions[0]
    assert not any(isinstance(n.value, int) for n in swish.step("graph").info.diagram.nodes
                   if n.role != "input")                                # sigmoid: computed, to the decimals
    assert isinstance(dict((n.name, n.value) for n in neuron.step("graph").info.diagram.nodes)["u"], float)


# ---------------------------------------------------------------- the check of a large graph

DOUBLING = ("kind: graph\nname: f\nlet:\n  u1: x*x + x\n  u2: u1*u1 + u1\n  u3: u2*u2 + u2\n"
            "  u4: u3*u3 + u3\nexpression: u4*u4\nat: {x: 0.5}\n")


def test_a_graph_too_long_to_write_out_is_checked_on_the_graph(tmp_path):
    """Written out in x the output has 161 operations (it doubles with every level): the check
    accumulates over the graph and compares finite differences, and nothing long is printed."""
    sol = solve(write(tmp_path, DOUBLING))
    q = sol.questions[0]
    step = q.step("d_x")
    assert not step.info.expanded and step.info.direct is None
    assert step.info.direct_value == step.value and step.info.agrees
    graph = q.steps[0].info
    assert [str(s) for s, _ in graph.lets] == ["u1", "u2", "u3", "u4"]
    assert str(graph.whole) == "u4*u4"
    text = sol.render("markdown", assets={}, stem="g")
    check = next(line for line in text.splitlines() if line.startswith("Check:"))
    assert "finite difference" in check and len(check) < 400
    assert max(len(line) for line in text.splitlines()) < 2000


def test_a_short_graph_is_still_differentiated_directly(tmp_path):
    sol = solve(write(tmp_path, "kind: graph\nexpression: 3*(a + b*c)\nat: {a: 5, b: 3, c: 2}\n"))
    step = sol.questions[0].step("d_b")
    assert step.info.expanded and str(step.info.whole) == "3*(a + b*c)"
    assert "directly, without the graph" in sol.render("markdown", assets={}, stem="g", detail="full")


def test_the_finite_differences_take_part_in_the_check(tmp_path, monkeypatch):
    monkeypatch.setattr(graph_kind.Reference, "finite_difference", lambda self, var: 1.0)
    with pytest.raises(CrossCheckError, match="finite differences"):
        solve(write(tmp_path, DOUBLING))


def test_the_accumulation_of_the_check_takes_part(tmp_path, monkeypatch):
    monkeypatch.setattr(graph_kind.Reference, "partial_value", lambda self, var: 1.0)
    with pytest.raises(CrossCheckError, match="accumulation"):
        solve(write(tmp_path, DOUBLING))


def test_finite_differences_skip_a_kink(tmp_path):
    """relu at exactly 0 follows its convention; a difference quotient across it would not."""
    sol = solve(write(tmp_path, "kind: graph\nexpression: relu(a - b)*c\nat: {a: 0.3, b: 0.3, c: 2}\n"))
    assert sol.questions[0].step("d_a").value == 0


def test_a_question_sheet_of_a_long_graph_gives_its_lets(tmp_path):
    from solver.render.documents import render_sheet
    sheet = render_sheet(solve(write(tmp_path, DOUBLING)), "markdown", assets={}, stem="g")
    line = next(line for line in sheet.splitlines() if line.startswith("Let "))
    assert "where $u_{1} = " in line and "$u_{4} = " in line and len(line) < 600
