"""Between ORM rows / column tuples and domain values. Nothing here opens a session."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from ..domain import PaperDetail, Person, Status
from .models import Paper


def authors_to_json(authors: Sequence[Person]) -> str:
    return json.dumps(
        [[a.family, a.given, a.prefix, a.suffix] for a in authors], ensure_ascii=False
    )


def authors_from_json(text: str) -> tuple[Person, ...]:
    return tuple(Person(*item) for item in json.loads(text or "[]"))


def short_authors(authors: Sequence[Person]) -> str:
    """What the list shows: "Chang", "Chang, Zhang", "Chang, Zhang et al."."""
    names = [a.family or a.given for a in authors if (a.family or a.given) != "others"]
    if not names:
        return ""
    more = len(authors) > 2
    return ", ".join(names[:2]) + (" et al." if more else "")


def extra_to_json(extra: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(extra.items())), ensure_ascii=False)


def detail_from_paper(p: Paper, tags: Sequence[str]) -> PaperDetail:
    return PaperDetail(
        id=p.id,
        title=p.title,
        abstract=p.abstract,
        authors=authors_from_json(p.authors_json),
        year=p.year,
        venue=p.venue,
        doi=p.doi,
        arxiv_id=p.arxiv_id,
        url=p.url,
        links=tuple(json.loads(p.links_json or "[]")),
        entry_type=p.entry_type,
        citation_key=p.citation_key,
        status=Status(p.status),
        added_at=p.added_at,
        status_changed_at=p.status_changed_at,
        note=p.note,
        tags=tuple(sorted(tags, key=str.casefold)),
        source=p.source,
        extra=json.loads(p.extra_json or "{}"),
        trashed_at=p.trashed_at,
        key_origin=p.key_origin or "generated",
        key_pinned=bool(p.key_pinned),
        key_used_at=p.key_used_at,
        conflicts=json.loads(p.conflicts_json or "{}"),
    )


def clean_tag(tag: str) -> str:
    """Tags are trimmed, single-spaced, and never contain a comma (the export separator)."""
    return " ".join(tag.replace(",", " ").split())


def tags_of(values: Sequence[str]) -> tuple[str, ...]:
    out: dict[str, str] = {}
    for v in values:
        t = clean_tag(v)
        if t:
            out.setdefault(t.casefold(), t)
    return tuple(out.values())
