"""A reading status set on many papers at once: the member's own (issue 12)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import Status
from .models import Paper, Reading
from .readings import own, status_col, upsert
from .store import id_in, mark_changed, next_seq


def set_status(s: Session, ids: Sequence[int], status: Status, now: datetime) -> list[int]:
    """Give `ids` the member's status; returns those whose status changed (they carry
    a new change number, so every client's index follows, and `now` as the time the
    member's status changed)."""
    # Core execution: no ORM objects are loaded here, nothing to synchronise
    changed = list(
        s.connection()
        .scalars(
            select(Paper.id)
            .outerjoin(Reading, own(s))
            .where(id_in(Paper.id, ids), status_col != status.value)
        )
        .all()
    )
    if not changed:
        return []
    upsert(
        s,
        [{"paper_id": pid, "status": status.value, "status_changed_at": now} for pid in changed],
        ("status", "status_changed_at"),
    )
    mark_changed(s, changed, next_seq(s))
    return changed
