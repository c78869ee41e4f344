"""Optimizers and weight decay in backprop (one step) and train (solver/optimizers.py,
docs/optimizers.md): every optimizer against a reference written here straight from the
published formulas, entry by entry in plain Python (no code shared with the solver), over
several steps; random small networks; the fields and their errors; the answer keys, the
answer sheet and --check."""
from __future__ import annotations

import json
import math
import textwrap

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import assert_refused, first_question
from solver import optimizers
from solver.cli import main
from solver.errors import ProblemError
from solver.kinds import solve_question

NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam")
HYPER = dict(momentum=0.9, beta1=0.9, beta2=0.999, rho=0.9, epsilon=1e-8)


# ------------------------------------------------------------------ the reference

def reference_step(name, theta, g, state, t, eta, h):
    """One step of one parameter, entry by entry (lists of floats), as the papers and the PyTorch
    documentation write it. state: the moments before; returns (theta, state after)."""
    out, new = [], {k: list(v) for k, v in state.items()}
    for i, (th, gi) in enumerate(zip(theta, g)):
        if name == "sgd":
            out.append(th - eta * gi)
        elif name == "momentum":          # torch.optim.SGD(momentum=mu, nesterov=False), dampening 0
            b = h["momentum"] * state["v"][i] + gi
            new["v"][i] = b
            out.append(th - eta * b)
        elif name == "nesterov":          # torch.optim.SGD(momentum=mu, nesterov=True)
            b = h["momentum"] * state["v"][i] + gi
            new["v"][i] = b
            out.append(th - eta * (gi + h["momentum"] * b))
        elif name == "rmsprop":           # Hinton's lecture 6e; torch.optim.RMSprop (alpha = rho)
            s = h["rho"] * state["s"][i] + (1 - h["rho"]) * gi * gi
            new["s"][i] = s
            out.append(th - eta * gi / (math.sqrt(s) + h["epsilon"]))
        elif name == "adagrad":           # Duchi et al. 2011; torch.optim.Adagrad
            s = state["s"][i] + gi * gi
            new["s"][i] = s
            out.append(th - eta * gi / (math.sqrt(s) + h["epsilon"]))
        elif name == "adam":              # Kingma and Ba 2015, Algorithm 1
            m = h["beta1"] * state["m"][i] + (1 - h["beta1"]) * gi
            v = h["beta2"] * state["s"][i] + (1 - h["beta2"]) * gi * gi
            new["m"][i], new["s"][i] = m, v
            m_hat = m / (1 - h["beta1"] ** t)
            v_hat = v / (1 - h["beta2"] ** t)
            out.append(th - eta * m_hat / (math.sqrt(v_hat) + h["epsilon"]))
    return out, new


def zero_state(name, n):
    return {m: [0.0] * n for m in {"momentum": "v", "nesterov": "v", "rmsprop": "s", "adagrad": "s",
                                   "adam": "ms"}.get(name, "")}


