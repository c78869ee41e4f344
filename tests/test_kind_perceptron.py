"""The perceptron kind: its fields, its runs against an independent calculation and hand-checked
numbers, its invariants on separable data, its answer keys, and the documents it writes."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from solver import solve
from solver.errors import CrossCheckError, ProblemError
from solver.kinds import solve_question
from solver.kinds.perceptron.run import orders, run_exact, run_float
from solver.problem import read_problem
from solver.yamlsource import load_bytes

PROBLEM = ROOT / "problems" / "perceptron.yaml"


def question(text: str):
    problem = read_problem(load_bytes(textwrap.dedent(text).lstrip("\n").encode(), "p.yaml"))
    return problem.questions[0]


def perceptron(body: str, **settings_) -> str:
    head = "".join(f"{k}: {v}\n" for k, v in settings_.items())
    return head + "kind: perceptron\n" + textwrap.dedent(body).lstrip("\n")


def keys(q) -> dict:
    return {s.key: s for s in solve_question(q)[0]}


# ---------------------------------------------------------------- an independent calculation

def hand_run(points, labels, w, b, eta, epochs, rule="trick", decimals=None, order=None):
    """The perceptron as a student runs it on paper, in Decimal: round half up every number
    written down (when `decimals` is given), predict from the written score."""
    def r(v: Decimal) -> Decimal:
        return v.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) if decimals is not None else v

    D = lambda v: Decimal(str(v))   # noqa: E731 - the decimal text of the number
    xs = [[D(c) for c in p] for p in points]
    w, b, eta = [D(c) for c in w], D(b), D(eta)
    negative = -1 if -1 in labels or rule == "hinge" else 0
    updates, history = 0, []
    for epoch in range(epochs):
        changed = 0
        for i in (order[epoch] if order else range(len(points))):
            z = r(sum(wj * xj for wj, xj in zip(w, xs[i])) + b)
            y = labels[i]
            if rule == "trick":
                y_hat = 1 if z >= 0 else negative
                c = eta * (y - y_hat)
            else:
                c = eta * y if y * z <= 0 else Decimal(0)
            if c != 0:
                w = [r(wj + c * xj) for wj, xj in zip(w, xs[i])]
                b = r(b + c)
                changed += 1
        updates += changed
        history.append(changed)
        if changed == 0:
            break

    def wrong(i):
        z = r(sum(wj * xj for wj, xj in zip(w, xs[i])) + b)
        if rule == "hinge":
            return labels[i] * z <= 0
        return (1 if z >= 0 else negative) != labels[i]

    errors = sum(wrong(i) for i in range(len(points)))
    return [float(v) for v in w], float(b), updates, errors, history


TRICK = dict(points=[[0.5, 3], [0.5, -2], [2, 1.5], [2, -2]], labels=[1, 1, 0, 0], w=[1, 0.5], b=0,
             eta=0.5, epochs=10)


def test_the_first_epoch_of_the_trick_example_by_hand():
    """Worked on paper from w = (1, 0.5), b = 0, eta = 0.5:
    z1 = 0.5 + 1.5 = 2 >= 0, y_hat = 1 = y: no update;
    z2 = 0.5 - 1 = -0.5 < 0, y_hat = 0, y = 1: w = (1.25, -0.5), b = 0.5;
    z3 = 2.5 - 0.75 + 0.5 = 2.25, y_hat = 1, y = 0: w = (0.25, -1.25), b = 0;
    z4 = 0.5 + 2.5 + 0 = 3, y_hat = 1, y = 0: w = (-0.75, -0.25), b = -0.5."""
    qs = solve(PROBLEM, question="trick").questions[0]
    rows = qs.step("epoch1").info.rows
    assert [r.score for r in rows] == [2, -0.5, 2.25, 3]
    assert [r.yhat for r in rows] == [1, 0, 1, 1]
    assert [r.mistake for r in rows] == [False, True, True, True]
    assert [r.w for r in rows] == [(1, 0.5), (1.25, -0.5), (0.25, -1.25), (-0.75, -0.25)]
    assert [r.b for r in rows] == [0, 0.5, 0, -0.5]
    worked = qs.step("epoch1").info.worked
    assert [u.value for u in worked[1].updates] == [1.25, -0.5, 0.5]


def test_the_first_visit_of_the_hinge_example_by_hand():
    """From w = 0, b = 0: f(x1) = 0, y1 f(x1) = 0 <= 0 is a mistake, so
    w = 0 + 0.5 * 1 * (1.5, -2) = (0.75, -1) and b = 0 + 0.5 * 1 = 0.5."""
    qs = solve(PROBLEM, question="hinge").questions[0]
    first = qs.step("epoch1").info.rows[0]
    assert (first.score, first.margin, first.mistake) == (0, 0, True)
    assert first.w == (0.75, -1) and first.b == 0.5


@pytest.mark.parametrize("qid", ["trick", "hinge", "shuffled"])
@pytest.mark.parametrize("carry", ["rounded", "exact"])
def test_every_question_of_the_problem_file_matches_the_hand_run(qid, carry):
    qs = solve(PROBLEM, question=qid, carry=carry).questions[0]
    p = qs.question.spec
    order = orders(p.n, p.epochs, p.order) if p.order is not None else None
    w, b, updates, errors, _ = hand_run(p.points.tolist(), p.labels.tolist(), p.w.tolist(), p.b,
                                        p.learning_rate, p.epochs, p.rule,
                                        2 if carry == "rounded" else None, order)
    answers = qs.answers()
    assert answers["w_final"]["value"] == pytest.approx(w)
    assert answers["b_final"]["value"] == pytest.approx(b)
    assert answers["updates"]["value"] == updates
    assert answers["errors_final"]["value"] == errors


def test_the_problem_file_answer_keys():
    answers = {q["id"]: q["answers"] for q in solve(PROBLEM).to_json()["questions"]}
    assert answers["trick"] == {"w_final": {"value": [-0.75, 0.0], "exact": [-0.75, 0.0]},
                                "b_final": {"value": 1.0, "exact": 1.0},
                                "updates": {"value": 8, "exact": 8},
                                "errors_final": {"value": 0, "exact": 0}}
    assert isinstance(answers["hinge"]["updates"]["value"], int)
    assert answers["hinge"]["errors_final"]["value"] == 0


ROUNDING = perceptron("""
    points: [[0.25, 1.35], [1.15, -0.45], [-0.75, 0.65], [-1.05, -0.35]]
    labels: [1, 1, 0, 0]
    w: [-0.33, 0.27]
    b: 0.05
    learning_rate: 0.15
    epochs: 20
    """, decimals=2)


def test_carry_rounded_rounds_as_written_and_exact_keeps_every_digit():
    rounded = question(ROUNDING.replace("decimals: 2", "decimals: 2\ncarry: rounded"))
    exact_q = question(ROUNDING)
    w_r, b_r, n_r, e_r, _ = hand_run([[0.25, 1.35], [1.15, -0.45], [-0.75, 0.65], [-1.05, -0.35]],
                                     [1, 1, 0, 0], [-0.33, 0.27], 0.05, 0.15, 20, decimals=2)
    w_e, b_e, n_e, e_e, _ = hand_run([[0.25, 1.35], [1.15, -0.45], [-0.75, 0.65], [-1.05, -0.35]],
                                     [1, 1, 0, 0], [-0.33, 0.27], 0.05, 0.15, 20)
    r, e = keys(rounded), keys(exact_q)
    assert list(r["w_final"].value) == pytest.approx(w_r) and r["b_final"].value == pytest.approx(b_r)
    # the exact key never sees a rounding, whatever the carry rule
    for steps in (r, e):
        assert list(steps["w_final"].exact) == pytest.approx(w_e, abs=1e-12)
        assert steps["b_final"].exact == pytest.approx(b_e, abs=1e-12)
        assert steps["updates"].exact == n_e and steps["errors_final"].exact == e_e
    # carry exact shows the exact run rounded
    assert list(e["w_final"].value) == pytest.approx([float(Decimal(str(v)).quantize(Decimal("0.01"),
                                                                                    ROUND_HALF_UP)) for v in w_e])


def test_the_two_runs_must_agree(monkeypatch):
    import solver.kinds.perceptron.steps as kind
    real = kind.run_float

    def off_by_a_little(*args, **kw):
        run = real(*args, **kw)
        first = run.visits[0]
        bad = type(first)(first.epoch, first.t, first.point, first.score + 1e-3, first.prediction,
                          first.mistake, first.step, first.w, first.b)
        return type(run)((bad,) + run.visits[1:], run.epochs, run.stopped_early)

    monkeypatch.setattr(kind, "run_float", off_by_a_little)
    with pytest.raises(CrossCheckError, match="visit 1 .* score"):
        solve(PROBLEM, question="trick")


def test_a_score_of_float_residue_zero_follows_the_convention():
    """0.1 + 0.2 - 0.3 is 5.5e-17 in floats and 0 exactly: both runs must see 0 (predicted 1)."""
    q = question(perceptron("""
        points: [[1, 1, 1]]
        labels: [0]
        w: [0.1, 0.2, -0.3]
        b: 0
        learning_rate: 1
        epochs: 3
        """))
    steps = keys(q)
    row = steps["epoch1"].info.rows[0]
    assert row.score == 0 and row.yhat == 1 and row.mistake


# ---------------------------------------------------------------- the reader

def test_defaults():
    q = question(perceptron("""
        points: [[1, 2], [2, 0.5]]
        labels: [1, 0]
        learning_rate: 0.1
        epochs: 5
        """))
    p = q.spec
    assert (p.rule, p.order, p.b, p.classes, p.w_given) == ("trick", None, 0.0, (0, 1), False)
    np.testing.assert_array_equal(p.w, [0, 0])


@pytest.mark.parametrize("labels, rule, classes", [
    ("[1, 0, 1]", "trick", (0, 1)),
    ("[1, -1, 1]", "trick", (-1, 1)),
    ("[1.0, -1, 1]", "trick", (-1, 1)),
    ("[[1], [-1], [1]]", "hinge", (-1, 1)),
    ("[1, 1, 1]", "hinge", (-1, 1)),       # all positive: the hinge's set is still -1/+1
    ("[1, 1, 1]", "trick", (0, 1)),
])
def test_label_sets(labels, rule, classes):
    q = question(perceptron(f"""
        points: [[1, 2], [2, 0.5], [0, 1]]
        labels: {labels}
        rule: {rule}
        learning_rate: 0.1
        epochs: 5
        """))
    assert q.spec.classes == classes
    assert q.spec.labels.dtype.kind == "i"


def test_a_flat_list_is_one_dimensional_points_and_a_seed_is_read():
    q = question(perceptron("""
        points: [-2, -1, 1, 3]
        labels: [0, 0, 1, 1]
        w: 0.5
        b: -1
        learning_rate: 0.5
        epochs: 4
        order: 11
        """))
    assert q.spec.points.shape == (4, 1) and q.spec.order == 11 and q.spec.w.tolist() == [0.5]
    steps = keys(q)
    assert "figure" not in steps            # a picture only for points in the plane
    assert steps["epoch1"].info.order == [i + 1 for i in orders(4, 4, 11)[0]]


@pytest.mark.parametrize("field, value, message", [
    ("epochs", "0", "must be from 1 to 1000"),
    ("epochs", "2.5", "expected a whole number from 1 to 1000"),
    ("w", "[[0.1, 0.2]]", "expected 2 numbers (one weight per coordinate of a point), got a list of rows"),
    ("order", "true", "expected given, or a whole number (the seed of a random order), got the boolean true"),
    ("order", "shuffle", "give the seed of the random order as a whole number"),
    ("order", "givn", "unknown value 'givn'"),
    ("rule", "perceptron_loss", "here it is called hinge"),
    ("b", "'0.5'", "the string '0.5' where a number belongs"),
    ("learning_rate", "-1", "must be positive"),
])
def test_bad_fields(field, value, message):
    body = {"points": "[[1, 2], [2, 0.5]]", "labels": "[1, -1]", "learning_rate": "0.1", "epochs": "5"}
    body[field] = value
    text = "kind: perceptron\n" + "".join(f"{k}: {v}\n" for k, v in body.items())
    with pytest.raises(ProblemError) as info:
        read_problem(load_bytes(text.encode(), "p.yaml"))
    assert info.value.field == field and message in info.value.message, str(info.value)


def test_too_many_dimensions():
    text = "kind: perceptron\npoints: [[%s]]\nlabels: [1]\nlearning_rate: 1\nepochs: 1\n" % ", ".join(["1"] * 11)
    with pytest.raises(ProblemError, match="points of 11 coordinates"):
        read_problem(load_bytes(text.encode(), "p.yaml"))


# ---------------------------------------------------------------- invariants

@st.composite
def separable(draw):
    """Points on a grid of halves in [-5, 5]^2, labelled 0/1 by a random line, each at a distance
    of at least 1 from it; a random start, learning rate and order."""
    angle = draw(st.floats(0, 2 * np.pi))
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = draw(st.floats(-2, 2))
    grid = st.tuples(st.integers(-10, 10), st.integers(-10, 10)).map(lambda p: (p[0] / 2, p[1] / 2))
    candidates = draw(st.lists(grid, min_size=2, max_size=12, unique=True))
    points = [list(p) for p in candidates if abs(normal @ np.array(p) + offset) >= 1]
    assume(len(points) >= 2)
    labels = [int(normal @ np.array(p) + offset > 0) for p in points]
    w = [draw(st.integers(-4, 4)) / 2, draw(st.integers(-4, 4)) / 2]
    b = draw(st.integers(-4, 4)) / 2
    eta = draw(st.sampled_from([0.1, 0.25, 0.5, 1.0]))
    seed = draw(st.one_of(st.none(), st.integers(0, 2**32 - 1)))
    return points, labels, w, b, eta, seed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(separable(), st.sampled_from(["trick", "trick_pm1", "hinge"]))
def test_separable_data_ends_with_no_mistake_and_stops_early(data, rule):
    """The perceptron convergence theorem: with a margin of 1 and points within 5 of the origin,
    every rule stops after finitely many updates (a few hundred at most), well within 1000 epochs."""
    points, labels, w, b, eta, seed = data
    classes = (0, 1) if rule == "trick" else (-1, 1)
    ys = [y if rule == "trick" else 2 * y - 1 for y in labels]
    rule = "trick" if rule.startswith("trick") else "hinge"
    epochs = 1000
    order = orders(len(points), epochs, seed)
    run = run_exact(points, ys, classes, w, b, eta, epochs, rule, order)
    assert run.errors == 0
    assert run.stopped_early and run.epochs[-1].updates == 0
    assert all(e.updates > 0 for e in run.epochs[:-1])
    floats = run_float(np.array(points), np.array(ys), classes, np.array(w), b, eta, epochs, rule, order)
    assert floats.updates == run.updates and floats.errors == 0
    np.testing.assert_allclose(floats.w, [float(v) for v in run.w], rtol=1e-9, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 30), st.integers(1, 20), st.integers(0, 2**32 - 1))
def test_a_seed_gives_the_same_permutations_every_time(n, epochs, seed):
    first, again = orders(n, epochs, seed), orders(n, epochs, seed)
    assert first == again
    assert all(sorted(o) == list(range(n)) for o in first)
    rng = np.random.default_rng(seed)
    assert first == tuple(tuple(int(i) for i in rng.permutation(n)) for _ in range(epochs))


def test_the_shuffled_question_is_deterministic_and_its_seed_matters(tmp_path):
    one = solve(PROBLEM, question="shuffled").to_json()
    assert one == solve(PROBLEM, question="shuffled").to_json()
    other = tmp_path / "other.yaml"
    other.write_text(PROBLEM.read_text().replace("order: 7", "order: 8"))
    orders_7 = [s.info.order for s in solve(PROBLEM, question="shuffled").questions[0].steps
                if s.key.startswith("epoch") and s.key != "epochs_rest"]
    orders_8 = [s.info.order for s in solve(other, question="shuffled").questions[0].steps
                if s.key.startswith("epoch") and s.key != "epochs_rest"]
    assert orders_7 != orders_8


# ---------------------------------------------------------------- answer keys and recompute

def test_errors_final_is_recomputed_from_the_students_own_line():
    qs = solve(PROBLEM, question="trick").questions[0]
    step = qs.step("errors_final")
    assert step.inputs == ("w_final", "b_final")
    assert step.recompute({"w_final": np.array([-0.75, 0.0]), "b_final": np.array(1.0)}) == 0
    # w = 0, b = 0 predicts 1 everywhere: the two points of class 0 are wrong
    assert step.recompute({"w_final": np.array([0.0, 0.0]), "b_final": np.array(0.0)}) == 2
    for key in ("w_final", "b_final", "updates"):
        s = qs.step(key)
        assert s.inputs == ()
        assert np.array_equal(np.round(np.asarray(s.recompute({}), dtype=float), 2), np.asarray(s.value))


NOT_SEPARABLE = perceptron("""
    points: [[0, 0], [1, 1], [0, 1], [1, 0]]
    labels: [0, 0, 1, 1]
    learning_rate: 0.5
    epochs: 1000
    """)


def test_a_long_run_is_summarised_and_its_keys_stay_right():
    q = question(NOT_SEPARABLE)
    steps = keys(q)
    full = [k for k in steps if k.startswith("epoch") and k != "epochs_rest"]
    assert len(full) == 15                     # 60 rows of 4 visits
    rest = steps["epochs_rest"].info
    assert len(rest.rows) == 40 and rest.unlisted.first == 56 and rest.unlisted.last == 1000
    w, b, updates, errors, history = hand_run([[0, 0], [1, 1], [0, 1], [1, 0]], [0, 0, 1, 1], [0, 0], 0, 0.5,
                                              1000)
    assert steps["updates"].value == updates == sum(history)
    assert steps["errors_final"].value == errors > 0
    assert not steps["w_final"].info.stopped_early
    assert (sum(r.updates for r in rest.rows) + rest.unlisted.updates
            + sum(steps[k].info.updates for k in full)) == updates


def test_a_long_run_renders_and_compiles(tmp_path, latex_engine):
    path = tmp_path / "long.yaml"
    path.write_text(NOT_SEPARABLE)
    solution = solve(path)
    md = solution.render("markdown", assets={}, stem="long")
    assert "Epochs 56 to 1000 are not listed" in md
    assert "That was the last of the 1000 epochs allowed; the line has not settled" in md
    tex = solution.render("latex")
    (tmp_path / "doc.tex").write_text(tex)
    proc = subprocess.run([latex_engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, (tmp_path / "doc.log").read_text(errors="replace")[-2000:]


def test_three_dimensional_points_have_no_picture_and_render():
    q = question(perceptron("""
        points: [[1, 0, 2], [0, 1, -1], [-1, -1, 0]]
        labels: [1, -1, -1]
        w: [0, 0, 0]
        learning_rate: 1
        epochs: 10
        """))
    steps = keys(q)
    assert "figure" not in steps and steps["errors_final"].value == 0


# ---------------------------------------------------------------- the command line

def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "solver", str(PROBLEM), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cli_markdown_writes_the_pictures_beside_it(tmp_path):
    out = tmp_path / "p.md"
    proc = run_cli("--format", "markdown", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert text.count("The run stops there, after 4 of the 10 epochs allowed.") == 3
    for qid in ("trick", "hinge", "shuffled"):
        name = f"p-{qid}-lines.svg"
        assert f"]({name})" in text
        assert (tmp_path / name).read_bytes().startswith(b"<svg")


def test_cli_json_and_latex(tmp_path):
    proc = run_cli("--format", "json", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [q["kind"] for q in data["questions"]] == ["perceptron"] * 3
    assert set(data["questions"][0]["answers"]) == {"w_final", "b_final", "updates", "errors_final"}
    proc = run_cli("--format", "latex", "-o", str(tmp_path / "p.tex"))
    assert proc.returncode == 0, proc.stderr
    tex = (tmp_path / "p.tex").read_text()
    assert r"\begin{axis}" in tex and "default\\_rng(7)" in tex


def test_cli_pdf(tmp_path, latex_engine):
    proc = run_cli("--format", "pdf", "-o", str(tmp_path / "p.pdf"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_markdown_math_is_balanced_and_signs_print_cleanly():
    md = solve(PROBLEM).render("markdown", assets={})
    assert md.count("$$") % 2 == 0
    for line in md.splitlines():
        if not line.startswith("$$"):
            assert line.replace(r"\$", "").count("$") % 2 == 0, line
    q = question(perceptron("""
        points: [-2, -1, 1, 3]
        labels: [-1, -1, 1, 1]
        w: 0.5
        b: -1
        learning_rate: 0.5
        epochs: 4
        """))
    from solver.model import Problem
    from solver.solution import QuestionSolution, Solution
    doc = Solution(Problem("p.yaml", None, (q,)), (QuestionSolution(q, tuple(solve_question(q)[0])),))
    text = doc.render("markdown")
    assert "- -" not in text and "+ -" not in text
    # w <- w + eta (y - y_hat) x with y - y_hat = 2: the weight as computed (to the decimals), eta and x as given
    assert r"= 0.5000 + 0.5 \cdot 2 \cdot 1 = 1.5000" in text


def test_weights_that_cancel_to_float_noise_are_zero(tmp_path):
    """0.5 - 0.2 - 0.3 leaves 5.5e-17 in floats: the float run must still decide as the exact
    run does (found by hypothesis: the runs parted after a bias cancelled to noise)."""
    import numpy as np

    points, labels, w, b, eta = [[0.0, -1.5], [-3.0, 0.0]], [1, 0], [-1.5, 0.0], 0.5, 0.1
    order = orders(len(points), 1000, None)
    exact = run_exact(points, labels, (0, 1), w, b, eta, 1000, "trick", order)
    floats = run_float(np.array(points), np.array(labels), (0, 1), np.array(w), b, eta, 1000, "trick", order)
    assert floats.updates == exact.updates == 7 and floats.errors == exact.errors == 0


def test_converged_when_the_perceptron_never_updates(tmp_path):
    from solver.api import solve
    from solver.kinds.perceptron.variants import converged

    base = "kind: perceptron\npoints: [[1, 1], [-1, -1]]\nlabels: [1, 0]\nlearning_rate: 0.5\nepochs: 5\nb: 0\n"
    (tmp_path / "o.yaml").write_text(base + "w: [-1, -1]\n")
    (tmp_path / "v.yaml").write_text(base + "w: [1, 1]\n")
    original, variant = (solve(tmp_path / f"{n}.yaml").questions[0] for n in "ov")
    assert converged(original, original) is None
    assert converged(variant, original) == "q1: the start line already classifies every point"


# ---------------------------------------------------------------- the length of a hand solution

def test_standard_shows_every_visit_once_in_one_table_and_full_keeps_each_epoch():
    solution = solve(PROBLEM, question="trick")
    standard, full = solution.render("markdown"), solution.render("markdown", detail="full")
    assert "### Step 2. Epochs 1 to 4, visit by visit" in standard
    assert standard.count("| epoch |") == 1                       # one table for the epochs
    assert "Visit 3, point 3" not in standard and "Visit 3, point 3" in full
    assert standard.count(r"&\leftarrow") == 3                    # one worked update: w1, w2, b
    # the epoch without an update is one sentence, not four rows repeating the same line
    assert (r"Epoch 4 (points 1, 2, 3, 4) keeps the line of epoch 3: "
            r"its scores $z_i$ are $0.63$, $0.63$, $-0.50$, $-0.50$, every $\hat{y}_i = y_i$, so no update.") in standard
    assert "The whole epoch:" in full and "**Epoch 2**" in full
    for key in ("w_final", "b_final", "updates", "errors_final"):
        assert f"`{key}`" in standard
    assert r"w = \left(w_{1}, w_{2}\right) = \left(-0.75, 0.00\right)" in standard
