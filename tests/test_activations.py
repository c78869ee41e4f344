"""The activation table: the SymPy forms, the hand derivatives and the NumPy code agree."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from solver.activations import ACTIVATIONS, _softmax, softmax_expr, softmax_jacobian
from solver.symbols import A, ALPHA, Z

ELEMENTWISE = [name for name, act in ACTIVATIONS.items() if act.elementwise]
# Away from every kink (z = 0), on both sides of it, small and large.
POINTS = [-3.1, -1.25, -0.4, -0.05, 0.07, 0.3, 1.6, 4.2]
ALPHAS = [0.01, 0.2]
H = 1e-6


def test_the_table_has_the_documented_activations():
    assert set(ACTIVATIONS) == {"linear", "sigmoid", "tanh", "relu", "leaky_relu", "step", "softmax"}
    assert [n for n, a in ACTIVATIONS.items() if not a.elementwise] == ["softmax"]


def _sympy_value(expr: sp.Expr, z: float, alpha: float) -> float:
    return float(expr.xreplace({Z: sp.Float(z), ALPHA: sp.Float(alpha)}))


def _hand_in_z(name: str) -> sp.Expr:
    """The hand derivative with the output a replaced by g(z): a function of z alone."""
    act = ACTIVATIONS[name]
    return act.hand_derivative.xreplace({A: act.expr(Z)})


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("z", POINTS)
def test_hand_derivative_equals_sympy_diff(name, alpha, z):
    act = ACTIVATIONS[name]
    derived = sp.diff(act.expr(Z), Z)
    assert _sympy_value(_hand_in_z(name), z, alpha) == pytest.approx(_sympy_value(derived, z, alpha),
                                                                      rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", ["linear", "sigmoid", "tanh"])
def test_smooth_hand_derivative_simplifies_to_sympy_diff(name):
    act = ACTIVATIONS[name]
    assert sp.simplify(_hand_in_z(name) - sp.diff(act.expr(Z), Z)) == 0


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_numpy_forward_matches_sympy_expr(name, alpha):
    act = ACTIVATIONS[name]
    z = np.array(POINTS + [0.0])
    expected = [_sympy_value(act.expr(Z), v, alpha) for v in z]
    np.testing.assert_allclose(act.forward(z, alpha), expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_numpy_derivative_matches_sympy_diff(name, alpha):
    act = ACTIVATIONS[name]
    z = np.array(POINTS)
    a = act.forward(z, alpha)
    derived = sp.diff(act.expr(Z), Z)
    expected = [_sympy_value(derived, v, alpha) for v in z]
    np.testing.assert_allclose(act.derivative(z, a, alpha), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_numpy_derivative_matches_finite_differences(name, alpha):
    act = ACTIVATIONS[name]
    z = np.array(POINTS)
    fd = (act.forward(z + H, alpha) - act.forward(z - H, alpha)) / (2 * H)
    np.testing.assert_allclose(act.derivative(z, act.forward(z, alpha), alpha), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_numpy_forward_works_on_examples_by_units(name):
    act = ACTIVATIONS[name]
    z = np.array([[-1.5, 0.2, 3.0], [0.7, -0.1, -2.2]])
    np.testing.assert_array_equal(act.forward(z, 0.1), act.forward(z.ravel(), 0.1).reshape(z.shape))
    assert act.derivative(z, act.forward(z, 0.1), 0.1).shape == z.shape


# ------------------------------------------------------------------ kinks and conventions

@pytest.mark.parametrize("name, alpha, value, slope", [
    ("relu", 0.01, 0.0, 0.0),
    ("leaky_relu", 0.01, 0.0, 0.01),
    ("leaky_relu", 0.3, 0.0, 0.3),
    ("step", 0.01, 1.0, 0.0),      # step(0) = 1: the z >= 0 convention
])
def test_value_and_derivative_at_the_kink(name, alpha, value, slope):
    act = ACTIVATIONS[name]
    z = np.array([0.0])
    a = act.forward(z, alpha)
    assert a.tolist() == [value]
    assert act.derivative(z, a, alpha).tolist() == [slope]
    # the SymPy forms follow the same conventions
    assert _sympy_value(act.expr(Z), 0.0, alpha) == value
    assert _sympy_value(act.hand_derivative, 0.0, alpha) == slope
    assert act.kink == name


@pytest.mark.parametrize("z", [-5.0, -1e-9, 0.0, 1e-9, 5.0])
def test_step_derivative_is_zero_everywhere(z):
    act = ACTIVATIONS["step"]
    arr = np.array([z])
    assert act.derivative(arr, act.forward(arr, 0.01), 0.01).tolist() == [0.0]
    assert sp.diff(act.expr(Z), Z).xreplace({Z: sp.Float(z)}) == 0


@pytest.mark.parametrize("name", ["linear", "sigmoid", "tanh"])
def test_smooth_activations_have_no_kink(name):
    assert ACTIVATIONS[name].kink is None


def test_sigmoid_is_stable_for_large_arguments():
    z = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    with np.errstate(over="raise", invalid="raise"):
        a = ACTIVATIONS["sigmoid"].forward(z, 0.01)
    assert np.isfinite(a).all()
    assert a[0] == 0.0 and a[2] == 0.5 and a[4] == 1.0
    np.testing.assert_allclose(a[1], 1 / (1 + np.exp(40.0)), rtol=1e-14)


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.open_unit_interval])
def test_open_unit_interval_activations_stay_inside(name):
    z = np.array([[-6.0, -0.5, 0.0, 0.5, 6.0]])
    a = ACTIVATIONS[name].forward(z, 0.01)
    assert ((a > 0) & (a < 1)).all()


def test_open_unit_interval_flag_is_set_exactly_for_sigmoid_and_softmax():
    assert {n for n, a in ACTIVATIONS.items() if a.open_unit_interval} == {"sigmoid", "softmax"}


# ------------------------------------------------------------------ softmax

SOFTMAX_ROWS = [
    [0.3],                       # one unit: always 1
    [0.5, -0.2],
    [1.0, 2.0, 3.0],
    [-0.4, 0.0, 0.9, -2.5],
    [10.0, -10.0, 0.5],
]


def _softmax_fd_jacobian(z: np.ndarray) -> np.ndarray:
    n = z.size
    jac = np.empty((n, n))
    for j in range(n):
        step = np.zeros(n)
        step[j] = H
        jac[:, j] = (_softmax(z + step) - _softmax(z - step)) / (2 * H)
    return jac


@pytest.mark.parametrize("row", SOFTMAX_ROWS)
def test_softmax_jacobian_matches_finite_differences(row):
    z = np.array(row)
    np.testing.assert_allclose(softmax_jacobian(_softmax(z)), _softmax_fd_jacobian(z), rtol=1e-6, atol=1e-9)


def test_softmax_jacobian_is_per_example():
    z = np.array([[0.5, -0.2, 0.1], [2.0, 1.0, -1.0]])
    jac = softmax_jacobian(_softmax(z))
    assert jac.shape == (2, 3, 3)
    for e in range(2):
        np.testing.assert_allclose(jac[e], _softmax_fd_jacobian(z[e]), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("row", SOFTMAX_ROWS)
def test_softmax_jacobian_matches_sympy_diff(row):
    zs = [sp.Symbol(f"z{i}", real=True) for i in range(len(row))]
    at = {s: sp.Float(v) for s, v in zip(zs, row)}
    expected = [[float(sp.diff(softmax_expr(zs, i), zs[j]).xreplace(at)) for j in range(len(row))]
                for i in range(len(row))]
    np.testing.assert_allclose(softmax_jacobian(_softmax(np.array(row))), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("row", SOFTMAX_ROWS)
def test_softmax_expr_matches_numpy(row):
    zs = [sp.Float(v) for v in row]
    expected = [float(softmax_expr(zs, i)) for i in range(len(row))]
    np.testing.assert_allclose(_softmax(np.array(row)), expected, rtol=1e-13)
    np.testing.assert_allclose(ACTIVATIONS["softmax"].forward(np.array([row]), 0.01), [expected], rtol=1e-13)


def test_softmax_rows_sum_to_one_and_are_shift_invariant():
    z = np.array([[0.1, 0.2, -0.3], [700.0, 701.0, 699.0]])
    a = _softmax(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(a[1], _softmax(z[1] - 700.0), rtol=1e-14)
    assert np.isfinite(a).all()


# ------------------------------------------------------------------ the rest of an entry: one home per fact

def test_every_entry_says_how_it_is_written():
    for name, act in ACTIVATIONS.items():
        assert act.tex and act.label, name


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_printer_writes_the_label_as_the_tex_name(name):
    from solver.render.notation import notation_for
    from solver.render.printer import ExamPrinter
    act = ACTIVATIONS[name]
    printer = ExamPrinter(notation_for("layer", None), 4)
    assert printer.doprint(sp.Function(act.label)(Z)).startswith(act.tex + "{")
    assert printer.doprint(act.named(Z)).startswith(act.tex + "{")


def test_aliases_are_derived_from_the_entries():
    from solver import activations
    from solver.kinds.network import fields
    assert fields.ACTIVATION_ALIASES is activations.ALIASES
    assert activations.ALIASES == {"logistic": "sigmoid", "identity": "linear", "none": "linear",
                                   "heaviside": "step", "leaky": "leaky_relu", "lrelu": "leaky_relu",
                                   "leakyrelu": "leaky_relu"}
    assert not set(activations.ALIASES) & set(ACTIVATIONS)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_slope_fact_matches_the_mathematics(name):
    from solver.activations import WITH_SLOPE
    act = ACTIVATIONS[name]
    assert act.slope == (ALPHA in act.hand_derivative.free_symbols or ALPHA in act.expr(Z).free_symbols)
    assert act.slope == (name in WITH_SLOPE)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_the_identity_fact_matches_the_mathematics(name):
    act = ACTIVATIONS[name]
    assert act.identity == (act.expr(Z) == Z)


def test_the_saturating_activations():
    assert [n for n, a in ACTIVATIONS.items() if a.saturates] == ["sigmoid", "tanh", "softmax"]


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.saturates])
def test_saturation_bounds_are_the_limits_of_the_range(name):
    act = ACTIVATIONS[name]
    far = np.array([[-800.0, 800.0]]) if act.elementwise else np.array([[-800.0, 800.0], [800.0, -800.0]])
    assert set(act.forward(far, 0.01).ravel().tolist()) == set(act.saturates)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_a_kink_has_its_convention_in_words(name):
    from solver.render.formatter import convention_of
    act = ACTIVATIONS[name]
    assert (act.kink is None) == (act.convention is None)
    if act.kink:
        assert convention_of(act.kink) == act.convention_text() and "z = 0" in act.convention_text()
        assert "{zero}" not in act.convention_text("0")


def test_losses_with_a_kink_have_their_convention_in_words():
    from solver.losses import LOSSES
    from solver.render.formatter import convention_of
    for loss in LOSSES.values():
        assert (loss.kink is None) == (loss.convention is None), loss.name
        if loss.kink:
            assert convention_of(loss.kink) == loss.convention


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_shows_hand_derivative_exactly_where_it_is_not_a_constant(name):
    act = ACTIVATIONS[name]
    assert act.shows_hand_derivative == (name in ("sigmoid", "tanh", "relu", "leaky_relu"))


# The batch notation's g'(in) as written (LaTeX) read back into NumPy: each piece of LaTeX an
# entry's pattern may use, and what it means for matrices.
_LATEX_TO_NUMPY = [(r"\mathbb{1}\left[", "ind("), (r"\right]", ")"), (r"\left(", "("), (r"\right)", ")"),
                   (r"\odot", "*"), (r"\cdot", "*"), (r"\le", "<="), ("{out}", "OUT"), ("{in}", "IN"),
                   ("{alpha}", "ALPHA")]


def _read_back(pattern: str):
    text = pattern
    for tex, py in _LATEX_TO_NUMPY:
        text = text.replace(tex, py)
    assert "\\" not in text and "{" not in text, f"a piece of LaTeX the test cannot read: {pattern}"
    return compile(text, "<batch_derivative>", "eval")


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_batch_matrix_form_evaluates_to_the_derivative(name, alpha):
    act = ACTIVATIONS[name]
    rng = np.random.default_rng(7)
    z = rng.uniform(-3, 3, size=(4, 3))
    a = act.forward(z, alpha)
    code = _read_back(act.batch_derivative)
    env = {"__builtins__": {}, "OUT": a, "IN": z, "ALPHA": alpha, "ind": lambda b: b.astype(float)}
    value = np.broadcast_to(eval(code, env), z.shape)
    np.testing.assert_allclose(value, act.derivative(z, a, alpha), rtol=1e-12, atol=1e-15)


def test_batch_matrix_form_is_written_with_the_layers_names():
    act = ACTIVATIONS["leaky_relu"]
    assert act.batch_derivative_tex("O", "I", "0.1") == \
        r"\mathbb{1}\left[I > 0\right] + 0.1 \cdot \mathbb{1}\left[I \le 0\right]"
    assert ACTIVATIONS["sigmoid"].batch_derivative_tex("H", "I", "0") == r"H \odot \left(1 - H\right)"


# ------------------------------------------------------------------ the graph's functions are the same entries

GRAPH_ACTIVATIONS = [name for name, act in ACTIVATIONS.items() if act.scalar is not None]


def test_the_graph_functions_that_are_activations_come_from_the_table():
    from solver.kinds.graph.expression import FUNCTIONS
    assert sorted(GRAPH_ACTIVATIONS) == sorted(n for n in FUNCTIONS if n in ACTIVATIONS) == ["relu", "sigmoid", "tanh"]


@pytest.mark.parametrize("name", GRAPH_ACTIVATIONS)
@pytest.mark.parametrize("x", POINTS + [0.0, 1e-12, -1e-12, 30.0, -30.0])
def test_graph_function_agrees_with_the_network_function(name, x):
    from solver.kinds.graph.expression import OPERATIONS
    from solver.tolerances import snap
    act, op = ACTIVATIONS[name], OPERATIONS[name]
    z = snap(np.array([x])) if act.kink else np.array([x])
    out = op.forward((x,))
    assert out == pytest.approx(float(act.forward(z, 0.01)[0]), rel=1e-14, abs=1e-300)
    assert op.derivatives((x,), out)[0] == pytest.approx(float(act.derivative(z, np.array([out]), 0.01)[0]),
                                                        rel=1e-14, abs=1e-300)
    assert op.kink == act.kink


@pytest.mark.parametrize("name", GRAPH_ACTIVATIONS)
def test_graph_hand_derivative_and_reference_are_the_entrys(name):
    from solver.kinds.graph.expression import OPERATIONS, USES_OUTPUT
    act, op = ACTIVATIONS[name], OPERATIONS[name]
    u, n = sp.Symbol("u"), sp.Symbol("n")
    assert op.hand_derivatives((u,), n)[0] == act.hand_derivative.xreplace({Z: u, A: n})
    assert op.reference((u,)) == act.expr(u)
    assert (name in USES_OUTPUT) == act.scalar.uses_output == (A in act.hand_derivative.free_symbols)


# ------------------------------------------------------------------ a new activation is one entry

def test_a_new_activation_is_one_entry(monkeypatch, tmp_path):
    """softplus, added as one entry (and nothing else: the reader's list of names is derived from
    the table at import, so it is derived again here), is solved and written in every notation,
    its SymPy and NumPy forms cross-checked on the way."""
    from functools import cache

    import math

    from solver import solve
    from solver.activations import Activation, Maths, Scalar
    from solver.kinds.graph import expression
    from solver.kinds.network import fields as problem
    from solver import symbols

    @cache
    def softplus() -> Maths:
        return Maths(lambda z: sp.log(1 + sp.exp(z)), 1 - sp.exp(-symbols.A),
                     lambda z, al: np.logaddexp(0.0, z), lambda z, a, al: 1.0 / (1.0 + np.exp(-z)))

    monkeypatch.setitem(ACTIVATIONS, "softplus", Activation(
        "softplus", softplus, tex=r"\operatorname{softplus}", label="softplus", batch_derivative=r"1 - e^{-{out}}",
        scalar=Scalar(lambda x: math.log1p(math.exp(x)), lambda x, out: 1.0 - math.exp(-out), uses_output=True)))
    # what importing the reader and the graph's table derives from the activation table
    monkeypatch.setattr(problem, "ACTIVATION_NAMES", tuple(ACTIVATIONS))
    monkeypatch.setattr(expression, "FUNCTIONS", expression.FUNCTIONS + ("softplus",))
    monkeypatch.setitem(expression.OPERATIONS, "softplus", expression._activation("softplus"))
    path = tmp_path / "softplus.yaml"
    path.write_text("""questions:
  - id: q
    kind: backprop
    network:
      inputs: 2
      layers:
        - {units: 2, activation: softplus, weights: [[0.2, 0.4], [0.5, -0.5]], biases: [0.1, 0.0]}
        - {units: 1, activation: sigmoid, weights: [[0.3, -0.2]], biases: [-0.2]}
    data: {x: [[0.5, 0.3], [1.0, 1.0]], y: [[1], [0]]}
    loss: bce
    learning_rate: 0.1
""")
    for notation in ("layer", "indexed", "batch"):
        solution = solve(path, notation=notation)
        for fmt in ("markdown", "latex"):
            assert r"\operatorname{softplus}" in solution.render(fmt, assets={})
    batch = solve(path, notation="batch").render("markdown", assets={})
    assert r"\operatorname{softplus}'\left(H_{\text{in}}\right) = 1 - e^{-H_{\text{out}}}" in batch
    # and a graph may call it: its forward, derivative and display are the entry's
    graph = tmp_path / "graph.yaml"
    graph.write_text("questions:\n  - {id: g, kind: graph, expression: softplus(a*b) + a, name: f, at: {a: 0.5, b: 2}}\n")
    text = solve(graph).render("markdown", assets={})
    assert "\\operatorname{softplus}{\\left(" in text and "1 - e^{- " in text
