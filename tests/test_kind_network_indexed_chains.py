"""The chains of the indexed notation, built by the network kind (solver/kinds/network/indexed_chains.py)."""
import numpy as np

from solver.kinds.network.indexed_chains import ChainBuilder
from solver.model import Layer, Network
from solver.symbols import sym


def _builder(sizes, activations) -> ChainBuilder:
    layers, fan_in = [], sizes[0]
    for units, act in zip(sizes[1:], activations):
        layers.append(Layer(units, act, np.ones((units, fan_in)), np.zeros(units)))
        fan_in = units
    return ChainBuilder(Network(tuple(f"x{k + 1}" for k in range(sizes[0])), tuple(layers)))


def test_hidden_layer_sums_over_the_paths_through_the_layer_above():
    chain = _builder((2, 2, 2), ("sigmoid", "sigmoid")).dz_chain(1, 1, {"delta2": 7})
    assert [[(l.top, l.bottom, l.step) for l in p] for p in chain.paths] == [
        [(sym("L"), sym("z", 2, m), 7), (sym("z", 2, m), sym("a", 1, 1), None)] for m in (1, 2)]
    assert [(l.top, l.bottom) for l in chain.tail] == [(sym("a", 1, 1), sym("z", 1, 1))]


def test_a_linear_layer_has_no_activation_factor():
    chain = _builder((2, 3, 1), ("linear", "linear")).dz_chain(1, 2, None)
    assert chain.tail == () and len(chain.paths) == 1


def test_the_output_layer_of_a_softmax_sums_over_every_output():
    chain = _builder((2, 3), ("softmax",)).dz_chain(1, 2, None)
    assert [[(l.top, l.bottom) for l in p] for p in chain.paths] == [
        [(sym("L"), sym("a", 1, m)), (sym("a", 1, m), sym("z", 1, 2))] for m in (1, 2, 3)]
