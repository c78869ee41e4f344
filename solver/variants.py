"""--variants N --seed S: N versions of a problem file, each drawn from its randomize: section,
checked for degenerate numbers, and written as a problem file, a question sheet and an answer key.

Variant k (1-based) draws from numpy's default_rng(SeedSequence([S, k])) alone, so a variant
is the same whatever N, whatever the order or the process it is computed in. A variant's
problem file is the original text with the drawn values put in place (comments and layout
kept) and the randomize: section taken out; its answer key is the solution of that text.

A draw is rejected, and drawn again from the same generator, when (each rule a function
below, `degenerate` runs them in this order):
- invalid: the drawn file is not a valid problem file;
- fails: its solution cannot be worked out (ArithmeticError, e.g. the log of an output
  that rounds to 0);
- zero gradient: every shown entry of a gradient (delta, dW, db, a loss's derivative,
  a graph's partial) is 0;
- saturated: a sigmoid, softmax or tanh unit shows a bound of its range (0 or 1, -1 or 1)
  at the shown decimals;
- converged: a perceptron makes no update at all;
- clash: two entries of one answer (one matrix or vector) show the same non-zero value, or two answers
  of the same shape (not single numbers) show the same values entirely.
Each rule rejects only what the original file does not have itself: a zero gradient or two
equal entries that the original also shows (init: {weights: 1}, a step activation) are by design.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import json
import multiprocessing
import os
import pickle
import re
import sys
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import yaml

from .activations import ACTIVATIONS
from .errors import ProblemError, SolveError, UsageError
from .kinds.registry import KINDS, Degenerate, Kind
from .formats import FORMATS, VARIANT_FORMATS, Style
from .model import Problem
from .randomize import Randomize
from .solution import QuestionSolution, Solution
from .steps import StepKind
from .yamlsource import load_bytes, read_file

MAX_DRAWS = 200           # draws per variant before giving up
GRADIENTS = (StepKind.OUTPUT_DELTA, StepKind.HIDDEN_DELTA, StepKind.WEIGHT_GRAD, StepKind.BIAS_GRAD,
             StepKind.LOSS_GRAD, StepKind.PATH_SUM)
# the extension of a variant's sheet and key in each format (a JSON key's sheet is Markdown)
EXTENSIONS = {name: FORMATS[name].variants for name in VARIANT_FORMATS}
REASONS = {"invalid": "the drawn file is invalid", "fails": "the solution cannot be worked out",
           "zero gradient": "a gradient is zero", "saturated": "an output saturates",
           "clash": "two answers show the same numbers",
           **{d.reason: d.words for k in KINDS.values() for d in k.degenerate}}
FIXES = {"invalid": "narrow the ranges so every combination gives a valid file",
         "fails": "narrow the ranges (smaller weights keep outputs away from 0 and 1)",
         "zero gradient": "keep inputs and weights away from 0, or draw from a range without 0",
         "saturated": "draw smaller weights and inputs, or show more decimals",
         "clash": "widen the ranges or use a finer step, so that equal numbers are rarer",
         **{d.reason: d.fix for k in KINDS.values() for d in k.degenerate}}


class Rejected(Exception):
    """A draw that does not make a good variant: `reason` is a key of REASONS."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{REASONS[reason]}: {detail}")
        self.reason, self.detail = reason, detail

    def __reduce__(self):
        return type(self), (self.reason, self.detail)


# ---------------------------------------------------------------- the rules


def zero_gradient(qs: QuestionSolution, original: QuestionSolution) -> str | None:
    for step in qs.steps:
        if step.kind in GRADIENTS and step.is_answer and _all_zero(step.value) \
                and not _all_zero(_value_in(original, step.key, step.value)):
            return f"{qs.question.id}: {step.key} is 0 everywhere"
    return None


