"""The wheel is the product: built from the sdist, it carries every module and template, and
installed alone into a fresh virtualenv it runs every feature from an unrelated folder.

The build and the virtualenv are slow-ish: those tests are marked `packaging`, so
`pytest -m "not packaging"` leaves them out. It needs the package index (or pip's cache) for
setuptools and the dependencies; without one it is skipped, except in CI (CI or
SOLVE_REQUIRE_PACKAGING set), where it fails.
"""
from __future__ import annotations

import email.parser
import importlib.metadata
import re
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

slow = pytest.mark.packaging

REQUIRED = bool(os.environ.get("CI") or os.environ.get("SOLVE_REQUIRE_PACKAGING"))
ENGINE = next((name for name in ("pdflatex", "xelatex", "lualatex") if shutil.which(name)), None)


# ---------------------------------------------------------------- fast: the version, the templates

def test_one_version_everywhere():
    from click.testing import CliRunner

    from solver import __version__
    from solver.cli import main

    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|(a|b|rc)\d+)?", __version__)
    assert importlib.metadata.version("nn-solve") == __version__      # the installed metadata reads it too
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"solve {__version__}\n"


def test_no_module_finds_files_by_climbing_from_its_own_path():
    """Templates and data are found through the package (importlib.resources, PackageLoader),
    so they are where the wheel puts them; a path built from __file__ works only in a checkout."""
    climbing = re.compile(r"\.parent\.parent|\.parents\[|os\.pardir|[\"']\.\.[\"'/]|\bROOT\b")
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in sorted((ROOT / "solver").rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if climbing.search(line)]
    assert found == []


def test_the_templates_load_through_the_package():
    import jinja2

    from solver.render.documents import environment

    loader = environment().loader
    assert isinstance(loader, jinja2.PackageLoader) and loader.package_name == "solver.templates"
    assert "markdown/solution.md.j2" in loader.list_templates()


def tracked(*folders: str) -> list[str]:
    """The repository's files under `folders` (git's list when there is one, else the files on disk)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--", *folders], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode()
        files = [name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = []
    if not files:
        files = [str(p.relative_to(ROOT)) for folder in folders for p in (ROOT / folder).rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts]
    return sorted(files)


def run(cmd, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def needs_the_index(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode == 0:
        return
    message = f"{what} failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    offline = any(word in proc.stdout + proc.stderr for word in
                  ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
                   "No matching distribution found for setuptools", "ConnectTimeout"))
    if offline and not REQUIRED:
        pytest.skip(f"no package index reachable: {what}")
    pytest.fail(message)


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    """The sdist, and the wheel built from it (python -m build: so the sdist must be complete)."""
    out = tmp_path_factory.mktemp("dist")
    proc = run([sys.executable, "-m", "build", "--outdir", out, ROOT], timeout=900)
    needs_the_index(proc, "python -m build")
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@slow
def test_the_wheel_carries_every_module_and_every_template(dists):
    names = wheel_names(dists["wheel"])
    modules = [name for name in tracked("solver") if not name.endswith((".pyc", ".pyo"))]
    templates = tracked("templates")
    assert any(name.startswith("solver/checking/") for name in modules)
    assert any(name.endswith(".j2") for name in templates)
    missing = [name for name in modules if name not in names]
    missing += [name for name in templates if "solver/" + name not in names]
    assert missing == [], f"not in the wheel: {missing}"
    assert not [name for name in names if name.startswith(("tests/", "templates/", "problems/"))
                or "__pycache__" in name or name.endswith((".pyc", ".pyo"))]


@slow
def test_the_sdist_carries_the_repository(dists):
    with tarfile.open(dists["sdist"]) as archive:
        root = archive.getnames()[0].split("/")[0]
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    wanted = tracked("solver", "templates", "tests", "problems", "docs", "examples")
    wanted += ["LICENSE", "README.md", "pyproject.toml", "setup.py", "Makefile"]
    missing = [name for name in wanted if name not in names]
    assert missing == [], f"not in {root}.tar.gz: {missing}"


@slow
def test_the_metadata(dists):
    from solver import __version__

    with zipfile.ZipFile(dists["wheel"]) as archive:
        info = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(archive.read(info).decode())
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
        licences = [name for name in archive.namelist() if name.endswith("licenses/LICENSE")]
    assert meta["Name"] == "nn-solve"
    assert meta["Version"] == __version__
    assert meta["License-Expression"] == "MIT" and licences
    assert "solve = solver.cli:main" in entry_points
    assert meta["Keywords"] and meta["Requires-Python"]
    assert any(c.startswith("Topic :: Education") for c in meta.get_all("Classifier"))
    assert {url.split(",")[0] for url in meta.get_all("Project-URL")} >= {"Homepage", "Source", "Issues"}
    assert {req.split(">")[0].split("=")[0].strip().lower() for req in meta.get_all("Requires-Dist")
            if "extra ==" not in req} == {"sympy", "numpy", "jinja2", "click", "pyyaml",
                          "markdown-it-py", "mdit-py-plugins"}


# ---------------------------------------------------------------- installed alone, run from elsewhere

# Run by the virtualenv's python in the unrelated folder: every problem in every text format
# through the command's own entry point, in one process (the imports are paid once).
EVERY_FORMAT = r"""
import sys
from pathlib import Path
import solver
from solver.cli import main

