"""File > Open Library… (issue 12): the recent libraries, a folder or URL typed in,
the window replaced by one on the chosen library; passwords never in the settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from readinglist.domain import PaperDraft
from readinglist.library import Library
from readinglist.ui.library_open import RECENT_MAX, RecentLibraries
from readinglist.ui.library_switch import LibrarySwitcher

from .helpers import wait_list


def test_recent_libraries_keep_no_password_newest_first(ui_settings: QSettings) -> None:
    recent = RecentLibraries(ui_settings)
    recent.remember("/home/me/papers")
    recent.remember("postgresql://alice:s3cret@labserver:5433/readinglist")
    recent.remember("/home/me/papers")  # again: moves to the front, not twice
    assert recent.locations() == [
        "/home/me/papers",
        "postgresql://alice@labserver:5433/readinglist",
    ]
    text = Path(ui_settings.fileName()).read_text(encoding="utf-8")
    assert "s3cret" not in text
    for i in range(RECENT_MAX + 3):
        recent.remember(f"/lib/{i}")
    assert len(recent.locations()) == RECENT_MAX
    assert recent.locations()[0] == f"/lib/{RECENT_MAX + 2}"


def _library(folder: Path, title: str) -> Library:
    lib = Library(folder)
    lib.import_drafts([PaperDraft(title=title)], source="t")
    return lib


def test_open_library_replaces_the_window(
    qtbot: QtBot, tmp_path: Path, ui_settings: QSettings
) -> None:
    _library(tmp_path / "other", "A paper of the other library").close()
    switcher = LibrarySwitcher(ui_settings, tmp_path / "personal")
    first = _library(tmp_path / "first", "A paper of the first library")
    window = switcher.show(first, str(tmp_path / "first"))
    qtbot.waitExposed(window)
    wait_list(qtbot, window)
    try:
        window.acts.open_library.trigger()
        dialog = window.open_dialog
        assert dialog is not None and dialog.isVisible()
        assert [dialog.recent.item(i).text() for i in range(dialog.recent.count())] == [
            str(tmp_path / "first")
        ]
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
        assert not ok.isEnabled()  # nothing chosen yet
        dialog.typed.setText(str(tmp_path / "other"))
        ok.click()
        qtbot.waitUntil(lambda: switcher.window is not window, timeout=10_000)
        new = switcher.window
        assert new is not None and new.isVisible() and not window.isVisible()
        wait_list(qtbot, new)
        assert [r.title for r in new.table_model.rows()] == ["A paper of the other library"]
        assert switcher.library is new.library and new.library.folder == tmp_path / "other"
        # the old library is closed; both are recent, the new one first
        assert switcher.recent.locations() == [str(tmp_path / "other"), str(tmp_path / "first")]
        # a recent entry picked fills the field
        new.acts.open_library.trigger()
        again = new.open_dialog
        assert again is not None
        again.recent.setCurrentRow(1)
        assert again.location() == str(tmp_path / "first")
        again.reject()
    finally:
        switcher.close()
        if switcher.window is not None:
            switcher.window.close()
