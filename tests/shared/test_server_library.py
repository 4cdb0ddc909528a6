"""A library on the real PostgreSQL server (issue 12): opening it by URL, the schema
made and upgraded, two members on one library, errors that name the server and never
the password, the CLI on a URL, and the index child for a server library.

The library-level behaviour (import, list, search, tags, edit, trash, export) runs on
both backends in tests/test_library.py and its neighbours (conftest.py `backend`)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine

from readinglist.cli import run_cli
from readinglist.db.engine import head_revision
from readinglist.domain import Filter, LibraryError, PaperDraft, PaperEdit, Status
from readinglist.index_worker import ChildCatchUp, child_command, child_env
from readinglist.library import Library
from readinglist.location import ServerLocation, is_server, parse_location, resolve_library
from tests.pg import PgServer

BIB = r"""
@article{chang2022,
  title = {{MaskGIT}: Masked Generative Image Transformer},
  author = {Chang, Huiwen and Zhang, Han},
  year = 2022,
  doi = {10.1109/CVPR52688.2022.01103},
}
"""


def _open(pg_server: PgServer, db: str, role: str, tmp_path: Path) -> Library:
    return Library(pg_server.url(db, role), cache_dir=tmp_path / f"cache-{role}")


# ------------------------------------------------------------------ the location (pure)


def test_a_url_is_a_server_and_anything_else_a_folder(tmp_path: Path) -> None:
    assert is_server("postgresql://alice@host/db") and is_server("postgres://h/db")
    assert not is_server("/home/alice/papers") and not is_server(tmp_path)
    assert parse_location(tmp_path) == tmp_path
    assert parse_location("relative/lib") == Path("relative/lib")
    where = parse_location("postgresql://alice:s%40cret@lab.example:6543/rl?sslmode=require")
    assert isinstance(where, ServerLocation)
    assert where.label == "postgresql://alice@lab.example:6543/rl"  # no password, no query
    assert where.server == "lab.example:6543/rl"
    assert "s@cret" not in repr(where) and "cret" not in repr(where)
    assert ServerLocation("postgresql://lab/rl").server == "lab:5432/rl"
    in_query = ServerLocation("postgresql://alice@lab/rl?password=zzz")
    assert "zzz" not in in_query.label + in_query.server + repr(in_query)


def test_the_index_cache_is_per_library_id_and_can_be_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = ServerLocation("postgresql://alice@lab/rl")
    assert where.cache_folder("abc", tmp_path) == tmp_path / "abc"
    monkeypatch.setenv("READINGLIST_SERVER_CACHE", str(tmp_path / "env"))
    assert where.cache_folder("abc") == tmp_path / "env" / "abc"
    monkeypatch.delenv("READINGLIST_SERVER_CACHE")
    assert where.cache_folder("abc").parts[-3:] == ("ReadingList", "servers", "abc")


def test_the_library_option_and_variable_take_a_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://alice@lab/rl"
    assert resolve_library(url) == url
    monkeypatch.setenv("READINGLIST_LIBRARY", url)
    assert resolve_library(None) == url
    assert resolve_library(str(tmp_path)) == tmp_path.resolve()  # the option wins


# ------------------------------------------------------------------ opening


def test_an_empty_database_gets_the_schema_and_members_share_it(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    with _open(pg_server, pg_database, "alice", tmp_path) as alice:
        assert alice.member == "alice" and alice.server is not None
        assert alice.label == f"postgresql://alice@{pg_server.host_port}/{pg_database}"
        assert "alice-secret" not in alice.label
        (pid,) = alice.import_text(BIB, source="a.bib", tags=["vision"]).added
        library_id = alice.library_id
        # the index lives in the cache folder, under the library's id
        assert alice.folder == tmp_path / "cache-alice" / library_id
        assert alice.listing().rows[0].id == pid
    with _open(pg_server, pg_database, "bob", tmp_path) as bob:
        assert bob.member == "bob" and bob.library_id == library_id
        assert [d.id for d, _ in bob.search("maskgit")] == [pid]  # his own index, built
        bob.set_status([pid], Status.READ)
        bob.add_tags([pid], ["VISION", "gen"])  # VISION is alice's "vision"
        assert bob.get(pid).tags == ("gen", "vision")
    # the tables belong to the members' group: any member may use and upgrade them
    with psycopg.connect(pg_server.url(pg_database)) as conn:
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    assert owners == [("readinglist_members",)]


def test_an_older_schema_is_upgraded_and_keeps_its_papers(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    from alembic import command
    from alembic.config import Config

    from readinglist.db.engine import MIGRATIONS

    engine = create_engine(
        pg_server.url(pg_database, "alice").replace("postgresql://", "postgresql+psycopg://")
    )
    with engine.connect() as conn:  # a library made by the version before 0004
        conn.exec_driver_sql("SET ROLE readinglist_members")  # as open_server makes it
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.exec_driver_sql(
            "INSERT INTO meta (key, value) VALUES ('library_id', 'old'), ('seq', '1')"
        )
        conn.exec_driver_sql("INSERT INTO tags (name) VALUES ('Vision')")
        conn.commit()
    engine.dispose()
    with _open(pg_server, pg_database, "bob", tmp_path) as bob:
        assert bob.library_id == "old" and bob.change_seq() == 1
        assert bob.tags() == ["Vision"]
        (pid,) = bob.import_drafts([PaperDraft(title="T", entry_type="x" * 60)], source="s").added
        bob.add_tags([pid], ["vision"])  # the old tag, folded as before
        assert bob.tags() == ["Vision"]
        assert bob.get(pid).entry_type == "x" * 60  # no VARCHAR(40) on the server either
    with psycopg.connect(pg_server.url(pg_database)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )


def test_two_members_opening_an_empty_database_at_once_make_one_schema(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    code = (
        "import sys; from pathlib import Path; from readinglist.library import Library\n"
        "lib = Library(sys.argv[1], cache_dir=Path(sys.argv[2])); print(lib.library_id)\n"
        "lib.close()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, pg_server.url(pg_database, role), str(tmp_path / role)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in ("alice", "bob")
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    ids = {out.strip() for out, _ in outs}
    assert len(ids) == 1  # one library, the same id for both


# ------------------------------------------------------------------ clear errors


@pytest.fixture
def carol(pg_server: PgServer) -> Iterator[str]:
    """A role that may log in but is no member of the library's group."""
    name = f"carol_{uuid.uuid4().hex[:8]}"
    pg_server.admin_sql("postgres", f"CREATE ROLE {name} LOGIN PASSWORD 'carol-secret'")
    try:
        yield name
    finally:
        pg_server.admin_sql("postgres", f"DROP ROLE IF EXISTS {name}")


