"""The member's own row of a paper (issue 12): how queries join it and writes set it.

Status and note are per member: `readings` holds the rows that differ from "unread,
no note". On SQLite the one member is "" ; on PostgreSQL it is current_user, which
the column's DEFAULT fills in and row-level security checks — so no write here names
the member, and a query names it as SQL (`member_sql`), never as a Python value the
server would have to trust.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, String, and_, func, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from ..domain import SharedNote, Status
from .dialect import on_postgresql
from .models import READINGS, Paper, Reading

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

UNREAD = Status.UNREAD.value
# Constant SQL rather than a bound value: the statements stay cacheable per dialect.
_ONE_MEMBER = literal_column("''", String)
_CURRENT_USER = literal_column("CURRENT_USER", String)


def is_shared(s: Session) -> bool:
    """A shared library (PostgreSQL, one role per member) rather than one person's."""
    return on_postgresql(s)


def member_sql(s: Session) -> ColumnElement[str]:
    return _CURRENT_USER if is_shared(s) else _ONE_MEMBER


def own(s: Session) -> ColumnElement[bool]:
    """The join condition of a paper and the member's own reading row."""
    return and_(Reading.paper_id == Paper.id, Reading.member == member_sql(s))


# What a paper without a row reads as (see models.Reading).
status_col = func.coalesce(Reading.status, UNREAD)
note_col = func.coalesce(Reading.note, "")
status_changed_text = type_coerce(func.coalesce(Reading.status_changed_at, Paper.added_at), String)
note_shared_col = func.coalesce(Reading.note_shared, False)


def upsert(s: Session, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Write the member's rows (paper_id plus `columns`): a new row, or only those
    columns of an existing one (INSERT .. ON CONFLICT DO UPDATE on both dialects)."""
    if not rows:
        return
    # imported here: PostgreSQL's dialect costs a SQLite library's command ~18 ms
    stmt: postgresql.Insert | sqlite.Insert
    if is_shared(s):
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(READINGS)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(READINGS)
    stmt = stmt.on_conflict_do_update(
        index_elements=[READINGS.c.member, READINGS.c.paper_id],
        set_={c: getattr(stmt.excluded, c) for c in columns},
    )
    s.connection().execute(stmt, [dict(r) for r in rows])


def shared_notes(s: Session, paper_ids: Sequence[int]) -> dict[int, tuple[SharedNote, ...]]:
    """Other members' shared notes of the papers, oldest first. Empty on SQLite, where
    there are no other members; on PostgreSQL the policies let us see exactly these."""
    if not is_shared(s) or not paper_ids:
        return {}
    out: dict[int, list[SharedNote]] = {}
    q = (
        select(Reading.paper_id, Reading.member, Reading.note, Reading.note_changed_at)
        .where(
            Reading.paper_id.in_(list(paper_ids)),
            Reading.note_shared,
            Reading.note != "",
            Reading.member != member_sql(s),
        )
        .order_by(Reading.note_changed_at, Reading.member)
    )
    for pid, member, note, changed in s.connection().execute(q):
        out.setdefault(pid, []).append(SharedNote(member, note, changed))
    return {pid: tuple(notes) for pid, notes in out.items()}


def own_note(s: Session, paper_id: int) -> tuple[str, bool]:
    """The member's note of the paper and whether it is shared ("" and False: none)."""
    row = (
        s.connection()
        .execute(
            select(Reading.note, Reading.note_shared).where(
                Reading.paper_id == paper_id, Reading.member == member_sql(s)
            )
        )
        .first()
    )
    return ("", False) if row is None else (row[0], bool(row[1]))


def note_rows(notes: Mapping[int, str], now: datetime) -> list[dict[str, Any]]:
    """Rows giving papers their first note (an import's), unread and unshared."""
    return [
        {"paper_id": pid, "note": text, "note_changed_at": now}
        for pid, text in notes.items()
        if text
    ]
