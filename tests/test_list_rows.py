"""List rows and counts: the cheap read paths the window uses, checked against the
full paper details and against counting the listed rows by hand, on SQLite and on
the real PostgreSQL server (conftest.py `backend`)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC

from readinglist.domain import Filter, PaperDraft, Person, Status
from readinglist.library import Library
from tests.conftest import Backend


def _library(backend: Backend) -> tuple[Library, list[int]]:
    lib = backend.open()
    drafts = [
        PaperDraft(
            title=f"Paper {n} on {'diffusion' if n % 2 else 'transformers'}",
            authors=(Person("Chang", "Huiwen"), Person("Zhang", "Han"))[: 1 + n % 2],
            year=2000 + n if n % 5 else None,
            tags=(("vision", "LLM") if n % 3 == 0 else ("Vision",) if n % 3 == 1 else ()),
        )
        for n in range(30)
    ]
    ids = list(lib.import_drafts(drafts, source="t").added)
    lib.set_status(ids[::4], Status.READ)
    lib.set_status(ids[1::4], Status.READING)
    lib.add_tags(ids[5:9], ["zeta", "alpha"])
    lib.trash(ids[::7])  # trashed papers of every status, some tagged
    return lib, ids


def test_counts_match_the_listed_rows(backend: Backend) -> None:
    lib, ids = _library(backend)
    with lib:
        rows = lib.listing().rows
        trashed = lib.listing(Filter(trashed=True)).rows
        counts = lib.counts()
        assert counts.total == len(rows) == len(ids) - len(trashed)
        assert counts.trash == len(trashed) == len(ids[::7])
        assert dict(counts.by_status) == {s: sum(r.status is s for r in rows) for s in Status}
        by_tag = Counter(t.casefold() for r in rows for t in r.tags)
        assert {k.casefold(): v for k, v in counts.tags.items()} == by_tag
        # sorted by name regardless of case, as the sidebar shows them
        assert list(counts.tags) == sorted(counts.tags, key=str.casefold)


def test_a_tag_only_on_trashed_papers_counts_zero(backend: Backend) -> None:
    lib, ids = _library(backend)
    with lib:
        lib.add_tags([ids[0]], ["only-in-trash"])  # ids[0] is in the trash
        assert lib.counts().tags["only-in-trash"] == 0


def test_rows_agree_with_details(backend: Backend) -> None:
    lib, ids = _library(backend)
    with lib:
        alive = [i for i in ids if i not in ids[::7]]
        wanted = [*reversed(alive[:12]), 10_000]  # an unknown id is dropped
        rows = lib.rows(wanted)
        details = {d.id: d for d in lib.details(alive)}
        assert [r.id for r in rows] == wanted[:-1]
        for r in rows:
            d = details[r.id]
            assert (r.title, r.year, r.status) == (d.title, d.year, d.status)
            assert r.tags == tuple(sorted(d.tags, key=str.casefold))
            assert r.added_at == d.added_at and r.added_at.tzinfo is not None
            assert r.added_at.utcoffset() == UTC.utcoffset(None)
            assert r.authors.startswith("Chang")
        assert lib.listing().rows[0] == lib.rows([lib.listing().rows[0].id])[0]
