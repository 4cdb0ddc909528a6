"""Copying a library's rows into another database (SQLite or PostgreSQL, either way).

The rows go as they are — ids, citation keys, dates, trash state, tags — so the
copy's `details()` equal the original's. Statuses and notes are each member's own
(readings.py): the member copying takes THEIR readings along, and they become the
destination's member's (whoever connects there: "" on SQLite, the role on a
server); other members' readings stay where they are. The Library decides the transactions:
the reads run on one session of the source, the writes on one session of the
destination, which the caller commits only once everything is in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from ..domain import CancelFn, Cancelled, ProgressFn
from .dialect import on_postgresql
from .models import PAPER_TAGS, PAPERS, READINGS, Paper, PaperTag, Reading, Tag, Tombstone
from .readings import member_sql
from .store import CHUNK, next_seq

TAGS: Table = Tag.__table__  # type: ignore[assignment]
# papers per batch: a progress step, bounded memory at 100k papers, and an IN list of
# ids within SQLite's bound-parameter limit
BATCH = CHUNK


def is_empty(s: Session) -> bool:
    """No paper, tag, tombstone or reading: nothing a copy could collide with or
    hide (a server's readings are counted as its policies let the member see)."""
    return all(
        s.scalar(select(func.count()).select_from(t)) == 0
        for t in (PAPERS, TAGS, Tombstone.__table__, READINGS)
    )


def paper_count(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(PAPERS)) or 0)


def _batches(s: Session, table: Table, order: Any) -> Iterator[list[dict[str, Any]]]:
    """The table's rows as dicts of column values, BATCH at a time, in `order`.

    Keyset paging on the order column rather than one open cursor: SQLite's Python
    driver would otherwise read the whole table into memory first."""
    last: Any = None
    while True:
        q = select(table).order_by(order).limit(BATCH)
        if last is not None:
            q = q.where(order > last)
        rows = [dict(r._mapping) for r in s.connection().execute(q)]
        if not rows:
            return
        yield rows
        last = rows[-1][order.key]


def copy_rows(
    src: Session,
    dst: Session,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> int:
    """Copy every tag, paper and tagging from `src` into the empty `dst`; the
    papers' change numbers become one new change of `dst` (its index takes them in).
    Returns the papers copied. Raises Cancelled when `cancel` says so (the caller's
    transaction on `dst` then keeps nothing)."""
    total = paper_count(src)
    conn = dst.connection()
    for rows in _batches(src, TAGS, Tag.id):
        conn.execute(insert(TAGS), rows)
    done = 0
    if progress is not None:
        progress(0, total)
    for rows in _batches(src, PAPERS, Paper.id):
        if cancel is not None and cancel():
            raise Cancelled()
        conn.execute(insert(PAPERS), rows)
        ids = [r["id"] for r in rows]
        _copy_tags_of(src, conn, ids)
        _copy_readings_of(src, conn, ids)
        done += len(rows)
        if progress is not None:
            progress(done, total)
    seq = next_seq(dst)
    conn.execute(update(PAPERS).values(change_seq=seq))
    _advance_id_sequences(dst)
    return done


def _copy_tags_of(src: Session, conn: Any, ids: Sequence[int]) -> None:
    q = select(PAPER_TAGS).where(PaperTag.paper_id.in_(ids))
    links = [dict(r._mapping) for r in src.connection().execute(q)]
    if links:
        conn.execute(insert(PAPER_TAGS), links)


def _copy_readings_of(src: Session, conn: Any, ids: Sequence[int]) -> None:
    """The source member's own status and note rows, written without a member: the
    column's DEFAULT makes them the destination member's (and on a server row-level
    security accepts only those)."""
    columns = [c for c in READINGS.c if c.name != "member"]
    q = select(*columns).where(Reading.paper_id.in_(ids), Reading.member == member_sql(src))
    rows = [dict(r._mapping) for r in src.connection().execute(q)]
    if rows:
        conn.execute(insert(READINGS), rows)


def _advance_id_sequences(dst: Session) -> None:
    """PostgreSQL: the ids were given, so the serial sequences have not moved; set
    them past the copied ids or the next import would collide. (SQLite's
    AUTOINCREMENT follows explicit ids by itself.)"""
    if not on_postgresql(dst):
        return
    for table in ("papers", "tags"):
        dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        )
