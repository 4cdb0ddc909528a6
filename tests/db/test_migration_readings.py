"""Migration 0005 (issue 12): each paper's status and note move to the one member's
row of `readings`; nothing is lost on a library made at the previous head."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from readinglist.db.engine import current_revision, head_revision, make_engine
from readinglist.db.models import Reading
from readinglist.domain import Filter, Status
from readinglist.library import DB_NAME, Library

from .test_migrations import _migrate_to

PREVIOUS = "0004"  # the head before the member readings
ADDED = "2024-01-02 03:04:05.000000"
LATER = "2024-02-03 04:05:06.000000"
NOTED = "2024-03-04 05:06:07.000000"
# id, status, status_changed_at, note, note_changed_at
PAPERS = [
    (1, "unread", ADDED, "", None),  # says nothing: no row
    (2, "read", LATER, "", None),
    (3, "reading", LATER, "my *note*", NOTED),
    (4, "unread", ADDED, "only a note", NOTED),
    (5, "unread", LATER, "", None),  # read, then unread again: its date is kept
]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _library_at_previous_head(folder: Path) -> Path:
    folder.mkdir()
    db = folder / DB_NAME
    _migrate_to(db, PREVIOUS)
    con = sqlite3.connect(db)
    con.execute("INSERT INTO meta VALUES ('library_id', 'abc'), ('seq', '7')")
    for pid, status, changed, note, noted in PAPERS:
        con.execute(
            "INSERT INTO papers (id, title, title_key, abstract, authors_json, authors_short,"
            " venue, doi, doi_key, arxiv_id, url, links_json, entry_type, citation_key,"
            " status, added_at, status_changed_at, note, note_changed_at, source, extra_json,"
            " change_seq) VALUES (?, ?, ?, '', '[]', '', '', '', '', '', '', '[]', 'misc', ?,"
            " ?, ?, ?, ?, ?, 't', '{}', 1)",
            (pid, f"Paper {pid}", f"paper {pid}", f"key{pid}", status, ADDED, changed, note,
             noted),
        )  # fmt: skip
    con.execute("INSERT INTO tags (id, name) VALUES (1, 'ml')")
    con.execute("INSERT INTO paper_tags VALUES (3, 1)")
    con.commit()
    con.close()
    return db


def test_statuses_notes_and_dates_survive_the_upgrade(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    db = _library_at_previous_head(folder)
    with Library(folder) as lib:
        got = {d.id: d for d in lib.details([1, 2, 3, 4, 5])}
        for pid, status, changed, note, _ in PAPERS:
            assert got[pid].status is Status(status)
            assert got[pid].status_changed_at == _at(changed)
            assert got[pid].note == note
            assert not got[pid].note_shared and got[pid].shared_notes == ()
        assert got[3].tags == ("ml",)
        assert lib.ids(Filter(status=Status.UNREAD)) == [5, 4, 1]
        assert lib.ids(Filter(status=Status.READING)) == [3]
        counts = lib.counts()
        assert counts.by_status == {Status.UNREAD: 3, Status.READING: 1, Status.READ: 1}
        # the notes are found by the index built after the upgrade
        assert sorted(d.id for d, _ in lib.search("note")) == [3, 4]
    assert current_revision(db) == head_revision() == "0005"
    engine = make_engine(db)
    with Session(engine) as s:
        rows = s.execute(select(Reading.member, Reading.paper_id).order_by(Reading.paper_id))
        assert [tuple(r) for r in rows] == [("", 2), ("", 3), ("", 4), ("", 5)]
    engine.dispose()
    columns = {r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(papers)")}
    assert not columns & {"status", "status_changed_at", "note", "note_changed_at"}


def test_the_upgrade_keeps_a_backup_at_the_previous_head(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _library_at_previous_head(folder)
    Library(folder).close()
    (backup,) = (folder / "backups").glob(f"library-{PREVIOUS}-*.sqlite")
    con = sqlite3.connect(backup)
    assert con.execute("SELECT status, note FROM papers WHERE id = 3").fetchone() == (
        "reading",
        "my *note*",
    )
    con.close()
