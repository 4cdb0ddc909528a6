"""Index papers.trashed_at: every list and count filters on it.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_papers_trashed_at", "papers", ["trashed_at"])


def downgrade() -> None:
    op.drop_index("ix_papers_trashed_at", "papers")
