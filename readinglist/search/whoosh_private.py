"""Every use of a private Whoosh name, behind one wall.

Whoosh (whoosh-reloaded, pinned to the tested range in pyproject.toml) keeps some
things we need for speed behind underscore names: the expansion of a multi-term
query, a posting block's decoded arrays, the raw bytes of a fixed-length column.
They live here so that an upgrade touches one file, and
tests/test_whoosh_private.py checks each name still exists with the shape we use,
so a changed Whoosh fails loudly in CI rather than returning wrong results.

Each function says what it replaces and why the public API is not enough.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


def btexts(q: Any, reader: Any) -> list[bytes]:
    """The byte terms a multi-term query (Prefix, Wildcard, our BoundedPrefix)
    expands to in `reader`.

    Replaces `q._btexts(reader)`. Public alternatives: `q.expanded_terms(reader)`
    yields (fieldname, text) pairs but skips terms not in the reader, decodes
    nothing differently and costs a tuple per term; `_btexts` is what Whoosh's own
    `MultiTerm.simplify` calls and what BoundedPrefix overrides."""
    return list(q._btexts(reader))


class ExpandingPrefix(query.Prefix):  # type: ignore[misc]  # whoosh is untyped
    """A Prefix query whose expansion is ours: subclasses define `expand(reader)`.

    Replaces overriding `Prefix._btexts(ixreader)`, the one method through which
    Whoosh's own code (`MultiTerm.simplify`, `expanded_terms`, `estimate_size`,
    the default matcher) expands a multi-term query; routing it to `expand` keeps
    every such path on our bounded list of terms (search/query.py BoundedPrefix)."""

    def expand(self, ixreader: Any) -> list[bytes]:
        return list(super()._btexts(ixreader))

    def _btexts(self, ixreader: Any) -> list[bytes]:
        return self.expand(ixreader)


def deleted_filter(m: Any) -> tuple[frozenset[int] | None, Any]:
    """(deleted docnums, inner matcher) when `m` is Whoosh's exclusion filter over
    a segment's deleted documents, else (None, m).

    Replaces `m._exclude` / `m._ids` of FilterMatcher: the public matcher skips
    deleted documents one `next()` at a time, and we read postings a block at a
    time (see leaf_postings), so we need the excluded set itself."""
    if isinstance(m, FilterMatcher) and m._exclude:
        return frozenset(m._ids), m.child
    return None, m


def leaf_postings(m: Any) -> tuple[Sequence[int], Sequence[float]] | None:
    """All docnums and weights of a Whoosh 3 leaf matcher, read a block at a time;
    None for any other matcher (the caller then walks it with id()/weight()).

    Replaces `m._read_ids()`, `m._read_weights()`, `m._ids`, `m._weights`,
    `m._next_block()` of W3LeafMatcher: the public `id()`/`weight()`/`next()` walk
    costs three Python calls per posting; a block's arrays are decoded whole."""
    if not isinstance(m, W3LeafMatcher):
        return None
    ids: list[int] = []
    weights: list[float] = []
    while m.is_active():
        m._read_ids()
        m._read_weights()
        ids.extend(m._ids)
        weights.extend(m._weights)
        m._next_block()
    return ids, weights


def leaf_values(m: Any, docnums: Sequence[int]) -> dict[int, Any] | None:
    """The encoded values (a Positions format's bytes) of the postings of `docnums`
    (sorted segment docnums) in a Whoosh 3 leaf matcher, {docnum: value} for those it
    has; only blocks that can hold one of them are decoded. None for any other
    matcher (the caller then walks it with skip_to()/value_as()).

    Replaces `m._read_ids()`, `m._read_values()`, `m._ids`, `m._values`,
    `m._next_block()` of W3LeafMatcher: the public skip_to()/id()/value() walk costs
    several Python calls per posting, and a first phrase query reads the positions
    of every document that has all its words (11k of them for "neural network" at
    100k papers)."""
    if not isinstance(m, W3LeafMatcher):
        return None
    out: dict[int, Any] = {}
    i, n = 0, len(docnums)
    while i < n and m.is_active():
        top = m.block_max_id()  # from the block's header: no data decoded yet
        if docnums[i] <= top:
            j = bisect_right(docnums, top, i)
            m._read_ids()
            m._read_values()
            found = dict(zip(m._ids, m._values, strict=True))
            for d in docnums[i:j]:
                value = found.get(d)
                if value is not None:
                    out[d] = value
            i = j
        m._next_block()
    return out


