"""The Solution: the steps of every question, and the answer keys read off them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .derive import Derivation
from .model import Problem, Question
from .steps import Step, StepKind, as_answer


@dataclass(frozen=True, eq=False)
class QuestionSolution:
    question: Question
    steps: tuple[Step, ...]
    derivation: Derivation

    @property
    def numbers(self) -> dict[str, int]:
        """Step number (1-based, as printed) of each key, for "known from step N"."""
        return {s.key: i for i, s in enumerate(self.steps, start=1)}

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    def answers(self) -> dict[str, dict[str, Any]]:
        n = self.question.data.n
        out: dict[str, dict[str, Any]] = {}
        last = f"a{len(self.question.network.layers)}"
        for s in self.steps:
            if s.kind is StepKind.GIVEN:
                continue
            out[s.key] = {"value": as_answer(s, s.value, n), "exact": as_answer(s, s.exact, n)}
            if s.key == last:
                out["yhat"] = dict(out[s.key])
        return out


@dataclass(frozen=True, eq=False)
class Solution:
    problem: Problem
    questions: tuple[QuestionSolution, ...]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.problem.title,
                "questions": [{"id": qs.question.id, "kind": qs.question.kind, "answers": qs.answers()}
                              for qs in self.questions]}

    def render(self, fmt: str = "markdown") -> str:
        from .render.documents import render
        return render(self, fmt)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_latex_(self) -> str:
        return self.render("latex")
