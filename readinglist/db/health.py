"""Is a library database sound? Cheap checks on every open, SQLite's own on demand.

A damaged or emptied `library.sqlite` must be reported (and restored from a
backup), never mistaken for a new library: only a MISSING file means "new". The
checks here only ever read the file (SQLite URI `mode=ro`), so nothing is touched
on the error path.

Cost (benchmarks, see the report in docs/reliability.md): the header check reads
100 bytes; `PRAGMA quick_check` reads every page, so it runs when a backup is due
(at most daily: a backup of a damaged file would push a good one out), before a
restore, on `readinglist check`, and whenever SQLite reports damage at run time.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..domain import LibraryError

# Another process (the CLI beside the open app) may hold the write lock for a moment
# (here, not in engine.py: library_quick.py connects without SQLAlchemy).
BUSY_TIMEOUT_S = 10.0

SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS = Path(__file__).with_name("migrations")
# Words SQLite uses when a file is damaged rather than busy or unwritable.
NOT_OURS = "it holds no ReadingList tables"
DAMAGE_WORDS = ("malformed", "not a database", "corrupt", "disk i/o error")


class DatabaseDamaged(LibraryError):
    """The file exists but is empty, truncated or damaged: restore a backup."""

    def __init__(self, db_path: Path, reason: str, hint: str) -> None:
        self.db_path = db_path
        self.reason = reason
        super().__init__(f"{db_path} is damaged ({reason}); {hint}")


class NewerSchema(LibraryError):
    """The file was written by a newer ReadingList: never touch it."""


@dataclass(frozen=True)
class FileHealth:
    """What a check found: `problem` is None when the file is sound."""

    problem: str | None
    revision: str | None = None
    papers: int | None = None
    seq: int | None = None
    library_id: str | None = None


def known_revisions() -> list[str]:
    """The migrations this version has, oldest first (from the versions folder)."""
    names = sorted(p.stem for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    return [n.split("_", 1)[0] for n in names]


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """A SQLite URI that can never write (nor create) the file."""
    extra = "&immutable=1" if immutable else ""
    return f"file:{quote(str(path.absolute()))}?mode=ro{extra}"


def header_problem(db_path: Path) -> str | None:
    """Damage visible without SQLite: empty, not SQLite, shorter than it says."""
    try:
        size = db_path.stat().st_size
        with db_path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if size == 0:
        return "it is empty: 0 bytes"
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return "it is not an SQLite database"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is damaged"
    change_counter, pages = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    # the page count in the header is reliable when written by the same change
    if size % page_size or (valid_for == change_counter and size < pages * page_size):
        return f"it is truncated: {size:,} bytes"
    return None


def check_file(db_path: Path, *, full: bool = False, thorough: bool = True) -> FileHealth:
    """Check a database file (a library or a backup) without writing anything.

    `thorough` runs `PRAGMA quick_check` (every page; `full`: integrity_check, which
    also compares every index with its table); without it only the header, the
    schema and the ReadingList tables are read.
    """
    problem = header_problem(db_path)
    if problem is not None:
        return FileHealth(problem)
    try:
        con = connect_ro(db_path)
    except sqlite3.Error as exc:
        return FileHealth(f"cannot be opened: {exc}")
    try:
        if thorough:
            pragma = "integrity_check" if full else "quick_check"
            rows = con.execute(f"PRAGMA {pragma}(5)").fetchall()
            found = [_one_line(str(r[0])) for r in rows if str(r[0]) != "ok"]
            if found:
                return FileHealth("; ".join(found)[:300])
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "meta" not in tables:
            return FileHealth(NOT_OURS)
        ver = con.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = str(ver[0]) if ver else None
        papers = None
        if "papers" in tables:
            papers = int(con.execute("SELECT count(*) FROM papers").fetchone()[0])
        meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('seq', 'library_id')"))
        seq = int(meta["seq"]) if str(meta.get("seq", "")).isdigit() else None
        return FileHealth(None, revision, papers, seq, meta.get("library_id"))
    except sqlite3.Error as exc:
        return FileHealth(_one_line(str(exc)))
    finally:
        con.close()


def _one_line(text: str) -> str:
    """SQLite's check reports span lines and name the schema ("*** in database
    main ***"): one line for a one-line message."""
    return " ".join(text.replace("*** in database main ***", "").split())


def is_read_only(db_path: Path) -> bool:
    """An existing library we may not write (the file, or the folder its -wal needs)."""
    if not db_path.exists():
        return False
    return not (os.access(db_path, os.W_OK) and os.access(db_path.parent, os.W_OK))


def needs_immutable(db_path: Path) -> bool:
    """A WAL database read with `mode=ro` needs its -shm file, or a folder to make it
    in; without either it can only be read as `immutable` (nobody is writing it:
    every writer keeps a -shm file). Changes still in the -wal would then be
    invisible, so that case is an error rather than a silently older library."""
    folder = db_path.parent
    if os.access(folder, os.W_OK) or Path(f"{db_path}-shm").exists():
        return False
    wal = Path(f"{db_path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise LibraryError(
            f"{wal} holds changes not yet in {db_path.name}, and they cannot be read while "
            f"{folder} is read-only; open the library once where it is writable"
        )
    return True


def connect_ro(db_path: Path) -> sqlite3.Connection:
    """Read-only; a WAL file whose folder we cannot write is read as `immutable`."""
    immutable = needs_immutable(db_path)
    con = sqlite3.connect(read_only_uri(db_path, immutable=immutable), uri=True, timeout=10.0)
    con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fail here on garbage
    return con


def schema_problem(db_path: Path, revision: str | None) -> NewerSchema | None:
    """A revision this version does not know: from a newer ReadingList (or not ours)."""
    known = known_revisions()
    if revision is None or revision in known:
        return None
    return NewerSchema(
        f"{db_path} was made by a newer ReadingList (schema {revision}, this version "
        f"knows up to {known[-1]}); update ReadingList to open it"
    )


def is_damage(exc: BaseException) -> bool:
    """Is this SQLite error the file's fault (damage), not a lock or permission?"""
    orig = getattr(exc, "orig", exc)
    if not isinstance(orig, sqlite3.DatabaseError):
        return False
    text = str(orig).lower()
    return any(w in text for w in DAMAGE_WORDS)


@dataclass(frozen=True)
class LibraryCheck:
    """`readinglist check`: the database, its schema, the index, the backups."""

    db_path: Path
    health: FileHealth
    newer: str | None
    read_only: bool
    index: str
    backups: int
    newest_good: Path | None

    @property
    def ok(self) -> bool:
        return self.health.problem is None and self.newer is None

    def lines(self) -> list[str]:
        h = self.health
        out = [f"database: {self.db_path}" + (" (read-only)" if self.read_only else "")]
        if h.problem is not None:
            out.append(f"  DAMAGED: {h.problem}")
        else:
            out.append(f"  sound; {h.papers or 0} papers; change number {h.seq}")
            out.append(f"  schema {h.revision} (this version knows up to {known_revisions()[-1]})")
        if self.newer is not None:
            out.append(f"  {self.newer}")
        out.append(f"index: {self.index}")
        good = f"; newest sound: {self.newest_good}" if self.newest_good else "; none sound"
        out.append(f"backups: {self.backups}" + (good if self.backups else ""))
        return out
