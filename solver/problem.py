"""From the data of a YAML file to a validated `Problem`, or a precise error.

Every check raises `ProblemError` pointing at the line and column of the value at
fault, with the field's path and a hint on how to fix it.

Reading is plain Python: vectors are tuples of floats and matrices tuples of rows, their
shapes checked by length. `validate` gives the records so; `read_problem` then makes NumPy
arrays of them (model.py), once the whole file has validated. Nothing here imports SymPy or
NumPy, so that a bad file is refused at once.
"""
from __future__ import annotations

import dataclasses
import difflib
import importlib
import unicodedata
from typing import Any

from . import activations, losses
from .activations import ACTIVATIONS
from .errors import BIDI_CONTROLS, ProblemError
from .formats import NOTATIONS
from .fieldtypes import (BOOLEAN, MATRIX, NUMBER, NUMBERS, VECTOR, any_of, choice, integer, list_of, mapping_of,
                         nonnegative, one_or_list, optional, positive, ref, text)
from .losses import LOSSES, REDUCTIONS
from .model import Data, Display, Layer, Marking, Network, Problem, Question
from .settings import MAX_PARAMETERS
from .yamlsource import Path_, Source, dotted

KINDS = ("params", "forward", "loss", "backprop", "train", "perceptron", "graph")
NETWORK_KINDS = ("forward", "backprop", "train")     # the kinds whose question is a network and data
FIELD_KINDS = ("params", "loss", "train", "perceptron", "graph")  # fields read by solver/fields/<kind>.py
# The names of the activation, loss and reduction tables (plain data: reading them loads no SymPy).
ACTIVATION_NAMES = tuple(ACTIVATIONS)
LOSS_NAMES = tuple(LOSSES)
REDUCTION_NAMES = tuple(REDUCTIONS)
# The keys of each mapping of a problem file, each with the type of its value (solver/fieldtypes.py):
# the reader allows these keys and no others, and solver/schema.py writes the JSON Schema from them.
SETTINGS_KEYS = {"decimals": integer(0, 10), "carry": choice(("rounded", "exact")), "notation": choice(NOTATIONS)}
COMMON_KEYS = {"id": text(40), "title": optional(text(200)), "kind": choice(KINDS),
               "marks": mapping_of(nonnegative()),
               "tolerance": positive(),       # of marking, except in train, where it stops training
               **SETTINGS_KEYS}
NETWORK_QUESTION_KEYS = {"network": ref("network"), "data": ref("data"), "loss": choice(LOSS_NAMES),
                         "reduction": choice(REDUCTION_NAMES), "huber_delta": positive(),
                         "learning_rate": positive(), "update": one_or_list(choice(("weights", "biases")))}
QUESTION_KEYS = {**COMMON_KEYS, **NETWORK_QUESTION_KEYS}
FILE_KEYS = {"title": optional(text(200)), "questions": list_of(ref("question")), "tolerance": positive(),
             "randomize": ref("randomize"), **SETTINGS_KEYS}       # a file of several questions
NETWORK_KEYS = {"inputs": any_of(integer(1), list_of(text(30))), "layout": choice(("neuron_rows", "input_rows")),
                "layers": list_of(ref("layer")), "init": ref("init"), "bias": BOOLEAN}
INIT_KEYS = {"weights": NUMBER, "biases": NUMBER}
LAYER_KEYS = {"units": integer(1), "activation": choice(ACTIVATION_NAMES), "weights": MATRIX, "biases": VECTOR,
              "alpha": nonnegative()}
DATA_KEYS = {"x": MATRIX, "y": NUMBERS}
# Names other courses and libraries use, and what they are called here.
LOSS_ALIASES = losses.ALIASES
ACTIVATION_ALIASES = activations.ALIASES
MAX_EXAMPLES = 16            # a worked solution shows every example
MAX_TRAIN_EXAMPLES = 10_000  # a training run shows a table of epochs, not every example
MAX_LAYERS = 8


Vector = tuple          # of floats
Matrix = tuple          # of rows, each a Vector of the same length


def shape(m: Matrix) -> tuple[int, int]:
    """Rows x columns of a matrix as the reader gives it."""
    return len(m), len(m[0])


def transpose(m: Matrix) -> Matrix:
    return tuple(zip(*m))


def suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def one_of(choices) -> str:
    return ", ".join(choices)


# The numbers a worked solution carries faithfully in float arithmetic: at most 1e6 in size,
# and 0 or at least 1e-9 (the solution takes a result within 1e-9 of 0 as 0 where a kink
# decides, as relu, abs or the perceptron's line do: a smaller given number would be 0 in some
# places and not in others; subnormals such as 1e-320 lose their digits outright).
LARGEST, SMALLEST = 1e6, 1e-9
SMALLEST_TEXT = "1e-9"
USABLE = f"a number is 0 or from {SMALLEST_TEXT} to 1e6 in size"


class Reader:
    """Typed access to the data of a `Source` at a path, with errors that point there."""

    def __init__(self, src: Source, max_parameters: int = MAX_PARAMETERS):
        self.src = src
        self.max_parameters = max_parameters

    def fail(self, path: Path_, message: str) -> ProblemError:
        return self.src.error(path, message)

    def mapping(self, value: Any, path: Path_, allowed) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping of {one_of(allowed)}, got {describe(value)}")
        for key in value:
            if key not in allowed:
                raise self.fail(path + (key,), f"unknown key {key!r}{suggest(key, allowed)}"
                                f" (allowed here: {one_of(allowed)})")
        return value

    def number(self, value: Any, path: Path_, *, positive=False, nonnegative=False, hint="") -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if isinstance(value, str) and path in self.src.quoted and _is_number(value):
                raise self.fail(path, f"the string {value!r} where a number belongs: remove the quotes")
            if isinstance(value, bool):
                raise self.fail(path, f"expected a number, got {describe(value)} "
                                "(YAML reads true/false, yes/no and on/off as booleans)")
            raise self.fail(path, f"expected a number, got {describe(value)}")
        hint = f" ({hint})" if hint else ""
        if positive and value <= 0:
            raise self.fail(path, f"must be positive, got {value}{hint}")
        if nonnegative and value < 0:
            raise self.fail(path, f"must not be negative, got {value}{hint}")
        if abs(value) > LARGEST:
            raise self.fail(path, f"{value} is too large for a worked solution (at most 1e6 in size)")
        if 0 < abs(value) < SMALLEST:
            raise self.fail(path, f"{value} is too small to carry faithfully ({USABLE}): the solution takes "
                            f"what is within {SMALLEST_TEXT} of 0 as 0 at a kink; write 0 if you mean 0")
        return float(value)

    def integer(self, value: Any, path: Path_, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise self.fail(path, f"expected a whole number from {lo} to {hi}, got {describe(value)}")
        if not lo <= value <= hi:
            raise self.fail(path, f"must be from {lo} to {hi}, got {value}")
        return value

    def choice(self, value: Any, path: Path_, choices, later=(), aliases=None) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected one of {one_of(choices)}, got {describe(value)}")
        if value in later:
            raise self.fail(path, f"{value!r} is not supported by this version yet; use one of {one_of(choices)}")
        if aliases and value not in choices and value.lower() in aliases:
            raise self.fail(path, f"unknown value {value!r}: here it is called {aliases[value.lower()]}"
                            f" (one of {one_of(choices)})")
        if value not in choices:
            raise self.fail(path, f"unknown value {value!r}{suggest(value, choices)} (one of {one_of(choices)})")
        return value

    def text(self, value: Any, path: Path_, limit: int = 200) -> str:
        """One line of text: any script, but no control characters (tab aside), no line breaks
        inside it, and no bidirectional controls (they reorder what is shown around them)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, got {describe(value)}")
        if len(value) > limit:
            raise self.fail(path, f"is {len(value)} characters long; keep it under {limit}")
        start, end = len(value) - len(value.lstrip()), len(value.rstrip())
        for i, c in enumerate(value):
            what, fix = _unusable(c, inside=start <= i < end)
            if what:
                name = unicodedata.name(c, "")
                raise self.fail(path, f"character {i + 1} is {what} (U+{ord(c):04X}{' ' + name if name else ''}): "
                                f"{fix}")
        return value.rstrip("\n")      # a block scalar's final line breaks are not part of the text

    def vector(self, value: Any, path: Path_) -> Vector:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (self.number(value, path),)
        if not isinstance(value, list) or not value:
            raise self.fail(path, f"expected a list of numbers, got {describe(value)}")
        return tuple(self.number(v, path + (i,)) for i, v in enumerate(value))

    def matrix(self, value: Any, path: Path_, flat_is_row=True) -> Matrix:
        """A list of rows; a flat list is one row (or, not `flat_is_row`, one column)."""
        if not isinstance(value, list) or not value:
            raise self.fail(path, f"expected a list of rows (a matrix), got {describe(value)}")
        if not any(isinstance(v, list) for v in value):
            row = self.vector(value, path)
            return (row,) if flat_is_row else tuple((v,) for v in row)
        rows = []
        for i, row in enumerate(value):
            if not isinstance(row, list):
                raise self.fail(path + (i,), f"expected a row (a list of numbers), got {describe(row)}: "
                                "write every row as [..]")
            rows.append(self.vector(row, path + (i,)))
        width = len(rows[0])
        for i, row in enumerate(rows):
            if len(row) != width:
                raise self.fail(path + (i,), f"row {i + 1} has {_count(len(row), 'number')} but row 1 has "
                                f"{width}: every row needs the same length")
        return tuple(rows)


def _unusable(c: str, inside: bool) -> tuple[str, str]:
    """What a character is that cannot stand in a line of text, and the fix ('' when it can
    stand there); a newline may end the text (a YAML block scalar ends with one)."""
    if c in BIDI_CONTROLS:
        return "a bidirectional control, which reorders the text shown around it", "remove it"
    if c in "\n\r\u2028\u2029\x85":
        return ("", "") if c == "\n" and not inside else ("a line break", "keep the text on one line")
    if c != "\t" and unicodedata.category(c) == "Cc":
        return "a control character", "remove it (in double quotes, \\e or \\x.. writes one)"
    return "", ""


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_problem(src: Source, max_parameters: int = MAX_PARAMETERS) -> Problem:
    """The validated problem, its numbers in NumPy arrays."""
    return validate(src, max_parameters).for_solving()


def validate(src: Source, max_parameters: int = MAX_PARAMETERS) -> Problem:
    """The validated problem, its numbers in tuples (plain Python: see the module's docstring)."""
    r = Reader(src, max_parameters)
    root = src.data
    if not isinstance(root, dict):
        raise r.fail((), f"the file should be a mapping (title:, questions: ...), got {describe(root)}")
    if "questions" in root:
        r.mapping(root, (), FILE_KEYS)
        defaults = _display(r, root, (), Display())
        items = root["questions"]
        if not isinstance(items, list) or not items:
            hint = ": start each question with '- ' (- id: q1, kind: ...)" if isinstance(items, dict) else ""
            raise r.fail(("questions",), f"expected a list of questions, got {describe(items)}{hint}")
        taken = {str(q["id"]) for q in items if isinstance(q, dict) and "id" in q}
        questions = [_question(r, q, ("questions", i), defaults, _default_id(i, taken))
                     for i, q in enumerate(items)]
    else:
        question = {k: v for k, v in root.items() if k != "randomize"}   # its keys checked as a question's
        questions = [_question(r, question, (), Display(), "q1")]
    seen: dict[str, int] = {}
    for i, q in enumerate(questions):
        if q.id in seen:
            raise r.fail(("questions", i, "id"), f"id {q.id!r} is used twice (also by question {seen[q.id] + 1}): "
                         "give each question its own id")
        seen[q.id] = i
    title = r.text(root["title"], ("title",)) if root.get("title") is not None else None
    if "questions" in root and "tolerance" in root:
        exam_tolerance = _tolerance(r, root["tolerance"], ("tolerance",))
        questions = [q if q.marking.tolerance is not None else
                     dataclasses.replace(q, marking=dataclasses.replace(q.marking, tolerance=exam_tolerance))
                     for q in questions]
    randomize = None
    if "randomize" in root:
        from .randomize import read_randomize
        randomize = read_randomize(r, root["randomize"], ("randomize",))
    return Problem(src.file, title, tuple(questions), randomize)


def _tolerance(r: Reader, value: Any, path: Path_) -> float:
    return r.number(value, path, positive=True, hint="how far an answer may be from the key and still be right")


def _marking(r: Reader, node: dict, path: Path_, kind: str) -> Marking:
    """marks: {key: points}; tolerance (except in train, where it stops the training)."""
    tolerance = None
    if "tolerance" in node and kind != "train":
        tolerance = _tolerance(r, node["tolerance"], path + ("tolerance",))
    marks = []
    if "marks" in node:
        if not isinstance(node["marks"], dict) or not node["marks"]:
            raise r.fail(path + ("marks",), f"expected a mapping of answer keys to marks, e.g. {{dW1: 2, loss: 1}}, "
                         f"got {describe(node['marks'])}")
        for key, value in node["marks"].items():
            where = path + ("marks", key)
            points = r.number(value, where, nonnegative=True)
            line, col = r.src.where(where)
            marks.append((str(key), points, (line, col, dotted(where))))
    return Marking(tolerance, tuple(marks))


def _display(r: Reader, node: dict, path: Path_, base: Display) -> Display:
    decimals, carry, notation = base.decimals, base.carry, base.notation
    if "decimals" in node:
        decimals = r.integer(node["decimals"], path + ("decimals",), 0, 10)
    if "carry" in node:
        carry = r.choice(node["carry"], path + ("carry",), ("rounded", "exact"))
    if "notation" in node:
        notation = r.choice(node["notation"], path + ("notation",), NOTATIONS)
    return Display(decimals, carry, notation)


def _default_id(index: int, taken: set[str]) -> str:
    """q1, q2, ... by position, skipping ids that other questions chose for themselves."""
    n = index + 1
    while f"q{n}" in taken:
        n += 1
    taken.add(f"q{n}")
    return f"q{n}"


def fields_of(kind: str):
    """The module that reads the fields of a kind (solver/fields/<kind>.py)."""
    return importlib.import_module(f"solver.fields.{kind}")


def keys_of(kind: str) -> tuple[str, ...]:
    keys = tuple(COMMON_KEYS) + (tuple(NETWORK_QUESTION_KEYS) if kind in NETWORK_KINDS else ())
    if kind in FIELD_KINDS:
        keys += tuple(k for k in fields_of(kind).KEYS if k not in keys)
    return keys


def _check_keys(r: Reader, node: dict, path: Path_, kind: str) -> None:
    allowed = keys_of(kind)
    for key in node:
        if key in allowed:
            continue
        owners = [k for k in KINDS if key in keys_of(k)]
        if owners:
            raise r.fail(path + (key,), f"a {kind} question has no field {key!r} (it belongs to "
                         f"{' and '.join(owners)} questions); the fields of {kind}: {one_of(allowed)}")
        raise r.fail(path + (key,), f"unknown key {key!r}{suggest(key, allowed)} (allowed here: {one_of(allowed)})")


def _question(r: Reader, node: Any, path: Path_, defaults: Display, default_id: str) -> Question:
    if not isinstance(node, dict):
        raise r.fail(path, f"expected a question (a mapping of id, kind, ...), got {describe(node)}")
    qid = r.text(node["id"], path + ("id",), 40) if "id" in node else default_id
    if not qid.replace("_", "").replace("-", "").isalnum():
        raise r.fail(path + ("id",), f"{qid!r}: an id is letters, digits, - and _ only")
    if "kind" not in node:
        raise r.fail(path, f"kind: missing; say what the question asks ({one_of(KINDS)})")
    kind = r.choice(node["kind"], path + ("kind",), KINDS)
    _check_keys(r, node, path, kind)
    title = r.text(node["title"], path + ("title",)) if node.get("title") is not None else None
    display = _display(r, node, path, defaults)
    line, col = r.src.where(path)
    where = (line, col, dotted(path))
    if kind in NETWORK_KINDS:
        q = _network_question(r, node, path, qid, kind, title, display, where)
    else:
        q = Question(qid, kind, title, None, None, None, display=display, where=where)
    if kind in FIELD_KINDS:
        q = dataclasses.replace(q, spec=fields_of(kind).read(r, node, path, q))
    return dataclasses.replace(q, marking=_marking(r, node, path, kind))


def _network_question(r: Reader, node: dict, path: Path_, qid: str, kind: str, title, display: Display,
                      where) -> Question:
    for needed in ("network", "data"):
        if needed not in node:
            raise r.fail(path, f"{needed}: missing; a {kind} question needs a network and data")
    network = _network(r, node["network"], path + ("network",))
    loss = r.choice(node["loss"], path + ("loss",), LOSS_NAMES, aliases=LOSS_ALIASES) \
        if "loss" in node else None
    reduction = r.choice(node.get("reduction", "mean"), path + ("reduction",), REDUCTION_NAMES)
    huber_delta = r.number(node["huber_delta"], path + ("huber_delta",), positive=True) \
        if "huber_delta" in node else 1.0
    learning_rate = None
    if "learning_rate" in node:
        learning_rate = r.number(node["learning_rate"], path + ("learning_rate",), positive=True,
                                 hint="a step size such as 0.1; descent already subtracts the gradient")
    update = ("weights", "biases")
    if "update" in node:
        update = _update(r, node["update"], path + ("update",))
    if kind in ("backprop", "train"):
        for needed in ("loss", "learning_rate"):
            if needed not in node:
                raise r.fail(path, f"{needed}: missing; a {kind} question needs a loss and a learning_rate")
    data = _data(r, node["data"], path + ("data",), network, loss, needs_y=kind in ("backprop", "train"),
                 kind=kind, max_examples=MAX_TRAIN_EXAMPLES if kind == "train" else MAX_EXAMPLES)
    if loss is not None and data.y is None:
        raise r.fail(path + ("data",), "y: missing; a loss needs targets y")
    if loss is not None:
        _check_loss_fits(r, path, network, loss)
    return Question(qid, kind, title, network, data, loss, reduction, huber_delta, learning_rate,
                    update, display, where)


def _update(r: Reader, value: Any, path: Path_) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise r.fail(path, f"expected a list of weights, biases; got {describe(value)}")
    out = [r.choice(v, path + (i,), ("weights", "biases")) for i, v in enumerate(value)]
    return tuple(p for p in ("weights", "biases") if p in out)


def _network(r: Reader, node: Any, path: Path_) -> Network:
    node = r.mapping(node, path, NETWORK_KEYS)
    if "inputs" not in node:
        raise r.fail(path, "inputs: missing; give the number of inputs or their names, e.g. inputs: 2")
    inputs = node["inputs"]
    if isinstance(inputs, list):
        names = tuple(r.text(v, path + ("inputs", i), 30) for i, v in enumerate(inputs))
        if not names:
            raise r.fail(path + ("inputs",), "needs at least one input")
        for i, name in enumerate(names):
            if name in names[:i]:
                raise r.fail(path + ("inputs", i), f"input name {name!r} is given twice: "
                             "give each input its own name")
    else:
        count = r.integer(inputs, path + ("inputs",), 1, 1000)
        names = tuple(f"x{i + 1}" for i in range(count))
    layout = r.choice(node.get("layout", "neuron_rows"), path + ("layout",), ("neuron_rows", "input_rows"))
    bias = node.get("bias", True)
    if not isinstance(bias, bool):
        raise r.fail(path + ("bias",), f"expected true or false, got {describe(bias)}")
    init = None
    if "init" in node:
        init_node = r.mapping(node["init"], path + ("init",), INIT_KEYS)
        init = {k: r.number(v, path + ("init", k)) for k, v in init_node.items()}
    layers_node = node.get("layers")
    if not isinstance(layers_node, list) or not layers_node:
        raise r.fail(path + ("layers",), f"expected a list of layers, got {describe(layers_node)}")
    if len(layers_node) > MAX_LAYERS:
        raise r.fail(path + ("layers",), f"{len(layers_node)} layers; a worked solution takes at most {MAX_LAYERS}")
    sizes = [len(names)]
    for i, layer in enumerate(layers_node):
        layer = r.mapping(layer, path + ("layers", i), LAYER_KEYS)
        if "units" not in layer:
            raise r.fail(path + ("layers", i), "units: missing; say how many neurons the layer has")
        sizes.append(r.integer(layer["units"], path + ("layers", i, "units"), 1, 1000))
    count = sum(sizes[i] * sizes[i + 1] + (sizes[i + 1] if bias else 0) for i in range(len(sizes) - 1))
    if count > r.max_parameters:
        raise r.fail(path + ("layers",),
                     f"the network has {count:,} parameters; a worked solution shows every one of them, "
                     f"and past {r.max_parameters:,} it stops being readable (raise the limit with "
                     "--max-params if you really want it)")
    layers = [_layer(r, layers_node[i], path + ("layers", i), sizes[i], layout, bias, init)
              for i in range(len(layers_node))]
    return Network(names, tuple(layers), bias, layout)


def _layer(r: Reader, node: dict, path: Path_, n_in: int, layout: str, bias: bool, init) -> Layer:
    units = int(node["units"])
    if "activation" not in node:
        raise r.fail(path, f"activation: missing; one of {one_of(ACTIVATION_NAMES)}")
    activation = r.choice(node["activation"], path + ("activation",), ACTIVATION_NAMES,
                          aliases=ACTIVATION_ALIASES)
    if not ACTIVATIONS[activation].elementwise and units == 1:
        raise r.fail(path + ("activation",), f"{activation} over one unit is always 1; use sigmoid for one output")
    alpha = 0.01
    if "alpha" in node:
        if activation not in activations.WITH_SLOPE:
            sloped = " or ".join(activations.WITH_SLOPE)
            raise r.fail(path + ("alpha",), f"alpha is the slope of {sloped}, but this layer is {activation}: "
                         f"remove alpha or use activation: {sloped}")
        alpha = r.number(node["alpha"], path + ("alpha",), nonnegative=True)
    if "weights" in node:
        weights = _weights(r, node["weights"], path + ("weights",), units, n_in, layout)
    elif init is not None and "weights" in init:
        weights = ((init["weights"],) * n_in,) * units
    else:
        raise r.fail(path, "weights: missing; list them, or give network.init: {weights: 1, biases: 0}")
    if not bias:
        if "biases" in node:
            raise r.fail(path + ("biases",), "the network has bias: false; remove the biases or set bias: true")
        biases = (0.0,) * units
    elif "biases" in node:
        biases = r.vector(node["biases"], path + ("biases",))
        if len(biases) != units:
            raise r.fail(path + ("biases",), f"expected {units} biases (one per unit), got {len(biases)}")
    elif init is not None and "biases" in init:
        biases = (init["biases"],) * units
    else:
        raise r.fail(path, "biases: missing; list them, give network.init.biases, or set network.bias: false")
    return Layer(units, activation, weights, biases, alpha)


def _weights(r: Reader, value: Any, path: Path_, units: int, n_in: int, layout: str) -> Matrix:
    w = r.matrix(value, path)
    got = shape(w)
    if layout == "neuron_rows":
        expected, reading, other = (units, n_in), "units x inputs, a row per neuron", "input_rows"
    else:
        expected, reading, other = (n_in, units), "inputs x units, a row per input", "neuron_rows"
    if got != expected:
        message = (f"expected a {expected[0]} x {expected[1]} matrix ({reading}, layout: {layout}), "
                   f"got {got[0]} x {got[1]}")
        if got == expected[::-1]:
            message += f"; the transpose fits: did you mean layout: {other}?"
        raise r.fail(path, message)
    return w if layout == "neuron_rows" else transpose(w)


def _data(r: Reader, node: Any, path: Path_, net: Network, loss: str | None, needs_y: bool,
          kind: str = "backprop", max_examples: int = MAX_EXAMPLES) -> Data:
    node = r.mapping(node, path, DATA_KEYS)
    if "x" not in node:
        raise r.fail(path, "x: missing; give the inputs, one row per example")
    x = r.matrix(node["x"], path + ("x",))
    n_in = len(net.input_names)
    n, width = shape(x)
    if width != n_in:
        flat = n == 1 and width % n_in == 0 and not any(isinstance(v, list) for v in node["x"])
        hint = "; a flat list is one example: write several examples one row each, [[..], [..]]" if flat else ""
        names = ": " + ", ".join(net.input_names) if n_in <= 10 else ""
        raise r.fail(path + ("x",), f"each example needs {_count(n_in, 'input')} (network.inputs{names}), "
                     f"got {width}{hint}")
    if n > max_examples:
        raise r.fail(path + ("x",), f"{n} examples; a worked solution takes at most {max_examples}")
    outputs = net.layers[-1].units
    if "y" not in node:
        if needs_y:
            raise r.fail(path, f"y: missing; a {kind} question needs targets y, one row per example")
        return Data(x, None)
    if loss == "sparse_cce":
        labels = class_labels(r, node["y"], path + ("y",), n, outputs)
        return Data(x, one_hot(labels, outputs), labels)
    y = r.matrix(node["y"], path + ("y",))
    nested = any(isinstance(v, list) for v in node["y"])
    transposed = shape(y) == (1, n) and n > 1 and outputs == 1
    if transposed:
        y = transpose(y)  # a flat list of one target per example
    if shape(y) != (n, outputs):
        raise r.fail(path + ("y",), f"expected {n} row(s) of {outputs} target(s) (examples x outputs), "
                     f"got {shape(y)[0]} x {shape(y)[1]}")

    def at(e: int, o: int | None = None) -> Path_:
        """The path of target (example e, output o) as the file wrote it."""
        if nested:
            return path + ("y", e) + (() if o is None else (o,))
        if transposed:
            return path + ("y", e)
        return path + ("y",) if o is None else path + ("y", o)

    _check_targets(r, y, at, loss)
    return Data(x, y)


def class_labels(r: Reader, value: Any, path: Path_, n: int, classes: int, examples_are: str = "",
                 classes_are: str = "the output units") -> tuple[int, ...]:
    """The class indices of sparse_cce, one per example (a flat list, or rows of one)."""
    flat = value if isinstance(value, list) else [value]
    flat = [v[0] if isinstance(v, list) and len(v) == 1 else v for v in flat]
    if len(flat) != n:
        raise r.fail(path, f"sparse_cce takes one class index per example{examples_are}: expected {n}, "
                     f"got {len(flat)}")
    labels = []
    for i, v in enumerate(flat):
        where = path + (i,) if isinstance(value, list) else path
        whole = isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer()
        if not whole or not 0 <= v < classes:
            raise r.fail(where, f"a class index for {classes} classes ({classes_are}) is a whole number "
                         f"from 0 to {classes - 1}, counting from 0; got {describe(v)}")
        labels.append(int(v))
    return tuple(labels)


def one_hot(labels: tuple[int, ...], classes: int) -> Matrix:
    """A row per label, 1.0 in its class's column."""
    return tuple(tuple(1.0 if c == label else 0.0 for c in range(classes)) for label in labels)


def entries(m: Matrix, outside) -> tuple[int, int, float] | None:
    """The first entry (row, column, value) of `m`, row by row, for which `outside(value)`, or None."""
    return next(((e, o, v) for e, row in enumerate(m) for o, v in enumerate(row) if outside(v)), None)


def sums_to_one(row: Vector) -> bool:
    """The row sums to 1 as closely as numpy.isclose(sum, 1) would say."""
    return abs(sum(row) - 1.0) <= 1e-8 + 1e-5


def _check_targets(r: Reader, y: Matrix, at, loss: str | None) -> None:
    """`at(e, o)` is the path of target (example e, output o); `at(e)` that of example e's row."""
    if loss is None:
        return
    targets = LOSSES[loss].targets
    if targets == "unit" and (bad := entries(y, lambda v: v < 0 or v > 1)):
        e, o, v = bad
        raise r.fail(at(e, o), f"{loss} needs targets between 0 and 1, got {v:g}: "
                     "use 0/1 class labels (or probabilities)")
    if targets == "pm1" and (bad := entries(y, lambda v: v not in (-1.0, 1.0))):
        e, o, v = bad
        raise r.fail(at(e, o), f"hinge needs targets -1 or +1, got {v:g}: write 0/1 labels as -1/+1")
    if targets == "onehot":
        for e, row in enumerate(y):
            if any(v < 0 for v in row) or not sums_to_one(row):
                raise r.fail(at(e), f"cce needs each row of targets to be one-hot (or to sum to 1), but this one "
                             f"sums to {sum(row):g}; for class indices use loss: sparse_cce")


def _check_loss_fits(r: Reader, path: Path_, net: Network, loss: str) -> None:
    spec, out = LOSSES[loss], net.layers[-1]
    if spec.needs_unit_interval and not ACTIVATIONS[out.activation].open_unit_interval:
        where = path + ("network", "layers", len(net.layers) - 1, "activation")
        raise r.fail(where, f"{loss} takes the log of the output, which must stay inside (0, 1), but a "
                     f"{out.activation} output can leave it: use sigmoid (or softmax) on the output layer")
