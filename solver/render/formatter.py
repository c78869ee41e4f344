"""Turns the pieces of a step into LaTeX math: the only place numbers become text.

Markdown and LaTeX documents both write their mathematics in LaTeX; a template asks
this object for each formula, matrix or number and adds the words around it.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..formats import Style
from ..rounding import format_count, format_number
from ..steps import Line, Part
from ..symbols import Given, sym
from ..activations import ACTIVATIONS
from ..losses import LOSSES
from .printer import ExamPrinter

OPERATORS = {"+": "+", "-": "-", "=": "=", "hadamard": r"\odot"}


class Formatter:
    def __init__(self, notation, decimals: int, fmt: str = "markdown", pictures=None, esc=str,
                 style: Style = Style()):
        self.notation = notation
        self.brief = style.brief      # drop the words, keep the mathematics
        self.full = style.full        # every matrix also entry by entry (--detail full)
        self.decimals = decimals
        self.fmt = fmt
        self.pictures = pictures      # a render.figures.Pictures: where a Markdown picture goes
        self.esc = esc                # escapes plain text for the document's format
        self.printer = ExamPrinter(notation, decimals)

    def picture(self, fig) -> str:
        """LaTeX: the TikZ code of a figure; Markdown: the SVG file name or data URI."""
        from . import figures
        if self.fmt == "latex":
            return figures.tikz(fig, self)
        return self.pictures.add(fig, self)

    def tex(self, expr) -> str:
        return self.printer.doprint(expr)

    def num(self, value, given: bool = False) -> str:
        """A computed value to the exam's decimals (0.5100), a given one as written (0.2), a
        count (an int: parameters, epochs, updates) as a whole number."""
        if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
            return format_count(value)
        if isinstance(value, Given):
            given = True
        return format_number(float(value), None if given else self.decimals)

    def matrix(self, arr, given: bool = False) -> str:
        arr = np.atleast_2d(np.asarray(arr, dtype=float))
        rows = [" & ".join(self.num(v, given) for v in row) for row in arr]
        return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"

    def func(self, name: str) -> str:
        if name.startswith("prime:"):
            return ACTIVATIONS[name[6:]].tex + "'"
        return ACTIVATIONS[name].tex

    def activation(self, name: str):
        """The table entry of an activation, for what a template asks of it (slope, elementwise, ...)."""
        return ACTIVATIONS[name]

    def loss(self, name: str):
        """The table entry of a loss: its names and when it is used."""
        return LOSSES[name]

    def batch_derivative(self, name: str, l: int, alpha) -> str:
        """g'(in) of layer l over the batch, written by hand in the layer's own matrices."""
        return ACTIVATIONS[name].batch_derivative_tex(self.notation.stage("out", l), self.notation.stage("in", l),
                                                      self.num(alpha, given=True))

    def name(self, part: Part) -> str:
        text = self.notation.matrix(part.name, part.layer)
        if part.transpose:
            text = rf"\left({text}\right)^{{T}}" if "^" in text else text + "^{T}"
        return text

    def part(self, part: Part) -> str:
        if part.kind == "op":
            return OPERATORS[part.name]
        if part.kind == "scalar":
            if part.name == "eta":
                return r"\eta"
            if part.fraction is not None:
                return self.tex(sp.Rational(part.fraction.numerator, part.fraction.denominator))
            return self.num(part.array, given=True)
        if part.func == "sum" and part.kind != "name":   # the sum over the examples: one column each, added
            columns = np.asarray(part.array).T
            return r"\left(" + " + ".join(self.matrix(c[:, None], given=part.given) for c in columns) + r"\right)"
        body = self.name(part) if part.kind == "name" else self.matrix(part.array, given=part.given)
        if part.func == "sum":
            return rf"\sum_{{e}} {body}"
        if part.func:
            return rf"{self.func(part.func)}\left({body}\right)"
        return body

    @staticmethod
    def equal(*sides: str) -> str:
        """sides joined by `=`, a side equal as written to the one before it left out
        (no identity lines such as `db = [-0.4761] = [-0.4761]`)."""
        kept: list[str] = []
        for side in sides:
            if side and (not kept or side != kept[-1]):
                kept.append(side)
        return " = ".join(kept)

    def parts(self, parts) -> str:
        return " ".join(self.part(p) for p in parts)

    def partial(self, top, bottom) -> str:
        return rf"\frac{{\partial {self.tex(top)}}}{{\partial {self.tex(bottom)}}}"

    def chain(self, factors, example: bool = False) -> str:
        return r" \cdot ".join(self.partial(_of_example(f.top) if example else f.top, f.bottom) for f in factors)

    def chain_of(self, line: Line, example: bool = False) -> str:
        """A line's chain as written: its factors multiplied, or a sum of such products.
        example: the chain is of one example's loss, written ell rather than the cost L."""
        if line.terms:
            return " + ".join(self.chain(t, example) for t in line.terms)
        return self.chain(line.factors, example)

    def rows(self, line: Line, arrow: bool = False, example: bool = False) -> list[str]:
        """The equations of one line: symbolic first, then the numbers of each example
        (example: a delta's line, whose loss is the example's, ell)."""
        eq = r"\leftarrow" if arrow else "="
        head = self.tex(line.lhs)
        chain = f" = {self.chain_of(line, example)}" if line.factors or line.terms else ""
        formula = f" = {self.tex(line.formula)}" if line.formula is not None else ""
        if len(line.numbers) == 1:
            return [f"{head}{chain}{formula} {eq} {self.equal(self.tex(line.numbers[0]), self.num(line.values[0]))}"]
        rows = [f"{head}{chain}{formula}"]
        for label, numbers, value in zip(line.labels, line.numbers, line.values):
            rows.append(self.equal(self.tex(label), self.tex(numbers), self.num(value)))
        return rows

    def name_of(self, name: str, layer: int | None) -> str:
        return self.notation.matrix(name, layer)

    def column(self, arr) -> np.ndarray:
        return np.asarray(arr)[:, None]

    @property
    def hand_derivatives(self) -> dict[str, str]:
        """g'(z) as a hand solution writes it, for the activations where that differs from g'."""
        return {name: self.tex(act.hand_derivative) for name, act in ACTIVATIONS.items()
                if act.shows_hand_derivative}

    def given_inputs(self, values) -> str:
        shown = ["x = " + self.matrix(values["x"].T, given=True)]
        if "y" in values:
            shown.append("y = " + self.matrix(values["y"].T, given=True))
        return r",\qquad ".join(shown)

    def given_layer(self, values, l: int, layer, bias: bool) -> str:
        parts = [f"{self.name_of('W', l)} = {self.matrix(values[f'W{l}'], given=True)}"]
        if bias:
            parts.append(f"{self.name_of('b', l)} = {self.matrix(values[f'b{l}'][:, None], given=True)}")
        act = (f"g^{{[{l}]}}(z) = z" if ACTIVATIONS[layer.activation].identity
               else f"g^{{[{l}]}} = {self.func(layer.activation)}")
        if ACTIVATIONS[layer.activation].slope:
            act += rf",\ \alpha = {self.num(layer.alpha, given=True)}"
        return r",\qquad ".join(parts + [act])

    def derivative_of_loss(self, rule, loss: str = r"\ell") -> str:
        """d loss / d y-hat, derived; `loss` names the loss as the step does (ell, one example's)."""
        return (r"\frac{\partial " + loss + r"}{\partial \hat{y}} = \frac{\partial}{\partial \hat{y}}\left["
                + self.tex(rule.loss) + r"\right] = " + self.tex(rule.dloss))

    def derivative_of_activation(self, rule, activation: str) -> str:
        derived, hand = self.tex(rule.dact_derived), self.tex(rule.dact)
        text = (r"\frac{\partial \hat{y}}{\partial z} = " + self.func(activation) + "'(z) = " + derived)
        return text + (" = " + hand if hand != derived else "")

    def simplified_product(self, rule) -> str:
        return (r"\frac{\partial \ell}{\partial z} = \left(" + self.tex(rule.dloss) + r"\right) \cdot "
                + self.tex(rule.dact) + " = " + self.tex(rule.simplified))


