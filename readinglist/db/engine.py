"""The SQLite engine: WAL, foreign keys, a busy timeout; opening a library's file safely.

`open_database` is the one way a library's file is opened: only a MISSING file
means a new library (built aside and renamed into place, so a crash never leaves
an empty file behind); an existing file is checked first (health.py) and an
empty, damaged or newer-schema file is an error that touches nothing. A file or
folder we cannot write is opened read-only: no upgrade, no backups, no writes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from ..domain import LibraryError
from . import backup
from .health import (
    BUSY_TIMEOUT_S,
    NOT_OURS,
    DatabaseDamaged,
    check_file,
    header_problem,
    is_read_only,
    known_revisions,
    needs_immutable,
    read_only_uri,
    schema_problem,
)

MIGRATIONS = Path(__file__).with_name("migrations")
WRITE_OPTION = "readinglist_write"
# A write's own wait for the lock, in seconds (the window's UI thread waits briefly:
# a note's autosave must not freeze it; its retry covers the failure).
BUSY_OPTION = "readinglist_busy_s"


def make_engine(db_path: Path, *, read_only: bool = False) -> Engine:
    if read_only:
        uri = read_only_uri(db_path, immutable=needs_immutable(db_path))
        engine = create_engine(
            f"sqlite:///{db_path}",
            creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False
            ),
        )
    else:
        engine = create_engine(
            f"sqlite:///{db_path}",
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself so `with s.begin()` is one real transaction.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not read_only:  # changing the journal mode is a write
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Reading the list at 100k papers: 218 -> 140 ms when pages come by mmap.
        cur.execute("PRAGMA mmap_size=268435456")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writes take the lock up front (IMMEDIATE) so two writers queue on the busy
        # timeout instead of failing with "database is locked" half-way through;
        # reads stay deferred so they never wait behind a writer (WAL).
        options = conn.get_execution_options()
        immediate = options.get(WRITE_OPTION, False)
        if immediate:
            # set on every write: pooled connections keep the last one's value
            busy_s = float(options.get(BUSY_OPTION, BUSY_TIMEOUT_S))
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_s * 1000)}")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine, busy_timeout_s: float | None = None) -> Engine:
    """The same engine, but its transactions take the write lock at BEGIN, waiting at
    most `busy_timeout_s` (default BUSY_TIMEOUT_S) for another process's write."""
    options: dict[str, object] = {WRITE_OPTION: True}
    if busy_timeout_s is not None:
        options[BUSY_OPTION] = busy_timeout_s
    return engine.execution_options(**options)


def current_revision(db_path: Path) -> str | None:
    """The Alembic revision stored in the file, without importing Alembic (fast path)."""
    try:
        con = sqlite3.connect(read_only_uri(db_path), uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise LibraryError(f"{db_path} cannot be opened ({exc})") from exc
    try:
        row = con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if row is None:
            return None
        ver = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(ver[0]) if ver else None
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"{db_path} is not a ReadingList library database ({exc})") from exc
    finally:
        con.close()


def head_revision() -> str:
    """The newest migration, read from the versions folder's naming scheme."""
    return known_revisions()[-1]


@dataclass(frozen=True)
class OpenedDatabase:
    engine: Engine
    read_only: bool
    created: bool
    daily_backup_due: bool = False  # left to the caller (`defer_daily`): see daily_backup


