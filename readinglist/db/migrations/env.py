"""Alembic environment: always run programmatically with a connection from the library."""

from __future__ import annotations

from alembic import context

from readinglist.db.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy
)
with context.begin_transaction():
    context.run_migrations()
