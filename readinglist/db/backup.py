"""Backups of library.sqlite, made with SQLite's online backup API.

They live in `<library>/backups` as `library-<schema>-<UTC time>-<why>.sqlite`
(why: daily, upgrade, import, manual, before-restore; `damaged` for a raw copy of a
damaged file kept before a restore replaced it). Only files with these names are
ever listed or deleted: whatever else the folder holds is the user's. A backup is
written to a hidden `.<name>.<pid>.part` file in the same folder, synced, then
renamed, so a crash leaves no half backup under a backup's name; a part file whose
process is gone is removed at the next backup.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..domain import LibraryError
from ..files import process_alive
from .health import FileHealth, check_file, connect_ro, read_only_uri, schema_problem

BACKUP_NAME = re.compile(
    r"^library-(?P<rev>[0-9A-Za-z]+)-(?P<stamp>\d{8}T\d{12}Z|\d{8}T\d{6}Z)"
    r"(?:-(?P<why>[a-z-]+))?\.sqlite$"
)
PART_NAME = re.compile(r"^\.library-.+\.sqlite\.(?P<pid>\d+)\.part$")
DAILY = timedelta(hours=24)
DAMAGED = "damaged"
# Pages copied per step: between steps other connections may write (and a
# progress callback sees how far the copy got).
STEP_PAGES = 4096

RESTORE_STEP_PAGES = 256
ProgressCallback = Callable[[int, int, int], object]


@dataclass(frozen=True)
class BackupFile:
    path: Path
    revision: str
    made: datetime
    why: str


def list_backups(folder: Path) -> list[BackupFile]:
    """Our backups in `folder`, newest first (a missing folder has none)."""
    found: list[BackupFile] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = BACKUP_NAME.match(entry.name)
        if m is None or not entry.is_file(follow_symlinks=False):
            continue
        stamp = m["stamp"]
        fmt = "%Y%m%dT%H%M%S%fZ" if len(stamp) > 16 else "%Y%m%dT%H%M%SZ"
        made = datetime.strptime(stamp, fmt).replace(tzinfo=UTC)
        found.append(BackupFile(Path(entry.path), m["rev"], made, m["why"] or "upgrade"))
    found.sort(key=lambda b: b.made, reverse=True)
    return found


def backup_name(revision: str | None, why: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"library-{revision or 'unknown'}-{stamp}-{why}.sqlite"


def copy_database(source: Path, target: Path, *, progress: ProgressCallback | None = None) -> None:
    """A consistent copy of `source` (WAL included) at `target`, or nothing there.

    Written beside the target and renamed into place, so `target` is either its
    old self or the whole copy. The copy is a plain (rollback-journal) database:
    one file, readable without its -wal/-shm companions.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    if not BACKUP_NAME.match(target.name):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.readinglist-part")
    try:
        src = connect_ro(source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst, pages=STEP_PAGES, progress=progress)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def take_backup(
    db_path: Path,
    folder: Path,
    why: str,
    keep: int | None,
    *,
    revision: str | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    """Back `db_path` up into `folder`; then keep only the newest `keep` (None: all)."""
    if revision is None:
        revision = check_file(db_path, thorough=False).revision
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup_name(revision, why)
    copy_database(db_path, target, progress=progress)
    if keep is not None:
        prune(folder, keep)
    return target


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete our backups beyond the newest `keep` (at least one stays), and part
    files left by backups that were killed. Damaged copies are never pruned."""
    removed: list[Path] = []
    backups = [b for b in list_backups(folder) if b.why != DAMAGED]
    for old in backups[max(keep, 1) :]:
        with contextlib.suppress(OSError):
            old.path.unlink()
            removed.append(old.path)
    return removed + _remove_dead(folder, PART_NAME)


def _remove_dead(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Remove the files in `folder` whose name matches `pattern` and whose maker (the
    pid in the name) is no longer running; the ones removed."""
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = pattern.match(entry.name)
            if (
                m is not None
                and entry.is_file(follow_symlinks=False)
                and not process_alive(int(m["pid"]))
            ):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


# What a killed restore (a copy on its way in) or library creation leaves in the
# library's folder, named with the pid of the process that was making it.
DEAD_PART_NAME = re.compile(
    r"^\.library\.sqlite\.(?P<pid>\d+)\.(?:readinglist-part|new(?:-wal|-shm|-journal)?)$"
)


def remove_dead_parts(folder: Path) -> None:
    """Remove the temporary files killed restores and creations left in `folder`."""
    _remove_dead(folder, DEAD_PART_NAME)


def daily_due(folder: Path, now: datetime | None = None) -> bool:
    """No backup was made in the last day (a clock set back counts as none)."""
    now = now or datetime.now(UTC)
    if any(timedelta(0) <= now - b.made < DAILY for b in list_backups(folder) if b.why != DAMAGED):
        return False
    # another process (the window's backup thread) is making it right now
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = PART_NAME.match(entry.name)
            daily = m is not None and entry.name.endswith(f"-daily.sqlite.{m['pid']}.part")
            if m is not None and daily and process_alive(int(m["pid"])):
                return False
    return True


def newest_good(folder: Path) -> tuple[BackupFile, FileHealth] | None:
    """The newest backup that passes SQLite's quick check and whose schema we know."""
    for b in list_backups(folder):
        if b.why == DAMAGED:
            continue
        health = check_file(b.path)
        if health.problem is None and schema_problem(b.path, health.revision) is None:
            return b, health
    return None


def restore(
    db_path: Path,
    backup: Path,
    folder: Path,
    keep: int,
    *,
    progress: ProgressCallback | None = None,
) -> Path | None:
    """Put `backup` in place of `db_path`; returns where the current state was saved.

    The backup is checked first (integrity_check) and nothing changes when it is
    not sound. A sound current database is backed up ("before-restore") and then
    overwritten through the online backup API, so other processes that have it
    open see the restored state; a damaged or empty one is copied aside as it is
    ("damaged", with its -wal) and replaced by a checked copy.
    """
    backup = Path(backup)
    if not backup.is_file():
        raise LibraryError(f"{backup}: no such file")
    if db_path.exists() and os.path.samefile(backup, db_path):
        raise LibraryError(f"{backup} is the library itself")
    health = check_file(backup, full=True)
    if health.problem is not None:
        raise LibraryError(f"{backup} is not a sound ReadingList backup ({health.problem})")
    newer = schema_problem(backup, health.revision)
    if newer is not None:
        raise newer
    folder.mkdir(parents=True, exist_ok=True)
    saved: Path | None = None
    current_sound = False
    if db_path.exists():
        current = check_file(db_path)
        current_sound = current.problem is None
        if current_sound:
            saved = take_backup(db_path, folder, "before-restore", None, revision=current.revision)
        else:
            saved = _save_damaged(db_path, folder)
    if current_sound:
        _restore_live(backup, db_path, progress)
    else:
        tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.readinglist-part")
        copy_database(backup, tmp)
        # the old file's WAL would be replayed onto the restored one: it was saved above
        for extra in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{db_path}{extra}").unlink()
        os.replace(tmp, db_path)
        _fsync_dir(db_path.parent)
    prune(folder, keep)
    return saved


def _restore_live(backup: Path, db_path: Path, progress: ProgressCallback | None) -> None:
    """Copy pages into the open library: one write transaction on it, committed
    after the last page, so a crash half-way leaves the library as it was."""
    src = sqlite3.connect(read_only_uri(backup), uri=True, timeout=10.0)
    try:
        dst = sqlite3.connect(db_path, timeout=10.0)
        try:
            src.backup(dst, pages=RESTORE_STEP_PAGES, progress=progress)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()


def _save_damaged(db_path: Path, folder: Path) -> Path:
    """A byte-for-byte copy of a damaged library (and its WAL) for later rescue."""
    target = folder / backup_name(None, DAMAGED)
    for suffix in ("", "-wal"):
        src = Path(f"{db_path}{suffix}")
        if not src.exists():
            continue
        dst = Path(f"{target}{suffix}")
        tmp = dst.with_name(f".{dst.name}.{os.getpid()}.readinglist-part")
        try:
            shutil.copyfile(src, tmp)
            _fsync(tmp)
            os.replace(tmp, dst)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
    _fsync_dir(folder)
    return target


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
