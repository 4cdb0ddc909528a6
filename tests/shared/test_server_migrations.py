"""The same Alembic migrations build the models on PostgreSQL, but for what 0004
changes on purpose (SQLite's tag identity and unbounded text, spelled out)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Text, create_engine

from readinglist.db.engine import run_migrations
from readinglist.db.models import Base
from tests.pg import PgServer

# (table, column) made TEXT on PostgreSQL by 0004, where the models say VARCHAR(n)
# (a later revision may move or drop one of them)
TEXT_ON_PG = {
    ("meta", "key"),
    ("papers", "entry_type"),
    ("papers", "citation_key"),
    ("papers", "key_origin"),
    ("papers", "status"),
    ("tags", "name"),
}


def test_migrations_build_the_models_on_postgresql(pg_server: PgServer, pg_database: str) -> None:
    url = pg_server.url(pg_database, "alice").replace("postgresql://", "postgresql+psycopg://")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            run_migrations(conn)
            conn.commit()
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    retyped = set()
    rest = []
    for entry in diff:
        change = entry[0] if isinstance(entry, list) else entry
        if change[0] == "modify_type" and isinstance(change[5], Text):
            retyped.add((change[2], change[3]))
        elif change[0] == "remove_index" and change[1].name == "ux_tags_name_key":
            pass  # tag identity: the folded name's unique index (models: NOCASE)
        elif change[0] == "add_constraint" and change[1].table.name == "tags":
            pass  # ... instead of the plain unique name
        else:
            rest.append(change)
    assert retyped <= TEXT_ON_PG and ("tags", "name") in retyped
    assert rest == []
