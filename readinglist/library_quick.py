"""`list`, `list --json` and `show ID --json` read without SQLAlchemy, when opening
the library would only open it.

A CLI command's start is mostly its imports, and SQLAlchemy is nine tenths of those
(~0.25 s of `readinglist.library`; `sqlite3` imports in 4 ms): `list --json` at 10k
papers cannot meet 0.4 s through it (docs/speed.md, session 8). So this module reads
a folder library with the sqlite3 module alone, after the same checks a normal open
makes (db/engine.open_database, library_folder.open_database, Library.close), each
done by the same function; whenever one of them would act or fail, it says None and
the caller takes the full path, which acts or fails in its own words:

- a server library, a missing file (a new library is made), or not a regular file;
- what a killed creation or restore left in the folder (the open removes it);
- a read-only file or folder (the open reads it through an `immutable` URI);
- damage in the header, and SQLite's quick check when the file is under the size
  limit (config `check_every_open_mb`), as the open checks it;
- a schema that is newer, or older (an upgrade, after a backup);
- the daily backup when it is due (config `backups_kept` > 0);
- a file without a library id (the open gives it one);
- not in WAL mode (the open switches it);
- an index whose record is missing, of another library or behind the database
  (closing would catch it up);
- any SQLite error while reading (busy past the timeout, damage found on the way).

Below library.py, beside library_folder.py: db/ only (never its SQLAlchemy parts).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .config import load_config
from .db import backup, raw_listing
from .db.health import BUSY_TIMEOUT_S, check_file, is_read_only, known_revisions, schema_problem
from .domain import Filter, PaperRow
from .formats.display import display_text as display_text  # for cli.py, as library.py
from .library_folder import BACKUP_DIR, DB_NAME, index_record
from .location import ServerLocation, parse_location

T = TypeVar("T")


def list_json(location: Path | str, f: Filter) -> list[str] | None:
    """Every paper the filter lists as its `--json` text (terminal-safe), newest
    first; None when the full path must run instead (see the module's list)."""
    if f.query or f.trashed:
        return None
    return _read(location, lambda con: raw_listing.listing_json(con, f.status, f.tags))


def list_rows(location: Path | str, f: Filter) -> list[PaperRow] | None:
    """The rows the filter lists, newest first (Library.listing's); None: the full path."""
    if f.query or f.trashed:
        return None
    return _read(location, lambda con: raw_listing.listing_rows(con, f.status, f.tags))


def show_json(location: Path | str, ref: str) -> str | None:
    """The `--json` text (compact) of the paper whose id `ref` is; None when the full
    path must run: `ref` is not all digits (a citation key: Library.resolve_paper_ref
    decides), no paper has that id (the full path's words), or as for a listing."""
    text = ref.strip()
    if not text.isdigit():
        return None
    return _read(location, lambda con: raw_listing.paper_json(con, int(text)))


def _read(location: Path | str, read: Callable[[sqlite3.Connection], T | None]) -> T | None:
    where = parse_location(location)
    if isinstance(where, ServerLocation):
        return None
    con = quiet_open(where)
    if con is None:
        return None
    try:
        con.execute("BEGIN")  # one snapshot for every SELECT of the listing
        return read(con)
    except sqlite3.Error:
        return None
    finally:
        con.close()


def quiet_open(folder: Path) -> sqlite3.Connection | None:
    """A connection to the folder's database when a full open would change nothing
    and report nothing (and closing would not catch the index up); else None."""
    db_path = folder / DB_NAME
    if not db_path.is_file() or _dead_parts(folder) or is_read_only(db_path):
        return None
    config = load_config()
    thorough = db_path.stat().st_size <= config.check_every_open_mb * 1024 * 1024
    health = check_file(db_path, thorough=thorough)
    if health.problem is not None or schema_problem(db_path, health.revision) is not None:
        return None
    if health.revision != known_revisions()[-1] or health.library_id is None:
        return None
    if config.backups_kept > 0 and backup.daily_due(folder / BACKUP_DIR):
        return None
    meta = index_record(folder)
    if meta is None or meta.get("library_id") != health.library_id:
        return None
    if health.seq is None or meta.get("seq") != health.seq:
        return None
    try:
        con = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        mode = con.execute("PRAGMA journal_mode").fetchone()
    except sqlite3.Error:
        mode = None
    if mode is None or str(mode[0]).lower() != "wal":
        con.close()
        return None
    return con


def _dead_parts(folder: Path) -> bool:
    """Is there a file the open's backup.remove_dead_parts might remove?"""
    try:
        return any(backup.DEAD_PART_NAME.match(name) for name in os.listdir(folder))
    except OSError:
        return True
