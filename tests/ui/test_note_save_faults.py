"""A note that cannot be saved stays in the window: a real locked database and a
real full disk (a small tmpfs), never a mock of the Library.

The typed text stays in the editor, a bar says why with Retry and Copy, autosave
tries again by itself, and closing the window asks first."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from readinglist.db import engine as db_engine
from readinglist.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.notes_editor import NotesEditor

from .helpers import close_window, open_window, shown_ids

WAIT_MS = 15_000


@pytest.fixture
def impatient(monkeypatch: pytest.MonkeyPatch) -> None:
    # The library waits 10 s for a lock; the test's library gives up after 0.2 s.
    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_S", 0.2)


@contextlib.contextmanager
def write_lock(db: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the library's write lock (as a CLI import would)."""
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    finally:
        con.rollback()
        con.close()


def _start(qtbot: QtBot, lib: Library, settings: QSettings) -> tuple[MainWindow, int]:
    window = open_window(qtbot, lib, settings)
    pid = shown_ids(window)[0]
    window.select_ids([pid])
    qtbot.waitUntil(lambda: window.detail.notes.paper_id() == pid, timeout=WAIT_MS)
    return window, pid


def _type(qtbot: QtBot, notes: NotesEditor, text: str) -> None:
    notes.show_source()
    qtbot.keyClicks(notes.editor, text)


def _answer_dialog(button_text: str, seen: list[str]) -> None:
    """Click `button_text` in the next modal dialog once it is up (exec() blocks)."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text() + " " + box.informativeText())
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return
        raise AssertionError(f"no {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(20, click)


@pytest.fixture
def lib(impatient: None, tmp_path: Path, seed_page: Path) -> Iterator[Library]:
    library = Library(tmp_path / "lib")
    assert library.import_paths([seed_page]).added
    yield library
    library.close()


def test_a_locked_library_keeps_the_note_offers_retry_and_copy_and_retries_itself(
    qtbot: QtBot, lib: Library, ui_settings: QSettings
) -> None:
    window, pid = _start(qtbot, lib, ui_settings)
    notes = window.detail.notes
    try:
        with write_lock(lib.folder / "library.sqlite"):
            _type(qtbot, notes, "thoughts typed while the CLI holds the lock")
            assert not notes.flush()
            print(f"\nlocked: {notes.error_label.text()}")
            assert notes.text() == "thoughts typed while the CLI holds the lock"
            assert notes.save_bar.isVisible()
            assert "could not be saved" in notes.error_label.text()
            assert "locked" in notes.error_label.text()
            assert notes.retry_button.isVisible() and notes.copy_button.isVisible()
            assert notes.state_label.text() == "Not saved"

            notes.copy_button.click()
            clip = QGuiApplication.clipboard().text()
            assert clip == "thoughts typed while the CLI holds the lock"

            notes.retry_button.click()  # still locked: still kept, still said
            assert notes.save_bar.isVisible()
            assert notes.text() == "thoughts typed while the CLI holds the lock"
        assert lib.get(pid).note == ""
        # the lock is gone: autosave tries again by itself, no typing needed
        qtbot.waitUntil(
            lambda: lib.get(pid).note == "thoughts typed while the CLI holds the lock",
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(lambda: not notes.save_bar.isVisible(), timeout=WAIT_MS)
        assert notes.state_label.text() == "Saved"

        # Retry saves at once when the trouble is over
        with write_lock(lib.folder / "library.sqlite"):
            _type(qtbot, notes, " and more")
            assert not notes.flush()
        notes.retry_button.click()
        assert lib.get(pid).note.endswith(" and more")
        assert not notes.save_bar.isVisible()
    finally:
        close_window(window)


def test_closing_the_window_with_an_unsaved_note_asks_first(
    qtbot: QtBot, lib: Library, ui_settings: QSettings
) -> None:
    window, pid = _start(qtbot, lib, ui_settings)
    notes = window.detail.notes
    seen: list[str] = []
    with write_lock(lib.folder / "library.sqlite"):
        _type(qtbot, notes, "do not lose me")
        assert not notes.flush()

        _answer_dialog("Keep Open", seen)
        window.close()
        assert window.isVisible()  # the user chose to stay
        assert "could not be saved" in seen[0] and "locked" in seen[0]
        assert notes.text() == "do not lose me"

        QGuiApplication.clipboard().clear()
        _answer_dialog("Copy Note and Close", seen)
        window.close()
        assert not window.isVisible()
        assert QGuiApplication.clipboard().text() == "do not lose me"
    assert lib.get(pid).note == ""  # never saved, but the user has it on the clipboard
    window.deleteLater()


def test_closing_with_every_note_saved_asks_nothing(
    qtbot: QtBot, lib: Library, ui_settings: QSettings
) -> None:
    window, pid = _start(qtbot, lib, ui_settings)
    _type(qtbot, window.detail.notes, "saved on close")
    window.close()  # a dialog here would block the test: none comes
    assert not window.isVisible()
    assert lib.get(pid).note == "saved on close"
    window.deleteLater()


# ---------------------------------------------------------------- a full disk


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "small"
    if os.geteuid() != 0 or not _mount_tmpfs(folder, "32m"):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Callable[[], None]:
    """Fill the file system; returns what frees the space again."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        block = b"\0" * (1 << 20)
        with contextlib.suppress(OSError):
            while True:
                f.write(block)
                f.flush()
        with contextlib.suppress(OSError):
            while True:  # the last few pages
                f.write(b"\0" * 4096)
                f.flush()
    return filler.unlink


def test_a_full_disk_keeps_the_note_until_there_is_room(
    qtbot: QtBot, small_disk: Path, seed_page: Path, ui_settings: QSettings
) -> None:
    library = Library(small_disk / "lib")
    assert library.import_paths([seed_page]).added
    window, pid = _start(qtbot, library, ui_settings)
    notes = window.detail.notes
    note = "A long draft.\n" * 40_000  # 560 KB: needs new pages the disk does not have
    try:
        free = _fill(small_disk)
        notes.show_source()
        notes.editor.insertPlainText(note)  # pasted
        assert not notes.flush()
        print(f"\nfull disk: {notes.error_label.text()}")
        assert notes.save_bar.isVisible()
        assert "could not be saved" in notes.error_label.text()
        assert notes.text() == note
        assert library.get(pid).note == ""

        free()
        notes.retry_button.click()
        assert library.get(pid).note == note
        assert not notes.save_bar.isVisible()
    finally:
        close_window(window)
        library.close()
