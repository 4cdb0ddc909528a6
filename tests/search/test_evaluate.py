"""The cached evaluator (Whoosh only) scores exactly as Whoosh's own matchers do."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import query

from readinglist.search import evaluate, whoosh_private
from readinglist.search.document import IndexDoc
from readinglist.search.evaluate import Evaluator
from readinglist.search.index import SearchIndex

WORDS = (  # noqa: SIM905 - a sentence of words reads better than 37 strings
    "diffusion model models modeling transformer transformers attention graph neural "
    "network networks privacy federated learning image video generation language large "
    "scaling sparse dense retrieval robust training trained benchmark survey vision "
    "reinforcement policy reward agent planning memory token tokens"
).split()
NAMES = ["Ada Smith", "Bo Chen", "Carla Díaz", "Dmitri Ivanov", "Eve Smithson", "Fei Wang"]
TAGS = ["llm", "to-read", "graphs", "rl", "vision", "reinforcement learning"]

QUERIES = [
    "model",
    "diffusion model",
    "transformer atten",
    "graph OR privacy",
    "graph NOT neural",
    "diffusion -model",
    '"neural network"',
    "title:diffusion",
    "author:smith",
    "year:2020",
    "year:>2019 graph",
    "tag:llm",
    'tag:"reinforcement learning"',
    "NOT model",
    "-(graph OR privacy) model",
    "video graph OR privacy",
    "trans*",
    "(graph OR video) AND neural",
    "status:read",
    "gra",
    "sca",
    "note:compare",
    "venue:neurips training",
]


def corpus(n: int, seed: int = 7) -> list[IndexDoc]:
    rnd = random.Random(seed)
    docs = []
    for i in range(1, n + 1):
        docs.append(
            IndexDoc(
                id=i,
                title=" ".join(rnd.choices(WORDS, k=rnd.randint(3, 9))).capitalize(),
                abstract=" ".join(rnd.choices(WORDS, k=rnd.randint(0, 60))),
                authors="; ".join(rnd.sample(NAMES, rnd.randint(1, 3))),
                tags=tuple(rnd.sample(TAGS, rnd.randint(0, 2))),
                note="Compare with the baseline" if i % 17 == 0 else "",
                venue=rnd.choice(["NeurIPS", "ICLR", "arXiv", ""]),
                year=rnd.choice([None, 2018, 2019, 2020, 2021]),
                status=rnd.choice(["unread", "reading", "read"]),
            )
        )
    return docs


@pytest.fixture
def one_segment(tmp_path: Path) -> Iterator[SearchIndex]:
    ix = SearchIndex(tmp_path / "one", "lib")
    ix.apply(corpus(600), [], 1)
    yield ix
    ix.close()


def whoosh_ranking(ix: SearchIndex, text: str, as_you_type: bool) -> list[tuple[float, int]]:
    """Whoosh's own matchers: every match scored, best first, ties by docnum."""
    q = ix._builder.parse(text, as_you_type=as_you_type)
    assert q is not None
    with ix._read_lock:
        searcher = ix._current_searcher()
        if isinstance(q, query.AndNot):
            # Whoosh's AndNot matcher lets through papers that match the negated side
            # (seen with `diffusion -model` and a title with `models`): filter instead
            gone = {d for _, d in searcher.search(q.b, limit=None).top_n}
            q = q.a
        else:
            gone = set()
        results = searcher.search(q, limit=None, optimize=False)
        return [(score, docnum) for score, docnum in results.top_n if docnum not in gone]


def evaluated(ix: SearchIndex, text: str, as_you_type: bool) -> list[tuple[float, int]]:
    q = ix._builder.parse(text, as_you_type=as_you_type)
    assert q is not None
    with ix._read_lock:
        searcher = ix._current_searcher()
        found, total = Evaluator(searcher, searcher.weighting).top(q, None, None)
        assert total == len(found)
        return found


