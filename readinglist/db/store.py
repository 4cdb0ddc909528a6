"""Queries and writes over one open Session. The Library decides the transactions."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    delete,
    func,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..domain import Counts, Filter, PaperDetail, PaperRow, Status, tag_key
from .convert import authors_from_json, tag_names
from .convert import utc_from_stored as _utc
from .dialect import id_list, ids_in, insert_ignoring, on_postgresql, tag_fold
from .models import PAPER_TAGS, Meta, Paper, PaperTag, Reading, Tag
from .readings import (
    UNREAD,
    member_sql,
    note_col,
    note_shared_col,
    own,
    shared_notes,
    status_changed_text,
    status_col,
)

# SQLite limits bound parameters per statement; chunk big id lists.
CHUNK = 900


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def id_in(col: InstrumentedAttribute[int], ids: Iterable[int]) -> ColumnElement[bool]:
    """`col IN (ids)` with the ids bound as ONE JSON array (db/dialect.py `ids_in`).

    `col.in_(ids)` binds a parameter per id: SQLite's limit forces chunks, and
    SQLAlchemy coerces and renders every element (~30 ms per 1,000 ids). One JSON
    text is a single, cached statement for any number of ids."""
    return ids_in(col, ids)


# PostgreSQL: the channel every write notifies with its change number (the other
# clients' change_listener.py LISTENs on it).
CHANGES_CHANNEL = "readinglist_changes"


def next_seq(s: Session) -> int:
    """Claim the next change number; every paper a transaction touches carries it."""
    # The counter is a ROW, not a SEQUENCE: on PostgreSQL its row lock, taken here and
    # held to the commit, orders the writers, so change numbers become visible in
    # commit order and the index follower (which asks for "changed after N") can never
    # skip a number that commits late. A SEQUENCE hands numbers out at once, and a
    # transaction holding 7 could commit after another's 8 was already indexed.
    # (SQLite's writers are ordered by BEGIN IMMEDIATE anyway.) The text column is
    # given text on both: PostgreSQL refuses an integer there.
    row = s.execute(
        text(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
            " WHERE key = 'seq' RETURNING value"
        )
    ).one()
    seq = int(row[0])
    notify_change(s, seq)
    return seq


def notify_change(s: Session, seq: int) -> None:
    """On PostgreSQL, tell the listening clients of change `seq`. A NOTIFY in a
    transaction is sent at its commit, and never for one rolled back."""
    if on_postgresql(s):
        s.execute(text("SELECT pg_notify(:ch, :seq)"), {"ch": CHANGES_CHANNEL, "seq": str(seq)})


def current_seq(s: Session) -> int:
    value = s.scalar(select(Meta.value).where(Meta.key == "seq"))
    return int(value or 0)


def get_meta(s: Session, key: str) -> str | None:
    return s.scalar(select(Meta.value).where(Meta.key == key))


def set_meta(s: Session, key: str, value: str) -> None:
    existing = s.get(Meta, key)
    if existing is None:
        s.add(Meta(key=key, value=value))
    else:
        existing.value = value


def _filter_conditions(s: Session, f: Filter) -> list[ColumnElement[bool]]:
    """The filter's status, tags and trash state (the query aside) as WHERE terms."""
    conditions: list[ColumnElement[bool]] = [
        Paper.trashed_at.is_not(None) if f.trashed else Paper.trashed_at.is_(None)
    ]
    if f.status is not None:
        # The member's own rows, as a subquery rather than a join: unread is "no row,
        # or a row saying unread", so it is the papers NOT among the others.
        mine = select(Reading.paper_id).where(Reading.member == member_sql(s))
        if f.status.value == UNREAD:
            conditions.append(Paper.id.not_in(mine.where(Reading.status != UNREAD)))
        else:
            conditions.append(Paper.id.in_(mine.where(Reading.status == f.status.value)))
    if f.tags:
        # Tag names fold ASCII letters only (SQLite's NOCASE, db/dialect.py tag_fold):
        # func.lower against str.casefold missed "Äpfel" (SQLite's lower() leaves Ä as
        # it is). Filter.matches (domain.py) is the same test in Python.
        keys = sorted({tag_key(t) for t in f.tags})
        having = (
            select(PaperTag.paper_id)
            .join(Tag, Tag.id == PaperTag.tag_id)
            .where(tag_fold(Tag.name).in_(keys))
            .group_by(PaperTag.paper_id)
            .having(func.count(func.distinct(Tag.id)) == len(keys))
        )
        conditions.append(Paper.id.in_(having))
    return conditions


