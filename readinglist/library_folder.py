"""A library folder's files: their names, and what is done to them without an open
Library — checking and restoring a library that may be damaged, backups on demand
and before a big import, the one-line words for a database error met at run time.

Below library.py (which re-exports the names): db/ and search/ only, never Qt."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .domain import LibraryError
from .files import can_write_in, same_file

if TYPE_CHECKING:
    from .config import Config
    from .db.engine import OpenedDatabase
    from .db.health import FileHealth, LibraryCheck
    from .search.contract import SearchContract

log = logging.getLogger(__name__)

DB_NAME = "library.sqlite"
INDEX_DIR = "index"
# search/index.py's META_FILE: read here without importing Whoosh (a test keeps them equal)
INDEX_RECORD = "readinglist-index.json"
BACKUP_DIR = "backups"
# An import of more papers than this is preceded by a backup.
BACKUP_IMPORT_MIN = 1000


@contextlib.contextmanager
def opening(folder: Path) -> Iterator[None]:
    """Trouble while opening the library in `folder`, told in one line: damage as
    DatabaseDamaged (with the backup to restore), anything else naming the folder."""
    from sqlalchemy.exc import DBAPIError  # here: library_quick.py reads without SQLAlchemy

    from .db.engine import damaged_error
    from .db.health import check_file, is_damage

    try:
        yield
    except DBAPIError as exc:
        if is_damage(exc):
            db_path = folder / DB_NAME
            reason = check_file(db_path).problem or str(exc.orig)
            raise damaged_error(db_path, reason) from exc
        raise LibraryError(f"cannot open the library in {folder}: {exc.orig}") from exc
    except OSError as exc:
        raise LibraryError(f"cannot open the library in {folder}: {exc}") from exc


def open_database(folder: Path, *, defer_daily: bool) -> tuple[OpenedDatabase, Config]:
    """The folder's database opened (made when missing), and the settings it was
    opened with. Only a missing file is a new library; an empty or damaged one is an
    error (nothing touched), a read-only one opens for reading (see db/engine.py)."""
    from .config import load_config
    from .db.engine import open_database as open_file

    folder.mkdir(parents=True, exist_ok=True)
    config = load_config()
    opened = open_file(
        folder / DB_NAME,
        folder / BACKUP_DIR,
        keep=config.backups_kept,
        check_every_open_mb=config.check_every_open_mb,
        defer_daily=defer_daily,
    )
    return opened, config


def open_search_index(
    folder: Path, library_id: str, *, read_only: bool, window: bool = False
) -> tuple[SearchContract, tempfile.TemporaryDirectory[str] | None]:
    """The library's search index, and the temporary folder it lives in when the
    library is read-only and its index folder cannot be written: a read-only library
    still searches, its index built from the database and removed at exit. `window`:
    a window shares this process (its writes keep their sorts short)."""
    from .search.index import SearchIndex  # Whoosh: imported when first needed

    index_folder = folder / INDEX_DIR
    temp = None
    if read_only and not can_write_in(index_folder):
        temp = tempfile.TemporaryDirectory(prefix="readinglist-index-")
        index_folder = Path(temp.name) / INDEX_DIR
    return SearchIndex(index_folder, library_id, short_sorts=window), temp


def database_trouble(
    folder: Path, exc: BaseException, *, damage_only: bool = False
) -> LibraryError | None:
    """A database error met at run time, checked and told plainly in one line; None
    when `exc` is not one (the caller re-raises it). Damage names the backup to
    restore; other SQLite errors (busy, I/O) are told in SQLite's words unless
    `damage_only`."""
    import sqlite3

    from .db.engine import damaged_error
    from .db.health import check_file, is_damage

    db_path = Path(folder) / DB_NAME
    orig = getattr(exc, "orig", exc)
    if is_damage(exc):
        reason = check_file(db_path).problem or str(orig)
        return damaged_error(db_path, reason)
    if isinstance(orig, sqlite3.Error) and not damage_only:
        return LibraryError(f"{db_path}: {orig}")
    return None


def daily_backup(folder: Path, keep: int) -> None:
    """The window's daily backup, off its thread (a crash or exit meanwhile leaves
    only a part file, removed at the next open); trouble is logged, not raised."""
    import sqlite3

    from .db.engine import daily_backup as back_up

    try:
        if back_up(folder / DB_NAME, folder / BACKUP_DIR, keep) is None:
            log.warning("%s is damaged: no backup made", folder / DB_NAME)
    except (OSError, LibraryError, sqlite3.Error) as exc:  # disk full, locked, ...
        log.warning("could not back the library up: %s", exc)


def backup(folder: Path, target: Path | None, *, read_only: bool) -> Path:
    """A backup now (online backup API: consistent while others write).

    Into backups/ among the automatic ones (the same pruning), or at `target`
    (a file, or a folder to put it in); never onto the library's own files."""
    from .config import load_config
    from .db.backup import backup_name, copy_database, take_backup

    db_path = folder / DB_NAME
    if target is None:
        if read_only:
            raise LibraryError(f"this library is read-only: {folder}; give a file: backup -o FILE")
        keep = load_config().backups_kept
        return take_backup(db_path, folder / BACKUP_DIR, "manual", keep)
    target = Path(target)
    if target.is_dir():
        target = target / backup_name(None, "manual")
    if target.exists() and not target.is_file():
        raise LibraryError(f"{target} is not a regular file")
    if any(same_file(target, Path(f"{db_path}{x}")) for x in ("", "-wal", "-shm")):
        raise LibraryError(f"{target} is the library itself")
    if not target.parent.is_dir():
        raise LibraryError(f"{target.parent}: no such folder")
    copy_database(db_path, target)
    return target


