"""What the value of each field of a problem file is, written beside its key.

The reader's key tables (solver/problem.py, solver/kinds/<kind>/fields.py, solver/randomize.py)
map each allowed key to one of these: a JSON Schema (draft-07) fragment. The reader takes
the keys from the tables (anything else is an unknown key) and checks the values itself,
with messages that say how to fix them; solver/schema.py writes the JSON Schemas that
editors use from the same tables, so the two cannot drift apart.

A type here is never stricter than the reader: every file the reader takes validates (the
reader checks more, e.g. shapes against the network and which keys are required).
Plain data only, no NumPy or SymPy: the reader and the schema generator import this.
"""
from __future__ import annotations

from typing import Any

Type = dict[str, Any]

LARGEST = 1_000_000           # the reader's bound on every number's size (Reader.number)


def number(minimum: float | None = -LARGEST, maximum: float | None = LARGEST, *,
           exclusive_minimum: float | None = None) -> Type:
    out: Type = {"type": "number"}
    if exclusive_minimum is not None:
        out["exclusiveMinimum"] = exclusive_minimum
    elif minimum is not None:
        out["minimum"] = minimum
    if maximum is not None:
        out["maximum"] = maximum
    return out


NUMBER = number()
BOOLEAN: Type = {"type": "boolean"}


def positive() -> Type:
    return number(exclusive_minimum=0)


def nonnegative() -> Type:
    return number(0)


def integer(lo: int | None = None, hi: int | None = None) -> Type:
    """A whole number (4.0 counts, as the reader takes it)."""
    out: Type = {"type": "integer"}
    if lo is not None:
        out["minimum"] = lo
    if hi is not None:
        out["maximum"] = hi
    return out


def text(limit: int | None = None) -> Type:
    """Text; a number is read as its text too (title: 2024)."""
    out: Type = {"type": ["string", "number"]}
    if limit is not None:
        out["maxLength"] = limit
    return out


def choice(names) -> Type:
    return {"type": "string", "enum": list(names)}


def const(value) -> Type:
    return {"enum": [value]}


def optional(of: Type) -> Type:
    """The type, or left blank (null)."""
    return {"anyOf": [of, {"type": "null"}]}


def any_of(*types: Type) -> Type:
    return {"anyOf": list(types)}


def list_of(item: Type, min_items: int = 1, max_items: int | None = None) -> Type:
    out: Type = {"type": "array", "items": item, "minItems": min_items}
    if max_items is not None:
        out["maxItems"] = max_items
    return out


def one_or_list(item: Type, max_items: int | None = None) -> Type:
    """A single value, or a list of them (losses: mse, or losses: [mse, mae])."""
    return any_of(item, list_of(item, max_items=max_items))


def mapping_of(value: Type, min_items: int = 1, max_items: int | None = None) -> Type:
    """A mapping of names the file chooses (answer keys, variables) to values of one type."""
    out: Type = {"type": "object", "additionalProperties": value, "minProperties": min_items}
    if max_items is not None:
        out["maxProperties"] = max_items
    return out


def ref(name: str) -> Type:
    """A type defined once in the schema (solver/schema.py DEFINITIONS): network, layer, ..."""
    return {"$ref": f"#/definitions/{name}"}


VECTOR = any_of(NUMBER, list_of(NUMBER))                        # a number is a list of one
MATRIX = any_of(list_of(NUMBER), list_of(list_of(NUMBER)))      # a flat list is one row
NUMBERS = any_of(NUMBER, MATRIX)                                # a number, a flat list or rows