def filtered_ids(s: Session, f: Filter) -> Select[int]:
    """Ids matching the filter's status, tags and trash state (the query aside)."""
    return select(Paper.id).where(*_filter_conditions(s, f))


def tags_by_paper(s: Session, ids: Collection[int] | None = None) -> dict[int, list[str]]:
    """Tag names per paper id; all papers when `ids` is None (one query, not one per row)."""
    q = select(PaperTag.paper_id, Tag.name).join(Tag, Tag.id == PaperTag.tag_id)
    out: dict[int, list[str]] = defaultdict(list)
    # Core, not ORM execution: the ORM's per-row result handling costs more than SQLite
    conn = s.connection()
    if ids is None:
        for pid, name in conn.execute(q).all():
            out[pid].append(name)
        return out
    for pid, name in conn.execute(q.where(id_in(PaperTag.paper_id, ids))).all():
        out[pid].append(name)
    return out


# added_at as the stored text: SQLAlchemy's SQLite DateTime parses it with a regex
# and the UTC decorator then calls replace() — together ~10x datetime.fromisoformat.
# The member's status is not joined in: _Statuses reads it apart (see there).
_ROW_COLUMNS = (
    Paper.id,
    Paper.title,
    Paper.authors_short,
    Paper.year,
    type_coerce(Paper.added_at, String),
)
_STATUS = {st.value: st for st in Status}
_NO_TAGS: tuple[str, ...] = ()


