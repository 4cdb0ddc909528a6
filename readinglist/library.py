"""The Library facade: the one API the UI and the CLI use.

Each method opens its own session and transaction and returns frozen domain values;
no Session or ORM object leaves this module (ARCHITECTURE rule 2). Writes commit to
SQLite first and return a `Changes`; the search index follows (see indexer.py).
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import gc
import logging
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .db import search_sql, store
from .db.engine import writer
from .db.health import DatabaseDamaged as DatabaseDamaged  # re-exported for the window
from .db.importer import insert_drafts
from .db.models import Paper, PaperTag, Tag, Tombstone
from .domain import (
    CancelFn,
    Changes,
    CompletionReport,
    Counts,
    ExportFormat,
    Filter,
    ImportReport,
    LibraryError,
    Listing,
    PaperDetail,
    PaperDraft,
    PaperEdit,
    PaperNotFound,
    PaperRow,
    ParseResult,
    Person,
    Problem,
    ProgressFn,
    SearchHit,
    Status,
)
from .formats.display import display_text as display_text  # re-exported for ui/ and cli.py
from .index_worker import ChildCatchUp
from .indexer import BackgroundIndexer, IndexFollower, index_doc

if TYPE_CHECKING:
    from .db.health import LibraryCheck
    from .lookup.complete import Services
    from .search.index import SearchIndex
    from .search.pending import PendingSearch

log = logging.getLogger(__name__)

DB_NAME = "library.sqlite"
INDEX_DIR = "index"
BACKUP_DIR = "backups"
# An import of more papers than this is preceded by a backup.
BACKUP_IMPORT_MIN = 1000
SEARCH_LIMIT = 500  # rows a search shows at most; `Listing.total` tells how many matched


def _now() -> datetime:
    return datetime.now(UTC)


def summary_lines(
    filled: Mapping[int, tuple[str, ...]], conflicts: Mapping[int, tuple[str, ...]]
) -> list[str]:
    """lookup/complete.py's plain words for a completion, for ui/ and cli.py (which use
    the library only); imported on call: the lookup modules cost ~35 ms at start-up."""
    from .lookup.complete import summary_lines as lines

    return lines(filled, conflicts)


# What a dropped or named folder contributes: files the importers may understand (their
# content still decides: a README.txt found in a folder is skipped, not imported).
IMPORTABLE_SUFFIXES = frozenset({".bib", ".bibtex", ".ris", ".json", ".xml", ".atom", ".txt"})
# Folders a folder import never enters: tools' and environments' own files, not the user's
# references (a source checkout's .venv alone held 1,187 "papers" in .txt files).
_TOOL_FOLDERS = frozenset(
    ("node_modules", "__pycache__", "site-packages", "dist-packages", "__MACOSX", "_build")
)


def _skip_folder_reason(folder: Path) -> str | None:
    name = folder.name
    if name.startswith("."):
        return "hidden folder"
    if name in _TOOL_FOLDERS:
        return "tool folder"
    if (folder / "pyvenv.cfg").exists() or (folder / "conda-meta").is_dir():
        return "virtual environment"
    return None


def _expand_folders(
    paths: Iterable[Path], skipped: builtins.list[Problem] | None = None
) -> Iterator[tuple[Path, str | None]]:
    """(file, None) for a named file, (file, "folder/sub/name") for one found in a
    folder: files stay as given; a folder stands for the
    importable files under it, minus hidden folders and files, virtualenvs and tool
    folders. What is passed over is appended to `skipped` (folders by name, other
    file types as a count). Symbolic links to folders are not followed (no loops)."""
    for path in paths:
        if not path.is_dir():
            yield path, None
            continue
        other: builtins.list[str] = []
        for top, dirs, files in os.walk(path):
            here = Path(top)
            keep = []
            for d in sorted(dirs):
                sub = here / d
                reason = "symbolic link, not followed" if sub.is_symlink() else None
                reason = reason or _skip_folder_reason(sub)
                if reason is None:
                    keep.append(d)
                elif skipped is not None:
                    skipped.append(Problem(str(sub.relative_to(path.parent)), 0, reason))
            dirs[:] = keep
            for f in sorted(files):
                file = here / f
                if f.startswith(".") or file.suffix.lower() not in IMPORTABLE_SUFFIXES:
                    other.append(f)
                elif file.is_file():
                    yield file, str(file.relative_to(path.parent))
        if other and skipped is not None:
            examples = ", ".join(other[:5]) + (", …" if len(other) > 5 else "")
            kind = "file" if len(other) == 1 else "files"
            message = f"{len(other)} {kind} of other types not looked at ({examples})"
            skipped.append(Problem(path.name or str(path), 0, message))


class _CollectorPause:
    """Python's cyclic garbage collector off while an import builds its objects.

    Reading and inserting 100k papers allocates millions of objects, none of them in
    cycles; the collector's full passes over them (up to 90 ms each, holding the
    GIL) were the window's longest stalls during a big import, and found nothing.
    Reference counting still frees everything; a cycle made meanwhile waits for the
    collector's return. Nested and concurrent pauses count: the last one out turns
    the collector back on, if it was on before the first.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._was_enabled:
                    gc.enable()


_collector_paused = _CollectorPause()


