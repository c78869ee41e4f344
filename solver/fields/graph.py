"""The fields of a graph question (placeholder until the kind is built)."""
from __future__ import annotations

KEYS: tuple[str, ...] = ()


def read(r, node, path, question):
    raise r.fail(path + ("kind",), "'graph' is not supported by this version yet")
