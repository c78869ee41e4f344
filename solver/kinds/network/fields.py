"""What a network question reads (forward, backprop, and train before its own fields): the
network, its layers, the data, the loss and the learning rate, each checked against the others.

problem.py calls `read_network_question` for the kinds whose registry entry says `network`;
the key tables here are also the schema's, and params and loss questions reuse some of them.
Plain Python: vectors are tuples of floats and matrices tuples of rows.
"""
from __future__ import annotations

from typing import Any

from ... import activations, losses, optimizers
from ...activations import ACTIVATIONS
from ...fieldtypes import (BOOLEAN, MATRIX, NUMBER, NUMBERS, VECTOR, any_of, choice, integer, list_of,
                           mapping_of, nonnegative, number, one_or_list, positive, ref, text)
from ...losses import LOSSES, REDUCTIONS
from ...model import Data, Display, Layer, Network, Question
from ...optimizers import OPTIMIZERS, Settings
from ...reading import Matrix, Reader, Vector, describe, one_of, plural, shape, suggest, transpose
from ...yamlsource import Path_
from ..registry import kind as kind_of

# The names of the activation, loss and reduction tables (plain data: reading them loads no SymPy).
ACTIVATION_NAMES = tuple(ACTIVATIONS)
LOSS_NAMES = tuple(LOSSES)
REDUCTION_NAMES = tuple(REDUCTIONS)
# The keys of a network question and of its mappings, each with the type of its value.
NETWORK_QUESTION_KEYS = {"network": ref("network"), "data": ref("data"), "loss": choice(LOSS_NAMES),
                         "reduction": choice(REDUCTION_NAMES), "huber_delta": positive(),
                         "learning_rate": positive(), "update": one_or_list(choice(("weights", "biases")))}
# backprop and train: the optimizer of the update and weight decay (solver/optimizers.py, docs/optimizers.md).
OPTIMIZER_NAMES = optimizers.NAMES
UNIT = number(0, 1)
OPTIMIZER_KEYS = {"optimizer": choice(OPTIMIZER_NAMES), "momentum": UNIT, "beta1": UNIT, "beta2": UNIT,
                  "rho": UNIT, "epsilon": positive(), "l2": nonnegative(),
                  "state": mapping_of(any_of(integer(0), NUMBER, MATRIX, VECTOR), min_items=0)}
NETWORK_QUESTION_KEYS.update(OPTIMIZER_KEYS)
NETWORK_KEYS = {"inputs": any_of(integer(1), list_of(text(30))), "layout": choice(("neuron_rows", "input_rows")),
                "layers": list_of(ref("layer")), "init": ref("init"), "bias": BOOLEAN}
INIT_KEYS = {"weights": NUMBER, "biases": NUMBER}
LAYER_KEYS = {"units": integer(1), "activation": choice(ACTIVATION_NAMES), "weights": MATRIX, "biases": VECTOR,
              "alpha": nonnegative()}
DATA_KEYS = {"x": MATRIX, "y": NUMBERS}
# Names other courses and libraries use, and what they are called here.
LOSS_ALIASES = losses.ALIASES
ACTIVATION_ALIASES = activations.ALIASES
MAX_LAYERS = 8


