"""The db/ query modules library.py calls (issue 11), each over a real SQLite file
and over a database on the real PostgreSQL server (conftest.py `backend`).

A library is made and filled through Library (the real import), closed, and its
database opened again with db/engine.py's (db/server.py's) own engine; each test then runs the query
functions in one transaction, as the facade does, and reads the rows back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from readinglist.db import notes, papers, status, tags, trash
from readinglist.db.engine import make_engine, writer
from readinglist.db.models import Paper, PaperTag, Reading, Tag, Tombstone
from readinglist.db.server import make_server_engine
from readinglist.db.store import current_seq
from readinglist.domain import Filter, LibraryError, PaperDraft, PaperNotFound, Person, Status
from readinglist.library import DB_NAME
from tests.conftest import Backend

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def engine(backend: Backend) -> Iterator[Engine]:
    """Three papers: 1 tagged ml+vision (2020), 2 tagged ml (no year), 3 untagged."""
    with backend.open() as lib:
        lib.import_drafts(
            [
                PaperDraft("First Paper", authors=(Person("Doe", "Jo"),), year=2020),
                PaperDraft("Second Paper", authors=(Person("Roe", "Al"),)),
                PaperDraft("Third Paper", year=2021, source_key="Key2021"),
            ],
            source="seed",
        )
        ids = lib.ids()
        assert sorted(ids) == [1, 2, 3]
        lib.add_tags([1, 2], ["ml"])
        lib.add_tags([1], ["vision"])
    if isinstance(backend.location, Path):
        found = writer(make_engine(backend.location / DB_NAME))
    else:
        found = writer(make_server_engine(backend.location))
    yield found
    found.dispose()


def _tags_of(s: Session, paper_id: int) -> set[str]:
    q = select(Tag.name).join(PaperTag, PaperTag.tag_id == Tag.id)
    return set(s.scalars(q.where(PaperTag.paper_id == paper_id)))


def test_existing_keeps_order_drops_repeats_and_names_the_missing(engine: Engine) -> None:
    with Session(engine) as s:
        assert papers.existing(s, [3, 1, 3, 2]) == [3, 1, 2]
        with pytest.raises(PaperNotFound, match=r"no paper with id 7, 9$"):
            papers.existing(s, [1, 7, 9])
        with pytest.raises(PaperNotFound, match=r"id 10, 11, 12, 13, 14$"):
            papers.existing(s, range(10, 20))
        with pytest.raises(PaperNotFound, match="no paper with id 8"):
            papers.paper(s, 8)


def test_a_reference_is_an_id_then_a_key(engine: Engine) -> None:
    with Session(engine) as s:
        key = s.scalar(select(Paper.citation_key).where(Paper.id == 3))
        assert key is not None
        assert papers.resolve_ref(s, " 2 ") == 2
        assert papers.resolve_ref(s, key) == 3
        assert papers.resolve_ref(s, key.upper()) == 3  # case ignored
        with pytest.raises(PaperNotFound, match="no paper with id 99"):
            papers.resolve_ref(s, "99")
        with pytest.raises(PaperNotFound, match="citation key 'nokey'"):
            papers.resolve_ref(s, "nokey")


def test_the_filter_id_set_and_the_incomplete_papers(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        assert papers.filter_id_set(s, Filter(tags=("ml",))) == {1, 2}
        assert papers.filter_id_set(s, Filter(tags=("ml", "vision"))) == {1}
        # 2 has no year, 3 no authors; 1 has both
        assert papers.incomplete_ids(s) == [2, 3]
        trash.set_trashed(s, [3], WHEN)
        assert papers.incomplete_ids(s) == [2]  # not in the trash
        assert set(papers.lookup_fields(s, [1, 2])) == {1, 2}
        assert papers.lookup_fields(s, [1])[1][0] == "First Paper"


def test_keys_are_marked_used_once(engine: Engine) -> None:
    later = datetime(2027, 1, 1, tzinfo=UTC)
    with Session(engine) as s, s.begin():
        papers.mark_keys_used(s, [1], WHEN)
    with Session(engine) as s, s.begin():
        papers.mark_keys_used(s, [1, 2], later)
    with Session(engine) as s:
        used = {r[0]: r[1] for r in s.execute(select(Paper.id, Paper.key_used_at))}
    assert used == {1: WHEN, 2: later, 3: None}


def test_set_status_returns_only_the_papers_it_changed(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        before = current_seq(s)
        assert sorted(status.set_status(s, [1, 2], Status.READ, WHEN)) == [1, 2]
        assert status.set_status(s, [1, 2, 3], Status.READ, WHEN) == [3]
        assert status.set_status(s, [1], Status.READ, WHEN) == []
        rows = s.execute(
            select(Paper.id, Reading.status, Paper.change_seq).join(
                Reading, Reading.paper_id == Paper.id
            )
        ).all()
        assert current_seq(s) == before + 2  # a number per write that changed something
    assert {r[1] for r in rows} == {"read"}
    assert len(rows) == 3  # the member's rows ("" on SQLite, alice on PostgreSQL)
    assert {r[0]: r[2] for r in rows} == {1: before + 1, 2: before + 1, 3: before + 2}


def test_removing_the_last_use_of_a_tag_deletes_it(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        tags.remove_tags(s, [1], ["VISION", "ml"])  # names as typed, case ignored
        assert _tags_of(s, 1) == set()
        assert _tags_of(s, 2) == {"ml"}
        assert tags.tag_names(s) == ["ml"]


def test_rename_onto_another_tag_merges_them(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        assert tags.rename_tag(s, "vision", "Seeing") == [1]
        assert tags.tag_names(s) == ["ml", "Seeing"]
        assert sorted(tags.rename_tag(s, "ml", "seeing")) == [1, 2]  # merged, case ignored
        assert tags.tag_names(s) == ["Seeing"]
        assert _tags_of(s, 1) == _tags_of(s, 2) == {"Seeing"}
        with pytest.raises(LibraryError, match="no tag called 'ml'"):
            tags.rename_tag(s, "ml", "x")


def test_delete_tag_returns_its_papers(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        assert sorted(tags.delete_tag(s, "ML")) == [1, 2]
        assert tags.tag_names(s) == ["vision"]
        with pytest.raises(LibraryError, match="no tag called 'ml'"):
            tags.delete_tag(s, "ml")


def test_trash_and_purge(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        trash.set_trashed(s, [1, 2], WHEN)
        trash.set_trashed(s, [2], None)  # restored
        trashed = {r[0]: r[1] for r in s.execute(select(Paper.id, Paper.trashed_at))}
        assert trashed == {1: WHEN, 2: None, 3: None}
        seq = current_seq(s)
        trash.purge(s, [1])
        assert sorted(s.scalars(select(Paper.id)).all()) == [2, 3]
        stones = s.execute(select(Tombstone.paper_id, Tombstone.change_seq)).all()
        # the index drops it when it reaches that change number
        assert [tuple(r) for r in stones] == [(1, seq + 1)]
        assert tags.tag_names(s) == ["ml"]  # "vision" was on paper 1 only


def test_set_note_says_whether_it_changed(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        assert notes.set_note(s, 2, "read *this*", WHEN)
        assert not notes.set_note(s, 2, "read *this*", WHEN)
        (r,) = s.scalars(select(Reading).where(Reading.paper_id == 2))
        assert r.member in ("", "alice")  # SQLite's one member, or the server's role
        assert r.note == "read *this*" and r.note_changed_at == WHEN
        assert not r.note_shared
        with pytest.raises(PaperNotFound):
            notes.set_note(s, 42, "x", WHEN)
