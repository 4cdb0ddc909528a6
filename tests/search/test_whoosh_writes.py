"""Whoosh commits replace and delete by our own docnum map (Whoosh only)."""

from __future__ import annotations

from pathlib import Path

from readinglist.search.document import IndexDoc
from readinglist.search.index import SearchIndex


def doc(id: int, title: str) -> IndexDoc:
    return IndexDoc(id, title, "", "", (), "", "", None, "unread")


def test_replacing_keeps_one_copy_per_paper(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix", "lib")
    ix.apply([doc(i, f"alpha paper {i}") for i in range(1, 51)], [], 1)
    ix.apply([doc(7, "beta paper 7"), doc(60, "beta paper 60")], [3], 2)
    ix.apply([doc(7, "gamma paper 7")], [], 3)
    assert ix.search("paper", limit=None).total == 50  # 49 old + 60, 3 gone, 7 once
    assert {h.id for h in ix.search("alpha", limit=None).hits} == set(range(1, 51)) - {3, 7}
    assert [h.id for h in ix.search("gamma").hits] == [7]
    assert ix.search("beta").total == 1
    ix.close()


def test_two_writers_on_one_index_never_leave_stale_copies(tmp_path: Path) -> None:
    # two index objects over one folder, as the app and a CLI command beside it
    first = SearchIndex(tmp_path / "ix", "lib")
    second = SearchIndex(tmp_path / "ix", "lib")
    first.apply([doc(i, f"paper {i} version one") for i in range(1, 21)], [], 1)
    assert second.search("one").total == 20  # second's searcher is open now
    first.apply([doc(5, "paper 5 version two")], [], 2)  # second's map is stale
    second.apply([doc(5, "paper 5 version three")], [9], 3)
    first.apply([doc(5, "paper 5 version four"), doc(9, "paper 9 back")], [], 4)
    for ix in (first, second):
        assert ix.search("paper", limit=None).total == 20
        assert [h.id for h in ix.search("four").hits] == [5]
        assert ix.search("two").total == ix.search("three").total == 0
        assert [h.id for h in ix.search("back").hits] == [9]
    first.close()
    second.close()


def test_an_id_both_replaced_and_deleted_ends_deleted(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix", "lib")
    ix.apply([doc(1, "kept"), doc(2, "doomed")], [], 1)
    ix.apply([doc(2, "doomed again")], [2], 2)
    assert ix.search("doomed").total == 0
    assert ix.search("kept").total == 1
    ix.close()


def test_ids_read_in_one_go_equal_whooshs_column(tmp_path: Path) -> None:
    from readinglist.search.index import _read_ids

    ids = [1, 2, 3, 2**40, 2**62, 17, 0]
    ix = SearchIndex(tmp_path / "ix", "lib")
    ix.apply([doc(i, f"paper {i}") for i in ids[:4]], [], 1)
    ix.apply([doc(i, f"paper {i}") for i in ids[4:]], [2], 2)
    with ix._read_lock:
        searcher = ix._current_searcher()
        leaves = [leaf for leaf, _ in searcher.reader().leaf_readers()]
        assert len(leaves) == 2
        for leaf in leaves:
            assert _read_ids(leaf, ix._schema["id"]) == list(leaf.column_reader("id"))
    assert {h.id for h in ix.search("paper", limit=None).hits} == set(ids) - {2}
    ix.close()
