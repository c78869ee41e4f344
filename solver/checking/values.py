"""The values a step's `recompute` reads: the givens of the question and the key's own values.

Network steps read givens (x, y, W1, b1, ...) besides answer keys; they are not keys, so
the checker takes them from the step that shows them. A train question's worked update
runs over its first mini-batch, so its x and y are those examples.
"""
from __future__ import annotations

import numpy as np

from ..solution import QuestionSolution
from ..steps import StepKind


def given_values(qs: QuestionSolution) -> dict[str, np.ndarray]:
    for s in qs.steps:
        if s.kind is StepKind.GIVEN:
            return {k: np.asarray(v) for k, v in s.info.values.items()}
        if s.kind is StepKind.TRAINING:
            values = {k: np.asarray(v) for k, v in s.info.values.items()}
            data = qs.question.data
            first = [e - 1 for e in s.info.first.examples]
            values["x"] = data.x[first]
            if data.y is not None:
                values["y"] = data.y[first]
            return values
    return {}


def key_values(qs: QuestionSolution, exact: bool = False) -> dict[str, np.ndarray]:
    """Every answer key's value as the solution shows it (or at full precision), in the
    shape the steps compute with (z1 of one example is 1 x units)."""
    return {s.key: np.asarray(s.exact if exact else s.value) for s in qs.steps if s.is_answer}


def environment(qs: QuestionSolution, exact: bool = False) -> dict[str, np.ndarray]:
    return {**given_values(qs), **key_values(qs, exact)}