def assert_same_ranking(mine: list[tuple[float, int]], theirs: list[tuple[float, int]]) -> None:
    assert {d for _, d in mine} == {d for _, d in theirs}
    by_doc = {d: s for s, d in theirs}
    for score, docnum in mine:
        assert score == pytest.approx(by_doc[docnum], rel=1e-9)
    assert all(a[0] >= b[0] for a, b in itertools.pairwise(mine))  # best first

    # the same order, up to floating-point noise between equal scores
    def key(pair: tuple[float, int]) -> tuple[float, int]:
        return (-round(pair[0], 9), pair[1])

    assert [d for _, d in sorted(mine, key=key)] == [d for _, d in sorted(theirs, key=key)]


@pytest.mark.parametrize("as_you_type", [False, True])
@pytest.mark.parametrize("text", QUERIES)
def test_scores_equal_whoosh_matchers(
    one_segment: SearchIndex, text: str, as_you_type: bool
) -> None:
    theirs = whoosh_ranking(one_segment, text, as_you_type)
    mine = evaluated(one_segment, text, as_you_type)
    assert_same_ranking(mine, theirs)


def test_not_excludes_every_paper_matching_the_negated_words(one_segment: SearchIndex) -> None:
    negated = {h.id for h in one_segment.search("model", limit=None, highlight=False).hits}
    found = {h.id for h in one_segment.search("diffusion -model", limit=None).hits}
    assert found and not found & negated
    assert found == {
        h.id for h in one_segment.search("diffusion", limit=None).hits if h.id not in negated
    }


def test_corpus_exercises_the_queries(one_segment: SearchIndex) -> None:
    # guards the test above against comparing empty results with empty results
    empty = [t for t in QUERIES if not whoosh_ranking(one_segment, t, True)]
    assert empty == []


def test_equal_to_whoosh_over_segments_with_deletions(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "many", "lib")
    docs = corpus(600)
    for n, start in enumerate(range(0, 600, 150)):
        ix.apply(docs[start : start + 150], [], n + 1)
    edited = [IndexDoc(**{**_fields(d), "title": d.title + " privacy"}) for d in docs[10:40]]
    ix.apply(edited, [d.id for d in docs[200:260]], 10)  # replaced and deleted docs
    assert len(whoosh_private.read_toc(ix._ix).segments) > 1
    for text in QUERIES:
        if "*" in text:
            continue  # Whoosh expands prefixes per segment: compared below instead
        assert_same_ranking(evaluated(ix, text, False), whoosh_ranking(ix, text, False))
    ix.close()


def test_prefixes_find_the_same_papers_however_the_index_is_split(tmp_path: Path) -> None:
    docs = corpus(600)
    one = SearchIndex(tmp_path / "one", "lib")
    one.apply(docs, [], 1)
    many = SearchIndex(tmp_path / "many", "lib")
    for n, start in enumerate(range(0, 600, 100)):
        many.apply(docs[start : start + 100], [], n + 1)
    assert len(whoosh_private.read_toc(many._ix).segments) == 6
    for text in ("gra", "trans", "sca", "author:smi", "mod"):
        found_one = {h.id for h in one.search(text, as_you_type=True, limit=None).hits}
        found_many = {h.id for h in many.search(text, as_you_type=True, limit=None).hits}
        assert found_one and found_one == found_many
    one.close()
    many.close()


def test_cached_scores_follow_new_commits(one_segment: SearchIndex) -> None:
    before = one_segment.search("model").total
    assert one_segment.search("zebrafish").total == 0
    fish = IndexDoc(9001, "Zebrafish model", "", "", (), "", "", None, "unread")
    one_segment.apply([fish], [], 2)
    assert one_segment.search("zebrafish").total == 1
    assert one_segment.search("model").total == before + 1
    one_segment.apply([], [9001], 3)
    assert one_segment.search("model").total == before


def test_cache_stays_within_its_bound(
    one_segment: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluate, "MAX_CACHED_POSTINGS", 500)
    expected = {t: whoosh_ranking(one_segment, t, True) for t in ("model", "graph", "privacy")}
    with one_segment._read_lock:
        searcher = one_segment._current_searcher()
        ev = Evaluator(searcher, searcher.weighting)
        for _ in range(2):
            for text, theirs in expected.items():
                q = one_segment._builder.parse(text, as_you_type=True)
                found, _ = ev.top(q, None, None)
                assert_same_ranking(found, theirs)
                assert ev._cached <= 500 or len(ev._terms) == 1


