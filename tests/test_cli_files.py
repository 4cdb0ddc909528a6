"""The CLI's files in and out, with the faults inflicted for real (issue 8 items 2, 8).

`export -o` never lands on the open library's files, a folder or a device node's
place; `import` and `note --file` take only regular files, bounded. Each hostile
case ends with exit 1 (import: a problem), one line, no traceback, library as it was.
Commands that could hang (a FIFO) or eat memory (/dev/zero) run in a child process
with a timeout and an address-space limit, so a regression fails instead of hanging
the suite or the machine.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.app import run
from readinglist.library import Library

BIB = r"""@article{a, title={Attention Is All You Need}, author={Vaswani, Ashish}, year={2017}}
@article{b, title={Masked Autoencoders Are Scalable Vision Learners}, author={He, K}, year={2021}}
"""
NOTE = "Read twice; see section 3."


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library folder with two papers, the first with a note; closed again."""
    folder = tmp_path / "lib"
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    with Library(folder) as lib:
        lib.import_paths([bib])
        lib.set_note(lib.ids()[0], NOTE)
    return folder


def state(folder: Path) -> list[tuple[str, str]]:
    """What must survive every case: each paper's title and note."""
    with Library(folder) as lib:
        return sorted((d.title, d.note) for d in lib.details(lib.ids()))


def first_id(folder: Path) -> int:
    with Library(folder) as lib:
        return min(lib.ids())


