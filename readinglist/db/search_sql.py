"""The SQL behind a search's listing (issue 11: kept out of library.py).

- which papers the index has still to take in (changed after its `seq`, not trashed),
  read with what the index builds its documents from;
- which of the index's hits are still alive (the index may lag a trash);
- the trash's own plain substring search (the trash is not indexed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from .models import Paper, Reading
from .readings import note_col, own, status_col
from .store import id_in, tags_by_paper


def pending_count(s: Session, since_seq: int) -> int:
    """Papers not in the trash changed after `since_seq`: what the index lacks."""
    return int(
        s.scalar(
            select(func.count())
            .select_from(Paper)
            .where(Paper.change_seq > since_seq, Paper.trashed_at.is_(None))
        )
        or 0
    )


def index_rows(s: Session) -> Select[*tuple[Any, ...]]:
    """The columns an index document is made of (id, change_seq, trashed_at, title,
    abstract, authors_json, note, venue, doi, arxiv_id, year, status), the note and
    status the member's own: what their index holds. For the indexer's catch-up and
    the scan of papers it has still to take in (they must match the same text)."""
    return select(
        Paper.id,
        Paper.change_seq,
        Paper.trashed_at,
        Paper.title,
        Paper.abstract,
        Paper.authors_json,
        note_col.label("note"),
        Paper.venue,
        Paper.doi,
        Paper.arxiv_id,
        Paper.year,
        status_col.label("status"),
    ).outerjoin(Reading, own(s))


def changed_papers(s: Session, after_seq: int) -> tuple[list[Any], dict[int, list[str]]]:
    """index_rows of the papers changed after `after_seq`, trashed ones too (so a
    cache of them can drop those), and the tags of the others."""
    rows = list(s.execute(index_rows(s).where(Paper.change_seq > after_seq)))
    return rows, tags_by_paper(s, [r.id for r in rows if r.trashed_at is None])


def alive_ids(s: Session, ids: Sequence[int]) -> set[int]:
    """Those of `ids` that exist and are not in the trash."""
    return set(s.scalars(select(Paper.id).where(id_in(Paper.id, ids), Paper.trashed_at.is_(None))))


def trash_search_ids(s: Session, query: str) -> list[int]:
    """Trashed papers whose title or abstract holds every word, last trashed first."""
    words = query.replace('"', " ").split()
    q = select(Paper.id).where(Paper.trashed_at.is_not(None))
    for w in words:
        like = f"%{w.strip('*')}%"
        q = q.where(or_(Paper.title.ilike(like), Paper.abstract.ilike(like)))
    return list(s.scalars(q.order_by(Paper.trashed_at.desc())))
