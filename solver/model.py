"""The validated problem: frozen records, one per thing a problem file describes.

Everything here has been checked by `problem.py`; downstream code never re-validates.
Weight matrices are stored units x inputs (z = W a + b) whatever layout the file used.

The reader fills the records with plain Python (tuples of numbers; a graph's expressions
with float constants), so that reading never imports NumPy or SymPy. Once the whole file
has validated, `Problem.for_solving()` gives the records the solver takes: NumPy arrays
(and a graph's exact SymPy constants), which is what they hold from then on.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


def arrays(record, *names: str):
    """A copy of the dataclass `record` with the fields `names` made NumPy arrays (None stays None)."""
    import numpy as np
    return dataclasses.replace(record, **{n: np.array(getattr(record, n)) for n in names
                                          if getattr(record, n) is not None})


@dataclass(frozen=True, eq=False)
class Layer:
    units: int
    activation: str
    weights: np.ndarray          # units x inputs
    biases: np.ndarray           # units (zeros when the network has no biases)
    alpha: float = 0.01          # leaky_relu slope

    def for_solving(self) -> "Layer":
        return arrays(self, "weights", "biases")


@dataclass(frozen=True, eq=False)
class Network:
    input_names: tuple[str, ...]  # x1, x2, ... unless the file names them
    layers: tuple[Layer, ...]
    bias: bool = True
    layout: str = "neuron_rows"

    @property
    def sizes(self) -> tuple[int, ...]:
        return (len(self.input_names),) + tuple(layer.units for layer in self.layers)

    @property
    def parameter_count(self) -> int:
        return sum(l.weights.size + (l.units if self.bias else 0) for l in self.layers)

    def for_solving(self) -> "Network":
        return dataclasses.replace(self, layers=tuple(layer.for_solving() for layer in self.layers))


@dataclass(frozen=True, eq=False)
class Data:
    x: np.ndarray                 # examples x inputs
    y: np.ndarray | None          # examples x outputs (one-hot for sparse_cce)
    labels: np.ndarray | None = None  # the class indices as given, for sparse_cce

    @property
    def n(self) -> int:
        return len(self.x)

    def for_solving(self) -> "Data":
        return arrays(self, "x", "y", "labels")


@dataclass(frozen=True)
class Display:
    decimals: int = 4
    carry: str = "exact"          # exact | rounded
    notation: str = "layer"


@dataclass(frozen=True)
class Marking:
    """How a student's answers to a question are marked (--check)."""
    tolerance: float | None = None          # None: half a unit in the last shown decimal
    marks: tuple[tuple[str, float, tuple[int, int, str]], ...] = ()   # (key, marks, (line, col, field))


@dataclass(frozen=True, eq=False)
class Question:
    id: str
    kind: str                     # one of solver/kinds/registry.py
    title: str | None
    network: Network | None       # forward, backprop, train; None for the other kinds
    data: Data | None
    loss: str | None
    reduction: str = "mean"
    huber_delta: float = 1.0
    learning_rate: float | None = None
    update: tuple[str, ...] = ("weights", "biases")
    display: Display = field(default_factory=Display)
    where: tuple[int, int, str] = (1, 1, "")   # line, column and field path of the question in its file
    spec: Any = None              # the fields of a kind beyond the network's: a record of solver/kinds/<kind>/fields.py
    marking: Marking = field(default_factory=Marking)
    optimizer: Any = None         # backprop, train: a solver.optimizers.Settings, None for plain gradient descent

    def for_solving(self) -> "Question":
        """The question with NumPy arrays in its network and data, and its spec for solving (a
        spec with arrays or formulas has its own `for_solving`)."""
        return dataclasses.replace(
            self, network=None if self.network is None else self.network.for_solving(),
            data=None if self.data is None else self.data.for_solving(),
            spec=self.spec.for_solving() if hasattr(self.spec, "for_solving") else self.spec)


@dataclass(frozen=True, eq=False)
class Problem:
    file: str
    title: str | None
    questions: tuple[Question, ...]
    randomize: Any = None         # the randomize: section, as read by solver/randomize.py (--variants)
    left_out: tuple[str, ...] = ()   # ids of the file's questions not asked for (--question)

    def for_solving(self) -> "Problem":
        return dataclasses.replace(self, questions=tuple(q.for_solving() for q in self.questions))
