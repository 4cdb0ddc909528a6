"""The fused analysers give exactly the tokens of Whoosh's own filter chain (the one
the index was specified with): terms, positions, offsets, stop marks, in every mode
the index and the query parser use."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import analysis
from whoosh.support.charset import accent_map

from readinglist.search.schema import (
    NAME_ANALYZER,
    TEXT_ANALYZER,
    WORD_PATTERN,
    InvisibleFilter,
)

_REFERENCE_TEXT = (
    analysis.RegexTokenizer(WORD_PATTERN)
    | InvisibleFilter()
    | analysis.LowercaseFilter()
    | analysis.CharsetFilter(accent_map)
    | analysis.StopFilter(renumber=False)
    | analysis.StemFilter(cachesize=100_000)
)
_REFERENCE_NAME = (
    analysis.RegexTokenizer(WORD_PATTERN)
    | InvisibleFilter()
    | analysis.LowercaseFilter()
    | analysis.CharsetFilter(accent_map)
)

_MODES: list[dict[str, Any]] = [
    {"positions": True},  # indexing TEXT (Positions format)
    {"positions": True, "chars": True},  # highlighting
    {"mode": "query", "removestops": False, "positions": True},  # phrase queries
    {"mode": "query"},
    {"no_morph": True},  # prefixes and wildcards: no stemming
]

_WORDS = st.sampled_from(
    [
        "The", "of", "a", "Models", "modelling", "naïve", "NAÏVE", "Schrödinger",
        "Un\u00adder\u00adstand\u00ading", "\u200b", "3.141", "big-time", "under_score",
        "İstanbul", "ß", "ﬁne", "x", "I", "is", "running", "ran", "Ünïcödé", "ΑΒΓ", "\ufeff",
    ]
)  # fmt: skip
_TEXTS = st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=30).map(lambda ws: " ".join(ws))


def _tokens(analyzer: Any, text: str, kwargs: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            t.text,
            getattr(t, "pos", None),
            getattr(t, "startchar", None),
            getattr(t, "endchar", None),
            t.stopped,
        )
        for t in analyzer(text, **kwargs)
    ]


@settings(max_examples=300)
@given(_TEXTS)
def test_text_analyzer_equals_whooshs_chain(text: str) -> None:
    for kwargs in _MODES:
        assert _tokens(TEXT_ANALYZER, text, kwargs) == _tokens(_REFERENCE_TEXT, text, kwargs)


@settings(max_examples=300)
@given(_TEXTS)
def test_name_analyzer_equals_whooshs_chain(text: str) -> None:
    for kwargs in _MODES:
        assert _tokens(NAME_ANALYZER, text, kwargs) == _tokens(_REFERENCE_NAME, text, kwargs)


def test_stem_cache_is_not_pickled_with_the_schema() -> None:
    """Whoosh pickles the schema into every commit's table of contents."""
    import pickle

    list(TEXT_ANALYZER("models modelling running"))
    copy = pickle.loads(pickle.dumps(TEXT_ANALYZER))
    assert b"modelling" not in pickle.dumps(TEXT_ANALYZER)
    assert [t.text for t in copy("Models running")] == ["model", "runn"]  # Porter


class _Boosting(analysis.Filter):  # type: ignore[misc]
    """Gives every third token boost 2.5 (our analysers never do; Whoosh's may)."""

    def __call__(self, tokens: Any) -> Any:
        for i, t in enumerate(tokens):
            t.boost = 2.5 if i % 3 == 0 else 1.0
            yield t


# no deadline: a 4,100-fold text takes ~150 ms, and twice that on a busy machine
@settings(max_examples=100, deadline=None)
@given(_TEXTS, st.sampled_from([0, 3, 4095, 4100]))
def test_lean_positions_write_whooshs_bytes_and_weights(text: str, repeat: int) -> None:
    from whoosh import formats

    from readinglist.search.schema import LeanPositions

    # words seen once past the single-position table (4,096), and repeated ones
    long = "filler " * repeat + text + " tail"
    for boost in (1.0, 3.0):
        ours, theirs = LeanPositions(field_boost=boost), formats.Positions(field_boost=boost)
        for value in (text, long):
            for analyzer in (TEXT_ANALYZER, NAME_ANALYZER, TEXT_ANALYZER | _Boosting()):
                got = list(ours.word_values(value, analyzer))
                assert got == list(theirs.word_values(value, analyzer))
                assert all(isinstance(w, float) for _, _, w, _ in got)
        words = text.split()
        assert list(ours.word_values(words, None)) == list(theirs.word_values(words, None))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=20))
def test_lean_positions_decode_as_whoosh_does(positions: list[int]) -> None:
    """LeanPositions looks a one-position value up in its table; any value (one
    position or several, inside the table or past it) decodes as Whoosh decodes it."""
    from whoosh import formats

    from readinglist.search.schema import LeanPositions

    ours, theirs = LeanPositions(), formats.Positions()
    positions = sorted(set(positions))
    for value in (positions, positions[:1]):
        encoded = theirs.encode(value)
        assert ours.decode_positions(encoded) == theirs.decode_positions(encoded) == value
