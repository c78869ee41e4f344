"""Read a YAML file safely into plain data, remembering where every value stood.

PyYAML's composer gives nodes with positions; we build the Python values ourselves
so that nothing is ever constructed from a tag, duplicate keys are caught, and an
alias bomb cannot expand past a fixed budget.
"""
from __future__ import annotations

import math
import os
import re
import stat
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
_NULL, _BOOL, _INT, _FLOAT, _STR = (_STD + t for t in ("null", "bool", "int", "float", "str"))
_TIMESTAMP, _MERGE = _STD + "timestamp", _STD + "merge"
# YAML 1.1 reads `1e-3` (no dot) as a string; instructors mean a number.
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_DECIMAL_INT = re.compile(r"^[-+]?\d+$")

Path_ = tuple  # a path into the data: keys and list indices


@dataclass(frozen=True)
class FileKind:
    """What kind of file is read, for its size limit and for the words of its messages."""

    what: str          # "a problem file"
    plural: str        # "problem files"
    empty: str         # what to say of a file with nothing in it
    limit: int = MAX_BYTES
    lenient: bool = False   # a value that is no number (NaN, infinity, a date) becomes an `Unreadable`
                            # in place instead of refusing the file (answer sheets)


PROBLEM_FILE = FileKind("a problem file", "problem files", "a problem file needs at least a network and data")


@dataclass(frozen=True)
class Unreadable:
    """A value of an answer sheet that is no number: .nan, .inf, 1e999, a date. A problem file
    refuses it; a sheet keeps it in place so that the checker reports it at its line and
    marks the rest (see `FileKind.lenient`)."""

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


# One student's sheet is a few KB; the limit of a problem file is ample, and the messages say "answer sheet".
MAX_SHEET_BYTES = 2_000_000
ANSWER_SHEET = FileKind("an answer sheet", "answer sheets",
                        "fill in the sheet that --format answers writes (q1: {z1: [0.32, 0.04, 0.24], ...})",
                        MAX_SHEET_BYTES, lenient=True)


def load_sheet(path: str | Path) -> Source:
    """The YAML of an answer sheet; a file that is not YAML at all (or too large, or nested too
    deep) is a ProblemError (exit 2). Read here, without NumPy or SymPy, so that the command line
    refuses it before solving."""
    raw = read_file(path, ANSWER_SHEET, " (write a blank sheet with --format answers)")
    return load_bytes(raw, str(path), ANSWER_SHEET)


def read_file(path: str | Path, kind: FileKind = PROBLEM_FILE, missing_hint: str = "") -> bytes:
    """The bytes of a file, or a ProblemError saying why it cannot be read. At most its limit + 1
    bytes are ever read, so /dev/zero, a FIFO or a 5 GB file is refused at once, in little memory."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > kind.limit:
                raise _too_large(name, kind, info.st_size)
            raw = handle.read(kind.limit + 1)
    except FileNotFoundError:
        raise ProblemError(name, 1, 1, "", "no such file" + missing_hint) from None
    except IsADirectoryError:
        raise ProblemError(name, 1, 1, "", f"is a directory, not {kind.what}") from None
    except OSError as exc:
        raise ProblemError(name, 1, 1, "", f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > kind.limit:
        raise _too_large(name, kind, None)
    return raw


def _too_large(name: str, kind: FileKind, size: int | None) -> ProblemError:
    size_words = f"{size:,} bytes" if size is not None else f"more than {kind.limit:,} bytes (a device or a pipe?)"
    return ProblemError(name, 1, 1, "", f"is {size_words}; {kind.what} is at most {kind.limit:,} bytes")


def load_bytes(raw: bytes, name: str, kind: FileKind = PROBLEM_FILE) -> Source:
    """The Source of a file's bytes; `kind` sets the size limit, the words of the messages and
    whether values that are no number are refused or kept (`FileKind.lenient`)."""
    if len(raw) > kind.limit:
        raise _too_large(name, kind, len(raw))
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
        raise ProblemError(name, 1, 1, "", f"is empty: {kind.empty}")
    try:
        root = _compose(text)
    except _TooDeep as exc:
        mark = exc.mark
        raise ProblemError(name, mark.line + 1, mark.column + 1, "",
                           f"nested more than {MAX_DEPTH} deep: lists and mappings in {kind.plural} "
                           f"go at most {MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(name, exc) from None
    except yaml.YAMLError as exc:
        raise ProblemError(name, 1, 1, "", f"YAML syntax: {exc}") from None
    if root is None or root.tag == _NULL:  # no document, or only `---`, `~` or `null`
        raise ProblemError(name, 1, 1, "", f"is empty: {kind.empty}")
    builder = _Builder(name, kind)
    data = builder.build(root, (), 0)
    return Source(name, data, builder.marks, frozenset(builder.quoted))


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark):
        super().__init__(str(mark))
        self.mark = mark


class _DepthLimitedLoader(yaml.SafeLoader):
    """PyYAML's composer recurses once per level of nesting, so a 1 KB file of `[[[[...` ends in
    a RecursionError. (Its scanner and parser are iterative.) This one stops at MAX_DEPTH levels,
    before the recursion is deep, at the position of the node that goes too deep."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = -1                # the root node is at depth 0, as in _Builder

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml's composer (yaml.CSafeLoader), where PyYAML was built with it: some ten times faster than
# the pure-Python one on a large file. SOLVE_YAML_PURE=1 turns it off (tests and bench/reading.py).
_CSafeLoader = getattr(yaml, "CSafeLoader", None)
_CLoader = None
if _CSafeLoader is not None:
    class _CLoader(_CSafeLoader):
        """yaml.CSafeLoader whose tag resolution (Python regular expressions, one per plain
        scalar: most of the time of a large file) is remembered per text: the same tags."""

        def __init__(self, stream):
            super().__init__(stream)
            self._resolved: dict = {}

        def resolve(self, kind, value, implicit):
            key = (kind, value, implicit)
            tag = self._resolved.get(key)
            if tag is None:
                tag = self._resolved[key] = super().resolve(kind, value, implicit)
            return tag

