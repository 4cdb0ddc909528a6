"""The short-sort posting pool (Whoosh only): many small sorted runs, one right index."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.search import pool
from readinglist.search.document import IndexDoc
from readinglist.search.index import SearchIndex


def paper(i: int) -> IndexDoc:
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    title = " ".join(words[(i + k) % len(words)] for k in range(3)) + f" n{i}"
    return IndexDoc(
        i,
        title,
        f"abstract about {words[i % 8]} number {i}",
        "Ada Lovelace",
        ("t1",) if i % 2 else (),
        "",
        "",
        2020,
        "unread",
    )


def test_runs_are_merged_into_one_sorted_stream(tmp_path: Path) -> None:
    p = pool.ShortSortPool(None, None, run_postings=3)
    items = [("title", f"w{k % 7}".encode(), k, 1.0, None) for k in range(20, 0, -1)]
    for item in items:
        p.add(item)
    assert len(p._runs) == 6  # 20 postings in runs of 3 (the last 2 still waiting)
    assert list(p.items()) == sorted(items)
    assert p._runs == [] and p.current == []


def test_index_built_through_small_runs_finds_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "RUN_POSTINGS", 50)  # dozens of runs per commit
    runs = 0
    save = pool.ShortSortPool.save

    def counting_save(self: pool.ShortSortPool) -> None:
        nonlocal runs
        runs += bool(self.current)
        save(self)

    monkeypatch.setattr(pool.ShortSortPool, "save", counting_save)
    small = SearchIndex(tmp_path / "small", "lib")
    small.apply([paper(i) for i in range(1, 400)], [], 1)
    assert runs > 20
    monkeypatch.setattr(pool, "RUN_POSTINGS", 10**9)  # one run: Whoosh's own single sort
    big = SearchIndex(tmp_path / "big", "lib")
    big.apply([paper(i) for i in range(1, 400)], [], 1)
    for q in ("alpha", "gamma delta", "n17", "tag:t1", "author:lovelace", '"beta gamma"', "number"):
        a = small.search(q, limit=None, highlight=False)
        b = big.search(q, limit=None, highlight=False)
        assert a.total == b.total > 0
        assert [(h.id, round(h.score, 9)) for h in a.hits] == [
            (h.id, round(h.score, 9)) for h in b.hits
        ]
    small.close()
    big.close()
