"""Every kind of question, and all that the rest of the program asks of a kind.

A kind is a folder, `solver/kinds/<folder>/`: `fields.py` reads what the kind adds to a question
(`KEYS`, the field types, and `read(r, node, path, question) -> record`, stored as
`Question.spec`), its run computes (`run.py`, where it has one), and `steps.py` turns the
question into steps. forward and backprop share the folder `network` (its steps, and what the
batch and indexed notations show), whose code train uses too. The template that writes a kind's
own steps is `templates/common/<template>.j2`.

Nothing outside a kind's folder and this table names a kind: the reader, the solver, the
answer sheet, the checker and the variant generator ask here. This module is plain data, and
a kind's modules are imported only when asked for (its fields when reading, its steps when
solving), so that reading a problem file imports no SymPy or NumPy.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

MAX_EXAMPLES = 16            # a worked solution shows every example
MAX_TRAIN_EXAMPLES = 10_000  # a training run shows a table of epochs, not every example


@dataclass(frozen=True)
class Degenerate:
    """A rule that rejects a drawn variant of a question of this kind (--variants)."""
    reason: str                  # its name in the list of reasons
    words: str                   # what went wrong, in the summary
    fix: str                     # what to change in the randomize: section
    rule: str                    # "module:function" in the kind's folder: (variant, original) -> detail | None


@dataclass(frozen=True)
class Kind:
    name: str
    folder: str                  # solver/kinds/<folder>/
    template: str                # templates/common/<template>.j2 writes the kind's own steps
    fields: bool = True          # <folder>/fields.py reads fields beyond the common and the network's
    network: bool = False        # the question is a network and data (read by network/fields.py)
    needs_targets: bool = False  # it needs a loss, a learning_rate and targets y
    max_examples: int = MAX_EXAMPLES
    marking_tolerance: bool = True   # `tolerance:` is the marking's (train's stops the training)
    solver: str = "steps:solve"  # "module:function" in the folder: question -> steps
    with_derivation: bool = False    # the solver returns (steps, derivation, extra)
    output_alias: bool = False   # `yhat` is another name for the last layer's activations
    first_update: bool = False   # its worked update is the first of several (train): the sheet says so
    sheet_given: str | None = None   # the macro of templates/sheet/common.j2 that writes what is given
    degenerate: tuple[Degenerate, ...] = ()

    def module(self, name: str):
        """A module of the kind's folder, imported now (`fields`, `steps`, `run`, ...)."""
        return importlib.import_module(f"{__package__}.{self.folder}.{name}")

    def function(self, where: str) -> Callable[..., Any]:
        module, name = where.split(":")
        return getattr(self.module(module), name)

    def read_fields(self):
        """The module that reads the kind's fields (plain Python)."""
        return self.module("fields")

    def solve(self, question) -> tuple[list, Any]:
        """The steps of a question of this kind, and its derivation (None unless a network's)."""
        out = self.function(self.solver)(question)
        if self.with_derivation:
            steps, derivation, _ = out
            return steps, derivation
        return out, None


_NETWORK = dict(folder="network", template="steps", fields=False, network=True,
                solver="steps:solve_network_question", with_derivation=True, output_alias=True)

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("params", "params", "params", sheet_given="given_params"),
    Kind("forward", **_NETWORK),
    Kind("loss", "loss", "loss"),
    Kind("backprop", needs_targets=True, **_NETWORK),
    Kind("train", "train", "train", network=True, needs_targets=True, max_examples=MAX_TRAIN_EXAMPLES,
         marking_tolerance=False, first_update=True),
    Kind("perceptron", "perceptron", "perceptron",
         degenerate=(Degenerate("converged", "the perceptron makes no update",
                                "draw points the start line misclassifies, or another start",
                                "variants:converged"),)),
    Kind("graph", "graph", "graph", sheet_given="given_graph"),
    Kind("conv", "conv", "conv", sheet_given="given_conv"),
)}
NAMES = tuple(KINDS)


def kind(name: str) -> Kind:
    return KINDS[name]
