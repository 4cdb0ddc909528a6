"""The full-text index on SQLite FTS5: `SearchIndex`'s contract, another engine.

Storage: `fts5.sqlite` in `folder` (marked as ours, see folder.py: a wipe removes
only the files SQLite and we write; never the library database, so the index
stays a deletable cache).
One FTS5 table holds every paper (rowid = paper id); `meta` holds the library id,
schema version and `seq`, written in the same transaction as the documents, so
`seq` can never run ahead of them.

Text is folded (`remove_diacritics 2`) and porter-stemmed; ranking is bm25 with
the Whoosh engine's field weights. Locking: SQLite's own. WAL lets a search read
the last commit while an apply writes; one connection reads and one writes, each
behind its own lock, so a search never waits for an apply in this process either.
Across processes, writes also hold the folder's lock (folder.py), so a catch-up
reads `seq` and records the new one with no other writer in between; a reset is
a transaction that deletes every row (never a wipe under other processes' open
connections). A failed write (read-only folder, full disk) rolls back and raises
IndexUnwritable.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import sqlite3
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from readinglist.domain import SearchHit

from .document import IndexDoc, SearchResults
from .folder import FolderLock, IndexLocked, IndexUnwritable, claim, mark, probe_writable, wipe
from .fts_query import COLUMNS, EVERY, WEIGHTS, exact_token, to_match, year_token
from .index import HIGHLIGHT_TOP

log = logging.getLogger(__name__)

DB_FILE = "fts5.sqlite"
# Bump when columns or tokenizer change: a file with another version is rebuilt.
SCHEMA_VERSION = 1
# Snippets of long fields: about SNIPPET_TOKENS words around the matches.
SNIPPET_TOKENS = 40
_OPEN, _CLOSE = "\x01", "\x02"  # markers that cannot occur in HTML-escaped text
_MERGE_PAGES = 2000  # FTS5 'merge' work per optimize() call


def _row(doc: IndexDoc) -> tuple[object, ...]:
    tags = [t for t in doc.tags if t.strip()]
    return (
        doc.id,
        doc.title,
        doc.abstract,
        doc.authors,
        " ; ".join(tags),
        doc.note,
        doc.venue,
        " ".join(exact_token("tg", t) for t in tags),
        f"{exact_token('st', doc.status)} {EVERY}",
        year_token(doc.year) if doc.year is not None else "",
    )


def _html(marked: str) -> str:
    """FTS5 output with the marker characters turned into <b>, everything else escaped."""
    return html.escape(marked).replace(_OPEN, "<b>").replace(_CLOSE, "</b>")


class FtsSearchIndex:
    def __init__(self, folder: Path, library_id: str, *, lock_timeout: float = 60.0) -> None:
        self._folder = Path(folder)
        self._library_id = library_id
        self._lock_timeout = lock_timeout
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._lock = FolderLock(self._folder)
        self._frozen = False  # read through an immutable connection (read-only folder)
        self._open()

    # -- opening, wiping -------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._frozen:
            # a read-only folder: SQLite cannot make its WAL index (-shm) there, and
            # nobody can write the file, so it may be read as immutable
            uri = f"{(self._folder / DB_FILE).absolute().as_uri()}?mode=ro&immutable=1"
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        con = sqlite3.connect(
            self._folder / DB_FILE,
            timeout=self._lock_timeout,
            isolation_level=None,  # explicit BEGIN/COMMIT below
            check_same_thread=False,  # guarded by our locks
        )
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")  # a lost commit is re-applied from seq
        return con

    def _open(self) -> None:
        claim(self._folder, self._library_id)  # NotOurFolder: refused, untouched
        if self._try_open(quiet=True):
            return
        with self._writing():  # look again: another process may be creating it
            if not self._try_open(quiet=False):
                self._create()

    def _try_open(self, *, quiet: bool) -> bool:
        try:
            if (self._folder / DB_FILE).exists():
                try:
                    con = self._connect()
                except sqlite3.OperationalError:
                    if self._frozen or not _read_only(self._folder):
                        raise
                    self._frozen = True  # search what is there; writes will say why not
                    con = self._connect()
                meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
                con.execute("SELECT rowid FROM papers WHERE papers MATCH 'title : a' LIMIT 1")
                if meta.get("library_id") == self._library_id and meta.get("schema") == str(
                    SCHEMA_VERSION
                ):
                    self._close_connections()
                    self._writer, self._reader = con, self._connect()
                    return True
                con.close()
        except sqlite3.Error as exc:  # any damage means: rebuild from the database
            if not quiet:
                log.warning("search index in %s unreadable (%s); recreating", self._folder, exc)
        return False

    def _create(self) -> None:
        """A new, empty index file (call holding the folder's lock); only files we
        know by name are removed, and nothing when the folder cannot be written."""
        self._close_connections()
        probe_writable(self._folder)
        wipe(self._folder)
        mark(self._folder, self._library_id)
        con = self._connect()
        weights = ", ".join(str(w) for w in WEIGHTS)
        con.executescript(
            f"""
            BEGIN;
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE VIRTUAL TABLE papers USING fts5({", ".join(COLUMNS)},
                tokenize = 'porter unicode61 remove_diacritics 2', prefix = '3');
            INSERT INTO papers(papers, rank) VALUES('rank', 'bm25({weights})');
            INSERT INTO meta VALUES ('library_id', {_sql_str(self._library_id)}),
                ('schema', '{SCHEMA_VERSION}'), ('seq', '0');
            COMMIT;
            """
        )
        self._writer, self._reader = con, self._connect()

    # after close() the index still works, like the Whoosh one: connect again
    def _reader_connection(self) -> sqlite3.Connection:
        if self._reader is None:
            self._reader = self._connect()
        return self._reader

    def _writer_connection(self) -> sqlite3.Connection:
        if self._writer is None:
            self._writer = self._connect()
        return self._writer

    @contextlib.contextmanager
    def _writing(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the folder's lock; a write the disk refuses becomes IndexUnwritable."""
        with self._lock.hold(self._lock_timeout if timeout is None else timeout):
            try:
                yield
            except (OSError, sqlite3.OperationalError) as exc:
                text = str(exc)
                if isinstance(exc, sqlite3.OperationalError) and not any(
                    w in text for w in ("readonly", "disk", "full", "I/O", "unable to open")
                ):
                    raise
                raise IndexUnwritable(
                    f"cannot write the search index in {self._folder}: {text}"
                ) from exc

    def exclusive(self, timeout: float | None = None) -> contextlib.AbstractContextManager[None]:
        """Hold the cross-process write lock across several calls (a whole catch-up)."""
        return self._writing(timeout)

    def _close_connections(self) -> None:
        for con in (self._writer, self._reader):
            if con is not None:
                con.close()
        self._writer = self._reader = None

    # -- the contract ----------------------------------------------------------

    @property
    def seq(self) -> int:
        """The library change number the index is up to date with (0: empty)."""
        with self._read_lock:
            row = (
                self._reader_connection()
                .execute("SELECT value FROM meta WHERE key = 'seq'")
                .fetchone()
            )
        return int(row[0]) if row else 0

    def apply(self, docs: Sequence[IndexDoc], deleted: Sequence[int], seq: int) -> None:
        """Add or replace `docs`, remove `deleted` ids and record `seq`, in one transaction.

        An id in both lists ends up deleted. Waits up to `lock_timeout` for
        another process's write (then IndexLocked).
        """
        gone = set(deleted)
        with self._writing(), self._write_lock:
            con = self._writer_connection()
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "lock" not in str(exc) and "busy" not in str(exc):
                    raise
                raise IndexLocked(
                    "the search index is busy in another ReadingList process; try again"
                ) from exc
            try:
                drop = [(i,) for i in gone | {d.id for d in docs}]
                con.executemany("DELETE FROM papers WHERE rowid = ?", drop)
                con.executemany(
                    f"INSERT INTO papers(rowid, {', '.join(COLUMNS)})"
                    f" VALUES ({', '.join('?' * (len(COLUMNS) + 1))})",
                    [_row(d) for d in docs if d.id not in gone],
                )
                con.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(seq),))
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise

    def optimize(self, budget: int = _MERGE_PAGES) -> bool:
        """Let FTS5 merge some b-tree segments (about `budget` pages); True if it did.

        FTS5 merges on its own as it goes (automerge); this is optional tidying.
        """
        with self._write_lock:
            con = self._writer_connection()
            before = con.total_changes
            try:
                con.execute("INSERT INTO papers(papers, rank) VALUES('merge', ?)", (budget,))
            except sqlite3.OperationalError:  # busy in another process: later
                return True
            return con.total_changes - before > 1

    def reset(self) -> None:
        """Empty the index; `seq` becomes 0 so the caller re-feeds everything.

        One transaction (other processes' connections see the old index or the
        empty one), not a wipe of the file under them.
        """
        with self._writing(), self._write_lock:
            con = self._writer_connection()
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("DELETE FROM papers")
                con.execute("UPDATE meta SET value = '0' WHERE key = 'seq'")
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise

    def warm(self) -> None:
        """Nothing to prepare: SQLite opens and pages in what a query needs in ms."""

    def close(self) -> None:
        with self._write_lock, self._read_lock:
            self._close_connections()

    def search(
        self,
        query: str,
        *,
        limit: int | None = 100,
        as_you_type: bool = False,
        restrict: Collection[int] | None = None,
        highlight: bool = True,
    ) -> SearchResults:
        """Papers matching `query`, best first; `total` is exact.

        `restrict` keeps only those paper ids; with `highlight`, the first
        HIGHLIGHT_TOP hits carry title/abstract snippets.
        """
        match = to_match(query, as_you_type=as_you_type)
        if match is None or (restrict is not None and not restrict):
            return SearchResults((), 0)
        where, params = "papers MATCH ?", [match]
        if restrict is not None:
            where += " AND +rowid IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(restrict)))
        with self._read_lock:
            con = self._reader_connection()
            try:
                con.execute("BEGIN")  # one snapshot for the hits and their count
                ranked = con.execute(
                    f"SELECT rowid, -rank FROM papers WHERE {where} ORDER BY rank LIMIT ?",
                    [*params, -1 if limit is None else limit],
                ).fetchall()
                if limit is not None and len(ranked) == limit:
                    total = con.execute(f"SELECT count(*) FROM papers WHERE {where}", params)
                    total_n = int(total.fetchone()[0])
                else:
                    total_n = len(ranked)
                marks: dict[int, Mapping[str, str]] = {}
                if highlight and ranked:
                    marks = self._highlight(con, match, [i for i, _ in ranked[:HIGHLIGHT_TOP]])
            except sqlite3.OperationalError as exc:
                # FTS5 rejects a few expressions our translator lets through
                # (e.g. a phrase of only stop characters): nothing found
                log.debug("FTS5 rejected %r (%s): %s", query, match, exc)
                return SearchResults((), 0)
            finally:
                if con.in_transaction:
                    con.execute("COMMIT")
        hits = tuple(
            SearchHit(pid, score, marks.get(pid, MappingProxyType({}))) for pid, score in ranked
        )
        return SearchResults(hits, total_n)

    def highlights(
        self, query: str, ids: Collection[int], *, as_you_type: bool = False
    ) -> dict[int, Mapping[str, str]]:
        """Snippets for papers beyond the first HIGHLIGHT_TOP (e.g. scrolled into view)."""
        match = to_match(query, as_you_type=as_you_type)
        if match is None or not ids:
            return {}
        with self._read_lock:
            try:
                return self._highlight(self._reader_connection(), match, list(ids))
            except sqlite3.OperationalError:
                return {}

    # -- internals -------------------------------------------------------------

    def _highlight(
        self, con: sqlite3.Connection, match: str, ids: Sequence[int]
    ) -> dict[int, Mapping[str, str]]:
        rows = con.execute(
            "SELECT rowid, highlight(papers, 0, ?, ?), snippet(papers, 1, ?, ?, '…', ?)"
            " FROM papers WHERE papers MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
            (_OPEN, _CLOSE, _OPEN, _CLOSE, SNIPPET_TOKENS, match, json.dumps(list(ids))),
        ).fetchall()
        return {
            pid: MappingProxyType({"title": _html(title), "abstract": _html(abstract)})
            for pid, title, abstract in rows
        }


def _read_only(folder: Path) -> bool:
    try:
        probe_writable(folder)
    except IndexUnwritable:
        return True
    return False


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


__all__ = ["FtsSearchIndex"]
