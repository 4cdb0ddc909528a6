"""The Library facade: the one API the UI and the CLI use.

Each method opens its own session and transaction and returns frozen domain values;
no Session or ORM object leaves this module (ARCHITECTURE rule 2). Writes commit to
the database (SQLite, or PostgreSQL for a shared library) first and return a
`Changes`; the search index follows (see indexer.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from . import library_folder
from .db import notes as db_notes
from .db import papers as db_papers
from .db import search_sql, store
from .db import status as db_status
from .db import tags as db_tags
from .db import trash as db_trash
from .db.engine import writer
from .db.health import DatabaseDamaged as DatabaseDamaged  # re-exported for the window
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
from .import_pause import collector_paused, release_gently
from .index_worker import ChildCatchUp
from .indexer import BackgroundIndexer, IndexFollower
from .library_folder import BACKUP_DIR as BACKUP_DIR
from .library_folder import BACKUP_IMPORT_MIN as BACKUP_IMPORT_MIN
from .library_folder import DB_NAME as DB_NAME
from .library_folder import INDEX_DIR as INDEX_DIR
from .library_folder import database_trouble as database_trouble  # for ui/ and cli.py
from .library_opening import open_library
from .library_opening import trouble_at as trouble_at  # for cli.py
from .location import ServerLocation, parse_location
from .pending_matches import PendingMatches

if TYPE_CHECKING:
    from .change_listener import ChangeListener
    from .db.health import LibraryCheck
    from .library_server import ServerCheck
    from .lookup.complete import Services
    from .search.contract import SearchContract

log = logging.getLogger(__name__)

# backup, restore on a server library: not ours to do
NOT_BACKED_UP = (
    "the shared library on {} is backed up and restored by its admin (pg_dump, "
    "pg_restore); ReadingList's backups are for library folders"
)
SEARCH_LIMIT = 500  # rows a search shows at most; `Listing.total` tells how many matched


def _now() -> datetime:
    return datetime.now(UTC)


# tests/test_import_collector.py imports it from here, where it was defined before
_release_gently = release_gently


def summary_lines(
    filled: Mapping[int, tuple[str, ...]], conflicts: Mapping[int, tuple[str, ...]]
) -> list[str]:
    """lookup/summary.py's plain words for a completion, for ui/ and cli.py (which use
    the library only); imported on call: a `list` or `search` loads no lookup code."""
    from .lookup.summary import summary_lines as lines

    return lines(filled, conflicts)


class Library:
    """A library folder: `library.sqlite`, the Whoosh index beside it, and backups;
    or a shared library on a PostgreSQL server, its Whoosh index in this computer's
    cache folder (`folder` then names that cache folder).

    `background=True` (the app) keeps the index following in a daemon thread;
    otherwise (CLI, tests) the index is caught up before each search and on close.
    """

    def __init__(
        self,
        location: Path | str,
        *,
        background: bool = False,
        cache_dir: Path | None = None,
    ) -> None:
        """`location`: a folder, or a postgresql:// (postgres://) URL naming a shared
        library on a server (library_opening.py says where its index is kept)."""
        opened = open_library(location, defer_daily=background, cache_dir=cache_dir)
        self.server = opened.server
        self.member = opened.member  # who we are on a server; "" for a folder
        self.folder = opened.folder  # a server library's: its local cache folder
        self._engine = opened.engine
        self._write = writer(self._engine)
        self.read_only = opened.read_only
        self._temp_index: tempfile.TemporaryDirectory[str] | None = None
        self._quick_writes: tuple[int, Engine] | None = None  # see quick_writes_here
        self.library_id = opened.library_id
        # The index opens on first use (a search, a catch-up): listing, counting and
        # writing never need it, so the window shows its list without waiting for it.
        # The app indexes big batches in a child process (the window would wait for
        # the GIL); the CLI and tests index in-process.
        self._window = background  # the app's window shares this process's GIL
        child = None
        if background and not self.read_only:
            child = ChildCatchUp(self.location, cache_dir)
        self._follower = IndexFollower(self._engine, self._open_index, child, window=background)
        # the not-yet-indexed papers a search scans meanwhile
        self._pending = PendingMatches(self._engine)
        self._background: BackgroundIndexer | None = None
        if background:
            # Not poked now: its first round (POLL_S later) catches up whatever other
            # processes wrote, after the window is up rather than while it builds.
            self._background = BackgroundIndexer(self._follower)
        self.daily_backup: threading.Thread | None = None
        if opened.daily_backup_due:
            self.daily_backup = threading.Thread(
                target=library_folder.daily_backup,
                args=(self.folder, opened.backups_kept),
                daemon=True,
            )
            self.daily_backup.start()

    @property
    def location(self) -> Path | ServerLocation:
        """The folder, or the server (its `label` has no password)."""
        return self.folder if self.server is None else self.server

    @property
    def label(self) -> str:
        """What names this library to the user (a window title): the folder, or the
        server's URL without its password."""
        return str(self.folder) if self.server is None else self.server.label

    def trouble(self, exc: BaseException) -> LibraryError | None:
        """A database error met at run time in one line (None: not one, a bug):
        a folder's damage names the backup; a server's error names the server."""
        return trouble_at(self.location, exc)

    def _open_index(self) -> SearchContract:
        index, self._temp_index = library_folder.open_search_index(
            self.folder, self.library_id, read_only=self.read_only, window=self._window
        )
        return index

    @property
    def _index(self) -> SearchContract:
        return self._follower.index

    # ------------------------------------------------------------------ lifecycle

    def close(self, *, catch_up: bool = True) -> None:
        """Stop following; by default leave the index caught up (the CLI contract)."""
        if self._background is not None:
            self._background.stop()
            self._background = None
        try:
            if catch_up and not self._follower.index_open and self._index_caught_up():
                catch_up = False  # `list`, `show`: Whoosh is neither imported nor opened
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

    def _index_caught_up(self) -> bool:
        """Does the index folder say it holds this library up to its latest change?
        Read from the index's own record (as `check` reads it), without opening it."""
        if self._temp_index is not None:
            return False
        meta = library_folder.index_record(self.folder)
        if meta is None or meta.get("library_id") != self.library_id:
            return False
        return meta.get("seq") == self.change_seq()

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
            if self.server is not None:
                from .db.server import server_error

                raise server_error(self.server.server, exc) from exc
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

    def listen_for_changes(self, on_change: Callable[[int], None]) -> ChangeListener | None:
        """On a shared library, a started listener that calls `on_change` (on its own
        thread) at once when any client writes; the caller stops it. None on SQLite:
        no server tells of writes there (the window's poll of change_seq does)."""
        if self.server is None:
            return None
        from .change_listener import ChangeListener

        listener = ChangeListener(self.server.url, on_change)
        listener.start()
        return listener

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
                restrict = db_papers.filter_id_set(s, f)
        self._fresh_index()
        index_seq = self._index.seq  # read before searching: whatever lands later is pending
        pending, pending_ids, matched = self._pending.find(index_seq, f.query, as_you_type)
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

    def search(
        self,
        query: str,
        f: Filter = Filter(),
        *,
        limit: int = 100,
        as_you_type: bool = False,
    ) -> list[tuple[PaperDetail, SearchHit]]:
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

    def first_rows(self, f: Filter, n: int) -> Listing:
        """The first `n` rows a filter without a query lists (newest first), with how
        many it lists in all: what a window paints first while the whole list is read
        (100k rows take ~0.6 s)."""
        with Session(self._engine) as s:
            rows = store.rows_for_filter(s, f, limit=n)
            total = len(rows) if len(rows) < n else store.count_for_filter(s, f)
            return Listing(tuple(rows), total)

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        """List rows for these ids, in this order: cheap, for refreshing changed rows."""
        with Session(self._engine) as s:
            return store.rows_for_ids(s, ids)

    def get(self, paper_id: int) -> PaperDetail:
        found = self.details([paper_id])
        if not found:
            raise PaperNotFound(f"no paper with id {paper_id}")
        return found[0]

    def details(self, ids: Sequence[int]) -> list[PaperDetail]:
        with Session(self._engine) as s:
            return store.details_for_ids(s, ids)

    def ids(self, f: Filter = Filter()) -> list[int]:
        """Ids a filter selects, newest first (rank order with a query)."""
        return [r.id for r in self.listing(f, limit=1_000_000).rows]

    def counts(self) -> Counts:
        with Session(self._engine) as s:
            return store.counts(s)

    def tags(self) -> list[str]:
        with Session(self._engine) as s:
            return db_tags.tag_names(s)

    def highlight(self, paper_id: int, query: str) -> dict[str, str]:
        """HTML snippets of where `query` matches this paper (title, abstract)."""
        if not query.strip():
            return {}
        self._fresh_index()
        found = self._index.search(query, limit=1, restrict={paper_id})
        return dict(found.hits[0].highlights) if found.hits else {}

    # ------------------------------------------------------------------ backups

    def backup(self, target: Path | None = None) -> Path:
        """A backup now: into backups/, or at `target` (library_folder.py `backup`)."""
        if self.server is not None:
            raise LibraryError(NOT_BACKED_UP.format(self.server.server))
        return library_folder.backup(self.folder, target, read_only=self.read_only)

    # without opening the library (it may be damaged): library_folder.py
    check = staticmethod(library_folder.check)

    @staticmethod
    def check_location(location: Path | str, *, full: bool = False) -> LibraryCheck | ServerCheck:
        """`check` for a folder; for a server, what it holds (library_server.py)."""
        where = parse_location(location)
        if isinstance(where, ServerLocation):
            from . import library_server

            return library_server.check(where)
        return library_folder.check(where, full=full)

    newest_good_backup = staticmethod(library_folder.newest_good_backup)
    restore_backup = staticmethod(library_folder.restore_backup)

    def restore_open(self, backup: Path) -> Path | None:
        """`restore_backup` for this open library (the window's Restore).

        Our connections are closed first: a damaged file is replaced by a rename,
        and a connection left on the old file would, when it closed, checkpoint and
        remove the new file's -wal by name. They reopen on the restored file at the
        next use; the index notices the database went back and starts over."""
        if self.server is not None:
            raise LibraryError(NOT_BACKED_UP.format(self.server.server))
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

        A folder means the importable files under it; what is passed over there, and
        the files that failed, are listed in the report (import_files.py `read_paths`).
        """
        from .import_files import read_paths

        with collector_paused():
            read = read_paths(paths)
            try:
                report = self.import_parsed(
                    read.results,
                    tags=tags,
                    progress=progress,
                    cancel=cancel,
                    problems=read.problems,
                )
            finally:
                release_gently(read.results)
        return dataclasses.replace(
            report,
            read_files=tuple(read.read_files),
            failed=tuple(read.failed),
            skipped=tuple(read.skipped),
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

        with collector_paused():
            results = [(read_text(text, source), source)]
            try:
                return self.import_parsed(results, tags=tags, progress=progress, cancel=cancel)
            finally:
                release_gently(results)

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

        if self.server is None:  # a server's backups are its admin's (pg_dump)
            library_folder.backup_before_import(  # issue 8.13
                self.folder,
                sum(len(r.drafts) for r, _ in results),
                read_only=self.read_only,
                change_seq=self.change_seq,
            )

        drafts = [(clean_draft(d, r.format), src) for r, src in results for d in r.drafts]
        all_problems = [*problems, *(p for result, _ in results for p in result.problems)]

        def make_key(d: PaperDraft, taken: object) -> str:
            return citation_key_for(d.authors, d.year, d.title, taken)  # type: ignore[arg-type]

        with collector_paused(), self._transaction() as s:
            from .db.importer import insert_drafts  # with the formats it needs: not for a list

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

    def share_note(self, paper_id: int, shared: bool) -> Changes:
        """Show the member's note of the paper to the group, or stop showing it."""
        return self.set_note(paper_id, self.get(paper_id).note, shared)

    def set_status(self, ids: Iterable[int], status: Status) -> Changes:
        """The member's own status of the papers (another member's stays as it is)."""
        now = _now()
        with self._transaction() as s:
            changed = db_status.set_status(s, db_papers.existing(s, ids), status, now)
        return self._changed(Changes(frozenset(changed), status=True))

    def add_tags(self, ids: Iterable[int], tags: Sequence[str]) -> Changes:
        from .db.convert import tags_of
        from .formats.clean import clean_line

        # typed tags get what imported ones get: no control, bidi or invisible character
        names = tags_of([clean_line(t) for t in tags])
        if not names:
            return Changes()
        with self._transaction() as s:
            wanted = db_papers.existing(s, ids)
            store.add_tags_to(s, wanted, names)
            store.mark_changed(s, wanted, store.next_seq(s))
        return self._changed(Changes(frozenset(wanted), tags=True))

    def remove_tags(self, ids: Iterable[int], tags: Sequence[str]) -> Changes:
        with self._transaction() as s:
            wanted = db_papers.existing(s, ids)
            db_tags.remove_tags(s, wanted, tags)
        return self._changed(Changes(frozenset(wanted), tags=True))

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag; renaming onto an existing tag merges the two."""
        from .db.convert import clean_tag
        from .formats.clean import clean_line

        new = clean_tag(clean_line(new))
        if not new:
            raise LibraryError("a tag name cannot be empty")
        with self._transaction() as s:
            tagged = db_tags.rename_tag(s, old, new)
        return self._changed(Changes(frozenset(tagged), tags=True))

    def delete_tag(self, name: str) -> Changes:
        with self._transaction() as s:
            tagged = db_tags.delete_tag(s, name)
        return self._changed(Changes(frozenset(tagged), tags=True))

    def set_note(self, paper_id: int, note: str, shared: bool | None = None) -> Changes:
        """Write the member's own note of the paper; `shared` True shows it to the
        group (read-only for them), False keeps it to the member, None leaves that as
        it was. On one's own (SQLite) library there is no group to show it to."""
        from .formats.clean import clean_block

        if shared and self.server is None:  # the flag would be kept for nobody
            raise LibraryError(
                f"{self.folder} is your own library: a note is shared with a group on a "
                "shared library (--library postgresql://...)"
            )
        note = clean_block(note)  # no ESC, NUL or bidi override in a stored note
        with self._transaction() as s:
            if not db_notes.set_note(s, paper_id, note, _now(), shared):
                return Changes()
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
        from .db.edit import cleaned, write_edit

        with self._transaction() as s:
            if not write_edit(s, paper_id, cleaned(changes), _now().year):
                return Changes()
        return self._changed(Changes(frozenset({paper_id}), fields=True))

    def revert_edit(self, before: PaperDetail, changes: PaperEdit) -> Changes:
        """Undo `edit_paper(before.id, changes)`: the fields it set as `before` had
        them, key origin and import notes included."""
        from .db.edit import undo_edit

        with self._transaction() as s:
            undo_edit(s, before, changes)
        return self._changed(Changes(frozenset({before.id}), fields=True))

    def resolve_paper_ref(self, ref: str) -> int:
        """A paper id from what a user typed: an id, or a citation key (case ignored).

        All digits is an id, unless no paper has that id and a key equals it (a key
        such as `2021` stays reachable); anything else is a key."""
        with Session(self._engine) as s:
            return db_papers.resolve_ref(s, ref)

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
            wanted = db_papers.existing(s, ids)
            db_trash.set_trashed(s, wanted, when)
        return self._changed(Changes(frozenset(wanted), rows=True, tags=True))

    def purge(self, ids: Iterable[int]) -> Changes:
        """Delete papers for good (emptying the trash)."""
        with self._transaction() as s:
            wanted = db_papers.existing(s, ids)
            db_trash.purge(s, wanted)
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
            db_papers.mark_keys_used(s, wanted, now)

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

    def incomplete_ids(self) -> list[int]:
        """Papers (not in the trash) without authors or without a year, oldest first."""
        with Session(self._engine) as s:
            return db_papers.incomplete_ids(s)

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
        from .db.completion import complete_papers
        from .lookup.complete import Target, look_up, shared_services

        with Session(self._engine) as s:
            wanted = db_papers.existing(s, ids)
            fields = db_papers.lookup_fields(s, wanted)
        chosen = arxiv_ids or {}
        # in the order asked for: the progress and the report follow it
        targets = [Target(i, *fields[i][:2], chosen.get(i, fields[i][2])) for i in wanted]
        services = services or shared_services(load_config())
        asked_before = services.requests
        found = look_up(targets, services, progress, cancel)

        filled: dict[int, tuple[str, ...]] = {}
        conflicts: dict[int, tuple[str, ...]] = {}
        unchanged: list[int] = []
        if found.answers:
            with self._transaction() as s:
                filled, conflicts, unchanged = complete_papers(s, found.answers)
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
