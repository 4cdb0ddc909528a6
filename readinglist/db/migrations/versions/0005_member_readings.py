"""Each member's own status and note (issue 12): `readings`, one row per (member,
paper) that differs from "unread, no note"; papers keep no status or note.

On SQLite the one member is "" and every paper's status and note move into a row
(only the rows that say something: a status other than unread, a note, or a date).
On PostgreSQL `member` defaults to current_user, the existing status and notes
become those of the member who logged in to run the upgrade, and row-level security (ENABLE and
FORCE, so the table's owner is held to it too) lets a member:

- read their own rows, and others' rows whose note is shared (and not empty). A
  shared note shows with that member's status of the paper ("read it: the proof of
  3.2 is wrong" needs the "read"); a member who shares nothing shows nothing, not
  even what they read;
- insert, change and delete only rows whose member is themselves.

A paper deleted for good takes every member's row with it (the foreign key's
cascade runs as the table's owner, past the policies): papers are shared.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from readinglist.db.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Kept here, not built from the models: a migration is what it was when written.
RLS = (
    "ALTER TABLE readings ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE readings FORCE ROW LEVEL SECURITY",
    "CREATE POLICY readings_read ON readings FOR SELECT"
    " USING (member = current_user OR (note_shared AND note <> ''))",
    "CREATE POLICY readings_add ON readings FOR INSERT WITH CHECK (member = current_user)",
    "CREATE POLICY readings_change ON readings FOR UPDATE"
    " USING (member = current_user) WITH CHECK (member = current_user)",
    "CREATE POLICY readings_remove ON readings FOR DELETE USING (member = current_user)",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    who = "CURRENT_USER" if postgres else "''"
    op.create_table(
        "readings",
        sa.Column("member", sa.String(63), primary_key=True, server_default=sa.text(who)),
        sa.Column(
            "paper_id",
            sa.Integer(),
            sa.ForeignKey("papers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("status", sa.String(10), nullable=False, server_default="unread"),
        sa.Column("status_changed_at", UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("note_changed_at", UTCDateTime(), nullable=True),
        sa.Column("note_shared", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_readings_paper_id", "readings", ["paper_id"])
    op.create_index("ix_readings_member_status", "readings", ["member", "status", "paper_id"])
    # A status date equal to added_at is what a missing date means: left NULL. The
    # statuses and notes become those of the member upgrading: SESSION_USER, the role
    # that logged in (db/server.py may SET ROLE to the members' group to own tables).
    mover = "SESSION_USER" if postgres else "''"
    op.execute(
        "INSERT INTO readings (member, paper_id, status, status_changed_at, note,"
        " note_changed_at)"
        f" SELECT {mover}, id, status,"
        " CASE WHEN status_changed_at = added_at THEN NULL ELSE status_changed_at END,"
        " note, note_changed_at FROM papers"
        " WHERE status <> 'unread' OR note <> '' OR note_changed_at IS NOT NULL"
        " OR status_changed_at <> added_at"
    )
    op.drop_index("ix_papers_status", "papers")
    # ALTER TABLE .. DROP COLUMN (SQLite 3.35+), not Alembic's batch copy: dropping the
    # old table of a copy cascades (foreign keys are on and cannot be turned off inside
    # the migration's transaction) and would delete every tag link and reading row.
    for column in ("status", "status_changed_at", "note", "note_changed_at"):
        op.execute(f"ALTER TABLE papers DROP COLUMN {column}")
    if postgres:
        for statement in RLS:
            op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # plain ADD COLUMN, never a batch copy (see upgrade); the date's default is
    # overwritten below
    op.add_column(
        "papers", sa.Column("status", sa.String(10), nullable=False, server_default="unread")
    )
    op.add_column(
        "papers",
        sa.Column(
            "status_changed_at",
            UTCDateTime(),
            nullable=False,
            server_default="1970-01-01 00:00:00.000000",
        ),
    )
    op.add_column("papers", sa.Column("note", sa.Text(), nullable=False, server_default=""))
    op.add_column("papers", sa.Column("note_changed_at", UTCDateTime(), nullable=True))
    # the rows of the member who runs it go back (on SQLite: the only member's)
    who = "SESSION_USER" if postgres else "''"
    op.execute(
        "UPDATE papers SET status = COALESCE((SELECT r.status FROM readings r"
        f" WHERE r.paper_id = papers.id AND r.member = {who}), 'unread'),"
        " status_changed_at = COALESCE((SELECT r.status_changed_at FROM readings r"
        f" WHERE r.paper_id = papers.id AND r.member = {who}), added_at),"
        " note = COALESCE((SELECT r.note FROM readings r"
        f" WHERE r.paper_id = papers.id AND r.member = {who}), ''),"
        " note_changed_at = (SELECT r.note_changed_at FROM readings r"
        f" WHERE r.paper_id = papers.id AND r.member = {who})"
    )
    op.create_index("ix_papers_status", "papers", ["status"])
    op.drop_table("readings")
