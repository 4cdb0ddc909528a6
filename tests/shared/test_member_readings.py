"""Each member's own status and note on a shared library (issue 12), through the
Library as two members would use it: alice and bob on one database, each with their
own Library (and own search index)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.domain import ExportFormat, Filter, PaperDraft, Person, Status
from readinglist.library import Library
from tests.pg import PgServer

pytestmark = pytest.mark.postgresql


def _add(lib: Library, *titles: str) -> list[int]:
    drafts = [PaperDraft(title=t, authors=(Person("Doe", "Jo"),), year=2020) for t in titles]
    return list(lib.import_drafts(drafts, source="t").added)


def test_alice_marks_read_and_bob_still_sees_it_unread(
    alice_bob: tuple[Library, Library],
) -> None:
    alice, bob = alice_bob
    pid, other = _add(alice, "Masked generative transformers", "Diffusion models")
    alice.set_status([pid], Status.READ)
    assert alice.get(pid).status is Status.READ
    assert bob.get(pid).status is Status.UNREAD  # the paper is shared, the status not
    assert bob.ids() == alice.ids() == [other, pid]
    assert alice.ids(Filter(status=Status.READ)) == [pid]
    assert bob.ids(Filter(status=Status.READ)) == []
    assert bob.ids(Filter(status=Status.UNREAD)) == [other, pid]
    assert alice.counts().by_status[Status.READ] == 1
    assert bob.counts().by_status == {Status.UNREAD: 2, Status.READING: 0, Status.READ: 0}
    bob.set_status([pid], Status.READING)
    assert alice.get(pid).status is Status.READ  # bob's change is bob's
    assert [r.status for r in bob.rows([pid])] == [Status.READING]
    # each member's own index: status:read finds alice's read paper for alice only
    assert [r.id for r in alice.listing(Filter(query="status:read")).rows] == [pid]
    assert bob.listing(Filter(query="status:read")).rows == ()


def test_notes_are_private_until_shared_and_then_read_only(
    alice_bob: tuple[Library, Library],
) -> None:
    alice, bob = alice_bob
    (pid,) = _add(alice, "Masked generative transformers")
    alice.set_note(pid, "the proof of 3.2 is *wrong*")
    bob.set_note(pid, "bob's own thoughts")
    assert alice.get(pid).note == "the proof of 3.2 is *wrong*"
    assert bob.get(pid).note == "bob's own thoughts"
    assert bob.get(pid).shared_notes == ()  # alice's note is private
    assert [d.id for d, _ in bob.search("proof")] == []  # not in bob's index either

    alice.share_note(pid, True)
    seen = bob.get(pid)
    assert [(n.member, n.text) for n in seen.shared_notes] == [
        ("alice", "the proof of 3.2 is *wrong*")
    ]
    assert seen.note == "bob's own thoughts" and not seen.note_shared
    assert alice.get(pid).note_shared and alice.get(pid).shared_notes == ()  # not her own

    alice.set_note(pid, "fixed in v2")  # still shared (shared=None keeps it)
    assert [n.text for n in bob.get(pid).shared_notes] == ["fixed in v2"]
    alice.set_note(pid, "fixed in v2", shared=False)
    assert bob.get(pid).shared_notes == ()


def test_a_status_or_note_change_moves_the_change_number(
    alice_bob: tuple[Library, Library],
) -> None:
    alice, bob = alice_bob
    (pid,) = _add(alice, "Masked generative transformers")
    seq = bob.change_seq()
    alice.set_status([pid], Status.READ)
    assert bob.change_seq() > seq  # bob's index re-reads the paper: harmless
    seq = bob.change_seq()
    alice.set_note(pid, "n")
    assert bob.change_seq() > seq


def test_an_imported_note_and_an_export_are_the_members_own(
    alice_bob: tuple[Library, Library],
) -> None:
    alice, bob = alice_bob
    report = alice.import_drafts(
        [PaperDraft(title="Muse", authors=(Person("Chang", "H"),), year=2023, note="alice's")],
        source="t",
    )
    (pid,) = report.added
    assert alice.get(pid).note == "alice's"
    assert bob.get(pid).note == ""
    bob.set_note(pid, "bob's annotation")
    assert "bob's annotation" in bob.export(ExportFormat.BIBTEX, ids=[pid])
    assert "alice" not in bob.export(ExportFormat.BIBTEX, ids=[pid])
    assert "alice's" in alice.export(ExportFormat.MARKDOWN, ids=[pid])


def test_purging_a_paper_takes_every_members_row(
    alice_bob: tuple[Library, Library],
) -> None:
    alice, bob = alice_bob
    (pid,) = _add(alice, "Masked generative transformers")
    alice.set_note(pid, "mine", shared=True)
    bob.set_status([pid], Status.READ)
    bob.trash([pid])
    bob.purge([pid])  # papers are shared: the cascade runs past the policies
    assert alice.ids() == [] and bob.ids() == []
    assert alice.counts().by_status[Status.READ] == 0 == bob.counts().by_status[Status.READ]


def test_an_older_server_library_gives_its_statuses_to_the_upgrading_member(
    pg_server: PgServer, pg_database: str, tmp_path: Path
) -> None:
    """A library at 0004 (statuses and notes on papers) upgraded by alice: they become
    hers (SESSION_USER, though the upgrade runs as the members' group), not bob's."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from readinglist.db.engine import MIGRATIONS
    from readinglist.db.server import make_server_engine

    engine = make_server_engine(pg_server.url(pg_database, "alice"))
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL ROLE readinglist_members")  # as db/server.py does
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        conn.execute(text("INSERT INTO meta VALUES ('library_id', 'old'), ('seq', '1')"))
        conn.execute(
            text(
                "INSERT INTO papers (title, title_key, abstract, authors_json, authors_short,"
                " venue, doi, doi_key, arxiv_id, url, links_json, entry_type, citation_key,"
                " status, added_at, status_changed_at, note, note_changed_at, source,"
                " extra_json, change_seq) VALUES ('Old', 'old', '', '[]', '', '', '', '', '',"
                " '', '[]', 'misc', 'old2020', 'read', now(), now(), 'kept', now(), 't',"
                " '{}', 1)"
            )
        )
    engine.dispose()
    with Library(pg_server.url(pg_database, "alice"), cache_dir=tmp_path / "a") as alice:
        (pid,) = alice.ids()
        assert (alice.get(pid).status, alice.get(pid).note) == (Status.READ, "kept")
    with Library(pg_server.url(pg_database, "bob"), cache_dir=tmp_path / "b") as bob:
        assert (bob.get(pid).status, bob.get(pid).note) == (Status.UNREAD, "")


def test_the_cli_shares_a_note_and_show_prints_the_groups(
    pg_server: PgServer,
    pg_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from readinglist.cli import run_cli

    monkeypatch.setenv("READINGLIST_SERVER_CACHE", str(tmp_path / "cache"))
    alice, bob = (pg_server.url(pg_database, who) for who in ("alice", "bob"))
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{muse2023, title = {Muse}, author = {Chang, H.}, year = 2023}\n")
    assert run_cli(["--library", alice, "import", str(bib)]) == 0
    assert run_cli(["--library", alice, "note", "muse2023", "--set", "alice's \x1b[31mred"]) == 0
    assert run_cli(["--library", bob, "note", "muse2023", "--set", "bob's", "--share"]) == 0
    capsys.readouterr()
    assert run_cli(["--library", alice, "show", "muse2023"]) == 0
    out = capsys.readouterr().out
    assert "\nNote:\nalice's" in out and "\x1b" not in out  # her own, private, made safe
    assert "\nNote by bob, " in out and out.rstrip().endswith("bob's")
    assert run_cli(["--library", bob, "note", "muse2023", "--unshare"]) == 0
    capsys.readouterr()
    assert run_cli(["--library", alice, "show", "muse2023", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["note_shared"], shown["shared_notes"]) == (False, [])
    assert run_cli(["--library", alice, "note", "muse2023", "--share"]) == 0
    capsys.readouterr()
    assert run_cli(["--library", bob, "show", "muse2023", "--json"]) == 0
    (shared,) = json.loads(capsys.readouterr().out)["shared_notes"]
    assert shared["member"] == "alice" and shared["note"].startswith("alice's")
