"""Other members' writes arrive at once on a shared library (issue 12), on the real
server: two Library objects on one database, one writes, the other's listener hears
the change number; a listener the server killed reconnects and the change arrives."""

from __future__ import annotations

import pytest

from readinglist.change_listener import NO_SEQ, ChangeListener
from readinglist.db.store import next_seq
from readinglist.domain import PaperDraft, Status
from readinglist.library import Library
from tests.pg import PgServer
from tests.shared.test_change_listener import Heard


def _listen(lib: Library) -> tuple[ChangeListener, Heard]:
    heard = Heard()
    listener = lib.listen_for_changes(heard)
    assert listener is not None
    assert listener.wait_connected(10) and heard.wait_for(NO_SEQ)
    return listener, heard


def test_a_write_by_one_member_reaches_the_other_within_2_s(
    alice_bob: tuple[Library, Library],
) -> None:
    alice, bob = alice_bob
    listener, heard = _listen(bob)
    try:
        ids = list(alice.import_drafts([PaperDraft(title="Shared paper")], source="t").added)
        assert heard.wait_for(alice.change_seq())
        alice.set_status(ids, Status.READ)
        assert heard.wait_for(alice.change_seq())
        # what bob reads then is the change: the number is the truth, not the message
        assert bob.change_seq() == alice.change_seq()
        assert [r.title for r in bob.listing().rows] == ["Shared paper"]
    finally:
        listener.stop()


def test_a_rolled_back_write_notifies_nobody(alice_bob: tuple[Library, Library]) -> None:
    alice, bob = alice_bob
    ids = list(alice.import_drafts([PaperDraft(title="A paper")], source="t").added)
    listener, heard = _listen(bob)
    try:
        before = alice.change_seq()
        heard.seqs.clear()
        with pytest.raises(RuntimeError), alice._transaction() as s:
            for _ in range(2):  # claims before+1 and before+2 ...
                next_seq(s)
            raise RuntimeError("... and fails")
        alice.set_status(ids, Status.READ)  # before+1 again: the claim was rolled back
        assert alice.change_seq() == before + 1
        assert heard.wait_for(before + 1)
        # notifications come in commit order: had the failed write sent its own, its
        # before+2 would have come first
        assert heard.seqs == [before + 1]
    finally:
        listener.stop()


def test_a_killed_listener_reconnects_and_the_change_still_arrives(
    alice_bob: tuple[Library, Library], pg_server: PgServer, pg_database: str
) -> None:
    alice, bob = alice_bob
    listener, heard = _listen(bob)
    try:
        killed = listener.backend_pid
        heard.seqs.clear()
        pg_server.admin_sql(pg_database, f"SELECT pg_terminate_backend({killed})")
        # written while the listener is away: no notification will come for it ...
        ids = list(alice.import_drafts([PaperDraft(title="While away")], source="t").added)
        missed = alice.change_seq()
        # ... but it says "look now" once back, and the change number shows the write
        assert heard.wait_for(NO_SEQ, timeout=10)
        assert listener.backend_pid != killed
        assert bob.change_seq() >= missed
        alice.set_status(ids, Status.READING)
        assert heard.wait_for(alice.change_seq())
    finally:
        listener.stop()


def test_sqlite_has_no_listener(lib: Library) -> None:
    assert lib.listen_for_changes(lambda _seq: None) is None
