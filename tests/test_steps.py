"""Steps are typed data: what a template needs beyond the common step fields is a frozen
record per step kind (solver/steps.py), read as attributes, and no template decides what to
write by looking at a step's key."""
import dataclasses
import re

import pytest

from conftest import ROOT
from solver import solve
from solver.steps import FigureInfo, StepKind

PROBLEMS = sorted(p.stem for p in (ROOT / "problems").glob("*.yaml"))


@pytest.fixture(scope="module")
def solutions():
    return {stem: solve(ROOT / "problems" / f"{stem}.yaml") for stem in PROBLEMS}


@pytest.mark.parametrize("stem", PROBLEMS)
def test_every_step_record_is_a_frozen_dataclass(solutions, stem):
    for qs in solutions[stem].questions:
        for s in qs.steps:
            if s.info is None:
                continue
            assert dataclasses.is_dataclass(s.info), (stem, s.key, type(s.info))
            assert type(s.info).__dataclass_params__.frozen, (stem, s.key)
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(s.info, dataclasses.fields(s.info)[0].name, None)


@pytest.mark.parametrize("stem", PROBLEMS)
def test_records_hold_records_not_dicts(solutions, stem):
    """Rows of a table are records too; only the values by name (x, W1, ...) are a mapping."""
    for qs in solutions[stem].questions:
        for s in qs.steps:
            if s.info is None:
                continue
            for f in dataclasses.fields(s.info):
                value = getattr(s.info, f.name)
                if f.name == "values":
                    continue
                items = value if isinstance(value, (list, tuple)) else [value]
                assert not any(isinstance(v, dict) for v in items), (stem, s.key, f.name)


@pytest.mark.parametrize("stem", PROBLEMS)
def test_the_steps_of_one_kind_share_one_record_type(solutions, stem):
    kinds: dict = {}
    for qs in solutions[stem].questions:
        for s in qs.steps:
            if s.info is not None and s.kind is not StepKind.RESULT and s.kind is not StepKind.VISITS:
                assert kinds.setdefault(s.kind, type(s.info)) is type(s.info), (stem, s.key)


def test_a_figure_step_says_whether_it_shows_the_givens(solutions):
    figures = [s for qs in solutions["exam1"].questions for s in qs.steps if s.kind is StepKind.FIGURE]
    assert figures and all(isinstance(s.info, FigureInfo) and s.info.given and not s.info.words for s in figures)
    chart = solutions["perceptron"].questions[0].step("figure").info
    assert isinstance(chart, FigureInfo) and chart.words and not chart.given


TEMPLATES = sorted((ROOT / "templates").rglob("*.j2"))
# a key compared with a literal (s.key == "w_final", key in (...)), an info dict read by key,
# or a record asked whether it holds a name ("figure" in s.info)
FORBIDDEN = [re.compile(p) for p in (r'\bkey\s*==\s*["\']', r'\bkey\s+in\s*[\(\[]', r'\binfo\s*\[', r'\.info\.get\b',
                                     r'["\']\w+["\']\s+in\s+\w+\.info\b', r'["\']y["\']\s+in\s+v\b')]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_template_dispatches_on_a_key_or_reads_info_by_name(path):
    text = path.read_text(encoding="utf-8")
    hits = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)
            if any(p.search(line) for p in FORBIDDEN)]
    assert not hits, hits
