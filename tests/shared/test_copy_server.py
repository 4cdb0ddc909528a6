"""`copy` between a library folder and a shared library on the real server (issue 12):
SQLite -> PostgreSQL -> SQLite gives back every detail, tag and count; a server
library that holds papers is refused and left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.domain import LibraryError, PaperDraft, Status
from readinglist.library import Library
from readinglist.library_copy import copy_library
from tests.copy_fixtures import seed_varied, snapshot
from tests.pg import PgServer


def test_round_trip_sqlite_postgresql_sqlite_is_identical(
    pg_server: PgServer,
    pg_database: str,
    tmp_path: Path,
    corpora: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READINGLIST_SERVER_CACHE", str(tmp_path / "cache"))
    url = pg_server.url(pg_database, "alice")
    with Library(tmp_path / "mine") as mine:
        seed_varied(mine, corpora)
        before = snapshot(mine)
    there = copy_library(str(tmp_path / "mine"), url)
    assert there.papers == len(before["details"])
    assert "alice@" in there.destination and pg_server.members["alice"] not in there.destination
    with Library(url) as server:
        assert snapshot(server) == before  # already equal on the server
        # the server's id sequence moved past the copied ids
        new = server.import_drafts([PaperDraft(title="Added on the server")], source="t")
        assert new.added[0] > max(d.id for d in before["details"])
        server.purge(new.added)
    # bob's own status and note are his: alice's copy home does not take them
    with Library(pg_server.url(pg_database, "bob")) as bob:
        first = before["details"][0].id
        bob.set_status([first], Status.READING)
        bob.set_note(first, "bob's note")
        assert bob.get(first).note == "bob's note"
    back = copy_library(url, str(tmp_path / "home"))
    assert back.papers == there.papers
    with Library(tmp_path / "home") as home:
        assert snapshot(home) == before
        assert [d.id for d, _ in home.search("edited")] == [
            d.id for d in before["details"] if d.title == "An edited title"
        ]


def test_a_server_library_with_papers_is_refused(
    pg_server: PgServer, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINGLIST_SERVER_CACHE", str(tmp_path / "cache"))
    url = pg_server.url(pg_database, "bob")
    with Library(url) as server:
        server.import_drafts([PaperDraft(title="Bob's paper")], source="t")
    with Library(tmp_path / "mine") as mine:
        mine.import_drafts([PaperDraft(title="Mine")], source="t")
    with pytest.raises(LibraryError, match="not empty"):
        copy_library(str(tmp_path / "mine"), url)
    with Library(url) as server:
        assert [r.title for r in server.listing().rows] == ["Bob's paper"]


def test_cli_copy_to_a_server_says_where_without_the_password(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    with Library(tmp_path / "mine") as mine:
        mine.import_drafts([PaperDraft(title=f"Paper {i}") for i in range(3)], source="t")
    url = pg_server.url(pg_database, "alice")
    mine = str(tmp_path / "mine")
    done = subprocess.run(
        [sys.executable, "-m", "readinglist", "copy", "--from", mine, "--to", url],
        capture_output=True,
        text=True,
        env={**os.environ, "READINGLIST_SERVER_CACHE": str(tmp_path / "cache")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("copied 3 papers from ")
    assert pg_server.members["alice"] not in done.stdout + done.stderr
