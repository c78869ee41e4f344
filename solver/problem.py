"""From the data of a YAML file to a validated `Problem`, or a precise error.

Every check raises `ProblemError` pointing at the line and column of the value at
fault, with the field's path and a hint on how to fix it.

Here: the file, its questions and the keys every question has (id, kind, title, display
settings, marks). What a kind reads beyond them is read in its folder, through the registry
(solver/kinds/registry.py): a network and its data by solver/kinds/network/fields.py, a kind's
own fields by solver/kinds/<kind>/fields.py. The reader's toolkit is solver/reading.py.

Reading is plain Python: vectors are tuples of floats and matrices tuples of rows, their
shapes checked by length. `validate` gives the records so; `read_problem` then makes NumPy
arrays of them (model.py), once the whole file has validated. Nothing here imports SymPy or
NumPy, so that a bad file is refused at once.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from .fieldtypes import choice, integer, list_of, mapping_of, nonnegative, optional, positive, ref, text
from .kinds import registry
from .kinds.network.fields import NETWORK_QUESTION_KEYS, read_network_question
from .formats import NOTATIONS
from .model import Display, Marking, Problem, Question
from .reading import Reader, default_id, describe, one_of, suggest
from .settings import MAX_PARAMETERS, MAX_VARIANTS
from .yamlsource import Path_, Source, dotted

# The top-level keys of an answer sheet besides the question ids: who wrote it and which variant it answers.
SHEET_HEADER_KEYS = {"student": optional(text(200)), "variant": optional(integer(1, MAX_VARIANTS)),
                     "seed": optional(integer(0))}
KINDS = registry.NAMES       # every kind of question, each with its folder solver/kinds/<kind>/
# The keys of each mapping of a problem file, each with the type of its value (solver/fieldtypes.py):
# the reader allows these keys and no others, and solver/schema.py writes the JSON Schema from them.
SETTINGS_KEYS = {"decimals": integer(0, 10), "carry": choice(("rounded", "exact")), "notation": choice(NOTATIONS)}
COMMON_KEYS = {"id": text(40), "title": optional(text(200)), "kind": choice(KINDS),
               "marks": mapping_of(nonnegative()),
               "tolerance": positive(),       # of marking, except in train, where it stops training
               **SETTINGS_KEYS}
QUESTION_KEYS = {**COMMON_KEYS, **NETWORK_QUESTION_KEYS}
FILE_KEYS = {"title": optional(text(200)), "questions": list_of(ref("question")), "tolerance": positive(),
             "randomize": ref("randomize"), **SETTINGS_KEYS}       # a file of several questions


def read_problem(src: Source, max_parameters: int = MAX_PARAMETERS) -> Problem:
    """The validated problem, its numbers in NumPy arrays."""
    return validate(src, max_parameters).for_solving()


def validate(src: Source, max_parameters: int = MAX_PARAMETERS, shown=None) -> Problem:
    """The validated problem, its numbers in tuples (plain Python: see the module's docstring).
    `shown` (Display -> Display) applies the command line's overrides before a question's fields
    are read, so that limits that depend on them (train's work under carry: rounded) hold."""
    r = Reader(src, max_parameters)
    root = src.data
    if not isinstance(root, dict):
        raise r.fail((), f"the file should be a mapping (title:, questions: ...), got {describe(root)}")
    if "questions" in root:
        r.mapping(root, (), FILE_KEYS)
        defaults = _display(r, root, (), Display())
        items = root["questions"]
        if not isinstance(items, list) or not items:
            hint = ": start each question with '- ' (- id: q1, kind: ...)" if isinstance(items, dict) else ""
            raise r.fail(("questions",), f"expected a list of questions, got {describe(items)}{hint}")
        taken = {str(q["id"]) for q in items if isinstance(q, dict) and "id" in q}
        questions = [_question(r, q, ("questions", i), defaults, default_id(i, taken), shown)
                     for i, q in enumerate(items)]
    else:
        question = {k: v for k, v in root.items() if k != "randomize"}   # its keys checked as a question's
        questions = [_question(r, question, (), Display(), "q1", shown)]
    seen: dict[str, int] = {}
    for i, q in enumerate(questions):
        if q.id in seen:
            raise r.fail(("questions", i, "id"), f"id {q.id!r} is used twice (also by question {seen[q.id] + 1}): "
                         "give each question its own id")
        seen[q.id] = i
    title = r.text(root["title"], ("title",)) if root.get("title") is not None else None
    if "questions" in root and "tolerance" in root:
        exam_tolerance = _tolerance(r, root["tolerance"], ("tolerance",))
        questions = [q if q.marking.tolerance is not None else
                     dataclasses.replace(q, marking=dataclasses.replace(q.marking, tolerance=exam_tolerance))
                     for q in questions]
    randomize = None
    if "randomize" in root:
        from .randomize import read_randomize
        randomize = read_randomize(r, root["randomize"], ("randomize",), validate)
    return Problem(src.file, title, tuple(questions), randomize)


def _tolerance(r: Reader, value: Any, path: Path_) -> float:
    return r.number(value, path, positive=True, hint="how far an answer may be from the key and still be right")


def _marking(r: Reader, node: dict, path: Path_, kind: str) -> Marking:
    """marks: {key: points}; tolerance (except in train, where it stops the training)."""
    tolerance = None
    if "tolerance" in node and registry.kind(kind).marking_tolerance:
        tolerance = _tolerance(r, node["tolerance"], path + ("tolerance",))
    marks = []
    if "marks" in node:
        if not isinstance(node["marks"], dict) or not node["marks"]:
            raise r.fail(path + ("marks",), f"expected a mapping of answer keys to marks, e.g. {{dW1: 2, loss: 1}}, "
                         f"got {describe(node['marks'])}")
        for key, value in node["marks"].items():
            where = path + ("marks", key)
            points = r.number(value, where, nonnegative=True)
            line, col = r.src.where(where)
            marks.append((str(key), points, (line, col, dotted(where))))
    return Marking(tolerance, tuple(marks))


def _display(r: Reader, node: dict, path: Path_, base: Display) -> Display:
    decimals, carry, notation = base.decimals, base.carry, base.notation
    if "decimals" in node:
        decimals = r.integer(node["decimals"], path + ("decimals",), 0, 10)
    if "carry" in node:
        carry = r.choice(node["carry"], path + ("carry",), ("rounded", "exact"))
    if "notation" in node:
        notation = r.choice(node["notation"], path + ("notation",), NOTATIONS)
    return Display(decimals, carry, notation)


def fields_of(kind: str):
    """The module that reads the fields of a kind (solver/kinds/<kind>/fields.py)."""
    return registry.kind(kind).read_fields()


def keys_of(kind: str) -> tuple[str, ...]:
    keys = tuple(COMMON_KEYS) + (tuple(NETWORK_QUESTION_KEYS) if registry.kind(kind).network else ())
    if registry.kind(kind).fields:
        keys += tuple(k for k in fields_of(kind).KEYS if k not in keys)
    return keys


def _check_keys(r: Reader, node: dict, path: Path_, kind: str) -> None:
    allowed = keys_of(kind)
    for key in node:
        if key in allowed:
            continue
        owners = [k for k in KINDS if key in keys_of(k)]
        if owners:
            raise r.fail(path + (key,), f"a {kind} question has no field {key!r} (it belongs to "
                         f"{' and '.join(owners)} questions); the fields of {kind}: {one_of(allowed)}")
        raise r.fail(path + (key,), f"unknown key {key!r}{suggest(key, allowed)} (allowed here: {one_of(allowed)})")


def _question(r: Reader, node: Any, path: Path_, defaults: Display, default_id: str, shown=None) -> Question:
    if not isinstance(node, dict):
        raise r.fail(path, f"expected a question (a mapping of id, kind, ...), got {describe(node)}")
    qid = r.text(node["id"], path + ("id",), 40) if "id" in node else default_id
    if not qid.replace("_", "").replace("-", "").isalnum():
        raise r.fail(path + ("id",), f"{qid!r}: an id is letters, digits, - and _ only")
    if qid in SHEET_HEADER_KEYS:
        raise r.fail(path + ("id",), f"{qid!r} names the {qid} on an answer sheet ({', '.join(SHEET_HEADER_KEYS)} "
                     "stand at its top); give the question another id, e.g. q1")
    if "kind" not in node:
        raise r.fail(path, f"kind: missing; say what the question asks ({one_of(KINDS)})")
    kind = r.choice(node["kind"], path + ("kind",), KINDS)
    _check_keys(r, node, path, kind)
    title = r.text(node["title"], path + ("title",)) if node.get("title") is not None else None
    display = _display(r, node, path, defaults)
    if shown is not None:
        display = shown(display)
    line, col = r.src.where(path)
    where = (line, col, dotted(path))
    if registry.kind(kind).network:
        q = read_network_question(r, node, path, qid, kind, title, display, where)
    else:
        q = Question(qid, kind, title, None, None, None, display=display, where=where)
    if registry.kind(kind).fields:
        q = dataclasses.replace(q, spec=fields_of(kind).read(r, node, path, q))
    return dataclasses.replace(q, marking=_marking(r, node, path, kind))
