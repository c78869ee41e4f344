"""Read a YAML file safely into plain data, remembering where every value stood.

PyYAML's composer gives nodes with positions; we build the Python values ourselves
so that nothing is ever constructed from a tag, duplicate keys are caught, and an
alias bomb cannot expand past a fixed budget.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ProblemError

MAX_NODES = 200_000
MAX_DEPTH = 40
MAX_BYTES = 2_000_000

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}
# YAML 1.1 reads `1e-3` (no dot) as a string; instructors mean a number.
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_DECIMAL_INT = re.compile(r"^[-+]?\d+$")

Path_ = tuple  # a path into the data: keys and list indices


@dataclass(frozen=True)
class Unreadable:
    """A value of an answer sheet that is no number: .nan, .inf, 1e999, a date. A problem file
    refuses it; a sheet keeps it in place so that the checker reports it at its line and
    marks the rest (see `load_bytes(..., lenient=True)`)."""

    text: str
    why: str

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Source:
    """The data of one file and the line/column of each value in it (1-based)."""

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]]
    quoted: frozenset[Path_]  # paths of scalars written in quotes

    def where(self, path: Path_) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def error(self, path: Path_, message: str) -> ProblemError:
        line, col = self.where(path)
        return ProblemError(self.file, line, col, dotted(path), message)


def dotted(path: Path_) -> str:
    """`('questions', 0, 'network')` -> `questions[0].network`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def load_file(path: str | Path) -> Source:
    return load_bytes(read_file(path), str(path))


def read_file(path: str | Path, what: str = "a problem file", missing_hint: str = "") -> bytes:
    """The bytes of a file, or a ProblemError saying why it cannot be read."""
    name = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ProblemError(name, 1, 1, "", "no such file" + missing_hint) from None
    except IsADirectoryError:
        raise ProblemError(name, 1, 1, "", f"is a directory, not {what}") from None
    except OSError as exc:
        raise ProblemError(name, 1, 1, "", f"cannot be read ({exc.strerror})") from None


def load_bytes(raw: bytes, name: str, lenient: bool = False) -> Source:
    """`lenient` (answer sheets): a value that is no number (NaN, infinity, a date) becomes an
    `Unreadable` in place instead of refusing the file."""
    if len(raw) > MAX_BYTES:
        raise ProblemError(name, 1, 1, "", f"is {len(raw):,} bytes; a problem file is at most {MAX_BYTES:,}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProblemError(name, 1, 1, "", "is UTF-16 text: save it as UTF-8")
    if b"\x00" in raw:
        raise ProblemError(name, 1, 1, "", "is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start: exc.start].decode("utf-8", "replace")) + 1
        raise ProblemError(name, line, col, "", f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} here): "
                           "save it as UTF-8") from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ProblemError(name, 1, 1, "", "is empty: a problem file needs at least a network and data")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(name, exc) from None
    except yaml.YAMLError as exc:
        raise ProblemError(name, 1, 1, "", f"YAML syntax: {exc}") from None
    if root is None or root.tag == _STD + "null":  # no document, or only `---`, `~` or `null`
        raise ProblemError(name, 1, 1, "", "is empty: a problem file needs at least a network and data")
    builder = _Builder(name, lenient)
    data = builder.build(root, (), 0)
    return Source(name, data, builder.marks, frozenset(builder.quoted))


def _syntax_error(name: str, exc: yaml.MarkedYAMLError) -> ProblemError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or exc.context or "invalid YAML"
    if "\\t" in what or "tab" in what:
        what += " (a tab: YAML indents with spaces only; replace the tab with spaces)"
    elif exc.context and exc.context_mark and exc.problem_mark \
            and exc.context_mark.line != exc.problem_mark.line:
        # e.g. an unclosed bracket: the mistake is where the context began, not where it was noticed.
        cm = exc.context_mark
        what += f" ({exc.context} that began on line {cm.line + 1}, column {cm.column + 1}"
        what += ": is a bracket left open?)" if "flow" in exc.context else ")"
    return ProblemError(name, line, col, "", f"YAML syntax: {what}")


class _Builder:
    def __init__(self, name: str, lenient: bool = False):
        self.name, self.lenient = name, lenient
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.quoted: set[Path_] = set()
        self.count = 0
        self.open: set[int] = set()  # ids of the collections being built, to catch recursive aliases

    def fail(self, node: yaml.Node, path: Path_, message: str) -> ProblemError:
        m = node.start_mark
        return ProblemError(self.name, m.line + 1, m.column + 1, dotted(path), message)

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, path, f"more than {MAX_NODES:,} values (an alias bomb?): "
                            "write the values out or use fewer aliases")
        if depth > MAX_DEPTH:
            raise self.fail(node, path, f"nested more than {MAX_DEPTH} deep (a recursive alias?)")
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if self.lenient and node.tag == _STD + "timestamp":
            return Unreadable(node.value, f"{node.value} is a date (YAML reads it so), not a number")
        if node.tag not in _ALLOWED_TAGS:
            raise self.fail(node, path, f"YAML tag {node.tag!r} is not allowed: problem files are "
                            "plain data (numbers, strings, lists, mappings)")
        if isinstance(node, yaml.CollectionNode):
            if id(node) in self.open:
                raise self.fail(node, path, "refers to a list or mapping that contains it (a recursive alias): "
                                "write the values out")
            self.open.add(id(node))
            try:
                return self.collection(node, path, depth)
            finally:
                self.open.discard(id(node))
        return self.scalar(node, path)

    def collection(self, node: yaml.CollectionNode, path: Path_, depth: int) -> Any:
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _STD + "merge":
                    raise self.fail(key_node, path, "merge keys (<<) are not supported: write the keys out")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, path, "a key must be a plain name")
                key = key_node.value
                if key in out:
                    first = self.marks.get(path + (key,), (0, 0))[0]
                    raise self.fail(key_node, path + (key,),
                                    f"duplicate key (first given on line {first}); keep one of them")
                self.marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        text, tag = node.value, node.tag
        if node.style in ("'", '"', "|", ">"):
            self.quoted.add(path)
            return text
        if tag == _STD + "null":
            return None
        if tag == _STD + "bool":
            return text.lower() in ("true", "yes", "on", "y")
        if tag == _STD + "int":
            digits = text.replace("_", "")
            if _DECIMAL_INT.match(digits):
                return int(digits, 10)  # YAML 1.1 reads 010 as octal 8; instructors mean 10 (as YAML 1.2 does)
            try:
                return int(digits, 0)
            except ValueError:
                return text
        if tag == _STD + "float" or (tag == _STD + "str" and _PLAIN_NUMBER.match(text)):
            lowered = text.lower()
            if "nan" in lowered or "inf" in lowered:
                why = f"{text} is not a finite number: give a real value"
            else:
                try:
                    value = float(text.replace("_", ""))
                except ValueError:
                    return text
                if math.isfinite(value):
                    return value
                why = f"{text} overflows: give a value of sensible size"
            if self.lenient:
                return Unreadable(text, why)
            raise self.fail(node, path, why)
        return text
