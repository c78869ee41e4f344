import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = sorted((ROOT / "problems").glob("*.yaml"))


def latex_engine_or_skip() -> str:
    for name in ("pdflatex", "xelatex", "lualatex"):
        if shutil.which(name):
            return name
    if os.environ.get("SOLVE_REQUIRE_LATEX") or os.environ.get("CI"):
        pytest.fail("no LaTeX engine, but CI requires the LaTeX tests to run")
    pytest.skip("no LaTeX engine installed")


def first_question(text: str, name: str = "t.yaml"):
    """The first question of a problem file given as text, read as `name`."""
    from solver.problem import read_problem
    from solver.yamlsource import load_bytes
    return read_problem(load_bytes(text.encode(), name)).questions[0]


def assert_refused(read, text: str, where: str, words: str) -> None:
    """read(text) fails with a ProblemError that starts with `where` (FILE:LINE:COL: field:) and
    says `words`."""
    from solver.errors import ProblemError
    with pytest.raises(ProblemError) as info:
        read(text)
    message = str(info.value)
    assert message.startswith(where), message
    assert words in message


@pytest.fixture
def latex_engine():
    return latex_engine_or_skip()


# Property tests explore new random cases on every local run; in CI they replay a fixed
# sequence, so that a landing is judged on the code, not on which cases the dice found.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") or os.environ.get("SOLVE_REQUIRE_LATEX"):
    _hypothesis_settings.load_profile("ci")
