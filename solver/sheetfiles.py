"""Which files `--check` marks: files as given, the answer sheets of a folder, the matches of a
glob pattern. Plain Python: the command line decides whether it marks one sheet or a class
before anything heavy is loaded."""
from __future__ import annotations

import glob
from pathlib import Path

from .errors import UsageError

GLOB_CHARACTERS = "*?["


def sheet_paths(items) -> list[Path]:
    """The sheets named: files as given, every *.yaml / *.yml of a folder, and the matches of a
    glob pattern (quoted, so that the shell leaves it to us), in order, each once."""
    out: list[Path] = []
    for item in items:
        text = str(item)
        if any(c in text for c in GLOB_CHARACTERS) and not Path(text).exists():
            found = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
            if not found:
                raise UsageError(f"--check {text}: no file matches this pattern")
        elif Path(text).is_dir():
            found = sorted(p for p in Path(text).iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                raise UsageError(f"--check {text}: the folder holds no answer sheet (*.yaml)")
        else:
            found = [Path(text)]
        out += [p for p in found if p not in out]
    return out


def is_class(items) -> bool:
    """More than one sheet, or a folder or a pattern (which may match any number)."""
    items = list(items)
    return len(items) > 1 or any(Path(str(i)).is_dir() or any(c in str(i) for c in GLOB_CHARACTERS)
                                 for i in items)
