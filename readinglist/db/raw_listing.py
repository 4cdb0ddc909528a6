"""A listing read over a plain DB-API (sqlite3) connection, without SQLAlchemy: its
rows for `list`, or each paper's `--json` text built by SQLite itself (issue 10).

cli.paper_json builds a dict per paper from a PaperDetail and the json module
encodes it: at 10k papers ~0.45 s of Python (the details 0.21, the dicts 0.11, the
encoding 0.15). Here one SELECT quotes every text column with SQLite's json_quote
and writes the object around them; Python only splices in what SQLite cannot make
the same way, each piece by the code the general path runs (or its one line):

- the authors' display strings (domain.Person.display over the stored authors
  JSON), cached per distinct author;
- the tags, sorted with str.casefold (SQLite's NOCASE folds ASCII only);
- the times, as convert.utc_from_stored and `isoformat(timespec="seconds")`;
- the links, re-encoded from their stored JSON.

SQLite's json_quote escapes exactly what Python's encoder (ensure_ascii=False)
escapes: `"`, `\\` and C0 controls, as \\b \\t \\n \\f \\r or \\u00XX (lower-case hex),
nothing else (tests/test_raw_listing.py checks every code point). The characters a
terminal must not get raw (C1, bidi, U+2028) are escaped by the function the
general path runs on its whole text (text.json_terminal_safe), here piece by piece:
a cached piece (an author, a tag list) once, not once per paper.

SQLite only, and only for a folder library: a shared library has other members'
notes (`shared_notes`), which this never reads. No SQLAlchemy: it takes a DB-API
connection, so the CLI's read path that skips SQLAlchemy (library_quick.py) can use
it. The filter's SQL mirrors store._filter_conditions; tests/test_raw_listing.py
runs every filter through both and compares the output byte for byte.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from ..domain import PaperRow, Person, Status, tag_key
from ..text import json_terminal_safe as safe
from .convert import tag_names, utc_from_stored

ENCODE = json.JSONEncoder(ensure_ascii=False).encode

# One row per paper: (id, head, authors JSON, status, middle, status changed,
# tag ids, note part, added, source part, trashed). The pieces are joined in
# Python (PAPER_JSON_KEYS's order, as cli.paper_json writes them).
_SELECT = """
SELECT p.id,
  '{"id": ' || p.id || ', "title": ' || json_quote(p.title)
    || ', "abstract": ' || json_quote(p.abstract) || ', "authors": ',
  p.authors_json,
  ', "year": ' || json_quote(p.year) || ', "venue": ' || json_quote(p.venue)
    || ', "doi": ' || json_quote(p.doi) || ', "arxiv_id": ' || json_quote(p.arxiv_id)
    || ', "url": ' || json_quote(p.url) || ', "links": ',
  p.links_json,
  ', "entry_type": ' || json_quote(p.entry_type) || ', "status": ',
  coalesce(r.status, 'unread'),
  coalesce(r.status_changed_at, p.added_at),
  ', "note": ' || json_quote(coalesce(r.note, '')) || ', "note_shared": '
    || CASE WHEN coalesce(r.note_shared, 0) THEN 'true' ELSE 'false' END
    || ', "shared_notes": [], "citation_key": ' || json_quote(p.citation_key),
  p.added_at,
  ', "source": ' || json_quote(p.source),
  p.trashed_at
FROM papers p LEFT JOIN readings r ON r.paper_id = p.id AND r.member = ''
"""

_UNREAD = Status.UNREAD.value


def filter_sql(status: Status | None, tags: Sequence[str]) -> tuple[str, list[object]]:
    """The WHERE clause (and its parameters) of a listing outside the Trash: the SQL
    of store._filter_conditions on SQLite (the one member is '')."""
    where = ["p.trashed_at IS NULL"]
    params: list[object] = []
    if status is not None:
        if status.value == _UNREAD:
            where.append(
                "p.id NOT IN (SELECT paper_id FROM readings WHERE member = '' AND status != ?)"
            )
            params.append(_UNREAD)
        else:
            where.append("p.id IN (SELECT paper_id FROM readings WHERE member = '' AND status = ?)")
            params.append(status.value)
    if tags:
        keys = sorted({tag_key(t) for t in tags})
        marks = ", ".join("?" * len(keys))
        where.append(
            "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
            f" WHERE t.name IN ({marks}) GROUP BY pt.paper_id"
            " HAVING count(DISTINCT t.id) = ?)"
        )
        params += [*keys, len(keys)]
    return " AND ".join(where), params


class _Pieces:
    """What Python adds to SQLite's text, each distinct value worked out once."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.tag_names = {str(tid): name for tid, name in con.execute("SELECT id, name FROM tags")}
        self.names: dict[str, tuple[str, ...]] = {}
        self.tags: dict[str | None, str] = {None: "[]"}
        self.times: dict[str | None, str] = {None: "null"}
        self.people: dict[tuple[str, ...], str] = {}
        self.status = {s.value: ENCODE(s.value) for s in Status}

    def tag_names_of(self, ids: str | None) -> tuple[str, ...]:
        """A paper's tag names from its tag ids, as store._TagNames orders them."""
        if ids is None:
            return ()
        names = self.names.get(ids)
        if names is None:
            names = self.names[ids] = tag_names(self.tag_names, ids)
        return names

    def tag_list(self, ids: str | None) -> str:
        text = self.tags.get(ids)
        if text is None:
            text = self.tags[ids] = safe(ENCODE(list(self.tag_names_of(ids))))
        return text

    def time(self, stored: str | None) -> str:
        text = self.times.get(stored)
        if text is None:
            assert stored is not None
            when: datetime = utc_from_stored(stored)
            text = self.times[stored] = ENCODE(when.isoformat(timespec="seconds"))
        return text

    def authors(self, stored: str) -> str:
        """[a.display for a in convert.authors_from_json(stored)], encoded."""
        people = self.people
        parts = []
        for item in json.loads(stored or "[]"):
            key = tuple(item)
            text = people.get(key)
            if text is None:
                text = people[key] = safe(ENCODE(Person(*item).display))
            parts.append(text)
        return "[" + ", ".join(parts) + "]"


