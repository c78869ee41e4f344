"""Marking a whole class: many sheets against one problem file (and its variants), each
solution computed once per problem or variant, one report per sheet, a gradebook (CSV) and a
class summary: Markdown with a histogram of the scores as SVG (written here, no plotting
library), and the same as a PDF (LaTeX, the histogram in pgfplots) when a LaTeX engine is found.

A sheet that cannot be marked at all (not YAML, a variant the file cannot draw) does not stop
the others: its row in the gradebook says why, and the command says so on stderr.
"""
from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import SolveError, visible
from ..formats import EXTENSIONS
from ..answersheet.read import sheet_header
from ..yamlsource import load_sheet
from . import check_sheet, solution_for
from .judge import CARRIED, CORRECT, MISSING, WRONG
from .report import Report

VERDICTS = (CORRECT, CARRIED, WRONG, MISSING)


@dataclass(frozen=True)
class Marked:
    """One sheet of the class: its report, or why it could not be marked."""
    path: Path
    report: Report | None
    error: str | None = None


def mark_class(problem: Path, sheets: list[Path], settings, progress=None) -> list[Marked]:
    """Every sheet marked; the solution of the problem and of each variant is computed once."""
    solutions: dict[tuple | None, object] = {}
    out = []
    for i, path in enumerate(sheets):
        try:
            src = load_sheet(path)
            head = sheet_header(src)
            which = (head.variant, head.seed) if head.variant is not None else None
            if which not in solutions:
                solutions[which] = solution_for(problem, src, settings)
            out.append(Marked(path, check_sheet(solutions[which], src)))
        except SolveError as exc:
            out.append(Marked(path, None, str(exc)))
        if progress:
            progress(i + 1, len(sheets))
    return out


def _columns(marked: list[Marked]) -> list[tuple[str, str]]:
    """(question id, key) of every answer key met, in the order of the first sheet that has it."""
    seen: list[tuple[str, str]] = []
    for m in marked:
        if m.report is None:
            continue
        for q in m.report.questions:
            for j in q.judgements:
                if (q.id, j.key) not in seen:
                    seen.append((q.id, j.key))
    return seen


def _points(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def gradebook(marked: list[Marked]) -> str:
    """One row per sheet: file, student, variant, score, out of, then each question's score and
    each key's verdict; a sheet that could not be marked has its reason in `note`."""
    columns = _columns(marked)
    questions = list(dict.fromkeys(q for q, _ in columns))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "student", "variant", "seed", "score", "out_of"] + questions
                    + [f"{q}.{k}" for q, k in columns] + ["note"])
    for m in marked:
        r = m.report
        if r is None:
            writer.writerow([_cell(str(m.path)), "", "", "", "", ""] + [""] * (len(questions) + len(columns))
                            + [_cell(m.error or "")])
            continue
        scores = {q.id: _points(q.score) for q in r.questions}
        verdicts = {(q.id, j.key): j.verdict for q in r.questions for j in q.judgements}
        problems = "; ".join(str(p) for p in r.problems)
        writer.writerow([_cell(str(m.path)), _cell(r.student or ""), "" if r.variant is None else r.variant,
                         "" if r.seed is None else r.seed, _points(r.score), _points(r.out_of)]
                        + [scores.get(q, "") for q in questions]
                        + [verdicts.get(c, "") for c in columns] + [_cell(problems)])
    return buffer.getvalue()