def _of_example(top):
    """The loss L of a chain's factor as the loss of one example, ell."""
    return sym("ell") if top == sym("L") else top


LIST_SEPARATOR = r",\qquad "


def equality_chain(tex: str) -> list[str]:
    """A display `a = b = c` cut at its top-level ` = ` signs: ["a", "b", "c"]. Signs inside
    braces, \\left ... \\right or an environment stay where they are. A LaTeX display too wide
    for the line continues each side on a new line, aligned on `=` (latex/base.j2). A list of
    equations (`x = 1,\\qquad y = 2`) is no chain: one side."""
    if _top_level(tex, LIST_SEPARATOR):
        return [tex]
    return _top_level(tex, " = ") or [tex]


def display_list(tex: str) -> list[str]:
    """A display listing equations, `x = 1,\\qquad y = 2`, cut into its items; a display too wide
    for the line writes one item per line (latex/base.j2)."""
    return _top_level(tex, LIST_SEPARATOR) or [tex]


def _top_level(tex: str, sep: str) -> list[str]:
    """tex cut at each `sep` outside braces, \\left ... \\right and environments; [] when none."""
    sides, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            for word, step in (("\\left", 1), ("\\right", -1), ("\\begin", 1), ("\\end", -1)):
                if tex.startswith(word, i) and not tex[i + len(word):i + len(word) + 1].isalpha():
                    depth += step
                    i += len(word)
                    break
            else:
                i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and tex.startswith(sep, i):
            sides.append(tex[start:i])
            start = i = i + len(sep)
            continue
        i += 1
    if not sides:
        return []
    sides.append(tex[start:])
    return sides


def convention_of(kink: str, zero: str = "z = 0") -> str | None:
    """The convention at a kink of an activation or a loss, in words; `zero` says where the
    kink of an activation is (z = 0 in a network)."""
    for entry in ACTIVATIONS.values():
        if entry.kink == kink:
            return entry.convention_text(zero)
    for entry in LOSSES.values():
        if entry.kink == kink:
            return entry.convention
    return None
