"""Hearing at once of other members' writes to a shared library (PostgreSQL LISTEN).

Every committed write on the server notifies CHANNEL with its change number
(db/store.next_seq). A listener holds its own connection in a daemon thread and
calls `on_change` for each notification, and once after every (re)connect: what was
written while it was away has no notification left to arrive. The change number
stays the truth — `on_change` only says "look now"; whoever is told reads
`Library.change_seq()` — so a lost notification delays a refresh (the window's
poll still runs) but never loses it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .db.store import CHANGES_CHANNEL as CHANNEL

log = logging.getLogger(__name__)

# How long one wait for notifications lasts: the longest `stop` waits for the thread.
WAIT_S = 0.25
# Reconnecting after a lost connection: first wait, doubling up to the last.
BACKOFF_FIRST_S = 0.1
BACKOFF_MAX_S = 5.0

NO_SEQ = -1  # on_change's argument after a (re)connect: "something may have moved"


class ChangeListener:
    """LISTEN on `conninfo` (a libpq URL or key=value string) in a daemon thread."""

    def __init__(self, conninfo: str, on_change: Callable[[int], None]) -> None:
        self._conninfo = conninfo
        self._on_change = on_change
        self._stop = threading.Event()
        self._connected = threading.Event()
        self.backend_pid: int | None = None  # the server process of our connection
        self.reconnects = 0
        self._thread = threading.Thread(target=self._run, name="change-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2 * WAIT_S + 1)

    def wait_connected(self, timeout: float) -> bool:
        """Wait until the listener is listening (tests, and the benchmark)."""
        return self._connected.wait(timeout)

    def _run(self) -> None:
        import psycopg

        delay = BACKOFF_FIRST_S
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.backend_pid = conn.info.backend_pid
                    if not first:
                        self.reconnects += 1
                    first = False
                    self._connected.set()
                    delay = BACKOFF_FIRST_S
                    self._tell(NO_SEQ)  # writes while we were not listening
                    self._listen(conn)
            except psycopg.Error as exc:
                log.info("change listener: %s; reconnecting in %.1f s", exc, delay)
            finally:
                self._connected.clear()
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, BACKOFF_MAX_S)

    def _listen(self, conn: object) -> None:
        import psycopg

        assert isinstance(conn, psycopg.Connection)
        while not self._stop.is_set():
            for note in conn.notifies(timeout=WAIT_S):
                try:
                    seq = int(note.payload)
                except ValueError:
                    seq = NO_SEQ
                self._tell(seq)

    def _tell(self, seq: int) -> None:
        try:
            self._on_change(seq)
        except Exception:  # a bug in the receiver must not end the listening
            log.exception("change listener: the receiver failed")