def saturated(qs: QuestionSolution, original: QuestionSolution) -> str | None:
    net = qs.question.network
    if net is None:
        return None
    for step in qs.steps:
        if step.kind != StepKind.ACTIVATION or step.layer is None:
            continue
        bounds = ACTIVATIONS[net.layers[step.layer - 1].activation].saturates   # the values a saturated unit shows
        if bounds is None:
            continue
        hit = np.isin(np.asarray(step.value, dtype=float), bounds)
        before = _value_in(original, step.key, None)
        if before is not None and np.shape(before) == np.shape(step.value):
            hit &= ~np.isin(np.asarray(before, dtype=float), bounds)
        if hit.any():
            shown = float(np.asarray(step.value, dtype=float)[hit][0])
            return f"{qs.question.id}: {step.key} shows {shown:g}"
    return None


def clash(qs: QuestionSolution, original: QuestionSolution) -> str | None:
    before = {s.key: np.asarray(s.value, dtype=float) for s in original.steps if s.is_answer}
    now = {s.key: np.asarray(s.value, dtype=float) for s in qs.steps if s.is_answer}
    for key, value in now.items():
        old = before.get(key)
        if old is None or old.shape != value.shape or value.size < 2:
            continue
        flat, old_flat = value.ravel(), old.ravel()
        _, group, counts = np.unique(flat, return_inverse=True, return_counts=True)
        for g in np.flatnonzero(counts > 1):
            where = np.flatnonzero(group.ravel() == g)
            if flat[where[0]] == 0:
                continue           # zeros are what a unit switched off or an input of 0 gives, not a clash
            if np.unique(old_flat[where]).size > 1:
                i, j = (np.unravel_index(w, value.shape) for w in where[:2])
                return f"{qs.question.id}: {key} shows {flat[where[0]]:g} at {_index(i)} and at {_index(j)}"
    keys = [k for k, v in now.items() if v.size >= 2]
    inputs = {s.key: set(s.inputs) for s in qs.steps}
    for a_i, a in enumerate(keys):
        for b in keys[a_i + 1:]:
            if a in inputs.get(b, ()) or b in inputs.get(a, ()):
                continue    # a step equal to its own input is the method at work (a ReLU whose units are
                            # all active: a = z), not a clash; rejecting it would favour dead units
            if now[a].shape == now[b].shape and np.array_equal(now[a], now[b]) \
                    and a in before and b in before and before[a].shape == before[b].shape \
                    and not np.array_equal(before[a], before[b]):
                return f"{qs.question.id}: {a} and {b} show the same values"
    return None


def _kind_rule(k: Kind, d: Degenerate):
    """A kind's own rule, asked of that kind's questions only."""
    def rule(qs: QuestionSolution, original: QuestionSolution) -> str | None:
        return k.function(d.rule)(qs, original) if qs.question.kind == k.name else None
    return rule


# the rules every question is put to, in order: a kind's own (solver/kinds/registry.py) before clash
RULES = (("zero gradient", zero_gradient), ("saturated", saturated),
         *((d.reason, _kind_rule(k, d)) for k in KINDS.values() for d in k.degenerate), ("clash", clash))


def degenerate(solution: Solution, original: Solution) -> Rejected | None:
    """The first rule a solved variant breaks, or None for a good variant."""
    originals = {qs.question.id: qs for qs in original.questions}
    for name, rule in RULES:
        for qs in solution.questions:
            if qs.question.id in originals:
                detail = rule(qs, originals[qs.question.id])
                if detail:
                    return Rejected(name, detail)
    return None


def _all_zero(value) -> bool:
    return value is not None and bool(np.all(np.asarray(value, dtype=float) == 0))


def _value_in(qs: QuestionSolution, key: str, default):
    return next((s.value for s in qs.steps if s.key == key), default)


def _index(i) -> str:
    return "".join(f"[{int(n)}]" for n in i)


# ---------------------------------------------------------------- drawing


