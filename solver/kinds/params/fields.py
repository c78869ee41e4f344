"""The fields of a params question: layer sizes (or a network's shape) and `bias`.

    sizes: [4, 3, 2, 1]     # the input size first, then the units of each layer
    bias: true              # default true; false: a network without biases

Instead of `sizes`, `network:` may be given in the form of forward questions; only
`inputs`, each layer's `units` and `bias` are read (weights may be left out).

Convolution layers come before the dense ones, in `conv_layers:` (with or without `sizes`):

    conv_layers:
      - {channels: 3, filters: 16, kernel: 3}   # channels: of the input (required in the first)
      - {filters: 32, kernel: 5}                # channels: the filters of the layer before
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from ...fieldtypes import BOOLEAN, integer, list_of, ref
from ..network.fields import LAYER_KEYS, NETWORK_KEYS
from ...reading import Reader, describe
from ...yamlsource import Path_

MAX_LAYERS = 20          # one line of arithmetic per layer; longer lists are more likely a slip
MAX_UNITS = 1_000_000    # keeps every count exact in a float (the JSON number) and readable
MAX_FILTERS, MAX_KERNEL = 4096, 31
CONV_KEYS = {"channels": integer(1, MAX_FILTERS), "filters": integer(1, MAX_FILTERS), "kernel": integer(1, MAX_KERNEL)}
KEYS = {"sizes": list_of(integer(1, MAX_UNITS), 2, MAX_LAYERS + 1), "bias": BOOLEAN,
        "network": ref("network"),
        "conv_layers": list_of({"type": "object", "properties": CONV_KEYS, "additionalProperties": False}, 1, MAX_LAYERS),
        }     # key -> type (solver/fieldtypes.py)
_DASHED = re.compile(r"^\s*\d+(\s*[-x,]\s*\d+)+\s*$")


@dataclass(frozen=True)
class ParamsSpec:
    sizes: tuple[int, ...]      # inputs, then the units of each layer
    bias: bool = True
    input_names: tuple[str, ...] = ()   # when `network.inputs` named them
    conv: tuple[tuple[int, int, int], ...] = ()   # convolution layers before: (channels, filters, kernel)

    @property
    def layers(self) -> int:
        return max(len(self.sizes) - 1, 0)


def read(r: Reader, node: dict, path: Path_, question) -> ParamsSpec:
    if "sizes" in node and "network" in node:
        raise r.fail(path + ("network",), "give either sizes or network, not both")
    conv = _conv(r, node["conv_layers"], path + ("conv_layers",)) if "conv_layers" in node else ()
    if "network" in node:
        if "bias" in node:
            raise r.fail(path + ("bias",), "with network: give bias inside it (network.bias), not beside it")
        return dataclasses.replace(_from_network(r, node["network"], path + ("network",)), conv=conv)
    if conv and "sizes" not in node:
        return ParamsSpec((), _bias(r, node, path), (), conv)
    if "sizes" not in node:
        raise r.fail(path, "sizes: missing; give the input size and then each layer's units, "
                     "e.g. sizes: [4, 3, 2, 1]")
    sizes = _sizes(r, node["sizes"], path + ("sizes",))
    return ParamsSpec(sizes, _bias(r, node, path), (), conv)


def _conv(r: Reader, value: Any, path: Path_) -> tuple[tuple[int, int, int], ...]:
    """The convolution layers: (channels, filters, kernel) each; a layer's channels are the filters
    of the one before, so only the first must give them (and a later one may repeat them)."""
    if not isinstance(value, list) or not value:
        raise r.fail(path, "expected a list of convolution layers, e.g. [{channels: 3, filters: 16, kernel: 3}], "
                     f"got {describe(value)}")
    if len(value) > MAX_LAYERS:
        raise r.fail(path, f"{len(value)} layers; a worked solution takes at most {MAX_LAYERS}")
    out: list[tuple[int, int, int]] = []
    for i, item in enumerate(value):
        at = path + (i,)
        node = r.mapping(item, at, CONV_KEYS)
        for needed, what in (("filters", "how many kernels the layer has"), ("kernel", "the side k of its k x k kernels")):
            if needed not in node:
                raise r.fail(at, f"{needed}: missing; {what}")
        before = out[-1][1] if out else None
        if "channels" in node:
            channels = r.integer(node["channels"], at + ("channels",), 1, MAX_FILTERS)
            if before is not None and channels != before:
                raise r.fail(at + ("channels",), f"the layer before has {before} filters, so this layer's input has "
                             f"{before} channels, not {channels}: write channels: {before} or leave it out")
        elif before is None:
            raise r.fail(at, "channels: missing; give the channels of the input (3 for a colour image)")
        else:
            channels = before
        out.append((channels, r.integer(node["filters"], at + ("filters",), 1, MAX_FILTERS),
                    r.integer(node["kernel"], at + ("kernel",), 1, MAX_KERNEL)))
    return tuple(out)


def _bias(r: Reader, node: dict, path: Path_) -> bool:
    bias = node.get("bias", True)
    if not isinstance(bias, bool):
        raise r.fail(path + ("bias",), f"expected true or false, got {describe(bias)}")
    return bias


def _sizes(r: Reader, value: Any, path: Path_) -> tuple[int, ...]:
    if isinstance(value, str) and _DASHED.match(value):
        numbers = ", ".join(re.findall(r"\d+", value))
        raise r.fail(path, f"write the sizes as a list: sizes: [{numbers}]")
    if not isinstance(value, list):
        raise r.fail(path, f"expected a list of whole numbers (inputs, then each layer's units), got {describe(value)}")
    if len(value) < 2:
        raise r.fail(path, f"needs at least 2 numbers, the input size and one layer's units; got {len(value)}")
    if len(value) > MAX_LAYERS + 1:
        raise r.fail(path, f"{len(value) - 1} layers; a worked solution takes at most {MAX_LAYERS} "
                     "(one line of arithmetic each)")
    return tuple(_size(r, v, path + (i,), first=i == 0) for i, v in enumerate(value))


def _size(r: Reader, value: Any, path: Path_, first: bool) -> int:
    if value == 0 and not isinstance(value, bool):
        if first:
            raise r.fail(path, "an input size of 0: a network needs at least one input")
        raise r.fail(path, "a layer of 0 units: every layer needs at least one unit (remove the layer if it "
                     "should not be there)")
    return r.integer(value, path, 1, MAX_UNITS)


def _from_network(r: Reader, value: Any, path: Path_) -> ParamsSpec:
    node = r.mapping(value, path, NETWORK_KEYS)
    if "inputs" not in node:
        raise r.fail(path, "inputs: missing; give the number of inputs or their names, e.g. inputs: 2")
    inputs, names = node["inputs"], ()
    if isinstance(inputs, list):
        if not inputs:
            raise r.fail(path + ("inputs",), "needs at least one input")
        names = tuple(r.text(v, path + ("inputs", i), 30) for i, v in enumerate(inputs))
        n_in = len(names)
    else:
        n_in = _size(r, inputs, path + ("inputs",), first=True)
    layers = node.get("layers")
    if not isinstance(layers, list) or not layers:
        raise r.fail(path + ("layers",), f"expected a list of layers, got {describe(layers)}")
    if len(layers) > MAX_LAYERS:
        raise r.fail(path + ("layers",), f"{len(layers)} layers; a worked solution takes at most {MAX_LAYERS}")
    units = []
    for i, layer in enumerate(layers):
        layer = r.mapping(layer, path + ("layers", i), LAYER_KEYS)
        if "units" not in layer:
            raise r.fail(path + ("layers", i), "units: missing; say how many neurons the layer has")
        units.append(_size(r, layer["units"], path + ("layers", i, "units"), first=False))
    return ParamsSpec((n_in, *units), _bias(r, node, path), names)
