"""What makes a drawn variant of a perceptron question degenerate (--variants; listed in the
registry's entry of the kind)."""
from __future__ import annotations

from ...solution import QuestionSolution


def converged(qs: QuestionSolution, original: QuestionSolution) -> str | None:
    if int(qs.step("updates").value) == 0 and int(original.step("updates").value) != 0:
        return f"{qs.question.id}: the start line already classifies every point"
    return None
