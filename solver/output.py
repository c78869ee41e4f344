"""Write output files atomically: a reader sees the old file or the whole new one, never half."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import UsageError


def write_atomic(path: str | Path, data: bytes) -> None:
    """Raises UsageError (exit 2) when the path cannot be written, leaving nothing behind."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"-o {path}: is a directory; give a file name, e.g. {path / 'solution.md'}")
    try:
        _write(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
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