def length_bytes(leaf: Any, fieldname: str) -> bytes | None:
    """Each document's field length of a Whoosh 3 segment as one byte per document
    (Whoosh's byte_to_length coding), read whole; None for other codecs.

    Replaces `leaf._perdoc._cached_reader(...)` and the column reader's `_count`,
    `_fixedlen`, `_dbfile`, `_basepos`: the public `leaf.doc_field_length()` is one
    lookup per document (100k lookups cost 0.15 s per field per searcher)."""
    perdoc = getattr(leaf, "_perdoc", None)
    if perdoc is None:
        return None
    return perdoc_length_bytes(perdoc, leaf.doc_count_all(), fieldname)


def perdoc_length_bytes(perdoc: Any, count: int, fieldname: str) -> bytes | None:
    """length_bytes for a Whoosh 3 per-document reader (`count` documents): the
    segment a writer is flushing has one before it has a SegmentReader."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    if not hasattr(perdoc, "_cached_reader"):
        return None
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return bytes(count)
    if getattr(column, "_fixedlen", None) != 1 or not hasattr(column, "_dbfile"):
        return None
    stored = min(column._count, count)  # documents past the column's end have none
    raw = bytes(column._dbfile.get(column._basepos, stored)) if stored else b""
    return raw + bytes(count - stored)


def route_flush_lengths(writer: Any, wrap: Callable[[Any], Any]) -> None:
    """Make `writer` (a SegmentWriter) hand its postings writer `wrap(pdr)` in place
    of the per-document reader `pdr` of the segment it is flushing.

    Replaces SegmentWriter.per_document_reader on this one writer: `_flush_segment`
    calls it to get the field lengths it passes to `FieldWriter.add_postings`, which
    asks `lengths.doc_field_length(docnum, fieldname)` once per posting (a million
    times per 10k papers). Whoosh's reader answers each through a column lookup, and
    for a field without lengths (id, status, year) it stats the segment's file every
    time. The wrapper needs `doc_field_length(docnum, fieldname)` and `close()`."""
    # through a weak reference: a closure over the writer stored in the writer is a
    # reference cycle, which kept each merge's writer and what it holds (~100 MB at
    # 100k papers) alive until the next garbage collection
    import weakref

    own = type(writer).per_document_reader
    ref = weakref.ref(writer)
    writer.per_document_reader = lambda: wrap(own(ref()))


def field_b(weighting: Any) -> dict[str, float]:
    """BM25F's per-field B values. Replaces `weighting._field_B`: BM25F takes them
    as `<field>_B` keyword arguments and keeps them only in this dict; the evaluator
    needs them to compute Whoosh's own scores."""
    return dict(weighting._field_B)


def read_toc(ix: Any) -> Any:
    """The index's latest table of contents (generation, segments), read from disk.

    Replaces `ix._read_toc()`: the public `ix.latest_generation()` gives only the
    number, and reopening a reader to learn the segment list would open every
    segment's files; tidying and reusing segment readers need the list itself."""
    return ix._read_toc()


def temp_storage(writer: Any) -> Any:
    """A SegmentWriter's temporary storage (where its sorting pool spills runs).

    Replaces `writer._tempstorage`: Whoosh creates it in the writer's __init__ and
    offers no accessor; our ShortSortPool (pool.py) needs it to be constructed like
    Whoosh's own pool, and a failed cancel needs to destroy it."""
    return writer._tempstorage


