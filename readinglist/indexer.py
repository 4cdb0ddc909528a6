"""Makes the search index follow the database (ARCHITECTURE rule 1).

The database is the truth: every write stamps the papers it touched with a change
number. The follower reads everything stamped after the index's own number, feeds it
to the index in batches and records how far it got, so a crash, a write from another
process or a deleted index all end the same way: the index catches up.

Each in-process catch-up holds the index folder's cross-process lock from reading
the index's `seq` to recording the last batch (SearchContract.exclusive), so two
processes never feed the same range, and a `reindex` elsewhere never interleaves
with it. A child catch-up takes that lock in the child: the parent holds it only
for what it indexes itself.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select, tuple_
from sqlalchemy.orm import Session

from .db.convert import authors_from_json
from .db.models import Paper, Tombstone
from .db.search_sql import index_rows
from .db.store import current_seq, tags_by_paper
from .domain import CancelFn, Cancelled, LibraryError, ProgressFn
from .formats.display import search_text
from .index_worker import CHILD_ENV, CHILD_MIN_PAPERS, ChildCatchUp, ChildFailed
from .markdown_text import note_text

if TYPE_CHECKING:
    from .search.contract import SearchContract
    from .search.document import IndexDoc

log = logging.getLogger(__name__)

BATCH = 2000
# The catch-up child and the CLI commit bigger batches: no window shares their
# interpreter, and a commit is a segment (two, when the index's partner process
# builds half: search/partner.py), so 100k papers leave 20 batches instead of 50
# (each batch of 5,000 peaks at ~230 MB in one process; split between two processes,
# each builds half). A CLI `import` of 10k BibTeX records, one process -> two:
# 8.15 -> 6.33 s wall (benchmarks/import_bench.py --procs 1,2, load 1.5).
CHILD_BATCH = 5000
# After a catch-up the child merges segments in steps of at most this many documents
# (~1 ms each): the index folder's lock is held for one step at a time, changes made
# meanwhile are indexed between steps (and found by the search of not-yet-indexed
# papers during one), and a writer in another process makes the child stop merging.
# So at most max(merging.TARGET_SEGMENTS, papers / MERGE_STEP_DOCS) segments remain:
# 100k papers, 20 segments -> 10 (benchmarks/upkeep_bench.py: 90 s of merging, query
# p95 102 -> 88 ms, median unchanged; child peak 569 MB while merging).
MERGE_STEP_DOCS = 10_000
# Closing waits this long for another process's catch-up or rebuild, then leaves
# the index to it (or to the next search, which catches up before it looks).
CLOSE_WAIT_S = 5.0

# A progress reporter for catch-ups no caller watches (the CLI's stderr line):
# (what, done, total), `what` being "rebuilding" (from nothing) or "updating".
Reporter = Callable[[str, int, int], None]


class IndexFollower:
    """`index` may be given open, or as a function that opens it on first use: opening
    a 100k-paper Whoosh index (and importing Whoosh) costs ~0.3 s the window need
    not spend before it shows the list."""

    def __init__(
        self,
        engine: Engine,
        index: SearchContract | Callable[[], SearchContract],
        child: ChildCatchUp | None = None,
        *,
        in_child: bool | None = None,
        window: bool = True,
    ) -> None:
        """With `child`, catch-ups of CHILD_MIN_PAPERS or more run in a child process
        (see index_worker.py); the rest, and anything the child could not do, here.
        `in_child` (by default: whether this process is that child): index in
        CHILD_BATCH batches and merge segments after a catch-up (`merge_segments`).
        `window=False` (a CLI command): no window shares this process, so batches of
        CHILD_BATCH too."""
        self._engine = engine
        if in_child is None:
            in_child = os.environ.get(CHILD_ENV) == "1"
        self._in_child_process = in_child
        self._batch = CHILD_BATCH if in_child or not window else BATCH
        self._child = child
        self._index: SearchContract | None = None
        self._open_index: Callable[[], SearchContract] | None = None
        if callable(index):
            self._open_index = index
        else:
            self._index = index
        self._open_lock = threading.Lock()
        self._lock = threading.Lock()  # one catch-up at a time in this process
        self.reporter: Reporter | None = None
        self._warned: set[str] = set()  # problems said once per process

    @property
    def index(self) -> SearchContract:
        if self._index is None:
            with self._open_lock:
                if self._index is None:
                    assert self._open_index is not None
                    self._index = self._open_index()
        return self._index

    @property
    def index_open(self) -> bool:
        return self._index is not None

    def warm(self) -> None:
        """Ready the index for the next search (see SearchContract.warm)."""
        self.index.warm()

    def behind(self) -> bool:
        with Session(self._engine) as s:
            return current_seq(s) > self.index.seq

    def catch_up(
        self,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
        *,
        wait: float | None = None,
    ) -> int:
        """Index every change up to the database's latest; returns papers indexed.

        Waits for another process's catch-up or rebuild (IndexLocked after `wait`
        s, by default the index's lock timeout); IndexUnwritable when the index
        folder refuses writes.
        """
        with self._lock:
            done = self._in_child(progress, cancel)
            with self._exclusive(wait):
                done += self._catch_up(progress, cancel)
            if self._in_child_process and done:
                self.merge_segments(cancel)
            return done

    def merge_segments(self, cancel: CancelFn | None = None) -> int:
        """Merge the index's segments down to merging.TARGET_SEGMENTS, one step of at
        most MERGE_STEP_DOCS documents at a time, indexing what changed in between;
        returns the steps taken. Stops when another process holds the index (it may
        be the window's own small catch-up: the next big catch-up merges again)."""
        steps = 0
        while cancel is None or not cancel():
            if not self.index.optimize(MERGE_STEP_DOCS):
                break
            steps += 1
            try:
                with self._exclusive(0.0):
                    self._catch_up(None, cancel)
            except LibraryError:  # busy elsewhere: leave the rest to a later catch-up
                break
        return steps

    def rebuild(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> int:
        with self._lock:
            if self._child is None:  # hold the lock from the reset to the last batch
                with self._exclusive():
                    self.index.reset()
                    return self._catch_up(progress, cancel)
            self.index.reset()
            done = self._in_child(progress, cancel)
            with self._exclusive():
                return done + self._catch_up(progress, cancel)

    def catch_up_or_warn(self, *, closing: bool = False) -> None:
        """A catch-up no command's result depends on (before a search, on closing).

        An index folder that is not ours is raised (the user must act); an index
        busy in another process, read-only or on a full disk is said once as a
        warning and skipped: the database has every change, searches answer from
        what is indexed, and a later catch-up brings the rest. `closing`: wait only
        CLOSE_WAIT_S for another process's catch-up, and let it be if busy (every
        search catches up before it looks).
        """
        from .search.folder import IndexLocked, NotOurFolder

        try:
            self.catch_up(wait=CLOSE_WAIT_S if closing else None)
        except NotOurFolder:
            raise
        except IndexLocked as exc:
            if closing:
                log.info("index busy in another process; left to it: %s", exc)
            else:
                self._warn(exc)
        except LibraryError as exc:
            self._warn(exc)

    def _warn(self, exc: LibraryError) -> None:
        if str(exc) not in self._warned:
            self._warned.add(str(exc))
            log.warning(
                "readinglist: warning: search index not updated (%s); searches use what is indexed",
                exc,
            )

    def _exclusive(self, wait: float | None = None) -> AbstractContextManager[None]:
        hold = getattr(self.index, "exclusive", None)  # an index without one: tests' fakes
        return hold(wait) if hold is not None else nullcontext()

    def stop_child(self) -> None:
        """End a child catch-up now and refuse new ones (closing)."""
        if self._child is not None:
            self._child.stop()

    def _in_child(self, progress: ProgressFn | None, cancel: CancelFn | None) -> int:
        if self._child is None:
            return 0
        with Session(self._engine) as s:
            target = current_seq(s)
            start = self.index.seq
            # nothing to do, or the database went back in time (_catch_up rebuilds)
            if start >= target or _changed_between(s, start, target) < CHILD_MIN_PAPERS:
                return 0
        try:
            return self._child.run(progress, cancel)
        except ChildFailed as exc:  # index here instead: slower for the window, but done
            log.warning("%s; indexing in this process", exc)
            return 0

    def _catch_up(self, progress: ProgressFn | None, cancel: CancelFn | None) -> int:
        with Session(self._engine) as s:
            target = current_seq(s)
            start = self.index.seq
            if start > target:
                # the database went back in time (restored from a backup): start over
                log.warning("index is ahead of the database (%s > %s); rebuilding", start, target)
                self.index.reset()
                start = 0
            if start == target:
                return 0
            total = _changed_between(s, start, target)
        if progress is None and self.reporter is not None:
            reporter, what = self.reporter, "rebuilding" if start == 0 else "updating"

            def progress(done: int, total: int) -> None:
                reporter(what, done, total)

        return self._feed(start, target, total, progress, cancel)

    def _feed(
        self,
        start: int,
        target: int,
        total: int,
        progress: ProgressFn | None,
        cancel: CancelFn | None,
    ) -> int:
        done = 0
        last = (start, 0)
        deleted_done = False
        if progress is not None and total >= BATCH:
            progress(0, total)  # told at once: a first batch of thousands takes seconds
        while True:
            if cancel is not None and cancel():
                raise Cancelled
            with Session(self._engine) as s:
                papers = list(
                    s.execute(
                        index_rows(s)
                        .where(
                            tuple_(Paper.change_seq, Paper.id) > tuple_(*last),
                            Paper.change_seq <= target,
                        )
                        .order_by(Paper.change_seq, Paper.id)
                        .limit(self._batch)
                    )
                )
                tags = tags_by_paper(s, [p.id for p in papers])
                gone: list[int] = []
                if not deleted_done:
                    gone = list(
                        s.scalars(
                            select(Tombstone.paper_id).where(
                                Tombstone.change_seq > start, Tombstone.change_seq <= target
                            )
                        )
                    )
                    deleted_done = True
            docs = []
            for p in papers:
                if p.trashed_at is not None:
                    gone.append(p.id)  # the trash is not searched through the index
                    continue
                docs.append(index_doc(p, tags))
            full = len(papers) == self._batch
            # a batch may end inside one change number: only what is complete counts
            reached = (papers[-1].change_seq - 1) if full else target
            self.index.apply(docs, gone, max(reached, start))
            if full:
                # Whoosh leaves each commit's writer and readers in reference cycles
                # that the automatic collector reaches too seldom: a 100k catch-up
                # grew to 6-7 GB. Collected after each full batch it stays ~0.4 GB.
                gc.collect()
            done += len(papers)
            if progress is not None:
                progress(done, total)
            if not full:
                return done
            last = (papers[-1].change_seq, papers[-1].id)


def index_doc(row: Any, tags: Mapping[int, Sequence[str]]) -> IndexDoc:
    """The index's document for one paper: the one place it is built, so the catch-up
    and the search over not-yet-indexed papers (library.py) analyse the same text.
    `row` has the Paper columns id, title, abstract, authors_json, note, venue, doi,
    arxiv_id, year, status."""
    from .search.document import IndexDoc  # the search package imports Whoosh

    return IndexDoc(
        id=row.id,
        title=_searchable(row.title),
        abstract=_searchable(row.abstract),
        authors="; ".join(a.display for a in authors_from_json(row.authors_json)),
        tags=tuple(tags.get(row.id, ())),
        note=note_text(row.note),  # the words a reader sees, not the Markdown
        venue=row.venue,
        year=row.year,
        status=row.status,
        ids=f"{row.doi} {row.arxiv_id}".strip(),
    )


def _searchable(text: str) -> str:
    """What the index analyses: the text as shown (`118×`, `α`, `Schrödinger`) and, when
    LaTeX made it differ, the text as written too (`\\alpha` still finds it as `alpha`)."""
    shown = search_text(text)
    return text if shown == text else f"{shown}\n{text}"


def _changed_between(s: Session, start: int, target: int) -> int:
    """Papers whose change number is in (start, target]: what a catch-up indexes."""
    return int(
        s.scalar(
            select(func.count())
            .select_from(Paper)
            .where(Paper.change_seq > start, Paper.change_seq <= target)
        )
        or 0
    )


class BackgroundIndexer:
    """A daemon thread that catches the index up after writes and polls for writes
    from other processes (the CLI beside the open app)."""

    POLL_S = 2.0
    # After a write, wait this long before indexing: the window refreshes its list,
    # counts and detail right after each write, and Whoosh's pure-Python work would
    # otherwise take the GIL from it (every SQLite call the UI thread makes releases
    # the GIL and waits up to the 5 ms switch interval to get it back). A burst of
    # writes inside the pause is indexed in one round.
    SETTLE_S = 0.25

    def __init__(
        self, follower: IndexFollower, on_caught_up: Callable[[int], None] | None = None
    ) -> None:
        self._follower = follower
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.on_caught_up = on_caught_up
        self._last_problem = ""  # said once, not every round
        self._progress: tuple[int, int] | None = None
        self._thread = threading.Thread(target=self._run, name="index-follower", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        self._wake.set()

    @property
    def progress(self) -> tuple[int, int] | None:
        """(done, total) papers of the catch-up or rebuild under way, None when idle:
        for the window's status bar (a rebuild after a crash takes minutes)."""
        return self._progress

    def _report(self, done: int, total: int) -> None:
        self._progress = (done, total)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._follower.stop_child()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._wake.wait(self.POLL_S):
                self._stop.wait(self.SETTLE_S)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                n = self._follower.catch_up(progress=self._report, cancel=self._stop.is_set)
            except Cancelled:
                break
            except LibraryError as exc:  # busy elsewhere, read-only, full: retried later
                if str(exc) != self._last_problem:
                    log.warning("search index not updated: %s", exc)
                self._last_problem = str(exc)
                continue
            except Exception:  # keep following: the next round retries from the DB
                log.exception("background indexing failed")
                continue
            finally:
                self._progress = None
            self._last_problem = ""
            if n and self.on_caught_up is not None:
                self.on_caught_up(n)
            try:
                # while the user is not typing yet: the first keystroke after a
                # start or a commit would otherwise open the searcher itself
                self._follower.warm()
            except Exception:
                log.exception("warming the search index failed")
