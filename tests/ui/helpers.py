"""Shared steps for the main-window tests: open the window, wait, click the sidebar."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt
from pytestqt.qtbot import QtBot

from readinglist.library import Library
from readinglist.ui.main_window import MainWindow

WAIT_MS = 10_000


def open_window(qtbot: QtBot, library: Library, settings: QSettings) -> MainWindow:
    window = MainWindow(library, settings)
    window.show()
    qtbot.waitExposed(window)
    wait_list(qtbot, window)
    return window


def close_window(window: MainWindow) -> None:
    window.close()
    window.deleteLater()


def wait_list(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(window.list_ready, timeout=WAIT_MS)


def wait_tasks(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=WAIT_MS)
    wait_list(qtbot, window)


def click_sidebar(
    qtbot: QtBot,
    window: MainWindow,
    key: str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Click the sidebar node `key` ("status:read", "tag:llm", "trash", "all") like a user."""
    node = window.sidebar_model.find(key)
    assert node is not None, key
    index = window.sidebar_model.index_of(node)
    window.sidebar.scrollTo(index)
    rect = window.sidebar.visualRect(index)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    wait_list(qtbot, window)


def click_row(
    qtbot: QtBot,
    window: MainWindow,
    row: int,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    index = window.table_model.index(row, 0)
    window.table.scrollTo(index)
    rect = window.table.visualRect(index)
    qtbot.mouseClick(
        window.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center() + QPoint(0, 0)
    )


def shown_ids(window: MainWindow) -> list[int]:
    return [window.table_model.row_at(r).id for r in range(window.table_model.rowCount())]
