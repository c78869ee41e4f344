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
from typing import Any, Callable

import numpy as np

from ..losses import LOSSES, REDUCTIONS
from ..problem import LOSS_ALIASES, MAX_EXAMPLES, SMALLEST, SMALLEST_TEXT, Reader, class_labels, describe
from ..yamlsource import Path_

KEYS: tuple[str, ...] = ("y", "y_hat", "losses", "reduction", "huber_delta")
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
        return self.y_hat.shape[0]

    @property
    def k(self) -> int:
        return self.y_hat.shape[1]


def read(r: Reader, node: dict, path: Path_, question) -> LossSpec:
    for needed, what in (("losses", "name one or more losses, e.g. losses: [mse, mae]"),
                         ("y_hat", "give the predictions"), ("y", "give the targets")):
        if needed not in node:
            raise r.fail(path, f"{needed}: missing; {what}")
    losses = _losses(r, node["losses"], path + ("losses",))
    reduction = r.choice(node.get("reduction", "mean"), path + ("reduction",), tuple(REDUCTIONS))
    huber_delta = 1.0
    if "huber_delta" in node:
        if "huber" not in losses:
            raise r.fail(path + ("huber_delta",), "huber_delta is the delta of the huber loss, which is not "
                         "asked: remove huber_delta or add huber to losses")
        huber_delta = r.number(node["huber_delta"], path + ("huber_delta",), positive=True)
    categorical = any(name in CATEGORICAL for name in losses)
    y_hat, shape, at_hat = _array(r, node["y_hat"], path + ("y_hat",), flat_is_row=categorical)
    labels = None
    if "sparse_cce" in losses:
        labels = class_labels(r, node["y"], path + ("y",), *y_hat.shape, examples_are=" (a row of y_hat)",
                              classes_are="the columns of y_hat")
        y, at_y = np.eye(y_hat.shape[1])[labels], None
    else:
        y, _, at_y = _array(r, node["y"], path + ("y",), flat_is_row=categorical)
        if y.shape != y_hat.shape:
            raise r.fail(path + ("y",), _shape_mismatch(y.shape, y_hat.shape, node["y"], categorical))
    for i, name in enumerate(losses):
        _check(r, name, y, y_hat, at_y, at_hat, path + ("losses", i) if isinstance(node["losses"], list)
               else path + ("losses",))
    return LossSpec(y, y_hat, losses, reduction, huber_delta, labels, shape)


def _losses(r: Reader, value: Any, path: Path_) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise r.fail(path, f"expected a loss or a list of losses ({', '.join(LOSSES)}), got {describe(value)}")
    names: list[str] = []
    for i, item in enumerate(items):
        where = path + (i,) if isinstance(value, list) else path
        name = r.choice(item, where, tuple(LOSSES), aliases=LOSS_ALIASES)
        if name in names:
            raise r.fail(where, f"{name} is named twice: name each loss once")
        names.append(name)
    return tuple(names)


