"""Marking a class: several sheets (files, a folder, a glob), sheets of several variants, the
gradebook and the class summary; each solution computed once (solver/checking/classbook.py)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, latex_engine_or_skip
from solver.checking import classbook
from solver.sheetfiles import sheet_paths
from solver.cli import main
from solver.settings import Settings
from solver.variants import variant_solution

EXAM = ROOT / "problems" / "exam1.yaml"


def key_of(solution) -> dict:
    return {q["id"]: {k: v["value"] for k, v in q["answers"].items() if k != "yhat"}
            for q in solution.to_json()["questions"]}


@pytest.fixture(scope="module")
def variant_keys():
    return {k: key_of(variant_solution(EXAM, k, 3, Settings())) for k in (1, 2, 3)}


def class_folder(tmp_path: Path, variant_keys) -> Path:
    """Four students who sat variants 1, 2 and 3 (seed 3), one with a slip, and a broken sheet."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    for name, k in (("ada", 1), ("bob", 2), ("cy", 3), ("dee", 3)):
        answers = {q: dict(keys) for q, keys in variant_keys[k].items()}
        if name == "dee":
            answers["q1"]["z1"] = [-v for v in answers["q1"]["z1"]]      # a sign slip in the first step
        (folder / f"{name}.yaml").write_text(yaml.safe_dump({"student": name.title(), "variant": k, "seed": 3,
                                                             **answers}))
    (folder / "zed.yaml").write_text("q1: [unclosed\n")
    return folder


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_folder_of_three_variants_is_marked_in_one_command(tmp_path, variant_keys):
    folder = class_folder(tmp_path, variant_keys)
    out = tmp_path / "marks"
    result = CliRunner().invoke(main, [str(EXAM), "--check", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not marked: " in result.output and "zed.yaml" in result.output
    from solver.render.pdf import find_engine
    assert sorted(p.name for p in out.iterdir()) == [
        "ada.report.txt", "bob.report.txt", "cy.report.txt", "dee.report.txt", "gradebook.csv",
        "summary-scores.svg", "summary.md"] + (["summary.pdf"] if find_engine() else [])
    book = {Path(r["file"]).stem: r for r in rows((out / "gradebook.csv").read_text())}
    assert [book[n]["variant"] for n in ("ada", "bob", "cy", "dee")] == ["1", "2", "3", "3"]
    assert all(book[n]["score"] == book[n]["out_of"] for n in ("ada", "bob", "cy"))
    assert book["dee"]["q1.z1"] == "wrong" and book["dee"]["q1.a1"] == "correct"
    assert book["ada"]["student"] == "Ada" and book["zed"]["score"] == "" and "YAML syntax" in book["zed"]["note"]
    summary = (out / "summary.md").read_text()
    assert "4 of 5 sheets marked" in summary and "![The scores" in summary
    assert "| `q1.z1` | 3 | 0 | 1 | 0 |" in summary
    assert "q1 step" in summary.split("Where wrong answers first part")[1]


def test_csv_writes_only_the_gradebook_and_several_files_or_a_glob_name_the_sheets(tmp_path, variant_keys):
    folder = class_folder(tmp_path, variant_keys)
    book = tmp_path / "book.csv"
    result = CliRunner().invoke(main, [str(EXAM), "--check", str(folder / "ada.yaml"), str(folder / "bob.yaml"),
                                       "--format", "csv", "-o", str(book)])
    assert result.exit_code == 0, result.output
    assert [Path(r["file"]).stem for r in rows(book.read_text())] == ["ada", "bob"]
    result = CliRunner().invoke(main, [str(EXAM), "--check", str(folder / "[a-c]*.yaml"), "--format", "csv",
                                       "-o", "-"])
    assert result.exit_code == 0 and [Path(r["file"]).stem for r in rows(result.stdout)] == ["ada", "bob", "cy"]


def test_each_solution_is_computed_once(tmp_path, variant_keys, monkeypatch):
    folder = class_folder(tmp_path, variant_keys)
    calls = []
    real = classbook.solution_for
    monkeypatch.setattr(classbook, "solution_for", lambda *a: calls.append(1) or real(*a))
    marked = classbook.mark_class(EXAM, sheet_paths([folder]), Settings())
    assert len(marked) == 5 and len(calls) == 3          # variants 1, 2 and 3 (dee shares cy's)


@pytest.mark.parametrize("args, message", [
    (["--check", "nothing-here/*.yaml"], "no file matches this pattern"),
    (["extra.yaml"], "one problem file at a time"),
])
def test_bad_class_usage_is_exit_2(tmp_path, args, message):
    result = CliRunner().invoke(main, [str(EXAM), *args])
    assert result.exit_code == 2 and message in result.output


def test_sheets_of_the_same_name_in_two_folders_get_reports_apart(tmp_path, variant_keys):
    for folder, name in (("a", "Alice A"), ("b", "Alice B")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "alice.yaml").write_text(yaml.safe_dump({"student": name, "variant": 1, "seed": 3,
                                                                     **variant_keys[1]}))
    (tmp_path / "a" / "bob.yaml").write_text(yaml.safe_dump({"student": "Bob", "variant": 1, "seed": 3}))
    out = tmp_path / "marks"
    result = CliRunner().invoke(main, [str(EXAM), "--check", str(tmp_path / "a"), str(tmp_path / "b" / "alice.yaml"),
                                       "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reports = sorted(p.name for p in out.iterdir() if ".report." in p.name)
    assert reports == ["a--alice.report.json", "b--alice.report.json", "bob.report.json"]
    import json
    assert json.loads((out / "b--alice.report.json").read_text())["student"] == "Alice B"


def test_report_names_stay_apart_whatever_the_clash():
    names = classbook.report_names([Path("a/alice.yaml"), Path("b/alice.yaml"), Path("a--alice.yaml"),
                                    Path("x.yaml"), Path("x.yml"), Path("c/X.yaml")])
    assert len({n.casefold() for n in names.values()}) == 6
    assert names[Path("a/alice.yaml")] == "a--alice" and names[Path("x.yml")] == "x-2"


def test_the_histogram_is_an_svg_drawn_without_matplotlib(tmp_path, variant_keys):
    """summary-scores.svg: one bar per bin that has sheets, as tall as its count; marking a class
    loads no plotting library."""
    import subprocess
    import sys
    import xml.etree.ElementTree as ET
    folder = class_folder(tmp_path, variant_keys)
    out = tmp_path / "marks"
    code = ("import sys; from click.testing import CliRunner; from solver.cli import main; "
            f"r = CliRunner().invoke(main, [{str(EXAM)!r}, '--check', {str(folder)!r}, '-o', {str(out)!r}]); "
            "assert r.exit_code == 0, r.output; print('matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr
    svg = ET.fromstring((out / "summary-scores.svg").read_bytes())
    ns = "{http://www.w3.org/2000/svg}"
    bars = [r for r in svg.iter(ns + "rect") if r.get("fill") == "#4c72b0"]
    marked = classbook.summarize(classbook.mark_class(EXAM, sheet_paths([folder]), Settings()))
    assert len(bars) == sum(1 for n in marked.bins if n) and sum(marked.bins) == 4
    heights = sorted(float(b.get("height")) for b in bars)
    counts = sorted(n for n in marked.bins if n)
    assert all(abs(h / heights[0] - c / counts[0]) < 1e-6 for h, c in zip(heights, counts))
    assert "![The scores of the class, in bins of 10 percent](summary-scores.svg)" in (out / "summary.md").read_text()


def test_bins_of_ten_percent_with_100_in_the_last():
    s = classbook.Summary(5, 5, 10, (0.0, 9.99, 10.0, 95.0, 100.0), {}, [], ())
    assert s.bins == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_the_summary_pdf_says_what_the_markdown_says(tmp_path, variant_keys):
    """summary.pdf beside summary.md: the same counts, departures and slips, the histogram in
    pgfplots; names of files escaped for LaTeX."""
    latex_engine_or_skip()
    folder = class_folder(tmp_path, variant_keys)
    (folder / "odd_#1 & $x%.yaml").write_text("q1: [unclosed\n")
    marked = classbook.mark_class(EXAM, sheet_paths([folder]), Settings())
    summary = classbook.summarize(marked)
    tex = classbook.summary_latex(summary, "problems/exam1.yaml")
    assert r"\texttt{q1.z1} & 3 & 0 & 1 & 0 \\" in tex
    assert "(80,0) (90,0) (100,0)" not in tex and "(90,4)" in tex    # four sheets, all at 90-100 % or so
    assert r"sign flipped & 1" in tex
    assert r"odd\_\#1 \& \$x\%.yaml" in tex
    files = classbook.class_files(marked, "problems/exam1.yaml", "text")
    assert files["summary.pdf"].startswith(b"%PDF")


def test_a_class_without_latex_still_gets_everything_else(tmp_path, variant_keys, monkeypatch):
    import solver.render.pdf as pdf
    monkeypatch.setattr(pdf, "find_engine", lambda: None)
    folder = class_folder(tmp_path, variant_keys)
    out = tmp_path / "marks"
    result = CliRunner().invoke(main, [str(EXAM), "--check", str(folder), "-o", str(out)])
    assert result.exit_code == 0 and "summary.pdf not written: no LaTeX engine found" in result.output
    assert (out / "summary.md").exists() and not (out / "summary.pdf").exists()


def test_student_names_cannot_run_as_spreadsheet_formulas(tmp_path, variant_keys):
    folder = tmp_path / "sheets"
    folder.mkdir()
    for i, name in enumerate(["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "-2", "Ada, \"the\" first"]):
        (folder / f"s{i}.yaml").write_text(yaml.safe_dump({"student": name, **variant_keys[1]}))
    book = rows(classbook.gradebook(classbook.mark_class(EXAM, sheet_paths([folder]), Settings())))
    assert [r["student"] for r in book] == ["'=HYPERLINK(\"http://x\")", "'+1", "'@SUM(A1)", "'-2", 'Ada, "the" first']


def test_names_are_escaped_wherever_they_land(tmp_path, variant_keys):
    """A student's name and a sheet's file name in the report, the Markdown and LaTeX summaries
    and the gradebook: shown as written, never run as markup or as a control sequence."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    name = "Zoë $O'Brien_#1 & {x} | \x1b[2J"
    (folder / "a&b_#1.yaml").write_text(yaml.safe_dump({"student": name, "variant": 1, "seed": 3,
                                                        **variant_keys[1]}, allow_unicode=True))
    marked = classbook.mark_class(EXAM, sheet_paths([folder]), Settings())
    report = marked[0].report
    assert "Student: Zoë $O'Brien_#1 & {x} | \\x1b[2J; variant 1, seed 3." in report.render("text")
    assert r"Student: Zoë \$O'Brien\_\#1 \& {x} \| \\x1b\[2J; variant 1, seed 3." in report.render("markdown")
    latex = report.render("latex")
    assert r"Student: Zoë \$O'Brien\_\#1 \&" in latex and "\x1b" not in latex
    summary = classbook.summarize(marked)
    md = classbook.summary_markdown(summary, "problems/exam1.yaml", None)
    assert r"| Zoë \$O'Brien\_\#1 \& {x} \| \\x1b\[2J | 1 | 34 / 34 | 100.0 |" in md
    assert r"a\&b\_\#1.yaml" in md
    tex = classbook.summary_latex(summary, "problems/exam1.yaml")
    assert r"Zoë \$O'Brien\_\#1 \&" in tex and "\x1b" not in tex and r"a\&b\_\#1.yaml" in tex
    book = rows(classbook.gradebook(marked))
    assert book[0]["student"] == "Zoë $O'Brien_#1 & {x} | \\x1b[2J"
