"""--format html: our Markdown as HTML (markdown_to_html, shared with the Moodle and QTI exports)
and the self-checking page. The page in a real browser: tests/test_html_browser.py."""
from solver.render.html import markdown_to_html


# ---------------------------------------------------------------- markdown_to_html

def test_math_is_kept_as_tex_between_katex_and_mathjax_delimiters():
    out = markdown_to_html("The sum $z^{[1]} < 1$ is\n\n$$x = \\begin{bmatrix} 0.5 \\\\ 0.3 \\end{bmatrix}$$\n")
    assert '<span class="math inline">\\(z^{[1]} &lt; 1\\)</span>' in out
    # the row break \\ of a matrix is not read as a Markdown escape
    assert '<div class="math display">\\[x = \\begin{bmatrix} 0.5 \\\\ 0.3 \\end{bmatrix}\\]</div>' in out
    assert "$" not in out


def test_markdown_markup_tables_and_pictures():
    png = "data:image/png;base64,iVBORw0KGgo="
    svg = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="
    out = markdown_to_html(f"### Step 1. Given\n\nLoss **bce**, key `z1`.\n\n| a | b |\n|---|---|\n| $x_1$ | 2 |\n\n"
                           f"![The network]({png})\n\n![A chart]({svg})\n")
    assert "<h3>Step 1. Given</h3>" in out
    assert "<strong>bce</strong>" in out and "<code>z1</code>" in out
    assert '<td><span class="math inline">\\(x_1\\)</span></td>' in out
    assert f'<img src="{png}" alt="The network" />' in out
    assert f'<img src="{svg}" alt="A chart" />' in out


def test_user_text_is_escaped_and_no_markup_gets_through():
    from solver.render.escape import markdown_escape
    hostile = '<script>alert("x")</script> & $\\frac{1}{2}$ \\(y\\) [a](javascript:alert(1))'
    out = markdown_to_html("# " + markdown_escape(hostile) + "\n\n<img src=x onerror=alert(1)>\n\n"
                           "[link](javascript:alert(1)) ![p](data:text/html;base64,PGI+)\n")
    assert "<script" not in out and "<img src=x" not in out and "onerror=alert(1)>" not in out
    assert 'href="javascript' not in out and 'src="data:text' not in out
    assert "&lt;script&gt;" in out
    # the escaped dollars of a title are text, not math
    assert 'class="math' not in out.split("</h1>")[0]


# ---------------------------------------------------------------- the page

import json
import re
from functools import lru_cache

import pytest
from click.testing import CliRunner

from conftest import ROOT
from solver import solve
from solver.cli import main
from solver.render.html import render_html

EXAM = ROOT / "problems" / "exam1.yaml"
HOSTILE = '<script>alert("t")</script> & \'q\' $\\frac{1}{2}$ \\(x\\) <!-- ]]>'


@lru_cache(maxsize=None)
def exam_solution():
    return solve(EXAM)


@lru_cache(maxsize=None)
def page(answers: bool = True) -> str:
    return render_html(exam_solution(), answers=answers)


