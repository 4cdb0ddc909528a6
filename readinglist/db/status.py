"""A reading status set on many papers at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..domain import Status
from .models import Paper
from .store import id_in, next_seq


def set_status(s: Session, ids: Sequence[int], status: Status, now: datetime) -> list[int]:
    """Give `ids` the status; returns those whose status changed (they carry a new
    change number and `now` as the time their status changed)."""
    seq = next_seq(s)
    # Core execution: no ORM objects are loaded here, nothing to synchronise
    return list(
        s.connection()
        .scalars(
            update(Paper)
            .where(id_in(Paper.id, ids), Paper.status != status.value)
            .values(status=status.value, status_changed_at=now, change_seq=seq)
            .returning(Paper.id)
        )
        .all()
    )
