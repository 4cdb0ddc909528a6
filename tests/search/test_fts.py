"""FTS5-specific behaviour: the translator's output and what only FTS5 could get wrong."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from readinglist.search import FtsSearchIndex, IndexLocked, SearchIndex, open_index
from readinglist.search.document import IndexDoc
from readinglist.search.fts import DB_FILE
from readinglist.search.fts_query import exact_token, to_match


def doc(id: int, title: str, abstract: str = "", tags: tuple[str, ...] = ()) -> IndexDoc:
    return IndexDoc(id, title, abstract, "", tags, "", "", 2020, "unread")


def test_exact_tokens_survive_the_stemmer(tmp_path: Path) -> None:
    # porter would turn "readings" into "read"; an exact tag must not change
    ix = FtsSearchIndex(tmp_path / "ix", "lib")
    ix.apply([doc(1, "a", tags=("readings",)), doc(2, "b", tags=("read",))], [], 1)
    assert [h.id for h in ix.search("tag:read").hits] == [2]
    assert [h.id for h in ix.search("tag:readings").hits] == [1]
    assert {h.id for h in ix.search("tag:rea", as_you_type=True).hits} == {1, 2}
    ix.close()


def test_exact_token_is_one_word() -> None:
    token = exact_token("tg", "Reinforcement Learning, 2nd")
    assert token.isalnum() and token[-1].isdigit()
    assert token == exact_token("tg", "reinforcement learning, 2nd")


def test_quotes_in_words_cannot_break_the_expression(tmp_path: Path) -> None:
    ix = FtsSearchIndex(tmp_path / "ix", "lib")
    ix.apply([doc(1, 'The "quoted" word'), doc(2, "NEAR and OR are words here")], [], 1)
    assert [h.id for h in ix.search('quo"ted').hits] == []
    assert [h.id for h in ix.search("quoted").hits] == [1]
    assert [h.id for h in ix.search("near").hits] == [2]
    assert [h.id for h in ix.search("title:NEAR*").hits] == [2]
    ix.close()


def test_purely_negative_query_finds_the_others(tmp_path: Path) -> None:
    ix = FtsSearchIndex(tmp_path / "ix", "lib")
    ix.apply([doc(1, "graph"), doc(2, "tree"), doc(3, "forest")], [], 1)
    assert {h.id for h in ix.search("-graph").hits} == {2, 3}
    assert {h.id for h in ix.search("-(graph OR tree)").hits} == {3}
    ix.close()


def test_snippet_of_a_long_abstract_is_escaped_and_cut(tmp_path: Path) -> None:
    ix = FtsSearchIndex(tmp_path / "ix", "lib")
    abstract = "filler <x> & " * 100 + "the needle here " + "more & filler " * 100
    ix.apply([doc(1, "Title", abstract)], [], 1)
    marked = ix.search("needle").hits[0].highlights["abstract"]
    assert "<b>needle</b>" in marked
    assert "<x>" not in marked and "&amp;" in marked
    assert marked.startswith("…") and marked.endswith("…")
    assert len(marked) < len(abstract) // 4
    ix.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("NOT", None),
        ("year:[2015 TO 2016]", "year : (yr2015 OR yr2016)"),
        ("title:graph", 'title : "graph"'),
        ("author:kap", 'authors : "kap"'),
    ],
)
def test_translation(text: str, expected: str | None) -> None:
    assert to_match(text) == expected


def test_engine_is_chosen_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINGLIST_SEARCH_ENGINE", "fts5")
    fts = open_index(tmp_path / "a", "lib")
    assert isinstance(fts, FtsSearchIndex)
    fts.close()
    monkeypatch.delenv("READINGLIST_SEARCH_ENGINE")
    whoosh = open_index(tmp_path / "b", "lib")
    assert isinstance(whoosh, SearchIndex)
    whoosh.close()


def test_a_writer_in_another_process_makes_apply_wait_then_give_up(tmp_path: Path) -> None:
    ix = FtsSearchIndex(tmp_path / "ix", "lib", lock_timeout=0.1)
    other = sqlite3.connect(tmp_path / "ix" / DB_FILE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as another ReadingList process would
    with pytest.raises(IndexLocked):
        ix.apply([doc(1, "blocked")], [], 1)
    other.execute("ROLLBACK")
    other.close()
    ix.apply([doc(1, "free again")], [], 1)
    assert ix.seq == 1 and [h.id for h in ix.search("free").hits] == [1]
    ix.close()
    assert [h.id for h in ix.search("free").hits] == [1]  # usable after close, as Whoosh
    ix.close()
