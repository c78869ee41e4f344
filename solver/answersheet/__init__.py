"""The answer sheet, written and read in this package, which owns its format: which steps are
answer keys (`answer_steps`), the other name of the output key (`yhat`), what each key is and
its shape in words (`describe`, `shape_words`), the shape of its value (`json_value`) and how a
key or id is written (`yaml_key`). Here the blank sheet is written (`solve FILE --format
answers`): every answer key of every question, one a line under its question's id, each with a
comment saying what it is and its shape; `read.py` reads a student's sheet back (`--check`).

The sheet is YAML that loads as `{q1: {z1: null, a1: null, ...}, ...}`; the student replaces
each blank with a number, a list or a list of rows, and `--check` marks it.
"""
from __future__ import annotations

import re

import numpy as np

from ..kinds.registry import kind as kind_of
from ..solution import OUTPUT_ALIAS as ALIAS, QuestionSolution, Solution
from ..steps import PER_EXAMPLE, Step, StepKind, as_answer

LOSS_NAMES = {"mse": "mean squared error", "mae": "mean absolute error", "huber": "Huber loss",
              "bce": "binary cross-entropy", "cce": "categorical cross-entropy",
              "sparse_cce": "sparse categorical cross-entropy", "hinge": "hinge loss"}


def answer_sheet(solution: Solution, variant: int | None = None, seed: int | None = None,
                 problem_file: str | None = None) -> str:
    """The blank sheet; a variant's (--variants) says which variant and seed it answers, so that
    `--check` marks it against that variant drawn again from `problem_file`, the original."""
    problem = solution.problem
    source = problem_file or problem.file
    lines = [f"# Answer sheet for {source}" + (f": {problem.title}" if problem.title else ""),
             "# Write each answer after its key: a number (0.5239), a list ([0.32, 0.04, 0.24]) or a list",
             "# of rows ([[0.1, 0.2], [0.3, 0.4]]). Leave a key blank if you did not answer it.",
             f"# Then mark it: solve {source} --check THIS_FILE",
             "",
             "student:      # your name"]
    if variant is not None:
        lines += [f"variant: {variant}   # the variant on your question sheet: leave as it is",
                  f"seed: {seed}"]
    for qs in solution.questions:
        lines += [""] + question_lines(qs)
    return "\n".join(lines) + "\n"


def question_lines(qs: QuestionSolution) -> list[str]:
    q = qs.question
    head = f"{yaml_key(q.id)}:"
    about = [q.title] if q.title else []
    whole = all(isinstance(json_value(qs, s, s.value), int) for s in answer_steps(qs))
    about.append(q.kind if whole else f"{q.kind}, {q.display.decimals} decimals")
    if q.marking.tolerance is not None:
        about.append(f"answers within {q.marking.tolerance:g} of the key are right")
    out = [f"{head}  # {'; '.join(about)}"]
    steps = answer_steps(qs)
    width = max(len(yaml_key(s.key)) for s in steps) + 1
    for s in steps:
        out.append(f"  {(yaml_key(s.key) + ':').ljust(width)}   # {describe(qs, s)}")
    return out


def answer_steps(qs: QuestionSolution) -> list[Step]:
    """The steps that are answers, in the order the solution works them."""
    return [s for s in qs.steps if s.is_answer]


def output_key(qs: QuestionSolution) -> str | None:
    """The key `yhat` is another name for (the last layer's activations), if the kind has one."""
    return qs.output_key


def json_value(qs: QuestionSolution, step: Step, value):
    """A value of this step in the shape section 5 (and the sheet) uses."""
    q = qs.question
    n = q.data.n if q.data is not None else 1
    examples = int(np.shape(step.value)[0]) if step.kind in PER_EXAMPLE else n
    return as_answer(step, value, examples)


def describe(qs: QuestionSolution, step: Step) -> str:
    """What the key is, in words, with its shape: 'gradient of W[1], 3 x 2 (units x inputs)'."""
    first = " in the first update" if kind_of(qs.question.kind).first_update and step.part_of is None else ""
    return f"{_what(qs, step)}{first}, {shape_words(qs, step)}"


