"""The JSON Schemas (draft-07) of a problem file and of an answer sheet, for editors.

They are written from the reader's own key tables (solver/problem.py, solver/kinds/<kind>/fields.py,
solver/randomize.py: each allowed key with the type of its value, solver/fieldtypes.py), so
an editor refuses the unknown keys, wrong types and misspelled kinds, activations and losses
that `solve` refuses. The reader checks more (shapes against the network, required keys,
values that depend on each other); a file that validates can still be refused, with a message.

    python -m solver.schema           # rewrite solver/schemas/*.schema.json from the tables
    python -m solver.schema --check   # exit 1 if the files differ from the tables

The files are checked in and shipped in the package; tests/test_schema.py fails when they
are stale. Imports no NumPy or SymPy of its own: only the reader's tables.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

from . import problem
from .fieldtypes import Type, any_of, choice, list_of, mapping_of, number, optional, ref
from .kinds import registry
from .kinds.network import fields as network

FOLDER = Path(__file__).resolve().parent / "schemas"
DRAFT = "http://json-schema.org/draft-07/schema#"
FILES = {"problem.schema.json": "problem_schema", "answers.schema.json": "answers_schema"}


def _object(table: dict[str, Type], extra: dict[str, Type] | None = None) -> Type:
    """A mapping with exactly the keys of `table` (and `extra`), each of its type."""
    return {"type": "object", "properties": copy.deepcopy({**table, **(extra or {})}),
            "additionalProperties": False}


def kind_keys(kind: str) -> dict[str, Type]:
    """The keys a question of `kind` allows (the reader's `keys_of`) with their types; a field
    module's type is the more precise where a key is also common (train's tolerance)."""
    fields = problem.fields_of(kind).KEYS if registry.kind(kind).fields else {}
    return {key: fields.get(key, problem.QUESTION_KEYS.get(key)) for key in problem.keys_of(kind)}


def question_schema(extra: dict[str, Type] | None = None) -> Type:
    """A question: `kind` picks which keys it allows."""
    return {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": choice(problem.KINDS)},
        "allOf": [{"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                   "then": _object(kind_keys(kind), extra)}
                  for kind in problem.KINDS],
    }


def definitions() -> dict[str, Type]:
    """The types the tables refer to by name (fieldtypes.ref)."""
    from . import randomize
    return {
        "question": question_schema(),
        "network": _object(network.NETWORK_KEYS),
        "layer": _object(network.LAYER_KEYS),
        "init": _object(network.INIT_KEYS),
        "data": _object(network.DATA_KEYS),
        "randomize": mapping_of(_object(randomize.RULE_KEYS), 1, randomize.MAX_RULES),
    }


def problem_schema() -> Type:
    return {
        "$schema": DRAFT,
        "title": "solve problem file",
        "description": "A problem file of `solve`: one question (kind: ...), or a title and a list of "
                       "questions. Written by `python -m solver.schema` from the reader's key tables; "
                       "see docs/editors.md.",
        "type": "object",
        "if": {"required": ["questions"]},
        "then": _object(problem.FILE_KEYS),
        "else": question_schema({"randomize": ref("randomize")}),
        "definitions": definitions(),
    }


def answers_schema() -> Type:
    """A sheet: question id -> {answer key -> value}; a problem of one question may give its
    keys at the top level. A value is a number, a list or a list of rows (or lists of those, 3 or 4
    deep, for a conv question's maps and kernels), or blank."""
    value = optional(any_of(number(None, None), list_of(number(None, None)),
                            list_of(list_of(number(None, None))), list_of(list_of(list_of(number(None, None)))),
                            list_of(list_of(list_of(list_of(number(None, None)))))))
    ids = copy.deepcopy(problem.COMMON_KEYS["id"])
    ids["type"] = "string"          # a key of a mapping is text
    return {
        "$schema": DRAFT,
        "title": "solve answer sheet",
        "description": "An answer sheet for `solve FILE --check SHEET`, as `solve FILE --format answers` "
                       "writes it: question id -> answer key -> a number, a list or a list of rows "
                       "(blank: not answered). Written by `python -m solver.schema`; see docs/editors.md.",
        "type": "object",
        "properties": dict(problem.SHEET_HEADER_KEYS),
        "propertyNames": any_of(ids, {"enum": list(problem.SHEET_HEADER_KEYS)}),
        "additionalProperties": any_of(ref("answers"), ref("value")),
        "definitions": {"answers": optional(mapping_of(ref("value"), 0)), "value": value},
    }


def text_of(name: str) -> str:
    """The file `name` as it should read."""
    schema = getattr(sys.modules[__name__], FILES[name])()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check = "--check" in argv
    stale = []
    for name in FILES:
        path = FOLDER / name
        text = text_of(name)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not check:
            FOLDER.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if check and stale:
        print(f"stale: {', '.join(stale)} (run python -m solver.schema)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
