"""Marking a whole class: many sheets against one problem file (and its variants), each
solution computed once per problem or variant, one report per sheet, a gradebook (CSV) and a
class summary (Markdown, with a histogram of the scores).

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
            writer.writerow([str(m.path), "", "", "", "", ""] + [""] * (len(questions) + len(columns))
                            + [visible(m.error or "")])
            continue
        scores = {q.id: _points(q.score) for q in r.questions}
        verdicts = {(q.id, j.key): j.verdict for q in r.questions for j in q.judgements}
        problems = "; ".join(str(p) for p in r.problems)
        writer.writerow([str(m.path), visible(r.student or ""), "" if r.variant is None else r.variant,
                         "" if r.seed is None else r.seed, _points(r.score), _points(r.out_of)]
                        + [scores.get(q, "") for q in questions]
                        + [verdicts.get(c, "") for c in columns] + [problems])
    return buffer.getvalue()


@dataclass(frozen=True)
class Summary:
    sheets: int
    marked: int
    out_of: float
    scores: tuple[float, ...]            # percent of the marks, one per marked sheet
    counts: dict[tuple[str, str], Counter]   # (question, key) -> verdict -> how many
    departures: list[tuple[str, int]]   # "q1 step 7 (delta2)" -> how many wrong answers part there first
    unmarked: tuple[Marked, ...]

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
    for r in reports:
        for q in r.questions:
            for j in q.judgements:
                counts[(q.id, j.key)][j.verdict] += 1
                if j.verdict == WRONG and j.step is not None:
                    departures[f"{q.id} step {j.step} ({j.origin or j.key})"] += 1
    scores = tuple(100 * r.score / r.out_of if r.out_of else 0.0 for r in reports)
    return Summary(len(marked), len(reports), reports[0].out_of if reports else 0.0, scores, counts,
                   departures.most_common(5), tuple(m for m in marked if m.report is None))


def histogram_png(scores) -> bytes:
    """The scores in bins of 10 percent, as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 2.6), dpi=100)
    ax.hist(list(scores), bins=list(range(0, 101, 10)), color="#4c72b0", edgecolor="white")
    ax.set_xlabel("score (% of the marks)")
    ax.set_ylabel("sheets")
    ax.set_xlim(0, 100)
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


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


def class_files(marked: list[Marked], problem: str, fmt: str) -> dict[str, bytes]:
    """Every file of a marked class by name: each sheet's report in `fmt`, the gradebook, the
    summary and its picture."""
    files: dict[str, bytes] = {}
    names = report_names([m.path for m in marked])
    for m in marked:
        if m.report is not None:
            data = m.report.render(fmt, color=False)
            files[f"{names[m.path]}.report.{EXTENSIONS[fmt]}"] = data if isinstance(data, bytes) else data.encode()
    summary = summarize(marked)
    files["gradebook.csv"] = gradebook(marked).encode()
    picture = "summary-scores.png" if summary.scores else None
    if picture:
        files[picture] = histogram_png(summary.scores)
    files["summary.md"] = summary_markdown(summary, problem, picture).encode()
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
    if summary.unmarked:
        lines += ["", "## Sheets not marked", ""]
        lines += [f"- `{esc(str(m.path))}`: {esc(visible(m.error or ''))}" for m in summary.unmarked]
    return "\n".join(lines) + "\n"
