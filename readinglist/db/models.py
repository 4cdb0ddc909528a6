"""SQLAlchemy 2 typed models. Never leave `db`/`library`: callers get domain values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Paper(Base):
    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    title_key: Mapped[str] = mapped_column(Text, index=True)  # normalise_title(title)
    abstract: Mapped[str] = mapped_column(Text, default="")
    # [[family, given, prefix, suffix], ...] as JSON: read whole, never queried by part
    authors_json: Mapped[str] = mapped_column(Text, default="[]")
    authors_short: Mapped[str] = mapped_column(Text, default="")  # what the list shows
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    venue: Mapped[str] = mapped_column(Text, default="")
    doi: Mapped[str] = mapped_column(Text, default="")
    doi_key: Mapped[str] = mapped_column(Text, default="", index=True)  # normalise_doi(doi)
    arxiv_id: Mapped[str] = mapped_column(Text, default="", index=True)
    url: Mapped[str] = mapped_column(Text, default="")
    links_json: Mapped[str] = mapped_column(Text, default="[]")
    entry_type: Mapped[str] = mapped_column(String(40), default="misc")
    citation_key: Mapped[str] = mapped_column(String(200), unique=True)
    # 'generated' | 'file' | 'user': only a generated, never-used key gives way to an
    # imported file's key (migration 0003 says more)
    key_origin: Mapped[str] = mapped_column(
        String(10), default="generated", server_default="generated"
    )
    key_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    key_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # {field: imported value} where an import disagreed with a non-empty field
    conflicts_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # status and note are each member's own: see Reading (migration 0005)
    source: Mapped[str] = mapped_column(Text, default="")
    extra_json: Mapped[str] = mapped_column(Text, default="{}")
    trashed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    # the change sequence number of the last write to this paper: the index follows it
    change_seq: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_papers_change_seq", "change_seq", "id"),
        {"sqlite_autoincrement": True},  # ids are never reused: undo and the index rely on it
    )


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), unique=True)


class PaperTag(Base):
    __tablename__ = "paper_tags"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Reading(Base):
    """One member's status and note of one paper (issue 12, migration 0005).

    No row means unread, no note, and the status dated from the paper's added_at
    (a NULL status_changed_at says the same). On SQLite `member` is "" (one member);
    on PostgreSQL it is the member's role: the column's DEFAULT is current_user, so a
    write never names the member, and row-level security keeps each member to their
    own rows (others' rows are readable only where their note is shared)."""

    __tablename__ = "readings"

    member: Mapped[str] = mapped_column(String(63), primary_key=True, server_default="")
    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="unread", server_default="unread")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    note_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # counts and status filters read the member's rows by status from this index
    # alone (100k papers: the counts 19 -> 5 ms, run on every mark-read)
    __table_args__ = (Index("ix_readings_member_status", "member", "status", "paper_id"),)


class Tombstone(Base):
    """A paper deleted for good: the index must drop it (its change_seq says when)."""

    __tablename__ = "tombstones"

    paper_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_seq: Mapped[int] = mapped_column(Integer, index=True)


class Meta(Base):
    """Library-wide values: `library_id` (a UUID) and `seq` (the last change number)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# Core tables for bulk inserts: a plain executemany skips the ORM's per-row work.
PAPERS = cast(Table, Paper.__table__)
PAPER_TAGS = cast(Table, PaperTag.__table__)
READINGS = cast(Table, Reading.__table__)
