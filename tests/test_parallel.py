"""`make test` runs the suite on every core (pytest-xdist), also on the lowest declared versions."""
import re

from conftest import ROOT


def test_make_test_runs_the_suite_on_every_core():
    makefile = (ROOT / "Makefile").read_text()
    xdist = re.search(r"^XDIST \?= (.*)$", makefile, re.M)
    assert xdist and "-n auto" in xdist.group(1) and "--dist loadfile" in xdist.group(1)
    assert "$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)" in makefile


def test_pytest_xdist_is_declared_and_pinned_at_its_floor():
    pyproject = (ROOT / "pyproject.toml").read_text()
    floor = re.search(r'"pytest-xdist>=([\d.]+)"', pyproject)
    assert floor, "pytest-xdist belongs in the test extra"
    lowest = (ROOT / ".ci" / "lowest.txt").read_text().splitlines()
    assert f"pytest-xdist=={floor.group(1)}.0" in lowest or f"pytest-xdist=={floor.group(1)}" in lowest