def _release_gently(results: builtins.list[tuple[ParseResult, str]]) -> None:
    """Free a big import's drafts a thousand at a time, then empty `results`.

    Dropped at once, 100k drafts go in one C-level cascade of deallocations that
    holds the GIL for ~120 ms (the window's longest stall after a big import);
    deleting slices lets the interpreter switch threads in between.
    """
    drafts = [d for result, _ in results for d in result.drafts]
    results.clear()  # the parse results go; their drafts live on in `drafts`
    while drafts:
        del drafts[-1000:]


def _can_write_dir(folder: Path) -> bool:
    """Could we write in `folder` (or create it)? As this user, on this mount."""
    if folder.exists():
        return os.access(folder, os.W_OK | os.X_OK)
    return os.access(folder.parent, os.W_OK | os.X_OK)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


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


class Library:
    """A library folder: `library.sqlite`, the Whoosh index beside it, and backups.

    `background=True` (the app) keeps the index following in a daemon thread;
    otherwise (CLI, tests) the index is caught up before each search and on close.
    """

    def __init__(self, folder: Path, *, background: bool = False) -> None:
        from .config import load_config
        from .db.engine import damaged_error, open_database
        from .db.health import check_file, is_damage

        self.folder = Path(folder)
        self._temp_index: tempfile.TemporaryDirectory[str] | None = None
        db_path = self.folder / DB_NAME
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # only a missing file is a new library; an empty or damaged one is an error
            # (nothing touched), a read-only one opens for reading (see db/engine.py)
            config = load_config()
            opened = open_database(
                db_path,
                self.folder / BACKUP_DIR,
                keep=config.backups_kept,
                check_every_open_mb=config.check_every_open_mb,
                defer_daily=background,  # the window: off its thread, below
            )
            self._engine = opened.engine
            self.read_only = opened.read_only
            self._write = writer(self._engine)
            self._quick_writes: tuple[int, Engine] | None = None  # see quick_writes_here
            if self.read_only:
                with Session(self._engine) as s:
                    library_id = store.get_meta(s, "library_id") or "read-only"
            else:
                with self._transaction() as s:
                    found = store.get_meta(s, "library_id")
                    if found is None:
                        found = uuid.uuid4().hex
                        store.set_meta(s, "library_id", found)
                        store.set_meta(s, "seq", "0")
                    library_id = found
        except DBAPIError as exc:
            if is_damage(exc):
                reason = check_file(db_path).problem or str(exc.orig)
                raise damaged_error(db_path, reason) from exc
            raise LibraryError(f"cannot open the library in {self.folder}: {exc.orig}") from exc
        except OSError as exc:
            raise LibraryError(f"cannot open the library in {self.folder}: {exc}") from exc
        self.library_id = library_id
        # The index opens on first use (a search, a catch-up): listing, counting and
        # writing never need it, so the window shows its list without waiting for it.
        # The app indexes big batches in a child process (the window would wait for
        # the GIL); the CLI and tests index in-process.
        child = ChildCatchUp(self.folder) if background and not self.read_only else None
        self._follower = IndexFollower(self._engine, self._open_index, child)
        # the not-yet-indexed papers a search scans meanwhile (search/pending.py)
        self._pending: PendingSearch | None = None
        self._pending_lock = threading.Lock()
        self._background: BackgroundIndexer | None = None
        if background:
            # Not poked now: its first round (POLL_S later) catches up whatever other
            # processes wrote, after the window is up rather than while it builds.
            self._background = BackgroundIndexer(self._follower)
        self.daily_backup: threading.Thread | None = None
        if opened.daily_backup_due:
            self.daily_backup = threading.Thread(
                target=self._daily_backup, args=(config.backups_kept,), daemon=True
            )
            self.daily_backup.start()

    def _daily_backup(self, keep: int) -> None:
        """The window's daily backup, off its thread (a crash or exit meanwhile leaves
        only a part file, removed at the next open)."""
        import sqlite3

        from .db.engine import daily_backup

        try:
            if daily_backup(self.folder / DB_NAME, self.folder / BACKUP_DIR, keep) is None:
                log.warning("%s is damaged: no backup made", self.folder / DB_NAME)
        except (OSError, LibraryError, sqlite3.Error) as exc:  # disk full, locked, ...
            log.warning("could not back the library up: %s", exc)

    def _open_index(self) -> SearchIndex:
        from .search import open_index  # Whoosh: imported when first needed

        # the engine the environment asks for (Whoosh unless told otherwise); both
        # keep SearchIndex's contract
        folder = self.folder / INDEX_DIR
        if self.read_only and not _can_write_dir(folder):
            # a read-only library still searches: the index is built from the database
            # in a temporary folder, removed when this process ends
            self._temp_index = tempfile.TemporaryDirectory(prefix="readinglist-index-")
            folder = Path(self._temp_index.name) / INDEX_DIR
        return open_index(folder, self.library_id)  # type: ignore[return-value]

    @property
    def _index(self) -> SearchIndex:
        return self._follower.index

    # ------------------------------------------------------------------ lifecycle

    def close(self, *, catch_up: bool = True) -> None:
        """Stop following; by default leave the index caught up (the CLI contract)."""
        if self._background is not None:
            self._background.stop()
            self._background = None
        try:
            if catch_up:
                try:
                    # read-only, full: said once; busy: left to the other process;
                    # an index folder not ours is raised (the user must move it)
                    self._follower.catch_up_or_warn(closing=True)
                except LibraryError:
                    raise
                except Exception:  # a bug: the next open catches up instead
                    log.exception("could not bring the index up to date on close")
        finally:
            if self._follower.index_open:
                self._index.close()
            self._engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def background(self) -> BackgroundIndexer | None:
        return self._background

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One write transaction; SQLite trouble (locked, read-only, disk full) becomes
        a LibraryError with SQLite's own words, and nothing of it is kept; damage
        found meanwhile is reported as such (with the backup to restore)."""
        if self.read_only:
            raise LibraryError(f"this library is read-only: {self.folder}")
        quick = self._quick_writes
        here = quick is not None and quick[0] == threading.get_ident()
        engine = quick[1] if quick is not None and here else self._write
        try:
            with Session(engine) as s, s.begin():
                yield s
        except DBAPIError as exc:
            trouble = database_trouble(self.folder, exc, damage_only=True)
            if trouble is not None:
                raise trouble from exc
            raise LibraryError(f"the library could not be written: {exc.orig}") from exc

    def quick_writes_here(self, busy_timeout_s: float) -> None:
        """Writes made from the calling thread wait at most `busy_timeout_s` for the
        write lock (instead of BUSY_TIMEOUT_S), then fail as "database is locked".

        The window calls this on its UI thread: an inline write (a note's autosave,
        a mark-read) must not freeze it while another process writes; its long work
        on the worker thread keeps the patient wait."""
        from .db.engine import writer

        self._quick_writes = (threading.get_ident(), writer(self._engine, busy_timeout_s))

    def _changed(self, changes: Changes) -> Changes:
        if self._background is not None:
            self._background.poke()
        return changes

    def prepare_search(self) -> None:
        """Have the background indexer open and warm the index now rather than at its
        next poll (the window calls this once its list is shown). No-op without one."""
        if self._background is not None:
            self._background.poke()

    def _fresh_index(self) -> None:
        if self._background is None:
            # an index that cannot be written (or is busy) is searched as it is
            self._follower.catch_up_or_warn()

    # ------------------------------------------------------------------ index

    def index_behind(self) -> bool:
        return self._follower.behind()

    def index_status(self) -> bool | None:
        """Like `index_behind`, but None while the background indexer has not opened
        the index yet: asking never opens it (the window polls this on its thread)."""
        if self._background is not None and not self._follower.index_open:
            return None
        return self._follower.behind()

    def catch_up_index(
        self, progress: ProgressFn | None = None, cancel: CancelFn | None = None
    ) -> int:
        return self._follower.catch_up(progress, cancel)

    def rebuild_index(
        self, progress: ProgressFn | None = None, cancel: CancelFn | None = None
    ) -> int:
        return self._follower.rebuild(progress, cancel)

    def report_index_progress(self, reporter: Callable[[str, int, int], None] | None) -> None:
        """Who hears of catch-ups no caller watches (before a search, on close):
        reporter(what, done, total), `what` "rebuilding" or "updating" (the CLI's
        stderr line; the window watches its own)."""
        self._follower.reporter = reporter

    # ------------------------------------------------------------------ reading

    def change_seq(self) -> int:
        """The database's latest change number: cheap, for noticing other writers."""
        with Session(self._engine) as s:
            return store.current_seq(s)

    def listing(
        self,
        f: Filter = Filter(),
        *,
        limit: int | None = SEARCH_LIMIT,
        as_you_type: bool = False,
        highlight: bool = False,
    ) -> Listing:
        """The rows a filter shows: newest first, or in rank order when it has a query.

        While the index is behind, the papers it has still to take in are matched with
        the same query (search/pending.py) and listed under the ranked hits, counted in
        `total` and `pending`. Highlights cost a re-tokenising pass per hit: only asked
        for where shown. `limit` None: every match.
        """
        with Session(self._engine) as s:
            if not f.query.strip():
                rows = store.rows_for_filter(s, f)
                return Listing(tuple(rows), len(rows))
            if f.trashed:
                rows = store.rows_for_ids(s, search_sql.trash_search_ids(s, f.query))
                return Listing(tuple(rows), len(rows))
            restrict = None
            if f.status is not None or f.tags:
                restrict = set(s.connection().scalars(store.filtered_ids(f)).all())
        self._fresh_index()
        index_seq = self._index.seq  # read before searching: whatever lands later is pending
        pending, pending_ids, matched = self._pending_matches(index_seq, f.query, as_you_type)
        if restrict is not None:
            matched = [i for i in matched if i in restrict]
        found = self._index.search(
            f.query,
            limit=None if pending_ids else limit,  # all: stale copies are dropped below
            as_you_type=as_you_type,
            restrict=restrict,
            highlight=highlight,
        )
        ranked = [h for h in found.hits if h.id not in pending_ids]
        stale = len(found.hits) - len(ranked)  # an older copy of a pending paper
        with Session(self._engine) as s:
            ids = [h.id for h in ranked] + matched
            # the index may still hold a paper trashed a moment ago
            alive = search_sql.alive_ids(s, ids) if restrict is None else set(ids)
            ids = [i for i in ids if i in alive]
            total = found.total - stale + len(matched) - (len(ranked) + len(matched) - len(ids))
            if limit is not None:
                ids = ids[:limit]
            rows = store.rows_for_ids(s, ids)
        hits = {h.id: h for h in ranked}
        hits.update((i, SearchHit(i, 0.0)) for i in matched if i not in hits)
        return Listing(tuple(rows), max(total, len(rows)), hits, pending)

    def _pending_matches(
        self, index_seq: int, query: str, as_you_type: bool
    ) -> tuple[int, set[int], list[int]]:
        """(papers the index lacks, their ids, those `query` matches), 0/empty/empty
        when the index is caught up; the pending papers' text is cached and read on
        as the change sequence moves."""
        from .search.pending import PendingSearch, pending_entry

        with Session(self._engine) as s:
            if store.current_seq(s) <= index_seq:
                return 0, set(), []
            with self._pending_lock:
                if self._pending is None:
                    self._pending = PendingSearch()
                cache = self._pending
                after = cache.start_seq(index_seq)
                seen = store.current_seq(s)
                rows, tags = search_sql.changed_papers(s, after)
                cache.update(
                    index_seq,
                    seen,
                    (
                        (
                            r.id,
                            None
                            if r.trashed_at
                            else pending_entry(index_doc(r, tags), r.change_seq),
                        )
                        for r in rows
                    ),
                )
                ids = cache.ids()
                matched = cache.matches(query, as_you_type=as_you_type)
            count = search_sql.pending_count(s, index_seq)  # without deleted papers
        return count, ids, matched

    def search(
        self,
        query: str,
        f: Filter = Filter(),
        *,
        limit: int = 100,
        as_you_type: bool = False,
    ) -> builtins.list[tuple[PaperDetail, SearchHit]]:
        """Papers matching `query` within a filter, in rank order, with their hits."""
        listing = self.listing(
            Filter(f.status, f.tags, query, f.trashed),
            limit=limit,
            as_you_type=as_you_type,
            highlight=True,
        )
        ids = [r.id for r in listing.rows]
        details = self.details(ids)
        return [(d, listing.hits[d.id]) for d in details if d.id in listing.hits]

    def rows(self, ids: Sequence[int]) -> builtins.list[PaperRow]:
        """List rows for these ids, in this order: cheap, for refreshing changed rows."""
        with Session(self._engine) as s:
            return store.rows_for_ids(s, ids)

    def get(self, paper_id: int) -> PaperDetail:
        found = self.details([paper_id])
        if not found:
            raise PaperNotFound(f"no paper with id {paper_id}")
        return found[0]

    def details(self, ids: Sequence[int]) -> builtins.list[PaperDetail]:
        with Session(self._engine) as s:
            return store.details_for_ids(s, ids)

    def ids(self, f: Filter = Filter()) -> builtins.list[int]:
        """Ids a filter selects, newest first (rank order with a query)."""
        return [r.id for r in self.listing(f, limit=1_000_000).rows]

    def counts(self) -> Counts:
        with Session(self._engine) as s:
            return store.counts(s)

    def tags(self) -> builtins.list[str]:
        with Session(self._engine) as s:
            return sorted(s.scalars(select(Tag.name)), key=str.casefold)

    def highlight(self, paper_id: int, query: str) -> dict[str, str]:
        """HTML snippets of where `query` matches this paper (title, abstract)."""
        if not query.strip():
            return {}
        self._fresh_index()
        found = self._index.search(query, limit=1, restrict={paper_id})
        return dict(found.hits[0].highlights) if found.hits else {}

    # ------------------------------------------------------------------ backups

    def backup(self, target: Path | None = None) -> Path:
        """A backup now (online backup API: consistent while others write).

        Into backups/ among the automatic ones (the same pruning), or at `target`
        (a file, or a folder to put it in); never onto the library's own files."""
        from .config import load_config
        from .db.backup import backup_name, copy_database, take_backup

        db_path = self.folder / DB_NAME
        if target is None:
            if self.read_only:
                raise LibraryError(
                    f"this library is read-only: {self.folder}; give a file: backup -o FILE"
                )
            keep = load_config().backups_kept
            return take_backup(db_path, self.folder / BACKUP_DIR, "manual", keep)
        target = Path(target)
        if target.is_dir():
            target = target / backup_name(None, "manual")
        if target.exists() and not target.is_file():
            raise LibraryError(f"{target} is not a regular file")
        if any(_same_file(target, Path(f"{db_path}{x}")) for x in ("", "-wal", "-shm")):
            raise LibraryError(f"{target} is the library itself")
        if not target.parent.is_dir():
            raise LibraryError(f"{target.parent}: no such folder")
        copy_database(db_path, target)
        return target

    def _backup_before_import(self, papers: int) -> None:
        """Before an import of over BACKUP_IMPORT_MIN papers (unless read-only,
        backups are off, or the library is still empty: nothing to lose)."""
        from .config import load_config
        from .db.backup import take_backup

        keep = load_config().backups_kept
        if papers <= BACKUP_IMPORT_MIN or self.read_only or keep == 0 or self.change_seq() == 0:
            return
        take_backup(self.folder / DB_NAME, self.folder / BACKUP_DIR, "import", keep)

    @staticmethod
    def check(folder: Path, *, full: bool = False) -> LibraryCheck:
        """Check a library without opening it (it may be damaged): SQLite's quick
        check (`full`: integrity_check), the schema, the index, the backups."""
        import json

        from .db.backup import list_backups, newest_good
        from .db.engine import is_read_only
        from .db.health import LibraryCheck, check_file, schema_problem

        folder = Path(folder)
        db_path = folder / DB_NAME
        if not db_path.exists():
            raise LibraryError(f"{db_path}: no such file (no library here yet)")
        health = check_file(db_path, full=full)
        newer = schema_problem(db_path, health.revision)
        index = "not built yet: built from the database at the next search"
        try:
            meta = json.loads((folder / INDEX_DIR / "readinglist-index.json").read_text("utf-8"))
        except (OSError, ValueError):
            meta = None
        if isinstance(meta, dict) and health.seq is not None:
            seq = meta.get("seq")
            if meta.get("library_id") != health.library_id:
                index = "of another library: rebuilt at the next search"
            elif not isinstance(seq, int):
                index = "unreadable: rebuilt at the next search"
            elif seq == health.seq:
                index = f"up to date (change number {seq})"
            elif seq < health.seq:
                index = f"behind ({seq} of {health.seq}): catches up at the next search"
            else:
                index = f"ahead of the database ({seq} > {health.seq}): rebuilt at the next search"
        backups = folder / BACKUP_DIR
        good = newest_good(backups)
        return LibraryCheck(
            db_path,
            health,
            str(newer) if newer is not None else None,
            is_read_only(db_path),
            index,
            len(list_backups(backups)),
            good[0].path if good is not None else None,
        )

    @staticmethod
    def newest_good_backup(folder: Path) -> tuple[Path, datetime, int] | None:
        """The newest backup that passes SQLite's check: (file, made, papers)."""
        from .db.backup import newest_good

        found = newest_good(Path(folder) / BACKUP_DIR)
        if found is None:
            return None
        b, health = found
        return b.path, b.made, health.papers or 0

    @staticmethod
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
            from .search import open_index

            try:
                index = open_index(folder / INDEX_DIR, library_id)
                try:
                    index.reset()
                finally:
                    index.close()
            except LibraryError as exc:  # the restore is done; the index is a cache
                log.warning("search index not reset after the restore: %s", exc)
        return saved

    def restore_open(self, backup: Path) -> Path | None:
        """`restore_backup` for this open library (the window's Restore).

        Our connections are closed first: a damaged file is replaced by a rename,
        and a connection left on the old file would, when it closed, checkpoint and
        remove the new file's -wal by name. They reopen on the restored file at the
        next use; the index notices the database went back and starts over."""
        self._engine.dispose()
        try:
            return Library.restore_backup(self.folder, backup)
        finally:
            self._engine.dispose()

    # ------------------------------------------------------------------ importing

    def import_paths(
        self,
        paths: Iterable[Path],
        *,
        tags: Sequence[str] = (),
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
    ) -> ImportReport:
        """Read every file, then add what they hold in ONE transaction (all or nothing).

        A folder means the importable files under it (see `_expand_folders`); a file
        found there whose content is in no known format is skipped and listed in
        `skipped`. A named file that cannot be read or recognised, and a found file that
        cannot be read, become problems and are listed in `failed`; they do not stop
        the others.
        """
        from .formats.decode import NotText
        from .formats.reader import UnknownFormat, read_path

        results: builtins.list[tuple[ParseResult, str]] = []
        problems: builtins.list[Problem] = []
        skipped: builtins.list[Problem] = []
        read_files: builtins.list[str] = []
        failed: builtins.list[str] = []
        with _collector_paused():
            for path, found in _expand_folders(map(Path, paths), skipped):
                try:
                    result = read_path(path)
                except LibraryError as exc:
                    # the readers' messages start with the file name (Problem.file has it)
                    message = str(exc).removeprefix(f"{path}: ").removeprefix(f"{path.name}: ")
                    if found and isinstance(exc, UnknownFormat | NotText):
                        skipped.append(Problem(found, 0, "not in a format we can import"))
                        continue
                    problems.append(Problem(path.name, 0, message))
                    failed.append(str(path))
                    continue
                if found and result.format is None and not result.drafts:
                    skipped.append(Problem(found, 0, "empty file"))  # dependency_links.txt
                    continue
                results.append((result, path.name))
                read_files.append(str(path))
            try:
                report = self.import_parsed(
                    results, tags=tags, progress=progress, cancel=cancel, problems=problems
                )
            finally:
                _release_gently(results)
        return dataclasses.replace(
            report, read_files=tuple(read_files), failed=tuple(failed), skipped=tuple(skipped)
        )

    def import_text(
        self,
        text: str,
        *,
        source: str = "clipboard",
        tags: Sequence[str] = (),
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
    ) -> ImportReport:
        from .formats.reader import read_text

        with _collector_paused():
            results = [(read_text(text, source), source)]
            try:
                return self.import_parsed(results, tags=tags, progress=progress, cancel=cancel)
            finally:
                _release_gently(results)

    def import_drafts(
        self, drafts: Sequence[PaperDraft], *, source: str, tags: Sequence[str] = ()
    ) -> ImportReport:
        return self.import_parsed([(ParseResult(tuple(drafts)), source)], tags=tags)

    def import_parsed(
        self,
        results: Sequence[tuple[ParseResult, str]],
        *,
        tags: Sequence[str] = (),
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
        problems: Sequence[Problem] = (),
    ) -> ImportReport:
        from .formats.citekey import citation_key_for
        from .formats.clean import clean_draft

        self._backup_before_import(sum(len(r.drafts) for r, _ in results))  # issue 8.13

        drafts = [(clean_draft(d, r.format), src) for r, src in results for d in r.drafts]
        all_problems = [*problems, *(p for result, _ in results for p in result.problems)]

        def make_key(d: PaperDraft, taken: object) -> str:
            return citation_key_for(d.authors, d.year, d.title, taken)  # type: ignore[arg-type]

        with _collector_paused(), self._transaction() as s:
            out = insert_drafts(s, drafts, tags, _now(), make_key, progress, cancel)
        # papers whose "fields differ from the last import" line changed refresh too
        touched = frozenset(out.added) | frozenset(out.updated) | frozenset(out.reviewed)
        changes = Changes(
            touched, rows=bool(out.added), tags=bool(tags) or bool(out.added), fields=True
        )
        return ImportReport(
            tuple(out.added),
            out.duplicates,
            tuple(out.updated),
            (*all_problems, *out.problems),
            self._changed(changes),
            merges=tuple(out.merges),
        )

    # ------------------------------------------------------------------ writing

    def _existing(self, s: Session, ids: Iterable[int]) -> builtins.list[int]:
        wanted = list(dict.fromkeys(ids))
        found = set(
            s.connection().scalars(select(Paper.id).where(store.id_in(Paper.id, wanted))).all()
        )
        missing = [i for i in wanted if i not in found]
        if missing:
            raise PaperNotFound(f"no paper with id {', '.join(map(str, missing[:5]))}")
        return wanted

    def set_status(self, ids: Iterable[int], status: Status) -> Changes:
        now = _now()
        with self._transaction() as s:
            wanted = self._existing(s, ids)
            seq = store.next_seq(s)
            # Core execution: no ORM objects are loaded here, nothing to synchronise
            changed = builtins.list(
                s.connection()
                .scalars(
                    update(Paper)
                    .where(store.id_in(Paper.id, wanted), Paper.status != status.value)
                    .values(status=status.value, status_changed_at=now, change_seq=seq)
                    .returning(Paper.id)
                )
                .all()
            )
        return self._changed(Changes(frozenset(changed), status=True))

    def add_tags(self, ids: Iterable[int], tags: Sequence[str]) -> Changes:
        from .db.convert import tags_of
        from .formats.clean import clean_line

        # typed tags get what imported ones get: no control, bidi or invisible character
        names = tags_of([clean_line(t) for t in tags])
        if not names:
            return Changes()
        with self._transaction() as s:
            wanted = self._existing(s, ids)
            store.add_tags_to(s, wanted, names)
            store.mark_changed(s, wanted, store.next_seq(s))
        return self._changed(Changes(frozenset(wanted), tags=True))

    def remove_tags(self, ids: Iterable[int], tags: Sequence[str]) -> Changes:
        with self._transaction() as s:
            wanted = self._existing(s, ids)
            tid = store.tag_ids(s, list(tags), create=False)
            s.connection().execute(
                delete(PaperTag).where(
                    store.id_in(PaperTag.paper_id, wanted),
                    PaperTag.tag_id.in_(list(tid.values())),
                )
            )
            store.mark_changed(s, wanted, store.next_seq(s))
            store.delete_orphan_tags(s)
        return self._changed(Changes(frozenset(wanted), tags=True))

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag; renaming onto an existing tag merges the two."""
        from .db.convert import clean_tag
        from .formats.clean import clean_line

        new = clean_tag(clean_line(new))
        if not new:
            raise LibraryError("a tag name cannot be empty")
        with self._transaction() as s:
            src = store.tag_ids(s, [old], create=False).get(old.casefold())
            if src is None:
                raise LibraryError(f"no tag called {old!r}")
            papers = list(s.scalars(select(PaperTag.paper_id).where(PaperTag.tag_id == src)))
            dst = store.tag_ids(s, [new], create=False).get(new.casefold())
            if dst is None or dst == src:
                tag = s.get(Tag, src)
                assert tag is not None
                tag.name = new
            else:
                store.add_tags_to(s, papers, [new])
                s.execute(delete(Tag).where(Tag.id == src))
            store.mark_changed(s, papers, store.next_seq(s))
        return self._changed(Changes(frozenset(papers), tags=True))

    def delete_tag(self, name: str) -> Changes:
        with self._transaction() as s:
            tid = store.tag_ids(s, [name], create=False).get(name.casefold())
            if tid is None:
                raise LibraryError(f"no tag called {name!r}")
            papers = list(s.scalars(select(PaperTag.paper_id).where(PaperTag.tag_id == tid)))
            s.execute(delete(Tag).where(Tag.id == tid))
            store.mark_changed(s, papers, store.next_seq(s))
        return self._changed(Changes(frozenset(papers), tags=True))

    def set_note(self, paper_id: int, note: str) -> Changes:
        from .formats.clean import clean_block

        with self._transaction() as s:
            paper = s.get(Paper, paper_id)
            if paper is None:
                raise PaperNotFound(f"no paper with id {paper_id}")
            note = clean_block(note)  # no ESC, NUL or bidi override in a stored note
            if paper.note == note:
                return Changes()
            paper.note = note
            paper.note_changed_at = _now()
            paper.change_seq = store.next_seq(s)
        return self._changed(Changes(frozenset({paper_id}), note=True))

    # ------------------------------------------------------------------ editing by hand

    def check_edit(self, paper_id: int, changes: PaperEdit) -> dict[str, str]:
        """What is wrong with an edit, field name -> one-line message (empty: fine).
        The edit form shows these under its fields as the user types."""
        from .db.edit import cleaned, edit_problems

        with Session(self._engine) as s:
            return edit_problems(s, paper_id, cleaned(changes), _now().year)

    def edit_paper(self, paper_id: int, changes: PaperEdit) -> Changes:
        """Write fields typed by hand, in one transaction (issue 9). A LibraryError
        names every field that is wrong; nothing is written then. A typed key becomes
        the user's (no import changes it); the fields set lose their "differs from the
        last import" notes; the index follows the change number."""
        from .db.edit import FIELD_LABELS, apply_edit, cleaned, edit_problems

        edit = cleaned(changes)
        with self._transaction() as s:
            paper = s.get(Paper, paper_id)
            if paper is None:
                raise PaperNotFound(f"no paper with id {paper_id}")
            problems = edit_problems(s, paper_id, edit, _now().year)
            if problems:
                names = ", ".join(FIELD_LABELS[f] for f in problems)
                reasons = "; ".join(problems.values())
                raise LibraryError(f"cannot edit paper {paper_id} ({names}): {reasons}")
            changed, notes_changed = apply_edit(paper, edit)
            if not (changed or notes_changed):
                return Changes()
            paper.change_seq = store.next_seq(s)
        return self._changed(Changes(frozenset({paper_id}), fields=True))

    def revert_edit(self, before: PaperDetail, changes: PaperEdit) -> Changes:
        """Undo `edit_paper(before.id, changes)`: the fields it set as `before` had
        them, key origin and import notes included."""
        from .db.edit import key_owner, revert_edit

        with self._transaction() as s:
            paper = s.get(Paper, before.id)
            if paper is None:
                raise PaperNotFound(f"no paper with id {before.id}")
            if changes.citation_key is not None:
                other = key_owner(s, before.citation_key, before.id)
                if other is not None:
                    raise LibraryError(
                        f"cannot give the key {before.citation_key!r} back: "
                        f"paper {other.id} has it now"
                    )
            revert_edit(paper, before, changes)
            paper.change_seq = store.next_seq(s)
        return self._changed(Changes(frozenset({before.id}), fields=True))

    def resolve_paper_ref(self, ref: str) -> int:
        """A paper id from what a user typed: an id, or a citation key (case ignored).

        All digits is an id, unless no paper has that id and a key equals it (a key
        such as `2021` stays reachable); anything else is a key."""
        text = ref.strip()
        with Session(self._engine) as s:
            if text.isdigit() and s.get(Paper, int(text)) is not None:
                return int(text)
            exact = s.scalar(select(Paper.id).where(Paper.citation_key == text))
            if exact is not None:
                return exact
            found = s.scalars(
                select(Paper.id).where(func.lower(Paper.citation_key) == text.lower()).limit(2)
            ).all()
        if len(found) == 1:
            return found[0]
        if text.isdigit():
            raise PaperNotFound(f"no paper with id {text}")
        raise PaperNotFound(f"no paper with the citation key {text!r}")

    @staticmethod
    def parse_authors(lines: str | Sequence[str]) -> tuple[Person, ...]:
        """Authors typed one per line: "Family, Given", "Given Family", "{Corporate
        Name}" (formats/author_lines.py)."""
        from .formats.author_lines import authors_from_lines

        return authors_from_lines(lines)

    @staticmethod
    def author_lines(authors: Sequence[Person]) -> str:
        """The lines `parse_authors` reads back as these authors (the edit form)."""
        from .formats.author_lines import author_lines

        return author_lines(authors)

    def trash(self, ids: Iterable[int]) -> Changes:
        """Move papers to the trash; `restore` brings them back."""
        return self._set_trashed(ids, _now())

    def restore(self, ids: Iterable[int]) -> Changes:
        return self._set_trashed(ids, None)

    def _set_trashed(self, ids: Iterable[int], when: datetime | None) -> Changes:
        with self._transaction() as s:
            wanted = self._existing(s, ids)
            seq = store.next_seq(s)
            s.connection().execute(
                update(Paper)
                .where(store.id_in(Paper.id, wanted))
                .values(trashed_at=when, change_seq=seq)
            )
        return self._changed(Changes(frozenset(wanted), rows=True, tags=True))

    def purge(self, ids: Iterable[int]) -> Changes:
        """Delete papers for good (emptying the trash)."""
        with self._transaction() as s:
            wanted = self._existing(s, ids)
            seq = store.next_seq(s)
            for part in store.chunks(wanted):
                s.execute(delete(Paper).where(Paper.id.in_(part)))
            for pid in wanted:
                s.merge(Tombstone(paper_id=pid, change_seq=seq))
            store.delete_orphan_tags(s)
        return self._changed(Changes(frozenset(wanted), rows=True, tags=True))

    def empty_trash(self) -> Changes:
        return self.purge(self.ids(Filter(trashed=True)))

    # ------------------------------------------------------------------ export

    def export(
        self,
        fmt: ExportFormat,
        *,
        ids: Sequence[int] | None = None,
        f: Filter | None = None,
    ) -> str:
        """Export the given ids, or a filter's papers, or (neither) the whole library."""
        from .formats.writer import export_papers

        chosen = list(ids) if ids is not None else self.ids(f or Filter())
        if ids is None and (f is None or not f.query):
            chosen.reverse()  # oldest first reads naturally in a bibliography file
        text = export_papers(self.details(chosen), fmt)
        if self.read_only:  # nothing can be recorded; the export itself still works
            return text
        try:
            self.mark_keys_used(chosen)  # every format carries the key
        except LibraryError as exc:  # a read-only library still exports
            log.warning("could not record that keys were exported: %s", exc)
        return text

    def mark_keys_used(self, ids: Iterable[int]) -> None:
        """The keys of `ids` went out (export, copy): from now on they never change.

        Not a change any view shows, so no change number and no `Changes`."""
        wanted = list(ids)
        if not wanted:
            return
        now = _now()
        with self._transaction() as s:
            for part in store.chunks(wanted):
                s.execute(
                    update(Paper)
                    .where(store.id_in(Paper.id, part), Paper.key_used_at.is_(None))
                    .values(key_used_at=now)
                    .execution_options(synchronize_session=False)
                )

    # ------------------------------------------------------------------ own files

    def owns_path(self, path: Path) -> bool:
        """Whether `path` is one of this library's files (an export must never go there).

        The folder and anything under it (library.sqlite and its -wal/-shm/-journal,
        index/, backups/), also by another name: symlinks resolved, hard links and
        bind mounts caught by inode.
        """
        from .files import belongs_to_folder

        return belongs_to_folder(path, self.folder)

    # ------------------------------------------------------------------ completing

    def incomplete_ids(self) -> builtins.list[int]:
        """Papers (not in the trash) without authors or without a year, oldest first."""
        with Session(self._engine) as s:
            q = select(Paper.id).where(
                Paper.trashed_at.is_(None),
                or_(Paper.authors_json == "[]", Paper.year.is_(None)),
            )
            return builtins.list(s.scalars(q.order_by(Paper.id)))

    def complete(
        self,
        ids: Iterable[int],
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
        services: Services | None = None,
        arxiv_ids: Mapping[int, str] | None = None,
    ) -> CompletionReport:
        """Complete papers from arXiv / the DOI resolver (lookup/complete.py says how).

        Slow (arXiv asks for 3 s between requests): the window runs it on its worker.
        The answers are applied in one transaction after the last request, to the
        papers as they are then: empty fields are filled, nothing non-empty is
        overwritten, differing values are kept as conflicts. Cancel stops before the
        next request; what was received until then is applied (the report says so).
        `arxiv_ids` asks arXiv for the given id instead (a title search's candidate
        the user picked); the answer fills the paper's empty arXiv id like any field.
        """
        from .config import load_config
        from .db.completion import complete_paper
        from .lookup.complete import Target, look_up, shared_services

        with Session(self._engine) as s:
            wanted = self._existing(s, ids)
            found_rows = s.execute(
                select(Paper.id, Paper.title, Paper.doi, Paper.arxiv_id).where(
                    store.id_in(Paper.id, wanted)
                )
            ).all()
        chosen = arxiv_ids or {}
        by_id = {r[0]: Target(r[0], r[1], r[2], chosen.get(r[0], r[3])) for r in found_rows}
        targets = [by_id[i] for i in wanted]
        services = services or shared_services(load_config())
        asked_before = services.requests
        found = look_up(targets, services, progress, cancel)

        filled: dict[int, tuple[str, ...]] = {}
        conflicts: dict[int, tuple[str, ...]] = {}
        unchanged: builtins.list[int] = []
        if found.answers:
            with self._transaction() as s:
                seq: int | None = None
                for pid, draft in found.answers.items():
                    done = complete_paper(s, pid, draft)
                    if done.filled:
                        filled[pid] = done.filled
                    if done.conflicts:
                        conflicts[pid] = done.conflicts
                    if not (done.filled or done.conflicts):
                        unchanged.append(pid)
                        continue
                    seq = store.next_seq(s) if seq is None else seq
                    paper = s.get(Paper, pid)
                    if paper is not None:
                        paper.change_seq = seq
        changed = frozenset(filled) | frozenset(conflicts)
        return CompletionReport(
            filled=filled,
            conflicts=conflicts,
            unchanged=tuple(unchanged),
            not_found=tuple(found.not_found),
            candidates=found.candidates,
            problems=found.problems(),
            requests=services.requests - asked_before,
            cancelled=found.cancelled,
            changes=self._changed(Changes(changed, fields=bool(changed))),
        )