def plain_rows(s: Session, q: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Run a Core select on the session's connection and return plain tuples.

    For the 100k-row reads only: the DB-API cursor's own fetchall builds tuples in C,
    where SQLAlchemy's result wraps every row (~80 ms per 100k rows). The statement
    is still built by SQLAlchemy; no type processing applies, so select raw columns."""
    conn = s.connection()
    compiled = q.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    # SQLite's driver takes positional parameters, psycopg named ones (%(name)s)
    params: Sequence[Any] | dict[str, Any] = (
        [compiled.params[name] for name in compiled.positiontup]
        if compiled.positiontup is not None
        else compiled.params
    )
    dbapi = conn.connection.driver_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.execute(str(compiled), params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


class _TagNames:
    """Each tagged paper's tags, read as one text of tag ids per paper.

    One row per paper instead of one per (paper, tag), and the id texts repeat (papers
    share tag combinations), so each combination is turned into a sorted tuple of
    names once and the tuple is shared."""

    def __init__(self, s: Session, ids: Iterable[int] | None) -> None:
        q: Select[*tuple[Any, ...]] = select(PaperTag.paper_id, id_list(PaperTag.tag_id)).group_by(
            PaperTag.paper_id
        )
        if ids is not None:
            q = q.where(id_in(PaperTag.paper_id, ids))
        self.text: dict[int, str] = dict(plain_rows(s, q))
        self._names: dict[str, str] = {
            str(tid): name for tid, name in s.connection().execute(select(Tag.id, Tag.name))
        }
        self.combos: dict[str, tuple[str, ...]] = {}

    def of(self, paper_id: int) -> tuple[str, ...]:
        text = self.text.get(paper_id)
        return _NO_TAGS if text is None else self.combo(text)

    def combo(self, text: str) -> tuple[str, ...]:
        names = self.combos.get(text)
        if names is None:
            names = self.combos[text] = tag_names(self._names, text)
        return names


def _statuses(s: Session, ids: Iterable[int] | None) -> dict[int, Status]:
    """The member's status of each paper that is not unread (of `ids`, or all).

    Read apart and looked up in Python rather than LEFT JOINed: the join costs SQLite
    an index search per paper (100k: the raw list read 271 -> 435 ms), where this
    reads only the member's rows, in key order."""
    q: Select[*tuple[Any, ...]] = select(Reading.paper_id, Reading.status).where(
        Reading.member == member_sql(s)
    )
    # all: by the (member, status) index; a few: by the key (a status term there made
    # SQLite walk all the member's rows instead)
    q = q.where(Reading.status != UNREAD) if ids is None else q.where(id_in(Reading.paper_id, ids))
    return {pid: _STATUS[status] for pid, status in plain_rows(s, q) if status != UNREAD}


def _to_rows(
    raw: Iterable[Sequence[Any]],
    tags: _TagNames,
    statuses: dict[int, Status],
    default: Status = Status.UNREAD,
) -> list[PaperRow]:
    """PaperRows from (id, title, authors_short, year, added_at text) tuples.

    The hot loop of opening the window (100k rows): plain lookups, no per-row enum
    construction, and each distinct timestamp parsed once (an import stamps all its
    papers with the same one)."""
    status_get, unread, text_of, combos, combo, no_tags = (
        statuses.get,
        default,
        tags.text.get,
        tags.combos,
        tags.combo,
        _NO_TAGS,
    )
    when: dict[str, datetime] = {}
    rows: list[PaperRow] = []
    append = rows.append
    for pid, title, authors, year, added in raw:
        at = when.get(added)
        if at is None:
            at = when[added] = _utc(added)
        text = text_of(pid)
        names = no_tags if text is None else combos.get(text) or combo(text)
        append(PaperRow(pid, title, authors, year, status_get(pid, unread), names, at))
    return rows


def rows_for_filter(s: Session, f: Filter, limit: int | None = None) -> list[PaperRow]:
    """The rows matching a filter (without query), newest first, as plain tuples: all
    of them, or the first `limit` (what a window paints first)."""
    q = select(*_ROW_COLUMNS).where(*_filter_conditions(s, f)).order_by(Paper.id.desc())
    if limit is not None:
        q = q.limit(limit)
    raw = plain_rows(s, q)
    few = None if len(raw) > 2000 else [r[0] for r in raw]
    if f.status is not None:  # every row has the filter's status: nothing to read
        return _to_rows(raw, _TagNames(s, few), {}, f.status)
    return _to_rows(raw, _TagNames(s, few), _statuses(s, few))


def count_for_filter(s: Session, f: Filter) -> int:
    """How many papers a filter (without query) selects."""
    return int(s.scalar(select(func.count()).select_from(filtered_ids(s, f).subquery())) or 0)


def rows_for_ids(s: Session, ids: Sequence[int]) -> list[PaperRow]:
    """Rows for the given ids, in the given order (ids missing from the DB are dropped)."""
    raw: dict[int, Sequence[Any]] = {}
    conn = s.connection()
    for r in conn.execute(select(*_ROW_COLUMNS).where(id_in(Paper.id, ids))).all():
        raw[r[0]] = r
    found = list(raw)
    return _to_rows((raw[i] for i in ids if i in raw), _TagNames(s, found), _statuses(s, found))


# Every column a PaperDetail needs, timestamps as their stored text (see _ROW_COLUMNS).
_DETAIL_COLUMNS = (
    Paper.id,
    Paper.title,
    Paper.abstract,
    Paper.authors_json,
    Paper.year,
    Paper.venue,
    Paper.doi,
    Paper.arxiv_id,
    Paper.url,
    Paper.links_json,
    Paper.entry_type,
    Paper.citation_key,
    status_col,
    type_coerce(Paper.added_at, String),
    status_changed_text,
    note_col,
    Paper.source,
    Paper.extra_json,
    type_coerce(Paper.trashed_at, String),
    Paper.key_origin,
    Paper.key_pinned,
    type_coerce(Paper.key_used_at, String),
    Paper.conflicts_json,
    note_shared_col,
)


def details_for_ids(s: Session, ids: Sequence[int]) -> list[PaperDetail]:
    """PaperDetails for the given ids, in the given order (missing ids are dropped).

    Plain column tuples, not ORM objects: `list --json` of 10k papers spent ~1 s
    building Paper instances and converting them."""
    found: dict[int, tuple[Any, ...]] = {}
    q = select(*_DETAIL_COLUMNS).outerjoin(Reading, own(s)).where(id_in(Paper.id, ids))
    for row in plain_rows(s, q):
        found[row[0]] = row
    tags = _TagNames(s, list(found))
    shared = shared_notes(s, list(found))
    when: dict[str, datetime] = {}

    def utc(stored: str | None) -> datetime | None:
        if stored is None:
            return None
        at = when.get(stored)
        if at is None:
            at = when[stored] = _utc(stored)
        return at

    out = []
    for i in ids:
        r = found.get(i)
        if r is None:
            continue
        (pid, title, abstract, authors, year, venue, doi, arxiv_id, url, links, entry_type,
         key, status, added, changed, note, source, extra, trashed, origin, pinned, used,
         conflicts, note_shared) = r  # fmt: skip
        out.append(
            PaperDetail(
                id=pid,
                title=title,
                abstract=abstract,
                authors=authors_from_json(authors),
                year=year,
                venue=venue,
                doi=doi,
                arxiv_id=arxiv_id,
                url=url,
                links=_json_tuple(links),
                entry_type=entry_type,
                citation_key=key,
                status=_STATUS[status],
                added_at=cast(datetime, utc(added)),
                status_changed_at=cast(datetime, utc(changed)),
                note=note,
                tags=tags.of(pid),
                source=source,
                extra=_json_dict(extra),
                trashed_at=utc(trashed),
                key_origin=origin or "generated",
                key_pinned=bool(pinned),
                key_used_at=utc(used),
                conflicts=_json_dict(conflicts),
                note_shared=bool(note_shared),
                shared_notes=shared.get(pid, ()),
            )
        )
    return out


def _json_tuple(text: str | None) -> tuple[str, ...]:
    return () if not text or text == "[]" else tuple(json.loads(text))


def _json_dict(text: str | None) -> dict[str, str]:
    return {} if not text or text == "{}" else dict(json.loads(text))


def counts(s: Session) -> Counts:
    """Papers per status and per tag (trash aside), and the trash's size.

    Counted over everything and then the trash subtracted: the first counts read only
    the member's (member, status) and the tag_id indexes, and the trash is found
    through its own index; unread is what the others leave. The
    direct form (WHERE trashed_at IS NULL GROUP BY status) visits every paper row —
    reading the whole table, abstracts included, on every mark-read."""
    trashed = select(Paper.id).where(Paper.trashed_at.is_not(None))
    conn = s.connection()
    by_status = dict.fromkeys(Status, 0)
    # Papers without a row of the member's are unread: unread is what the rest leave.
    alive = int(conn.scalar(select(func.count()).select_from(Paper)) or 0)
    trash = int(conn.scalar(select(func.count()).select_from(trashed.subquery())) or 0)
    alive -= trash
    mine = select(Reading.status, func.count()).where(
        Reading.member == member_sql(s), Reading.status != UNREAD
    )
    for status, n in conn.execute(mine.group_by(Reading.status)):
        by_status[_STATUS[status]] += n
    if trash:  # (else nothing to take away: the member's rows need not be read again)
        for status, n in conn.execute(
            mine.where(Reading.paper_id.in_(trashed)).group_by(Reading.status)
        ):
            by_status[_STATUS[status]] -= n
    by_status[Status.UNREAD] = alive - sum(by_status.values())
    per_tag: dict[int, int] = defaultdict(int)
    for tid, n in conn.execute(select(PaperTag.tag_id, func.count()).group_by(PaperTag.tag_id)):
        per_tag[tid] += n
    for tid, n in conn.execute(
        select(PaperTag.tag_id, func.count())
        .where(PaperTag.paper_id.in_(trashed))
        .group_by(PaperTag.tag_id)
    ):
        per_tag[tid] -= n
    names = conn.execute(select(Tag.id, Tag.name)).all()
    tags = {name: per_tag.get(tid, 0) for tid, name in sorted(names, key=lambda r: r[1].casefold())}
    return Counts(sum(by_status.values()), by_status, tags, trash)


def tag_ids(s: Session, names: Sequence[str], create: bool) -> dict[str, int]:
    """Tag id by folded name; missing tags are created when `create`."""
    out: dict[str, int] = {}
    for name in names:
        key = name.casefold()
        if key in out:
            continue
        # the fold the UNIQUE index compares with (NOCASE; translate() on PostgreSQL):
        # func.lower missed an existing "Äpfel", so adding it again broke the constraint
        tid = s.scalar(select(Tag.id).where(tag_fold(Tag.name) == tag_key(name)))
        if tid is None and create:
            tag = Tag(name=name)
            s.add(tag)
            s.flush()
            tid = tag.id
        if tid is not None:
            out[key] = tid
    return out


def mark_changed(s: Session, ids: Sequence[int], seq: int) -> None:
    s.connection().execute(update(Paper).where(id_in(Paper.id, ids)).values(change_seq=seq))


def delete_orphan_tags(s: Session) -> None:
    s.execute(delete(Tag).where(~Tag.id.in_(select(PaperTag.tag_id))))


def add_tags_to(s: Session, ids: Sequence[int], names: Sequence[str]) -> None:
    tid = tag_ids(s, names, create=True)
    links = [{"paper_id": pid, "tag_id": t} for pid in ids for t in tid.values()]
    if links:
        s.execute(insert_ignoring(s, PAPER_TAGS), links)
