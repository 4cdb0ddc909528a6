"""Rough edges a new user hit (issue 11), each driven on the real window over a real
temp library: the shortcut list's size and names, ..."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from readinglist.domain import Status
from readinglist.library import Library
from readinglist.ui.dialogs import SHORTCUTS, ShortcutsDialog
from readinglist.ui.main_window import MainWindow

from .helpers import click_row, close_window, open_window, shown_ids

CTRL = Qt.KeyboardModifier.ControlModifier
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def window(qtbot: QtBot, seeded_library: Library, ui_settings: QSettings) -> Iterator[MainWindow]:
    w = open_window(qtbot, seeded_library, ui_settings)
    yield w
    close_window(w)


# ---------------------------------------------------------------- shortcuts (F1)


def test_the_shortcut_list_needs_no_horizontal_scrollbar(qtbot: QtBot, window: MainWindow) -> None:
    window.acts.shortcuts.trigger()
    dialog = window.last_dialog
    assert isinstance(dialog, ShortcutsDialog)
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert not table.horizontalScrollBar().isVisible()
    # and no text is cut instead: each column is as wide as its widest entry
    for col in (0, 1):
        assert table.sizeHintForColumn(col) <= table.columnWidth(col), col
    used = table.columnWidth(0) + table.columnWidth(1)
    assert used <= table.viewport().width()
    dialog.close()


def _menu_name(text: str) -> str:
    return text.replace("&", "").rstrip("…").casefold()


def test_ctrl_u_has_one_name_in_the_menu_the_list_and_the_readme(
    qtbot: QtBot, window: MainWindow
) -> None:
    listed = {keys: what.casefold() for keys, what in SHORTCUTS}
    readme = README.read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| Ctrl+U |"))
    for action, keys in (
        (window.acts.mark_unread, "Ctrl+U"),
        (window.acts.toggle_read, "Ctrl+R"),
        (window.acts.toggle_reading, "Ctrl+Shift+R"),
    ):
        assert action.shortcut().toString() == keys
        assert listed[keys].startswith(_menu_name(action.text())), keys
    assert _menu_name(window.acts.mark_unread.text()) == "mark unread"
    assert "toggle" not in row and "mark unread" in row

    # and it does what it is called: marks unread, pressed once or twice
    lib = window.library
    paper = shown_ids(window)[0]
    lib.set_status([paper], Status.READ)
    window.full_refresh()
    click_row(qtbot, window, 0)
    assert window.selected_ids() == [paper]
    window.activateWindow()
    window.table.setFocus()
    for _ in range(2):
        qtbot.keyClick(window.table, Qt.Key.Key_U, CTRL)
        qtbot.waitUntil(lambda: lib.rows([paper])[0].status == Status.UNREAD)
