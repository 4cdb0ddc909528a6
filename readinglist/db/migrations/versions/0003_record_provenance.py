"""Where a paper's citation key came from, whether the user pinned or used it, and
the fields an import disagreed on (issue 9: faithful, correctable records).

- key_origin: 'generated' (we made it), 'file' (the imported file's own key) or
  'user' (typed by hand). Only a generated key that was never used gives way.
- key_pinned: the user asked that the key never change.
- key_used_at: when the key was first exported or copied (then it is in someone's
  .tex file and must stay).
- conflicts_json: {field: value} an import brought that differs from the paper's
  own non-empty value; kept for the user to review, never applied silently.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from readinglist.db.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("papers") as batch:
        batch.add_column(
            sa.Column("key_origin", sa.String(10), nullable=False, server_default="generated")
        )
        batch.add_column(
            sa.Column("key_pinned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("key_used_at", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("conflicts_json", sa.Text(), nullable=False, server_default="{}")
        )


def downgrade() -> None:
    with op.batch_alter_table("papers") as batch:
        batch.drop_column("conflicts_json")
        batch.drop_column("key_used_at")
        batch.drop_column("key_pinned")
        batch.drop_column("key_origin")
