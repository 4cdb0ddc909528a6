"""Each element of the query language against a small real index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.search.document import IndexDoc
from readinglist.search.index import SearchIndex

from .conftest import Engine


def doc(id: int, title: str, abstract: str = "", **kw: object) -> IndexDoc:
    fields: dict[str, object] = {
        "authors": "",
        "tags": (),
        "note": "",
        "venue": "",
        "year": None,
        "status": "unread",
    }
    fields.update(kw)
    return IndexDoc(id=id, title=title, abstract=abstract, **fields)  # type: ignore[arg-type]


PAPERS = [
    doc(
        1,
        "Attention is all you need",
        "We propose the Transformer, a model based solely on attention mechanisms.",
        authors="Ashish Vaswani; Noam Shazeer",
        tags=("nlp", "to-read"),
        venue="NeurIPS",
        year=2017,
        status="read",
    ),
    doc(
        2,
        "Denoising diffusion probabilistic models",
        "High quality image synthesis using diffusion probabilistic models.",
        authors="Jonathan Ho; Ajay Jain; Pieter Abbeel",
        tags=("diffusion", "reinforcement learning"),
        venue="NeurIPS",
        year=2020,
        note="Compare with score-based models",
    ),
    doc(
        3,
        "A naïve Bayes baseline for text classification",
        "Simple baselines for sentiment and topic classification.",
        authors="Sida Wang; Christopher D. Manning",
        tags=("baseline",),
        venue="ACL",
        year=2012,
        status="reading",
    ),
    doc(
        4,
        "Graph attention networks",
        "We present graph attention networks, neural network architectures on graphs.",
        authors="Petar Veličković; Yoshua Bengio",
        tags=("graph",),
        venue="ICLR",
        year=2018,
    ),
    doc(
        5,
        "Scaling laws for transformers",
        "Language model performance follows power laws in model size; see the survey.",
        authors="Jared Kaplan",
        tags=("survey",),
        venue="arXiv",
        year=2020,
    ),
]


@pytest.fixture
def index(engine: Engine, tmp_path: Path) -> Iterator[SearchIndex]:
    ix = engine(tmp_path / "index", "lib-1")
    ix.apply(PAPERS, [], 1)
    yield ix
    ix.close()


def ids(ix: SearchIndex, query: str, **kw: object) -> set[int]:
    return {h.id for h in ix.search(query, **kw).hits}  # type: ignore[arg-type]


def test_plain_words_must_all_match(index: SearchIndex) -> None:
    assert ids(index, "attention") == {1, 4}
    assert ids(index, "attention graph") == {4}
    assert ids(index, "attention diffusion") == set()


def test_words_are_found_in_every_default_field(index: SearchIndex) -> None:
    assert ids(index, "mechanisms") == {1}  # abstract
    assert ids(index, "Kaplan") == {5}  # authors
    assert ids(index, "survey") == {5}  # tags and abstract
    assert ids(index, "baseline") == {3}  # tag, title
    assert ids(index, "compare") == {2}  # note
    assert ids(index, "iclr") == {4}  # venue


def test_stemming_matches_word_forms(index: SearchIndex) -> None:
    assert ids(index, "model") == {1, 2, 5}
    assert ids(index, "networks") == {4}
    assert ids(index, "classifications") == {3}


def test_phrase(index: SearchIndex) -> None:
    assert ids(index, '"diffusion probabilistic models"') == {2}
    assert ids(index, '"probabilistic diffusion"') == set()
    assert ids(index, 'title:"graph attention"') == {4}


def test_or_and_not(index: SearchIndex) -> None:
    assert ids(index, "diffusion OR graph") == {2, 4}
    assert ids(index, "attention NOT graph") == {1}
    assert ids(index, "attention -graph") == {1}
    assert ids(index, "model -transformer") == {2}


def test_explicit_prefix(index: SearchIndex) -> None:
    assert ids(index, "transf*") == {1, 5}
    assert ids(index, "probab*") == {2}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("title:attention", {1, 4}),
        ("abstract:synthesis", {2}),
        ("author:bengio", {4}),
        ("authors:vaswani", {1}),
        ("tag:graph", {4}),
        ("tag:to-read", {1}),
        ('tag:"reinforcement learning"', {2}),
        ("note:score", {2}),
        ("venue:neurips", {1, 2}),
        ("status:reading", {3}),
        ("status:read", {1}),
        ("year:2020", {2, 5}),
        ("year:[2015 TO 2018]", {1, 4}),
        ("year:>2018", {2, 5}),
    ],
)
def test_fields(index: SearchIndex, query: str, expected: set[int]) -> None:
    assert ids(index, query) == expected


def test_tags_are_exact_per_tag(index: SearchIndex) -> None:
    # "learning" alone is not the tag "reinforcement learning"
    assert ids(index, "tag:learning") == set()
    assert ids(index, "tag:read") == set()


def test_field_does_not_leak_into_other_fields(index: SearchIndex) -> None:
    # "graph" is in paper 4's title; as a note it is nowhere
    assert ids(index, "note:graph") == set()


def test_accent_and_case_folding(index: SearchIndex) -> None:
    assert ids(index, "naive") == {3}
    assert ids(index, "NAÏVE") == {3}
    assert ids(index, "author:velickovic") == {4}


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote',
        "attention OR",
        "attention AND",
        "NOT",
        "-",
        "(graph",
        "graph)",
        "title:",
    ],
)
def test_half_typed_queries_do_not_raise(index: SearchIndex, query: str) -> None:
    index.search(query)
    index.search(query, as_you_type=True)


def test_half_typed_queries_search_what_is_there(index: SearchIndex) -> None:
    assert ids(index, "attention OR") == {1, 4}
    assert ids(index, '"graph attention') == {4}
    assert ids(index, "(graph") == {4}


def test_empty_query_finds_nothing(index: SearchIndex) -> None:
    result = index.search("   ")
    assert result.hits == () and result.total == 0


def test_as_you_type_treats_last_word_as_prefix(index: SearchIndex) -> None:
    assert ids(index, "transf") == set()
    assert ids(index, "transf", as_you_type=True) == {1, 5}
    assert ids(index, "graph atten", as_you_type=True) == {4}
    # a finished word (trailing space) is a word again
    assert ids(index, "transf ", as_you_type=True) == set()


def test_as_you_type_needs_a_few_letters(index: SearchIndex) -> None:
    # "tr" alone is not expanded (too broad); it is searched as a word
    assert ids(index, "tr", as_you_type=True) == set()
    assert ids(index, "tra", as_you_type=True) == {1, 5}


def test_as_you_type_ignores_a_short_last_fragment_after_other_words(index: SearchIndex) -> None:
    # "graph a" must not empty the list while "attention" is being typed
    assert ids(index, "graph a", as_you_type=True) == ids(index, "graph") == {4}
    assert ids(index, "graph at", as_you_type=True) == {4}
    assert ids(index, "graph att", as_you_type=True) == {4}
    # finished with a space, or not as-you-type, the short word counts
    assert ids(index, "graph at ", as_you_type=True) == set()
    assert ids(index, "graph at") == set()


def test_as_you_type_complete_word_matches_its_stem(index: SearchIndex) -> None:
    # "classification" is indexed as "classif": the typed full word must still match
    assert ids(index, "classification", as_you_type=True) == {3}


def test_as_you_type_in_a_field(index: SearchIndex) -> None:
    assert ids(index, "author:kap", as_you_type=True) == {5}


def test_title_match_ranks_above_abstract_only_match(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    ix.apply(
        [
            doc(1, "A survey of optimisers", "We compare sparse transformers with others."),
            doc(2, "Sparse transformers", "A study of attention patterns in long sequences."),
            doc(3, "Unrelated", "Nothing about the topic here."),
        ],
        [],
        1,
    )
    hits = ix.search("sparse transformers").hits
    assert [h.id for h in hits] == [2, 1]
    assert hits[0].score > hits[1].score
    ix.close()


def test_total_counts_beyond_the_limit(index: SearchIndex) -> None:
    result = index.search("model", limit=1)
    assert len(result.hits) == 1
    assert result.total == 3


def test_restrict_limits_hits_to_given_ids(index: SearchIndex) -> None:
    assert ids(index, "model", restrict={2, 3, 4}) == {2}
    assert index.search("model", restrict={2, 3, 4}).total == 1
    assert ids(index, "model", restrict=set()) == set()
    assert ids(index, "model", restrict={999}) == set()


def test_highlights_mark_matched_words(index: SearchIndex) -> None:
    hit = index.search("attention mechanisms").hits[0]
    assert hit.id == 1
    assert hit.highlights["title"] == "<b>Attention</b> is all you need"
    assert "<b>mechanisms</b>" in hit.highlights["abstract"]
    assert "<b>attention</b>" in hit.highlights["abstract"]


def test_highlights_cover_prefix_and_folded_matches(index: SearchIndex) -> None:
    hit = index.search("naive classif", as_you_type=True).hits[0]
    assert hit.highlights["title"] == (
        "A <b>naïve</b> Bayes baseline for text <b>classification</b>"
    )


def test_highlights_skip_negated_words(index: SearchIndex) -> None:
    # paper 5 matches (no "transformers" in its abstract) but has the word in its title
    hit = next(h for h in index.search("model -abstract:transformers").hits if h.id == 5)
    assert hit.highlights["title"] == "Scaling laws for transformers"
    assert "<b>model</b>" in hit.highlights["abstract"]


def test_highlights_escape_html(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    ix.apply([doc(1, "Bounds <for> R&D", "x < y & z")], [], 1)
    hit = ix.search("bounds").hits[0]
    assert hit.highlights["title"] == "<b>Bounds</b> &lt;for&gt; R&amp;D"
    assert hit.highlights["abstract"] == "x &lt; y &amp; z"
    ix.close()


def test_no_highlights_when_not_asked(index: SearchIndex) -> None:
    assert all(not h.highlights for h in index.search("attention", highlight=False).hits)


def test_highlights_on_demand_for_later_hits(index: SearchIndex) -> None:
    marks = index.highlights("model", [2, 5])
    assert set(marks) == {2, 5}
    assert "<b>models</b>" in marks[2]["title"]