@pytest.mark.parametrize("name", NAMES)
def test_the_table_matches_the_reference_over_steps(name):
    rng = np.random.default_rng(3)
    theta = rng.normal(size=5)
    ref_theta, ref_state = list(theta), zero_state(name, 5)
    s = optimizers.Settings(name)
    moments = {m: np.zeros(5) for m in optimizers.OPTIMIZERS[name].moments}
    for t in range(1, 6):
        g = rng.normal(size=5)
        ref_theta, ref_state = reference_step(name, ref_theta, list(g), ref_state, t, 0.05, HYPER)
        moments = optimizers.moments(s, g, moments, t)
        theta = optimizers.new_value(s, 0.05, theta, g, moments, t)
        np.testing.assert_allclose(theta, ref_theta, rtol=1e-12, atol=1e-14)
        for m in moments:
            np.testing.assert_allclose(moments[m], ref_state[m], rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------ backprop, one step

NETWORK = """\
kind: backprop
network:
  inputs: 2
  layers:
    - {units: 2, activation: tanh, weights: [[0.2, -0.4], [0.5, 0.3]], biases: [0.1, -0.2]}
    - {units: 1, activation: linear, weights: [[0.7, -0.6]], biases: [0.05]}
data:
  x: [[0.5, -1.0], [1.5, 0.2]]
  y: [0.3, -0.2]
loss: mse
learning_rate: 0.1
"""


def load(extra: str, network: str = NETWORK):
    return first_question(network + textwrap.dedent(extra))


def answers(q):
    steps, _ = solve_question(q)
    return {s.key: s for s in steps}


def dump(state: dict) -> str:
    return json.dumps({k: (np.asarray(v).tolist() if k != "t" else v) for k, v in state.items()})


@pytest.mark.parametrize("name", NAMES)
def test_backprop_steps_match_the_reference_from_a_given_state(name):
    """Three steps in a row, each a backprop question whose state: is the moments the last one
    gave; each step's new parameters and moments are the reference's from the same gradient."""
    spec = optimizers.OPTIMIZERS[name]
    weights = {"W1": [[0.2, -0.4], [0.5, 0.3]], "b1": [0.1, -0.2], "W2": [[0.7, -0.6]], "b2": [0.05]}
    state: dict = {}
    l2 = 0.05
    for t in range(1, 4):
        net = NETWORK.replace("[[0.2, -0.4], [0.5, 0.3]]", json.dumps(weights["W1"])) \
            .replace("[0.1, -0.2]", json.dumps(weights["b1"])).replace("[[0.7, -0.6]]", json.dumps(weights["W2"])) \
            .replace("[0.05]", json.dumps(weights["b2"]))
        extra = f"optimizer: {name}\nl2: {l2}\n" + (f"state: {dump(state)}\n" if state else "")
        got = answers(load(extra, net))
        for p in ("W1", "b1", "W2", "b2"):
            g = np.asarray(got[f"d{p}"].exact, dtype=float)
            before = {m: np.ravel(state.get(f"{m}_{p}", np.zeros(g.shape))).tolist() for m in spec.moments}
            theta = np.asarray(weights[p], dtype=float)
            ref, after = reference_step(name, theta.ravel().tolist(), g.ravel().tolist(), before, t, 0.1, HYPER)
            np.testing.assert_allclose(np.ravel(got[f"{p}_new"].exact), ref, rtol=1e-10, atol=1e-12)
            for m in spec.moments:
                np.testing.assert_allclose(np.ravel(got[f"{m}_{p}"].exact), after[m], rtol=1e-10, atol=1e-12)
                state[f"{m}_{p}"] = np.reshape(after[m], g.shape)
            weights[p] = np.reshape(ref, g.shape).tolist()
        if spec.counts_steps:
            state["t"] = t


def test_weight_decay_adds_to_the_loss_and_the_weight_gradients():
    plain, decayed = answers(load("")), answers(load("l2: 0.1\n"))
    squares = 0.2**2 + 0.4**2 + 0.5**2 + 0.3**2 + 0.7**2 + 0.6**2
    assert decayed["loss"].exact == pytest.approx(plain["loss"].exact + 0.05 * squares)
    np.testing.assert_allclose(decayed["dW1"].exact, plain["dW1"].exact + 0.1 * np.array([[0.2, -0.4], [0.5, 0.3]]))
    np.testing.assert_allclose(decayed["db1"].exact, plain["db1"].exact)       # not the biases
    np.testing.assert_allclose(decayed["W2_new"].exact, np.array([[0.7, -0.6]]) - 0.1 * decayed["dW2"].exact)


def test_sgd_without_decay_is_the_plain_update():
    a, b = answers(load("")), answers(load("optimizer: sgd\n"))
    assert list(a) == list(b)
    assert b["W1_new"].info.optimizer is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NAMES[1:]), st.integers(1, 3), st.integers(1, 3), st.integers(0, 10_000),
       st.sampled_from([0.0, 0.01]))
