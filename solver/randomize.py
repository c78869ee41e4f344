"""The randomize: section of a problem file (placeholder until --variants is built)."""
from __future__ import annotations


def read_randomize(r, node, path):
    return node
