"""Blanks bridged (solver/checking/bridge.py): a blank key that the student's later answers
determine is read off them, marked missing, and the later steps are judged on the student's
own chain; a blank they do not determine is said to be so and the later steps are judged
against the key. Each sheet is made by hand: a student who got the blank key wrong in their
head (a value off the key), wrote nothing for it, and carried it through every later step."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT
from solver import check, solve
from solver.answersheet import answer_steps, json_value
from solver.checking import judge
from solver.checking.values import environment
from solver.rounding import round_as_shown

P = ROOT / "problems"


@pytest.fixture(scope="module")
def solutions():
    cache = {}

    def get(name, **overrides):
        if (name, tuple(overrides.items())) not in cache:
            cache[(name, tuple(overrides.items()))] = solve(P / name, **overrides)
        return cache[(name, tuple(overrides.items()))]
    return get


def _whole(value) -> bool:
    return np.asarray(value).dtype.kind in "iub"


def off_key(value):
    """What the student had in mind instead of the key's value."""
    v = np.asarray(value)
    if _whole(v):
        return v + 1
    v = v.astype(float)
    return v + np.where(v > 0.5, -0.03, 0.03)


def chained_sheet(qs, blank: str, wrong: str | None = None):
    """The key's answers, except: `wrong` written off the key, every later step that depends
    on it done on it (rounded as the key shows), and `blank` (one of those) left blank; with
    no `wrong`, the blank itself was off the key in the student's head. Returns the sheet and
    the keys after the blank done on the student's numbers."""
    decimals = qs.question.display.decimals
    steps = answer_steps(qs)
    env = environment(qs)
    mine = dict(env)
    first = wrong or blank
    start = next(i for i, s in enumerate(steps) if s.key == first)
    mine[first] = np.asarray(off_key(env[first])).reshape(np.shape(env[first]))
    touched = {first}
    for s in steps[start + 1:]:
        if touched & set(s.inputs):
            mine[s.key] = np.asarray(round_as_shown(np.asarray(s.recompute(mine), dtype=float), decimals,
                                                    _whole(s.value)))
            touched.add(s.key)
    assert blank in touched
    sheet = {}
    for s in steps:
        v = mine[s.key] if s.key in touched else s.value
        sheet[s.key] = None if s.key == blank else json_value(qs, s, v if _whole(s.value) else np.asarray(v, dtype=float))
    after = {s.key for s in steps[[t.key for t in steps].index(blank) + 1:] if s.key in touched}
    return sheet, after


# (problem file, question, blank key, a later key it is read off, the earlier key written
# wrong that the blank was done on; None: the blank itself was off the key)
BRIDGED = [
    # backprop, one example, sigmoid layers and binary cross-entropy (exam1 q1)
    ("exam1.yaml", "q1", "a1", "dW2", "z1"),           # dW2 = delta2 a1^T, delta2 not 0
    ("exam1.yaml", "q1", "z2", "a2", "a1"),            # sigmoid is invertible
    ("exam1.yaml", "q1", "a2", "loss", "z2"),          # binary cross-entropy: one a2 for a loss
    ("exam1.yaml", "q1", "delta2", "dW2", "a2"),
    ("exam1.yaml", "q1", "delta1", "db1", "delta2"),   # db1 = delta1 (dW1 = delta1 x^T agrees)
    ("exam1.yaml", "q1", "dW1", "W1_new", "delta1"),
    ("exam1.yaml", "q1", "db1", "b1_new", "delta1"),
    ("exam1.yaml", "q1", "dW2", "W2_new", "delta2"),
    ("exam1.yaml", "q1", "db2", "b2_new", "delta2"),
    # linear layers, squared error (exam1 q2): delta2 = a2 - y gives a2 (the loss alone has two)
    ("exam1.yaml", "q2", "a2", "delta2", "z2"),
    # forward pass (exam1 q3): tanh output, z2 off a2; a1 off z2 (W2 square, invertible)
    ("exam1.yaml", "q3", "z2", "a2", "a1"),
    ("exam1.yaml", "q3", "a1", "z2", "z1"),
    # batch notation: three examples
    ("seed_batch.yaml", "q1", "delta1", "dW1", "delta2"),
    ("seed_batch.yaml", "q1", "a1", "z2", "z1"),
    # indexed notation
    ("seed_regression.yaml", "q1", "delta1", "dW1", "delta2"),
    ("seed_regression.yaml", "q1", "delta2", "dW2", "a2"),
    # train: the worked update of two examples
    ("train.yaml", "q2", "delta1", "dW1", "delta2"),
    # graph: a node off the node built on it, a node off a partial, a node four later answers give
    ("graphs.yaml", "seed1", "node_v", "value", "node_u"),
    ("graphs.yaml", "neuron", "node_v", "d_w", "node_s"),
    ("graphs.yaml", "seed2", "node_u", "node_v", None),
    # the blank itself off the key, confirmed by two later answers
    ("exam1.yaml", "q1", "delta1", "dW1", None),
]


