"""Marking a class: several sheets (files, a folder, a glob), sheets of several variants, the
gradebook and the class summary; each solution computed once (solver/checking/classbook.py)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT
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
    assert sorted(p.name for p in out.iterdir()) == [
        "ada.report.txt", "bob.report.txt", "cy.report.txt", "dee.report.txt", "gradebook.csv",
        "summary-scores.png", "summary.md"]
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