def _cell(text: str) -> str:
    """A student's text for a spreadsheet: control characters shown as their escapes, and a
    leading = + - @ (which a spreadsheet would run as a formula) kept as text by a quote mark."""
    text = visible(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@dataclass(frozen=True)
class Summary:
    sheets: int
    marked: int
    out_of: float
    scores: tuple[float, ...]            # percent of the marks, one per marked sheet
    counts: dict[tuple[str, str], Counter]   # (question, key) -> verdict -> how many
    departures: list[tuple[str, int]]   # "q1 step 7 (delta2)" -> how many wrong answers part there first
    unmarked: tuple[Marked, ...]
    slips: list[tuple[tuple[str, str, str], int]] = ()   # (question, key, slip) -> how many, most common first
    rows: tuple[tuple[str, str, str, float, float], ...] = ()   # per marked sheet (as scores): file, student, variant, score, out of

    @property
    def bins(self) -> list[int]:
        """How many scores in each tenth of the marks: [0, 10), [10, 20), ..., [90, 100]."""
        counts = [0] * 10
        for score in self.scores:
            counts[min(max(int(score // 10), 0), 9)] += 1
        return counts

    @property
    def axis(self) -> tuple[int, int]:
        """The histogram's count axis, (top, step): at most about five whole-number ticks."""
        most = max(max(self.bins), 1)
        step = max(1, -(-most // 5))
        return -(-most // step) * step, step

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores) if self.scores else 0.0


def summarize(marked: list[Marked]) -> Summary:
    reports = [m.report for m in marked if m.report is not None]
    counts: dict[tuple[str, str], Counter] = {c: Counter() for c in _columns(marked)}
    departures: Counter = Counter()
    slips: Counter = Counter()
    for r in reports:
        for q in r.questions:
            for j in q.judgements:
                counts[(q.id, j.key)][j.verdict] += 1
                if j.verdict == WRONG and j.step is not None:
                    departures[f"{q.id} step {j.step} ({j.origin or j.key})"] += 1
                if j.slip:
                    slips[(q.id, j.key, j.slip)] += 1
    scores = tuple(100 * r.score / r.out_of if r.out_of else 0.0 for r in reports)
    return Summary(len(marked), len(reports), reports[0].out_of if reports else 0.0, scores, counts,
                   departures.most_common(5), tuple(m for m in marked if m.report is None),
                   slips.most_common(5),
                   tuple((str(m.path), m.report.student or "", "" if m.report.variant is None else str(m.report.variant),
                          m.report.score, m.report.out_of) for m in marked if m.report is not None))


def histogram_svg(summary: Summary) -> bytes:
    """The scores in bins of 10 percent, as an SVG picture drawn here (no plotting library)."""
    bins = summary.bins
    top, step = summary.axis                    # as the PDF's
    width, height, left, right, up, down = 600, 260, 56, 16, 16, 48
    plot_w, plot_h = width - left - right, height - up - down

    def x(percent: float) -> float:
        return left + plot_w * percent / 100

    def y(count: float) -> float:
        return up + plot_h * (1 - count / top)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<title>The scores of the class, in bins of 10 percent</title>',
           f'<desc>{_svg_text(", ".join(f"{10 * i} to {10 * i + 10} %: {n}" for i, n in enumerate(bins)))}</desc>',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for count in range(0, top + 1, step):
        out.append(f'<line x1="{left}" y1="{y(count):.1f}" x2="{width - right}" y2="{y(count):.1f}" '
                   f'stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 6}" y="{y(count) + 4:.1f}" text-anchor="end">{count}</text>')
    for i, n in enumerate(bins):
        if n:
            out.append(f'<rect x="{x(10 * i) + 1:.1f}" y="{y(n):.1f}" width="{plot_w / 10 - 2:.1f}" '
                       f'height="{y(0) - y(n):.1f}" fill="#4c72b0"/>')
    for percent in range(0, 101, 10):
        out.append(f'<line x1="{x(percent):.1f}" y1="{y(0):.1f}" x2="{x(percent):.1f}" y2="{y(0) + 4:.1f}" '
                   f'stroke="black"/>')
        out.append(f'<text x="{x(percent):.1f}" y="{y(0) + 17:.1f}" text-anchor="middle">{percent}</text>')
    out += [f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" stroke="black"/>',
            f'<line x1="{left}" y1="{up}" x2="{left}" y2="{y(0):.1f}" stroke="black"/>',
            f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle">score (% of the marks)</text>',
            f'<text x="14" y="{up + plot_h / 2:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 14 {up + plot_h / 2:.1f})">sheets</text>',
            '</svg>']
    return ("\n".join(out) + "\n").encode()


def _svg_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def report_names(paths: list[Path]) -> dict[Path, str]:
    """The name of each sheet's report (before `.report.<ext>`): its file's stem, or, where two
    sheets share a stem (a/alice.yaml, b/alice.yaml; compared without case, as some file systems
    do), its folders from where their paths part, joined by `--` (a--alice, b--alice); a name
    still taken gets -2, -3, ... in the order of the sheets."""
    by_stem: dict[str, list[Path]] = {}
    for p in paths:
        by_stem.setdefault(p.stem.casefold(), []).append(p)
    names: dict[Path, str] = {}
    for p in paths:
        clash = by_stem[p.stem.casefold()]
        if len(clash) == 1:
            names[p] = p.stem
            continue
        parents = [q.resolve().parent.parts for q in clash]
        common = 0
        while all(len(ps) > common for ps in parents) and len({ps[common] for ps in parents}) == 1:
            common += 1
        names[p] = "--".join(p.resolve().parent.parts[common:] + (p.stem,))
    taken: set[str] = set()
    for p in paths:
        name, k = names[p], 1
        while name.casefold() in taken:
            k += 1
            name = f"{names[p]}-{k}"
        taken.add(name.casefold())
        names[p] = name
    return names


def class_files(marked: list[Marked], problem: str, fmt: str, pdf: bool = True) -> dict[str, bytes]:
    """Every file of a marked class by name: each sheet's report in `fmt`, the gradebook, the
    summary and its picture, and (`pdf`, when a LaTeX engine is found) the summary as a PDF."""
    files: dict[str, bytes] = {}
    names = report_names([m.path for m in marked])
    for m in marked:
        if m.report is not None:
            data = m.report.render(fmt, color=False)
            files[f"{names[m.path]}.report.{EXTENSIONS[fmt]}"] = data if isinstance(data, bytes) else data.encode()
    summary = summarize(marked)
    files["gradebook.csv"] = gradebook(marked).encode()
    picture = "summary-scores.svg" if summary.scores else None
    if picture:
        files[picture] = histogram_svg(summary)
    files["summary.md"] = summary_markdown(summary, problem, picture).encode()
    from ..render.pdf import find_engine
    if pdf and find_engine() is not None:
        from ..render.pdf import compile_pdf
        files["summary.pdf"] = compile_pdf(summary_latex(summary, problem))[0]
    return files


def summary_markdown(summary: Summary, problem: str, picture: str | None) -> str:
    """The class summary: the scores, a picture of them, and per key how the class did."""
    from ..render.documents import markdown_escape as esc

    lines = [f"# Class summary: {esc(problem)}", "",
             f"{summary.marked} of {summary.sheets} sheets marked, out of {_points(summary.out_of)} marks each."]
    if summary.scores:
        lines += ["", f"Mean score {summary.mean:.1f} %, median {summary.median:.1f} %, "
                      f"lowest {min(summary.scores):.1f} %, highest {max(summary.scores):.1f} %."]
    if picture:
        lines += ["", f"![The scores of the class, in bins of 10 percent]({picture})"]
    lines += ["", "## Each answer key", "", "| key | correct | carried | wrong | missing |", "|---|---|---|---|---|"]
    for (q, k), c in summary.counts.items():
        lines.append(f"| `{q}.{k}` | " + " | ".join(str(c[v]) for v in VERDICTS) + " |")
    if summary.departures:
        lines += ["", "## Where wrong answers first part from the key", "",
                  "| step | wrong answers |", "|---|---|"]
        lines += [f"| {esc(where)} | {n} |" for where, n in summary.departures]
    if summary.slips:
        lines += ["", "## The most common slips", "", "| key | slip | sheets |", "|---|---|---|"]
        lines += [f"| `{q}.{k}` | {esc(SLIP_WORDS.get(slip, slip))} | {n} |" for (q, k, slip), n in summary.slips]
    if summary.rows:
        lines += ["", "## Each sheet", "", "| sheet | student | variant | score | % |", "|---|---|---|---|---|"]
        lines += [f"| {esc(path)} | {esc(student)} | {variant} | {_points(score)} / {_points(out_of)} | {percent:.1f} |"
                  for (path, student, variant, score, out_of), percent in zip(summary.rows, summary.scores)]
    if summary.unmarked:
        lines += ["", "## Sheets not marked", ""]
        lines += [f"- {esc(str(m.path))}: {esc(visible(m.error or ''))}" for m in summary.unmarked]
    return "\n".join(lines) + "\n"


SLIP_WORDS = {"sign": "sign flipped", "decimal_shift": "decimal point moved", "transposed": "matrix transposed",
              "swapped": "two entries swapped", "truncated": "cut instead of rounded",
              "fewer_decimals": "fewer decimals than asked", "other_key": "the value of another key"}


def summary_latex(summary: Summary, problem: str) -> str:
    """The class summary as a LaTeX document: what summary.md says, the histogram in pgfplots."""
    from ..render.documents import environment, latex_escape

    return environment().get_template("report/summary.tex.j2").render(
        s=summary, problem=problem, esc=latex_escape, points=_points, verdicts=VERDICTS,
        ytop=summary.axis[0], ystep=summary.axis[1],
        slip_words=SLIP_WORDS, unmarked=[(str(m.path), visible(m.error or "")) for m in summary.unmarked])
