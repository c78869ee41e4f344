"""Numbers as a hand solution writes them (issue 11, item 3): computed values to `decimals`
with their trailing zeros, given values as written, and under `carry: rounded` the sums,
products and differences of written decimals rounded as their exact decimal result
(a tie half away from zero), not as the float that approximates it."""
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from solver import solve
from solver.rounding import round_half_up, round_written


def _solve(tmp_path, doc: dict):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(doc))
    return solve(path)


def _step(solution, key):
    return next(s for s in solution.questions[0].steps if s.key == key)


def _question(**over) -> dict:
    doc = {"title": "ties", "decimals": 4, "carry": "rounded", "kind": "backprop",
           "network": {"inputs": 1, "layers": [{"units": 1, "activation": "linear",
                                                 "weights": [[0.5175]], "biases": [0]}]},
           "data": {"x": [[1.7]], "y": [[0]]}, "loss": "mse", "reduction": "mean", "learning_rate": 0.1}
    doc.update(over)
    return doc


def test_a_product_that_ties_rounds_up_as_on_paper():
    assert round_half_up(0.5175 * 1.7, 4) == 0.8797          # the float product 0.87974999...
    assert round_written(0.5175 * 1.7, 4) == 0.8798           # the exact product 0.87975


def test_a_sum_and_an_update_that_tie_round_away_from_zero():
    assert round_written(0.1234 + 0.00005, 4) == 0.1235 and round_written(-(0.1234 + 0.00005), 4) == -0.1235
    assert round_written(np.array([1.0 - 0.1 * 1.2345]), 3).tolist() == [0.877]   # 0.87655 -> 0.877 (half up)
    assert round_written(0.3 - 0.1 * 0.0005, 4) == 0.3000 and round_written(0.3 - 0.1 * 0.0015, 4) == 0.2999


def test_network_linear_step_under_carry_rounded_is_exact_decimal(tmp_path):
    sol = _solve(tmp_path, _question())
    z = _step(sol, "z1")
    assert float(np.ravel(z.value)[0]) == 0.8798
    md = sol.render("markdown")
    assert "0.8798" in md and "0.8797" not in md


def test_network_update_under_carry_rounded_ties_away_from_zero(tmp_path):
    # dW = 2 (z - y) x = 2 * 0.8798 * 1.7 = 2.99132 -> 2.9913; W - 0.5 * 2.9913 = 0.5175 - 1.49565 = -0.97815 -> -0.9782
    sol = _solve(tmp_path, _question(learning_rate=0.5))
    assert float(np.ravel(_step(sol, "dW1").value)[0]) == 2.9913
    assert float(np.ravel(_step(sol, "W1_new").value)[0]) == -0.9782


def test_shown_values_keep_trailing_zeros_and_givens_stay_as_written(tmp_path):
    doc = _question(carry="exact")
    doc["network"]["layers"][0]["weights"] = [[0.3]]
    doc["data"]["x"] = [[1.7]]
    solution = _solve(tmp_path, doc)
    md = solution.render("markdown")
    assert "0.5100" in md                  # z = 0.3 * 1.7, computed: four decimals
    assert r"\begin{bmatrix} 0.3 \end{bmatrix} \begin{bmatrix} 1.7 \end{bmatrix}" in md   # the givens as written
    # (entry by entry, --detail full, the same givens in the product)
    assert r"0.3 \cdot 1.7" in solution.render("markdown", detail="full")
    assert "0.51 " not in md and "0.51$" not in md


def _decimal(units: int, places: int = 4) -> Fraction:
    return Fraction(units, 10 ** places)


def _half_up(value: Fraction, places: int) -> float:
    # a sum of products of 4-decimal numbers has at most 8 places: Decimal divides it exactly
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


decimals4 = st.integers(-99999, 99999)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(decimals4, decimals4), min_size=1, max_size=6), decimals4, st.integers(1, 6))
def test_sums_of_products_of_written_decimals_round_as_fractions_do(pairs, bias, decimals):
    """z = sum w_i a_i + b on 4-decimal numbers (W a + b, delta a^T, W - eta dW all have this
    form): the float computation rounded by round_written equals the exact fraction rounded
    half away from zero."""
    w = np.array([p[0] for p in pairs]) / 10_000
    a = np.array([p[1] for p in pairs]) / 10_000
    b = bias / 10_000
    value = float(w @ a + b)
    exact = sum(_decimal(p[0]) * _decimal(p[1]) for p in pairs) + _decimal(bias)
    expected = float(np.sign(float(exact))) * _half_up(abs(exact), decimals) + 0.0
    assert round_written(value, decimals) == expected


def _relu_network() -> dict:
    return {"title": "kink", "kind": "backprop", "loss": "bce", "learning_rate": 0.1,
            "network": {"inputs": 2, "layers": [
                {"units": 2, "activation": "relu", "weights": [[0.2, -0.4], [0.1, 0.3]], "biases": [0.1, -0.2]},
                {"units": 1, "activation": "sigmoid", "weights": [[0.3, -0.2]], "biases": [0.1]}]},
            "data": {"x": [[0.5, 0.3]], "y": [[1]]}}


def test_a_derivative_that_takes_only_constants_is_written_as_them(tmp_path):
    """ReLU' is 1 or 0 and id' is 1 by definition: written [1, 0], not [1.0000, 0.0000]."""
    relu = _solve(tmp_path, _relu_network())
    layer = relu.render("markdown", {})
    assert r"\odot \begin{bmatrix} 1 \\ 0 \end{bmatrix}" in layer
    batch = solve(tmp_path / "p.yaml", notation="batch").render("markdown", {})
    assert r"\odot \begin{bmatrix} 1 & 0 \end{bmatrix}" in batch
    sigmoid = _solve(tmp_path, {**_relu_network(), "network": {"inputs": 2, "layers": [
        {"units": 2, "activation": "sigmoid", "weights": [[0.2, -0.4], [0.1, 0.3]], "biases": [0.1, -0.2]},
        {"units": 1, "activation": "sigmoid", "weights": [[0.3, -0.2]], "biases": [0.1]}]}})
    assert r"\odot \begin{bmatrix} 0.2" in sigmoid.render("markdown", {})      # computed: to the decimals
