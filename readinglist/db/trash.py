"""The trash: papers moved in and out of it, and deleted for good.

A trashed paper keeps everything (a `trashed_at` time); a purged one leaves a
tombstone with its change number, so the index drops it when it catches up. The
trash's own search is db/search_sql.py's `trash_search_ids`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from .models import Paper, Tombstone
from .store import chunks, delete_orphan_tags, id_in, next_seq


def set_trashed(s: Session, ids: Sequence[int], when: datetime | None) -> None:
    """Into the trash at `when`, or (None) out of it."""
    seq = next_seq(s)
    s.connection().execute(
        update(Paper).where(id_in(Paper.id, ids)).values(trashed_at=when, change_seq=seq)
    )


def purge(s: Session, ids: Sequence[int]) -> None:
    """Delete the papers for good; tags left on no paper go with them."""
    seq = next_seq(s)
    for part in chunks(ids):
        s.execute(delete(Paper).where(Paper.id.in_(part)))
    for pid in ids:
        s.merge(Tombstone(paper_id=pid, change_seq=seq))
    delete_orphan_tags(s)