def _array(r: Reader, value: Any, path: Path_, flat_is_row: bool) -> tuple[np.ndarray, tuple[int, ...], At]:
    """A number, a flat list or rows, as examples x outputs, with the path of each element."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return np.array([[r.number(value, path)]]), (), lambda e, o=None: path
    if isinstance(value, list) and value and any(isinstance(v, list) for v in value):
        arr = r.matrix(value, path)
        shape = arr.shape

        def at(e, o=None):
            return path + (e,) if o is None else path + (e, o)
    elif isinstance(value, list):
        flat = r.vector(value, path)
        arr = flat[None, :] if flat_is_row else flat[:, None]
        shape = flat.shape

        def at(e, o=None):
            if flat_is_row:
                return path if o is None else path + (o,)
            return path + (e,)
    else:
        raise r.fail(path, f"expected a number, a list, or a list of rows (one per example), got {describe(value)}")
    if arr.shape[0] > MAX_EXAMPLES:
        raise r.fail(path, f"{arr.shape[0]} examples; a worked solution takes at most {MAX_EXAMPLES}")
    if arr.shape[1] > MAX_OUTPUTS:
        raise r.fail(path, f"{arr.shape[1]} outputs per example; a worked solution writes a term for each, "
                     f"and takes at most {MAX_OUTPUTS}")
    return arr, shape, at


def _shape_mismatch(got, want, value, categorical: bool) -> str:
    message = (f"expected {want[0]} x {want[1]} like y_hat (examples x outputs), got {got[0]} x {got[1]}")
    flat = isinstance(value, list) and not any(isinstance(v, list) for v in value)
    if flat and not categorical and got == want[::-1]:
        row = ", ".join(str(v) for v in value)
        message += (f"; a flat list is one value per example (for {', '.join(ONE_OUTPUT)}): "
                    f"write one example's outputs as a row, [[{row}]]")
    return message


def _check(r: Reader, name: str, y: np.ndarray, y_hat: np.ndarray, at_y: At | None, at_hat: At,
           where_named: Path_) -> None:
    """Each loss against the targets and predictions, pointing at the first value it cannot take."""
    targets = LOSSES[name].targets
    if name in CATEGORICAL and y_hat.shape[1] < 2:
        raise r.fail(at_hat(0), f"{name} needs a probability per class, at least 2 columns, got 1: "
                     "for two classes with one output use bce")
    if targets == "pm1":
        if at_y is None:
            raise r.fail(where_named, "hinge needs targets -1 or +1, but y holds class indices for sparse_cce: "
                         "ask hinge in a question of its own")
        for e, o in np.argwhere(~np.isin(y, (-1.0, 1.0))).tolist():
            raise r.fail(at_y(e, o), f"hinge needs targets -1 or +1, got {y[e, o]:g}: write 0/1 labels as -1/+1")
    if targets == "unit" and at_y is not None:
        for e, o in np.argwhere((y < 0) | (y > 1)).tolist():
            raise r.fail(at_y(e, o), f"bce needs targets between 0 and 1, got {y[e, o]:g}: "
                         "use 0/1 class labels (or probabilities)")
    if targets == "unit":
        for e, o in np.argwhere((y_hat <= 0) | (y_hat >= 1)).tolist():
            raise r.fail(at_hat(e, o), f"bce takes log(y_hat) and log(1 - y_hat), so each prediction must be "
                         f"strictly between 0 and 1 (a sigmoid output), got {y_hat[e, o]:g}")
        for e, o in np.argwhere(1 - y_hat < SMALLEST).tolist():
            raise r.fail(at_hat(e, o), f"{float(y_hat[e, o])!r} is closer to 1 than float arithmetic carries "
                         f"log(1 - y_hat) faithfully: bce takes predictions from {SMALLEST_TEXT} "
                         f"to 1 - {SMALLEST_TEXT}")
    kink = {"mae": (y_hat - y, "y_hat = y"), "hinge": (1 - y * y_hat, "y * y_hat = 1")}.get(name)
    if kink is not None:
        gap, where = kink
        for e, o in np.argwhere((gap != 0) & (np.abs(gap) < SMALLEST)).tolist():
            raise r.fail(at_hat(e, o), f"{float(y_hat[e, o])!r} is within {SMALLEST_TEXT} of the kink of "
                         f"{name} ({where}), where its derivative jumps: float arithmetic cannot tell which side "
                         f"it is on; give a value at the kink or at least {SMALLEST_TEXT} from it")
    if targets == "onehot" and at_y is not None:
        for e, row in enumerate(y):
            if (row < 0).any() or not np.isclose(row.sum(), 1.0):
                raise r.fail(at_y(e), f"cce needs each row of targets to be one-hot (or to sum to 1), but this "
                             f"one sums to {row.sum():g}; for class indices use sparse_cce")
    if name in CATEGORICAL:
        for e, o in np.argwhere((y_hat <= 0) | (y_hat > 1)).tolist():
            raise r.fail(at_hat(e, o), f"{name} takes log(y_hat), so each predicted probability must be above 0 "
                         f"and at most 1, got {y_hat[e, o]:g}")
        for e, row in enumerate(y_hat):
            if abs(row.sum() - 1.0) > PROBABILITY_SLACK:
                raise r.fail(at_hat(e), f"{name} needs each row of y_hat to be probabilities summing to 1 "
                             f"(a softmax output), but this one sums to {row.sum():g}")