def test_limit_and_restrict(one_segment: SearchIndex) -> None:
    everything = one_segment.search("model", limit=None, highlight=False)
    top = one_segment.search("model", limit=10, highlight=False)
    assert top.total == everything.total
    assert [h.id for h in top.hits] == [h.id for h in everything.hits[:10]]
    allowed = {h.id for h in everything.hits[::3]}
    restricted = one_segment.search("model", limit=None, restrict=allowed, highlight=False)
    assert [h.id for h in restricted.hits] == [h.id for h in everything.hits if h.id in allowed]


def _fields(d: IndexDoc) -> dict[str, object]:
    return {name: getattr(d, name) for name in IndexDoc.__slots__}


def test_warm_prepares_the_searcher_and_lengths(one_segment: SearchIndex) -> None:
    one_segment.close()  # no searcher open
    assert one_segment._searcher is None
    one_segment.warm()
    assert one_segment._searcher is not None and one_segment._ids is not None
    evaluator = one_segment._evaluator
    assert evaluator is not None and {f for _, f in evaluator._norms} >= {"title", "abstract"}
    before = len(evaluator._terms)
    one_segment.warm()  # nothing changed: the same searcher and caches
    assert one_segment._evaluator is evaluator and len(evaluator._terms) == before


def test_segment_caches_survive_commits_and_follow_them(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "ix", "lib")
    docs = corpus(300)
    ix.apply(docs[:200], [], 1)
    ix.warm()
    first = dict(ix._segment_ids)
    assert len(first) == 1
    ix.apply(docs[200:], [5, 6], 2)  # a new segment; deletions in the old one
    ix.warm()
    assert len(ix._segment_ids) == 2
    # the first segment's ids were not read again
    ((key, part),) = first.items()
    assert ix._segment_ids.get(key) is part
    found = {h.id for h in ix.search("model OR graph OR privacy", limit=None).hits}
    expected = {
        d.id
        for d in docs
        if d.id not in (5, 6)
        and any(
            w in f"{d.title} {d.abstract}".lower().split()
            for w in ("model", "models", "modeling", "graph", "privacy")
        )
    }
    assert expected <= found
    assert not {5, 6} & found
    # a full merge leaves one new segment: the old entries are forgotten
    writer = ix._ix.writer()
    writer.commit(optimize=True)
    ix.warm()
    assert key not in ix._segment_ids and len(ix._segment_ids) == 1
    assert all(k[0] in ix._segment_ids for k in ix._segment_lengths)
    ix.close()


STOP_WORD_TITLES = [
    "Diffusion of models across labs",
    "Diffusion models beat GANs",
    "Diffusion for models of the brain",
    "State of the art in diffusion of models",
    "The art of the state",
]


def test_phrases_equal_whoosh_matchers(tmp_path: Path) -> None:
    """Phrases (with stop words inside: exact gaps, and StopPhrase) are answered from
    cached postings and positions; the same papers and scores as Whoosh's own."""
    ix = SearchIndex(tmp_path / "ix", "lib")
    docs = corpus(300)
    titled = [
        IndexDoc(**{**_fields(d), "title": STOP_WORD_TITLES[d.id % 5], "note": "idea of it"})
        for d in docs[:150]
    ]
    ix.apply(titled, [], 1)
    ix.apply(docs[150:], [d.id for d in docs[:10]], 2)  # two segments, deletions
    for text in (
        '"diffusion of models"',
        '"diffusion models"',
        '"state of the art"',
        'title:"of the brain"',
        'note:"idea of it"',
        '"neural network" OR "diffusion of models"',
        'model -"diffusion of models"',
    ):
        theirs = whoosh_ranking(ix, text, False)
        assert theirs, text
        assert_same_ranking(evaluated(ix, text, False), theirs)
    ix.close()
