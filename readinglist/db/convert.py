"""Between stored column values and domain values. Nothing here opens a session."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from ..domain import Person


def authors_to_json(authors: Sequence[Person]) -> str:
    return json.dumps(
        [[a.family, a.given, a.prefix, a.suffix] for a in authors], ensure_ascii=False
    )


# Person is frozen, so one instance can stand for every paper by the same author:
# a library names each author on several papers (10k synthetic papers: 44,888 names,
# 1,932 distinct), and building a frozen dataclass is most of reading one.
_person = functools.lru_cache(maxsize=8192)(Person)


def authors_from_json(text: str) -> tuple[Person, ...]:
    return tuple([_person(*item) for item in json.loads(text or "[]")])


def short_authors(authors: Sequence[Person]) -> str:
    """What the list shows: "Chang", "Chang, Zhang", "Chang, Zhang et al."."""
    names = [a.family or a.given for a in authors if (a.family or a.given) != "others"]
    if not names:
        return ""
    more = len(authors) > 2
    return ", ".join(names[:2]) + (" et al." if more else "")


def extra_to_json(extra: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(extra.items())), ensure_ascii=False)


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


def utc_from_stored(stored: str | datetime) -> datetime:
    """A stored UTC timestamp ("2024-05-01 12:00:00.000000", no zone) as an aware datetime.

    SQLite gives the stored text; psycopg gives PostgreSQL's timestamp (without time
    zone) as a naive datetime already, parsed in C."""
    if isinstance(stored, datetime):
        return stored.replace(tzinfo=UTC)
    try:
        return datetime.fromisoformat(stored + "+00:00")
    except ValueError:  # not written by UTCDateTime; still read it, as UTC if naive
        when = datetime.fromisoformat(stored)
        return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def tag_names(names: Mapping[str, str], ids: str) -> tuple[str, ...]:
    """A paper's tag names from its tag ids as one text ("3,1"; group_concat's): by
    id first, so tags equal under casefold ("Äpfel", "äpfel") keep one order whatever
    order the database gave, then by str.casefold (SQLite's NOCASE folds ASCII only)."""
    ordered = sorted(ids.split(","), key=int)
    return tuple(sorted((names[t] for t in ordered), key=str.casefold))
