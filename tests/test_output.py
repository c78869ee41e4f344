"""Writing output files (solver/output.py): atomic for regular files, written through for device
nodes and FIFOs (never replaced), symlinks followed, inputs never overwritten, and a folder proved
writable before any work. Device nodes are made in a temporary folder, never the machine's /dev."""
from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from solver.errors import UsageError
from solver.output import ensure_folder, inputs_of, is_special, refuse_inputs, write_atomic


def make_null_device(path: Path) -> Path:
    """A character device like /dev/null (1, 3), made at `path`; skip where that is not permitted."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    try:
        with open(path, "wb") as handle:       # a folder on a nodev mount refuses to open it
            handle.write(b"")
    except OSError as exc:
        pytest.skip(f"device nodes cannot be opened in {path.parent}: {exc}")
    return path


class FifoReader:
    """A FIFO at `path` and a thread reading everything written into it."""

    def __init__(self, path: Path):
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        os.mkfifo(path)
        self.path, self.data = path, b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as handle:
            self.data = handle.read()

    def join(self) -> bytes:
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the FIFO was never closed by its writer"
        return self.data


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


# ---------------------------------------------------------------- regular files

def test_a_regular_file_is_replaced_atomically(tmp_path):
    out = tmp_path / "out.md"
    out.write_bytes(b"old")
    before = out.stat().st_ino
    write_atomic(out, b"new")
    assert out.read_bytes() == b"new"
    assert out.stat().st_ino != before          # a new file renamed over the old one
    assert leftovers(tmp_path) == []


def test_a_new_file_and_its_folders_are_made(tmp_path):
    out = tmp_path / "a" / "b" / "out.md"
    write_atomic(out, b"x")
    assert out.read_bytes() == b"x"


# ---------------------------------------------------------------- devices and FIFOs

def test_a_device_node_is_written_through_not_replaced(tmp_path):
    dev = make_null_device(tmp_path / "null")
    assert is_special(dev)
    write_atomic(dev, b"a solution")
    mode = os.lstat(dev).st_mode
    assert stat.S_ISCHR(mode) and os.lstat(dev).st_rdev == os.makedev(1, 3)
    assert leftovers(tmp_path) == []


def test_a_symlink_to_a_device_node_is_written_through(tmp_path):
    dev = make_null_device(tmp_path / "null")
    link = tmp_path / "out.md"
    link.symlink_to(dev)
    write_atomic(link, b"a solution")
    assert link.is_symlink() and os.readlink(link) == str(dev)
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    assert leftovers(tmp_path) == []


def test_a_fifo_is_written_through(tmp_path):
    reader = FifoReader(tmp_path / "pipe")
    data = b"x" * 300_000                       # more than a pipe's buffer
    write_atomic(reader.path, data)
    assert reader.join() == data
    assert stat.S_ISFIFO(os.lstat(reader.path).st_mode)
    assert leftovers(tmp_path) == []


def test_a_symlink_to_a_fifo_is_written_through(tmp_path):
    reader = FifoReader(tmp_path / "pipe")
    link = tmp_path / "out.json"
    link.symlink_to(reader.path)
    write_atomic(link, b"{}\n")
    assert reader.join() == b"{}\n"
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(reader.path).st_mode)


def test_regular_files_folders_and_missing_paths_are_not_special(tmp_path):
    (tmp_path / "f").write_text("x")
    assert not is_special(tmp_path / "f")
    assert not is_special(tmp_path)
    assert not is_special(tmp_path / "missing")


# ---------------------------------------------------------------- symlinks to files

def test_a_symlink_to_a_file_stays_a_link_and_its_target_is_replaced(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "exam1.md"
    target.write_bytes(b"old")
    link = tmp_path / "out.md"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == [] and leftovers(shared) == []


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "real.md")
    write_atomic(link, b"new")
    assert link.is_symlink() and (tmp_path / "real.md").read_bytes() == b"new"


def test_a_symlink_loop_is_a_clear_error(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(UsageError, match=r"cannot write .*a"):
        write_atomic(a, b"x")


# ---------------------------------------------------------------- inputs are never overwritten

@pytest.fixture
def problem(tmp_path):
    path = tmp_path / "exam.yaml"
    path.write_text("kind: forward\n")
    return path


@pytest.mark.parametrize("name", ["same path", "relative", "symlink", "hard link"])
def test_an_input_by_any_name_is_refused(tmp_path, problem, name, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = {"same path": lambda: problem,
              "relative": lambda: Path("exam.yaml"),
              "symlink": lambda: (tmp_path / "out.md").symlink_to(problem) or tmp_path / "out.md",
              "hard link": lambda: os.link(problem, tmp_path / "out.md") or tmp_path / "out.md"}[name]()
    with pytest.raises(UsageError, match="is the problem file .*would overwrite it"):
        write_atomic(target, b"solution", inputs_of(problem))
    assert problem.read_text() == "kind: forward\n"
    assert leftovers(tmp_path) == []


def test_the_answer_sheet_is_an_input_too(tmp_path, problem):
    sheet = tmp_path / "mine.yaml"
    sheet.write_text("q1: {}\n")
    with pytest.raises(UsageError, match="is the answer sheet itself"):
        refuse_inputs(sheet, inputs_of(problem, sheet))


def test_other_files_are_not_inputs(tmp_path, problem):
    refuse_inputs(tmp_path / "exam.md", inputs_of(problem))
    refuse_inputs(tmp_path / "missing" / "exam.yaml", inputs_of(problem))


# ---------------------------------------------------------------- folders proved writable first

def test_a_folder_is_proved_writable_without_leaving_anything(tmp_path):
    ensure_folder(tmp_path / "new" / "deeper")
    assert not (tmp_path / "new").exists()      # made when the files are written, not before
    ensure_folder(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_of_the_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="names a folder, and this is a file"):
        ensure_folder(tmp_path / "f")
    with pytest.raises(UsageError, match=r"\(.*f is a file\)"):
        ensure_folder(tmp_path / "f" / "variants")


def test_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions do not stop writing")
        with pytest.raises(UsageError, match="cannot write into"):
            ensure_folder(folder / "variants")
    finally:
        folder.chmod(0o755)


def test_a_folder_the_system_refuses_even_to_root():
    if not Path("/sys").is_dir():
        pytest.skip("no /sys here")
    with pytest.raises(UsageError, match="cannot write into /sys, where it would be created"):
        ensure_folder(Path("/sys/solve-test-variants"))
