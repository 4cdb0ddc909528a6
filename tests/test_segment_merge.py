"""After a catch-up the child process merges the index's segments (issue 10 item 5):
a bounded number is left, and every search answers as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist import indexer
from readinglist.domain import Filter, PaperDraft
from readinglist.indexer import IndexFollower
from readinglist.library import Library
from readinglist.search import merging
from readinglist.search.index import SearchIndex

QUERIES = ["attention", "zebra", "study", '"case 7"', "detail*", "year:[2005 TO 2010]"]


def _drafts(n: int) -> list[PaperDraft]:
    return [
        PaperDraft(
            title=f"Study {i} of {'zebra' if i % 7 == 0 else 'attention'}",
            abstract=f"We examine case {i % 50} in detail.",
            year=2000 + i % 20,
        )
        for i in range(n)
    ]


def _answers(lib: Library) -> dict[str, list[int]]:
    return {
        q: sorted(r.id for r in lib.listing(Filter(query=q), limit=100_000).rows) for q in QUERIES
    }


def _segment_count(ix: SearchIndex) -> int:
    return len(ix._ix._segments())


def test_child_catch_up_merges_segments_and_answers_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer, "CHILD_BATCH", 300)  # many batches: many segments
    monkeypatch.setattr(indexer, "MERGE_STEP_DOCS", 1000)
    folder = tmp_path / "lib"
    lib = Library(folder)
    lib.import_drafts(_drafts(3000), source="x")
    lib.close(catch_up=False)
    lib = Library(folder)
    try:
        follower = lib._follower
        # the window's side: no merging; index as the child would, batch for batch
        unmerged = IndexFollower(follower._engine, follower.index, in_child=False)
        unmerged._batch = indexer.CHILD_BATCH
        unmerged.catch_up()
        before = _segment_count(follower.index)
        assert before >= 8
        expected = _answers(lib)
        # the same again as the child: rebuilt, then merged in steps
        child_side = IndexFollower(follower._engine, follower.index, in_child=True)
        assert child_side.rebuild() == 3000
        assert child_side.merge_segments() >= 1
        assert _segment_count(follower.index) <= merging.TARGET_SEGMENTS
        assert _answers(lib) == expected
        assert not lib.index_behind()
    finally:
        lib.close(catch_up=False)


def test_catch_up_in_the_child_ends_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`catch_up` in child mode merges on its own; changes made meanwhile are indexed."""
    monkeypatch.setattr(indexer, "CHILD_BATCH", 250)
    monkeypatch.setattr(indexer, "MERGE_STEP_DOCS", 600)
    folder = tmp_path / "lib"
    lib = Library(folder)
    ids = lib.import_drafts(_drafts(2500), source="x").added
    lib.close(catch_up=False)
    lib = Library(folder)
    try:
        follower = lib._follower
        child_side = IndexFollower(follower._engine, follower.index, in_child=True)
        real_optimize = follower.index.optimize
        calls: list[int] = []

        def optimize_then_write(budget: int = 0) -> bool:
            more = real_optimize(budget)
            if not calls:  # a note saved while the child merges
                lib.set_note(ids[3], "kangaroo")
            calls.append(budget)
            return more

        monkeypatch.setattr(follower.index, "optimize", optimize_then_write)
        assert child_side.catch_up() == 2500
        assert calls and all(b == 600 for b in calls)
        assert _segment_count(follower.index) <= merging.TARGET_SEGMENTS
        assert not lib.index_behind()  # the note was indexed between merge steps
        assert [r.id for r in lib.listing(Filter(query="kangaroo")).rows] == [ids[3]]
        assert len(lib.listing(Filter(query="study"), limit=100_000).rows) == 2500
    finally:
        lib.close(catch_up=False)
