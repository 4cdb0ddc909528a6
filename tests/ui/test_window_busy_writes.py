"""Writes from the window's UI thread wait only briefly for a locked library; closing
with an unsaved note asks once, from the window's closeEvent (issue 8 leftovers).

The lock is real: another SQLite connection holds BEGIN IMMEDIATE, as a CLI import
beside the open app would. It is let go after a while; a write that waited the
library's full 10 s would have succeeded by then, one that gave up early did not.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from readinglist.domain import PaperDraft
from readinglist.library import DB_NAME, Library
from readinglist.ui.main_window import UI_BUSY_TIMEOUT_S, MainWindow
from readinglist.ui.ops import imports

from .helpers import WAIT_MS, close_window, open_window, wait_tasks

HELD_S = 3.0  # far beyond the UI's wait, far below the library's 10 s


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "lib", background=True)
    lib.import_drafts([PaperDraft(title=f"Heron paper {n}") for n in range(3)], source="t")
    yield lib
    lib.close(catch_up=False)


def _hold_lock(db: Path, seconds: float) -> threading.Event:
    """Another connection takes the write lock now and lets go after `seconds`."""
    taken = threading.Event()

    def hold() -> None:
        con = sqlite3.connect(db, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        taken.set()
        threading.Event().wait(seconds)
        con.rollback()
        con.close()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(10)
    return taken


def _open(qtbot: QtBot, lib: Library, settings: QSettings) -> tuple[MainWindow, int]:
    window = open_window(qtbot, lib, settings)
    pid = window.table_model.row_at(0).id
    window.select_ids([pid])
    qtbot.waitUntil(lambda: window.detail.notes.paper_id() == pid, timeout=WAIT_MS)
    return window, pid


def test_note_autosave_gives_up_quickly_and_the_worker_still_waits(
    qtbot: QtBot, library: Library, ui_settings: QSettings
) -> None:
    assert UI_BUSY_TIMEOUT_S < HELD_S
    window, pid = _open(qtbot, library, ui_settings)
    notes = window.detail.notes
    try:
        notes.show_source()
        qtbot.keyClicks(notes.editor, "kept while locked")
        _hold_lock(library.folder / DB_NAME, HELD_S)
        # the UI thread's save fails (the lock is still held: it did not wait 10 s)
        assert not notes.flush()
        assert "locked" in notes.error_label.text()
        assert notes.text() == "kept while locked"
        assert library.get(pid).note == ""
        # ... while long work on the worker waits out the same kind of lock
        _hold_lock(library.folder / DB_NAME, HELD_S)
        window.run(
            imports.import_text(
                window.ctx, "@article{k, title={Worker Paper}, author={Doe, J.}, year=2020}"
            )
        )
        wait_tasks(qtbot, window)
        assert "Worker Paper" in {r.title for r in library.listing().rows}
        # and the note's own retry saves it once the lock is gone
        qtbot.waitUntil(lambda: library.get(pid).note == "kept while locked", timeout=30_000)
    finally:
        close_window(window)


def test_closing_with_an_unsaved_note_asks_once(
    qtbot: QtBot, library: Library, ui_settings: QSettings
) -> None:
    window, pid = _open(qtbot, library, ui_settings)
    notes = window.detail.notes
    notes.show_source()
    qtbot.keyClicks(notes.editor, "unsaved at close")
    con = sqlite3.connect(library.folder / DB_NAME, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    asked: list[str] = []

    def answer() -> None:  # every box that comes, as a user would
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            for b in box.buttons():
                if b.text() == "Close Without Saving":
                    b.click()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(answer)
    try:
        timer.start()
        window.close()
        timer.stop()
        assert not window.isVisible()
        # one question, from closeEvent (a second asker would show a second box)
        assert asked == ["A note could not be saved. Close anyway?"]
        assert library.get(pid).note == ""
    finally:
        con.rollback()
        con.close()
        window.deleteLater()
