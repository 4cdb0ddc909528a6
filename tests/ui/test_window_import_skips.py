"""A folder import in the window says what it passed over and what it could not read."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from readinglist.library import Library
from readinglist.ui.dialogs import ImportSummaryDialog

from .helpers import WAIT_MS, close_window, open_window, wait_tasks

BIB = "@article{{{key}, title = {{{title}}}, author = {{Doe, Jane}}, year = 2020}}\n"


def test_folder_import_summary_lists_what_was_skipped_and_what_failed(
    qtbot: QtBot, empty_library: Library, ui_settings: QSettings, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    (root / "refs").mkdir(parents=True)
    (root / "refs" / "main.bib").write_text(BIB.format(key="a", title="Real Paper One"))
    venv = root / ".venv" / "lib"
    venv.mkdir(parents=True)
    (venv / "x.bib").write_text(BIB.format(key="v", title="Venv Paper"))
    (root / "notes.txt").write_text("Buy milk.\nCall Anna about the review.\n")
    (root / "empty.bib").write_text("")
    broken = tmp_path / "broken.bib"  # named by the user: not a reference file at all
    broken.write_bytes(b"\x00\x01\x02 not a bibliography \xff\xfe")

    window = open_window(qtbot, empty_library, ui_settings)
    try:
        window.import_files([root, broken])
        shown = lambda: isinstance(window.last_dialog, ImportSummaryDialog)  # noqa: E731
        qtbot.waitUntil(shown, timeout=WAIT_MS)
        wait_tasks(qtbot, window)
        dialog = window.last_dialog
        assert isinstance(dialog, ImportSummaryDialog)
        assert {r.title for r in empty_library.listing().rows} == {"Real Paper One"}
        skipped = dialog.skipped.text()
        assert dialog.skipped.isVisibleTo(dialog)
        assert "project/.venv — " in skipped
        assert "project/notes.txt — not in a format we can import" in skipped
        assert "Venv Paper" not in skipped
        head = window.statusBar().currentMessage()
        assert "1 paper added" in head and "1 file could not be read" in head
        assert "passed over" in head
        # the file that could not be read is named in the problems table
        files = [dialog.problems.item(r, 0).text() for r in range(dialog.problems.rowCount())]
        assert "broken.bib" in files
    finally:
        close_window(window)
