"""The length and the layout of a worked solution (issue 11, items 1, 4 and 5).

--detail standard (the default) writes each quantity once, in the form the notes use: a matrix
with the numbers put in, element by element only for the activations; --detail full adds the
entry-by-entry expansion of every matrix. The LaTeX document fits the page counts of a hand
solution, aligns a chain of equalities that continues on a new line on its `=`, shrinks nothing
below about 8 pt and writes the title once (at the top, then in the running header).
"""
import os
import re

import numpy as np
import pytest

from conftest import ROOT
from float_noise import assert_same
from solver import solve
from solver.answersheet import answer_sheet
from solver.checking import check
from solver.render.formatter import Formatter, display_list, equality_chain
from solver.rounding import format_number

EXAM = ROOT / "problems" / "exam1.yaml"
FULL_GOLDEN = ROOT / "tests" / "golden" / "full"
NETWORK = ("linear", "activation", "output_delta", "hidden_delta", "weight_grad", "bias_grad", "update")


def _displays(text: str) -> list[str]:
    return re.findall(r"\$\$(.+?)\$\$", text, flags=re.S)


def _compile(latex: str) -> tuple[int, list[float]]:
    """The page count of the document and the factor of every display or picture scaled down."""
    from solver.render.pdf import compile_pdf
    _, log = compile_pdf(latex)
    pages = int(re.search(r"Output written on .*?\((\d+) pages?", log, flags=re.S).group(1))
    scales = [float(line) / float(wide) for wide, line in
              re.findall(r"solve-scaled: ([0-9.]+)pt to ([0-9.]+)pt", log)]
    return pages, scales


