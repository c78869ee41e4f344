"""The fields of a perceptron question, read and validated.

    kind: perceptron
    points: [[1, 2], [2, 0.5], [-1, -1]]   # one row per point (a flat list: one 1-D point per number)
    labels: [1, 1, 0]                      # one per point: all 0/1 (step function) or all -1/+1
    w: [0.5, -0.5]                         # the start weights, one per coordinate (default all 0)
    b: 0                                   # the start bias (default 0)
    learning_rate: 0.1
    epochs: 10                             # at most; the run stops after an epoch without an update
    rule: trick                            # trick (default) | hinge
    order: given                           # given (default) | a whole number: the seed of a random order
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...model import arrays
from ...reading import Matrix, Reader, Vector, describe, shape

from ...fieldtypes import MATRIX, NUMBER, VECTOR, any_of, choice, const, integer, list_of, positive

if TYPE_CHECKING:
    import numpy as np

RULES = ("trick", "hinge")
RULE_ALIASES = {"perceptron_trick": "trick", "perceptron": "trick", "perceptron_loss": "hinge",
                "gradient_descent": "hinge", "sgd": "hinge", "perceptron_hinge": "hinge"}
MAX_POINTS = 100        # every visit of a worked solution is a row of a table
MAX_DIMENSION = 10      # a point and w are written out in each row
MAX_EPOCHS = 1000
MAX_SEED = 2**32 - 1
LABEL = integer(-1, 1)
KEYS = {"points": MATRIX, "labels": list_of(any_of(LABEL, list_of(LABEL, 1, 1))), "w": VECTOR, "b": NUMBER,
        "learning_rate": positive(), "epochs": integer(1, MAX_EPOCHS), "rule": choice(RULES),
        "order": any_of(const("given"), integer(0, MAX_SEED))}     # key -> type (solver/fieldtypes.py)


@dataclass(frozen=True, eq=False)
class Perceptron:
    points: np.ndarray              # n x d
    labels: np.ndarray              # n whole numbers, each in `classes`
    classes: tuple[int, int]        # (negative, positive): (0, 1) or (-1, 1)
    w: np.ndarray                   # d start weights
    b: float                        # start bias
    learning_rate: float
    epochs: int                     # at most this many; fewer when an epoch makes no update
    rule: str                       # trick | hinge
    order: int | None               # None: the given order; else the seed of numpy.random.default_rng
    w_given: bool = True            # False: w starts at 0 because the file gave none

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def d(self) -> int:
        return len(self.points[0])

    def for_solving(self) -> "Perceptron":
        return arrays(self, "points", "labels", "w")


def read(r: Reader, node: dict, path, question) -> Perceptron:
    for needed, hint in (("points", "the points to classify, one row per point: [[1, 2], [2, 0.5]]"),
                         ("labels", "the class of each point: all 0/1, or all -1/+1"),
                         ("learning_rate", "the step size eta of each update, e.g. 0.1"),
                         ("epochs", "how many passes over the points at most, e.g. 10")):
        if needed not in node:
            raise r.fail(path, f"{needed}: missing; {hint}")
    rule = r.choice(node.get("rule", "trick"), path + ("rule",), RULES, aliases=RULE_ALIASES)
    points, flat = _points(r, node["points"], path + ("points",))
    n, d = shape(points)
    labels, classes = _labels(r, node["labels"], path + ("labels",), n, rule, flat)
    if "w" in node:
        w = _weights(r, node["w"], path + ("w",), d)
    else:
        w = (0.0,) * d
    b = r.number(node["b"], path + ("b",)) if "b" in node else 0.0
    eta = r.number(node["learning_rate"], path + ("learning_rate",), positive=True,
                   hint="a step size such as 0.1; the rule already moves the line towards the point")
    epochs = _epochs(r, node["epochs"], path + ("epochs",))
    order = _order(r, node.get("order", "given"), path + ("order",))
    return Perceptron(points, labels, classes, w, b, eta, epochs, rule, order, "w" in node)


def _points(r: Reader, value: Any, path) -> tuple[Matrix, bool]:
    """The points, and whether they were written as a flat list (one 1-D point per number)."""
    if not isinstance(value, list) or not value:
        raise r.fail(path, f"expected a list of points, one row each ([[1, 2], [2, 0.5]]), got {describe(value)}")
    flat = not any(isinstance(v, list) for v in value)
    points = r.matrix(value, path, flat_is_row=False)
    n, d = shape(points)
    if n > MAX_POINTS:
        raise r.fail(path, f"{n} points; a worked solution shows every visit of every point as a row, "
                     f"so it takes at most {MAX_POINTS}")
    if d > MAX_DIMENSION:
        raise r.fail(path, f"points of {d} coordinates; each row of the solution writes a point and w out, "
                     f"so at most {MAX_DIMENSION} coordinates")
    return points, flat


def _labels(r: Reader, value: Any, path, n: int, rule: str, flat_points: bool) -> tuple[tuple[int, ...], tuple]:
    if not isinstance(value, list) or not value:
        raise r.fail(path, f"expected a list of labels, one per point, got {describe(value)}")
    items = [v[0] if isinstance(v, list) and len(v) == 1 else v for v in value]
    if len(items) != n:
        hint = ""
        if flat_points and len(items) == 1:
            hint = (f"; a flat list of points is read as {n} one-dimensional points: write a point "
                    "of several coordinates as a row, [[..]]")
        raise r.fail(path, f"expected one label per point ({n}), got {len(items)}{hint}")
    labels = []
    first: dict[int, int] = {}       # label value -> index where it first appears
    for i, v in enumerate(items):
        where = path + (i,)
        whole = isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer()
        if not whole or int(v) not in (-1, 0, 1):
            raise r.fail(where, f"a label is 0 or 1 (step function) or -1 or +1, got {describe(v)}")
        label = int(v)
        if rule == "hinge" and label == 0:
            raise r.fail(where, "the hinge rule needs labels -1 or +1, got 0: max(0, -y f(x)) is 0 for y = 0 "
                         "whatever f(x), so such a point never moves the line; write the 0 class as -1")
        other = {0: -1, -1: 0}.get(label)
        if other is not None and other in first:
            sets = "-1/+1" if label == -1 else "0/1"
            raise r.fail(where, f"{label} mixes the labels {sets} with the {other} of labels[{first[other]}]: "
                         "use one set, 0/1 (with the step function) or -1/+1")
        first.setdefault(label, i)
        labels.append(label)
    classes = (-1, 1) if -1 in first or rule == "hinge" else (0, 1)
    return tuple(labels), classes


def _weights(r: Reader, value: Any, path, d: int) -> Vector:
    if isinstance(value, list) and any(isinstance(v, list) for v in value):
        raise r.fail(path, f"expected {d} numbers (one weight per coordinate of a point), got a list of rows")
    w = r.vector(value, path)
    if len(w) != d:
        raise r.fail(path, f"expected {d} number{'s' if d > 1 else ''} (one weight per coordinate of a point), "
                     f"got {len(w)}")
    return w


def _epochs(r: Reader, value: Any, path) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and value > MAX_EPOCHS:
        raise r.fail(path, f"{int(value):,} epochs; at most {MAX_EPOCHS:,}: on separable data the perceptron "
                     "stops as soon as an epoch makes no update, and on other data more epochs only "
                     "make a longer table")
    return r.integer(value, path, 1, MAX_EPOCHS)


def _order(r: Reader, value: Any, path) -> int | None:
    if value == "given":
        return None
    if isinstance(value, str):
        if value in ("random", "shuffle", "shuffled"):
            raise r.fail(path, f"{value!r}: give the seed of the random order as a whole number "
                         "(order: 7), so that the same order comes out every time")
        raise r.fail(path, f"unknown value {value!r} (given, or a whole number: the seed of a random order)")
    if isinstance(value, bool) or not isinstance(value, int):
        raise r.fail(path, f"expected given, or a whole number (the seed of a random order), got {describe(value)}")
    if not 0 <= value <= MAX_SEED:
        raise r.fail(path, f"a seed is a whole number from 0 to {MAX_SEED}, got {value}")
    return value
