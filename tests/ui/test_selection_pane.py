"""Several papers selected: the paper pane says "N papers selected" and offers what
applies to all of them (status, add/remove tag, export, trash) with their common tags,
instead of one paper with its own tag box (issue 11)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from readinglist.domain import Filter, Status
from readinglist.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.selection_pane import common_tags, status_summary

from .helpers import click_row, close_window, open_window, shown_ids, wait_list


@pytest.fixture
def window(qtbot: QtBot, seeded_library: Library, ui_settings: QSettings) -> Iterator[MainWindow]:
    w = open_window(qtbot, seeded_library, ui_settings)
    yield w
    close_window(w)


def _select_three(qtbot: QtBot, window: MainWindow) -> list[int]:
    click_row(qtbot, window, 0)
    click_row(qtbot, window, 2, Qt.KeyboardModifier.ShiftModifier)
    ids = window.selected_ids()
    assert len(ids) == 3
    return ids


def test_several_selected_show_the_selection_pane(qtbot: QtBot, window: MainWindow) -> None:
    assert not window.detail.showing_selection()
    ids = _select_three(qtbot, window)
    assert window.detail.showing_selection()
    assert window.detail.selection.heading.text() == "3 papers selected"
    assert sorted(window.detail.selection.ids()) == sorted(ids)
    # one row again: the paper itself
    click_row(qtbot, window, 1)
    assert not window.detail.showing_selection()
    assert window.detail.current_id() == window.selected_ids()[0]


def test_a_tag_typed_goes_to_every_selected_paper_and_shows_as_common(
    qtbot: QtBot, window: MainWindow
) -> None:
    ids = _select_three(qtbot, window)
    lib = window.library
    assert window.detail.selection.tag_editor.tags() == ()
    window.detail.selection.tag_editor.line_edit.setText("to-review")
    qtbot.keyClick(window.detail.selection.tag_editor.line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: all("to-review" in r.tags for r in lib.rows(ids)), timeout=5000)
    others = [i for i in lib.ids() if i not in ids]
    assert all("to-review" not in r.tags for r in lib.rows(others))
    qtbot.waitUntil(lambda: window.detail.selection.tag_editor.tags() == ("to-review",))
    # removing the common tag removes it from all of them
    window.detail.selection.tagRemoveRequested.emit("to-review")
    qtbot.waitUntil(lambda: all("to-review" not in r.tags for r in lib.rows(ids)), timeout=5000)
    qtbot.waitUntil(lambda: window.detail.selection.tag_editor.tags() == ())


def test_status_buttons_apply_to_all_and_undo_in_one_step(qtbot: QtBot, window: MainWindow) -> None:
    ids = _select_three(qtbot, window)
    lib = window.library
    window.detail.selection.status_buttons[Status.READ].click()
    wait_list(qtbot, window)
    assert {r.status for r in lib.rows(ids)} == {Status.READ}
    assert window.detail.selection.summary_label.text() == "3 read"
    window.undo_stack.undo()
    wait_list(qtbot, window)
    assert {r.status for r in lib.rows(ids)} == {Status.UNREAD}


def test_trash_from_the_selection_pane(qtbot: QtBot, window: MainWindow) -> None:
    ids = _select_three(qtbot, window)
    window.detail.selection.trash_button.click()
    wait_list(qtbot, window)
    assert not set(ids) & set(shown_ids(window))
    assert set(ids) <= set(window.library.ids(Filter(trashed=True)))


def test_common_tags_and_summary_are_case_blind() -> None:
    from datetime import UTC, datetime

    from readinglist.domain import PaperRow

    now = datetime.now(UTC)
    rows = [
        PaperRow(1, "a", "", None, Status.UNREAD, ("LLM", "vision"), now),
        PaperRow(2, "b", "", None, Status.READ, ("llm",), now),
        PaperRow(3, "c", "", None, Status.UNREAD, ("x", "Llm"), now),
    ]
    assert common_tags(rows) == ("LLM",)
    assert common_tags(rows[:1]) == ("LLM", "vision")
    assert status_summary(rows) == "2 unread · 1 read"
