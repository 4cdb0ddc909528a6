"""Filter.matches (Python) against the SQL filter in db/store.py, on the same rows of a
real library: for any status, tags and trash state both pick the same papers."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.domain import Filter, PaperDraft, PaperRow, Status, tag_key
from readinglist.library import Library

# Case variants on purpose: SQLite's NOCASE makes "vision"/"Vision" one tag but
# "Äpfel"/"äpfel" two; "ß" folds to "ss" under str.casefold but not in SQLite.
TAGS = ["vision", "Vision", "LLM", "llm", "Äpfel", "äpfel", "Straße", "STRASSE", "two words"]
STATUSES = st.sampled_from([None, *Status])
FILTERS = st.builds(
    Filter,
    status=STATUSES,
    tags=st.lists(st.sampled_from(TAGS), max_size=3).map(tuple),
    trashed=st.booleans(),
)


def _listed(lib: Library, f: Filter) -> set[int]:
    return {r.id for r in lib.listing(f).rows}


def _all_rows(lib: Library) -> list[tuple[PaperRow, bool]]:
    """Every paper's row with whether it is in the Trash."""
    alive = [(r, False) for r in lib.listing(Filter()).rows]
    return alive + [(r, True) for r in lib.listing(Filter(trashed=True)).rows]


def _matched(rows: list[tuple[PaperRow, bool]], f: Filter) -> set[int]:
    return {r.id for r, trashed in rows if f.matches(r, trashed=trashed)}


@pytest.fixture(scope="module")
def library() -> Iterator[Library]:
    """Papers of every status, tag combination (case variants too) and trash state."""
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib")
        with lib:
            n = 48
            drafts = [PaperDraft(title=f"Paper {i}") for i in range(n)]
            ids = list(lib.import_drafts(drafts, source="t").added)
            for i, pid in enumerate(ids):
                lib.set_status([pid], list(Status)[i % 3])
                # a different mix of TAGS per paper (bits of i), none for some
                tags = [t for bit, t in enumerate(TAGS) if (i * 7 + 3) >> (bit % 6) & 1]
                if tags:
                    lib.add_tags([pid], tags)
            lib.trash(ids[::5])
            yield lib


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(f=FILTERS)
def test_matches_picks_what_the_sql_picks(library: Library, f: Filter) -> None:
    rows = _all_rows(library)
    assert _matched(rows, f) == _listed(library, f)


def test_the_fixture_library_makes_the_comparison_worth_something(library: Library) -> None:
    """Each condition narrows something here, so agreement above is not vacuous."""
    rows = _all_rows(library)
    every = {r.id for r, _ in rows}
    assert 0 < len(_listed(library, Filter(trashed=True))) < len(every)
    alive = len(every) - len(_listed(library, Filter(trashed=True)))
    for f in (Filter(status=Status.READ), Filter(tags=("vision",)), Filter(tags=("Äpfel",))):
        assert 0 < len(_listed(library, f)) < alive
    # both spellings of a non-ASCII tag exist as two tags, each its own filter
    assert _listed(library, Filter(tags=("Äpfel",))) != _listed(library, Filter(tags=("äpfel",)))
    assert _listed(library, Filter(tags=("vision",))) == _listed(library, Filter(tags=("VISION",)))


@settings(max_examples=20, deadline=None)
@given(
    papers=st.lists(
        st.tuples(
            st.sampled_from(list(Status)),
            st.lists(st.sampled_from(TAGS), max_size=3),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    ),
    filters=st.lists(FILTERS, min_size=1, max_size=5),
)
def test_matches_agrees_on_generated_libraries(
    papers: list[tuple[Status, list[str], bool]], filters: list[Filter]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "lib")
        with lib:
            drafts = [PaperDraft(title=f"P{i}") for i in range(len(papers))]
            ids = list(lib.import_drafts(drafts, source="t").added)
            for pid, (status, tags, trashed) in zip(ids, papers, strict=True):
                lib.set_status([pid], status)
                if tags:
                    lib.add_tags([pid], tags)
                if trashed:
                    lib.trash([pid])
            rows = _all_rows(lib)
            for f in filters:
                assert _matched(rows, f) == _listed(lib, f), f


def test_adding_a_non_ascii_tag_again_keeps_one_tag(backend_lib: Library) -> None:
    """Was: the lookup lower()ed in SQL (ASCII only) against casefold, missed "Äpfel"
    and broke the unique constraint; filtering by it listed nothing. Tag identity is
    the same on PostgreSQL: ASCII letters fold, others do not (domain.tag_key)."""
    lib = backend_lib
    a, b, c = lib.import_drafts(
        [PaperDraft(title="a"), PaperDraft(title="b"), PaperDraft(title="c")], source="t"
    ).added
    lib.add_tags([a], ["Äpfel"])
    lib.add_tags([b], ["Äpfel"])
    assert dict(lib.counts().tags) == {"Äpfel": 2}
    assert _listed(lib, Filter(tags=("Äpfel",))) == {a, b}
    lib.add_tags([c], ["äpfel", "VISION"])  # Ä is not A: another tag
    lib.add_tags([a], ["vision"])  # the same tag as VISION
    assert dict(lib.counts().tags) == {"Äpfel": 2, "äpfel": 1, "VISION": 2}
    assert _listed(lib, Filter(tags=("Vision",))) == {a, c}
    assert _listed(lib, Filter(tags=("äpfel",))) == {c}
    lib.rename_tag("vision", "Vision")  # a change of case renames, merges nothing
    assert set(lib.tags()) == {"Vision", "Äpfel", "äpfel"}


def test_tag_key_folds_like_sqlite_nocase() -> None:
    assert tag_key("Vision") == tag_key("VISION") == "vision"
    assert tag_key("Äpfel") != tag_key("äpfel")
    assert tag_key("Straße") != tag_key("STRASSE")
