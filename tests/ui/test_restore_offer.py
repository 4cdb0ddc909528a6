"""The window offers the newest sound backup when the library is damaged (issue 8.13).

The question is a real modal QMessageBox; a timer answers it by clicking its
button, as a user would.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from readinglist.db.backup import list_backups
from readinglist.domain import LibraryError, PaperDraft
from readinglist.library import BACKUP_DIR, DB_NAME, Library
from readinglist.ui.main import open_library


def _seed(folder: Path) -> None:
    with Library(folder) as lib:
        lib.import_drafts([PaperDraft(title=f"Heron paper {i}") for i in range(7)], source="t")
    Library(folder).close()  # the day's backup


def _answer(button: str, seen: list[str]) -> QTimer:
    """Click `button` on the modal box as soon as it shows."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        seen.append(box.text() + "\n" + box.informativeText())
        for b in box.buttons():
            if b.text() == button:
                timer.stop()
                b.click()
                return

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(click)
    timer.start()
    return timer


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_opens_the_library_from_the_newest_sound_backup(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "lib"
    _seed(folder)
    backups = folder / BACKUP_DIR
    # a newer backup that is not sound is passed over
    stamp = (datetime.now(UTC) + timedelta(seconds=5)).strftime("%Y%m%dT%H%M%S%fZ")
    (backups / f"library-0003-{stamp}-manual.sqlite").write_bytes(b"garbage")
    db = folder / DB_NAME
    db.write_bytes(b"")  # emptied
    seen: list[str] = []
    timer = _answer("Restore", seen)
    library = open_library(folder)
    timer.stop()
    assert library is not None
    try:
        assert len(seen) == 1 and "damaged" in seen[0] and "7 papers" in seen[0]
        assert sorted(r.title for r in library.listing().rows)[0] == "Heron paper 0"
        assert len(library.listing().rows) == 7
    finally:
        library.close(catch_up=False)
    assert [b.path.stat().st_size for b in list_backups(backups) if b.why == "damaged"] == [0]


def test_quit_changes_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    _seed(folder)
    db = folder / DB_NAME
    with db.open("r+b") as fh:
        fh.write(b"garbage" * 20)  # the header
    before = {p.name: _sha(p) for p in (folder / BACKUP_DIR).iterdir()}
    db_before = _sha(db)
    seen: list[str] = []
    timer = _answer("Quit", seen)
    assert open_library(folder) is None
    timer.stop()
    assert len(seen) == 1
    assert _sha(db) == db_before
    assert {p.name: _sha(p) for p in (folder / BACKUP_DIR).iterdir()} == before


def test_no_sound_backup_is_the_plain_error(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    Library(folder).close()
    (folder / DB_NAME).write_bytes(b"")
    with pytest.raises(LibraryError, match="no sound backup"):
        open_library(folder)
