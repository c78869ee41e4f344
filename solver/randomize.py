"""The randomize: section of a problem file: which values change, and how, for --variants.

    randomize:
      q1.network.layers[0].weights: {low: -0.5, high: 0.5, step: 0.1, nonzero: true}  # every entry; never 0
      questions[0].data.x[1]: {low: 0.0, high: 1.0, step: 0.1}          # one entry
      q1.network.layers[1].activation: {choices: [sigmoid, tanh]}
      q1.learning_rate: {choices: [0.1, 0.01]}

A path is dotted, with [i] indices, into the file's own data. In a file with questions:
it starts with the question: `questions[0].` or the question's id (`q1.`, the default ids
q1, q2, ... included). A range draws exact multiples of `step` from `low` (0.3, never
0.30000000000000004): `low + k * step` for k = 0 .. (high - low) / step, each equally likely;
`nonzero: true` leaves 0 out, so that no weight or input drops out of the sums.
Everything is checked here, where the file says it, including that the lowest and the
highest value (and every choice) still make a valid file.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable

from .errors import ProblemError
from .fieldtypes import BOOLEAN, NUMBER, any_of, list_of, positive, text
from .reading import default_id, describe, suggest
from .yamlsource import Path_, Source, dotted

if TYPE_CHECKING:
    import numpy as np

RULE_KEYS = {"low": NUMBER, "high": NUMBER, "step": positive(), "nonzero": BOOLEAN,
             "choices": list_of(any_of(NUMBER, text()), 2)}     # key -> type (solver/fieldtypes.py)
MAX_VALUES = 1000          # values on one range's grid: past that, no one computes them by hand
MAX_RULES = 100
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|(\.)")


@dataclass(frozen=True)
class Grid:
    """low, low + step, ..., high: exact decimals."""
    low: Decimal
    step: Decimal
    count: int                     # how many values (k = 0 .. count - 1)
    whole: bool                    # low, high and step were whole numbers: draw ints
    skip: int | None = None        # the k never drawn: that of 0 under `nonzero: true`

    @property
    def size(self) -> int:
        """How many values can be drawn."""
        return self.count - (self.skip is not None)

    def value(self, k: int) -> int | float:
        d = self.low + k * self.step
        return int(d) if self.whole else float(d)

    def text(self, k: int) -> str:
        """The value as written into a variant's file: the grid's own decimals, no float noise."""
        d = self.low + k * self.step
        if self.whole:
            return str(int(d))
        text = format(d, "f")
        return text if "." in text else text + ".0"     # a float stays a float when read back


@dataclass(frozen=True)
class Choices:
    values: tuple                  # numbers or texts, as given


@dataclass(frozen=True)
class Rule:
    name: str                      # the path as the file wrote it (the key under randomize:)
    target: Path_                  # the path into the file's data (questions[i] for an id)
    shape: tuple[int, ...]         # () a number or text; (n,) a list; (r, c) a list of rows
    how: Grid | Choices
    where: tuple[int, int]         # line and column of the rule

    def draw(self, rng: np.random.Generator) -> tuple[Any, Any]:
        """The drawn value (plain data, the target's shape) and its text for the file."""
        size = self.how.size if isinstance(self.how, Grid) else len(self.how.values)
        ks = rng.integers(0, size, size=self.shape).tolist() if self.shape else int(rng.integers(0, size))
        if isinstance(self.how, Grid) and self.how.skip is not None:
            skip = self.how.skip                     # every value but the skipped one, equally likely
            ks = _nested(ks, lambda k: k + (k >= skip))
        if isinstance(self.how, Grid):
            pick, text = self.how.value, self.how.text
        else:
            pick = self.how.values.__getitem__
            text = lambda k: _scalar_text(self.how.values[k])  # noqa: E731
        return _nested(ks, pick), _nested(ks, text)


@dataclass(frozen=True)
class Randomize:
    rules: tuple[Rule, ...]

    def draw(self, rng: np.random.Generator) -> list[tuple[Rule, Any, Any]]:
        """One variant's values, rule by rule in the file's order: (rule, value, text)."""
        return [(rule, *rule.draw(rng)) for rule in self.rules]


def _nested(ks, f):
    if isinstance(ks, int):
        return f(ks)
    return [_nested(k, f) for k in ks]


def _scalar_text(value) -> str:
    if isinstance(value, str):
        return value if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value) else '"' + value + '"'
    return repr(value)


def with_values(data: Any, drawn) -> Any:
    """A deep copy of the file's data with the drawn values put in and no randomize: section."""
    out = copy.deepcopy(data)
    out.pop("randomize", None)
    for rule, value, _ in drawn:
        parent = out
        for part in rule.target[:-1]:
            parent = parent[part]
        parent[rule.target[-1]] = copy.deepcopy(value)
    return out


# ---------------------------------------------------------------- reading


