"""The fields of a perceptron question (placeholder until the kind is built)."""
from __future__ import annotations

KEYS: tuple[str, ...] = ()


def read(r, node, path, question):
    raise r.fail(path + ("kind",), "'perceptron' is not supported by this version yet")