def test_random_small_networks(name, n_in, hidden, seed, l2):
    rng = np.random.default_rng(seed)
    w1 = np.round(rng.uniform(-1, 1, (hidden, n_in)), 2)
    w2 = np.round(rng.uniform(-1, 1, (1, hidden)), 2)
    state = {f"{m}_W1": np.round(rng.uniform(0, 0.5, w1.shape), 2).tolist()
             for m in optimizers.OPTIMIZERS[name].moments}
    text = (f"kind: backprop\nnetwork:\n  inputs: {n_in}\n  layers:\n"
            f"    - {{units: {hidden}, activation: sigmoid, weights: {w1.tolist()}, biases: {[0.1] * hidden}}}\n"
            f"    - {{units: 1, activation: sigmoid, weights: {w2.tolist()}, biases: [0.0]}}\n"
            f"data: {{x: [{np.round(rng.uniform(-1, 1, n_in), 2).tolist()}], y: [1]}}\n"
            f"loss: bce\nlearning_rate: 0.5\noptimizer: {name}\nl2: {l2}\nstate: {json.dumps(state)}\n"
            + ("state: {}\n" if False else ""))
    got = answers(first_question(text))
    spec = optimizers.OPTIMIZERS[name]
    g = np.asarray(got["dW1"].exact).ravel().tolist()
    before = {m: np.ravel(state[f"{m}_W1"]).tolist() for m in spec.moments}
    ref, after = reference_step(name, w1.ravel().tolist(), g, before, 1, 0.5, HYPER)
    np.testing.assert_allclose(np.ravel(got["W1_new"].exact), ref, rtol=1e-9, atol=1e-12)
    for m in spec.moments:
        np.testing.assert_allclose(np.ravel(got[f"{m}_W1"].exact), after[m], rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ bad fields

@pytest.mark.parametrize("extra, where, words", [
    ("optimizer: adamm\n", "t.yaml:12:1: optimizer:", "did you mean 'adam'"),
    ("optimizer: adam\nmomentum: 0.9\n", "t.yaml:13:1: momentum:", "adam has no momentum"),
    ("optimizer: momentum\nmomentum: 1.5\n", "t.yaml:13:1: momentum:", "0 up to"),
    ("optimizer: rmsprop\nepsilon: 0\n", "t.yaml:13:1: epsilon:", ""),
    ("l2: -1\n", "t.yaml:12:1: l2:", ""),
    ("optimizer: momentum\nstate: {v_W1: [[1, 2]]}\n", "t.yaml:13:9: state.v_W1:", "expected a 2 x 2 matrix"),
    ("optimizer: momentum\nstate: {v_b2: [1, 2]}\n", "t.yaml:13:9: state.v_b2:", "expected 1 numbers"),
    ("optimizer: adam\nstate: {v_W1: [[1, 2], [3, 4]]}\n", "t.yaml:13:9: state.v_W1:", "unknown key 'v_W1'; did you mean"),
    ("optimizer: momentum\nstate: {t: 3}\n", "t.yaml:13:9: state.t:", "unknown key"),
    ("optimizer: sgd\nstate: {v_W1: 1}\n", "t.yaml:13:9: state.v_W1:", "keeps no moments"),
    ("optimizer: adam\nstate: {s_W1: [[1, -2], [3, 4]]}\n", "t.yaml:13:20: state.s_W1[0][1]:", "must not be negative"),
    ("optimizer: rmsprop\nstate: {s_b1: [0, -1]}\n", "t.yaml:13:19: state.s_b1[1]:", "must not be negative"),
])
def test_bad_fields(extra, where, words):
    assert_refused(load, extra, where, words)


def test_forward_takes_no_optimizer():
    with pytest.raises(ProblemError, match="makes no update"):
        load("optimizer: adam\n", NETWORK.replace("kind: backprop", "kind: forward"))


def test_bad_file_exits_2_without_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(NETWORK + "optimizer: adam\nstate: {m_W1: [[1, 2]]}\n")
    result = CliRunner().invoke(main, [str(path), "-o", str(tmp_path / "out.md")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "state.m_W1: expected a 2 x 2 matrix" in result.output
    assert not (tmp_path / "out.md").exists()


# ------------------------------------------------------------------ keys, sheet, check, documents

def test_keys_sheet_and_check(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(NETWORK + "optimizer: adam\nl2: 0.01\n")
    result = CliRunner().invoke(main, [str(path), "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    keys = json.loads(result.output)["questions"][0]["answers"]
    for k in ("m_W1", "s_W1", "m_b1", "s_b1", "m_W2", "s_W2", "W1_new", "b2_new"):
        assert k in keys
    sheet = tmp_path / "sheet.yaml"
    result = CliRunner().invoke(main, [str(path), "--format", "answers", "-o", str(sheet)])
    assert result.exit_code == 0, result.output
    text = sheet.read_text()
    assert "m_W1" in text and "s_b2" in text
    assert "the optimizer's m of W[1] after the update" in text
    filled = yaml.safe_load(text)
    qid = next(k for k in filled if k not in ("student", "variant", "seed"))
    filled[qid] = {k: v["value"] for k, v in keys.items() if k in filled[qid]}
    sheet.write_text(yaml.safe_dump(filled))
    result = CliRunner().invoke(main, [str(path), "--check", str(sheet), "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    marked = json.loads(result.output)["questions"][0]["keys"]
    assert marked["m_W1"]["verdict"] == "correct"
    assert marked["W1_new"]["verdict"] == "correct"


@pytest.mark.parametrize("notation", ["layer", "batch", "indexed"])
@pytest.mark.parametrize("name", ["momentum", "adam", "rmsprop"])
def test_the_solution_shows_the_update(tmp_path, notation, name):
    path = tmp_path / "p.yaml"
    path.write_text(NETWORK + f"notation: {notation}\noptimizer: {name}\nl2: 0.01\n")
    out = tmp_path / "p.md"
    result = CliRunner().invoke(main, [str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    moment = {"momentum": "v", "adam": "m", "rmsprop": "s"}[name]
    assert f"{moment}_{{" in text
    assert "Weight decay adds" in text
    assert f"Optimizer **{name}** with" in text and r"Weight decay $\lambda = 0.01$." in text
    if name == "adam":
        assert r"\hat{m}_{" in text and r"\oslash" in text


# ------------------------------------------------------------------ train

@pytest.mark.parametrize("name", NAMES)
def test_training_loop_agrees_with_chained_worked_steps(name):
    """Three full-batch epochs of train are three backprop questions in a row, each starting
    from the parameters and moments the last one gave (the NumPy loop against the worked steps)."""
    spec = optimizers.OPTIMIZERS[name]
    extra = f"optimizer: {name}\nl2: 0.02\n"
    trained = answers(load(extra + "epochs: 3\n", NETWORK.replace("kind: backprop", "kind: train")))
    weights = {"W1": [[0.2, -0.4], [0.5, 0.3]], "b1": [0.1, -0.2], "W2": [[0.7, -0.6]], "b2": [0.05]}
    state: dict = {}
    for t in range(1, 4):
        net = NETWORK.replace("[[0.2, -0.4], [0.5, 0.3]]", json.dumps(weights["W1"])) \
            .replace("[0.1, -0.2]", json.dumps(weights["b1"])).replace("[[0.7, -0.6]]", json.dumps(weights["W2"])) \
            .replace("[0.05]", json.dumps(weights["b2"]))
        got = answers(load(extra + (f"state: {dump(state)}\n" if state else ""), net))
        # the loss with weight decay: at the start, then after each epoch
        assert (trained["loss"] if t == 1 else trained[f"loss_epoch{t - 1}"]).exact == \
            pytest.approx(got["loss"].exact, rel=1e-10)
        for p in weights:
            weights[p] = np.asarray(got[f"{p}_new"].exact).tolist()
            for m in spec.moments:
                state[f"{m}_{p}"] = np.asarray(got[f"{m}_{p}"].exact)
        if spec.counts_steps:
            state["t"] = t
    for p in weights:
        np.testing.assert_allclose(trained[f"{p}_final"].exact, weights[p], rtol=1e-9, atol=1e-12)


def test_training_loss_includes_the_decay():
    plain = answers(load("epochs: 1\n", NETWORK.replace("kind: backprop", "kind: train")))
    decayed = answers(load("epochs: 1\nl2: 0.1\n", NETWORK.replace("kind: backprop", "kind: train")))
    squares = 0.2**2 + 0.4**2 + 0.5**2 + 0.3**2 + 0.7**2 + 0.6**2
    assert decayed["loss"].exact == pytest.approx(plain["loss"].exact + 0.05 * squares)


@pytest.mark.parametrize("carry", ["exact", "rounded"])
def test_problems_file_solves(carry):
    result = CliRunner().invoke(main, ["problems/optimizers.yaml", "--carry", carry, "--format", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    keys = json.loads(result.output)["questions"][2]["answers"]
    assert "v_W1" in keys and "W1_final" in keys


def test_every_notation_compiles_to_pdf(tmp_path):
    """The optimizer's equations are valid LaTeX in the three notations (a name with a subscript
    of its own, as the batch notation's W_1, takes the `new` mark without a double subscript)."""
    from conftest import latex_engine_or_skip
    latex_engine_or_skip()
    body = textwrap.indent(NETWORK, "    ")[4:]
    questions = "".join(f"  - id: {notation}\n    {body}    notation: {notation}\n    optimizer: {name}\n"
                        f"    l2: 0.01\n"
                        for notation, name in (("layer", "adam"), ("batch", "nesterov"), ("indexed", "rmsprop")))
    path = tmp_path / "p.yaml"
    path.write_text("questions:\n" + questions)
    result = CliRunner().invoke(main, [str(path), "--format", "pdf", "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p.pdf").stat().st_size > 0


# ------------------------------------------------------------------ torch.optim, where installed

TORCH_OPTIMIZERS = {
    "sgd": lambda torch, p, wd: torch.optim.SGD(p, lr=0.1, weight_decay=wd),
    "momentum": lambda torch, p, wd: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=wd),
    "nesterov": lambda torch, p, wd: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=wd),
    "rmsprop": lambda torch, p, wd: torch.optim.RMSprop(p, lr=0.1, alpha=0.9, eps=1e-8, weight_decay=wd),
    "adagrad": lambda torch, p, wd: torch.optim.Adagrad(p, lr=0.1, eps=1e-8, weight_decay=wd),
    "adam": lambda torch, p, wd: torch.optim.Adam(p, lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd),
}


@pytest.mark.parametrize("name", NAMES)
def test_training_matches_torch_optim(name):
    """Three full-batch epochs of train against the same network trained by torch.optim (its
    weight_decay on the weights only is this l2). Skipped where PyTorch is not installed."""
    torch = pytest.importorskip("torch")
    l2 = 0.02
    trained = answers(load(f"optimizer: {name}\nl2: {l2}\nepochs: 3\n", NETWORK.replace("kind: backprop", "kind: train")))
    f64 = torch.float64
    w1 = torch.tensor([[0.2, -0.4], [0.5, 0.3]], dtype=f64, requires_grad=True)
    b1 = torch.tensor([0.1, -0.2], dtype=f64, requires_grad=True)
    w2 = torch.tensor([[0.7, -0.6]], dtype=f64, requires_grad=True)
    b2 = torch.tensor([0.05], dtype=f64, requires_grad=True)
    x = torch.tensor([[0.5, -1.0], [1.5, 0.2]], dtype=f64)
    y = torch.tensor([[0.3], [-0.2]], dtype=f64)
    make = TORCH_OPTIMIZERS[name]
    opt = make(torch, [{"params": [w1, w2], "weight_decay": l2}, {"params": [b1, b2], "weight_decay": 0.0}], 0.0)
    for _ in range(3):
        opt.zero_grad()
        out = torch.tanh(x @ w1.T + b1) @ w2.T + b2
        torch.mean((out - y) ** 2).backward()
        opt.step()
    for key, tensor in (("W1", w1), ("b1", b1), ("W2", w2), ("b2", b2)):
        np.testing.assert_allclose(np.ravel(trained[f"{key}_final"].exact), tensor.detach().numpy().ravel(),
                                   rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("x, tex", [(1e-8, "10^{-8}"), (1.5e-7, r"1.5 \cdot 10^{-7}"), (2e-5, r"2 \cdot 10^{-5}")])
def test_a_tiny_epsilon_is_a_power_of_ten(x, tex):
    from solver.optimizers import scientific
    assert scientific(x) == tex


def test_the_worked_adam_step_writes_epsilon_as_a_power_of_ten():
    step = answers(load("optimizer: adam\n"))["W1_new"]
    assert any(p.tex and "10^{-8}" in p.tex for p in step.info.optimizer.equations[-1].numbers)


def test_state_in_input_rows_layout_is_the_transpose():
    rows = NETWORK.replace("  inputs: 2\n", "  inputs: 2\n  layout: input_rows\n") \
        .replace("[[0.2, -0.4], [0.5, 0.3]]", "[[0.2, 0.5], [-0.4, 0.3]]").replace("[[0.7, -0.6]]", "[[0.7], [-0.6]]")
    a = answers(load("optimizer: momentum\nstate: {v_W1: [[0.1, 0.2], [0.3, 0.4]], v_W2: [[0.5, 0.6]]}\n"))
    b = answers(load("optimizer: momentum\nstate: {v_W1: [[0.1, 0.3], [0.2, 0.4]], v_W2: [[0.5], [0.6]]}\n", rows))
    for key in ("v_W1", "W1_new", "v_W2", "W2_new"):
        np.testing.assert_allclose(a[key].exact, b[key].exact, rtol=1e-12)
    with pytest.raises(ProblemError, match=r"expected a 2 x 1 matrix .*layout: input_rows"):
        load("optimizer: momentum\nstate: {v_W2: [[0.5, 0.6]]}\n", rows)


def test_only_the_updated_parameters_have_moments():
    got = answers(load("optimizer: adam\nupdate: weights\n"))
    assert "m_W1" in got and "m_b1" not in got and "b1_new" not in got
    with pytest.raises(ProblemError, match="unknown key 'm_b1'"):
        load("optimizer: adam\nupdate: weights\nstate: {m_b1: [0, 0]}\n")


def test_detail_full_writes_the_update_entry_by_entry(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(NETWORK + "optimizer: rmsprop\n")
    standard, full = tmp_path / "s.md", tmp_path / "f.md"
    assert CliRunner().invoke(main, [str(path), "-o", str(standard)]).exit_code == 0
    assert CliRunner().invoke(main, [str(path), "--detail", "full", "-o", str(full)]).exit_code == 0
    assert r"\left(s_{W^{[1]}}\right)_{12} = 0.9 \cdot 0 + 0.1 \cdot" in full.read_text()
    assert r"\left(s_{b^{[2]}}\right)_{1} = " in full.read_text()
    assert r"\right)_{12}" not in standard.read_text()


def test_detail_full_compiles_to_pdf(tmp_path):
    from conftest import latex_engine_or_skip
    latex_engine_or_skip()
    path = tmp_path / "p.yaml"
    path.write_text(NETWORK + "notation: batch\noptimizer: adam\nl2: 0.01\n")
    result = CliRunner().invoke(main, [str(path), "--detail", "full", "--format", "pdf", "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 0, result.output