def _links(stored: str | None) -> str:
    """list(store._json_tuple(stored)), encoded."""
    if not stored or stored == "[]":
        return "[]"
    return safe(ENCODE(list(tuple(json.loads(stored)))))


def _tag_ids(con: sqlite3.Connection, where: str, params: Sequence[object]) -> dict[int, str]:
    q = (
        "SELECT pt.paper_id, group_concat(pt.tag_id, ',') FROM paper_tags pt"
        f" WHERE pt.paper_id IN (SELECT p.id FROM papers p WHERE {where})"
        " GROUP BY pt.paper_id"
    )
    return dict(con.execute(q, params).fetchall())


def listing_json(
    con: sqlite3.Connection, status: Status | None = None, tags: Sequence[str] = ()
) -> list[str]:
    """The `list --json` text of every paper a filter lists, newest first (before
    terminal-safe, text.json_terminal_safe). Read whole before anything is written:
    an error comes before the first line."""
    where, params = filter_sql(status, tags)
    return _json_texts(con, where, params)


def paper_json(con: sqlite3.Connection, paper_id: int) -> str | None:
    """One paper's `--json` text (compact; in the Trash or not); None: no such paper."""
    found = _json_texts(con, "p.id = ?", [paper_id])
    return found[0] if found else None


def _json_texts(con: sqlite3.Connection, where: str, params: Sequence[object]) -> list[str]:
    rows = con.execute(f"{_SELECT} WHERE {where} ORDER BY p.id DESC", params).fetchall()
    return list(_texts(con, rows, _tag_ids(con, where, params)))


def _texts(
    con: sqlite3.Connection, rows: Sequence[tuple[Any, ...]], tag_ids: dict[int, str]
) -> Iterator[str]:
    pieces = _Pieces(con)
    authors, time, tag_list, status_of = (
        pieces.authors,
        pieces.time,
        pieces.tag_list,
        pieces.status,
    )
    get_tags = tag_ids.get
    for pid, head, auth, mid, links, kind, status, changed, note, added, source, trashed in rows:
        yield "".join(
            (
                safe(head),
                authors(auth),
                safe(mid),
                _links(links),
                safe(kind),
                status_of[status],
                ', "status_changed_at": ',
                time(changed),
                ', "tags": ',
                tag_list(get_tags(pid)),
                safe(note),
                ', "added_at": ',
                time(added),
                safe(source),
                ', "trashed_at": ',
                time(trashed),
                "}",
            )
        )


def listing_rows(
    con: sqlite3.Connection, status: Status | None = None, tags: Sequence[str] = ()
) -> list[PaperRow]:
    """The rows store.rows_for_filter gives for the same filter, newest first."""
    where, params = filter_sql(status, tags)
    rows = con.execute(
        "SELECT p.id, p.title, p.authors_short, p.year, coalesce(r.status, 'unread'),"
        f" p.added_at FROM papers p LEFT JOIN readings r ON r.paper_id = p.id AND r.member = ''"
        f" WHERE {where} ORDER BY p.id DESC",
        params,
    ).fetchall()
    tag_ids = _tag_ids(con, where, params).get
    pieces = _Pieces(con)
    statuses = {s.value: s for s in Status}
    when: dict[str, datetime] = {}
    out = []
    for pid, title, authors, year, state, added in rows:
        at = when.get(added)
        if at is None:
            at = when[added] = utc_from_stored(added)
        names = pieces.tag_names_of(tag_ids(pid))
        out.append(PaperRow(pid, title, authors, year, statuses[state], names, at))
    return out