def read_randomize(r, node: Any, path: Path_, validate: Callable[[Source, int], Any]) -> Randomize:
    """The rules of the section; `validate` checks a whole file (problem.validate, handed in so
    that reading a problem and reading its randomize: section do not import each other)."""
    if not isinstance(node, dict) or not node:
        raise r.fail(path, f"expected a mapping of paths to how they change, e.g. "
                     f"{{network.layers[0].weights: {{low: -0.5, high: 0.5, step: 0.1}}}}, got {describe(node)}")
    if len(node) > MAX_RULES:
        raise r.fail(path, f"{len(node)} rules; at most {MAX_RULES}")
    rules: list[Rule] = []
    for name, spec in node.items():
        where = path + (name,)
        target, value = _resolve(r, str(name), where)
        for other in rules:
            shorter, longer = sorted((other.target, target), key=len)
            if longer[:len(shorter)] == shorter:
                raise r.fail(where, f"names a value that {other.name!r} (line {other.where[0]}) already draws: "
                             "name each value once")
        shape, kind = _shape_of(r, value, where)
        how = _how(r, spec, where, kind)
        rules.append(Rule(str(name), target, shape, how, r.src.where(where)))
    for rule in rules:
        _check_extremes(r, rule, path + (rule.name,), validate)
    return Randomize(tuple(rules))


def _resolve(r, name: str, where: Path_) -> tuple[Path_, Any]:
    """The path into the data that `name` names, and the value there."""
    parts = _parse(r, name, where)
    data = r.src.data
    if "questions" in data and parts and parts[0] != "questions":
        ids = _question_ids(data["questions"])
        if parts[0] not in ids:
            raise r.fail(where, f"{parts[0]!r} is not a question of this file (a path starts with a question's "
                         f"id, {', '.join(ids)}, or questions[i]){suggest(parts[0], list(ids) + ['questions'])}")
        parts = ["questions", ids[parts[0]]] + parts[1:]
    node, walked = data, []
    for part in parts:
        here = dotted(tuple(walked)) or "the file"
        if isinstance(part, int):
            if not isinstance(node, list):
                raise r.fail(where, f"{here} is not a list, so [{part}] names nothing")
            if part >= len(node):
                raise r.fail(where, f"{here} has {len(node)} entries ([0] to [{len(node) - 1}]); "
                             f"there is no [{part}]")
        else:
            if not isinstance(node, dict):
                raise r.fail(where, f"{here} is {describe_short(node)}, so .{part} names nothing")
            if part not in node:
                keys = [k for k in node if k != "randomize"]
                raise r.fail(where, f"{here} has no {part!r}{suggest(part, keys)} "
                             f"(it has {', '.join(map(str, keys))}); a path names a value written in the file")
        node = node[part]
        walked.append(part)
    if parts and parts[0] == "randomize":
        raise r.fail(where, "the randomize: section cannot draw itself")
    return tuple(walked), node


def describe_short(node) -> str:
    return "a list" if isinstance(node, list) else "a single value"


def _question_ids(items) -> dict[str, int]:
    if not isinstance(items, list):
        return {}
    taken = {str(q["id"]) for q in items if isinstance(q, dict) and "id" in q}
    return {str(q["id"]) if isinstance(q, dict) and "id" in q else default_id(i, taken): i
            for i, q in enumerate(items)}


def _parse(r, name: str, where: Path_) -> list:
    parts: list = []
    pos, expect_name = 0, True
    while pos < len(name):
        m = _SEGMENT.match(name, pos)
        if m is None or (m.group(3) and (expect_name or not parts)) or (m.group(1) and not expect_name):
            raise r.fail(where, f"cannot read the path {name!r} at character {pos + 1}: write it dotted with "
                         "[i] indices, e.g. q1.network.layers[0].weights or data.x[0][1]")
        if m.group(1):
            parts.append(m.group(1))
            expect_name = False
        elif m.group(2):
            if not parts:
                raise r.fail(where, f"the path {name!r} starts with an index: start it with a name")
            parts.append(int(m.group(2)))
        else:
            expect_name = True
        pos = m.end()
    if not parts or expect_name:
        raise r.fail(where, f"the path {name!r} is incomplete: name a value, e.g. data.x")
    return parts


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _shape_of(r, value: Any, where: Path_) -> tuple[tuple[int, ...], str]:
    """The shape of the value named, and whether it is made of numbers or is a text."""
    if _is_number(value):
        return (), "number"
    if isinstance(value, str):
        return (), "text"
    if isinstance(value, list) and value and all(_is_number(v) for v in value):
        return (len(value),), "number"
    if isinstance(value, list) and value and all(isinstance(row, list) and row and all(_is_number(v) for v in row)
                                                 for row in value):
        if len({len(row) for row in value}) == 1:
            return (len(value), len(value[0])), "number"
    what = "a mapping" if isinstance(value, dict) else "a boolean" if isinstance(value, bool) else \
        "nothing" if value is None else "a list that is not of numbers or of rows of numbers"
    raise r.fail(where, f"names {what}; a rule draws a number, a list of numbers, a matrix (every entry) "
                 "or a text such as an activation (from choices)")


