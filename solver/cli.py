"""The command line: parse, call the library, write the file, map errors to exit codes.

Only click, PyYAML and the reading layer are imported before a problem file has been read
and validated: `--help`, shell completion and every bad-file error answer at once, and
SymPy, NumPy and Jinja come in only when there is something to solve.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ._version import __version__
from .errors import CrossCheckError, SolveError, UsageError
from .formats import (DETAILS, EXTENSIONS, FORMAT_NAMES, FORMATS, NOTATIONS, REPORT_DEFAULT, REPORT_FORMATS,
                      SOLUTION_FORMATS, Style, listing)
from .settings import COLORS, MAX_PARAMETERS, MAX_VARIANTS, Settings

# The matrices of a worked solution are small: BLAS threads (OpenBLAS starts one per core) only add
# CPU time to each product of the training loop, and compete with the other processes of a busy
# machine. Set before NumPy is imported (only when there is something to solve: nothing above
# imports it); a value the user set wins.
for _blas in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_blas, "1")

EXIT_BELOW_PASS = 1      # --check --fail-under: the score is below the pass mark
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class _Command(click.Command):
    """The help ends with how to install TeX (the packages of render/pdf.py, imported only when the
    help is shown: it brings subprocess along) and how to turn on shell completion."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from .render.pdf import DEBIAN_PACKAGES

        self.epilog = ("\b\nPDF needs a LaTeX engine (pdflatex, xelatex or lualatex); on Debian/Ubuntu:\n"
                       f"  sudo apt-get install {' '.join(DEBIAN_PACKAGES)}\n\n"
                       "\b\nShell completion, in ~/.bashrc (zsh_source, fish_source for zsh and fish):\n"
                       '  eval "$(_SOLVE_COMPLETE=bash_source solve)"')
        super().format_epilog(ctx, formatter)


