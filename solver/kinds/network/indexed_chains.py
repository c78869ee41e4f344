"""The chains the `indexed` notation writes weight by weight (seeds 000, 001, 003), computed.

dL/dw^1_{11} = dL/dy-hat * dy-hat/dO_{11} * dO_{11}/dw^1_{11}: for each delta step, every
unit's chain of factors with the factors met there for the first time derived; for each
gradient step, every parameter's partial as (the known delta) times the local derivative.
They are plain records of SymPy symbols built from the steps, with the steps' own shown
values, so whatever is written agrees with the answer keys; the notation
(solver/render/notation_indexed.py) names the symbols and the templates format them.

A layer with a linear activation has no separate z: its output IS the weighted sum, so
the factor dO/dz = 1 drops out of every chain.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

import numpy as np
import sympy as sp

from ... import derive
from ...activations import ACTIVATIONS
from ...rounding import round_half_up
from ...steps import Line, StepKind
from ...symbols import ALPHA, A, DELTA, Y, YHAT, Z, meaning, replace_unevaluated, sym
from .steps import put_numbers


@dataclass(frozen=True)
class Link:
    """One factor d(top)/d(bottom) of a chain; `step` is the step it is known from, if any."""
    top: sp.Symbol
    bottom: sp.Symbol
    step: int | None = None


@dataclass(frozen=True)
class Chain:
    """(path + path + ...) * tail: the sum over the paths through the layer above."""
    paths: tuple[tuple[Link, ...], ...]
    tail: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Derived:
    """A factor met for the first time, derived: d(top)/d(bottom) = d/d(bottom) [of] = value = number.
    `activation` names g when the factor is g'(z) (then `of` is None)."""
    link: Link
    of: sp.Expr | None
    value: sp.Expr
    numbers: sp.Expr | None = None     # the value with the numbers put in (one example only)
    number: float | None = None
    activation: str | None = None


@dataclass(frozen=True)
class UnitDelta:
    """delta_{kj} = dL/dz_{kj} = chain = formula = numbers = value."""
    z: sp.Symbol
    chain: Chain
    derived: tuple[Derived, ...]
    line: Line


@dataclass(frozen=True)
class ParamPartial:
    """dL/dp = (dL/dz_{kj}, known: delta_{kj}) * dz_{kj}/dp, then delta * local with numbers."""
    param: sp.Symbol
    z: sp.Symbol
    delta: sp.Symbol
    group: Chain
    local: Derived
    line: Line


@dataclass(frozen=True)
class IndexedChains:
    """What the indexed notation writes for the backward steps, by step key."""
    deltas: Mapping[str, tuple[UnitDelta, ...]]        # delta steps: one per unit
    partials: Mapping[str, tuple[ParamPartial, ...]]   # gradient steps: one per parameter


def indexed_chains(qs) -> IndexedChains:
    builder = ChainBuilder(qs.question.network)
    numbers = qs.numbers
    deltas, partials = {}, {}
    for s in qs.steps:
        if s.kind in (StepKind.OUTPUT_DELTA, StepKind.HIDDEN_DELTA):
            deltas[s.key] = tuple(builder.delta_units(qs, s, numbers))
        elif s.kind in (StepKind.WEIGHT_GRAD, StepKind.BIAS_GRAD):
            partials[s.key] = tuple(builder.param_partials(qs, s, numbers))
    return IndexedChains(deltas, partials)


