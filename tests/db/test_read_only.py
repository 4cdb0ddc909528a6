"""A read-only library (issue 8.14): browse, search and export work; every write
says "this library is read-only" in one line; nothing in the folder changes.

The child runs without the capabilities that let root ignore file modes (a real
other user cannot run this venv's Python, which lives under /root), on a real
library whose folder and files were made read-only with chmod.
"""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.library import DB_NAME, Library

from .conftest import drafts, one_clear_line, rl, tree, without_root_powers

WRITE_OTHERS = stat.S_IWGRP | stat.S_IWOTH


def _chmod_tree(folder: Path, writable: bool) -> None:
    for p in [folder, *folder.rglob("*")]:
        mode = p.stat().st_mode
        p.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | WRITE_OTHERS))


@pytest.fixture
def prefix(library: Path) -> Iterator[list[str]]:
    """`library` made read-only, and the prefix a child needs to feel it."""
    found = without_root_powers()
    _chmod_tree(library, writable=False)
    try:
        probe = subprocess.run([*found, "touch", str(library / "probe")], capture_output=True)
        if probe.returncode == 0:
            (library / "probe").unlink()
            pytest.skip("cannot make a folder read-only for this user")
        yield found
    finally:
        _chmod_tree(library, writable=True)


def test_read_only_library_reads_and_refuses_writes(
    library: Path, prefix: list[str], tmp_path: Path
) -> None:
    before = tree(library)
    temp = tmp_path / "tmp"  # the child's temporary folder: its search index goes here
    temp.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return rl(library, *args, prefix=prefix, TMPDIR=str(temp))

    proc = run("list")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 60, proc.stderr
    proc = run("search", "zebra", "--limit", "99")
    assert proc.returncode == 0 and proc.stdout.count("Zebra") == 60, proc.stderr
    out = tmp_path / "out.bib"
    proc = run("export", "-o", str(out))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert out.read_text("utf-8").count("\n  title = {Zebra study number") == 60
    assert run("show", "1").returncode == 0
    proc = run("check")
    assert proc.returncode == 0 and "(read-only)" in proc.stdout, proc.stdout + proc.stderr
    assert run("backup", "-o", str(tmp_path / "b.sqlite")).returncode == 0

    note = tmp_path / "note.md"
    note.write_text("a note", "utf-8")
    bib = tmp_path / "more.bib"
    bib.write_text("@article{k, title={More}, year={2020}}\n", "utf-8")
    refused = f"readinglist: this library is read-only: {library}"
    for args in (
        ("mark", "read", "1"),
        ("tag", "1", "--add", "x"),
        ("note", "1", "--set", "text"),
        ("note", "1", "--file", str(note)),
        ("import", str(bib)),
        ("backup",),
    ):
        line = one_clear_line(run(*args))
        assert line.startswith(refused), (args, line)

    assert tree(library) == before  # not a byte changed, no -wal, no index write
    assert list(temp.iterdir()) == []  # the temporary index went with its process


def test_read_only_while_a_writer_has_it_open_sees_the_latest_changes(
    tmp_path: Path,
) -> None:
    """WAL: the writer's -wal and -shm exist; a read-only reader uses them (mode=ro)
    and sees what is committed but not yet checkpointed into library.sqlite."""
    found = without_root_powers()
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.import_drafts(drafts(10, "ibis"), source="a")
    writer = Library(folder)
    try:
        writer.import_drafts(drafts(3, "kudu"), source="b")
        assert Path(f"{folder / DB_NAME}-wal").stat().st_size > 0
        _chmod_tree(folder, writable=False)
        probe = subprocess.run([*found, "touch", str(folder / "probe")], capture_output=True)
        if probe.returncode == 0:
            pytest.skip("cannot make a folder read-only for this user")
        proc = rl(folder, "list", prefix=found)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.count("Ibis") == 10 and proc.stdout.count("Kudu") == 3
        line = one_clear_line(rl(folder, "mark", "read", "1", prefix=found))
        assert "this library is read-only" in line
    finally:
        _chmod_tree(folder, writable=True)
        writer.close()


@pytest.fixture
def read_only_mount(library: Path, tmp_path: Path) -> Iterator[Path]:
    """`library` seen through a read-only bind mount: not even root can write it."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    bind = subprocess.run(["mount", "--bind", str(library), str(mnt)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bind.stderr.strip()!r}")
    try:
        ro = subprocess.run(["mount", "-o", "remount,ro,bind", str(mnt)], capture_output=True)
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only: {ro.stderr.strip()!r}")
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_read_only_mount_reads_and_refuses_writes(
    library: Path, read_only_mount: Path, tmp_path: Path
) -> None:
    before = tree(library)
    proc = rl(read_only_mount, "search", "zebra", "--limit", "99", TMPDIR=str(tmp_path))
    assert proc.returncode == 0 and proc.stdout.count("Zebra") == 60, proc.stderr
    out = tmp_path / "out.bib"
    assert rl(read_only_mount, "export", "-o", str(out)).returncode == 0
    assert out.read_text("utf-8").count("\n  title = {Zebra study number") == 60
    for args in (("mark", "read", "1"), ("tag", "1", "--add", "x"), ("backup",)):
        line = one_clear_line(rl(read_only_mount, *args))
        assert line.startswith(f"readinglist: this library is read-only: {read_only_mount}")
    assert tree(library) == before
