"""The Solution: the steps of every question, and the answer keys read off them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .derive import Derivation
from .kinds.registry import kind
from .model import Problem, Question
from .steps import PER_EXAMPLE, Step, as_answer

OUTPUT_ALIAS = "yhat"      # another name for the output key of a network (QuestionSolution.output_key)


@dataclass(frozen=True, eq=False)
class QuestionSolution:
    question: Question
    steps: tuple[Step, ...]
    derivation: Derivation | None = None     # the SymPy derivation of forward/backprop questions
    written: Any = None     # what the question's notation writes beyond the steps, computed by the kind:
                            # batch: a kinds.network.batch_form.BatchView; indexed: a kinds.network.indexed_chains.IndexedChains

    @property
    def shown(self) -> tuple[Step, ...]:
        """The steps printed with a heading each; the others are rows of one of these."""
        return tuple(s for s in self.steps if s.part_of is None)

    @property
    def numbers(self) -> dict[str, int]:
        """Step number (1-based, as printed) of each key, for "known from step N".
        A step shown as a row of another has that step's number."""
        out = {s.key: i for i, s in enumerate(self.shown, start=1)}
        for s in self.steps:
            if s.part_of is not None:
                out[s.key] = out[s.part_of]
        return out

    def __repr__(self) -> str:
        q = self.question
        return f"<QuestionSolution {q.id} ({q.kind}): {len(self.steps)} steps>"

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)

    @property
    def output_key(self) -> str | None:
        """The key `yhat` is another name for (the last layer's activations), if the kind has one."""
        q = self.question
        return f"a{len(q.network.layers)}" if kind(q.kind).output_alias else None

    @property
    def sheet_given(self) -> str | None:
        """The macro that writes what a question sheet gives, when the steps do not show it all."""
        return kind(self.question.kind).sheet_given

    @property
    def template(self) -> str:
        """templates/common/<template>.j2 writes the steps of the question's kind."""
        return kind(self.question.kind).template

    def answers(self) -> dict[str, dict[str, Any]]:
        q = self.question
        n = q.data.n if q.data is not None else 1
        out: dict[str, dict[str, Any]] = {}
        last = self.output_key
        for s in self.steps:
            if not s.is_answer:
                continue
            # a train question's first update runs over its first mini-batch, not the whole data
            examples = int(np.shape(s.value)[0]) if s.kind in PER_EXAMPLE else n
            out[s.key] = {"value": as_answer(s, s.value, examples), "exact": as_answer(s, s.exact, examples)}
            if s.key == last:
                out[OUTPUT_ALIAS] = dict(out[s.key])
        return out


@dataclass(frozen=True, eq=False)
class Solution:
    problem: Problem
    questions: tuple[QuestionSolution, ...]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.problem.title,
                "questions": [{"id": qs.question.id, "kind": qs.question.kind, "answers": qs.answers()}
                              for qs in self.questions]}

    def render(self, fmt: str = "markdown", assets: dict[str, bytes] | None = None, stem: str = "solution",
               brief: bool = False, detail: str = "standard") -> str:
        """The document as text. Pictures of a Markdown document are files named `stem-...svg`
        put into `assets` when it is given (to be written beside the document), else embedded.
        `brief` drops the words and keeps the mathematics; `detail="full"` writes every matrix
        also entry by entry."""
        from .formats import Style
        from .render.documents import render
        return render(self, fmt, assets, stem, Style(brief, detail))

    def __repr__(self) -> str:
        """One line: `<Solution of problems/exam1.yaml: 3 questions (q1 backprop, ...)>`. The worked
        solution itself is `render()`, or the Markdown a notebook shows."""
        return f"<Solution of {printable(self.problem.file)}: {listing(self.questions)}>"

    # A notebook shows the Markdown (its mathematics rendered by the notebook). No `_repr_latex_`:
    # render("latex") is a whole document, which a notebook exported to LaTeX would nest in its own.
    def _repr_markdown_(self) -> str:
        return self.render("markdown")


MOST_LISTED = 6     # question ids named in a one-line repr


def listing(questions) -> str:
    """`3 questions (q1 backprop, q2 backprop, q3 forward)`, at most MOST_LISTED named."""
    named = [f"{qs.question.id} {qs.question.kind}" for qs in questions[:MOST_LISTED]]
    if len(questions) > MOST_LISTED:
        named.append(f"and {len(questions) - MOST_LISTED} more")
    count = f"{len(questions)} question" + ("" if len(questions) == 1 else "s")
    return f"{count} ({', '.join(named)})" if named else count


def printable(text) -> str:
    """A path or name for a one-line repr: control characters escaped, so none reaches a terminal raw."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
