"""The README's server set-up, tried as a lab admin would on a fresh cluster.

A new cluster with no roles of ours (`scripts/pg_server.py start --bare`), then
`psql -f docs/shared-library-setup.sql` as the superuser, exactly the file the
README shows, then the owner's `list` (which makes the schema) and two members
using the library: each has their own status, neither may alter the tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from readinglist.domain import PaperDraft, Person, Status
from readinglist.library import Library
from tests.pg import cluster

REPO = Path(__file__).resolve().parents[2]
SETUP_SQL = REPO / "docs" / "shared-library-setup.sql"
PASSWORD = "change-me"  # as the file has it


@pytest.fixture(scope="module")
def fresh_cluster() -> Iterator[str]:
    """The admin URL of a new cluster as the admin finds it: only its superuser."""
    with cluster(bare=True) as env:
        yield env["READINGLIST_TEST_PG"]


def _psql() -> str:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/psql")):
        return str(candidate)
    return "psql"


def _url(admin: str, role: str, database: str = "readinglist_lab") -> str:
    host_port = admin.split("@", 1)[1].split("/", 1)[0]
    return f"postgresql://{role}@{host_port}/{database}"


def test_the_readmes_setup_works_on_a_fresh_cluster(fresh_cluster: str, tmp_path: Path) -> None:
    # the README's text is the file's: one source for what the admin types
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for line in SETUP_SQL.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("--"):
            assert line in readme, f"README lacks the set-up line {line!r}"

    done = subprocess.run(
        [_psql(), fresh_cluster, "-v", "ON_ERROR_STOP=1", "-q", "-f", str(SETUP_SQL)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr

    # step 4: the owner opens the library once (the README's `list`), making the schema
    env = dict(os.environ, PGPASSWORD=PASSWORD, READINGLIST_SERVER_CACHE=str(tmp_path / "cache"))
    owner_url = _url(fresh_cluster, "readinglist_owner")
    owner = subprocess.run(
        [sys.executable, "-m", "readinglist", "--library", owner_url, "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert owner.returncode == 0, owner.stderr
    assert PASSWORD not in owner.stdout + owner.stderr

    alice_url = _url(fresh_cluster, "alice").replace("alice@", f"alice:{PASSWORD}@")
    bob_url = _url(fresh_cluster, "bob").replace("bob@", f"bob:{PASSWORD}@")
    with Library(alice_url, cache_dir=tmp_path / "alice") as alice:
        (pid,) = alice.import_drafts(
            [PaperDraft(title="Shared by the lab", authors=(Person("Doe", "Jo"),))], source="t"
        ).added
        alice.set_status([pid], Status.READ)
    with Library(bob_url, cache_dir=tmp_path / "bob") as bob:
        assert [r.id for r in bob.listing().rows] == [pid]
        assert bob.get(pid).status is Status.UNREAD  # alice's "read" is hers
        bob.set_status([pid], Status.READING)
    with Library(alice_url, cache_dir=tmp_path / "alice") as alice:
        assert alice.get(pid).status is Status.READ

    # no member owns a table, so none can lift the row-level security
    with psycopg.connect(bob_url, autocommit=True) as conn:
        for stmt in (
            "ALTER TABLE readings DISABLE ROW LEVEL SECURITY",
            "CREATE TABLE bobs_own (x int)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(stmt)  # type: ignore[arg-type]
