"""Row-level security on `readings` (issue 12, migration 0005), tried for real: bob
connects with his own role and raw SQL — no Library in the way — and tries to read
and change alice's status and notes. Both set-ups: the schema made by the first
member (tables owned by the members' group), and the one docs/shared-library-setup.sql
recommends (an owner role makes the schema; members get only row privileges)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from readinglist.domain import PaperDraft, Person, Status
from readinglist.library import Library
from tests.pg import PgServer

pytestmark = pytest.mark.postgresql

SETUP_SQL = Path(__file__).resolve().parents[2] / "docs" / "shared-library-setup.sql"
OWNER, OWNER_SECRET = "readinglist_owner", "owner-secret"


def _statements(section: str, database: str) -> list[str]:
    """The statements of one numbered section of the admin's SQL file."""
    text = SETUP_SQL.read_text(encoding="utf-8")
    found = re.search(rf"^-- {section}\..*?$(.*?)(?=^-- \d\.|\Z)", text, re.M | re.S)
    assert found is not None, section
    body = "\n".join(
        line
        for line in found.group(1).splitlines()
        if not line.lstrip().startswith(("--", "\\"))  # comments, psql's \connect
    )
    return [s.strip() for s in body.replace("readinglist_lab", database).split(";") if s.strip()]


@pytest.fixture
def owned_database(pg_server: PgServer) -> Iterator[str]:
    """A database set up as the SQL file says: owned by `readinglist_owner`, who makes
    the schema; alice and bob (in readinglist_members) get row privileges only."""
    name = f"rl_{uuid.uuid4().hex[:12]}"
    pg_server.admin_sql(
        "postgres",
        "DO $$ BEGIN IF to_regrole('readinglist_owner') IS NULL THEN"
        f" CREATE ROLE {OWNER} LOGIN PASSWORD '{OWNER_SECRET}'; END IF; END $$",
    )
    (create,) = _statements("2", name)
    pg_server.admin_sql("postgres", create)
    try:
        pg_server.admin_sql(name, *_statements("3", name))
        owner_url = f"postgresql://{OWNER}:{OWNER_SECRET}@{pg_server.host_port}/{name}"
        Library(owner_url, cache_dir=Path(f"/tmp/{name}-owner")).close()  # step 4
        yield name
    finally:
        pg_server.admin_sql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _alice_reads(pg_server: PgServer, database: str, cache: Path) -> tuple[int, int, int]:
    """Four papers: alice read the first (private note), the second (shared note);
    the third she never touched; the fourth she read, shared, then emptied the note
    (nothing left to show: her status is not shown either)."""
    with Library(pg_server.url(database, "alice"), cache_dir=cache) as alice:
        drafts = [PaperDraft(title=t, authors=(Person("Doe", "Jo"),)) for t in "ABCD"]
        a, b, c, d = alice.import_drafts(drafts, source="t").added
        alice.set_status([a, b, d], Status.READ)
        alice.set_note(a, "private thoughts")
        alice.set_note(b, "for the group", shared=True)
        alice.set_note(d, "gone soon", shared=True)
        alice.set_note(d, "")
    return a, b, c


