"""Which papers a write or a lookup is about: ids checked, a typed reference resolved,
the keys that went out, the papers left to complete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..domain import Filter, PaperNotFound
from .models import Paper
from .store import chunks, filtered_ids, id_in


def existing(s: Session, ids: Iterable[int]) -> list[int]:
    """`ids` without repeats, in order; PaperNotFound names (up to five) missing ones."""
    wanted = list(dict.fromkeys(ids))
    found = set(s.connection().scalars(select(Paper.id).where(id_in(Paper.id, wanted))).all())
    missing = [i for i in wanted if i not in found]
    if missing:
        raise PaperNotFound(f"no paper with id {', '.join(map(str, missing[:5]))}")
    return wanted


def paper(s: Session, paper_id: int) -> Paper:
    """The paper to change in this transaction, or PaperNotFound."""
    found = s.get(Paper, paper_id)
    if found is None:
        raise PaperNotFound(f"no paper with id {paper_id}")
    return found


def filter_id_set(s: Session, f: Filter) -> set[int]:
    """Every id the filter's status, tags and trash choice allow (its query aside)."""
    return set(s.connection().scalars(filtered_ids(s, f)).all())


def resolve_ref(s: Session, ref: str) -> int:
    """A paper id from what a user typed: an id, or a citation key (case ignored).

    All digits is an id, unless no paper has that id and a key equals it (a key such
    as `2021` stays reachable); anything else is a key."""
    text = ref.strip()
    if text.isdigit() and s.get(Paper, int(text)) is not None:
        return int(text)
    exact = s.scalar(select(Paper.id).where(Paper.citation_key == text))
    if exact is not None:
        return exact
    found = s.scalars(
        select(Paper.id).where(func.lower(Paper.citation_key) == text.lower()).limit(2)
    ).all()
    if len(found) == 1:
        return found[0]
    if text.isdigit():
        raise PaperNotFound(f"no paper with id {text}")
    raise PaperNotFound(f"no paper with the citation key {text!r}")


def mark_keys_used(s: Session, ids: Sequence[int], now: datetime) -> None:
    """Record that the keys of `ids` went out (the first time only)."""
    for part in chunks(ids):
        s.execute(
            update(Paper)
            .where(id_in(Paper.id, part), Paper.key_used_at.is_(None))
            .values(key_used_at=now)
            .execution_options(synchronize_session=False)
        )


def incomplete_ids(s: Session) -> list[int]:
    """Papers (not in the trash) without authors or without a year, oldest first."""
    q = select(Paper.id).where(
        Paper.trashed_at.is_(None),
        or_(Paper.authors_json == "[]", Paper.year.is_(None)),
    )
    return list(s.scalars(q.order_by(Paper.id)))


def lookup_fields(s: Session, ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """(title, doi, arxiv_id) by paper id: what a web lookup asks the services with."""
    q = select(Paper.id, Paper.title, Paper.doi, Paper.arxiv_id).where(id_in(Paper.id, ids))
    return {r[0]: (r[1], r[2], r[3]) for r in s.execute(q)}