def unsigned_column_ints(column: Any, count: int) -> tuple[int, ...] | None:
    """A numeric column stored as `count` big-endian unsigned 64-bit numbers, unpacked
    in one go; None when the column is stored any other way.

    Replaces the column reader's `_reader`, `_typecode`, `_count`, `_dbfile`,
    `_basepos`: iterating the public column reader costs a Python call per value
    (100k ids took 0.3 s)."""
    import struct

    raw = getattr(column, "_reader", None)
    if (
        raw is None
        or getattr(raw, "_typecode", None) != "Q"
        or getattr(raw, "_count", None) != count
        or not hasattr(raw, "_dbfile")
    ):
        return None
    data = raw._dbfile.get(raw._basepos, 8 * count)
    return struct.unpack(f"!{count}Q", data)


def install_buffer_file_reader(make_reader: Any, read_pickle: Any) -> None:
    """Make Whoosh's BufferFile (a file inside a compound segment) read through
    `make_reader(buf)` instead of `BytesIO(buf)`, and unpickle with `read_pickle`.

    Replaces BufferFile.__init__ (setting its `_buf`, `_name`, `file`, `onclose`,
    `is_real`, `is_closed` as Whoosh's own does) and BufferFile.read_pickle; the
    BytesIO copied every file of a segment into memory (see zerocopy.py). Idempotent."""
    from whoosh.filedb import structfile

    cls: Any = structfile.BufferFile
    if getattr(cls, "_zero_copy", False):
        return

    def __init__(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        # Whoosh's own initialiser, with our reader in place of BytesIO(buf)
        self._buf = buf
        self._name = name
        self.file = make_reader(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    cls.__init__ = __init__
    cls.read_pickle = read_pickle
    cls._zero_copy = True


def unlocked_writer(ix: Any, codec: Any) -> Any:
    """A SegmentWriter on `ix` that takes no Whoosh lock, for a partner process
    building one segment while the parent holds the index's locks (partner.py).

    Replaces `SegmentWriter(ix, _lk=False, ...)`, the private keyword Whoosh's own
    multiprocessing writer (whoosh.multiproc.SubWriterTask) uses for its sub-writers:
    `ix.writer()` always takes the index's WRITELOCK, which the parent holds."""
    from whoosh.writing import SegmentWriter

    return SegmentWriter(ix, _lk=False, codec=codec)


def finish_unlocked(writer: Any) -> Any:
    """Flush, close and assemble the segment of an `unlocked_writer`, committing no
    table of contents; returns the segment (picklable) for the parent's commit.

    Replaces `writer._finalize_segment()` (what MpWriter's sub-writers call with
    `multisegment=True`) and marks the writer closed without Whoosh's `_finish()`,
    which would destroy the temp storage the parent's writer shares (MAIN.tmp; the
    parent destroys it when it commits)."""
    segment = writer._finalize_segment()
    writer.is_closed = True
    return segment


def commit_with_segments(
    writer: Any, mergetype: Any, others: Callable[[], Sequence[Any]] | None = None
) -> None:
    """Commit `writer` with the segments `others()` returns (built elsewhere: by a
    partner process, or by another writer here) named in its table of contents
    between the merge policy's segments and the writer's own new one, so documents
    keep the order they were given in. `others` is called after the writer's own
    segment is written: the partner's work overlaps that too.

    Replaces SegmentWriter.commit() with its steps (`_check_state`,
    `_merge_segments`, `_finalize_segment` or `_close_segment`, `_commit_toc`,
    `_finish`, the `_added` flag), as Whoosh's own MpWriter._commit with
    `multisegment=True` calls them: commit() offers no way to name foreign segments
    or to do work between writing the segment and writing the table of contents."""
    if others is None:
        writer.commit(mergetype=mergetype)
        return
    writer._check_state()
    final = list(writer._merge_segments(mergetype, None, None))
    own = None
    if writer._added:
        own = writer._finalize_segment()
    else:
        writer._close_segment()
    final.extend(others())
    if own is not None:
        final.append(own)
    writer._commit_toc(final)
    writer._finish()