@dataclass(frozen=True, eq=False)
class Plan:
    """What every variant starts from, loaded once (in each worker process)."""
    path: Path
    text: str                      # the original file
    problem: Problem
    original: Solution
    settings: Any
    spans: dict[tuple, tuple[int, int]]   # character span of each rule's value in `text`
    cut: tuple[int, int]           # the span of the randomize: section
    where: tuple[int, int]         # its line and column
    seed: int
    fmt: str
    style: Style                   # --brief, --detail
    names: tuple[str, int]         # file stem and the width of variant numbers


@dataclass(frozen=True)
class Variant:
    k: int
    text: str                      # its problem file
    draws: int                     # how many draws it took
    files: dict[str, bytes]        # name -> content (problem file, sheet, key, pictures)
    sheet_tex: str                 # its sheet and key as bodies of the combined LaTeX documents
    key_tex: str
    lms: Any = None                # moodle, qti: its questions for the one file of every variant (exports.common.LmsQuestion)


def variant_solution(path: Path, k: int, seed: int, settings) -> Solution:
    """The solution of variant k of seed S, drawn again as --variants drew it (for marking a
    sheet that says which variant it answers)."""
    plan = load_plan(path, seed, "json", settings, Style(), k)
    return draw(plan, k)[1]


def load_plan(path: Path, seed: int, fmt: str, settings, style: Style, count: int) -> Plan:
    from .api import solve
    original = solve(path, settings)
    randomize = original.problem.randomize
    if randomize is None:
        raise UsageError(f"{path} has no randomize: section: add one that names the values to draw, e.g. "
                         "randomize: {network.layers[0].weights: {low: -0.5, high: 0.5, step: 0.1}} "
                         "(see docs/variants.md)")
    raw = read_file(path)             # bounded, as the first reading was
    text = raw.decode("utf-8-sig")
    spans, cut, where = _spans(text, randomize)
    return Plan(Path(path), text, original.problem, original, settings, spans, cut, where, seed, fmt, style,
                (Path(path).stem, max(2, len(str(count)))))


def _spans(text: str, randomize: Randomize) -> tuple[dict, tuple[int, int], tuple[int, int]]:
    """Where each value drawn stands in the text, and the lines of the randomize: section."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    spans = {}
    for rule in randomize.rules:
        node = root
        for part in rule.target:
            if isinstance(part, int):
                node = node.value[part]
            else:
                node = next(v for k, v in node.value if k.value == part)
        start, end = node.start_mark.index, node.end_mark.index
        while end > start and text[end - 1] in " \t\r\n":     # a block value's end runs into the next line
            end -= 1
        spans[rule.target] = (start, end)
    key, value = next((k, v) for k, v in root.value if k.value == "randomize")
    lines = text[:key.start_mark.index].split("\n")[:-1]     # the lines above the key
    while lines and lines[-1].lstrip().startswith("#"):      # its comments go with it
        lines.pop()
    start = sum(len(line) + 1 for line in lines)
    end = value.end_mark.index
    newline = text.find("\n", end - 1) if end > 0 else -1
    end = len(text) if newline < 0 else newline + 1
    return spans, (start, end), (key.start_mark.line + 1, key.start_mark.column + 1)


def variant_text(plan: Plan, drawn, k: int) -> str:
    """The original text with the drawn values in place and without the randomize: section."""
    edits = [(plan.spans[rule.target], _flow(text)) for rule, _, text in drawn] + [(plan.cut, "")]
    out = plan.text
    for (start, end), new in sorted(edits, key=lambda e: e[0][0], reverse=True):
        out = out[:start] + new + out[end:]
    out = out.rstrip() + "\n"           # the section was often last: no blank lines left at the end
    # an editor's schema line names the schema relative to the original's folder, not the variant's
    out = re.sub(r"^# yaml-language-server:.*\n", "", out, count=1, flags=re.M)
    header = f"# Variant {k} of {plan.path.name}, drawn with --seed {plan.seed} (solve --variants)\n"
    return header + out


def _flow(text) -> str:
    if isinstance(text, list):
        return "[" + ", ".join(_flow(t) for t in text) + "]"
    return text


def draw(plan: Plan, k: int) -> tuple[str, Solution, int]:
    """Variant k: its text, its solution, how many draws it took. Raises ProblemError
    naming the reason met most often when MAX_DRAWS draws give no good variant."""
    rng = np.random.default_rng(np.random.SeedSequence([plan.seed, k]))
    reasons: Counter[str] = Counter()
    example: dict[str, str] = {}
    for attempt in range(1, MAX_DRAWS + 1):
        drawn = plan.problem.randomize.draw(rng)
        text = variant_text(plan, drawn, k)
        try:
            solution = solve_text(text, plan, k)
            rejected = degenerate(solution, plan.original)
        except Rejected as exc:
            rejected = exc
        if rejected is None:
            return text, solution, attempt
        reasons[rejected.reason] += 1
        example.setdefault(rejected.reason, rejected.detail)
    reason, times = reasons.most_common(1)[0]
    raise ProblemError(str(plan.path), plan.where[0], plan.where[1], "randomize",
                       f"no good variant {k} in {MAX_DRAWS} draws: most often ({times} times) "
                       f"{REASONS[reason]} (e.g. {example[reason]}); {FIXES[reason]}")


def solve_text(text: str, plan: Plan, k: int) -> Solution:
    """The solution of a variant's text, as `solve` makes it of a file."""
    from .kinds import solved as solve_one
    from .problem import read_problem
    try:
        problem = read_problem(load_bytes(text.encode(), _name(plan, k, "yaml")), plan.settings.max_parameters)
    except SolveError as exc:
        raise Rejected("invalid", str(exc)) from None
    questions = tuple(plan.settings.applied_to(q) for q in problem.questions)
    if plan.settings.question is not None:
        questions = tuple(q for q in questions if q.id == plan.settings.question)
    solved = []
    for q in questions:
        try:
            solved.append(solve_one(q))
        except ArithmeticError as exc:
            raise Rejected("fails", f"{q.id}: {exc}") from None
    return Solution(dataclasses.replace(problem, questions=questions), tuple(solved))


