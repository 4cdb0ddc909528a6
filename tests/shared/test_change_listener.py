"""The LISTEN side of the shared library (change_listener.py) on the real server:
a notification wakes the listener; a listener whose connection the server killed
reconnects, says so, and hears the next change."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from readinglist.change_listener import CHANNEL, NO_SEQ, ChangeListener
from tests.pg import PgServer


class Heard:
    """The change numbers a listener reported, waited for with a deadline."""

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self._cond = threading.Condition()

    def __call__(self, seq: int) -> None:
        with self._cond:
            self.seqs.append(seq)
            self._cond.notify_all()

    def wait_for(self, seq: int, timeout: float = 2.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while seq not in self.seqs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True


@pytest.fixture
def listening(pg_server: PgServer, pg_database: str) -> Iterator[tuple[ChangeListener, Heard]]:
    heard = Heard()
    listener = ChangeListener(pg_server.url(pg_database, "alice"), heard)
    listener.start()
    assert listener.wait_connected(10)
    assert heard.wait_for(NO_SEQ)  # told once on connecting: look now
    yield listener, heard
    listener.stop()


def _notify(pg_server: PgServer, database: str, seq: int) -> None:
    pg_server.admin_sql(database, f"SELECT pg_notify('{CHANNEL}', '{seq}')")


def test_a_notification_arrives(
    listening: tuple[ChangeListener, Heard], pg_server: PgServer, pg_database: str
) -> None:
    _, heard = listening
    _notify(pg_server, pg_database, 41)
    assert heard.wait_for(41)


def test_a_killed_listener_reconnects_and_hears_the_next_change(
    listening: tuple[ChangeListener, Heard], pg_server: PgServer, pg_database: str
) -> None:
    listener, heard = listening
    killed = listener.backend_pid
    heard.seqs.clear()
    pg_server.admin_sql(pg_database, f"SELECT pg_terminate_backend({killed})")
    # back, on a new server process, and it said "look now" for what it missed
    assert heard.wait_for(NO_SEQ, timeout=10)
    assert listener.wait_connected(10)
    assert listener.backend_pid != killed and listener.reconnects == 1
    _notify(pg_server, pg_database, 42)
    assert heard.wait_for(42)


def test_stop_ends_the_thread(listening: tuple[ChangeListener, Heard]) -> None:
    listener, _ = listening
    listener.stop()
    assert not listener._thread.is_alive()
