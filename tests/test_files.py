"""readinglist/files.py for real: special files, limits, atomic replacement, faults.

Device nodes and FIFOs are made in tmp_path (never /dev/null itself: a regression
there would break the machine); /dev/zero is only ever read, which is bounded.
"""

from __future__ import annotations

import os
import resource
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.domain import LibraryError
from readinglist.files import (
    MB,
    NotRegularFile,
    TooLarge,
    atomic_write,
    belongs_to_folder,
    read_limited,
    read_stream_limited,
)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".part")))


def char_device(path: Path) -> Path:
    """A null device node of our own (major 1, minor 3 on Linux), or skip."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


# ---------------------------------------------------------------------------- reading


def test_reads_a_regular_file_and_refuses_one_byte_over(tmp_path: Path) -> None:
    f = tmp_path / "refs.bib"
    f.write_bytes(b"x" * MB)
    assert read_limited(f, MB) == b"x" * MB  # exactly at the limit is fine
    f.write_bytes(b"x" * (MB + 1))
    with pytest.raises(TooLarge, match=r"refs\.bib: larger than the limit of 1 MB \(raise it\)"):
        read_limited(f, MB, hint=" (raise it)")


def test_a_sparse_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.ris"
    with huge.open("wb") as fh:
        fh.truncate(64 * 1024 * MB)  # 64 GB of holes: reading it would take minutes
    with pytest.raises(TooLarge, match=r"huge\.ris.*limit of 512 MB"):
        read_limited(huge, 512 * MB)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_not_a_regular_file() -> None:
    with pytest.raises(NotRegularFile, match=r"/dev/zero: it is a character device, not a regular"):
        read_limited(Path("/dev/zero"), 512 * MB)


def test_a_fifo_and_a_directory_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # nobody writes: opening it for reading would block forever
    with pytest.raises(NotRegularFile, match=r"pipe: it is a named pipe \(FIFO\), not a regular"):
        read_limited(fifo, MB)
    with pytest.raises(NotRegularFile, match=r"it is a directory, not a regular file"):
        read_limited(tmp_path, MB)
    with pytest.raises(LibraryError, match=r"cannot read .*missing\.bib: No such file"):
        read_limited(tmp_path / "missing.bib", MB)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_stream_is_cut_at_the_limit() -> None:
    with open("/dev/zero", "rb") as endless, pytest.raises(TooLarge, match=r"stdin.*1 MB"):
        read_stream_limited(endless, MB, "stdin")
    r, w = os.pipe()
    os.write(w, b"short note\n")
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        assert read_stream_limited(pipe, MB, "stdin") == b"short note\n"


def test_short_reads_are_joined_not_taken_for_the_end() -> None:
    r, w = os.pipe()  # a pipe hands over at most 64 KB per read
    data = bytes(range(256)) * 1200  # 300 KB

    def writer() -> None:
        os.write(w, data)  # blocks until read, in pieces
        os.close(w)

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    with os.fdopen(r, "rb", buffering=0) as pipe:
        assert read_stream_limited(pipe, MB, "stdin") == data
    t.join(10)


# ---------------------------------------------------------------------------- writing


def test_a_new_file_gets_the_usual_permissions_and_no_temp_stays(tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    old = os.umask(0o022)
    try:
        atomic_write(out, "é" * (3 * MB))  # several encoded slices
    finally:
        os.umask(old)
    assert out.read_text("utf-8") == "é" * (3 * MB)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert leftovers(tmp_path) == []


def test_replacing_keeps_the_old_files_permissions(tmp_path: Path) -> None:
    out = tmp_path / "private.bib"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    atomic_write(out, "new")
    assert out.read_text("utf-8") == "new"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_symlink_stays_and_its_target_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.bib"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text("utf-8") == "new"


def test_a_folder_is_refused_and_nothing_is_left_behind(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(LibraryError, match=r"exports: is a folder"):
        atomic_write(folder, "text")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert [p.name for p in folder.iterdir()] == ["mine.txt"]
    with pytest.raises(LibraryError, match=r"nope: no such folder"):
        atomic_write(tmp_path / "nope" / "x.bib", "text")


def test_a_device_node_is_written_directly_never_replaced(tmp_path: Path) -> None:
    node = char_device(tmp_path / "null")
    try:
        atomic_write(node, "into the void\n")
    except LibraryError as exc:  # a nodev mount: opening it is refused, cleanly
        assert "null" in str(exc)
    mode = os.lstat(node).st_mode
    assert stat.S_ISCHR(mode), "the device node was replaced by a regular file"
    assert os.lstat(node).st_rdev == os.makedev(1, 3)
    assert leftovers(tmp_path) == []


def test_a_fifo_without_a_reader_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(LibraryError, match=r"named pipe .* nobody is reading"):
        atomic_write(fifo, "text")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert leftovers(tmp_path) == []


def test_a_fifo_with_a_reader_gets_the_text(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    opened = threading.Event()

    def reader() -> None:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # now a writer can open it
        opened.set()
        select.select([fd], [], [], 10)  # until the writer's first bytes
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as fh:
            got.append(fh.read())

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    assert opened.wait(10)
    text = "x" * (200 * 1024)  # more than a pipe buffer: the writer must wait
    atomic_write(fifo, text)
    t.join(10)
    assert got == [text.encode()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_interrupt_mid_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("the old export", encoding="utf-8")

    def pieces() -> Iterator[str]:
        yield "half of the new"
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, delivered here
        yield "never written"

    with pytest.raises(KeyboardInterrupt):
        atomic_write(out, pieces())
    assert out.read_text("utf-8") == "the old export"
    assert leftovers(tmp_path) == []


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (MB, MB))


def test_a_full_disk_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    """A child whose files may not grow past 1 MB writes a 3 MB export (RLIMIT_FSIZE)."""
    out = tmp_path / "refs.bib"
    out.write_text("the old export", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path\n"
        "from readinglist.domain import LibraryError\n"
        "from readinglist.files import atomic_write\n"
        "try:\n"
        "    atomic_write(Path(sys.argv[1]), 'x' * (3 * 1024 * 1024))\n"
        "except LibraryError as exc:\n"
        "    print(exc); sys.exit(1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == 1, done.stderr
    assert "cannot write" in done.stdout and "File too large" in done.stdout
    assert out.read_text("utf-8") == "the old export"
    assert leftovers(tmp_path) == []


def _kill_on_file_size() -> None:
    # with SIGXFSZ at its default the kernel kills the child mid-write, like a crash
    resource.setrlimit(resource.RLIMIT_FSIZE, (MB, MB))


def test_a_killed_export_keeps_the_old_file_and_its_temp_is_cleaned_next_time(
    tmp_path: Path,
) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("the old export", encoding="utf-8")
    code = (
        "import signal, sys; from pathlib import Path\n"
        "from readinglist.files import atomic_write\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it by default\n"
        "atomic_write(Path(sys.argv[1]), 'x' * (3 * 1024 * 1024))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        capture_output=True,
        timeout=60,
        preexec_fn=_kill_on_file_size,
    )
    assert done.returncode == -signal.SIGXFSZ  # really killed while writing
    assert out.read_text("utf-8") == "the old export"
    (left,) = leftovers(tmp_path)  # what a crash leaves: a hidden, partial temp file
    assert (tmp_path / left).stat().st_size == MB
    atomic_write(out, "newer")  # a young leftover may still be written: kept
    assert leftovers(tmp_path) == [left]
    old = (tmp_path / left).stat().st_mtime - 3600
    os.utime(tmp_path / left, (old, old))
    other = tmp_path / ".notes.md.123-abcdefabcdef.tmp"  # not this target's: not ours
    other.write_text("keep", encoding="utf-8")
    os.utime(other, (old, old))
    atomic_write(out, "newest")
    assert out.read_text("utf-8") == "newest"
    assert leftovers(tmp_path) == [other.name]


def write_as_nobody(path: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from pathlib import Path\n"
        "from readinglist.domain import LibraryError\n"
        "from readinglist.files import atomic_write\n"
        "try:\n"
        "    atomic_write(Path(sys.argv[1]), 'new')\n"
        "except LibraryError as exc:\n"
        "    print(exc); sys.exit(1)\n"
    )
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    return subprocess.run(
        [*nobody, sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
    )


@pytest.fixture
def public_folder() -> Iterator[Path]:
    """A folder outside pytest's private tmp (0700), so another user can reach it."""
    if os.getuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run a child as nobody")
    folder = Path(tempfile.mkdtemp(prefix="readinglist-files-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def test_a_read_only_file_or_folder_is_refused_for_a_plain_user(public_folder: Path) -> None:
    mine = public_folder / "mine"
    mine.mkdir()
    locked = mine / "locked.bib"
    locked.write_text("old", encoding="utf-8")
    locked.chmod(0o444)
    os.chown(mine, 65534, 65534)
    os.chown(locked, 65534, 65534)
    done = write_as_nobody(locked)  # nobody may rename over it, but chose not to
    assert done.returncode == 1, done.stderr
    assert "locked.bib: the file is read-only" in done.stdout
    assert locked.read_text("utf-8") == "old"
    theirs = public_folder / "theirs"  # root's folder: no temp file can be made
    theirs.mkdir()
    done = write_as_nobody(theirs / "x.bib")
    assert done.returncode == 1, done.stderr
    assert "cannot write" in done.stdout and "Permission denied" in done.stdout
    assert list(theirs.iterdir()) == []
    assert sorted(p.name for p in mine.iterdir()) == ["locked.bib"]


def test_a_forbidden_target_is_refused_untouched(tmp_path: Path) -> None:
    precious = tmp_path / "library.sqlite"
    precious.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(LibraryError, match="file of the open library"):
        atomic_write(precious, "oops", forbidden=lambda p: p.name == "library.sqlite")
    assert precious.read_bytes() == b"SQLite format 3\x00"


def test_belongs_to_folder_sees_through_names(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "index").mkdir(parents=True)
    db = lib / "library.sqlite"
    db.write_bytes(b"db")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "sym.sqlite").symlink_to(db)
    os.link(db, outside / "hard.sqlite")
    (tmp_path / "libfolder").symlink_to(lib)
    for p in (
        db,
        lib / "library.sqlite-wal",  # not there yet: still ours
        lib / "index" / "_MAIN_1.toc",
        lib,
        outside / "sym.sqlite",
        outside / "hard.sqlite",
        tmp_path / "libfolder" / "library.sqlite",
        lib / ".." / "lib" / "library.sqlite",
    ):
        assert belongs_to_folder(p, lib), p
    (tmp_path / "lib2").mkdir()
    for p in (tmp_path / "lib2" / "x.bib", outside / "new.bib", tmp_path / "out.bib"):
        assert not belongs_to_folder(p, lib), p
