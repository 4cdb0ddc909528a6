"""The test server itself: members log in with their passwords, not without, and a
member cannot read another database's tables it was given no grant on."""

from __future__ import annotations

import psycopg
import pytest

from tests.pg import PgServer


def test_members_log_in_as_themselves(pg_server: PgServer, pg_database: str) -> None:
    for role in pg_server.members:
        with psycopg.connect(pg_server.url(pg_database, role)) as conn:
            row = conn.execute("SELECT current_user").fetchone()
            assert row == (role,)


def test_a_wrong_password_is_refused(pg_server: PgServer, pg_database: str) -> None:
    url = pg_server.url(pg_database, "alice").replace("alice-secret", "wrong")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(url)


def test_each_test_gets_an_empty_database(pg_server: PgServer, pg_database: str) -> None:
    with psycopg.connect(pg_server.url(pg_database, "alice")) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.commit()
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
        assert tables == (1,)
