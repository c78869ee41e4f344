"""Words for students: a student's key names no tool and no internal name, and does not call
the softmax element-wise."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from solver import api
from solver.formats import NOTATIONS

from test_chains import _problem

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = sorted((ROOT / "problems").glob("*.yaml"))

FORBIDDEN = [
    re.compile(r"sympy", re.IGNORECASE),                       # the tool that derives the key
    re.compile(r"rowsum"),                                     # an internal name for a sum over examples
    re.compile(r"\bid\s*\("),                                  # the identity written as id(...)
    re.compile(r"\\operatorname\{id\}\s*\\left\("),
    re.compile(r"activation \$\\operatorname\{id\}\$"),        # "the activation id is applied"
    re.compile(r"softmax\S*\$? is applied to each element"),  # the softmax is not element-wise
    re.compile(r"answer key `[^`]*` is this matrix transposed"),
]


def forbidden_in(text: str) -> list[str]:
    return [m.group(0) for pattern in FORBIDDEN for m in pattern.finditer(text)]


@pytest.mark.parametrize("notation", NOTATIONS)
@pytest.mark.parametrize("path", PROBLEMS, ids=[p.stem for p in PROBLEMS])
def test_no_developer_words_in_a_students_key(path, notation):
    text = api.solve(path, notation=notation).render("markdown", assets={}, stem=path.stem)
    assert forbidden_in(text) == []


@pytest.mark.parametrize("notation", NOTATIONS)
def test_softmax_is_not_called_element_wise(tmp_path, notation):
    text = api.solve(_problem(tmp_path, "softmax", "softmax", "cce"), notation=notation).render(
        "markdown", assets={}, stem="sm")
    assert forbidden_in(text) == []
    assert not re.search(r"softmax\S*\$? is applied to each element", text)


def test_the_scan_finds_what_it_forbids():
    assert forbidden_in(r"directly (SymPy's diff) gives, $\operatorname{rowsum}$, "
                        r"The activation $\operatorname{id}$ is applied to each element of $z$") != []
    assert forbidden_in(r"The activation $\operatorname{softmax}$ is applied to each element of $z$")


def test_a_linear_layer_has_no_id_caption_in_the_network_picture():
    """The caption a = g(z) of a linear layer would read "y-hat = id(y-hat)" in the indexed notation."""
    import numpy as np

    from solver.model import Layer, Network
    from solver.network_diagram import network_diagram

    net = Network(("x1", "x2"), (Layer(2, "sigmoid", np.ones((2, 2)), np.zeros(2)),
                                 Layer(1, "linear", np.ones((1, 2)), np.zeros(1))), True)
    captions = [n for n in network_diagram(net).nodes if n.role == "caption"]
    assert len(captions) == 1 and "sigma" in str(captions[0].operation)


def _steps(text: str) -> list[str]:
    return re.split(r"\n### ", text)[1:]


PAIRINGS = [("sigmoid", "sigmoid", "bce"), ("relu", "linear", "mse"), ("tanh", "softmax", "cce")]


@pytest.mark.parametrize("notation", NOTATIONS)
@pytest.mark.parametrize("pairing", PAIRINGS, ids=lambda p: "-".join(p))
@pytest.mark.parametrize("detail", ["standard", "full"])
def test_one_step_never_mixes_the_loss_of_an_example_and_the_cost(tmp_path, notation, pairing, detail):
    """ell is the loss of one example, L (the notes' cost) their combination: a step derives with
    one of them, never both."""
    text = api.solve(_problem(tmp_path, *pairing), notation=notation).render(
        "markdown", assets={}, stem="p", detail=detail)
    for step in _steps(text):
        mixed = re.search(r"\\partial L\b", step) and re.search(r"\\partial \\ell", step)
        assert not mixed, step[:600]


def test_the_batch_key_says_where_it_departs_from_the_notes():
    text = api.solve(ROOT / "problems" / "seed_batch.yaml").render("markdown", assets={}, stem="s")
    assert text.count("divides by $N$ a second time") == 1
