"""Rendering: LaTeX that compiles for every problem, user strings escaped, Markdown math."""
import subprocess
from pathlib import Path

import pytest

from conftest import PROBLEMS, ROOT
from solver import solve
from solver.render.documents import latex_escape, markdown_escape


@pytest.mark.parametrize("text, expected", [
    ("50% of R&D_x", r"50\% of R\&D\_x"),
    ("{a}^~$#", r"\{a\}\textasciicircum{}\textasciitilde{}\$\#"),
    ("back\\slash", r"back\textbackslash{}slash"),
])
def test_latex_escape(text, expected):
    assert latex_escape(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("a*b_c", r"a\*b\_c"),
    ("<script>", r"\<script\>"),
    ("$x$", r"\$x\$"),
])
def test_markdown_escape(text, expected):
    assert markdown_escape(text) == expected


def hostile(tmp_path: Path) -> Path:
    source = (ROOT / "problems" / "exam1.yaml").read_text()
    source = source.replace("title: Neural Networks, Midterm 1",
                            'title: "Midterm \\\\input{/etc/passwd} 100% & $5 <b>_bold_</b>"')
    path = tmp_path / "hostile.yaml"
    path.write_text(source)
    return path


def test_user_strings_cannot_inject_latex(tmp_path):
    tex = solve(hostile(tmp_path)).render("latex")
    assert r"\input{/etc/passwd}" not in tex
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex
    assert r"100\% \& \$5" in tex


def test_user_strings_cannot_inject_markdown(tmp_path):
    md = solve(hostile(tmp_path)).render("markdown")
    assert "<b>" not in md
    assert r"\<b\>\_bold\_\</b\>" in md


def test_markdown_math_is_balanced():
    md = solve(ROOT / "problems" / "exam1.yaml").render("markdown")
    assert md.count("$$") % 2 == 0
    for line in md.splitlines():
        if not line.startswith("$$"):
            assert line.replace(r"\$", "").count("$") % 2 == 0, line


def test_answer_keys_of_carry_rounded_are_consistent_with_the_shown_steps():
    """Under carry: rounded every shown value is its step recomputed from the shown inputs."""
    import numpy as np
    from solver.rounding import round_half_up
    qs = solve(ROOT / "problems" / "exam1.yaml").questions[0]
    shown = {k: v for k, v in qs.steps[0].info.values.items()}
    for step in qs.steps[1:]:
        if not step.is_answer:
            continue
        expected = round_half_up(np.asarray(step.recompute(shown), dtype=float), 4)
        assert np.array_equal(np.asarray(step.value), expected), step.key
        shown[step.key] = np.asarray(step.value)


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_latex_compiles(problem, tmp_path, latex_engine):
    tex = solve(problem).render("latex")
    (tmp_path / "doc.tex").write_text(tex)
    proc = subprocess.run([latex_engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert (tmp_path / "doc.pdf").exists()
    overfull = [line for line in log.splitlines() if line.startswith("Overfull \\hbox")
                and float(line.split("(")[1].split("pt")[0]) > 10]
    assert not overfull, overfull


# --brief: the words go, the mathematics and every answer stay
SENTENCES = ["Backpropagation starts at the output", "Each neuron of layer 1 takes the weighted sum",
             "Gradient descent moves each parameter against its gradient"]


def shown_numbers(solution) -> set[str]:
    """Every value the answer keys show, formatted as the document writes it."""
    from solver.rounding import format_number
    import numpy as np

    out = set()
    for qs in solution.questions:
        for s in qs.steps:
            if s.is_answer:
                out |= {format_number(float(v), qs.question.display.decimals) for v in np.ravel(s.value)}
    return out


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
def test_brief_drops_the_words_and_keeps_the_mathematics(fmt):
    solution = solve(ROOT / "problems" / "exam1.yaml")
    full, brief = solution.render(fmt, {}), solution.render(fmt, {}, brief=True)
    for sentence in SENTENCES:
        assert sentence in full and sentence not in brief
    if fmt == "markdown":   # (the LaTeX source carries a wrapped form of each long display besides)
        assert len(brief) < 0.85 * len(full)
    for number in shown_numbers(solution):
        assert number in brief, number
    for s in solution.questions[0].shown:
        assert f"Step {solution.questions[0].shown.index(s) + 1}." in brief   # every step keeps its heading


def test_brief_latex_compiles(tmp_path, latex_engine):
    tex = solve(ROOT / "problems" / "exam1.yaml").render("latex", brief=True)
    (tmp_path / "doc.tex").write_text(tex)
    proc = subprocess.run([latex_engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-3000:]


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_every_picture_is_in_both_formats(problem):
    """A picture beside the Markdown (written and referenced) is drawn in the LaTeX too."""
    import re

    solution = solve(problem)
    assets: dict[str, bytes] = {}
    markdown = solution.render("markdown", assets, problem.stem)
    referenced = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert sorted(referenced) == sorted(assets)
    assert all(data.startswith(b"<svg") for data in assets.values())
    latex = solution.render("latex")
    assert latex.count(r"\begin{tikzpicture}") == len(referenced)


def test_leaky_relu_slope_is_written_as_alpha(tmp_path):
    problem = tmp_path / "leaky.yaml"
    problem.write_text("kind: forward\nnetwork:\n  inputs: 1\n  layers:\n"
                       "    - {units: 1, activation: leaky_relu, alpha: 0.1, weights: [[-2]], biases: [0]}\n"
                       "data: {x: [1]}\n")
    latex = solve(problem).render("latex")
    assert r"\alpha = 0.1" in latex
    assert "\x07" not in latex