def _refused(url: str, tmp_path: Path) -> str:
    with pytest.raises(LibraryError) as caught:
        Library(url, cache_dir=tmp_path)
    message = str(caught.value)
    assert "secret" not in message and "wrong-pw" not in message
    return message


def test_wrong_credentials_name_the_server_without_the_password(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    url = pg_server.url(pg_database, "alice").replace("alice-secret", "wrong-pw")
    message = _refused(url, tmp_path)
    assert f"{pg_server.host_port}/{pg_database}" in message
    assert "refused the credentials" in message


def test_a_closed_port_says_the_server_cannot_be_reached(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    message = _refused(f"postgresql://alice:alice-secret@127.0.0.1:{port}/rl", tmp_path)
    assert f"127.0.0.1:{port}/rl" in message and "cannot be reached" in message


def test_a_missing_database_is_named(pg_server: PgServer, tmp_path: Path) -> None:
    message = _refused(pg_server.url("no_such_db", "alice"), tmp_path)
    assert "no such database" in message and "no_such_db" in message


def test_no_permission_is_said_plainly(
    pg_server: PgServer, pg_database: str, carol: str, tmp_path: Path
) -> None:
    with _open(pg_server, pg_database, "alice", tmp_path):
        pass  # the schema exists, the group's
    url = pg_server.url(pg_database, "alice").replace("alice:alice-secret", f"{carol}:carol-secret")
    message = _refused(url, tmp_path)
    assert "no permission" in message and pg_database in message


def test_the_cli_prints_server_errors_in_one_line(
    pg_server: PgServer, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.url(pg_database, "alice").replace("alice-secret", "wrong-pw")
    assert run_cli(["--library", url, "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "wrong-pw" not in err
    assert err.startswith(f"readinglist: the library on {pg_server.host_port}/{pg_database}")


# ------------------------------------------------------------------ the command line


def test_the_cli_works_on_a_url(
    pg_server: PgServer,
    pg_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("READINGLIST_SERVER_CACHE", str(tmp_path / "cache"))
    url = pg_server.url(pg_database, "alice")
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert run_cli(["--library", url, "import", str(bib)]) == 0
    assert run_cli(["--library", url, "mark", "read", "chang2022"]) == 0
    capsys.readouterr()
    assert run_cli(["--library", url, "search", "maskgit"]) == 0
    assert "MaskGIT" in capsys.readouterr().out
    assert run_cli(["--library", url, "check"]) == 0
    out = capsys.readouterr().out
    assert f"postgresql://alice@{pg_server.host_port}/{pg_database}" in out
    assert "1 papers" in out and "up to date" in out and "secret" not in out
    assert run_cli(["--library", url, "backup"]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert run_cli(["--library", url, "restore", str(bib)]) == 1
    assert "pg_restore" in capsys.readouterr().err


# ------------------------------------------------------------------ the index child


def test_the_index_child_catches_a_server_library_up_without_the_url_on_its_command_line(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    url = pg_server.url(pg_database, "alice")
    with Library(url, cache_dir=tmp_path / "cache") as lib:
        lib.import_drafts([PaperDraft(title=f"Paper {i}") for i in range(30)], source="s")
        library_id = lib.library_id
    where = ServerLocation(url)
    assert not any("alice-secret" in word for word in child_command(where))
    assert child_env(where, tmp_path / "cache")["READINGLIST_LIBRARY"] == url
    other_cache = tmp_path / "child-cache"
    assert ChildCatchUp(where, other_cache).run() == 30
    # the child's index is in the cache folder it was given, and up to date
    with Library(url, cache_dir=other_cache) as lib:
        assert not lib.index_behind()
        assert lib.folder == other_cache / library_id
        assert len(lib.search("paper", limit=100)) == 30


# ------------------------------------------------------------------ two clients


def test_two_clients_editing_different_fields_both_survive(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    with (
        _open(pg_server, pg_database, "alice", tmp_path) as alice,
        _open(pg_server, pg_database, "bob", tmp_path) as bob,
    ):
        (pid,) = alice.import_text(BIB, source="a.bib").added
        seen_by_bob = bob.get(pid)  # his edit form opened on the paper as it was
        alice.edit_paper(pid, PaperEdit(title="MaskGIT (CVPR 2022)"))
        bob.edit_paper(pid, PaperEdit(venue="CVPR"))
        bob.revert_edit(seen_by_bob, PaperEdit(venue="CVPR"))  # his undo: his field only
        bob.edit_paper(pid, PaperEdit(year=2023))
        for lib in (alice, bob):
            paper = lib.get(pid)
            assert (paper.title, paper.year, paper.venue) == ("MaskGIT (CVPR 2022)", 2023, "")


_IMPORTER = """
import sys
from pathlib import Path
from readinglist.library import Library

lib = Library(sys.argv[1], cache_dir=Path(sys.argv[2]))
print("ready", flush=True)
sys.stdin.readline()  # "go": both import at once
report = lib.import_paths([Path(sys.argv[3])])
print(len(report.added), report.duplicates, flush=True)
lib.close(catch_up=False)
"""


def test_two_members_importing_the_same_papers_at_once_get_each_paper_once(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    bib = tmp_path / "same.bib"
    bib.write_text(
        "".join(
            f"@article{{k{i}, title = {{A study of thing number {i}}}, author = {{Doe, J}},"
            f" year = 2020, doi = {{10.1000/thing.{i}}}}}\n"
            for i in range(300)
        ),
        encoding="utf-8",
    )
    with _open(pg_server, pg_database, "alice", tmp_path):
        pass  # the schema first: the race here is the import's, not the schema's
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _IMPORTER,
                pg_server.url(pg_database, role),
                str(tmp_path / role),
                str(bib),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in ("alice", "bob")
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    results = sorted(tuple(map(int, out.split())) for out, _ in outs)
    assert results == [(0, 300), (300, 0)]  # one added them, the other met them all
    with _open(pg_server, pg_database, "bob", tmp_path) as lib:
        assert lib.counts().total == 300
        assert len({d.doi for d in lib.details(lib.ids())}) == 300


def test_a_write_waits_for_another_members_write_then_says_busy(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    from readinglist.db.server import WRITE_LOCK

    with _open(pg_server, pg_database, "alice", tmp_path) as lib:
        (pid,) = lib.import_text(BIB, source="a.bib").added
        seq = lib.change_seq()
        lib.quick_writes_here(0.3)  # as the window's UI thread does
        with psycopg.connect(pg_server.url(pg_database, "bob")) as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))  # bob writes
            with pytest.raises(LibraryError, match="busy"):
                lib.set_status([pid], Status.READ)
            assert lib.change_seq() == seq  # nothing of it was kept
            other.rollback()  # bob's write ends
        lib.set_status([pid], Status.READ)
        assert lib.get(pid).status is Status.READ and lib.change_seq() == seq + 1


def test_a_connection_the_server_dropped_is_replaced(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    with _open(pg_server, pg_database, "alice", tmp_path) as lib:
        (pid,) = lib.import_text(BIB, source="a.bib").added
        pg_server.admin_sql(  # a server restart, an idle timeout: our pooled one is gone
            "postgres",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{pg_database}' AND usename = 'alice'",
        )
        lib.set_status([pid], Status.READ)
        assert lib.get(pid).status is Status.READ


def test_an_error_met_while_reading_is_told_as_the_servers(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    with _open(pg_server, pg_database, "alice", tmp_path) as lib:
        lib.import_text(BIB, source="a.bib")
        pg_server.admin_sql(pg_database, "REVOKE ALL ON papers FROM readinglist_members")
        with pytest.raises(Exception) as caught:  # a read: the caller translates it
            lib.listing()
        trouble = lib.trouble(caught.value)
        assert trouble is not None and "no permission" in str(trouble)
        assert f"{pg_server.host_port}/{pg_database}" in str(trouble)
        assert lib.trouble(ValueError("a bug")) is None  # a bug stays a bug
        pg_server.admin_sql(pg_database, "GRANT ALL ON papers TO readinglist_members")


def test_libpq_finds_the_password_and_the_urls_options_pass_through(
    pg_server: PgServer, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port = pg_server.host_port.split(":")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"{host}:{port}:{pg_database}:alice:{pg_server.members['alice']}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    url = pg_server.url(pg_database, "alice", password=False)
    assert "secret" not in url
    with Library(f"{url}?sslmode=disable&application_name=rl-probe", cache_dir=tmp_path) as lib:
        assert lib.member == "alice"
        lib.import_text(BIB, source="a.bib")
        with psycopg.connect(pg_server.url(pg_database)) as conn:
            names = conn.execute(
                "SELECT application_name FROM pg_stat_activity WHERE usename = 'alice'"
            ).fetchall()
        assert ("rl-probe",) in names
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    message = _refused(url, tmp_path)
    assert "asked for a password" in message


def test_without_a_members_group_the_tables_are_the_members_own(
    pg_server: PgServer, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One person's server: no group role of that name, so no SET ROLE to it."""
    from readinglist.db import server

    monkeypatch.setattr(server, "MEMBERS_ROLE", f"no_group_{uuid.uuid4().hex[:6]}")
    with _open(pg_server, pg_database, "alice", tmp_path) as lib:
        lib.import_text(BIB, source="a.bib")
        assert lib.counts().total == 1
    with psycopg.connect(pg_server.url(pg_database)) as conn:
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    assert owners == [("alice",)]


_EDITOR = """
import sys
from pathlib import Path
from readinglist.domain import PaperEdit
from readinglist.library import Library

lib = Library(sys.argv[1], cache_dir=Path(sys.argv[2]))
word = sys.argv[3]
ids = [int(i) for i in sys.argv[4].split(",")]
print("ready", flush=True)
sys.stdin.readline()
for round in range(3):
    for n, pid in enumerate(ids):
        lib.edit_paper(pid, PaperEdit(title=f"{word} {_letters(n)} round{'x' * round}"))
        lib.add_tags([pid], [f"{word}-tag"])
lib.close(catch_up=False)
"""


def _letters(n: int) -> str:
    """0 -> 'qa', 1 -> 'qb', ... : a word per paper that no other paper holds."""
    return "q" + "".join(chr(ord("a") + int(d)) for d in str(n))


def test_an_index_following_two_writers_misses_no_change(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    """The change counter is a row: writers commit in the order of their numbers, so
    a reader catching up all the while (a third client) never skips a change."""
    with _open(pg_server, pg_database, "alice", tmp_path) as reader:
        ids = list(
            reader.import_drafts([PaperDraft(title=f"P {i}") for i in range(40)], source="s").added
        )
        halves = {"alice": ("wombat", ids[:20]), "bob": ("quokka", ids[20:])}
        code = f"{_EDITOR}\n".replace("import sys", f"import sys\n{_source(_letters)}", 1)
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    code,
                    pg_server.url(pg_database, role),
                    str(tmp_path / role),
                    word,
                    ",".join(map(str, part)),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for role, (word, part) in halves.items()
        ]
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        while any(p.poll() is None for p in procs):
            reader.catch_up_index()  # following while they write
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        reader.catch_up_index()
        assert not reader.index_behind()
        for word, part in halves.values():
            for n, pid in enumerate(part):
                found = reader.listing(Filter(query=f"{word} {_letters(n)} roundxx")).rows
                assert [r.id for r in found] == [pid], (word, n)
                assert _listed(reader, Filter(tags=(f"{word}-tag",))) == set(part)


def _source(fn: object) -> str:
    import inspect

    return inspect.getsource(fn)  # type: ignore[arg-type]


def _listed(lib: Library, f: Filter) -> set[int]:
    return {r.id for r in lib.listing(f, limit=None).rows}
