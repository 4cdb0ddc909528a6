"""Tags as a whole: their names, taking some off papers, renaming (merging), deleting.

Adding tags and the tag ids themselves are db/store.py's (`add_tags_to`, `tag_ids`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..domain import LibraryError
from .models import PaperTag, Tag
from .store import add_tags_to, delete_orphan_tags, id_in, mark_changed, next_seq, tag_ids


def tag_names(s: Session) -> list[str]:
    """Every tag, sorted as the sidebar shows them (case ignored)."""
    return sorted(s.scalars(select(Tag.name)), key=str.casefold)


def remove_tags(s: Session, ids: Sequence[int], names: Sequence[str]) -> None:
    """Take the tags off `ids` (all of them get a new change number); a tag left on
    no paper is deleted."""
    tid = tag_ids(s, list(names), create=False)
    s.connection().execute(
        delete(PaperTag).where(
            id_in(PaperTag.paper_id, ids),
            PaperTag.tag_id.in_(list(tid.values())),
        )
    )
    mark_changed(s, ids, next_seq(s))
    delete_orphan_tags(s)


def _papers_with(s: Session, name: str) -> tuple[int, list[int]]:
    """The tag's id and its papers; LibraryError when there is no such tag."""
    tid = tag_ids(s, [name], create=False).get(name.casefold())
    if tid is None:
        raise LibraryError(f"no tag called {name!r}")
    return tid, list(s.scalars(select(PaperTag.paper_id).where(PaperTag.tag_id == tid)))


def rename_tag(s: Session, old: str, new: str) -> list[int]:
    """Rename tag `old` to the (clean, non-empty) `new`; onto an existing tag, the two
    merge. Returns the papers that had `old`."""
    src, papers = _papers_with(s, old)
    dst = tag_ids(s, [new], create=False).get(new.casefold())
    if dst is None or dst == src:
        tag = s.get(Tag, src)
        assert tag is not None
        tag.name = new
    else:
        add_tags_to(s, papers, [new])
        s.execute(delete(Tag).where(Tag.id == src))
    mark_changed(s, papers, next_seq(s))
    return papers


def delete_tag(s: Session, name: str) -> list[int]:
    """Delete the tag from every paper; returns the papers that had it."""
    tid, papers = _papers_with(s, name)
    s.execute(delete(Tag).where(Tag.id == tid))
    mark_changed(s, papers, next_seq(s))
    return papers