def cli(folder: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["--library", str(folder), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _bounded_child() -> None:
    # 2 GB of address space: reading /dev/zero unbounded dies of MemoryError (and
    # fails the test) long before it could hurt the machine
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def child(
    folder: Path, *args: str, stdin: int | None = subprocess.DEVNULL, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "readinglist", "--library", str(folder), *args],
        capture_output=True,
        text=True,
        stdin=stdin,
        timeout=90,  # a FIFO that hangs fails here instead of hanging the suite
        env={**os.environ, **env},
        preexec_fn=_bounded_child,
    )


def one_clean_line(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("readinglist: "), err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------- export


def test_export_onto_the_librarys_own_files_is_refused(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state(library)
    db = library / "library.sqlite"
    raw = db.read_bytes()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "link.bib").symlink_to(db)
    os.link(db, outside / "hard.bib")
    targets = [
        db,
        library / "library.sqlite-wal",
        library / "library.sqlite-journal",
        library / "index" / "export.bib",
        library / "backups" / "export.bib",
        outside / "link.bib",
        outside / "hard.bib",
    ]
    for target in targets:
        code, _, err = cli(library, "export", "-o", str(target), capsys=capsys)
        assert code == 1, target
        one_clean_line(err)
        assert "file of the open library" in err and str(target) in err
    assert db.read_bytes() == raw  # not a byte changed (nothing reopened it yet)
    assert state(library) == before
    assert not (library / "index" / "export.bib").exists()
    assert not (library / "backups" / "export.bib").exists()


def test_export_onto_a_folder_leaves_nothing_behind(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _, err = cli(library, "export", "-o", str(folder), capsys=capsys)
    assert code == 1
    one_clean_line(err)
    assert "is a folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no exports.part
    assert list(folder.iterdir()) == []


def test_export_replaces_a_file_atomically_keeping_its_mode(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "refs-out.bib"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    code, _, err = cli(library, "export", "-o", str(out), capsys=capsys)
    assert code == 0, err
    assert out.read_text("utf-8").count("@") == 2
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    code, stdout, _ = cli(library, "export", "--format", "csljson", "-o", "-", capsys=capsys)
    assert code == 0 and len(json.loads(stdout)) == 2


def test_export_onto_a_device_node_writes_it_never_replaces_it(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = tmp_path / "null"  # our own null device, never /dev/null itself
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    code, _, err = cli(library, "export", "-o", str(node), capsys=capsys)
    if code != 0:  # a nodev mount refuses to open it: still one clean line
        one_clean_line(err)
    st = os.lstat(node)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_onto_a_fifo_nobody_reads_returns_promptly(library: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = child(library, "export", "-o", str(fifo))
    assert done.returncode == 1
    one_clean_line(done.stderr)
    assert "nobody is reading" in done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# ---------------------------------------------------------------------------- import


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_import_dev_zero_is_refused_not_read(library: Path) -> None:
    before = state(library)
    done = child(library, "import", "/dev/zero", "--json")
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert done.returncode == 1, done.stdout  # nothing could be imported
    problems = json.loads(done.stdout)["problems"]
    said = done.stderr + " ".join(p["message"] for p in problems)
    assert "it is a character device, not a regular file" in said
    assert state(library) == before


def test_import_a_fifo_returns_promptly(library: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "incoming.bib"
    os.mkfifo(fifo)  # no writer: reading it would block forever
    before = state(library)
    done = child(library, "import", str(fifo), "--json")
    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stdout  # nothing could be imported
    problems = json.loads(done.stdout)["problems"]
    said = done.stderr + " ".join(p["message"] for p in problems)
    assert "it is a named pipe (FIFO), not a regular file" in said
    assert state(library) == before


def test_import_over_the_limit_names_the_limit_and_the_setting(
    library: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = tmp_path / "big.bib"
    with big.open("wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: no disk used
    monkeypatch.setenv("READINGLIST_MAX_IMPORT_MB", "2")
    before = state(library)
    code, out, err = cli(library, "import", str(big), "--json", capsys=capsys)
    assert "Traceback" not in err
    assert code == 1, out
    problems = json.loads(out)["problems"]
    said = err + " ".join(p["message"] for p in problems)
    assert "larger than the limit of 2 MB" in said
    assert "max_import_mb" in said and "READINGLIST_MAX_IMPORT_MB" in said
    assert state(library) == before
    monkeypatch.setenv("READINGLIST_MAX_IMPORT_MB", "4")  # the setting lets it through
    code, out, _ = cli(library, "import", str(big), "--json", capsys=capsys)
    assert "larger than the limit" not in out


# ---------------------------------------------------------------------------- note


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_note_from_dev_zero_is_refused(library: Path) -> None:
    before = state(library)
    done = child(library, "note", str(first_id(library)), "--file", "/dev/zero")
    assert done.returncode == 1
    one_clean_line(done.stderr)
    assert "/dev/zero: it is a character device, not a regular file" in done.stderr
    assert state(library) == before


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_note_from_endless_stdin_is_cut_at_the_note_limit(library: Path) -> None:
    before = state(library)
    with open("/dev/zero", "rb") as zero:
        done = child(library, "note", str(first_id(library)), "--file", "-", stdin=zero.fileno())
    assert done.returncode == 1
    one_clean_line(done.stderr)
    assert "stdin: larger than the limit of 1 MB for a note" in done.stderr
    assert state(library) == before


def test_note_from_a_fifo_returns_promptly(library: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "note.md"
    os.mkfifo(fifo)
    before = state(library)
    done = child(library, "note", str(first_id(library)), "--file", str(fifo))
    assert done.returncode == 1
    one_clean_line(done.stderr)
    assert "it is a named pipe (FIFO), not a regular file" in done.stderr
    assert state(library) == before


def test_note_from_a_big_file_or_a_folder_is_refused(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = str(first_id(library))
    big = tmp_path / "big.md"
    with big.open("wb") as fh:
        fh.truncate(1024 * 1024 + 1)
    before = state(library)
    for path, said in (
        (big, "larger than the limit of 1 MB for a note"),
        (tmp_path, "it is a directory, not a regular file"),
    ):
        code, _, err = cli(library, "note", pid, "--file", str(path), capsys=capsys)
        assert code == 1
        one_clean_line(err)
        assert said in err and str(path) in err
    assert state(library) == before


def test_note_from_a_file_and_from_stdin_still_work(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = str(first_id(library))
    note = tmp_path / "note.md"
    note.write_bytes("# Thoughts\r\nÜber alles.\r\n".encode())
    assert cli(library, "note", pid, "--file", str(note), capsys=capsys)[0] == 0
    assert cli(library, "note", pid, capsys=capsys)[1] == "# Thoughts\nÜber alles.\n"
    r, w = os.pipe()
    os.write(w, b"from a pipe\n")
    os.close(w)
    done = child(library, "note", pid, "--file", "-", stdin=r)
    os.close(r)
    assert done.returncode == 0, done.stderr
    assert cli(library, "note", pid, capsys=capsys)[1] == "from a pipe\n"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KB tmpfs (skipped where mounting is not allowed)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_export_onto_a_full_disk_keeps_the_old_file_and_no_temp(
    tmp_path: Path, tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "big-lib"
    abstract = "A long abstract about attention and diffusion models. " * 10
    with Library(folder) as lib:
        lib.import_text(
            "\n".join(
                f"@article{{k{i}, title={{Paper {i}}}, author={{Author, A}}, year={{2020}},"
                f" abstract={{{abstract}}}}}"
                for i in range(200)
            ),
            source="generated.bib",
        )
    out = tiny_disk / "refs.bib"
    out.write_text("the old export\n", encoding="utf-8")
    code, _, err = cli(folder, "export", "-o", str(out), capsys=capsys)
    assert code == 1
    one_clean_line(err)
    assert "No space left on device" in err and str(out) in err
    assert out.read_text("utf-8") == "the old export\n"
    assert [p.name for p in tiny_disk.iterdir()] == ["refs.bib"]  # the temp file is gone
    os.unlink(out)
    assert os.statvfs(tiny_disk).f_bfree == os.statvfs(tiny_disk).f_blocks  # all freed
