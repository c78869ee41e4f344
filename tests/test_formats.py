"""solver/formats.py: the one list of notations and the one table of output formats."""
import ast

import click
import pytest

from conftest import ROOT
from solver import cli, formats
from solver.errors import UsageError
from solver.formats import EXTENSIONS, FORMATS, NOTATIONS
from solver.settings import Settings

FORMAT_NAMES = set(FORMATS)


def _literals(path):
    """The sets of strings written as one tuple, list, set or dict (keys) literal in a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            items = node.keys
        else:
            items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else None
        if items:
            yield {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


@pytest.mark.parametrize("path", sorted((ROOT / "solver").rglob("*.py")), ids=lambda p: p.name)
def test_no_other_module_lists_the_notations_or_the_formats(path):
    if path.name == "formats.py":
        return
    for strings in _literals(path):
        assert not set(NOTATIONS) <= strings, f"{path}: a list of the notations"
        assert len(strings & FORMAT_NAMES) < 3, f"{path}: a list of the formats {sorted(strings & FORMAT_NAMES)}"


def test_the_command_line_offers_the_lists():
    params = {p.name: p for p in cli.main.params}
    assert list(params["notation"].type.choices) == list(NOTATIONS)
    assert list(params["fmt"].type.choices) == list(FORMATS)


def test_settings_refuse_an_unknown_notation_with_the_list():
    with pytest.raises(UsageError, match=r"--notation must be layer, indexed or batch, got 'matrix'"):
        Settings(notation="matrix")


def test_the_derived_lists():
    assert EXTENSIONS == {"markdown": "md", "latex": "tex", "pdf": "pdf", "json": "json", "answers": "answers.yaml",
                          "html": "html", "moodle": "xml", "qti": "zip", "text": "txt", "csv": "csv"}
    assert formats.SOLUTION_FORMATS == ("markdown", "latex", "pdf", "json", "answers", "html", "moodle", "qti")
    assert formats.REPORT_FORMATS == ("text", "markdown", "latex", "pdf", "json")
    assert formats.VARIANT_FORMATS == ("markdown", "latex", "pdf", "json", "html", "moodle", "qti")
    assert formats.LMS_FORMATS == ("moodle", "qti")
    assert formats.listing(formats.REPORT_FORMATS) == "text, markdown, latex, pdf or json"


def test_every_template_a_format_names_exists():
    for f in FORMATS.values():
        for template in (f.document, f.report_template):
            assert template is None or (ROOT / "templates" / template).is_file(), template


def test_the_renderer_the_report_and_the_variants_read_the_table():
    from solver import variants
    from solver.checking import report
    from solver.render import documents
    assert documents.MAIN == {"markdown": "markdown/solution.md.j2", "latex": "latex/solution.tex.j2"}
    assert set(report.TEMPLATES) == {"text", "markdown", "latex"}
    assert variants.EXTENSIONS == {"markdown": ("md", "md"), "latex": ("tex", "tex"), "pdf": ("pdf", "pdf"),
                                   "json": ("md", "json"), "html": ("html", "html"),
                                   "moodle": ("answers.yaml", "xml"), "qti": ("answers.yaml", "zip")}
