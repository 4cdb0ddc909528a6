"""The window's export follows the CLI's rules (readinglist/files.py), for real files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from readinglist.domain import ExportFormat
from readinglist.library import Library
from readinglist.ui.dialogs import ExportScope
from readinglist.ui.main_window import MainWindow
from readinglist.ui.ops import exports

from .helpers import close_window, open_window, wait_tasks


@pytest.fixture
def window(qtbot: QtBot, seeded_library: Library, ui_settings: QSettings) -> Iterator[MainWindow]:
    w = open_window(qtbot, seeded_library, ui_settings)
    yield w
    close_window(w)


def export_error(qtbot: QtBot, window: MainWindow, path: Path) -> str:
    window.run(exports.export_to(window.ctx, path, ExportFormat.BIBTEX, ExportScope.EVERYTHING))
    wait_tasks(qtbot, window)
    box = window.last_dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.windowTitle() == "Could not export"
    text = box.text()
    box.close()
    return text


def test_export_onto_the_open_library_is_refused(
    qtbot: QtBot, window: MainWindow, seeded_library: Library, tmp_path: Path
) -> None:
    db = seeded_library.folder / "library.sqlite"
    n = seeded_library.counts().total
    link = tmp_path / "looks-harmless.bib"
    link.symlink_to(db)
    for target in (db, link):
        assert "file of the open library" in export_error(qtbot, window, target)
    assert db.read_bytes().startswith(b"SQLite format 3\x00")
    assert seeded_library.counts().total == n


def test_export_onto_a_folder_or_a_fifo_is_a_message_and_leaves_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert "is a folder" in export_error(qtbot, window, folder)
    assert "nobody is reading" in export_error(qtbot, window, fifo)  # and no hang
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_replaces_a_file_keeping_its_mode(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    out = tmp_path / "shared.bib"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o604)
    window.run(exports.export_to(window.ctx, out, ExportFormat.BIBTEX, ExportScope.EVERYTHING))
    wait_tasks(qtbot, window)
    assert "@" in out.read_text("utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o604
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
