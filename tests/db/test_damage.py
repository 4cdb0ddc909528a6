"""A damaged, emptied or newer library.sqlite is reported, never replaced (issue 8.3, 8.12).

Each fault is inflicted on a real library file; the real CLI runs in a child. On
every error path nothing is touched: not the file, not the index (the only other
copy of titles and abstracts), not the backups.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from readinglist.db.backup import list_backups
from readinglist.db.engine import head_revision
from readinglist.db.health import DatabaseDamaged, check_file
from readinglist.library import BACKUP_DIR, DB_NAME, INDEX_DIR, Library

from .conftest import one_clear_line, pages_of, rl, scribble, tree, without_wal


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2 + 100])


def _garbage_header(db: Path) -> None:
    scribble(db, [1])


def _scribbled_papers(db: Path) -> None:
    leaves = pages_of(db, "papers")
    scribble(db, leaves[len(leaves) // 2 : len(leaves) // 2 + 3])


FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty": (_empty, "it is empty: 0 bytes"),
    "truncated": (_truncated, "it is truncated"),
    "garbage header": (_garbage_header, "it is not an SQLite database"),
    "random pages": (_scribbled_papers, ""),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_damaged_file_is_reported_and_nothing_is_touched(library: Path, fault: str) -> None:
    db = library / DB_NAME
    assert (library / INDEX_DIR).is_dir() and list_backups(library / BACKUP_DIR)
    inflict, reason = FAULTS[fault]
    inflict(db)
    before = tree(library)

    commands = (("list",), ("search", "zebra", "--limit", "99"), ("mark", "read", "1"), ("export",))
    for args in commands:
        line = one_clear_line(rl(library, *args))
        assert f"{db} is damaged ({reason}" in line
        good = list_backups(library / BACKUP_DIR)[0].path
        assert line.endswith(f"restore a backup: readinglist --library {library} restore {good}")
        assert without_wal(tree(library)) == before, args  # index, backups, the file

    with pytest.raises(DatabaseDamaged):
        Library(library)
    assert without_wal(tree(library)) == before


def test_empty_file_without_backups_says_how_to_start_afresh(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    Library(folder).close()
    (folder / DB_NAME).write_bytes(b"")
    line = one_clear_line(rl(folder, "list"))
    assert "is damaged (it is empty: 0 bytes); no sound backup in" in line
    assert "delete the file to start afresh" in line
    assert (folder / DB_NAME).stat().st_size == 0  # still: never a fresh start on its own


def test_only_a_missing_file_is_a_new_library(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    proc = rl(folder, "list")
    assert proc.returncode == 0, proc.stderr
    assert check_file(folder / DB_NAME).problem is None
    # built aside and linked in: nothing of the temporary file is left
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_damage_only_a_full_check_sees_is_found_before_the_daily_backup(library: Path) -> None:
    """A file bigger than check_every_open_mb (here: any) gets the cheap check on
    open; a damaged index b-tree is not read by `list`. The daily quick_check (run
    before the day's backup, which must not push a good one out) finds it."""
    db = library / DB_NAME
    scribble(db, pages_of(db, "ix_papers_title_key")[:2])
    assert rl(library, "check").returncode == 1
    no_check = {"READINGLIST_CHECK_EVERY_OPEN_MB": "0"}
    proc = rl(library, "list", **no_check)  # the same day: only the cheap check
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 60, proc.stderr
    # a day later: a backup is due, so the file is checked first
    for b in list_backups(library / BACKUP_DIR):
        old = (b.made - timedelta(days=2)).strftime("%Y%m%dT%H%M%S%fZ")
        b.path.rename(b.path.with_name(f"library-{b.revision}-{old}-{b.why}.sqlite"))
    before = tree(library)
    line = one_clear_line(rl(library, "list", READINGLIST_CHECK_EVERY_OPEN_MB="0"))
    assert f"{db} is damaged (" in line and "restore a backup" in line
    assert without_wal(tree(library)) == before  # no backup of the damaged file


def test_check_reports_damage_and_the_backup_to_restore(library: Path) -> None:
    proc = rl(library, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sound; 60 papers" in proc.stdout and "index: up to date" in proc.stdout
    _scribbled_papers(library / DB_NAME)
    proc = rl(library, "check")
    assert proc.returncode == 1
    assert "DAMAGED:" in proc.stdout
    good = list_backups(library / BACKUP_DIR)[0].path
    assert f"restore {good}" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_newer_schema_is_named_and_left_alone(library: Path) -> None:
    db = library / DB_NAME
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    before = tree(library)
    for args in (("list",), ("import", os.devnull), ("check",)):
        proc = rl(library, *args)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        text = proc.stderr + proc.stdout
        assert (
            f"made by a newer ReadingList (schema 0099, this version knows up to "
            f"{head_revision()})" in text
        ), text
        assert without_wal(tree(library)) == before


def test_damage_met_while_working_is_reported_in_one_line(library: Path) -> None:
    """The open-time check is cheap (header, schema); damage in a page it did not
    read surfaces as SQLite's "malformed" mid-command: checked and told plainly."""
    db = library / DB_NAME
    _scribbled_papers(db)
    assert check_file(db, thorough=False).problem is None  # the cheap check passes
    line = one_clear_line(rl(library, "list", READINGLIST_CHECK_EVERY_OPEN_MB="0"))
    assert re.search(rf"{re.escape(str(db))} is damaged \(.+\); restore a backup", line)


def test_backups_named_like_ours_but_damaged_are_not_offered(library: Path) -> None:
    backups = library / BACKUP_DIR
    stamp = (datetime.now(UTC) + timedelta(seconds=5)).strftime("%Y%m%dT%H%M%S%fZ")
    bad = backups / f"library-0003-{stamp}-manual.sqlite"
    bad.write_bytes(b"not a database")
    _empty(library / DB_NAME)
    line = one_clear_line(rl(library, "list"))
    assert str(bad) not in line and "restore a backup" in line