def key_in(text: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="solve-key">(.*?)</script>', text, re.S).group(1))


def test_the_page_checks_against_the_json_key_with_the_check_tolerance():
    key = exam_solution().to_json()
    data = key_in(page())
    assert [q["anchor"] for q in data["questions"]] == [f"question-{n}" for n in range(1, len(key["questions"]) + 1)]
    for q, page_q in zip(key["questions"], data["questions"]):
        assert [k["key"] for k in page_q["keys"]] == [k for k in q["answers"] if k != "yhat"]
        for k in page_q["keys"]:
            assert k["value"] == q["answers"][k["key"]]["value"] and k["exact"] == q["answers"][k["key"]]["exact"]
            assert k["tolerance"] == 0.5e-4          # 4 decimals: half a unit in the last
    first = data["questions"][0]["keys"]
    assert (first[0]["key"], first[0]["step"], first[0]["inputs"]) == ("z1", 3, [])
    assert first[1]["key"] == "a1" and first[1]["inputs"] == ["z1"]


def test_a_files_tolerance_and_whole_numbers_reach_the_page(tmp_path):
    problem = tmp_path / "tol.yaml"
    problem.write_text(EXAM.read_text(encoding="utf-8").replace("decimals: 4", "decimals: 4\ntolerance: 0.002", 1),
                       encoding="utf-8")
    data = key_in(render_html(solve(problem)))
    assert {k["tolerance"] for k in data["questions"][0]["keys"]} == {0.002}
    perceptron = key_in(render_html(solve(ROOT / "problems" / "perceptron.yaml")))
    whole = [k for q in perceptron["questions"] for k in q["keys"] if isinstance(k["value"], (int, bool))]
    assert whole and all(k["tolerance"] == 1e-9 for k in whole)


def test_every_step_is_folded_and_every_key_has_a_box_shaped_like_it():
    text = page()
    solution = exam_solution()
    qs = solution.questions[0]
    section = text.split('id="question-1"')[1].split('id="question-2"')[0]
    assert section.count("<details") == section.count('<details class="step" id="question-1-step-') > 5
    assert "<details open" not in text and " open>" not in text
    # z1 is 3 numbers: 3 fields; a 3 x 2 weight gradient: a grid of 3 rows of 2
    boxes = section.split('<div class="box"')[1:]
    assert len(boxes) == len([s for s in qs.steps if s.is_answer])
    assert boxes[0].count("<input") == 3 and "repeat(3, auto)" in boxes[0]
    dw1 = next(b for b in boxes if "<code>dW1</code>" in b)
    assert dw1.count("<input") == 6 and "repeat(2, auto)" in dw1 and 'aria-label="dW1 row 3, column 2"' in dw1


def test_a_key_of_three_or_four_dimensions_has_a_field_per_entry():
    """conv's maps (F x H x W) and kernels (F x C x k x k): the matrices one under another, a field
    for every entry of the key the page checks against, in its order."""
    import numpy as np
    text = render_html(solve(ROOT / "problems" / "conv.yaml"))
    key = key_in(text)
    deep = [(q["anchor"], k) for q in key["questions"] for k in q["keys"] if np.ndim(k["value"]) >= 3]
    assert {np.ndim(k["value"]) for _, k in deep} == {3, 4}
    for anchor, k in deep:
        box = text.split(f'id="{anchor}-key-{k["key"]}-label"')[1].split('<div class="box"')[0]
        shape = np.shape(k["value"])
        assert box.count("<input") == np.size(k["value"]) and f"repeat({shape[-1]}, auto)" in box
        last = "][".join(map(str, shape))
        assert f'aria-label="{k["key"]} entry [{last}]"' in box


def test_the_page_makes_no_request_and_carries_its_mathematics():
    text = page()
    # nothing is fetched: every src and href of the markup (KaTeX's script aside) is in the page
    # (data:) or an anchor in it
    markup = re.sub(r"<script\b.*?</script>", "", text, flags=re.S)
    for attr, url in re.findall(r'\b(src|href)\s*=\s*"([^"]*)"', markup):
        assert url.startswith(("data:", "#")), (attr, url[:80])
    assert not re.search(r"url\((?!data:)", text)
    assert "default-src 'none'" in text                        # and the browser is told so
    assert text.count("data:font/woff2;base64,") == 20         # KaTeX's fonts, inlined
    assert "katex" in text and "renderMathInElement" in text
    assert "data:image/svg+xml" in text                        # the network diagram, an SVG


def test_an_svg_picture_is_inlined_too():
    svg = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="
    assert f'<img src="{svg}" alt="A chart" />' in markdown_to_html(f"![A chart]({svg})")


def test_the_question_sheet_has_no_solution_and_no_key():
    sheet = page(answers=False)
    assert 'id="solve-key"' not in sheet and "<details" not in sheet and "Check my answers" not in sheet
    for q in exam_solution().to_json()["questions"]:
        for k, v in q["answers"].items():
            for x in (v["value"] if isinstance(v["value"], list) else [v["value"]]):
                for y in (x if isinstance(x, list) else [x]):
                    if isinstance(y, float) and len(repr(y)) >= 6:       # computed, not a given
                        assert repr(y) not in sheet, (q["id"], k, y)
    assert sheet.count('<div class="box"') == page().count('<div class="box"')
    assert "Name: ____" in sheet


def test_hostile_titles_and_names_are_escaped(tmp_path):
    problem = tmp_path / "hostile.yaml"
    text = EXAM.read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", lambda m: "title: " + json.dumps(HOSTILE), text, count=1, flags=re.M)
    text = text.replace("    title: One step of backpropagation through a 2-3-1 sigmoid network\n",
                        "    title: " + json.dumps(HOSTILE) + "\n", 1)
    problem.write_text(text, encoding="utf-8")
    out = render_html(solve(problem))
    assert "<script>alert" not in out and 'alert("t")' not in out
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;" in out
    assert "<!-- ]]>" not in out and "&lt;!-- ]]&gt;" in out
    # the title's dollars and \( are text, never typeset: no math element holds them
    assert not [m for m in re.findall(r'class="math[^"]*">(.*?)</', out) if "frac{1}{2}" in m]


def run(*args, cwd=ROOT):
    import os
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(old)


def test_the_command_writes_output_stem_html_and_the_sheet(tmp_path):
    result = run(EXAM, "--format", "html", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    written = (tmp_path / "output" / "exam1.html").read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html>") and 'id="solve-key"' in written
    assert list((tmp_path / "output").iterdir()) == [tmp_path / "output" / "exam1.html"]   # pictures inside
    result = run(EXAM, "--format", "html", "--no-answers", "-o", tmp_path / "sheet.html")
    assert result.exit_code == 0 and 'id="solve-key"' not in (tmp_path / "sheet.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [["--no-answers"], ["--format", "markdown", "--no-answers"],
                                  ["--format", "html", "--no-answers", "--variants", "2"]])
def test_no_answers_goes_with_format_html_alone(args, tmp_path):
    result = run(EXAM, *args, "-o", tmp_path / "x", cwd=tmp_path)
    assert result.exit_code == 2 and "--no-answers goes with --format html" in result.stderr
    assert not (tmp_path / "x").exists()


def test_a_bad_file_is_refused_at_its_line_and_nothing_is_written(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAM.read_text(encoding="utf-8").replace("activation: sigmoid", "activation: sigmoidd", 1),
                   encoding="utf-8")
    result = run(bad, "--format", "html", cwd=tmp_path)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert re.match(rf"{re.escape(str(bad))}:\d+:\d+: .*activation", result.stderr), result.stderr
    assert not (tmp_path / "output").exists()


def test_variants_write_a_key_page_and_a_sheet_page_each(tmp_path):
    from solver.settings import Settings
    from solver.variants import write_variants
    written = write_variants(EXAM, 2, 5, tmp_path, "html", Settings(), workers=1, combined=False)
    names = sorted(p.name for p in written)
    assert names == ["exam1-v01-key.html", "exam1-v01-sheet.html", "exam1-v01.answers.yaml", "exam1-v01.yaml",
                     "exam1-v02-key.html", "exam1-v02-sheet.html", "exam1-v02.answers.yaml", "exam1-v02.yaml"]
    key1 = (tmp_path / "exam1-v01-key.html").read_text(encoding="utf-8")
    key2 = (tmp_path / "exam1-v02-key.html").read_text(encoding="utf-8")
    assert "Variant 1, seed 5" in key1 and key_in(key1) != key_in(key2)
    variant = solve(tmp_path / "exam1-v01.yaml").to_json()
    assert key_in(key1)["questions"][0]["keys"][0]["value"] == variant["questions"][0]["answers"]["z1"]["value"]
    assert 'id="solve-key"' not in (tmp_path / "exam1-v01-sheet.html").read_text(encoding="utf-8")


def test_the_page_goes_to_stdout_and_brief_drops_the_words(tmp_path):
    result = run(EXAM, "--format", "html", "-o", "-", "--question", "q1", "--brief", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>") and not (tmp_path / "output").exists()
    assert "Each neuron of layer 1 takes the weighted sum" not in result.stdout
    assert "Each neuron of layer 1 takes the weighted sum" in page()