@click.command(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("problem", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("more_sheets", nargs=-1, metavar="[SHEET]...", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default=None,
              help="markdown (default): the worked solution with $...$ math; latex: a complete document; "
                   "pdf: that document compiled with pdflatex (or xelatex/lualatex); json: the answer keys; "
                   "answers: a blank answer sheet (YAML) for students; html: a self-contained page that checks "
                   "a student's answers and unfolds the solution step by step (offline); moodle: a Moodle XML "
                   "quiz (a cloze question per question, a box per entry of every key); qti: an IMS QTI 1.2 zip "
                   "for Canvas's course import. With --check: the report's format "
                   "(default: text for the terminal); csv: the gradebook of several sheets.")
@click.option("-o", "--output", help="Where to write; '-' for stdout. Default: output/<problem stem>.<ext> "
                                     "(with --check: stdout, or for several sheets a directory, output/<stem>-marks; "
                                     "with --variants: a directory, output/<stem>-variants).")
@click.option("--decimals", type=click.IntRange(0, 10), help="Digits shown after the point (file default 4).")
@click.option("--carry", type=click.Choice(["rounded", "exact"]),
              help="rounded: later steps use the rounded values shown, as by hand; exact: full precision.")
@click.option("--notation", type=click.Choice(NOTATIONS),
              help="How quantities are written: layer (z^[l] = W^[l] a^[l-1] + b^[l]), indexed (w^k_ij, "
                   "O_kj, every partial weight by weight) or batch (H_in = X W_1 over all examples at once).")
@click.option("--no-answers", is_flag=True,
              help="With --format html: a question sheet, the givens and a box per answer, without the "
                   "solution or the key.")
@click.option("--question", "question_id", metavar="ID", help="Solve only the question with this id.")
@click.option("--brief", is_flag=True, help="Drop the explaining words, keep the mathematics (an answer key that fits on fewer pages).")
@click.option("--detail", type=click.Choice(DETAILS), default=DETAILS[0], show_default=True,
              help="standard: each quantity once, as a hand solution writes it; full: every matrix "
                   "also entry by entry, for teaching.")
@click.option("--check", "answers", metavar="ANSWERS.yaml|DIR|GLOB", multiple=True, type=click.Path(path_type=Path),
              help="Mark a student's answers (a sheet from --format answers, filled in) against the key. "
                   "Several sheets (--check a.yaml b.yaml, a folder, or a quoted glob 'sheets/*.yaml'): one "
                   "report per sheet under -o DIR, a gradebook (gradebook.csv) and a class summary; "
                   "--format csv -o FILE writes only the gradebook.")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PERCENT",
              help="With --check: exit with status 1 when the score is below PERCENT of the marks "
                   "(the report is written all the same), for scripts.")
@click.option("--variants", type=click.IntRange(1, MAX_VARIANTS), metavar="N",
              help="Write N randomized versions (the file's randomize: section): each a problem file, "
                   "a question sheet and an answer key, plus combined PDFs (--format moodle, qti: every "
                   "variant in one quiz file, for a random question per student).")
@click.option("--seed", type=int, default=0, show_default=True, help="The seed of --variants: the same seed, the same files.")
@click.version_option(__version__, "--version", prog_name="solve", message="%(prog)s %(version)s")
@click.option("--max-params", type=click.IntRange(1, 100_000), default=MAX_PARAMETERS, show_default=True,
              help="Refuse networks with more parameters than this (a worked solution shows every one).")
@click.option("--color", "color", type=click.Choice(COLORS), default="auto", show_default=True,
              help="Colour in the --check report: auto (on a terminal, unless the NO_COLOR environment "
                   "variable is set), always or never.")
def main(problem: Path, more_sheets, fmt: str | None, output: str | None, decimals, carry, notation, no_answers,
         question_id, brief, detail, answers, fail_under, variants, seed, max_params, color):
    """Write the worked solution of the neural-network problems in PROBLEM (a YAML file).

    \b
    Examples:
      solve problems/exam1.yaml                     # output/exam1.md
      solve problems/exam1.yaml --format latex      # output/exam1.tex
      solve problems/exam1.yaml --format pdf --carry exact
      solve problems/exam1.yaml --format json -o -  # answer keys on stdout
      solve problems/exam1.yaml --format answers    # output/exam1.answers.yaml, to fill in
      solve problems/exam1.yaml --format html       # output/exam1.html, a self-checking page
      solve problems/exam1.yaml --format moodle     # output/exam1.xml, for Moodle's question import
      solve problems/exam1.yaml --format qti        # output/exam1.zip, for Canvas's course import
      solve problems/exam1.yaml --check mine.yaml   # mark the filled-in sheet
      solve problems/exam1.yaml --check sheets/ -o marks/   # a class: reports, gradebook, summary
      solve problems/exam1.yaml --variants 30 --seed 7 -o exam-variants/

    Exit status: 0 on success (--check: whatever the score), 1 when --check's score is below
    --fail-under, 2 on a bad problem or answer file or bad options (the message says
    FILE:LINE:COL: field: what is wrong), 3 on an internal error.
    """

    try:
        settings = Settings(decimals=decimals, carry=carry, notation=notation, question=question_id,
                            max_parameters=max_params)
        answers = list(answers) + list(more_sheets) if answers else None
        if more_sheets and not answers:
            raise UsageError(f"one problem file at a time: {more_sheets[0]} is one too many "
                             "(more files belong after --check, as answer sheets)")
        if fail_under is not None and answers is None:
            raise UsageError("--fail-under goes with --check: it sets the score below which marking exits 1")
        if answers is not None and variants is not None:
            raise UsageError("--check and --variants do different things: give one of them")
        _refuse_stdin(problem, answers)
        if no_answers and (fmt != "html" or answers is not None or variants is not None):
            raise UsageError("--no-answers goes with --format html: it writes the page as a question sheet"
                             + (" (--variants writes each variant's sheet page beside its key page)"
                                if variants is not None else ""))
        to_stdout = output == "-" or (output is None and answers is not None)  # a report goes there by default
        if fmt is not None and FORMATS[fmt].binary and variants is None and to_stdout and sys.stdout.isatty():
            raise UsageError(f"--format {fmt} would write a binary file onto the terminal: redirect it "
                             f"(> file.{EXTENSIONS[fmt]}) or give -o FILE")
        if variants is not None:
            from .variants import write_variants
            out_dir = Path(output) if output and output != "-" else Path("output") / f"{problem.stem}-variants"
            write_variants(problem, variants, seed, out_dir, fmt or "markdown", settings, Style(brief, detail),
                           progress=sys.stderr.isatty())
            return
        if answers is not None:
            from .sheetfiles import is_class
            if is_class(answers) or fmt == "csv":
                _check_class(problem, answers, fmt, output, settings)
                return
            report = _check(problem, answers[0], fmt, output, settings, color)
            if fail_under is not None and report.out_of and 100 * report.score / report.out_of < fail_under:
                sys.exit(EXIT_BELOW_PASS)
            return
        fmt = fmt or "markdown"
        if not FORMATS[fmt].solution:
            raise UsageError(f"--format {fmt} is the format of a --check report; a solution is "
                             f"{listing(SOLUTION_FORMATS)}")
        target = None if output == "-" else Path(output) if output else Path("output") / f"{problem.stem}.{EXTENSIONS[fmt]}"
        from .output import inputs_of, is_special, refuse_inputs
        inputs = inputs_of(problem)
        if target is not None:
            refuse_inputs(target, inputs)        # before any work
        # pictures go beside a file; into a device or a FIFO (as onto stdout) they are embedded
        assets: dict[str, bytes] | None = {} if target is not None and not is_special(target) else None
        data = _produce(problem, fmt, settings, assets, target.stem if target is not None else problem.stem,
                        Style(brief, detail), no_answers)
        _write(data, assets or {}, target, inputs)
    except SolveError as exc:
        click.echo(f"solve: {exc}" if not str(exc).startswith(str(problem)) else str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except CrossCheckError as exc:
        click.echo(f"solve: internal error, the SymPy and NumPy computations disagree (please report "
                   f"this with the problem file): {exc}", err=True)
        sys.exit(EXIT_INTERNAL)


def _produce(problem, fmt, settings, assets, stem, style, no_answers: bool = False) -> bytes:
    """The document; a Markdown document's pictures are put into `assets` (None: embedded)."""
    from .api import solve

    solution = solve(problem, settings)
    if fmt == "html":                  # one file: its pictures are in it
        from .render.html import render_html
        return render_html(solution, style, answers=not no_answers).encode()
    if fmt == "json":
        import json
        return (json.dumps(solution.to_json(), indent=2) + "\n").encode()
    if fmt == "answers":
        from .answersheet import answer_sheet
        return answer_sheet(solution).encode()
    if FORMATS[fmt].lms:                  # pictures travel inside the file
        from .exports import export
        return export(fmt, solution, stem, style)
    if fmt == "pdf":
        from .render.pdf import compile_pdf
        pdf, _ = compile_pdf(solution.render("latex", brief=style.brief, detail=style.detail))
        return pdf
    return solution.render(fmt, assets, stem, style.brief, style.detail).encode()


def _check(problem: Path, answers: Path, fmt: str | None, output: str | None, settings, color: str):
    """Mark the answers; the report goes to stdout (text, coloured as --color says) or to -o.
    The sheet is read first: a sheet that is not YAML is refused before anything is solved."""
    from .output import inputs_of, refuse_inputs
    from .yamlsource import load_sheet

    if fmt is not None and not FORMATS[fmt].report:
        raise UsageError(f"--format {fmt} is not a format of a --check report; choose {listing(REPORT_FORMATS)}")
    to_stdout = output in (None, "-")
    inputs = inputs_of(problem, answers)
    if not to_stdout:
        refuse_inputs(Path(output), inputs)     # before any work
    sheet = load_sheet(answers)
    from .checking import check_sheet, solution_for

    solution = solution_for(problem, sheet, settings)

    report = check_sheet(solution, sheet)
    fmt = fmt or REPORT_DEFAULT
    data = report.render(fmt, color=fmt == REPORT_DEFAULT and use_color(color, sys.stdout if to_stdout else None))
    _write(data if isinstance(data, bytes) else data.encode(), {}, None if to_stdout else Path(output), inputs)
    return report


def _check_class(problem: Path, items, fmt: str | None, output: str | None, settings) -> None:
    """Mark several sheets: a report each, the gradebook and the class summary under -o DIR
    (default output/<stem>-marks); with --format csv, only the gradebook, into -o FILE."""
    from .checking.classbook import class_files, gradebook, mark_class
    from .sheetfiles import sheet_paths
    from .output import inputs_of, refuse_inputs, write_atomic

    sheets = sheet_paths(items)
    inputs = inputs_of(problem, *sheets)
    if fmt == "csv" and output not in (None, "-"):
        refuse_inputs(Path(output), inputs)
    progress = _progress_bar("marking") if sys.stderr.isatty() else None
    marked = mark_class(problem, sheets, settings, progress)
    for m in marked:
        if m.report is None:
            click.echo(f"solve: not marked: {m.error}", err=True)
    if fmt == "csv":
        target = None if output == "-" else Path(output or Path("output") / f"{problem.stem}-gradebook.csv")
        _write(gradebook(marked).encode(), {}, target, inputs)
        return
    folder = Path(output) if output and output != "-" else Path("output") / f"{problem.stem}-marks"
    files = class_files(marked, str(problem), fmt or REPORT_DEFAULT)
    for name in files:
        refuse_inputs(folder / name, inputs)       # all of them before any is written
    for name, data in files.items():
        write_atomic(folder / name, data)
    reports = sum(name.endswith(".report." + EXTENSIONS[fmt or REPORT_DEFAULT]) for name in files)
    summaries = " and ".join(n for n in ("summary.md", "summary.pdf") if n in files)
    if "summary.pdf" not in files:
        from .render.pdf import INSTALL_HINT
        click.echo(f"solve: summary.pdf not written: {INSTALL_HINT}", err=True)
    click.echo(f"marked {reports} of {len(marked)} sheets: {reports} reports, gradebook.csv and {summaries} "
               f"in {folder}", err=True)


def _progress_bar(what: str):
    def show(done: int, total: int) -> None:
        click.echo(f"\r{what} {done}/{total}", err=True, nl=done == total)
    return show


def use_color(choice: str, stream) -> bool:
    """--color: always, never, or auto: only onto a terminal (`stream`; None for a file), and
    not when the NO_COLOR environment variable is set to anything (https://no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return stream is not None and stream.isatty() and not os.environ.get("NO_COLOR")


def _write(data: bytes, assets: dict[str, bytes], target: Path | None, inputs=None) -> None:
    """The pictures first, then the document that refers to them, each atomically (solver/output.py:
    a device or a FIFO is written through, never replaced; no input is ever overwritten)."""
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from .output import refuse_inputs, write_atomic

    for path in [target.parent / name for name in assets] + [target]:
        refuse_inputs(path, inputs or {})        # all of them before any is written
    for name, content in assets.items():
        write_atomic(target.parent / name, content, inputs)
    write_atomic(target, data, inputs)
    click.echo(f"wrote {target}" + (f" and {len(assets)} picture(s) beside it" if assets else ""), err=True)


def _refuse_stdin(problem: Path, answers: list[Path] | None) -> None:
    """`-` is not read as stdin (a problem's name, its folder and the positions in messages all
    come from its path); say so rather than "-: no such file"."""
    if str(problem) == "-" and not problem.exists():
        raise UsageError("PROBLEM '-': the problem file is not read from stdin; give its path "
                         "(e.g. problems/exam1.yaml)")
    if any(str(a) == "-" and not a.exists() for a in answers or ()):
        raise UsageError("--check '-': the answer sheet is not read from stdin; give its path "
                         "(e.g. mine.yaml, filled in from --format answers)")