def _as(pg_server: PgServer, database: str, role: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(pg_server.url(database, role), autocommit=True)


def _alice_rows(pg_server: PgServer, database: str) -> list[tuple[object, ...]]:
    with _as(pg_server, database, "alice") as conn:
        return conn.execute(
            "SELECT paper_id, status, note, note_shared FROM readings"
            " WHERE member = 'alice' ORDER BY paper_id"
        ).fetchall()


def _bob_cannot_touch_alices_rows(pg_server: PgServer, database: str, cache: Path) -> None:
    a, b, c = _alice_reads(pg_server, database, cache)
    before = _alice_rows(pg_server, database)
    assert before[:2] == [
        (a, "read", "private thoughts", False),
        (b, "read", "for the group", True),
    ]
    assert before[2][1:] == ("read", "", True)  # the fourth paper
    with _as(pg_server, database, "bob") as bob:
        # reading: alice's shared note (with its status), never her private one
        seen = bob.execute("SELECT member, paper_id, note FROM readings").fetchall()
        assert seen == [("alice", b, "for the group")]
        # changing or deleting: nothing happens, even to the row bob may read
        for sql in (
            "UPDATE readings SET status = 'unread', note = 'bob was here' WHERE member = 'alice'",
            "UPDATE readings SET note_shared = true",
            "DELETE FROM readings WHERE member = 'alice'",
            "DELETE FROM readings",
        ):
            assert bob.execute(sql).rowcount == 0, sql
        # writing a row in alice's name, new or over hers: refused
        for sql, params in (
            ("INSERT INTO readings (member, paper_id, status) VALUES ('alice', %s, 'read')", c),
            (
                "INSERT INTO readings (member, paper_id, note) VALUES ('alice', %s, 'x')"
                " ON CONFLICT (member, paper_id) DO UPDATE SET note = excluded.note",
                a,
            ),
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                bob.execute(sql, (params,))
        # bob's own row: his by default, and he cannot hand it to alice
        bob.execute("INSERT INTO readings (paper_id, status) VALUES (%s, 'read')", (c,))
        assert bob.execute("SELECT member FROM readings WHERE paper_id = %s", (c,)).fetchall() == [
            ("bob",)
        ]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            bob.execute("UPDATE readings SET member = 'alice' WHERE paper_id = %s", (c,))
    assert _alice_rows(pg_server, database) == before


def test_bob_cannot_read_or_change_alices_rows(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    """The schema made by the first member to open the empty database (alice)."""
    _bob_cannot_touch_alices_rows(pg_server, pg_database, tmp_path)


def test_the_recommended_set_up_holds_the_same(
    pg_server: PgServer, owned_database: str, tmp_path: Path
) -> None:
    _bob_cannot_touch_alices_rows(pg_server, owned_database, tmp_path)


def test_in_the_recommended_set_up_no_member_can_lift_the_policies(
    pg_server: PgServer, owned_database: str, tmp_path: Path
) -> None:
    """Owners may switch row security off: there, no member owns anything."""
    _alice_reads(pg_server, owned_database, tmp_path)
    with _as(pg_server, owned_database, "bob") as bob:
        for sql in (
            "ALTER TABLE readings DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE readings NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY readings_read ON readings",
            "CREATE POLICY everything ON readings USING (true)",
            "DROP TABLE readings",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be owner"):
                bob.execute(sql)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            bob.execute("CREATE TABLE mine (x int)")
        owner = bob.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'readings'"
        ).fetchone()
        assert owner == (OWNER,)


def test_in_the_recommended_set_up_members_use_the_library(
    pg_server: PgServer, owned_database: str, tmp_path: Path
) -> None:
    a, b, _ = _alice_reads(pg_server, owned_database, tmp_path / "alice")
    with Library(pg_server.url(owned_database, "bob"), cache_dir=tmp_path / "bob") as bob:
        assert bob.get(a).status is Status.UNREAD
        assert [n.text for n in bob.get(b).shared_notes] == ["for the group"]
        bob.set_status([a], Status.READING)
        bob.add_tags([a], ["ml"])
        bob.set_note(a, "bob's")
        assert (bob.get(a).status, bob.get(a).note, bob.get(a).tags) == (
            Status.READING,
            "bob's",
            ("ml",),
        )


def test_where_the_group_owns_the_tables_members_are_trusted(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    """Why the SQL file has an owner role: in the first-member set-up every member
    owns the tables through the group and could lift the policies (FORCE holds them
    to the policies, not to keeping them). This says so, so a change there is seen."""
    _alice_reads(pg_server, pg_database, tmp_path)
    with _as(pg_server, pg_database, "bob") as bob:
        owner = bob.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'readings'"
        ).fetchone()
        assert owner == ("readinglist_members",)
        forced = bob.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'readings'"
        ).fetchone()
        assert forced == (True, True)
