"""The full-text index: a derived cache that follows the library database.

Storage: a Whoosh index in `folder` (marked as ours, see folder.py: a wipe removes
only the files Whoosh and we write) plus `readinglist-index.json` with the library
id, schema version and `seq`,
the library change number the index has caught up with. `seq` is written only
after the Whoosh commit, so a crash in between leaves `seq` behind the index, and
re-applying the same batch is harmless (documents are replaced by id).

Locking:
- Within a process, `apply`/`reset` hold a writer lock (one Whoosh writer at a time)
  and `search` holds a reader lock around the one open searcher and its caches; a
  search waits for another search, and for an apply only while it refreshes the
  searcher to find old copies of the papers it replaces (milliseconds).
- Across processes, the folder's lock (folder.py) for every write: `apply`, `reset`,
  a wipe, leftover cleanup; `exclusive()` lets the follower hold it for a whole
  catch-up. Waits up to `lock_timeout` seconds (then IndexLocked). Segments are
  immutable and the table of contents is replaced atomically, so readers never
  see half a commit; a reset is a commit that drops every segment (not a wipe), so
  a reader in another process sees the old index or the new one, never no index.
- A write that fails (read-only folder, full disk) raises IndexUnwritable, leaves
  `seq` at what was committed, and its temp and unreferenced files are removed
  then or at the next open.
- The searcher is refreshed (not reopened) before each query when the index's
  generation changed, so commits from this or another process become visible.

Queries are parsed by query.py, compiled by compiler.py and scored by evaluate.py
from cached postings, with Whoosh's BM25F; Whoosh's matchers run only what the
evaluator does not handle.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import whoosh.query
from whoosh import index
from whoosh.index import EmptyIndexError, LockError, clean_files
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.writing import CLEAR

from readinglist.domain import SearchHit

from . import highlight, merging, partner, pool, whoosh_private, zerocopy
from .compiler import QueryBuilder, positive_terms
from .document import IndexDoc, SearchResults
from .evaluate import Evaluator, segment_key
from .folder import (
    INDEX_NAME,
    FolderLock,
    IndexUnwritable,
    claim,
    mark,
    probe_writable,
    remove_leftovers,
    unwritable,
    wipe,
)
from .folder import (
    IndexLocked as IndexLocked,  # re-exported: callers catch it from here
)
from .schema import DEFAULT_FIELDS, HIGHLIGHT_FIELDS, SCHEMA_VERSION, fields_for, make_schema

log = logging.getLogger(__name__)
zerocopy.install()  # before any index is opened: see zerocopy.py

META_FILE = "readinglist-index.json"
# Highlighting re-tokenises stored text: done for the first hits only (the visible
# rows); `highlights()` fetches more on demand.
HIGHLIGHT_TOP = 25
# Documents `optimize()` merges per call by default (about a minute of work).
OPTIMIZE_DOCS = 20_000
# What a searcher meets when another process replaced or wiped the files under it
# between reading the table of contents and opening them: look again.
_VANISHED = (OSError, EmptyIndexError, ValueError, EOFError)


class SearchIndex:
    def __init__(
        self,
        folder: Path,
        library_id: str,
        *,
        lock_timeout: float = 60.0,
        short_sorts: bool = True,
    ) -> None:
        """`short_sorts`: sort a commit's postings in short runs (pool.py), for a
        process whose other threads (a window) must not wait for the GIL; False
        sorts them in one go (a CLI command, the catch-up child: 12% less CPU)."""
        self._folder = Path(folder)
        self._run_postings = None if short_sorts else pool.ONE_RUN
        self._library_id = library_id
        self._lock_timeout = lock_timeout
        self._schema = make_schema()
        self._builder = QueryBuilder(self._schema)
        self._write_lock = threading.Lock()
        self._read_lock = threading.RLock()
        self._searcher: Any = None
        self._generation = -1
        # per searcher generation: docnum -> paper id, and paper id -> live docnum
        self._ids: list[int] | None = None
        self._docnums: dict[int, int] | None = None
        self._evaluator: Evaluator | None = None
        # per segment id, kept across searchers: paper ids, and (id, field) -> lengths
        self._segment_ids: dict[str, list[int]] = {}
        self._segment_lengths: dict[tuple[str, str], bytes] = {}
        self._lock = FolderLock(self._folder)
        self._partner = partner.Partner()  # builds half of a big batch (partner.py)
        self._holds = 0  # depth of exclusive() holds: the partner lives as long
        self._ix: Any = self._open()

    # -- opening, wiping -------------------------------------------------------

    def _open(self) -> Any:
        claim(self._folder, self._library_id)  # NotOurFolder: refused, untouched
        ix = self._try_open(quiet=True)
        if ix is not None:
            return ix
        # look again holding the lock: another process may be creating it, or its
        # commit may have replaced the table of contents we were reading
        with self._writing():
            ix = self._try_open(quiet=False)
            if ix is None:
                ix = self._create()
        return ix

    def _try_open(self, *, quiet: bool) -> Any:
        """The index if it is ours, this library's, of this schema and readable."""
        meta = self._read_meta()
        if (
            meta is None
            or meta.get("library_id") != self._library_id
            or meta.get("schema") != SCHEMA_VERSION
        ):
            return None
        try:
            ix = index.open_dir(str(self._folder), indexname=INDEX_NAME, schema=self._schema)
            # opening every segment makes garbage fail here; the searcher is kept
            # for the first search (opening the segments twice cost 0.2 s at 100k)
            searcher, generation = self._open_searcher(None, ix)
            try:
                reader = searcher.reader()
                reader.doc_count()
                next(iter(reader.lexicon("title")), None)
            except BaseException:
                searcher.close()
                raise
        except Exception as exc:  # any damage means: rebuild from the database
            if not quiet:
                log.warning("search index in %s unreadable (%s); recreating", self._folder, exc)
            return None
        self._drop_searcher()
        self._searcher, self._generation = searcher, generation
        self._tidy(ix)
        return ix

    def _tidy(self, ix: Any) -> None:
        """Remove what failed or killed writes left (temp files, segments no table of
        contents names); only when no other process is writing (its new segment is
        not referenced yet), and quietly when the folder is read-only."""
        try:
            if not self._lock.acquire(0.0):
                return
        except IndexUnwritable:
            return
        try:
            remove_leftovers(self._folder)
            info = whoosh_private.read_toc(ix)
            clean_files(ix.storage, INDEX_NAME, info.generation, info.segments)
        except Exception as exc:  # tidying is optional: the next open tries again
            log.debug("could not tidy the index folder %s: %s", self._folder, exc)
        finally:
            self._lock.release()

    def _create(self) -> Any:
        """An empty index in our folder (call holding the lock); only files we know
        by name are removed, and nothing when the folder cannot be written."""
        probe_writable(self._folder)
        wipe(self._folder)
        mark(self._folder, self._library_id)
        ix = index.create_in(str(self._folder), self._schema, indexname=INDEX_NAME)
        self._write_meta(0)
        return ix

    @contextlib.contextmanager
    def _writing(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the folder's lock; an OS error becomes IndexUnwritable (one clear line)
        after removing what the failed write left."""
        with self._lock.hold(self._lock_timeout if timeout is None else timeout):
            try:
                yield
            except OSError as exc:
                remove_leftovers(self._folder)
                self._clean_unreferenced()
                raise unwritable(self._folder, exc) from exc

    def _clean_unreferenced(self) -> None:
        with contextlib.suppress(Exception):
            info = whoosh_private.read_toc(self._ix)
            clean_files(self._ix.storage, INDEX_NAME, info.generation, info.segments)

    @contextlib.contextmanager
    def exclusive(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the cross-process write lock across several calls (a whole catch-up),
        so no other process writes between reading `seq` and recording the new one.
        A partner process started meanwhile is kept for the next batch until then."""
        with self._writing(timeout):
            self._holds += 1
            try:
                yield
            finally:
                self._holds -= 1
                if not self._holds:
                    self._partner.stop()

    def _read_meta(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self._folder / META_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write_meta(self, seq: int) -> None:
        data = {"library_id": self._library_id, "schema": SCHEMA_VERSION, "seq": seq}
        tmp = self._folder / f"{META_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            tmp.write_text(json.dumps(data), "utf-8")
            os.replace(tmp, self._folder / META_FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def _drop_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher = None
        self._generation = -1
        self._ids = self._docnums = None
        self._evaluator = None

    # -- the contract ----------------------------------------------------------

    @property
    def seq(self) -> int:
        """The library change number the index is up to date with (0: empty)."""
        meta = self._read_meta()
        if meta is None or meta.get("library_id") != self._library_id:
            return 0
        seq = meta.get("seq", 0)
        return seq if isinstance(seq, int) else 0

    def apply(self, docs: Sequence[IndexDoc], deleted: Sequence[int], seq: int) -> None:
        """Add or replace `docs`, remove `deleted` ids, commit, then record `seq`.

        An id in both lists ends up deleted. Blocks while another process holds the
        write lock, up to `lock_timeout` (then IndexLocked). A failed write raises
        IndexUnwritable and records nothing. A batch of partner.SPLIT_MIN documents
        or more is built in two segments, the first half's by a partner process
        (partner.py) while this one writes the second; one commit names both.
        """
        gone = set(deleted)
        adds = [fields_for(doc) for doc in docs if doc.id not in gone]
        # the folder's lock first, then ours: the follower holds the folder's
        # lock around a whole catch-up and calls this inside it
        with self._writing(), self._write_lock:
            try:
                self._apply(adds, {*deleted, *(d.id for d in docs)})
            finally:
                if not self._holds:  # not inside exclusive(): no next batch to wait for
                    self._partner.stop()
            self._write_meta(seq)

    def _apply(self, adds: list[dict[str, object]], replaced: set[int]) -> None:
        """One commit: delete every copy of `replaced`, add `adds` (call locked)."""
        writer = self._writer()
        try:
            shared: list[dict[str, object]] = []
            if len(adds) >= partner.SPLIT_MIN and partner.wanted():
                half = len(adds) // 2
                if self._partner.start(self._folder, adds[:half]):
                    shared, adds = adds[:half], adds[half:]
            pool.prepare(writer, self._run_postings)
            live = self._live_docnums(writer)
            if live is not None:
                # our own map finds the old copies: Whoosh's lookup opens a reader
                # on every segment (0.2-0.6 s per commit at 100k papers)
                for paper_id in replaced:
                    docnum = live.get(paper_id)
                    if docnum is not None:
                        writer.delete_document(docnum)
            # a fresh index has nothing to replace: adding skips the lookups
            elif any(seg.doc_count_all() for seg in writer.segments):
                for paper_id in replaced:  # what update_document would do, per id
                    writer.delete_by_term("id", paper_id)
            add = writer.add_document
            for fields in adds:
                add(**fields)

            def others() -> list[Any]:
                if not shared:
                    return []
                segment = self._partner.finish()
                if segment is None:  # it failed: its half is ours to write, in order
                    segment = partner.build_segment(
                        self._ix, shared, run_postings=self._run_postings
                    )
                return [segment]

            # never a big merge here: see merging.py (a 100k merge took minutes)
            whoosh_private.commit_with_segments(
                writer, merging.merge_tiny, others if shared else None
            )
        except BaseException:
            # no partner file may appear after the cleanup of this failed write
            self._partner.stop(kill=True)
            _abandon(writer)
            raise

    def _writer(self) -> Any:
        try:
            return self._ix.writer(
                timeout=self._lock_timeout, delay=0.05, codec=pool.writer_codec()
            )
        except LockError as exc:  # an older ReadingList without the folder lock
            raise IndexLocked(
                "the search index is busy in another ReadingList process; try again"
            ) from exc

    def optimize(self, budget: int = OPTIMIZE_DOCS) -> bool:
        """Merge a few segments (at most `budget` documents); True if more is wanted.

        Searching many segments is slower, but merging is as slow as indexing, so
        commits never merge much (see merging.py). Call this when idle, e.g. from
        the background follower after a catch-up, until it returns False. It holds
        the write lock while merging (about 3 ms per document), and does nothing
        when another process is writing.
        """
        if not self._lock.acquire(0.0):
            return True
        try:
            with self._writing(), self._write_lock:
                if not merging.needs_merge(whoosh_private.read_toc(self._ix).segments):
                    return False
                try:
                    writer = self._ix.writer(timeout=0.0, codec=pool.writer_codec())
                except LockError:
                    return True
                try:
                    pool.prepare(writer)
                    before = len(writer.segments)
                    writer.commit(mergetype=merging.merge_budget(budget))
                except BaseException:
                    _abandon(writer)
                    raise
                after = whoosh_private.read_toc(self._ix).segments
                return merging.needs_merge(after) and len(after) < before
        finally:
            self._lock.release()

    def reset(self) -> None:
        """Empty the index; `seq` becomes 0 so the caller re-feeds everything.

        A commit that drops every segment rather than a wipe: other processes'
        searchers move from the old index to the empty one like after any commit.
        """
        with self._writing(), self._write_lock:
            with self._read_lock:
                self._drop_searcher()
            # seq first: killed in between, seq 0 over the old documents re-feeds
            # (and so replaces) them all; never a seq over an emptied index
            self._write_meta(0)
            writer = self._writer()
            try:
                writer.commit(mergetype=CLEAR)
            except BaseException:
                _abandon(writer)
                raise

    def warm(self) -> None:
        """Open the searcher and read what every query needs (paper ids, the default
        fields' lengths), so the first keystroke does not pay for it (0.5 s at 100k
        papers). Cheap when nothing changed since the last call."""
        with self._read_lock:
            searcher = self._current_searcher()
            self._id_list(searcher)
            self._evaluator_for(searcher).prepare(DEFAULT_FIELDS)

    def close(self) -> None:
        self._partner.stop()
        with self._read_lock:
            self._drop_searcher()

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
        q = self._builder.parse(query, as_you_type=as_you_type)
        if q is None or (restrict is not None and not restrict):
            return SearchResults((), 0)
        with self._read_lock:
            searcher = self._current_searcher()
            allow: set[int] | None = None
            if restrict is not None:
                docnums = self._docnum_map(searcher)
                allow = {d for i in restrict if (d := docnums.get(i)) is not None}
                if not allow:
                    return SearchResults((), 0)
            top_n, total = self._evaluator_for(searcher).top(q, limit, allow)
            ids = self._id_list(searcher)
            ranked = [(ids[docnum], score) for score, docnum in top_n]
            marks: dict[int, Mapping[str, str]] = {}
            if highlight and ranked:
                top = [docnum for _, docnum in top_n[:HIGHLIGHT_TOP]]
                marks = self._highlight(searcher, q, top)
        hits = tuple(
            SearchHit(pid, score, marks.get(pid, MappingProxyType({}))) for pid, score in ranked
        )
        return SearchResults(hits, total)

    def highlights(
        self, query: str, ids: Collection[int], *, as_you_type: bool = False
    ) -> dict[int, Mapping[str, str]]:
        """Snippets for papers beyond the first HIGHLIGHT_TOP (e.g. scrolled into view)."""
        q = self._builder.parse(query, as_you_type=as_you_type)
        if q is None:
            return {}
        with self._read_lock:
            searcher = self._current_searcher()
            docnums = self._docnum_map(searcher)
            return self._highlight(searcher, q, [docnums[i] for i in ids if i in docnums])

    # -- internals -------------------------------------------------------------

    def _current_searcher(self) -> Any:
        if self._searcher is not None and self._ix.latest_generation() == self._generation:
            return self._searcher
        for attempt in range(10):
            try:
                fresh, generation = self._open_searcher(self._searcher)
                break
            except _VANISHED:
                # a concurrent commit or reset deleted segment files between reading
                # the table of contents and opening them; the next look sees a newer one
                if attempt == 9 and self._searcher is not None:
                    log.warning("could not refresh the index searcher", exc_info=True)
                    return self._searcher
                if attempt == 9:
                    raise
                time.sleep(0.02)
        self._searcher, self._generation = fresh, generation
        self._ids = self._docnums = None
        self._evaluator = None
        self._forget_old_segments(fresh)
        return fresh

    def _open_searcher(self, old: Any, ix: Any = None) -> tuple[Any, int]:
        """A searcher on the latest commit, reusing the old one's unchanged segments.

        Whoosh-reloaded's own `Searcher.refresh()` reuses segment readers by segment
        id alone, so deletions committed to an existing segment stay invisible (and
        merged-away segments come back); here a reader is reused only when its
        segment's id and deletion count are unchanged (deletions only grow).
        """
        ix = ix if ix is not None else self._ix
        info = whoosh_private.read_toc(ix)
        reusable: dict[tuple[str, int], Any] = {}
        if old is not None:
            for leaf, _ in old.reader().leaf_readers():
                seg = leaf.segment()
                if seg is not None:
                    reusable[(seg.segment_id(), seg.deleted_count())] = leaf
        readers: list[Any] = []
        opened: list[Any] = []
        try:
            for seg in info.segments:
                leaf = reusable.pop((seg.segment_id(), seg.deleted_count()), None)
                if leaf is None:
                    leaf = SegmentReader(ix.storage, info.schema, seg, generation=info.generation)
                    opened.append(leaf)
                readers.append(leaf)
        except BaseException:
            for leaf in opened:
                leaf.close()
            raise
        if not readers:
            reader: Any = EmptyReader(info.schema)
        elif len(readers) == 1:
            reader = readers[0]
        else:
            reader = MultiReader(readers, generation=info.generation)
        for leaf in reusable.values():  # segments merged away or with new deletions
            leaf.close()
        return Searcher(reader, fromindex=ix, weighting=BM25F()), info.generation

    def _id_list(self, searcher: Any) -> list[int]:
        """docnum -> paper id, built from per-segment lists that outlive the searcher:
        segments never change their documents, so after a one-paper commit only the
        new segment is read (reading 100k ids took 0.3 s)."""
        if self._ids is None:
            ids: list[int] = []
            for leaf, _ in searcher.reader().leaf_readers():
                if not leaf.doc_count_all():
                    continue  # an empty segment has no column to read
                key = segment_key(leaf)
                part = self._segment_ids.get(key) if key else None
                if part is None:
                    part = _read_ids(leaf, self._schema["id"])
                    if key:
                        self._segment_ids[key] = part
                ids.extend(part)
            self._ids = ids
        return self._ids

    def _evaluator_for(self, searcher: Any) -> Evaluator:
        if self._evaluator is None:
            self._evaluator = Evaluator(searcher, searcher.weighting, self._segment_lengths)
        return self._evaluator

    def _forget_old_segments(self, searcher: Any) -> None:
        live = {segment_key(leaf) for leaf, _ in searcher.reader().leaf_readers()}
        for key in [k for k in self._segment_ids if k not in live]:
            del self._segment_ids[key]
        for both in [k for k in self._segment_lengths if k[0] not in live]:
            del self._segment_lengths[both]

    def _live_docnums(self, writer: Any) -> dict[int, int] | None:
        """paper id -> docnum of its live copy in the segments `writer` starts from,
        or None when our searcher cannot be brought to exactly those segments."""
        with self._read_lock:
            try:
                searcher = self._current_searcher()
            except _VANISHED:
                return None
            # we hold the index's write lock: nobody can commit past the writer's base
            if self._generation != writer.generation - 1:
                return None
            return self._docnum_map(searcher)

    def _docnum_map(self, searcher: Any) -> dict[int, int]:
        if self._docnums is None:
            ids = self._id_list(searcher)
            self._docnums = {ids[d]: d for d in searcher.reader().all_doc_ids()}
        return self._docnums

    def _highlight(
        self, searcher: Any, q: whoosh.query.Query, docnums: Sequence[int]
    ) -> dict[int, Mapping[str, str]]:
        reader = searcher.reader()
        terms: dict[str, set[str]] = {f: set() for f in HIGHLIGHT_FIELDS}
        for field, btext in positive_terms(q, reader):
            if field in terms:
                terms[field].add(self._schema[field].from_bytes(btext))
        ids = self._id_list(searcher)
        out: dict[int, Mapping[str, str]] = {}
        for docnum in docnums:
            stored = searcher.stored_fields(docnum)
            snippets = {
                field: highlight.mark(
                    stored.get(field, ""),
                    self._schema[field].analyzer,
                    terms[field],
                    snippet=field != "title",
                )
                for field in HIGHLIGHT_FIELDS
            }
            out[ids[docnum]] = MappingProxyType(snippets)
        return out


def _abandon(writer: Any) -> None:
    """Cancel a Whoosh writer after a failure; cancelling may fail too (the same full
    disk), and Whoosh's file lock must be let go of all the same."""
    try:
        writer.cancel()
    except Exception:
        with contextlib.suppress(Exception):
            writer.pool.cleanup()
        with contextlib.suppress(Exception):
            whoosh_private.temp_storage(writer).destroy()
        with contextlib.suppress(Exception):
            if writer.writelock:
                writer.writelock.release()


def _read_ids(leaf: Any, field: Any) -> list[int]:
    """A segment's `id` column. Whoosh stores it as big-endian unsigned 64-bit numbers
    (the signed value shifted): unpacked in one go; item by item, 100k ids took
    0.3 s. Anything else is read the generic way."""
    column = leaf.column_reader("id")
    count = leaf.doc_count_all()
    offset = field.from_column_value(0)
    if field.from_column_value(1) == offset + 1:
        values = whoosh_private.unsigned_column_ints(column, count)
        if values is not None:
            return [v + offset for v in values]
    return list(column)
