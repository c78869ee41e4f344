"""The fields of a loss question: targets `y`, predictions `y_hat`, the `losses` to work out.

    y: [3, 5, 8]                 # targets
    y_hat: [2.5, 5, 12]          # predictions
    losses: [mse, mae, huber]    # one or more (a single name is fine)
    reduction: mean              # mean | sum | half_sum | half_mean (default mean)
    huber_delta: 1               # only with huber (default 1)

The shapes of `y` and `y_hat`:
- a number: one example with one output;
- rows (a list of lists): one row per example, one column per output;
- a flat list: for mse, mae, huber, bce and hinge, one value per example (a column:
  the one-output case of the course's tables); when cce or sparse_cce is asked, one
  example's outputs (a row: its probabilities).
For sparse_cce, `y` holds class indices (a number, or one per example, counting from 0)
and the other losses asked with it use their one-hot rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ...fieldtypes import NUMBERS, choice, one_or_list, positive
from ...losses import LOSSES
from ...model import arrays
from ..network.fields import LOSS_ALIASES, LOSS_NAMES, REDUCTION_NAMES, class_labels, entries, one_hot, sums_to_one
from ..registry import MAX_EXAMPLES
from ...reading import SMALLEST, SMALLEST_TEXT, Matrix, Reader, describe, shape
from ...yamlsource import Path_

if TYPE_CHECKING:
    import numpy as np

KEYS = {"y": NUMBERS, "y_hat": NUMBERS, "losses": one_or_list(choice(LOSS_NAMES)),
        "reduction": choice(REDUCTION_NAMES), "huber_delta": positive()}     # key -> type (solver/fieldtypes.py)
MAX_OUTPUTS = 10          # a worked solution writes a term per output
CATEGORICAL = ("cce", "sparse_cce")
ONE_OUTPUT = tuple(name for name in LOSSES if name not in CATEGORICAL)
PROBABILITY_SLACK = 0.01  # rows of y_hat may be rounded probabilities: 0.33 + 0.33 + 0.33

At = Callable[..., Path_]   # at(e, o): the path of element (example e, output o); at(e): of row e


@dataclass(frozen=True, eq=False)
class LossSpec:
    y: np.ndarray                 # examples x outputs (the one-hot rows of the labels for sparse_cce)
    y_hat: np.ndarray             # examples x outputs
    losses: tuple[str, ...]       # in the order the file names them
    reduction: str = "mean"
    huber_delta: float = 1.0
    labels: np.ndarray | None = None     # sparse_cce: the class indices as given
    shape: tuple[int, ...] = ()          # y_hat as the file wrote it: () number, (m,) flat list, (n, k) rows

    @property
    def n(self) -> int:
        return len(self.y_hat)

    @property
    def k(self) -> int:
        return len(self.y_hat[0])

    def for_solving(self) -> "LossSpec":
        return arrays(self, "y", "y_hat", "labels")


def read(r: Reader, node: dict, path: Path_, question) -> LossSpec:
    for needed, what in (("losses", "name one or more losses, e.g. losses: [mse, mae]"),
                         ("y_hat", "give the predictions"), ("y", "give the targets")):
        if needed not in node:
            raise r.fail(path, f"{needed}: missing; {what}")
    losses = _losses(r, node["losses"], path + ("losses",))
    reduction = r.choice(node.get("reduction", "mean"), path + ("reduction",), REDUCTION_NAMES)
    huber_delta = 1.0
    if "huber_delta" in node:
        if "huber" not in losses:
            raise r.fail(path + ("huber_delta",), "huber_delta is the delta of the huber loss, which is not "
                         "asked: remove huber_delta or add huber to losses")
        huber_delta = r.number(node["huber_delta"], path + ("huber_delta",), positive=True)
    categorical = any(name in CATEGORICAL for name in losses)
    y_hat, written, at_hat = _array(r, node["y_hat"], path + ("y_hat",), flat_is_row=categorical)
    labels = None
    if "sparse_cce" in losses:
        labels = class_labels(r, node["y"], path + ("y",), *shape(y_hat), examples_are=" (a row of y_hat)",
                              classes_are="the columns of y_hat")
        y, at_y = one_hot(labels, shape(y_hat)[1]), None
    else:
        y, _, at_y = _array(r, node["y"], path + ("y",), flat_is_row=categorical)
        if shape(y) != shape(y_hat):
            raise r.fail(path + ("y",), _shape_mismatch(shape(y), shape(y_hat), node["y"], categorical))
    for i, name in enumerate(losses):
        _check(r, name, y, y_hat, at_y, at_hat, path + ("losses", i) if isinstance(node["losses"], list)
               else path + ("losses",))
    return LossSpec(y, y_hat, losses, reduction, huber_delta, labels, written)


def _losses(r: Reader, value: Any, path: Path_) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise r.fail(path, f"expected a loss or a list of losses ({', '.join(LOSSES)}), got {describe(value)}")
    names: list[str] = []
    for i, item in enumerate(items):
        where = path + (i,) if isinstance(value, list) else path
        name = r.choice(item, where, LOSS_NAMES, aliases=LOSS_ALIASES)
        if name in names:
            raise r.fail(where, f"{name} is named twice: name each loss once")
        names.append(name)
    return tuple(names)


def _array(r: Reader, value: Any, path: Path_, flat_is_row: bool) -> tuple[Matrix, tuple[int, ...], At]:
    """A number, a flat list or rows, as examples x outputs, with the path of each element;
    and the shape as the file wrote it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ((r.number(value, path),),), (), lambda e, o=None: path
    if isinstance(value, list) and value and any(isinstance(v, list) for v in value):
        arr = r.matrix(value, path)
        written = shape(arr)

        def at(e, o=None):
            return path + (e,) if o is None else path + (e, o)
    elif isinstance(value, list):
        flat = r.vector(value, path)
        arr = (flat,) if flat_is_row else tuple((v,) for v in flat)
        written = (len(flat),)

        def at(e, o=None):
            if flat_is_row:
                return path if o is None else path + (o,)
            return path + (e,)
    else:
        raise r.fail(path, f"expected a number, a list, or a list of rows (one per example), got {describe(value)}")
    n, k = shape(arr)
    if n > MAX_EXAMPLES:
        raise r.fail(path, f"{n} examples; a worked solution takes at most {MAX_EXAMPLES}")
    if k > MAX_OUTPUTS:
        raise r.fail(path, f"{k} outputs per example; a worked solution writes a term for each, "
                     f"and takes at most {MAX_OUTPUTS}")
    return arr, written, at


