"""A second process that builds one Whoosh segment of a big batch: the second core.

Whoosh indexes in pure Python, one core per process. `SearchIndex.apply` sends half
of a big batch (SPLIT_MIN documents or more) to this partner, indexes the other half
in its own writer meanwhile, then commits one table of contents naming both
segments. The partner is this module (`python -m readinglist.search.partner`, or the
frozen app with PARTNER_FLAG), never a fork: the process asking may hold Qt or a
database connection.

Protocol, pickles over the pipes: the parent writes `(folder, [fields, ...])` jobs
(`fields`: the keyword arguments of `add_document`, schema.fields_for); the partner
answers each with `("segment", segment, peak_rss_kb)` (Whoosh segments are
picklable: the table of contents stores them pickled) or `("error", text)` and
exits. EOF on its input ends it.

What keeps the index's promises:
- the partner never locks, commits or deletes: the parent holds the folder's lock
  for the whole write, makes every deletion in its own writer, and names the
  partner's segment in its commit; an uncommitted segment's files are removed by
  the parent's commit (Whoosh's clean_files) or the next open's tidy;
- a partner that fails, hangs past its deadline or dies is killed and its half is
  indexed by the parent (`Partner.build` answers None);
- a partner whose parent died stops at its next check of `os.getppid()`.

Not Whoosh's MpWriter (whoosh.multiproc): it forks through multiprocessing, hands
documents over through pickled temp files per 100 documents, and builds its
sub-segments with Whoosh's default pool and codec rather than ours.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# A batch of at least this many documents is split between two processes (see
# docs/speed.md, "Session 8": below it the pickling and the second segment cost
# more than the core saves).
SPLIT_MIN = 1000
# READINGLIST_INDEX_PROCS=1 builds every segment in the writing process (benchmarks'
# one-process column; a machine where a second process is unwelcome).
PROCS_ENV = "READINGLIST_INDEX_PROCS"
# Test hook: the partner SIGKILLs itself after indexing this many documents.
DIE_AFTER_ENV = "READINGLIST_PARTNER_DIE_AFTER"
# The frozen app's command-line flag that makes it this partner.
PARTNER_FLAG = "--index-partner"
# How long the parent waits for a segment: generous (a loaded machine is slow), so
# only a hung partner reaches it.
DEADLINE_S = 60.0
DEADLINE_PER_DOC_S = 0.05
# The partner looks for its parent every this many documents.
PARENT_CHECK_DOCS = 100


def wanted() -> bool:
    """Whether big batches go to a partner process here."""
    procs = os.environ.get(PROCS_ENV, "").strip()
    if procs:
        return procs != "1"
    return (os.cpu_count() or 1) >= 2


def command() -> list[str]:
    if getattr(sys, "frozen", False):  # the PyInstaller bundle: its executable is the app
        return [sys.executable, PARTNER_FLAG]
    return [sys.executable, "-m", "readinglist.search.partner"]


class Partner:
    """The parent's side: one partner process, started on first use and kept until
    `stop()` (the index keeps it across the batches of one catch-up)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._sender: threading.Thread | None = None
        self._send_failed = False
        self._docs = 0
        self.peak_rss_kb = 0  # the largest a partner grew to (benchmarks print it)

    def start(self, folder: Path, docs: Sequence[dict[str, object]]) -> bool:
        """Send a job; False when no partner could take it (index it yourself)."""
        if self._proc is None or self._proc.poll() is not None:
            self.stop()
            try:
                self._proc = subprocess.Popen(
                    command(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            except OSError as exc:
                log.warning("cannot start the indexing partner (%s): indexing in one process", exc)
                self._proc = None
                return False
        proc = self._proc
        self._docs = len(docs)
        self._send_failed = False
        job = pickle.dumps((str(folder), list(docs)), pickle.HIGHEST_PROTOCOL)

        def send() -> None:  # in a thread: the partner reads it while we index
            try:
                assert proc.stdin is not None
                proc.stdin.write(job)
                proc.stdin.flush()
            except (OSError, ValueError):
                self._send_failed = True

        self._sender = threading.Thread(target=send, name="index-partner-send", daemon=True)
        self._sender.start()
        return True

    def finish(self) -> Any:
        """The segment the partner built for the last job, or None (it failed, died or
        hung: then it is stopped, and its half is the caller's to index)."""
        proc = self._proc
        if proc is None:
            return None
        deadline = time.monotonic() + DEADLINE_S + DEADLINE_PER_DOC_S * self._docs
        try:
            if self._sender is not None:
                self._sender.join(max(0.0, deadline - time.monotonic()))
            if self._send_failed:
                raise OSError("the job could not be sent")
            answer = _read_answer(proc, deadline)
        except (OSError, EOFError, pickle.UnpicklingError, TimeoutError) as exc:
            self._give_up(f"the indexing partner failed ({exc})")
            return None
        if not (isinstance(answer, tuple) and answer and answer[0] == "segment"):
            self._give_up(f"the indexing partner failed: {answer!r}")
            return None
        _, segment, rss = answer
        self.peak_rss_kb = max(self.peak_rss_kb, int(rss))
        return segment

    def _give_up(self, why: str) -> None:
        err = b""
        proc = self._proc
        self.stop(kill=True)
        if proc is not None and proc.stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                err = proc.stderr.read()
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
        log.warning("%s%s; indexing its half in this process", why, f": {tail[0]}" if tail else "")

    def stop(self, *, kill: bool = False) -> None:
        """End the partner (closing its input ends it; `kill`: at once) and wait for
        it, so no file of it is written after this returns."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError, ValueError):
            if kill:
                proc.kill()
            assert proc.stdin is not None
            proc.stdin.close()
        try:
            proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if self._sender is not None:
            self._sender.join(1.0)
            self._sender = None
        for pipe in (proc.stdout, proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                if pipe is not None:
                    pipe.close()


def _read_answer(proc: subprocess.Popen[bytes], deadline: float) -> Any:
    """One pickled answer from the partner's stdout, waiting at most until `deadline`."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer in time")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise EOFError(f"it exited ({proc.wait()})")
        chunks.append(chunk)
        data = b"".join(chunks)
        try:
            return pickle.loads(data)
        except (EOFError, pickle.UnpicklingError):
            if len(data) > (64 << 20):
                raise
            continue  # not all of it yet (a segment pickles to ~1 kB: rarely)


# -- the partner's side ----------------------------------------------------------


def build_segment(
    ix: Any,
    docs: Sequence[dict[str, object]],
    *,
    hooks: bool = False,
    run_postings: int | None = None,
) -> Any:
    """Write a segment of `docs` into the index `ix` (same schema, codec, pool and
    length tables as the parent's writer), committing nothing; returns it. Also the
    parent's fallback when its partner failed. `hooks`: in the partner process (stop
    when the parent died; the test hook). `run_postings`: see pool.prepare."""
    from . import pool, whoosh_private

    die_after = int(os.environ.get(DIE_AFTER_ENV, "0") or 0) if hooks else 0
    parent = os.getppid()
    writer = whoosh_private.unlocked_writer(ix, pool.writer_codec())
    pool.prepare(writer, run_postings)
    add = writer.add_document
    for n, fields in enumerate(docs, 1):
        add(**fields)
        if hooks and n % PARENT_CHECK_DOCS == 0 and os.getppid() != parent:
            os._exit(3)  # the parent died: nobody will name this segment
        if n == die_after:
            os.kill(os.getpid(), signal.SIGKILL)
    return whoosh_private.finish_unlocked(writer)


def _open(folder: Path) -> Any:
    from whoosh import index

    from .folder import INDEX_NAME
    from .schema import make_schema

    return index.open_dir(str(folder), indexname=INDEX_NAME, schema=make_schema())


def peak_rss_kb() -> int:
    """This process image's peak resident memory (VmHWM: ru_maxrss survives exec)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def serve() -> int:
    """The partner's loop: a job in, a segment out, until EOF."""
    import gc

    from . import pool

    src, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not corrupt the answers
    while True:
        try:
            folder, docs = pickle.load(src)
        except EOFError:
            return 0
        try:
            # one sort: no window shares this process (see pool.ONE_RUN)
            segment = build_segment(
                _open(Path(folder)), docs, hooks=True, run_postings=pool.ONE_RUN
            )
        except Exception as exc:
            with contextlib.suppress(OSError):
                pickle.dump(("error", f"{type(exc).__name__}: {exc}"), out)
                out.flush()
            return 1
        del docs
        gc.collect()  # Whoosh's writers sit in reference cycles (see indexer.py)
        try:
            pickle.dump(("segment", segment, peak_rss_kb()), out, pickle.HIGHEST_PROTOCOL)
            out.flush()
        except OSError:  # the parent is gone
            return 1


if __name__ == "__main__":
    sys.exit(serve())
