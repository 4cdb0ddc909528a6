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


def test_length_tables_write_the_same_index_and_look_each_field_up_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.codec.whoosh3 import W3PerDocReader

    looked_up: list[str] = []
    has_column = W3PerDocReader.has_column

    def counting_has_column(self: W3PerDocReader, fieldname: str) -> bool:
        looked_up.append(fieldname)
        return bool(has_column(self, fieldname))

    monkeypatch.setattr(W3PerDocReader, "has_column", counting_has_column)
    tables = SearchIndex(tmp_path / "tables", "lib")
    tables.apply([paper(i) for i in range(1, 400)], [], 1)
    # one look per field of the segment (Whoosh's own: one per posting of id, status,
    # year, whose lengths are not kept)
    assert looked_up and len(looked_up) == len(set(looked_up))

    monkeypatch.setattr(pool, "use_length_tables", lambda writer: None)  # Whoosh's lookups
    own = SearchIndex(tmp_path / "own", "lib")
    own.apply([paper(i) for i in range(1, 400)], [], 1)
    assert len(looked_up) > 3 * 399
    for q in ("alpha", "gamma delta", "n17", "tag:t1", "author:lovelace", '"beta gamma"'):
        a = tables.search(q, limit=None, highlight=False)
        b = own.search(q, limit=None, highlight=False)
        assert a.total == b.total > 0
        assert [(h.id, round(h.score, 9)) for h in a.hits] == [
            (h.id, round(h.score, 9)) for h in b.hits
        ]
    tables.close()
    own.close()
