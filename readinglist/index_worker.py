"""Big catch-ups of the search index run in a child process.

Whoosh indexes in pure Python. On a thread beside the window it holds the GIL most
of the time, and every call Qt makes into Python (each `data()` while painting the
list) first waits for the indexer to let go of it: after a 100k import the window
stalled 250-650 ms at a time while the index caught up (minutes). A child process
has its own interpreter, so the window never waits for it. Small catch-ups (a note,
a status) stay on the thread: starting a child costs ~0.5 s.

The child is this program again (`--catch-up-index`, also from the frozen bundle),
opening the same library (a server's URL goes through the environment, never the
command line, where any user's `ps` would show its password). Its side is
app.catch_up_child, kept out of the core so this module never imports the library
back; it reports `progress DONE TOTAL` lines on stdout.
Whoosh commits are atomic and the index records how far it got after each one, so
stopping the child at any moment loses nothing: the next catch-up goes on from there.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from .domain import CancelFn, Cancelled, LibraryError, ProgressFn
from .location import CACHE_ENV, ServerLocation
from .paths import LIBRARY_ENV

log = logging.getLogger(__name__)

FLAG = "--catch-up-index"
# Set in the child's environment: its follower indexes in bigger batches and merges
# segments after the catch-up (indexer.IndexFollower).
CHILD_ENV = "READINGLIST_INDEX_CHILD"
# Behind by at least this many papers: index in a child process.
CHILD_MIN_PAPERS = 2000


class ChildFailed(LibraryError):
    """The child process could not index (the caller indexes on its own thread)."""


def child_command(location: Path | ServerLocation) -> list[str]:
    """The child's command line; a server library is named by its environment
    (`child_env`) instead."""
    where = [] if isinstance(location, ServerLocation) else ["--library", str(location)]
    if getattr(sys, "frozen", False):  # the PyInstaller bundle: its executable is the app
        return [sys.executable, *where, FLAG]
    return [sys.executable, "-m", "readinglist", *where, FLAG]


def child_env(location: Path | ServerLocation, cache_dir: Path | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", CHILD_ENV: "1"}
    if isinstance(location, ServerLocation):
        env[LIBRARY_ENV] = location.url  # the child's default library: this one
        if cache_dir is not None:
            env[CACHE_ENV] = str(cache_dir)
    return env


class ChildCatchUp:
    """Runs catch-ups of one library (folder or server) in child processes, one at a
    time; a server library's index goes to `cache_dir` (location.py) if given."""

    def __init__(self, location: Path | ServerLocation, cache_dir: Path | None = None) -> None:
        self._location = location
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._stopped = False

    def run(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> int:
        """Catch the index up in a child; the number of papers it indexed.

        Raises Cancelled when `cancel()` turned true (checked at each progress line)
        or `stop()` was called, ChildFailed when the child could not do it.
        """
        with self._lock:
            if self._stopped:
                raise Cancelled
            try:
                self._proc = subprocess.Popen(
                    child_command(self._location),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=child_env(self._location, self._cache_dir),
                    # no console window flashing up from the Windows GUI app
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            except OSError as exc:
                raise ChildFailed(f"cannot start the indexing process: {exc}") from exc
            proc = self._proc
        done = 0
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                words = line.split()
                if len(words) == 3 and words[0] == "progress":
                    done, total = int(words[1]), int(words[2])
                    if progress is not None:
                        progress(done, total)
                if cancel is not None and cancel():
                    proc.terminate()
                    break
            _, err = proc.communicate()
        finally:
            with self._lock:
                self._proc = None
        if (cancel is not None and cancel()) or self._stopped:
            raise Cancelled
        if proc.returncode != 0:
            tail = " ".join(err.strip().splitlines()[-1:]) if err else ""
            raise ChildFailed(f"the indexing process failed ({proc.returncode}): {tail}")
        return done

    def stop(self) -> None:
        """End a running child now (the window is closing); later runs are refused."""
        with self._lock:
            self._stopped = True
            if self._proc is not None:
                self._proc.terminate()