def backup_before_import(
    folder: Path, papers: int, *, read_only: bool, change_seq: Callable[[], int]
) -> None:
    """Before an import of over BACKUP_IMPORT_MIN papers (unless read-only, backups
    are off, or the library is still empty, `change_seq()` 0: nothing to lose)."""
    from .config import load_config
    from .db.backup import take_backup

    keep = load_config().backups_kept
    if papers <= BACKUP_IMPORT_MIN or read_only or keep == 0 or change_seq() == 0:
        return
    take_backup(folder / DB_NAME, folder / BACKUP_DIR, "import", keep)


def index_record(folder: Path) -> dict[str, object] | None:
    """The search index's own record of how far it got (library id, schema, change
    number), read without opening the index; None when missing or unreadable."""
    import json

    try:
        meta = json.loads((folder / INDEX_DIR / INDEX_RECORD).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def index_state(folder: Path, health: FileHealth) -> str:
    """How the search index stands against the database, in words (`check`)."""
    meta = index_record(folder)
    if meta is None or health.seq is None:
        return "not built yet: built from the database at the next search"
    seq = meta.get("seq")
    if meta.get("library_id") != health.library_id:
        return "of another library: rebuilt at the next search"
    if not isinstance(seq, int):
        return "unreadable: rebuilt at the next search"
    if seq == health.seq:
        return f"up to date (change number {seq})"
    if seq < health.seq:
        return f"behind ({seq} of {health.seq}): catches up at the next search"
    return f"ahead of the database ({seq} > {health.seq}): rebuilt at the next search"


def check(folder: Path, *, full: bool = False) -> LibraryCheck:
    """Check a library without opening it (it may be damaged): SQLite's quick
    check (`full`: integrity_check), the schema, the index, the backups."""
    from .db.backup import list_backups, newest_good
    from .db.health import LibraryCheck, check_file, is_read_only, schema_problem

    folder = Path(folder)
    db_path = folder / DB_NAME
    if not db_path.exists():
        raise LibraryError(f"{db_path}: no such file (no library here yet)")
    health = check_file(db_path, full=full)
    newer = schema_problem(db_path, health.revision)
    backups = folder / BACKUP_DIR
    good = newest_good(backups)
    return LibraryCheck(
        db_path,
        health,
        str(newer) if newer is not None else None,
        is_read_only(db_path),
        index_state(folder, health),
        len(list_backups(backups)),
        good[0].path if good is not None else None,
    )


def newest_good_backup(folder: Path) -> tuple[Path, datetime, int] | None:
    """The newest backup that passes SQLite's check: (file, made, papers)."""
    from .db.backup import newest_good

    found = newest_good(Path(folder) / BACKUP_DIR)
    if found is None:
        return None
    b, health = found
    return b.path, b.made, health.papers or 0


def restore_backup(folder: Path, backup: Path) -> Path | None:
    """Replace the library's database by `backup` (checked first: nothing changes
    when it is not sound); returns where the state before was saved.

    Works on a damaged library (it is not opened). The index starts over: it
    followed a history the restored file does not share, and catches up from
    the restored database at the next open."""
    from .config import load_config
    from .db.backup import restore
    from .db.health import check_file

    folder = Path(folder)
    db_path = folder / DB_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LibraryError(f"cannot restore into {folder}: {exc.strerror or exc}") from exc
    if not os.access(folder, os.W_OK):
        raise LibraryError(f"this library is read-only: {folder}")
    saved = restore(db_path, Path(backup), folder / BACKUP_DIR, load_config().backups_kept)
    library_id = check_file(db_path, thorough=False).library_id
    if library_id and (folder / INDEX_DIR).is_dir():
        from .search.index import SearchIndex

        try:
            index = SearchIndex(folder / INDEX_DIR, library_id)
            try:
                index.reset()
            finally:
                index.close()
        except LibraryError as exc:  # the restore is done; the index is a cache
            log.warning("search index not reset after the restore: %s", exc)
    return saved
