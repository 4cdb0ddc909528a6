"""Every private Whoosh name readinglist.search.whoosh_private uses still exists and
behaves as we expect, on a real index: an upgraded Whoosh that moved one fails here
(loudly) rather than giving wrong search results or silently slow ones."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import whoosh
from whoosh import index, query
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb import structfile
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from readinglist.search import whoosh_private
from readinglist.search.schema import make_schema

WORDS = ["diffusion", "model", "transformer", "attention", "graph", "neural", "network", "privacy"]


@pytest.fixture
def ix(tmp_path: Path) -> Iterator[Any]:
    """A real Whoosh index with our schema: 300 papers (several posting blocks for
    common words), then one deletion, so a segment has deleted documents."""
    ix = index.create_in(str(tmp_path), make_schema())
    with ix.writer() as w:
        for i in range(300):
            words = [WORDS[(i * k) % len(WORDS)] for k in range(1, 2 + i % 5)]
            w.add_document(id=i - 150, title=" ".join(words), abstract=" ".join(words * 3))
    with ix.writer() as w:
        w.delete_by_term("id", 7 - 150)
    yield ix
    ix.close()


def test_the_tested_whoosh_version() -> None:
    # the pin in pyproject.toml (>=2.7.5,<2.8); a new minor version needs this file rerun
    assert whoosh.__version__[:2] == (2, 7)


def test_btexts_is_what_prefix_queries_expand_through(ix: Any) -> None:
    assert "ixreader" in inspect.signature(query.MultiTerm._btexts).parameters
    with ix.searcher() as s:
        found = whoosh_private.btexts(query.Prefix("title", "tra"), s.reader())
    assert found == [b"transform"] or found == [b"transformer"]


def test_expanding_prefix_routes_whooshs_own_expansion_through_expand(ix: Any) -> None:
    assert "ixreader" in inspect.signature(query.Prefix._btexts).parameters

    class OnlyNetwork(whoosh_private.ExpandingPrefix):
        def expand(self, ixreader: Any) -> list[bytes]:
            return [b for b in super().expand(ixreader) if b == b"network"]

    q = OnlyNetwork("title", "n")
    with ix.searcher() as s:
        reader = s.reader()
        assert sorted(whoosh_private.btexts(query.Prefix("title", "n"), reader)) == [
            b"network",
            b"neural",
        ]
        assert {t for _, t in q.expanded_terms(reader)} == {b"network"}
        assert whoosh_private.btexts(q, reader) == [b"network"]
        # Whoosh's default matcher expands through it as well
        found = set(q.matcher(s).all_ids())
        everything = set(query.Prefix("title", "n").matcher(s).all_ids())
    assert found and found < everything


def test_deleted_documents_come_as_an_excluding_filter(ix: Any) -> None:
    assert {"child", "ids", "exclude"} <= set(inspect.signature(FilterMatcher).parameters)
    with ix.searcher() as s:
        (leaf, _), *_ = s.reader().leaf_readers()
        term = next(iter(leaf.lexicon("title")))
        m = leaf.postings("title", term)
        assert isinstance(m, FilterMatcher) and m._exclude
        deleted, inner = whoosh_private.deleted_filter(m)
        assert deleted == frozenset(leaf.deleted_docs_set) == {7}
        assert inner is m.child


def test_posting_blocks_decode_to_the_same_ids_and_weights(ix: Any) -> None:
    for name in ("_read_ids", "_read_weights", "_next_block", "is_active"):
        assert callable(getattr(W3LeafMatcher, name))
    with ix.searcher() as s:
        (leaf, _), *_ = s.reader().leaf_readers()
        for term in leaf.lexicon("abstract"):
            _, inner = whoosh_private.deleted_filter(leaf.postings("abstract", term))
            assert isinstance(inner, W3LeafMatcher)
            block = whoosh_private.leaf_postings(inner)
            assert block is not None
            # the public walk (which skips the deleted document) sees the same postings
            walk = leaf.postings("abstract", term)
            ids, weights = [], []
            while walk.is_active():
                ids.append(walk.id())
                weights.append(walk.weight())
                walk.next()
            live = [(d, w) for d, w in zip(*block, strict=True) if d != 7]
            assert live == list(zip(ids, weights, strict=True))
            assert len(ids) > 0


def test_posting_values_of_chosen_documents_are_the_public_values(ix: Any) -> None:
    """leaf_values reads a block's ids and values whole, for the wanted docnums only
    (a first phrase query's positions); the public walk gives the same values."""
    for name in ("_read_ids", "_read_values", "_next_block", "block_max_id", "is_active"):
        assert callable(getattr(W3LeafMatcher, name))
    with ix.searcher() as s:
        (leaf, _), *_ = s.reader().leaf_readers()
        for term in leaf.lexicon("abstract"):
            for wanted in (list(range(0, 300, 3)), [5, 6, 7, 8, 299], [], list(range(300))):
                _, inner = whoosh_private.deleted_filter(leaf.postings("abstract", term))
                got = whoosh_private.leaf_values(inner, wanted)
                assert got is not None
                walk, public = leaf.postings("abstract", term), {}
                while walk.is_active():  # the public walk skips the deleted document 7
                    if walk.id() in wanted:
                        public[walk.id()] = walk.value()
                    walk.next()
                assert {d: v for d, v in got.items() if d != 7} == public
                assert set(got) <= set(wanted)
        assert whoosh_private.leaf_values(object(), [1]) is None


def test_length_column_bytes_match_the_public_lengths(ix: Any) -> None:
    assert callable(_lenfield) and LENGTHS_COLUMN is not None
    with ix.searcher() as s:
        (leaf, _), *_ = s.reader().leaf_readers()
        raw = whoosh_private.length_bytes(leaf, "abstract")
        assert raw is not None and len(raw) == leaf.doc_count_all() == 300
        for docnum in range(300):
            assert byte_to_length(raw[docnum]) == leaf.doc_field_length(docnum, "abstract", 0)


def test_bm25f_keeps_per_field_b() -> None:
    assert whoosh_private.field_b(BM25F(B=0.75, title_B=0.3)) == {"title": 0.3}


def test_table_of_contents(ix: Any) -> None:
    toc = whoosh_private.read_toc(ix)
    assert toc.generation == ix.latest_generation()
    assert [seg.segment_id() for seg in toc.segments]


def test_writer_temp_storage(ix: Any) -> None:
    w = ix.writer()
    try:
        storage = whoosh_private.temp_storage(w)
        assert callable(storage.destroy) and callable(storage.create_file)
    finally:
        w.cancel()


def test_id_column_unpacks_in_one_go(ix: Any) -> None:
    with ix.searcher() as s:
        (leaf, _), *_ = s.reader().leaf_readers()
        column = leaf.column_reader("id")
        values = whoosh_private.unsigned_column_ints(column, leaf.doc_count_all())
        assert values is not None
        field = ix.schema["id"]
        offset = field.from_column_value(0)
        assert [v + offset for v in values] == list(column) == list(range(-150, 150))


def test_buffer_file_reads_through_our_reader() -> None:
    # installed when readinglist.search.index is imported (zerocopy.py)
    import readinglist.search.index  # noqa: F401

    cls = structfile.BufferFile
    assert getattr(cls, "_zero_copy", False)
    assert list(inspect.signature(cls.__init__).parameters) == ["self", "buf", "name", "onclose"]
    f = cls(memoryview(b"abcdef\nxyz"), name="t")
    assert f.get(1, 3) == b"bcd"  # Whoosh's positioned read over our `_buf`
    assert f.read(3) == b"abc" and f.readline() == b"def\n" and f.tell() == 7
    f.close()
    assert f.is_closed


def _term_stats(ix: Any) -> dict[tuple[str, bytes], tuple[float, ...]]:
    with ix.searcher() as s:
        r = s.reader()
        return {
            (fn, t): (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length())
            for fn, t in r.all_terms()
            for ti in [r.term_info(fn, t)]
        }


def test_segment_flush_takes_its_lengths_from_per_document_reader(tmp_path: Path) -> None:
    from whoosh.writing import SegmentWriter

    # _flush_segment hands what per_document_reader() returns to add_postings
    flush = inspect.getsource(SegmentWriter._flush_segment)
    assert "self.per_document_reader()" in flush and "add_postings(self.schema, pdr" in flush
    asked: list[str] = []

    class Counting:
        def __init__(self, pdr: Any) -> None:
            self.pdr = pdr

        def doc_field_length(self, docnum: int, fieldname: str) -> int:
            asked.append(fieldname)
            return int(self.pdr.doc_field_length(docnum, fieldname, 0))

        def close(self) -> None:
            self.pdr.close()

    def build(folder: Path, route: bool) -> Any:
        folder.mkdir()
        ix = index.create_in(str(folder), make_schema())
        w = ix.writer()
        if route:
            whoosh_private.route_flush_lengths(w, Counting)
        for i in range(50):
            w.add_document(id=i, title=" ".join(WORDS[: 1 + i % 8]), status="unread")
        w.commit()
        return ix

    routed, plain = build(tmp_path / "routed", True), build(tmp_path / "plain", False)
    assert {"id", "title", "status"} <= set(asked)
    assert _term_stats(routed) == _term_stats(plain)
    routed.close()
    plain.close()


def test_per_document_length_bytes_match_the_public_lengths(ix: Any) -> None:
    with ix.searcher() as s:
        (leaf, _), *_ = s.reader().leaf_readers()
        perdoc = leaf._perdoc
        raw = whoosh_private.perdoc_length_bytes(perdoc, 300, "title")
        assert raw is not None and len(raw) == 300
        for docnum in range(300):
            assert byte_to_length(raw[docnum]) == perdoc.doc_field_length(docnum, "title", 0)
        assert whoosh_private.perdoc_length_bytes(perdoc, 300, "status") == bytes(300)


def test_a_segment_is_built_without_a_lock_and_committed_by_another_writer(
    tmp_path: Path,
) -> None:
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.writing import SegmentWriter

    # the steps of SegmentWriter.commit() and the keyword whoosh_private relies on
    assert "_lk" in inspect.signature(SegmentWriter.__init__).parameters
    for name in ("_check_state", "_merge_segments", "_finalize_segment", "_close_segment"):
        assert callable(getattr(SegmentWriter, name))
    assert list(inspect.signature(SegmentWriter._merge_segments).parameters) == [
        "self",
        "mergetype",
        "optimize",
        "merge",
    ]
    assert list(inspect.signature(SegmentWriter._commit_toc).parameters) == ["self", "segments"]
    assert callable(SegmentWriter._finish)

    ix = index.create_in(str(tmp_path), make_schema())
    with ix.writer() as w:
        w.add_document(id=1, title="old graph")
    main = ix.writer(codec=W3Codec(compression=0))  # holds Whoosh's lock
    assert main._added is False
    other = whoosh_private.unlocked_writer(ix, W3Codec(compression=0))
    other.add_document(id=2, title="graph built elsewhere")
    segment = whoosh_private.finish_unlocked(other)
    assert other.is_closed and segment.doc_count_all() == 1
    main.delete_by_term("id", 1)
    main.add_document(id=3, title="graph built here")
    assert main._added is True
    whoosh_private.commit_with_segments(main, lambda w, segs: list(segs), lambda: [segment])
    info = whoosh_private.read_toc(ix)
    assert [s.doc_count_all() for s in info.segments] == [1, 1, 1]
    assert info.segments[1].segment_id() == segment.segment_id()  # before the writer's own
    with ix.searcher() as s:
        found = [s.stored_fields(d)["title"] for d in s.reader().all_doc_ids()]
    assert found == ["graph built elsewhere", "graph built here"]
