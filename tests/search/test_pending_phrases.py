"""Papers not yet indexed answer phrases as the index will (pending.py + the compiler)."""

from __future__ import annotations

from readinglist.search.compiler import QueryBuilder
from readinglist.search.document import IndexDoc
from readinglist.search.pending import PendingSearch, _clauses, pending_entry
from readinglist.search.schema import make_schema


def doc(id: int, title: str, note: str = "") -> IndexDoc:
    return IndexDoc(id, title, "", "", (), note, "", None, "unread")


DOCS = [
    doc(1, "Diffusion of models across labs"),
    doc(2, "Diffusion models beat GANs"),
    doc(3, "Diffusion for models of the brain", note="the idea of a ranking"),
]


def pending() -> PendingSearch:
    cache = PendingSearch()
    cache.update(0, 3, ((d.id, pending_entry(d, d.id)) for d in DOCS))
    return cache


def test_phrases_with_and_without_stop_words() -> None:
    cache = pending()
    assert cache.matches('"diffusion of models"') == [1]
    assert cache.matches('"diffusion for models"') == [3]
    assert cache.matches('"diffusion models"') == [2]
    assert cache.matches('note:"idea of the ranking"') == [3]
    assert cache.matches('-"diffusion of models" diffusion') == [2, 3]


def test_a_stop_word_phrase_still_narrows_the_candidates() -> None:
    q = QueryBuilder(make_schema()).parse('"diffusion of models"')
    assert q is not None
    clauses = _clauses(q)
    assert clauses and all(clause for clause in clauses)  # not "every pending paper"
