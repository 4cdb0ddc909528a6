"""Helpers for the database fault tests: a real library, the real CLI in a child."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from readinglist.domain import PaperDraft, Person
from readinglist.library import DB_NAME, Library

REPO = Path(__file__).resolve().parents[2]


def drafts(n: int, word: str, start: int = 0) -> list[PaperDraft]:
    return [
        PaperDraft(
            title=f"{word.capitalize()} study number {i}",
            abstract=f"We look at {word} {i} closely. " * 20,
            authors=(Person(f"Author{i}", "Jo"),),
            year=2000 + i % 25,
        )
        for i in range(start, start + n)
    ]


def seed(folder: Path, n: int = 60, word: str = "zebra") -> list[int]:
    """A library of `n` papers, indexed, opened twice (so a daily backup exists)."""
    with Library(folder) as lib:
        ids = list(lib.import_drafts(drafts(n, word), source="seed").added)
    Library(folder).close()  # the second open makes the day's backup
    return ids


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e["READINGLIST_CONFIG"] = os.devnull
    e["PYTHONPATH"] = str(REPO)
    e.update(extra)
    return e


def rl(
    folder: Path, *args: str, prefix: Sequence[str] = (), **extra: str
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "readinglist", "--library", str(folder), *args],
        capture_output=True,
        text=True,
        env=env(**extra),
        timeout=120,
    )


def one_clear_line(proc: subprocess.CompletedProcess[str]) -> str:
    """Exit 1 with exactly one `readinglist: ...` line on stderr, no traceback."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("readinglist: "), proc.stderr
    return lines[0]


def tree(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under `folder`."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def without_wal(files: dict[str, str]) -> dict[str, str]:
    """SQLite may leave its (empty) -wal and -shm beside a file it could not close
    cleanly; they hold nothing (an empty file's sha256 is e3b0...)."""
    wal = files.pop(f"{DB_NAME}-wal", None)
    assert wal in (None, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    files.pop(f"{DB_NAME}-shm", None)
    return files


def pages_of(db: Path, table: str, kind: str = "leaf") -> list[int]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno",
            (table, kind),
        ).fetchall()
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
    finally:
        con.close()
    assert rows, f"no {kind} pages of {table}"
    assert page_size == PAGE_SIZE
    return [r[0] for r in rows]


PAGE_SIZE = 4096


def scribble(db: Path, pages: Sequence[int], seed_: int = 8) -> None:
    """Overwrite whole pages (1-based) with random bytes, as a failing disk would."""
    rng = random.Random(seed_)
    with db.open("r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * PAGE_SIZE)
            fh.write(rng.randbytes(PAGE_SIZE))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    seed(folder)
    assert not Path(f"{folder / DB_NAME}-wal").exists()  # closed: all in the main file
    return folder


def without_root_powers() -> list[str]:
    """A prefix running a child without the capabilities that let root write into
    read-only folders (so a chmod means what it says); [] if impossible. (A real
    other user cannot run this venv's Python: it lives under /root.)"""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return []
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "pass"], capture_output=True)
    return prefix if probe.returncode == 0 else []