def open_database(
    db_path: Path,
    backups: Path,
    *,
    keep: int,
    check_every_open_mb: int = 16,
    defer_daily: bool = False,
) -> OpenedDatabase:
    """Check, create or upgrade the library's file; back it up when due.

    Every open reads the header and schema (~2 ms at 100k papers). SQLite's
    quick_check reads every page (10k papers, 23 MB: 36 ms cached, 0.74 s from
    disk; 100k, 231 MB: 0.26 s / 7.8 s), so it runs on every open only for files up
    to `check_every_open_mb`; bigger ones get it before a backup (at most daily,
    and before an upgrade: a backup of a damaged file must never push a good one
    out) and whenever SQLite reports damage at run time. `defer_daily` leaves the
    day's backup to the caller (`daily_backup_due`, then `daily_backup`).
    """
    backup.remove_dead_parts(db_path.parent)
    if not db_path.exists():
        if db_path.is_symlink():
            raise LibraryError(f"{db_path} is a link to a missing file")
        create_database(db_path)
        return OpenedDatabase(make_engine(db_path), read_only=False, created=True)
    if not db_path.is_file():
        raise LibraryError(f"{db_path} is not a regular file")
    read_only = is_read_only(db_path)
    thorough = db_path.stat().st_size <= check_every_open_mb * 1024 * 1024
    health = check_file(db_path, thorough=thorough)
    if health.problem == NOT_OURS:
        raise LibraryError(f"{db_path} is not a ReadingList library database ({NOT_OURS})")
    if health.problem is not None:
        raise damaged_error(db_path, health.problem)
    newer = schema_problem(db_path, health.revision)
    if newer is not None:
        raise newer
    head = head_revision()
    if read_only:
        if health.revision != head:
            raise LibraryError(
                f"{db_path} is read-only and needs an upgrade (schema {health.revision} -> "
                f"{head}); open it once where it is writable"
            )
        return OpenedDatabase(make_engine(db_path, read_only=True), read_only=True, created=False)
    upgrading = health.revision != head
    daily = not upgrading and keep > 0 and backup.daily_due(backups)
    if upgrading or (daily and not defer_daily):
        sound = health if thorough else check_file(db_path)
        if sound.problem is not None:
            raise damaged_error(db_path, sound.problem)
        backup.take_backup(
            db_path, backups, "upgrade" if upgrading else "daily", keep, revision=health.revision
        )
        daily = False
    engine = make_engine(db_path)
    if upgrading:
        _migrate(engine)
    return OpenedDatabase(engine, read_only=False, created=False, daily_backup_due=daily)


def daily_backup(db_path: Path, backups: Path, keep: int) -> Path | None:
    """The day's backup after a quick_check; None (and nothing written) if the file
    is damaged. For the window, which runs it off the UI thread (100k papers:
    0.26-7.8 s of checking, 2.5 s of copying)."""
    health = check_file(db_path)
    if health.problem is not None:
        return None
    return backup.take_backup(db_path, backups, "daily", keep, revision=health.revision)


def damaged_error(db_path: Path, reason: str) -> DatabaseDamaged:
    """The error for a damaged library, naming the newest sound backup to restore."""
    folder = db_path.parent
    found = backup.newest_good(folder / "backups")
    if found is not None:
        b, _ = found
        hint = f"restore a backup: readinglist --library {folder} restore {b.path}"
    else:
        hint = f"no sound backup in {folder / 'backups'}"
        if header_problem(db_path) == "it is empty: 0 bytes":
            hint += "; if this library never held papers, delete the file to start afresh"
    return DatabaseDamaged(db_path, reason, hint)


def create_database(db_path: Path) -> None:
    """A new library file at the newest schema, built aside and linked into place:
    never a half-made file under the library's name, never over another's."""
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.new")
    try:
        engine = make_engine(tmp)
        try:
            _migrate(engine)
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO meta (key, value) VALUES ('library_id', ?), ('seq', '0')",
                    (uuid.uuid4().hex,),
                )
        finally:
            engine.dispose()  # the last connection checkpoints and removes the -wal
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, db_path)
        except FileExistsError:  # another process made it first: theirs is the library
            pass
        except OSError:  # a file system without hard links
            if not db_path.exists():
                os.rename(tmp, db_path)
    finally:
        for extra in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}{extra}").unlink()


def _migrate(engine: Engine) -> None:
    with engine.connect() as conn:
        run_migrations(conn)
        conn.commit()


def run_migrations(conn: Connection) -> None:
    """Alembic's upgrade to the newest revision on `conn`, inside its transaction
    (the caller commits): the same migrations for SQLite and PostgreSQL."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