@pytest.mark.parametrize("name, qid, blank, source, wrong", BRIDGED,
                         ids=[f"{n}-{q}-{b}-{w}" for n, q, b, _, w in BRIDGED])
def test_a_blank_read_off_later_answers_and_the_later_steps_judged_on_it(solutions, name, qid, blank, source, wrong):
    solution = solutions(name, question=qid)
    qs = solution.questions[0]
    sheet, later = chained_sheet(qs, blank, wrong)
    report = check(solution, {qid: sheet})
    by = {j.key: j for j in report.question(qid).judgements}
    j = by[blank]
    assert j.verdict == "missing" and j.marks == 0
    assert source in j.inferred_from, j.note
    assert "left blank; " in j.note and source in j.note
    assert not any(by[k].verdict == "wrong" for k in later), {k: (by[k].verdict, by[k].note) for k in later}
    assert report.score == report.out_of - j.out_of - (by[wrong].out_of if wrong else 0)
    assert any(by[k].verdict == "carried" for k in later)
    if wrong:
        assert by[wrong].verdict == "wrong"
    data = report.to_json()["questions"][0]["keys"][blank]
    assert source in data["inferred_from"] and np.shape(data["inferred"]) == np.shape(data["expected"])


def test_without_the_bridge_the_same_sheet_loses_the_later_marks(solutions, monkeypatch):
    """What the rule changes: delta1 left blank, dW1 and db1 done on the student's own delta1."""
    qs = solutions("exam1.yaml", question="q1").questions[0]
    sheet, later = chained_sheet(qs, "delta1", "delta2")
    report = check(solutions("exam1.yaml", question="q1"), {"q1": sheet})
    verdicts = report.verdicts("q1")
    assert {k: verdicts[k] for k in ("dW1", "db1")} == {"dW1": "carried", "db1": "carried"}
    assert verdicts["W1_new"] == "carried" and verdicts["b1_new"] == "carried"
    text = report.render("text")
    assert "left blank; done on your earlier answers it is" in text and "delta1" in text
    assert report.score == 13
    monkeypatch.setattr(judge, "bridge_blanks", lambda *a, **k: {})     # the key's delta1 in the gap
    without = check(solutions("exam1.yaml", question="q1"), {"q1": sheet})
    assert without.score == 11 and without.verdicts("q1")["dW1"] == "wrong"


def test_several_later_answers_that_disagree_the_blank_is_what_most_of_them_say(solutions):
    """db1 copied with a slip; dW1 and the blank's own step (from delta2) agree on delta1."""
    solution = solutions("exam1.yaml", question="q1")
    key = {q["id"]: q for q in solution.to_json()["questions"]}["q1"]["answers"]
    sheet = {k: v["value"] for k, v in key.items() if k != "yhat"}
    sheet["delta1"] = None
    sheet["db1"] = [x + 0.01 for x in sheet["db1"]]          # a slip in db1 only
    by = {j.key: j for j in check(solution, {"q1": sheet}).question("q1").judgements}
    assert by["delta1"].inferred_from == ("dW1",) and "(the key's value)" in by["delta1"].note
    assert by["dW1"].verdict == "correct" and by["db1"].verdict == "wrong"


# (problem, question, blank, its later answers, an earlier answer written wrong and not carried,
# so that the blank's own step on the student's answers is not what the later answers say)
NOT_DETERMINED = [
    ("exam1.yaml", "q3", "z1", ("a1",), "a1"),                 # relu: a unit at 0 says nothing of its z
    ("batch.yaml", "q1", "a2", ("loss", "delta2"), "z2"),      # squared error on sigmoid: two a2 fit each
    ("train.yaml", "q1", "delta1", ("dW1", "db1"), "delta2"),  # four examples: db1 sums them, dW1 is 2 x 2
    ("perceptron.yaml", "trick", "w_final", ("errors_final",), None),   # a count of errors gives no weights
]


