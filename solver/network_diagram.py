"""The picture of a network: inputs on the left, one column per layer, the output on the right.

Nodes and edge labels are semantic symbols (solver/symbols.py), so the printer writes them
in the question's notation: x_1, a^{[1]}_1 and y-hat, W^{[l]}_{ji} on the edge from input
(or unit) i to unit j in the layer notation; w^k_ij and O_kj in the indexed one.

What is drawn, and what is not:
- each unit is a node named by its symbol; above each layer's column, the layer's formula
  a^{[l]} = g(z^{[l]}) names its activation;
- biases are not drawn (the Given step lists them; the title says so);
- a layer of more than MAX_UNITS units shows its first FIRST_UNITS units, a vertical-dots
  node and its last unit; edges to or from the dots stand for all the elided edges and are
  drawn once, unlabelled;
- the edges between two layers are labelled with their weights only when at most MAX_LABELLED
  of them are drawn between units: more labels than that collide, and the title then says the
  weights of those layers are in the Given step.
"""
from __future__ import annotations

import sympy as sp

from .activations import ACTIVATIONS
from .figures import Diagram, Edge, Node
from .model import Network
from .steps import FigureInfo, Step, StepKind
from .symbols import sym

MAX_UNITS = 6          # a layer of more units is drawn with its middle elided
FIRST_UNITS = 3        # units shown before the dots; the last unit is shown after them
MAX_LABELLED = 12      # labelled edges between two layers; more would collide
COLUMN = 1.3           # the distance between layers and between units, in node spacings:
ROW = 1.2              #   room for a column of weight labels between two layers
CAPTION_GAP = 0.8      # the layer formulas stand this far above the tallest column



def shown_units(count: int) -> list[int | None]:
    """The units drawn of a layer of `count` units, 1-based; None is the elided middle."""
    if count <= MAX_UNITS:
        return list(range(1, count + 1))
    return list(range(1, FIRST_UNITS + 1)) + [None, count]


def _node_name(layer: int, unit: int | None) -> str:
    prefix = "x" if layer == 0 else f"a{layer}_"
    return prefix + ("dots" if unit is None else str(unit))


def _unit_symbol(layer: int, unit: int) -> sp.Symbol:
    return sym("x", None, unit) if layer == 0 else sym("a", layer, unit)


def network_diagram(net: Network) -> Diagram:
    sizes = net.sizes
    columns = [shown_units(n) for n in sizes]
    top = max((len(c) - 1) / 2 for c in columns) * ROW
    last = len(sizes) - 1
    nodes: list[Node] = []
    for layer, units in enumerate(columns):
        for k, unit in enumerate(units):
            x, y = COLUMN * layer, ROW * ((len(units) - 1) / 2 - k)
            if unit is None:
                nodes.append(Node(_node_name(layer, None), sp.Symbol("vdots"), x, y, role="elided"))
                continue
            role = "input" if layer == 0 else "output" if layer == last else "op"
            nodes.append(Node(_node_name(layer, unit), _unit_symbol(layer, unit), x, y, role=role))
        if layer > 0 and not ACTIVATIONS[net.layers[layer - 1].activation].identity:
            # g in a^{[l]} = g(z^{[l]}): the entry's label, which the printer writes as its `tex`.
            # A linear layer has none: its a is its z, and "a = id(z)" says nothing to a student.
            g = sp.Function(ACTIVATIONS[net.layers[layer - 1].activation].label)
            nodes.append(Node(f"layer{layer}", sym("a", layer), COLUMN * layer, top + CAPTION_GAP,
                              operation=g(sym("z", layer)), role="caption"))
    edges: list[Edge] = []
    unlabelled: list[int] = []
    for layer in range(1, len(sizes)):
        sources, targets = columns[layer - 1], columns[layer]
        between_units = sum(1 for i in sources if i is not None) * sum(1 for j in targets if j is not None)
        labelled = between_units <= MAX_LABELLED
        if not labelled:
            unlabelled.append(layer)
        for j in targets:
            for i in sources:
                label = sym("W", layer, j, i) if labelled and i is not None and j is not None else None
                edges.append(Edge(_node_name(layer - 1, i), _node_name(layer, j), label))
    return Diagram("network", _title(net, unlabelled), tuple(nodes), tuple(edges))


def _title(net: Network, unlabelled: list[int]) -> str:
    notes = []
    if net.bias:
        notes.append("biases not drawn")
    if unlabelled:
        which = ", ".join(str(l) for l in unlabelled[:-1])
        which = f"{which} and {unlabelled[-1]}" if which else str(unlabelled[-1])
        layers = "layers" if len(unlabelled) > 1 else "layer"
        notes.append(f"the weights of {layers} {which} are listed in the Given step")
    shape = "-".join(str(n) for n in net.sizes)
    return f"The {shape} network" + (f" ({'; '.join(notes)})" if notes else "")


def diagram_step(net: Network) -> Step:
    """The step that shows the network, right after the givens (shown only, no answer key)."""
    return Step("diagram", StepKind.FIGURE, None, (), lambda v: None,
                info=FigureInfo(network_diagram(net), given=True))