def _name(plan: Plan, k: int, suffix: str) -> str:
    stem, width = plan.names
    return f"{stem}-v{k:0{width}d}" + (f".{suffix}" if suffix == "yaml" else f"-{suffix}")


# ---------------------------------------------------------------- rendering


def make_variant(plan: Plan, k: int) -> Variant:
    """Draw variant k and render its files (in whatever process this runs)."""
    from .answersheet import answer_sheet
    from .render.documents import render_sheet, render_variant_body
    text, solution, draws = draw(plan, k)
    sheet_ext, key_ext = EXTENSIONS[plan.fmt]
    base = _name(plan, k, "yaml")[:-len(".yaml")]
    files: dict[str, bytes] = {f"{base}.yaml": text.encode(),
                               f"{base}.answers.yaml": answer_sheet(solution, k, plan.seed, str(plan.path)).encode()}
    label = f"Variant {k}, seed {plan.seed}"
    assets: dict[str, bytes] = {}
    lms = None
    if FORMATS[plan.fmt].lms:            # moodle, qti: every variant goes into one file (write_variants)
        from .exports.common import lms_questions
        lms = lms_questions(solution, base, plan.style, label)
    elif plan.fmt == "json":
        files[f"{base}-key.json"] = (json.dumps(solution.to_json(), indent=2) + "\n").encode()
    elif plan.fmt == "html":                  # one page each, pictures inside: the key checks answers
        from .render.html import render_html
        files[f"{base}-key.html"] = render_html(solution, plan.style, label=label).encode()
        files[f"{base}-sheet.html"] = render_html(solution, plan.style, answers=False, label=label).encode()
    elif FORMATS[plan.fmt].document:     # markdown, latex: the key as rendered
        key = solution.render(plan.fmt, assets, base, plan.style.brief, plan.style.detail)
        files[f"{base}-key.{key_ext}"] = key.encode()
    else:
        from .render.pdf import compile_pdf
        with reproducible_tex():
            files[f"{base}-key.pdf"] = compile_pdf(solution.render("latex", brief=plan.style.brief, detail=plan.style.detail))[0]
            files[f"{base}-sheet.pdf"] = compile_pdf(render_sheet(solution, "latex", None, base, plan.style,
                                                                  label))[0]
    if plan.fmt not in ("pdf", "html") and lms is None:
        sheet_fmt = "latex" if plan.fmt == "latex" else "markdown"
        files[f"{base}-sheet.{sheet_ext}"] = render_sheet(solution, sheet_fmt, assets, base, plan.style,
                                                                  label).encode()
    files.update(assets)
    return Variant(k, text, draws, files, render_variant_body(solution, "sheet", label, plan.style),
                   render_variant_body(solution, "key", label, plan.style), lms)