assert Path(solver.__file__).resolve().is_relative_to(Path(sys.prefix).resolve()), solver.__file__
for problem in sorted(Path("problems").glob("*.yaml")):
    for fmt, ext in (("markdown", "md"), ("latex", "tex"), ("json", "json"), ("answers", "answers.yaml"),
                     ("html", "html")):
        out = Path("out") / f"{problem.stem}.{ext}"
        try:
            main([str(problem), "--format", fmt, "-o", str(out)], prog_name="solve")
        except SystemExit as stop:
            assert not stop.code, (problem, fmt, stop.code)
        assert out.stat().st_size > 0, out
    # the page carries the vendored KaTeX and its fonts (the wheel's package data)
    assert "katex" in out.read_text(encoding="utf-8") and "data:font/woff2" in out.read_text(encoding="utf-8")
print("ok")
"""

FILL = r"""
import json, sys, yaml
key = json.load(open("key.json"))
sheet = yaml.safe_load(open("sheet.yaml"))
for q in key["questions"]:
    for name in sheet[q["id"]]:
        sheet[q["id"]][name] = q["answers"][name]["value"]
yaml.safe_dump(sheet, open("filled.yaml", "w"))
"""


@pytest.fixture(scope="module")
def installed(dists, tmp_path_factory) -> tuple[Path, Path]:
    """A fresh virtualenv (no system site-packages) with the wheel and its dependencies, and an
    unrelated folder holding copies of problems/."""
    venv = tmp_path_factory.mktemp("venv")
    proc = run([sys.executable, "-m", "venv", venv])
    assert proc.returncode == 0, proc.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    proc = run([bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                dists["wheel"]], timeout=900)
    needs_the_index(proc, "pip install the wheel")
    work = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(ROOT / "problems", work / "problems")
    return bin_dir, work


def solve(installed, *args) -> subprocess.CompletedProcess:
    bin_dir, work = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return run([bin_dir / "solve", *args], cwd=work, env=env)


@slow
def test_installed_version(installed):
    from solver import __version__

    proc = solve(installed, "--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"solve {__version__}", proc.stdout + proc.stderr


@slow
def test_installed_every_problem_in_every_format(installed):
    bin_dir, work = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    proc = run([bin_dir / "python", "-c", EVERY_FORMAT], cwd=work, env=env)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stdout[-2000:] + proc.stderr[-4000:]


@slow
def test_installed_default_output_and_pdf(installed):
    bin_dir, work = installed
    proc = solve(installed, "problems/exam1.yaml")
    assert proc.returncode == 0, proc.stderr
    assert (work / "output" / "exam1.md").read_text(encoding="utf-8").startswith("# ")
    if ENGINE is None:
        assert not os.environ.get("SOLVE_REQUIRE_LATEX"), "no LaTeX engine, but CI requires the PDF"
        return
    proc = solve(installed, "problems/exam1.yaml", "--format", "pdf", "-o", "exam1.pdf")
    assert proc.returncode == 0, proc.stderr
    assert (work / "exam1.pdf").read_bytes().startswith(b"%PDF")


@slow
def test_installed_check_marks_a_filled_sheet(installed):
    bin_dir, work = installed
    assert solve(installed, "problems/exam1.yaml", "--format", "answers", "-o", "sheet.yaml").returncode == 0
    assert solve(installed, "problems/exam1.yaml", "--format", "json", "-o", "key.json").returncode == 0
    assert run([bin_dir / "python", "-c", FILL], cwd=work).returncode == 0
    proc = solve(installed, "problems/exam1.yaml", "--check", "filled.yaml", "--format", "json", "-o", "-")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["score"] == report["out_of"] > 0
    proc = solve(installed, "problems/exam1.yaml", "--check", "filled.yaml")
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr


@slow
def test_installed_variants(installed):
    bin_dir, work = installed
    proc = solve(installed, "problems/exam1.yaml", "--variants", "2", "--seed", "3", "-o", "variants")
    assert proc.returncode == 0, proc.stderr
    written = {p.suffix for p in (work / "variants").rglob("*") if p.is_file()}
    assert {".yaml", ".md"} <= written, written
    if ENGINE is not None:
        assert ".pdf" in written, written
