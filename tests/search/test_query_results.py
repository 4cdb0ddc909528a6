"""The documented semantics (search/query.py) on a real Whoosh index: phrases whose
stop words count, prefixes, fields, OR's precedence, NOT."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.search.document import IndexDoc
from readinglist.search.index import SearchIndex


def doc(id: int, title: str, abstract: str = "", note: str = "", tags: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return IndexDoc(id, title, abstract, "Ada Lovelace", tags, note, "", 2020, "unread")


PAPERS = [
    doc(1, "Diffusion of models across labs", "We propose the transformer for this."),
    doc(2, "Diffusion models beat GANs", "A transformer is not used here."),
    doc(3, "Diffusion for models of the brain", "The transformer, the old one."),
    doc(4, "Learning to rank", "State of the art in ranking.", note="the idea of a ranking"),
    doc(5, "Graph neural networks", "Message passing on graphs.", tags=("survey",)),
]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    ix = SearchIndex(tmp_path / "ix", "lib")
    ix.apply(PAPERS, [], 1)
    yield ix
    ix.close()


def ids(ix: SearchIndex, text: str, *, as_you_type: bool = False) -> set[int]:
    return {h.id for h in ix.search(text, limit=None, as_you_type=as_you_type).hits}


def test_stop_words_inside_a_phrase_count(index: SearchIndex) -> None:
    assert ids(index, "diffusion models") == {1, 2, 3}  # words: stop words ignored
    assert ids(index, '"diffusion of models"') == {1}
    assert ids(index, '"diffusion for models"') == {3}
    assert ids(index, '"diffusion models"') == {2}
    assert ids(index, 'title:"diffusion of models"') == {1}
    assert ids(index, '"state of the art"') == {4}  # in the abstract
    assert ids(index, '"state of art"') == set()


def test_stop_words_at_the_ends_of_a_phrase_are_not_looked_for(index: SearchIndex) -> None:
    assert ids(index, '"the transformer"') == {1, 2, 3}
    assert ids(index, '"transformer for"') == {1, 2, 3}


def test_a_phrase_of_stop_words_only_finds_nothing(index: SearchIndex) -> None:
    assert ids(index, '"of the"') == set()
    assert ids(index, "the") == set()


def test_in_unstored_notes_any_stop_word_stands_for_a_stop_word(index: SearchIndex) -> None:
    # the note's text is not stored in the index: its phrase has only positions
    assert ids(index, 'note:"idea of a ranking"') == {4}
    assert ids(index, 'note:"idea of the ranking"') == {4}
    assert ids(index, 'note:"idea ranking"') == set()
    assert ids(index, 'note:"idea of ranking"') == set()
    assert ids(index, 'note:"ranking idea"') == set()


def test_a_negated_phrase_excludes_only_the_exact_phrase(index: SearchIndex) -> None:
    assert ids(index, 'diffusion -"diffusion of models"') == {2, 3}


def test_prefixes(index: SearchIndex) -> None:
    assert ids(index, "transf*") == {1, 2, 3}
    assert ids(index, "diffusion transf", as_you_type=True) == {1, 2, 3}
    assert ids(index, "tag:surv", as_you_type=True) == {5}
    assert ids(index, "tag:surv") == set()


def test_fields(index: SearchIndex) -> None:
    assert ids(index, "title:transformer") == set()
    assert ids(index, "abstract:transformer") == {1, 2, 3}
    assert ids(index, "title:(graph OR rank)") == {4, 5}
    assert ids(index, "note:idea") == {4}
    assert ids(index, "author:lovelace") == {1, 2, 3, 4, 5}


def test_or_binds_tighter_than_and(index: SearchIndex) -> None:
    assert ids(index, "transformer beat OR brain") == {2, 3}
    assert ids(index, "(transformer beat) OR graph") == {2, 5}


def test_not(index: SearchIndex) -> None:
    assert ids(index, "diffusion -beat") == {1, 3}
    assert ids(index, "diffusion NOT beat") == {1, 3}
    assert ids(index, "-diffusion") == {4, 5}
    assert ids(index, "-(diffusion OR graph)") == {4}
    assert ids(index, "NOT") == set()
