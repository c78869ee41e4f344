"""A long training run shows its progress on a terminal, and nothing on a pipe (issue 12)."""
from __future__ import annotations

import io
import sys

import numpy as np
import pytest

from solver.kinds.train import run as train_run
from solver.model import Data, Layer, Network, Question


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def question():
    rng = np.random.default_rng(0)
    layers = (Layer(3, "tanh", rng.uniform(-1, 1, (3, 2)), np.zeros(3)),
              Layer(1, "sigmoid", rng.uniform(-1, 1, (1, 3)), np.zeros(1)))
    x = rng.uniform(-1, 1, (20, 2))
    y = (x[:, :1] > 0).astype(float)
    return Question("q7", "train", None, Network(("a", "b"), layers), Data(x, y), "bce", "mean", learning_rate=0.1)


@pytest.fixture
def at_once(monkeypatch):
    monkeypatch.setattr(train_run.Progress, "DELAY", 0.0)
    monkeypatch.setattr(train_run.Progress, "REDRAW", 0.0)


def test_a_terminal_sees_the_bar_and_then_a_clean_line(monkeypatch, at_once):
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    train_run.train(question(), 4, 30)
    text = screen.getvalue()
    assert "\rtraining q7 (batch 4) [" in text and "epoch 30/30" in text and "epoch 1/30" in text
    assert text.endswith("\r\033[K")


def test_a_pipe_sees_nothing(monkeypatch, at_once):
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    train_run.train(question(), 4, 30, decimals=4)
    assert pipe.getvalue() == ""


def test_a_short_run_shows_nothing_even_on_a_terminal(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr(train_run.Progress, "DELAY", 3600.0)
    train_run.train(question(), 20, 30)
    assert screen.getvalue() == ""


def test_the_bar_fills_and_names_the_rounded_run():
    screen = Terminal()
    bar = train_run.Progress("training q1 (full batch, as rounded)", 200, screen)
    bar.DELAY = bar.REDRAW = 0.0
    bar.due = 0.0
    with bar:
        bar(50)
        bar(200)
    lines = screen.getvalue().split("\r")
    assert lines[1].startswith("training q1 (full batch, as rounded) [" + "#" * 7 + "." * 23 + "] epoch 50/200")
    assert lines[2].startswith("training q1 (full batch, as rounded) [" + "#" * 30 + "] epoch 200/200")
    assert lines[3] == "\033[K"