def shape_words(qs: QuestionSolution, step: Step) -> str:
    value = json_value(qs, step, step.value)
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    shape = np.shape(value)
    if len(shape) == 0:
        return "1 number"
    if len(shape) == 1:
        return f"{shape[0]} number" + ("s" if shape[0] != 1 else "")
    axes = getattr(step.info, "axes", None) or _axes(step)     # a step's info may name its axes (conv)
    return f"{' x '.join(str(n) for n in shape)} ({axes})"


def _axes(step: Step) -> str:
    # one row per example, as the JSON and the checker want it (the layer notation's solution
    # writes one column per example and says so under each such matrix)
    if step.kind in PER_EXAMPLE:
        return "examples x units: one row per example"
    if step.kind is StepKind.LOSS_GRAD:
        return "examples x outputs: one row per example"
    return "units x inputs"


def _what(qs: QuestionSolution, s: Step) -> str:
    kind, q, l = s.kind, qs.question, s.layer
    if kind is StepKind.LINEAR:
        return f"weighted sums of layer {l}"
    if kind is StepKind.ACTIVATION:
        if s.key == output_key(qs):
            return f"the output y_hat (activations of layer {l}; yhat is another name for it)"
        return f"activations of layer {l}"
    if kind is StepKind.LOSS:
        return f"the loss ({LOSS_NAMES.get(q.loss, q.loss)}, {q.reduction.replace('_', ' ')} over the examples)"
    if kind in (StepKind.OUTPUT_DELTA, StepKind.HIDDEN_DELTA):
        return f"dL/dz of layer {l}"
    if kind is StepKind.WEIGHT_GRAD:
        return f"gradient of W[{l}]"
    if kind is StepKind.BIAS_GRAD:
        return f"gradient of b[{l}]"
    if kind is StepKind.UPDATE:
        moment = getattr(s.info, "moment", None)
        if moment is not None:        # an optimizer's moment (solver/optimizers.py)
            return f"the optimizer's {moment} of {s.info.param}[{l}] after the update"
        return f"{s.info.param}[{l}] after the update"
    if kind is StepKind.PARAM_COUNT:
        return f"number of {s.info.counts} of layer {l}"
    if kind is StepKind.PARAM_TOTAL:
        return "total number of parameters"
    if kind is StepKind.LOSS_VALUE:
        return f"the {LOSS_NAMES.get(s.key, s.key)} ({s.key}) over all examples"
    if kind is StepKind.LOSS_GRAD:
        name = s.key[: -len("_grad")]
        return f"derivative of {name} with respect to each y_hat"
    if kind is StepKind.NODE_VALUE:
        return "the value of the whole expression" if s.key == "value" else \
            f"the value of node {s.key[len('node_'):]}"
    if kind is StepKind.PATH_SUM:
        return f"the partial derivative of the expression with respect to {s.key[len('d_'):]}"
    if kind is StepKind.EPOCH_LOSS:
        return f"loss after epoch {s.info.epoch}{_setting(s)}"
    if kind is StepKind.RESULT:
        return _result(s)
    return getattr(s.info, "words", None) or s.key     # a step's info may say what it is (conv)


def _result(s: Step) -> str:
    fixed = {"w_final": "the final weights w", "b_final": "the final bias b",
             "updates": "how many updates were made", "errors_final": "points misclassified by the final line"}
    if s.key in fixed:
        return fixed[s.key]
    param = s.info.param if s.info is not None else None
    if param == "epochs_run":
        return f"epochs run before the stop rule{_setting(s)}"
    if param in ("W", "b"):
        return f"{param}[{s.layer}] after training{_setting(s)}"
    return s.key


def _setting(s: Step) -> str:
    name = s.info.setting
    return f" ({name})" if name else ""


# Keys and ids that YAML would read as something other than the same text need quotes.
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def yaml_key(name: str) -> str:
    if _PLAIN.match(name) and name.lower() not in _YAML_WORDS:
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
