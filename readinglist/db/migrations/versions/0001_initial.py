"""The first schema: papers, tags, paper_tags, tombstones, meta.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from readinglist.db.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PostgreSQL has no NOCASE collation: there the tag name is a plain column and its
    # uniqueness an index on the same fold, made by 0004. SQLite's files are as before.
    pg = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "papers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_key", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("authors_json", sa.Text(), nullable=False),
        sa.Column("authors_short", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("venue", sa.Text(), nullable=False),
        sa.Column("doi", sa.Text(), nullable=False),
        sa.Column("doi_key", sa.Text(), nullable=False),
        sa.Column("arxiv_id", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("links_json", sa.Text(), nullable=False),
        sa.Column("entry_type", sa.String(40), nullable=False),
        sa.Column("citation_key", sa.String(200), nullable=False, unique=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("status_changed_at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("note_changed_at", UTCDateTime(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("extra_json", sa.Text(), nullable=False),
        sa.Column("trashed_at", UTCDateTime(), nullable=True),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sqlite_autoincrement=True,  # ids are never reused: undo and the index rely on it
    )
    op.create_index("ix_papers_title_key", "papers", ["title_key"])
    op.create_index("ix_papers_doi_key", "papers", ["doi_key"])
    op.create_index("ix_papers_arxiv_id", "papers", ["arxiv_id"])
    op.create_index("ix_papers_status", "papers", ["status"])
    op.create_index("ix_papers_change_seq", "papers", ["change_seq", "id"])
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "name",
            sa.String(200) if pg else sa.String(200, collation="NOCASE"),
            nullable=False,
            unique=not pg,
        ),
    )
    op.create_table(
        "paper_tags",
        sa.Column(
            "paper_id",
            sa.Integer(),
            sa.ForeignKey("papers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id", sa.Integer(), sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_paper_tags_tag_id", "paper_tags", ["tag_id"])
    op.create_table(
        "tombstones",
        sa.Column("paper_id", sa.Integer(), primary_key=True),
        sa.Column("change_seq", sa.Integer(), nullable=False),
    )
    op.create_index("ix_tombstones_change_seq", "tombstones", ["change_seq"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("meta", "tombstones", "paper_tags", "tags", "papers"):
        op.drop_table(table)