@pytest.mark.parametrize("name, qid, blank, users, wrong", NOT_DETERMINED,
                         ids=[f"{n}-{q}-{b}" for n, q, b, _, _ in NOT_DETERMINED])
def test_a_blank_the_later_answers_do_not_determine_is_said_so(solutions, name, qid, blank, users, wrong):
    solution = solutions(name, question=qid)
    qs = solution.questions[0]
    key = {k: v["value"] for k, v in solution.to_json()["questions"][0]["answers"].items() if k != "yhat"}
    key[blank] = None
    if wrong:
        v = np.asarray(key[wrong], dtype=float)
        key[wrong] = np.where(v != 0, v + 0.5, 0).tolist()      # a relu unit that is off stays off
    by = {j.key: j for j in check(solution, {qid: key}).question(qid).judgements}
    j = by[blank]
    assert j.verdict == "missing" and j.inferred_from == () and j.inferred is None
    assert "cannot be told from your later answers" in j.note and "judged against the key" in j.note
    assert all(u in j.note for u in users if u in key and key[u] is not None)
    assert "inferred" not in check(solution, {qid: key}).to_json()["questions"][0]["keys"][blank]
    # the later steps are judged against the key: the key's own answers stay right
    assert all(by[u].verdict == "correct" for u in users if key.get(u) is not None and u != wrong)
    del qs


def test_a_relu_unit_that_is_off_leaves_its_z_undetermined_one_that_is_on_does_not(solutions):
    qs = solutions("exam1.yaml", question="q3").questions[0]
    a1 = np.asarray(environment(qs)["a1"])
    assert (a1 == 0).any() and (a1 > 0).any()         # the file has both, so the rule is what decides


def test_one_later_answer_alone_is_not_enough(solutions):
    """a2 written wrong, z2 blank: z2 could be read off a2, but then any a2 would be 'right on its
    z2'. Nothing else the student wrote gives that z2, so a2 is judged against the key."""
    solution = solutions("exam1.yaml", question="q1")
    by = {j.key: j for j in check(solution, {"q1": {"a2": 0.52384}}).question("q1").judgements}
    assert by["a2"].verdict == "wrong" and by["z2"].inferred is None
    assert "only your a2 would give it, as [0.0954]" in by["z2"].note and "judged against the key" in by["z2"].note


def test_a_total_alone_does_not_say_which_count_was_forgotten(solutions):
    solution = solutions("params.yaml", question="q3")
    key = {k: v["value"] for k, v in solution.to_json()["questions"][0]["answers"].items()}
    sheet = {k: (None if k != "total" else key["total"] - 4) for k in key}
    by = {j.key: j for j in check(solution, {"q3": sheet}).question("q3").judgements}
    assert by["total"].verdict == "wrong"
    assert all(by[k].inferred is None for k in key if k != "total")


@pytest.mark.parametrize("name", ["exam1.yaml", "graphs.yaml", "params.yaml", "seed_batch.yaml", "perceptron.yaml"])
def test_any_sheet_of_blanks_and_wild_numbers_is_marked(solutions, name):
    """Blanks among numbers far off the key (0, 1e-300, 1e300, the sign flipped) never stop the
    marking: a blank is read off, or said not to be, and the score stays a sum of marks."""
    import random
    import warnings
    solution = solutions(name)
    rng = random.Random(7)
    for q in solution.to_json()["questions"]:
        key = {k: v["value"] for k, v in q["answers"].items() if k != "yhat"}
        for _ in range(4):
            sheet = {}
            for k, v in key.items():
                r = rng.random()
                scale = rng.choice([0.0, 1e-300, 1e300, -1.0, 1.37])
                sheet[k] = None if r < 0.4 else (np.asarray(v, dtype=float) * scale).tolist() if r < 0.6 else v
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                report = check(solution, {q["id"]: sheet})
            qr = report.question(q["id"])
            assert qr.score == sum(j.marks for j in qr.judgements if j.verdict in ("correct", "carried"))
            for j in qr.judgements:
                assert (j.inferred is None) == (j.inferred_from == ())
                assert j.inferred is None or sheet[j.key] is None
