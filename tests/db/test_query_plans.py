"""The per-member join and the id lookups stay index lookups on SQLite (issue 12).

Not timings: SQLite's own plan for the statements the list, the detail pane and a
status change run. A plan that scans every paper where it should look a few up is
what made the 100k list and a 1,000-paper mark-read slow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from readinglist.db.models import Paper, Reading
from readinglist.db.readings import own, status_col
from readinglist.db.store import id_in, plain_rows
from readinglist.domain import PaperDraft
from readinglist.library import Library


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    with Library(tmp_path / "lib") as lib:
        lib.import_drafts([PaperDraft(title=f"Paper {i}") for i in range(20)], source="t")
        with Session(lib._engine) as s:
            yield s


def _plan(s: Session, q: Select[tuple[int]]) -> str:
    explained = q.compile(dialect=s.connection().dialect)
    text = str(explained)
    params = [explained.params[n] for n in explained.positiontup or ()]
    dbapi = s.connection().connection.driver_connection
    assert dbapi is not None
    return " | ".join(r[3] for r in dbapi.execute(f"EXPLAIN QUERY PLAN {text}", params))


def test_a_few_ids_are_looked_up_not_scanned(session: Session) -> None:
    plan = _plan(session, select(Paper.id).where(id_in(Paper.id, [1, 2, 3])))
    assert "SCAN papers" not in plan and "INTEGER PRIMARY KEY" in plan, plan


def test_the_members_row_is_found_by_its_key(session: Session) -> None:
    q = (
        select(Paper.id, status_col)
        .outerjoin(Reading, own(session))
        .where(id_in(Paper.id, [1, 2]), status_col != "read")
    )
    plan = _plan(session, q)
    assert "SCAN papers" not in plan, plan
    assert "SEARCH readings USING INDEX sqlite_autoindex_readings_1 (member=? AND paper_id=?)" in (
        plan
    )
    assert plain_rows(session, q) == [(1, "unread"), (2, "unread")]
