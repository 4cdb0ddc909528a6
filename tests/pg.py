"""The real PostgreSQL server for the shared-library tests (scripts/pg_server.py).

`./run test` and `.ci/run` start a throwaway cluster and export its admin URL as
READINGLIST_TEST_PG. Run pytest by hand and this module starts one itself (and
stops it at the end). In CI (CI set) a missing server fails the tests that need it
rather than skipping them: a skipped shared-library suite would pass unseen.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from readinglist.library import Library

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg_server.py"


@dataclass(frozen=True)
class PgServer:
    """The cluster: its superuser's URL (trusted on loopback) and the member roles."""

    admin_url: str  # postgresql://postgres@127.0.0.1:PORT/postgres
    members: dict[str, str]  # role -> password

    @property
    def host_port(self) -> str:
        return self.admin_url.split("@", 1)[1].split("/", 1)[0]

    def url(self, database: str, role: str | None = None, *, password: bool = True) -> str:
        """A database's URL as the superuser, or as a member (with their password in
        the URL unless `password` is False: then libpq's own mechanisms must give it)."""
        if role is None:
            user = self.admin_url.split("://", 1)[1].split("@", 1)[0]
            return f"postgresql://{user}@{self.host_port}/{database}"
        secret = f":{quote(self.members[role])}" if password else ""
        return f"postgresql://{role}{secret}@{self.host_port}/{database}"

    def admin_sql(self, database: str, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            for stmt in statements:
                conn.execute(stmt)  # type: ignore[arg-type]


def _from_env() -> PgServer | None:
    admin = os.environ.get("READINGLIST_TEST_PG")
    if not admin:
        return None
    members = dict(
        pair.split(":", 1)
        for pair in os.environ.get("READINGLIST_TEST_PG_MEMBERS", "").split(",")
        if pair
    )
    return PgServer(admin, members)


@contextlib.contextmanager
def cluster(*, bare: bool = False) -> Iterator[dict[str, str]]:
    """A throwaway cluster for the duration (scripts/pg_server.py): its exports
    (READINGLIST_TEST_PG, ...). `bare`: no roles of ours, as a lab admin finds it.
    Skipped where there is no server to start; in CI that fails instead."""
    folder = Path(tempfile.mkdtemp(prefix="readinglist-pg.", dir="/tmp"))
    try:
        out = subprocess.run(
            [sys.executable, str(SCRIPT), "start", str(folder), *(["--bare"] if bare else [])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        if os.environ.get("CI"):
            pytest.fail(f"no PostgreSQL server for the shared-library tests: {detail}")
        pytest.skip(f"no PostgreSQL server (install Debian's postgresql): {detail}")
    env: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value.strip("'")
    try:
        yield env
    finally:
        subprocess.run([sys.executable, str(SCRIPT), "stop", str(folder)], check=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    found = _from_env()
    if found is not None:
        yield found
        return
    with cluster() as env:
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            server = _from_env()
            assert server is not None
            yield server
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A new, empty database on the server, set up as the README tells a lab admin
    to (members may connect and create the schema), dropped afterwards. Its name."""
    name = f"rl_{uuid.uuid4().hex[:12]}"
    pg_server.admin_sql("postgres", f"CREATE DATABASE {name}")
    pg_server.admin_sql(
        name,
        f"GRANT CONNECT, TEMPORARY ON DATABASE {name} TO readinglist_members",
        "GRANT USAGE, CREATE ON SCHEMA public TO readinglist_members",
    )
    try:
        yield name
    finally:
        pg_server.admin_sql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def alice_bob(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> Iterator[tuple[Library, Library]]:
    """Two members' Libraries on one new shared library, each with its own index."""
    from readinglist.library import Library

    alice = Library(pg_server.url(pg_database, "alice"), cache_dir=tmp_path / "alice")
    bob = Library(pg_server.url(pg_database, "bob"), cache_dir=tmp_path / "bob")
    try:
        yield alice, bob
    finally:
        alice.close()
        bob.close()
