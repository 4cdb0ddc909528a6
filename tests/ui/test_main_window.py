"""The real MainWindow on a real temp library: sidebar, search, selection, shortcuts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from readinglist.domain import Filter, Status
from readinglist.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.ops import edits, tags

from .helpers import click_row, click_sidebar, close_window, open_window, shown_ids, wait_list

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: QtBot, seeded_library: Library, ui_settings: QSettings) -> Iterator[MainWindow]:
    w = open_window(qtbot, seeded_library, ui_settings)
    yield w
    close_window(w)


def test_opens_with_every_paper_listed(window: MainWindow, seeded_library: Library) -> None:
    total = seeded_library.counts().total
    assert window.table_model.rowCount() == total
    assert window.match_label.text() == f"{total:,} papers"
    assert window.stack.currentWidget() is window.table
    all_node = window.sidebar_model.find("all")
    assert all_node is not None and all_node.count == total


def test_status_and_tag_in_sidebar_filter_the_list(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    ids = shown_ids(window)
    seeded_library.set_status(ids[:2], Status.READ)
    seeded_library.add_tags(ids[1:4], ["llm"])
    window.full_refresh()
    wait_list(qtbot, window)

    click_sidebar(qtbot, window, "status:read")
    assert sorted(shown_ids(window)) == sorted(ids[:2])
    click_sidebar(qtbot, window, "tag:llm")
    assert sorted(shown_ids(window)) == sorted(ids[1:4])
    # Ctrl+click combines: read AND tagged llm
    click_sidebar(qtbot, window, "status:read", CTRL)
    assert shown_ids(window) == [ids[1]]
    assert window.papers.current_filter() == Filter(status=Status.READ, tags=("llm",))
    click_sidebar(qtbot, window, "status:unread")
    unread = set(seeded_library.ids(Filter(status=Status.UNREAD)))
    assert set(shown_ids(window)) == unread


def test_typing_a_search_narrows_the_list_and_esc_clears(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    total = window.table_model.rowCount()
    window.search.setFocus()
    qtbot.keyClicks(window.search, "maskgi")  # a prefix while typing
    qtbot.waitUntil(lambda: window.search.query() == "maskgi")
    wait_list(qtbot, window)
    titles = [r.title for r in window.table_model.rows()]
    assert titles and all(
        "maskgi" in (t + seeded_library.get(r.id).abstract).lower()
        for t, r in zip(titles, window.table_model.rows(), strict=True)
    )
    assert any(t.startswith("MaskGIT") for t in titles)
    n = len(titles)
    assert window.match_label.text() == f"{n} match{'es' * (n != 1)}"
    QTest.keyClick(window.search, Qt.Key.Key_Escape)
    wait_list(qtbot, window)
    assert window.search.text() == ""
    assert window.table_model.rowCount() == total


def test_search_is_combined_with_the_sidebar_filter(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    ids = shown_ids(window)
    hits = seeded_library.ids(Filter(query="transformer"))
    assert len(hits) >= 2
    seeded_library.set_status([hits[0]], Status.READ)
    window.full_refresh()
    wait_list(qtbot, window)
    click_sidebar(qtbot, window, "status:read")
    window.search.set_query("transformer")
    wait_list(qtbot, window)
    assert shown_ids(window) == [hits[0]]
    assert len(ids) > 1


def test_ctrl_r_marks_read_updates_counts_and_undo_redo(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    click_row(qtbot, window, 0)
    click_row(qtbot, window, 2, SHIFT)
    chosen = window.selected_ids()
    assert len(chosen) == 3
    before_read = seeded_library.counts().by_status[Status.READ]
    QTest.keyClick(window.table, Qt.Key.Key_R, CTRL)
    assert {d.status for d in seeded_library.details(chosen)} == {Status.READ}
    assert {window.table_model.row_at(window.table_model.row_of(i)).status for i in chosen} == {
        Status.READ
    }
    read_node = window.sidebar_model.find("status:read")
    assert read_node is not None and read_node.count == before_read + 3
    assert window.selected_ids() == chosen  # the selection stays
    # the model no longer shows these rows in bold (read)
    font = window.table_model.index(window.table_model.row_of(chosen[0]), 0).data(
        Qt.ItemDataRole.FontRole
    )
    assert font is None
    QTest.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    assert {d.status for d in seeded_library.details(chosen)} == {Status.UNREAD}
    assert read_node.count == before_read
    QTest.keyClick(window.table, Qt.Key.Key_Z, CTRL | SHIFT)
    assert {d.status for d in seeded_library.details(chosen)} == {Status.READ}
    # Ctrl+R again toggles back to unread
    QTest.keyClick(window.table, Qt.Key.Key_R, CTRL)
    assert {d.status for d in seeded_library.details(chosen)} == {Status.UNREAD}
    QTest.keyClick(window.table, Qt.Key.Key_R, CTRL | SHIFT)
    assert {d.status for d in seeded_library.details(chosen)} == {Status.READING}


def test_marking_read_in_the_unread_view_and_undo_brings_rows_back(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    click_sidebar(qtbot, window, "status:unread")
    total = window.table_model.rowCount()
    click_row(qtbot, window, 1)
    chosen = window.selected_ids()
    QTest.keyClick(window.table, Qt.Key.Key_R, CTRL)
    wait_list(qtbot, window)
    assert window.table_model.rowCount() == total - 1
    assert chosen[0] not in shown_ids(window)
    QTest.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    wait_list(qtbot, window)
    assert window.table_model.rowCount() == total
    assert chosen[0] in shown_ids(window)


def test_selection_survives_search_and_refresh(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    hits = seeded_library.ids(Filter(query="generative"))
    assert len(hits) >= 3
    window.select_ids(hits[:2])
    window.search.set_query("generative")
    wait_list(qtbot, window)
    assert sorted(window.selected_ids()) == sorted(hits[:2])
    window.search.set_query("")
    wait_list(qtbot, window)
    assert sorted(window.selected_ids()) == sorted(hits[:2])
    window.full_refresh()
    wait_list(qtbot, window)
    assert sorted(window.selected_ids()) == sorted(hits[:2])
    assert window.detail.current_id() in hits[:2]


def test_sorting_by_a_column_keeps_the_selection(qtbot: QtBot, window: MainWindow) -> None:
    click_row(qtbot, window, 3)
    chosen = window.selected_ids()
    header = window.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.rect().center().__class__(header.sectionViewportPosition(0) + 5, 5),
    )
    titles = [r.title.casefold() for r in window.table_model.rows()]
    assert titles == sorted(titles) or titles == sorted(titles, reverse=True)
    assert window.selected_ids() == chosen


def test_add_tag_delete_and_restore_with_undo(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    click_row(qtbot, window, 0)
    click_row(qtbot, window, 1, CTRL)
    chosen = window.selected_ids()
    # what the Ctrl+T dialog asks for
    window.run(edits.add_tags(window.ctx, chosen, ["reading group"]))
    assert all("reading group" in d.tags for d in seeded_library.details(chosen))
    node = window.sidebar_model.find("tag:reading group")
    assert node is not None and node.count == 2
    assert all(
        "reading group" in window.table_model.row_at(window.table_model.row_of(i)).tags
        for i in chosen
    )
    QTest.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    assert seeded_library.tags() == [] or "reading group" not in seeded_library.tags()
    assert window.sidebar_model.find("tag:reading group") is None

    total = seeded_library.counts().total
    QTest.keyClick(window.table, Qt.Key.Key_Delete)
    wait_list(qtbot, window)
    assert seeded_library.counts().trash == 2
    assert seeded_library.counts().total == total - 2
    assert not set(chosen) & set(shown_ids(window))
    trash = window.sidebar_model.find("trash")
    assert trash is not None and trash.count == 2
    QTest.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    wait_list(qtbot, window)
    assert seeded_library.counts().trash == 0
    QTest.keyClick(window.table, Qt.Key.Key_Z, CTRL | SHIFT)  # redo: trashed again
    wait_list(qtbot, window)
    click_sidebar(qtbot, window, "trash")
    assert sorted(shown_ids(window)) == sorted(chosen)
    window.table.selectAll()
    QTest.keyClick(window.table, Qt.Key.Key_Backspace, CTRL)  # Restore from Trash
    wait_list(qtbot, window)
    assert seeded_library.counts().trash == 0
    assert shown_ids(window) == []


def test_tag_rename_merge_and_delete(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    ids = shown_ids(window)
    seeded_library.add_tags(ids[:2], ["vision"])
    seeded_library.add_tags(ids[2:3], ["cv"])
    window.full_refresh()
    wait_list(qtbot, window)
    click_sidebar(qtbot, window, "tag:cv")
    window.run(tags.rename_tag(window.ctx, "cv", "vision"))  # merge
    wait_list(qtbot, window)
    assert seeded_library.counts().tags == {"vision": 3}
    assert window.sidebar_model.tag_names() == ["vision"]
    assert sorted(shown_ids(window)) == sorted(ids[:3])
    window.run(tags.delete_tag(window.ctx, "vision"))
    wait_list(qtbot, window)
    assert seeded_library.tags() == []
    assert window.sidebar_model.tag_names() == []
    window.undo_stack.undo()
    assert seeded_library.counts().tags == {"vision": 3}


def test_tag_rename_and_merge_can_be_undone(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    ids = shown_ids(window)
    seeded_library.add_tags(ids[:2], ["vision"])
    seeded_library.add_tags(ids[1:4], ["cv"])  # ids[1] carries both
    window.full_refresh()
    wait_list(qtbot, window)
    window.run(tags.rename_tag(window.ctx, "cv", "vision"))  # merge
    wait_list(qtbot, window)
    assert seeded_library.counts().tags == {"vision": 4}
    window.undo_stack.undo()
    wait_list(qtbot, window)
    assert seeded_library.counts().tags == {"cv": 3, "vision": 2}
    assert sorted(seeded_library.ids(Filter(tags=("vision",)))) == sorted(ids[:2])
    assert window.sidebar_model.tag_names() == ["cv", "vision"]
    window.undo_stack.redo()
    assert seeded_library.counts().tags == {"vision": 4}
    window.undo_stack.undo()
    window.run(tags.rename_tag(window.ctx, "cv", "Computer Vision"))  # a plain rename
    assert seeded_library.counts().tags == {"Computer Vision": 3, "vision": 2}
    window.undo_stack.undo()
    assert seeded_library.counts().tags == {"cv": 3, "vision": 2}


def test_ctrl_f_focuses_search_and_shortcut_list_opens(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.table.setFocus()
    window.acts.find.trigger()
    assert window.search.hasFocus() or window.focusWidget() is window.search
    window.acts.shortcuts.trigger()
    dialog = window.last_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.close()


def test_window_state_is_remembered(
    qtbot: QtBot, seeded_library: Library, ui_settings: QSettings
) -> None:
    first = open_window(qtbot, seeded_library, ui_settings)
    ids = shown_ids(first)
    seeded_library.add_tags(ids[:3], ["keep"])
    first.full_refresh()
    wait_list(qtbot, first)
    click_sidebar(qtbot, first, "tag:keep")
    first.select_ids([ids[1]])
    first.resize(760, 700)  # within the offscreen screen, so restoring needs no clamping
    qtbot.waitUntil(lambda: first.width() == 760)
    first.splitter.setSizes([150, 360, 250])
    sizes = first.splitter.sizes()
    first.table.horizontalHeader().resizeSection(1, 201)
    close_window(first)

    second = open_window(qtbot, seeded_library, ui_settings)
    try:
        assert second.sidebar.selected_keys() == ["tag:keep"]
        assert sorted(shown_ids(second)) == sorted(ids[:3])
        assert second.selected_ids() == [ids[1]]
        assert second.detail.current_id() == ids[1]
        assert second.size() == first.size()
        assert second.splitter.sizes() == sizes
        assert second.table.horizontalHeader().sectionSize(1) == 201
    finally:
        close_window(second)


def test_writes_from_another_process_show_without_asking(
    qtbot: QtBot, window: MainWindow, seeded_library: Library, tmp_path: object
) -> None:
    other = Library(seeded_library.folder)  # a second opener, as another process would be
    try:
        ids = shown_ids(window)
        other.set_status(ids[:4], Status.READING)
    finally:
        other.close()

    def counted() -> bool:  # the window's change watch (a 1 s timer) notices by itself
        node = window.sidebar_model.find("status:reading")
        return node is not None and node.count == 4

    qtbot.waitUntil(counted, timeout=10_000)
    wait_list(qtbot, window)
    assert not window.check_external_changes()  # nothing new since


def test_welcome_state_on_an_empty_library(
    qtbot: QtBot, empty_library: Library, ui_settings: QSettings
) -> None:
    w = open_window(qtbot, empty_library, ui_settings)
    try:
        assert w.stack.currentWidget() is w.welcome
        assert w.welcome.isVisible()
        assert "BibTeX" in w.welcome.findChildren(type(w.match_label))[2].text()
    finally:
        close_window(w)