class ChainBuilder:
    def __init__(self, network):
        self.network = network
        self.layers = len(network.layers)
        self.linear = frozenset(l for l, layer in enumerate(network.layers, start=1)
                                if ACTIVATIONS[layer.activation].identity)

    @cached_property
    def forms(self) -> tuple[derive.LayerForm, ...]:
        return derive.forward_forms(self.network)

    def weighted_sum(self, layer: int, unit: int) -> sp.Expr:
        """w_{1j} O_{k-1,1} + w_{2j} O_{k-1,2} + ... + b_{kj}, in the order it is written."""
        return sp.Add(*self.forms[layer - 1].terms[unit - 1], evaluate=False)

    def dz_chain(self, layer: int, unit: int, numbers: dict | None) -> Chain:
        """dL/dz_{kj} one layer up: through y-hat for the output layer, else summed over the
        paths through the nodes m of layer k+1 (dL/dz_{k+1,m} known from its step)."""
        net, L = self.network, self.layers
        here = net.layers[layer - 1]
        elementwise = ACTIVATIONS[here.activation].elementwise
        z = sym("z", layer, unit)
        out = sym("a", layer, unit)
        loss = sym("L")
        if layer == L:
            if elementwise:
                tail = () if layer in self.linear else (Link(out, z),)
                return Chain(((Link(loss, out),),), tail)
            return Chain(tuple((Link(loss, sym("a", L, m)), Link(sym("a", L, m), z))
                               for m in range(1, here.units + 1)))
        known = numbers.get(f"delta{layer + 1}") if numbers is not None else None
        above = range(1, net.layers[layer].units + 1)
        if elementwise:
            tail = () if layer in self.linear else (Link(out, z),)
            return Chain(tuple((Link(loss, sym("z", layer + 1, m), known), Link(sym("z", layer + 1, m), out))
                               for m in above), tail)
        return Chain(tuple((Link(loss, sym("z", layer + 1, m), known), Link(sym("z", layer + 1, m), sym("a", layer, i)),
                            Link(sym("a", layer, i), z))
                           for i in range(1, here.units + 1) for m in above))

    def _env(self, qs) -> dict:
        """The shown values by key (x, y, W1, b1, z1, a1, ...), as the steps computed them."""
        env = {}
        for s in qs.steps:
            if s.kind is StepKind.GIVEN:
                env.update(s.info.values)
            elif s.value is not None:
                env[s.key] = np.asarray(s.value, dtype=float)
        if "x" not in env and "z1" in env:
            # a train question's worked update has no given step: its batch is in z1's matrix form
            env["x"] = np.asarray(qs.step("z1").matrix.numbers[1].array, dtype=float).T
        for l, layer in enumerate(self.network.layers, start=1):
            env.setdefault(f"W{l}", layer.weights)
            env.setdefault(f"b{l}", layer.biases)
        for key in list(env):
            if key.startswith(("z", "a", "delta")) and np.ndim(env[key]) == 1:
                env[key] = env[key][None, :]
        return env

    def _examples(self, qs) -> int:
        return int(np.shape(qs.step("z1").value)[0])

    def _local(self, layer: int, unit: int, wrt: sp.Symbol, env: dict, n: int) -> Derived:
        """dz_{kj}/d(wrt) from the weighted sum z_{kj}: the one term that holds `wrt`."""
        total = self.weighted_sum(layer, unit)
        value = sp.diff(total, wrt)
        number = None
        if n == 1 and value.free_symbols:
            # a given input or weight stays as written (a Given number), a computed one to the decimals;
            # a constant derivative (1) is its own number, not written twice
            put = put_numbers(value, env, 0)
            number = put if put.is_Number else float(put)
        return Derived(Link(sym("z", layer, unit), wrt), total, value, None, number)

    def _slope(self, layer: int, unit: int, env: dict, n: int, decimals: int) -> Derived:
        """dO_{kj}/dz_{kj} = g'(z_{kj}) as the hand solution writes it."""
        spec = self.network.layers[layer - 1]
        act = ACTIVATIONS[spec.activation]
        a, z = sym("a", layer, unit), sym("z", layer, unit)
        value = act.hand_derivative.xreplace({A: a, Z: z, ALPHA: sp.Float(spec.alpha)})
        numbers = number = None
        if n == 1:
            zs, outs = env[f"z{layer}"][:, unit - 1], env[f"a{layer}"][:, unit - 1]
            number = float(round_half_up(act.derivative(zs, outs, spec.alpha)[0], decimals))
            numbers = put_numbers(value, env, 0) if value.free_symbols else None
        return Derived(Link(a, z), None, value, numbers, number, spec.activation)

    def delta_units(self, qs, step, numbers: dict) -> list[UnitDelta]:
        """Each unit's delta: its chain, the factors derived here for the first time, its line."""
        layer = step.layer
        env, n = self._env(qs), self._examples(qs)
        spec = self.network.layers[layer - 1]
        seen: set = set()
        out = []
        for j, line in enumerate(step.lines, start=1):
            chain = self.dz_chain(layer, j, numbers)
            derived = []
            if layer < self.layers:
                for path in chain.paths:
                    for link in path:
                        key = (link.top, link.bottom)
                        if link.step is not None or key in seen:
                            continue
                        seen.add(key)
                        if meaning(link.top).kind == "z":      # dz_{k+1,m}/dO_{ki} = w^{k+1}_{im}
                            up = meaning(link.top)
                            derived.append(self._local(up.layer, up.i, link.bottom, env, n))
                for link in chain.tail:
                    derived.append(self._slope(layer, j, env, n, qs.question.display.decimals))
            elif not ACTIVATIONS[spec.activation].elementwise:
                pass    # softmax: its Jacobian is written once, in words, by the template
            out.append(UnitDelta(sym("z", layer, j), chain, tuple(derived), self._output_line(qs, step, line, j, env)))
        return out

    def _output_line(self, qs, step, line: Line, unit: int, env: dict) -> Line:
        """The output delta of a linear output layer as the notes write it, dL/dy-hat = 2 (y-hat - y),
        instead of its expanded form; every other line as the step has it."""
        if step.layer < self.layers:
            return self._hidden_line(line, step.layer, env)
        rule = step.info.rule
        if (step.layer != self.layers or step.layer not in self.linear or rule is None or rule.dact is None
                or "y" not in env):      # (a train question's worked batch shows no targets of its own)
            return line
        L = self.layers
        q = qs.question
        formula = replace_unevaluated(rule.dloss, {YHAT: sym("a", L, unit), Y: sym("y", None, unit),
                                                   DELTA: sp.Float(q.huber_delta)})
        if formula.has(sp.Piecewise, sp.sign, sp.Abs):
            return line
        rows = len(line.numbers)
        return dataclasses.replace(line, formula=formula,
                                   numbers=tuple(put_numbers(formula, env, e) for e in range(rows)))

    def _hidden_line(self, line: Line, layer: int, env: dict) -> Line:
        """A linear hidden layer's delta without its factor O' = 1: w^2_11 delta_21, as the notes write it."""
        formula = line.formula
        if layer not in self.linear or not isinstance(formula, sp.Mul) or formula.args[-1] != 1:
            return line
        back = formula.args[0] if len(formula.args) == 2 else sp.Mul(*formula.args[:-1], evaluate=False)
        return dataclasses.replace(line, formula=back,
                                   numbers=tuple(put_numbers(back, env, e) for e in range(len(line.numbers))))

    def param_partials(self, qs, step, numbers: dict) -> list[ParamPartial]:
        """Each weight's (or bias's) partial, in the order of the step's lines."""
        layer = step.layer
        env, n = self._env(qs), self._examples(qs)
        out = []
        for line in step.lines:
            param = line.lhs.variables[0]
            m = meaning(param)
            unit = m.i
            out.append(ParamPartial(param, sym("z", layer, unit), sym("delta", layer, unit),
                                    self.dz_chain(layer, unit, None), self._local(layer, unit, param, env, n),
                                    line))
        return out
