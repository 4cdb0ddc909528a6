"""The index folder: whose it is, what may be deleted in it, and who may write it.

Nothing lost (ARCHITECTURE rule 9): the index lives in a folder of the library,
and a user may already have a folder of that name. So:

- Ownership: our folder holds MARKER (the library id and a sentence saying what
  the folder is). A missing or empty folder is created and marked; an unmarked
  folder that holds only files with our engines' names (an index from before the
  marker, or one whose marker was lost in a crash) is marked; any other non-empty
  folder is refused (NotOurFolder) and left exactly as it is.
- Wiping removes only files whose names Whoosh, SQLite or we write (OUR_NAMES),
  never anything else, and never the folder itself.
- Writing: one process at a time holds LOCK_FILE (fcntl.flock) for every write
  (apply, reset, rebuild, leftover cleanup). Whoosh's own lock covers a commit but
  not a wipe, and two processes catching up from the same `seq` would otherwise
  both write it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from readinglist.domain import LibraryError

# Whoosh's name for our index (its files: MAIN_*, _MAIN_*.toc; OUR_NAMES spells it)
INDEX_NAME = "MAIN"
MARKER = "readinglist-index.id"
LOCK_FILE = "readinglist-index.lock"
# Every name a ReadingList index folder may hold: ours, Whoosh's (index name MAIN:
# tables of contents and their temp files, segment files, its lock, its temp
# storage folder) and SQLite's (the FTS5 engine of earlier versions: ours to remove).
OUR_NAMES = re.compile(
    r"""^(?:
        readinglist-index\.(?:id|lock|json)
      | readinglist-index\.(?:id|json)\.[0-9.]+\.tmp
      | _MAIN_[0-9]+\.toc(?:\.[0-9.]+)?
      | MAIN_[0-9a-z]+\.[A-Za-z0-9_.]+
      | MAIN_WRITELOCK
      | MAIN\.tmp
      | fts5\.sqlite(?:-wal|-shm|-journal)?
    )$""",
    re.VERBOSE,
)
# Left behind only by a write that failed or was killed: removed on the next open.
LEFTOVER_NAMES = re.compile(
    r"^(?:readinglist-index\.(?:id|json)\.[0-9.]+\.tmp|_MAIN_[0-9]+\.toc\.[0-9.]+|MAIN\.tmp)$"
)


class IndexLocked(LibraryError):
    """Another process kept the index's write lock for longer than the timeout."""


class NotOurFolder(LibraryError):
    """The index folder holds files ReadingList did not write: refused, untouched."""


class IndexUnwritable(LibraryError):
    """The index folder cannot be written (read-only, full disk): nothing was changed."""


def unwritable(folder: Path, exc: BaseException) -> IndexUnwritable:
    """One clear line for an OS error while writing the index."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return IndexUnwritable(f"cannot write the search index in {folder}: {reason}")


def is_write_error(exc: BaseException) -> bool:
    """OS errors that mean the folder cannot take our writes (not a bug of ours)."""
    return isinstance(exc, OSError) and exc.errno in (
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EFBIG,
        errno.EIO,
    )


def _is_ours(name: str) -> bool:
    return OUR_NAMES.match(name) is not None


def claim(folder: Path, library_id: str) -> None:
    """Make `folder` our index folder, or raise NotOurFolder without touching it."""
    if folder.exists() and not folder.is_dir():
        raise NotOurFolder(
            f"{folder} is not ReadingList's search index (it is a file, not a folder); "
            "move it away and run ReadingList again"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / MARKER).is_file():
            return
        names = [p.name for p in folder.iterdir()]
    except OSError as exc:
        raise unwritable(folder, exc) from exc
    foreign = sorted(n for n in names if not _is_ours(n))
    if foreign:
        example = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
        raise NotOurFolder(
            f"{folder} is not ReadingList's search index (it holds {example}); "
            "move it away (or empty it) and run ReadingList again"
        )
    mark(folder, library_id)


def mark(folder: Path, library_id: str) -> None:
    text = json.dumps(
        {
            "library_id": library_id,
            "what": "ReadingList's search index, rebuilt from library.sqlite when missing",
        }
    )
    tmp = folder / f"{MARKER}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, folder / MARKER)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise unwritable(folder, exc) from exc


def wipe(folder: Path) -> None:
    """Remove the index files we know by name; the marker, lock and others stay."""
    for path in folder.iterdir():
        if path.name in (MARKER, LOCK_FILE) or not _is_ours(path.name):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)  # Whoosh's temp storage: only Whoosh writes in it
        else:
            path.unlink(missing_ok=True)


def remove_leftovers(folder: Path) -> None:
    """Temp files of writes that failed or were killed (call with the lock held)."""
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if LEFTOVER_NAMES.match(path.name):
                with contextlib.suppress(OSError):
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path)
                    else:
                        path.unlink()


def probe_writable(folder: Path) -> None:
    """Raise IndexUnwritable unless a file can be created in `folder` (before a wipe:
    a read-only folder must fail before anything is removed)."""
    tmp = folder / f"{MARKER}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        tmp.write_bytes(b"probe")
        tmp.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise unwritable(folder, exc) from exc


class FolderLock:
    """The cross-process write lock of one index folder; re-entrant in its holder
    thread, exclusive across threads and processes."""

    POLL_S = 0.05

    def __init__(self, folder: Path) -> None:
        self._path = folder / LOCK_FILE
        self._threads = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @contextlib.contextmanager
    def hold(self, timeout: float) -> Iterator[None]:
        """Hold the lock; IndexLocked after `timeout` s, IndexUnwritable when the
        lock file cannot be made (a read-only folder: no write could succeed)."""
        if not self.acquire(timeout):
            raise IndexLocked("the search index is busy in another ReadingList process; try again")
        try:
            yield
        finally:
            self.release()

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=max(timeout, 0.0)):
            return False
        try:
            if self._depth == 0:
                fd = self._open()
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            os.close(fd)
                            self._threads.release()
                            return False
                        time.sleep(self.POLL_S)
                self._fd = fd
            self._depth += 1
            return True
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None
        self._threads.release()

    def _open(self) -> int:
        try:
            return os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise unwritable(self._path.parent, exc) from exc