_LIBYAML_DIFFERS = re.compile("[\t?!\ufeff]")
# each node's event and how it changes the depth of the next node (+1: a collection opens, 0: a
# scalar or an alias), and the ends of collections (-1); the stream's and documents' events are absent
_DEPTH_STEP = {yaml.SequenceStartEvent: 1, yaml.MappingStartEvent: 1, yaml.ScalarEvent: 0, yaml.AliasEvent: 0,
               yaml.SequenceEndEvent: -1, yaml.MappingEndEvent: -1}


def _compose(text: str) -> yaml.Node | None:
    """The root node of the one document in `text`, or None. libyaml composes a well-formed file;
    a file it refuses, or one nested too deep, is composed again by the pure-Python loader, so
    that every message (its words, line and column) is the same with libyaml or without. libyaml
    takes a tab for a space, and `?` inside a plain scalar in brackets, where PyYAML refuses them,
    ends a tag (`!`) at a comma, and counts no column for a byte order mark inside the text: such a
    text is left to PyYAML."""
    if _CLoader is not None and not os.environ.get("SOLVE_YAML_PURE") and not _LIBYAML_DIFFERS.search(text):
        try:
            if _c_depth_ok(text):
                return _c_compose(text)
        except yaml.YAMLError:
            pass
    loader = _DepthLimitedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _c_depth_ok(text: str) -> bool:
    """Whether no node of `text` lies more than MAX_DEPTH deep. libyaml's composer recurses in C
    once per level and cannot be stopped early, so its parser's events (an iterative scan) are
    counted first; at the first node too deep the pure-Python loader takes over and says where."""
    parser = _CLoader(text)
    try:
        depth = 0     # collections open around the next node
        steps, end, limit = _DEPTH_STEP, yaml.StreamEndEvent, MAX_DEPTH
        get_event = parser.get_event
        while True:
            event = get_event()
            kind = event.__class__
            step = steps.get(kind)
            if step is not None:
                if step >= 0 and depth > limit:
                    return False
                depth += step
            elif kind is end:
                return True
    finally:
        parser.dispose()


def _c_compose(text: str) -> yaml.Node | None:
    loader = _CLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


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
    def __init__(self, name: str, kind: FileKind = PROBLEM_FILE):
        self.name, self.kind = name, kind
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
        if self.kind.lenient and node.tag == _TIMESTAMP:
            return Unreadable(node.value, f"{node.value} is a date (YAML reads it so), not a number")
        if node.tag not in _ALLOWED_TAGS:
            raise self.fail(node, path, f"YAML tag {node.tag!r} is not allowed: {self.kind.plural} are "
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
                if key_node.tag == _MERGE:
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
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in ("true", "yes", "on", "y")
        if tag == _INT:
            digits = text.replace("_", "")
            if _DECIMAL_INT.match(digits):
                return int(digits, 10)  # YAML 1.1 reads 010 as octal 8; instructors mean 10 (as YAML 1.2 does)
            try:
                return int(digits, 0)
            except ValueError:
                return text
        if tag == _FLOAT or (tag == _STR and _PLAIN_NUMBER.match(text)):
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
            if self.kind.lenient:
                return Unreadable(text, why)
            raise self.fail(node, path, why)
        return text
