"""The list of notations and the table of output formats: each written here once.

The command line (its choices and --help), the settings, the problem reader, the renderer,
the variants and the check report read them from here. Plain Python, no third-party
import: the command line's --help and the reader use it before anything heavy is loaded.
"""
from __future__ import annotations

from dataclasses import dataclass

# How quantities are written: the first is what a file gets when it names none.
NOTATIONS = ("layer", "indexed", "batch")
# How much a worked solution writes out (--detail): the first is the default.
DETAILS = ("standard", "full")


@dataclass(frozen=True)
class Style:
    """How a worked solution is written, beside its format: --brief and --detail."""

    brief: bool = False          # drop the explaining words, keep the mathematics
    detail: str = DETAILS[0]     # standard: each quantity once, as the notes write it;
                                 # full: every matrix also entry by entry, for teaching

    def __post_init__(self):
        if self.detail not in DETAILS:
            raise ValueError(f"detail must be {listing(DETAILS)}, got {self.detail!r}")

    @property
    def full(self) -> bool:
        return self.detail == "full"


@dataclass(frozen=True)
class Format:
    name: str
    extension: str                            # of the file `solve` writes in it
    solution: bool = True                     # a worked solution can be written in it
    document: str | None = None               # the template of a worked solution, if rendered from one
    report: bool = True                       # a check report can be written in it
    report_template: str | None = None        # the template of a check report, if rendered from one
    variants: tuple[str, str] | None = None   # --variants: the extensions of a variant's sheet and key
    lms: bool = False                         # a learning-platform export (solver/exports): with --variants,
                                              #   every variant in one file, beside each variant's answer sheet
    binary: bool = False                      # not text: refused onto a terminal


FORMATS: dict[str, Format] = {f.name: f for f in [
    Format("markdown", "md", document="markdown/solution.md.j2", report_template="report/report.md.j2",
           variants=("md", "md")),
    Format("latex", "tex", document="latex/solution.tex.j2", report_template="report/report.tex.j2",
           variants=("tex", "tex")),
    Format("pdf", "pdf", variants=("pdf", "pdf"), binary=True),            # the LaTeX compiled
    Format("json", "json", variants=("md", "json")),          # a JSON key's sheet is Markdown
    Format("answers", "answers.yaml", report=False),          # a blank answer sheet
    Format("html", "html", report=False, variants=("html", "html")),   # a self-checking page (render/html.py)
    Format("moodle", "xml", report=False, variants=("answers.yaml", "xml"), lms=True),   # a Moodle XML quiz
    Format("qti", "zip", report=False, variants=("answers.yaml", "zip"), lms=True, binary=True),  # QTI 1.2 for Canvas
    Format("text", "txt", solution=False, report_template="report/report.txt.j2"),   # the terminal's report
    Format("csv", "csv", solution=False, report=False),      # --check of a class: the gradebook
]}

FORMAT_NAMES = tuple(FORMATS)
EXTENSIONS = {name: f.extension for name, f in FORMATS.items()}
SOLUTION_FORMATS = tuple(name for name, f in FORMATS.items() if f.solution)
REPORT_DEFAULT = "text"
REPORT_FORMATS = (REPORT_DEFAULT,) + tuple(name for name, f in FORMATS.items() if f.report and name != REPORT_DEFAULT)
VARIANT_FORMATS = tuple(name for name, f in FORMATS.items() if f.variants)
LMS_FORMATS = tuple(name for name, f in FORMATS.items() if f.lms)
DOCUMENTS = {name: f.document for name, f in FORMATS.items() if f.document}
REPORT_TEMPLATES = {name: f.report_template for name, f in FORMATS.items() if f.report_template}


def listing(names) -> str:
    """a, b or c"""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
