"""A paper's Markdown note written."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .papers import paper
from .store import next_seq


def set_note(s: Session, paper_id: int, note: str, now: datetime) -> bool:
    """Store `note` (already cleaned) on the paper; False when it had that note."""
    p = paper(s, paper_id)
    if p.note == note:
        return False
    p.note = note
    p.note_changed_at = now
    p.change_seq = next_seq(s)
    return True
