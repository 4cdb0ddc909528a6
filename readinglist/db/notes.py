"""A paper's Markdown note written: the member's own, shown to the group or not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .papers import paper
from .readings import own_note, upsert
from .store import next_seq


def set_note(
    s: Session, paper_id: int, note: str, now: datetime, shared: bool | None = None
) -> bool:
    """Store `note` (already cleaned) as the member's note of the paper, shown to the
    group when `shared` (None: as it was). False when nothing changed."""
    p = paper(s, paper_id)
    old, was_shared = own_note(s, paper_id)
    share = was_shared if shared is None else shared
    if old == note and share == was_shared:
        return False
    row: dict[str, object] = {"paper_id": paper_id, "note_shared": share}
    columns = ["note_shared"]
    if old != note:
        row |= {"note": note, "note_changed_at": now}
        columns += ["note", "note_changed_at"]
    upsert(s, [row], columns)
    p.change_seq = next_seq(s)
    return True
