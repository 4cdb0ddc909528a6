"""Segment merging (Whoosh only): small commits never rewrite big segments."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.search import merging
from readinglist.search.document import IndexDoc
from readinglist.search.index import SearchIndex


def paper(id: int, title: str) -> IndexDoc:
    return IndexDoc(id, title, "", "", (), "", "", None, "unread")


def segments(ix: SearchIndex) -> list[tuple[str, int]]:
    return [(s.segment_id(), s.doc_count_all()) for s in ix._ix._segments()]


def test_small_commits_leave_big_segments_alone(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix", "lib")
    for b in range(3):  # three "big" segments of 400 documents
        ix.apply([paper(b * 400 + k, f"bulk paper {k}") for k in range(400)], [], b + 1)
    big = {sid for sid, n in segments(ix) if n == 400}
    assert len(big) == 3
    for k in range(30):  # single-paper edits, each its own commit
        ix.apply([paper(5000 + k, f"edited paper {k}")], [], 10 + k)
        assert big <= {sid for sid, _ in segments(ix)}  # never merged away
    # tiny segments were folded together instead of piling up
    assert len(segments(ix)) < 3 + merging.TINY_SEGMENTS + 1
    assert ix.search("paper").total == 3 * 400 + 30
    assert ix.search("edited").total == 30
    ix.close()


def test_optimize_merges_off_the_hot_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(merging, "TARGET_SEGMENTS", 2)
    ix = SearchIndex(tmp_path / "ix", "lib")
    for b in range(5):
        ix.apply([paper(b * 100 + k, f"bulk paper {b}") for k in range(100)], [], b + 1)
    ix.apply([], [k for k in range(100)], 6)  # the first segment is now all deleted
    ix.search("paper")  # an open searcher must see the merged index afterwards
    assert len(segments(ix)) >= 4
    rounds = 0
    while ix.optimize(budget=250):
        rounds += 1
        assert rounds < 10
    assert len(segments(ix)) <= 2
    assert ix.search("paper").total == 400
    assert ix.search("bulk").total == 400
    assert {h.id for h in ix.search("paper", limit=None, highlight=False).hits} == set(
        range(100, 500)
    )
    assert not ix.optimize()  # nothing left to do
    ix.close()