def _find_all(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


def _arguments(text: str, at: int, count: int) -> list[str]:
    """The `count` brace-delimited arguments of a TeX macro starting at `at`."""
    out = []
    for _ in range(count):
        assert text[at] == "{"
        depth, start = 0, at + 1
        for i in range(at, len(text)):
            if text[i] == "{" and text[i - 1] != "\\":
                depth += 1
            elif text[i] == "}" and text[i - 1] != "\\":
                depth -= 1
                if depth == 0:
                    out.append(text[start:i])
                    at = i + 1
                    break
    return out


# ---------------------------------------------------------------- item 1: each quantity once

def test_standard_writes_no_entry_by_entry_repeat_and_full_does():
    solution = solve(EXAM)
    standard, full = solution.render("markdown", {}), solution.render("markdown", {}, detail="full")
    entry = r"\frac{\partial L}{\partial W^{[2]}_{11}}"     # the chain of one entry of dW2
    assert entry in full and entry not in standard
    update = r"W^{[1]}_{11} \leftarrow"                     # one entry of the update
    assert update in full and update not in standard
    assert len(standard) < 0.7 * len(full)


@pytest.mark.parametrize("detail", ["standard", "full"])
def test_no_identity_lines(detail):
    """No `db = δ = [-0.4761] = [-0.4761]`, no `a = z = 88 = 88`: two sides in a row never
    read the same."""
    for stem in ("exam1", "seed_regression", "seed_batch"):
        text = solve(ROOT / "problems" / f"{stem}.yaml").render("markdown", {}, detail=detail)
        for display in _displays(text):
            for item in display_list(display):
                sides = [s.strip() for s in equality_chain(item)]
                assert all(a != b for a, b in zip(sides, sides[1:])), (stem, display)


def test_equal_leaves_out_a_side_equal_to_the_one_before():
    assert Formatter.equal("db", r"\delta", r"\delta", "[1]") == r"db = \delta = [1]"
    assert Formatter.equal("a", "", "b") == "a = b"


@pytest.mark.parametrize("brief", [False, True])
def test_every_answer_key_is_still_written(brief):
    """Each value of each answer key, as the solution writes its numbers, is in the standard text."""
    solution = solve(EXAM)
    text = solution.render("markdown", {}, brief=brief)
    for qs in solution.questions:
        for s in qs.steps:
            if s.is_answer:
                for v in np.ravel(s.value):
                    assert format_number(float(v), qs.question.display.decimals) in text, (qs.question.id, s.key)


def test_words_of_a_kind_are_said_once_in_standard_and_every_time_in_full():
    solution = solve(EXAM, question="q1")
    sentence = "Gradient descent moves each parameter against its gradient"
    assert solution.render("markdown", {}).count(sentence) == 1
    assert solution.render("markdown", {}, detail="full").count(sentence) == 4


def test_full_detail_matches_its_golden_files():
    """--detail full keeps the entry-by-entry expansion: tests/golden/full/exam1.{md,tex}."""
    solution = solve(EXAM)
    for fmt, ext in (("markdown", "md"), ("latex", "tex")):
        text = solution.render(fmt, assets={}, stem="exam1", detail="full")
        path = FULL_GOLDEN / f"exam1.{ext}"
        if os.environ.get("UPDATE_GOLDEN"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert_same(text, path.read_text(encoding="utf-8"), fmt)


def test_page_counts_of_a_hand_solution(latex_engine):
    pages, scales = _compile(solve(EXAM).render("latex"))
    assert pages <= 6
    assert all(s >= 0.8 for s in scales), scales
    pages, _ = _compile(solve(EXAM, question="q1").render("latex"))
    assert pages <= 2
    for stem in ("seed_batch", "seed_regression"):
        pages, scales = _compile(solve(ROOT / "problems" / f"{stem}.yaml").render("latex"))
        assert pages <= 4, stem
        assert all(s >= 0.8 for s in scales), (stem, scales)


# ---------------------------------------------------------------- item 5: layout

def test_a_chain_is_cut_at_its_top_level_equal_signs_only():
    assert equality_chain(r"a = \left(b = c\right) = \frac{x = y}{2} = 3") == [
        "a", r"\left(b = c\right)", r"\frac{x = y}{2}", "3"]
    assert equality_chain(r"x = \begin{bmatrix} 1 \end{bmatrix},\qquad y = 2") == [
        r"x = \begin{bmatrix} 1 \end{bmatrix},\qquad y = 2"]
    assert equality_chain("W := W - x = 3") == ["W := W - x", "3"]
    assert display_list(r"x = 1,\qquad y = 2") == ["x = 1", "y = 2"]


def test_a_long_chain_carries_its_form_aligned_on_equals():
    tex = solve(EXAM, question="q1").render("latex")
    chains = [_arguments(tex, i + len(r"\fitchain"), 2) for i in _find_all(tex, r"\fitchain{")]
    assert chains
    for single, aligned in chains:
        assert aligned.count("&=") == len(equality_chain(single)) - 1
    assert r"\resizebox" not in tex.split(r"\begin{document}")[1]


def test_the_title_once_and_no_forced_page_breaks():
    tex = solve(ROOT / "problems" / "seed_batch.yaml").render("latex")
    body = tex.split(r"\begin{document}")[1]
    title = "Seed 002: one batch step over three iris flowers"
    assert body.count(title) == 1                      # the heading, not the question's heading again
    assert r"\thispagestyle{firstpage}" in body        # the first page has no running header
    assert r"\clearpage" not in solve(EXAM).render("latex")


# ---------------------------------------------------------------- item 4: one row per example

def test_several_examples_say_their_orientation_and_a_transposed_answer_is_named():
    solution = solve(EXAM)
    q3 = next(qs for qs in solution.questions if qs.question.id == "q3")
    text = solve(EXAM, question="q3").render("markdown", {})
    caption = "One column per example; the answer sheet writes one row per example."
    assert text.count(caption) >= 2                    # under z1 and z2
    sheet = answer_sheet(solution)
    assert "z1:   # weighted sums of layer 1, 2 x 2 (examples x units: one row per example)" in sheet
    z1 = np.asarray(next(s for s in q3.steps if s.key == "z1").value)
    report = check(solution, {"q3": {"z1": z1.T.tolist()}}).to_json()
    key = next(q for q in report["questions"] if q["id"] == "q3")["keys"]["z1"]
    assert key["verdict"] == "wrong" and key.get("slip") == "transposed", key
    q3_json = next(q for q in solution.to_json()["questions"] if q["id"] == "q3")
    assert q3_json["answers"]["z1"]["value"] == z1.tolist()          # one row per example, as the sheet
    assert z1.shape[0] == q3.question.data.n


def _page_fill(pdf: bytes, tmp_path) -> list[float]:
    """How far down each page its lowest word reaches, as a share of the page's height."""
    import shutil
    import subprocess
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler) is not installed")
    (tmp_path / "d.pdf").write_bytes(pdf)
    subprocess.run(["pdftotext", "-bbox", str(tmp_path / "d.pdf"), str(tmp_path / "d.html")], check=True)
    html = (tmp_path / "d.html").read_text(encoding="utf-8", errors="replace")
    fills = []
    for page in re.findall(r"<page [^>]*height=\"([0-9.]+)\"[^>]*>(.*?)</page>", html, flags=re.S):
        height, body = float(page[0]), page[1]
        # the running header and the page number sit at the top: the body's words below them
        bottoms = [float(y) for y in re.findall(r'yMax="([0-9.]+)"', body)]
        fills.append(max(bottoms, default=0) / height)
    return fills


@pytest.mark.parametrize("stem", ["exam1", "graphs", "seed_batch", "seed_regression", "perceptron", "params"])
def test_no_page_but_the_last_is_less_than_a_quarter_full(stem, tmp_path, latex_engine):
    from solver.render.pdf import compile_pdf
    pdf, _ = compile_pdf(solve(ROOT / "problems" / f"{stem}.yaml").render("latex"))
    fills = _page_fill(pdf, tmp_path)
    # a page's text runs from about 0.09 (below the header) to 0.93 of its height
    assert all(f > 0.09 + 0.25 * 0.84 for f in fills[:-1]), fills