def _shape_mismatch(got, want, value, categorical: bool) -> str:
    message = (f"expected {want[0]} x {want[1]} like y_hat (examples x outputs), got {got[0]} x {got[1]}")
    flat = isinstance(value, list) and not any(isinstance(v, list) for v in value)
    if flat and not categorical and got == want[::-1]:
        row = ", ".join(str(v) for v in value)
        message += (f"; a flat list is one value per example (for {', '.join(ONE_OUTPUT)}): "
                    f"write one example's outputs as a row, [[{row}]]")
    return message


def _check(r: Reader, name: str, y: Matrix, y_hat: Matrix, at_y: At | None, at_hat: At,
           where_named: Path_) -> None:
    """Each loss against the targets and predictions, pointing at the first value it cannot take."""
    targets = LOSSES[name].targets
    if name in CATEGORICAL and shape(y_hat)[1] < 2:
        raise r.fail(at_hat(0), f"{name} needs a probability per class, at least 2 columns, got 1: "
                     "for two classes with one output use bce")
    if targets == "pm1":
        if at_y is None:
            raise r.fail(where_named, "hinge needs targets -1 or +1, but y holds class indices for sparse_cce: "
                         "ask hinge in a question of its own")
        if bad := entries(y, lambda v: v not in (-1.0, 1.0)):
            e, o, v = bad
            raise r.fail(at_y(e, o), f"hinge needs targets -1 or +1, got {v:g}: write 0/1 labels as -1/+1")
    if targets == "unit" and at_y is not None and (bad := entries(y, lambda v: v < 0 or v > 1)):
        e, o, v = bad
        raise r.fail(at_y(e, o), f"bce needs targets between 0 and 1, got {v:g}: "
                     "use 0/1 class labels (or probabilities)")
    if targets == "unit" and (bad := entries(y_hat, lambda v: v <= 0 or v >= 1)):
        e, o, v = bad
        raise r.fail(at_hat(e, o), f"bce takes log(y_hat) and log(1 - y_hat), so each prediction must be "
                     f"strictly between 0 and 1 (a sigmoid output), got {v:g}")
    if targets == "unit" and (bad := entries(y_hat, lambda v: 1 - v < SMALLEST)):
        e, o, v = bad
        raise r.fail(at_hat(e, o), f"{float(v)!r} is closer to 1 than float arithmetic carries "
                     f"log(1 - y_hat) faithfully: bce takes predictions from {SMALLEST_TEXT} "
                     f"to 1 - {SMALLEST_TEXT}")
    kink_gap, where = LOSSES[name].kink_gap, LOSSES[name].kink_where
    if kink_gap is not None:
        for e, row in enumerate(y_hat):
            for o, v in enumerate(row):
                gap = kink_gap(y[e][o], y_hat[e][o])
                if gap != 0 and abs(gap) < SMALLEST:
                    raise r.fail(at_hat(e, o), f"{float(v)!r} is within {SMALLEST_TEXT} of the kink of "
                                 f"{name} ({where}), where its derivative jumps: float arithmetic cannot tell "
                                 f"which side it is on; give a value at the kink or at least {SMALLEST_TEXT} from it")
    if targets == "onehot" and at_y is not None:
        for e, row in enumerate(y):
            if any(v < 0 for v in row) or not sums_to_one(row):
                raise r.fail(at_y(e), f"cce needs each row of targets to be one-hot (or to sum to 1), but this "
                             f"one sums to {sum(row):g}; for class indices use sparse_cce")
    if name in CATEGORICAL:
        if bad := entries(y_hat, lambda v: v <= 0 or v > 1):
            e, o, v = bad
            raise r.fail(at_hat(e, o), f"{name} takes log(y_hat), so each predicted probability must be above 0 "
                         f"and at most 1, got {v:g}")
        for e, row in enumerate(y_hat):
            if abs(sum(row) - 1.0) > PROBABILITY_SLACK:
                raise r.fail(at_hat(e), f"{name} needs each row of y_hat to be probabilities summing to 1 "
                             f"(a softmax output), but this one sums to {sum(row):g}")