def _decimal(r, value: Any, where: Path_) -> Decimal:
    number = r.number(value, where)
    return Decimal(repr(int(value))) if isinstance(value, int) else Decimal(repr(number))


def _how(r, spec: Any, where: Path_, kind: str) -> Grid | Choices:
    example = "{low: -0.5, high: 0.5, step: 0.1} or {choices: [0.1, 0.01]}" if kind == "number" else \
        "{choices: [sigmoid, tanh]}"
    if not isinstance(spec, dict):
        raise r.fail(where, f"expected how it changes, e.g. {example}; got {describe(spec)}")
    r.mapping(spec, where, RULE_KEYS)
    if "choices" in spec:
        extra = [k for k in ("low", "high", "step") if k in spec]
        if extra:
            raise r.fail(where + (extra[0],), "give either choices or low, high and step, not both")
        return _choices(r, spec["choices"], where + ("choices",), kind)
    if kind == "text":
        raise r.fail(where, f"names a text, which is drawn from a list: {example}")
    for needed in ("low", "high", "step"):
        if needed not in spec:
            hint = " (the values drawn are low + k * step, so that numbers stay pleasant by hand)" \
                if needed == "step" else ""
            raise r.fail(where, f"{needed}: missing; a range needs low, high and step{hint}, e.g. {example}")
    low = _decimal(r, spec["low"], where + ("low",))
    high = _decimal(r, spec["high"], where + ("high",))
    step = _decimal(r, spec["step"], where + ("step",))
    if low > high:
        raise r.fail(where + ("low",), f"low {low} is above high {high}: swap them")
    if low == high:
        raise r.fail(where + ("high",), f"low and high are both {low}: nothing would change; "
                     "widen the range or remove the rule")
    if step <= 0:
        raise r.fail(where + ("step",), f"must be positive, got {step} (the distance between two values drawn)")
    count = (high - low) / step
    if count != count.to_integral_value():
        fits = low + int(count) * step
        raise r.fail(where + ("step",), f"{step} does not divide the range from {low} to {high} "
                     f"({high - low} / {step} = {float(count):.4g} steps): choose a step that does, "
                     f"or high: {fits}")
    if count + 1 > MAX_VALUES:
        raise r.fail(where + ("step",), f"gives {int(count) + 1:,} values between low and high; at most "
                     f"{MAX_VALUES:,} (numbers drawn this finely are not pleasant by hand): use a larger step")
    whole = all(isinstance(spec[k], int) and not isinstance(spec[k], bool) for k in ("low", "high", "step"))
    skip = None
    if "nonzero" in spec:
        if not isinstance(spec["nonzero"], bool):
            raise r.fail(where + ("nonzero",), "expected true or false (true: 0 is never drawn, so no weight or "
                         "input vanishes from the sums)")
        at_zero = -low / step
        if spec["nonzero"] and low <= 0 <= high and at_zero == at_zero.to_integral_value():
            skip = int(at_zero)
            if count == 1:
                raise r.fail(where + ("nonzero",), f"the range {low} to {high} has only 0 besides one value: "
                             "widen it, or drop nonzero")
    return Grid(low, step, int(count) + 1, whole, skip)


def _choices(r, value: Any, where: Path_, kind: str) -> Choices:
    if not isinstance(value, list) or len(value) < 2:
        raise r.fail(where, f"expected a list of at least two values to draw from, got {describe(value)}")
    out = []
    for i, v in enumerate(value):
        if kind == "number":
            if not _is_number(v):
                raise r.fail(where + (i,), f"the value drawn is a number, got {describe(v)}")
            r.number(v, where + (i,))
        elif not isinstance(v, str):
            raise r.fail(where + (i,), f"the value drawn is a text (such as an activation), got {describe(v)}")
        if v in out:
            raise r.fail(where + (i,), f"{v!r} is listed twice: list each choice once")
        out.append(v)
    return Choices(tuple(out))


def _check_extremes(r, rule: Rule, where: Path_, validate) -> None:
    """The lowest and the highest value of a range, and every choice, each put in alone
    (every entry of a matrix at once), must leave a valid file."""
    if isinstance(rule.how, Grid):
        candidates = [rule.how.value(k) for k in (0, rule.how.count - 1) if k != rule.how.skip]
    else:
        candidates = list(rule.how.values)
    for candidate in candidates:
        filled = candidate
        for size in reversed(rule.shape):
            filled = [copy.deepcopy(filled) for _ in range(size)]
        data = with_values(r.src.data, [(rule, filled, None)])
        inside = [p for p in r.src.quoted if p[:len(rule.target)] != rule.target]
        probe = Source(r.src.file, data, r.src.marks, frozenset(inside))
        try:
            validate(probe, r.max_parameters)
        except ProblemError as exc:
            shown = _scalar_text(candidate)
            fix = "narrow the range" if isinstance(rule.how, Grid) else f"remove {shown} from the choices"
            raise r.fail(where, f"with {shown} drawn here the file would be invalid ({exc.field}: {exc.message}): "
                         f"{fix}") from None