def read_network_question(r: Reader, node: dict, path: Path_, qid: str, kind: str, title, display: Display,
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
    needs_targets = kind_of(kind).needs_targets
    if needs_targets:
        for needed in ("loss", "learning_rate"):
            if needed not in node:
                raise r.fail(path, f"{needed}: missing; a {kind} question needs a loss and a learning_rate")
    data = _data(r, node["data"], path + ("data",), network, loss, needs_y=needs_targets,
                 kind=kind, max_examples=kind_of(kind).max_examples)
    if loss is not None and data.y is None:
        raise r.fail(path + ("data",), "y: missing; a loss needs targets y")
    if loss is not None:
        _check_loss_fits(r, path, network, loss)
    optimizer = _optimizer(r, node, path, kind, network, update)
    return Question(qid, kind, title, network, data, loss, reduction, huber_delta, learning_rate,
                    update, display, where, optimizer=optimizer)


def _optimizer(r: Reader, node: dict, path: Path_, kind: str, net: Network, update) -> Settings | None:
    """The optimizer's settings of a backprop or train question (None when it names none)."""
    given = [k for k in OPTIMIZER_KEYS if k in node]
    if not given:
        return None
    if not kind_of(kind).needs_targets:
        raise r.fail(path + (given[0],), f"a {kind} question makes no update; {given[0]} belongs to backprop "
                     "and train questions")
    name = r.choice(node.get("optimizer", "sgd"), path + ("optimizer",), OPTIMIZER_NAMES,
                    aliases=optimizers.ALIASES)
    spec = OPTIMIZERS[name]
    values: dict[str, Any] = {"name": name}
    for key in optimizers.HYPER_NAMES:
        if key not in node:
            continue
        if key not in spec.uses:
            users = [o.name for o in OPTIMIZERS.values() if key in o.uses]
            raise r.fail(path + (key,), f"{name} has no {key} (it is a setting of {' and '.join(users)}); "
                         f"remove it or set optimizer: {users[0]}")
        value = r.number(node[key], path + (key,), positive=key == "epsilon", nonnegative=True)
        if key != "epsilon" and value >= 1:
            raise r.fail(path + (key,), f"{key} is a decay factor from 0 up to (not including) 1, got {value:g}")
        values[key] = value
    if "l2" in node:
        values["l2"] = r.number(node["l2"], path + ("l2",), nonnegative=True,
                                hint="the weight decay: l2 * W is added to each weight gradient")
    if "state" in node:
        values["t"], values["state"] = _state(r, node["state"], path + ("state",), spec, net, update)
    return Settings(**values)


def _state(r: Reader, node: Any, path: Path_, spec, net: Network, update) -> tuple[int, dict]:
    """state: the moments before the step, keyed as the answer keys (v_W1, m_b2, ...), and t."""
    if not isinstance(node, dict):
        raise r.fail(path, f"expected a mapping of the moments before the step (e.g. v_W1: ...), got "
                     f"{describe(node)}")
    shapes: dict[str, tuple] = {}
    for l, layer in enumerate(net.layers, start=1):
        n_in = len(net.input_names) if l == 1 else net.layers[l - 2].units
        w_shape = (layer.units, n_in) if net.layout == "neuron_rows" else (n_in, layer.units)
        for m in spec.moments:
            if "weights" in update:
                shapes[f"{m}_W{l}"] = w_shape
            if "biases" in update and net.bias:
                shapes[f"{m}_b{l}"] = (layer.units,)
    allowed = tuple(shapes) + (("t",) if spec.counts_steps else ())
    t, state = 0, {}
    for key, value in node.items():
        where = path + (key,)
        if key == "t" and spec.counts_steps:
            t = r.integer(value, where, 0, 1_000_000)
            continue
        if key not in shapes:
            if not allowed:
                raise r.fail(where, f"{spec.name} keeps no moments: remove state")
            raise r.fail(where, f"unknown key {key!r}{suggest(key, allowed)} ({spec.name} keeps "
                         f"{one_of(allowed)})")
        expected = shapes[key]
        if len(expected) == 1:
            v = r.vector(value, where)
            if len(v) != expected[0]:
                raise r.fail(where, f"expected {expected[0]} numbers (one per unit, as b{key[-1]}), got {len(v)}")
        else:
            v = r.matrix(value, where)
            if shape(v) != expected:
                raise r.fail(where, f"expected a {expected[0]} x {expected[1]} matrix (the shape of the "
                             f"weights as the file writes them, layout: {net.layout}), "
                             f"got {shape(v)[0]} x {shape(v)[1]}")
        if key.startswith("s_"):
            _squares_not_negative(r, value, where)
        if len(expected) == 2 and net.layout != "neuron_rows":
            v = transpose(v)
        state[key] = v
    return t, state


def _squares_not_negative(r: Reader, value: list, path: Path_) -> None:
    """A moment s adds up squared gradients (rmsprop, adagrad, adam): none of its entries is negative,
    else its square root in the update is no number."""
    rows = value if isinstance(value[0], list) else [value]
    for i, row in enumerate(rows):
        for j, x in enumerate(row):
            if x < 0:
                at = path + ((i, j) if rows is value else (j,))
                raise r.fail(at, f"must not be negative, got {x}: s adds up squared gradients, and the "
                             "update takes its square root")


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
          kind: str, max_examples: int) -> Data:
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
        raise r.fail(path + ("x",), f"each example needs {plural(n_in, 'input')} (network.inputs{names}), "
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