@contextlib.contextmanager
def reproducible_tex() -> Iterator[None]:
    """pdfTeX writes the date and an ID made from it into a PDF; fixed, the bytes repeat."""
    saved = {name: os.environ.get(name) for name in ("SOURCE_DATE_EPOCH", "FORCE_SOURCE_DATE")}
    os.environ.update(SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# ---------------------------------------------------------------- processes

_PLAN: Plan | None = None


def _init_worker(plan_args) -> None:
    global _PLAN
    _PLAN = load_plan(*plan_args)


def _work(k: int) -> Variant:
    """Variant k in a worker process. An error is raised in the parent as it was raised here
    (the project's errors pickle); one that would not survive the trip (its class takes other
    arguments than it pickles) goes as a RuntimeError carrying its traceback, never as a
    BrokenProcessPool."""
    try:
        return make_variant(_PLAN, k)
    except BaseException as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise RuntimeError("".join(traceback.format_exception(exc))) from None
        raise


def make_variants(plan_args: tuple, count: int, workers: int | None = None, progress: bool = False) -> list[Variant]:
    """Variants 1..count, in order; `workers` processes (default: one per core)."""
    workers = max(1, min(workers or os.cpu_count() or 1, count))
    ks = range(1, count + 1)
    if workers == 1:
        plan = load_plan(*plan_args)
        results = (make_variant(plan, k) for k in ks)
        return _collect(results, count, progress)
    load_plan(*plan_args)          # a bad file or section fails here, once, before any process starts
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                                initargs=(plan_args,)) as pool:
        return _collect(pool.map(_work, ks, chunksize=max(1, count // (workers * 8))), count, progress)


def _collect(results, count: int, progress: bool) -> list[Variant]:
    import click
    if not progress or count < 10:
        return list(results)
    out = []
    with click.progressbar(length=count, label="variants", file=sys.stderr) as bar:
        for variant in results:
            out.append(variant)
            bar.update(1)
    return out


# ---------------------------------------------------------------- writing


def write_variants(problem_path: Path, n: int, seed: int, out_dir: Path, fmt: str, settings, style: Style = Style(),
                   progress: bool = False, workers: int | None = None, combined: bool = True) -> list[Path]:
    """Write n variants into out_dir (and the combined PDFs of their sheets and keys when a
    LaTeX engine is found); the paths written, in order."""
    import click

    from .output import ensure_folder, inputs_of, write_atomic
    if fmt not in VARIANT_FORMATS:
        raise UsageError(f"--format {fmt} with --variants: choose {', '.join(VARIANT_FORMATS)} "
                         "(each variant gets its problem file, question sheet and answer key)")
    if seed < 0:
        raise UsageError(f"--seed must be 0 or more, got {seed}")
    if n < 1:
        raise UsageError(f"--variants must be at least 1, got {n}")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"-o {out_dir}: with --variants, -o names a directory, and this is a file")
    ensure_folder(out_dir)          # an unwritable folder fails now, not after the work
    inputs = inputs_of(problem_path)
    plan_args = (Path(problem_path), seed, fmt, settings, style, n)
    variants = make_variants(plan_args, n, workers, progress)
    written = []
    for variant in variants:
        for name, content in variant.files.items():
            write_atomic(out_dir / name, content, inputs)
            written.append(out_dir / name)
    if FORMATS[fmt].lms:
        from .exports import export_variants
        target = out_dir / f"{Path(problem_path).stem}.{FORMATS[fmt].extension}"
        write_atomic(target, export_variants(fmt, [v.lms for v in variants], Path(problem_path).stem,
                                             _title(variants), seed), inputs)
        written.append(target)
    if combined:
        written += write_combined(variants, out_dir, Path(problem_path).stem, _title(variants), inputs)
    click.echo(f"wrote {n} variant(s) of {problem_path} into {out_dir} ({len(written)} files)", err=True)
    return written


def _title(variants: list[Variant]) -> str | None:
    data = yaml.safe_load(variants[0].text)
    return data.get("title") if isinstance(data, dict) else None


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


PICTURE = re.compile(r"\\begin\{tikzpicture\}.*?\\end\{tikzpicture\}", re.S)


def _box_name(k: int) -> str:
    """The k-th picture box: \\solvepica ... \\solvepicz, \\solvepicba ... (letters only: a control word)."""
    letters = ""
    while True:
        k, r = divmod(k, 26)
        letters = chr(ord("a") + r) + letters
        if not k:
            return "\\solvepic" + letters


def shared_pictures(bodies: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Every TikZ picture that stands more than once in the bodies, typeset once: the pictures
    to put in a box each at the start of the document (box name, TikZ source), and the bodies
    with each of those pictures replaced by a copy of its box. The variants of a problem draw
    the same network, so 100 keys typeset 3 pictures rather than 300; a box is the picture as
    typeset, so the pages look the same."""
    counts = Counter(m.group(0) for body in bodies for m in PICTURE.finditer(body))
    names: dict[str, str] = {}
    for source, n in counts.items():
        if n > 1:
            names[source] = _box_name(len(names))
    if not names:
        return [], bodies

    def use(m: re.Match) -> str:
        name = names.get(m.group(0))
        return m.group(0) if name is None else f"\\usebox{{{name}}}"

    return [(name, source) for source, name in names.items()], [PICTURE.sub(use, body) for body in bodies]


def write_combined(variants: list[Variant], out_dir: Path, stem: str, title: str | None,
                   inputs=None, share: bool = True) -> list[Path]:
    """<stem>-sheets.pdf and <stem>-keys.pdf, compiled side by side; without an engine, say how to get one.
    `share`: typeset each picture that repeats once (shared_pictures); False only to time it without."""
    import click

    from .output import write_atomic
    from .render.documents import render_combined
    from .render.pdf import INSTALL_HINT, compile_pdf, find_engine
    if find_engine() is None:
        click.echo(f"solve: the combined PDFs of sheets and keys were not written: {INSTALL_HINT}", err=True)
        return []
    documents = {}
    for name, what, bodies in ((f"{stem}-sheets.pdf", "sheets", [v.sheet_tex for v in variants]),
                               (f"{stem}-keys.pdf", "keys", [v.key_tex for v in variants])):
        pictures = ()
        if share:
            pictures, bodies = shared_pictures(bodies)
        documents[name] = render_combined(bodies, title, what, pictures)
    tty = _stderr_is_terminal()
    if tty:     # a few seconds per 100 variants: say what is going on, on a terminal only
        count = f"{len(variants)} variant{'s' if len(variants) != 1 else ''}"
        sys.stderr.write(f"\rtypesetting {' and '.join(documents)} ({count}) ...")
        sys.stderr.flush()
    try:
        with reproducible_tex(), concurrent.futures.ThreadPoolExecutor(2) as pool:
            pdfs = dict(zip(documents, pool.map(lambda tex: compile_pdf(tex, timeout=600)[0], documents.values())))
    finally:
        if tty:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
    for name, pdf in pdfs.items():
        write_atomic(out_dir / name, pdf, inputs)
    return [out_dir / name for name in pdfs]
