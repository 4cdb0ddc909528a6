"""The window hides its long-lived heap from Python's full collections once its
first list is shown (an import's full GC on the worker stalled it ~100 ms), and
hands it back when it closes, so nothing it froze outlives it."""

from __future__ import annotations

import gc

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from readinglist.library import Library

from .helpers import close_window, open_window, wait_list


def test_first_list_freezes_the_heap_and_close_unfreezes(
    qtbot: QtBot, seeded_library: Library, ui_settings: QSettings
) -> None:
    gc.unfreeze()  # whatever an earlier test left
    w = open_window(qtbot, seeded_library, ui_settings)
    wait_list(qtbot, w)
    assert w.table_model.rowCount() > 0
    assert gc.get_freeze_count() > 0  # the window and its rows are out of the GC's sight
    close_window(w)
    assert gc.get_freeze_count() == 0
