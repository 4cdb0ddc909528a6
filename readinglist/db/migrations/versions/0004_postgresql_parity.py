"""PostgreSQL behaves as SQLite does: tag identity, and text as unbounded.

- Tags are told apart with ASCII letters folded (SQLite's NOCASE collation, which
  PostgreSQL lacks): a unique index on translate(name, 'A..Z', 'a..z'), the same
  fold db/dialect.py `tag_fold` compares through (and domain.tag_key in Python).
- SQLite keeps any length in a VARCHAR(n); PostgreSQL refuses a longer value. Entry
  types, keys and tag names come from files unbounded, so those columns are TEXT.

On SQLite nothing changes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from readinglist.db.dialect import PG_TAG_KEY

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, column, its length before)
_BOUNDED = (
    ("papers", "entry_type", 40),
    ("papers", "citation_key", 200),
    ("papers", "key_origin", 10),
    ("papers", "status", 10),
    ("tags", "name", 200),
    ("meta", "key", 50),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, _ in _BOUNDED:
        op.alter_column(table, column, type_=sa.Text())
    op.create_index("ux_tags_name_key", "tags", [sa.text(PG_TAG_KEY)], unique=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ux_tags_name_key", "tags")
    for table, column, length in _BOUNDED:
        op.alter_column(table, column, type_=sa.String(length))
