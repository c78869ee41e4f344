"""Write output files: a reader sees the old file or the whole new one, never half; and nothing
that is not a regular file is ever replaced.

- A path that does not exist, or a regular file, is written atomically: a temporary file beside
  it, renamed over it.
- A device node, a FIFO (or a symlink to one) is written through: opened and written in place,
  as `cat > PATH` would. Renaming over it would turn /dev/null into a regular file.
- A symlink to a regular file (or a dangling one) is followed: its target is written
  atomically and the link stays a link, as a user who links `out.md` into a shared folder
  expects.
- A path that is one of the inputs (the problem file, the answer sheet, or a link to one) is
  refused (exit 2): the solution never overwrites its problem.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Mapping

from .errors import UsageError

# An input of the run and what to call it in a message: {Path("problems/exam1.yaml"): "the problem file"}
Inputs = Mapping[Path, str]


def write_atomic(path: str | Path, data: bytes, inputs: Inputs | None = None) -> None:
    """Raises UsageError (exit 2) when the path cannot be written, leaving nothing behind."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"-o {path}: is a directory; give a file name, e.g. {path / 'solution.md'}")
    refuse_inputs(path, inputs or {})
    try:
        if is_special(path):
            _write_through(path, data)
        else:
            _write(_followed(path), data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def is_special(path: str | Path) -> bool:
    """Whether `path` (or what a symlink there points to) exists and is not a regular file or a
    directory: a device node, a FIFO, a socket. Such a path is written through, never replaced."""
    try:
        mode = os.stat(path).st_mode          # follows symlinks
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def refuse_inputs(target: str | Path, inputs: Inputs) -> None:
    """UsageError when writing `target` would overwrite one of the inputs (the same file by
    any name: a relative or absolute path, a symlink or a hard link to it)."""
    for source, what in inputs.items():
        if _same(Path(target), Path(source)):
            named = "itself" if str(target) == str(source) else f"({source})"
            raise UsageError(f"the output {target} is {what} {named}: writing there would overwrite it; "
                             "choose another output file with -o")


def ensure_folder(folder: str | Path, option: str = "-o") -> None:
    """Prove, before any work is done, that files can be written into `folder`: a file is made and
    removed in it, or (when it does not exist yet) in the nearest folder above it, where it will
    be created; UsageError (exit 2) saying why not. Nothing is left behind, so a bad problem file
    found later leaves no empty folder."""
    folder = Path(folder)
    existing = folder
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():          # a dangling link: mkdir would fail on it
            raise UsageError(f"{option} {folder}: {existing} is a broken symlink")
        existing = existing.parent
    if not existing.is_dir():
        where = "" if existing == folder else f" ({existing} is a file)"
        raise UsageError(f"{option} {folder}: names a folder, and this is a file{where}")
    try:
        import tempfile      # here: importing it costs more than checking a bad file
        fd, probe = tempfile.mkstemp(prefix=".solve-", suffix=".probe", dir=existing)
    except OSError as exc:
        what = "this folder" if existing == folder else f"{existing}, where it would be created"
        raise UsageError(f"{option} {folder}: cannot write into {what} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)


def _same(a: Path, b: Path) -> bool:
    """Whether both exist and are one file (by any path, symlink or hard link): a path that does
    not exist yet cannot overwrite anything."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _followed(path: Path) -> Path:
    """Where the data goes: the path itself, or the end of the chain of symlinks standing there
    (so the link survives and its target is replaced atomically)."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve(strict=False)
    except RuntimeError as exc:               # a symlink loop (Python < 3.13)
        raise OSError(40, "Too many levels of symbolic links") from exc


def _write_through(path: Path, data: bytes) -> None:
    """A device or a FIFO: open it and write, as a shell redirection would (a FIFO waits for its reader)."""
    with open(path, "wb", buffering=0) as handle:
        view = memoryview(data)
        while view:
            written = handle.write(view)
            view = view[written:]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".part", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())     # as open() would create it, not mkstemp's private 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def inputs_of(problem: str | Path | None = None, *sheets: str | Path | None) -> dict[Path, str]:
    """The inputs of a run, to pass to write_atomic and refuse_inputs."""
    out: dict[Path, str] = {}
    if problem is not None:
        out[Path(problem)] = "the problem file"
    for sheet in sheets:
        if sheet is not None:
            out[Path(sheet)] = "the answer sheet"
    return out

