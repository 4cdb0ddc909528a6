"""Rough edges a new user hit (issue 11), each driven on the real window over a real
temp library: the shortcut list's size and names, columns fitted to their content,
the unread dot on a selected row, ..."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.domain import Filter, Status
from readinglist.library import Library
from readinglist.ui.dialogs import SHORTCUTS, ImportShown, ImportSummaryDialog, ShortcutsDialog
from readinglist.ui.empty_list import empty_text
from readinglist.ui.main_window import MainWindow
from readinglist.ui.ops import edits
from readinglist.ui.paper_table import Column

from .helpers import (
    click_row,
    click_sidebar,
    close_window,
    open_window,
    shown_ids,
    wait_list,
    wait_tasks,
)

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


# ---------------------------------------------------------------- column widths


def _title_share(window: MainWindow) -> float:
    return window.table.columnWidth(Column.TITLE) / window.table.viewport().width()


def test_empty_columns_give_their_width_to_the_title(qtbot: QtBot, window: MainWindow) -> None:
    # the trending page's papers have no authors, year or tags
    header = window.table.horizontalHeader()
    assert not window.column_fit.wanted
    for col in (Column.AUTHORS, Column.YEAR, Column.TAGS):
        assert window.table.columnWidth(col) <= header.sectionSizeFromContents(col).width(), col
    assert _title_share(window) >= 0.5  # was 0.37 with the fixed widths
    # what a row shows fits its column (the status icon and word, the date)
    for col in (Column.STATUS, Column.ADDED):
        assert window.table.sizeHintForColumn(col) <= window.table.columnWidth(col), col


AUTHORS_BIB = "".join(
    f"@article{{a{n},\n  title = {{A study of attention number {n}}},\n"
    f"  author = {{Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob}},\n"
    f"  year = {{2017}},\n}}\n\n"
    for n in range(4)
)


def test_columns_with_content_fit_it_within_their_share(
    qtbot: QtBot, tmp_path: Path, ui_settings: QSettings
) -> None:
    bib = tmp_path / "authors.bib"
    bib.write_text(AUTHORS_BIB, encoding="utf-8")
    with Library(tmp_path / "authors") as lib:
        lib.import_paths([bib])
        w = open_window(qtbot, lib, ui_settings)
        try:
            header = w.table.horizontalHeader()
            year = w.table.columnWidth(Column.YEAR)
            assert year >= w.table.sizeHintForColumn(Column.YEAR)
            authors = w.table.columnWidth(Column.AUTHORS)
            # four long author lists: wider than the header, but at most its share
            assert authors > header.sectionSizeFromContents(Column.AUTHORS).width()
            assert authors <= 0.23 * w.table.viewport().width()
            assert _title_share(w) >= 0.4
        finally:
            close_window(w)


def test_remembered_widths_win_on_the_next_start(
    qtbot: QtBot, seeded_library: Library, ui_settings: QSettings
) -> None:
    first = open_window(qtbot, seeded_library, ui_settings)
    first.table.horizontalHeader().resizeSection(Column.AUTHORS, 260)  # the user's choice
    close_window(first)
    second = open_window(qtbot, seeded_library, ui_settings)
    try:
        assert not second.column_fit.wanted
        assert second.table.columnWidth(Column.AUTHORS) == 260
    finally:
        close_window(second)


def test_an_empty_library_fits_its_columns_when_the_first_papers_come(
    qtbot: QtBot, empty_library: Library, ui_settings: QSettings, seed_page: Path
) -> None:
    w = open_window(qtbot, empty_library, ui_settings)
    try:
        assert w.stack.currentWidget() is w.welcome
        assert w.column_fit.wanted  # nothing to fit to yet
        w.import_files([seed_page])
        wait_tasks(qtbot, w)
        if w.last_dialog is not None:
            w.last_dialog.close()
        assert w.stack.currentWidget() is w.table
        assert not w.column_fit.wanted
        assert _title_share(w) >= 0.5
    finally:
        close_window(w)


# ---------------------------------------------------------------- the unread dot


def _far_pixels(image: QImage, x0: int, x1: int, y0: int, y1: int, ground: QColor) -> int:
    """Pixels in the box that stand out from `ground` (sum of channel differences)."""
    n = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            c = image.pixelColor(x, y)
            diff = abs(c.red() - ground.red()) + abs(c.green() - ground.green())
            if diff + abs(c.blue() - ground.blue()) > 150:
                n += 1
    return n


def test_the_unread_dot_stays_visible_on_a_selected_row(qtbot: QtBot, window: MainWindow) -> None:
    assert window.table_model.row_at(0).status == Status.UNREAD
    assert window.table_model.row_at(1).status == Status.UNREAD
    click_row(qtbot, window, 0)
    assert window.table.selectionModel().isRowSelected(0)
    assert not window.table.selectionModel().isRowSelected(1)
    image = window.table.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    for row in (0, 1):  # selected, and not
        cell = window.table.visualRect(window.table_model.index(row, Column.STATUS))
        empty = window.table.visualRect(window.table_model.index(row, Column.YEAR))
        ground = image.pixelColor(int(empty.center().x() * ratio), int(empty.center().y() * ratio))
        # the icon sits at the cell's left, before the word "Unread"
        x0, x1 = int(cell.left() * ratio), int((cell.left() + 20) * ratio)
        y0, y1 = int(cell.top() * ratio), int(cell.bottom() * ratio)
        assert _far_pixels(image, x0, x1, y0, y1, ground) >= 15, row


# ---------------------------------------------------------------- per-library state


def test_the_last_filter_and_paper_are_remembered_per_library(
    qtbot: QtBot, tmp_path: Path, seed_page: Path, ui_settings: QSettings
) -> None:
    with Library(tmp_path / "a") as a, Library(tmp_path / "b") as b:
        for lib in (a, b):
            lib.import_paths([seed_page])
        a_ids = a.ids()
        a.set_status(a_ids[:2], Status.READING)
        w = open_window(qtbot, a, ui_settings)
        click_sidebar(qtbot, w, "status:reading")
        w.select_ids([a_ids[1]])
        assert w.detail.current_id() == a_ids[1]
        close_window(w)

        # library B has never been opened: All, and its own first paper
        w = open_window(qtbot, b, ui_settings)
        assert w.sidebar.selected_keys() == ["all"]
        assert w.table_model.rowCount() == len(b.ids())
        assert w.detail.current_id() == w.table_model.row_at(0).id
        b_paper = w.table_model.row_at(3).id
        w.select_ids([b_paper])
        close_window(w)

        # back to A: its "Reading" view and its paper; then B again: its own paper
        w = open_window(qtbot, a, ui_settings)
        assert w.sidebar.selected_keys() == ["status:reading"]
        assert sorted(shown_ids(w)) == sorted(a_ids[:2])
        assert w.detail.current_id() == a_ids[1]
        close_window(w)
        w = open_window(qtbot, b, ui_settings)
        assert w.sidebar.selected_keys() == ["all"]
        assert w.detail.current_id() == b_paper
        close_window(w)


# ---------------------------------------------------------------- an empty list says why


def test_an_empty_list_says_why(qtbot: QtBot, window: MainWindow) -> None:
    lib = window.library
    ids = shown_ids(window)
    lib.add_tags(ids[:2], ["vision"])
    lib.add_tags(ids[2:4], ["language"])
    window.full_refresh()
    note = window.empty_note
    assert note.headline() == ""  # the list has rows

    click_sidebar(qtbot, window, "tag:vision")
    click_sidebar(qtbot, window, "tag:language", CTRL)  # AND: no paper has both
    assert window.table_model.rowCount() == 0
    assert note.isVisible()
    assert note.headline() == "No papers have all of these tags"
    assert "“vision”, “language”" in note.text()

    click_sidebar(qtbot, window, "trash")
    assert note.headline() == "The Trash is empty"

    click_sidebar(qtbot, window, "all")
    assert note.headline() == ""
    window.search.set_query("zzqxv")
    wait_list(qtbot, window)
    assert note.headline() == "No papers match “zzqxv”"
    window.search.set_query("")
    wait_list(qtbot, window)
    assert not note.isVisible()

    # the last unread paper marked read in the Unread view: rows removed, not a reset
    lib.set_status(ids[1:], Status.READ)
    window.full_refresh()
    click_sidebar(qtbot, window, "status:unread")
    assert shown_ids(window) == [ids[0]]
    window.run(edits.set_status(window.ctx, [ids[0]], Status.READ))
    qtbot.waitUntil(lambda: window.table_model.rowCount() == 0)
    assert note.headline() == "No unread papers"


def test_empty_texts_escape_what_the_user_typed() -> None:
    head, _ = empty_text(Filter(query="<b>x</b>"))
    assert head == "No papers match “<b>x</b>”"  # escaped when shown (RichText)
    assert empty_text(Filter(tags=("a",), status=Status.READ))[0] == "No read papers tagged “a”"
    assert empty_text(Filter())[0] == "No papers here"


# ---------------------------------------------------------------- after a big import


class _ShownWhen(QObject):
    """Records what the list showed when the import summary appeared."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.seen: list[tuple[int, list[int], str]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, ImportSummaryDialog):
            w = self.window
            self.seen.append(
                (w.table_model.rowCount(), w.selected_ids(), watched.shown_line.text())
            )
        return False


def _import_watching(
    qtbot: QtBot, window: MainWindow, paths: list[Path]
) -> tuple[list[int], tuple[int, list[int], str]]:
    before = set(window.library.ids())
    watch = _ShownWhen(window)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(watch)
    try:
        window.import_files(paths)
        wait_tasks(qtbot, window)
        qtbot.waitUntil(lambda: bool(watch.seen))
    finally:
        app.removeEventFilter(watch)
    assert window.last_dialog is not None
    window.last_dialog.close()
    new = [i for i in window.library.ids() if i not in before]
    return new, watch.seen[0]


def test_the_import_summary_comes_once_the_new_papers_are_shown_and_selected(
    qtbot: QtBot, empty_library: Library, ui_settings: QSettings, seed_page: Path
) -> None:
    w = open_window(qtbot, empty_library, ui_settings)
    try:
        new, (rows, selected, line) = _import_watching(qtbot, w, [seed_page])
        assert rows == len(new)  # the list was not empty behind the dialog
        assert sorted(selected) == sorted(new)
        assert line == f"The {len(new):,} new papers are selected in the list."
        assert w.table.selectionModel().isRowSelected(0)
    finally:
        close_window(w)


def test_a_capped_selection_is_told_as_it_is(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readinglist.ui.ops import imports

    monkeypatch.setattr(imports, "SELECT_IMPORTED_MAX", 3)
    bib = tmp_path / "authors.bib"
    bib.write_text(AUTHORS_BIB, encoding="utf-8")
    click_sidebar(qtbot, window, "status:read")  # a view that would hide them
    new, (rows, selected, line) = _import_watching(qtbot, window, [bib])
    assert len(new) == 4 and len(selected) == 1 and selected[0] in new
    assert rows == len(window.library.ids())
    assert line == "The 4 new papers are in the list; the first is selected."


def test_the_summary_line_counts() -> None:
    assert ImportShown(1, 1, 1).line() == "The new paper is selected in the list."
    assert ImportShown(0, 0, 0).line() == ""
    assert ImportShown(5, 0, 0).line().startswith("The list does not show the new papers")
    assert ImportShown(5, 2, 2).line() == "2 of the 5 new papers are selected in the list."


# ---------------------------------------------------------------- start-up


def test_the_window_shows_its_first_rows_then_the_rest_and_the_remembered_paper(
    qtbot: QtBot, seeded_library: Library, ui_settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readinglist.ui import paper_list

    total = len(seeded_library.ids())
    first = open_window(qtbot, seeded_library, ui_settings)
    deep = first.table_model.row_at(total - 2).id  # far down the list
    first.select_ids([deep])
    close_window(first)

    monkeypatch.setattr(paper_list, "FIRST_ROWS", 5)
    w = MainWindow(seeded_library, ui_settings)
    try:
        # before the first paint: the first rows, the whole count, nothing else selected
        assert w.table_model.rowCount() == 5
        assert w.match_label.text() == f"{total:,} papers"
        assert not w.list_ready()
        assert w.selected_ids() == []
        w.show()
        qtbot.waitExposed(w)
        wait_list(qtbot, w)
        assert w.table_model.rowCount() == total
        assert w.selected_ids() == [deep]
        assert w.detail.current_id() == deep
    finally:
        close_window(w)


def test_a_column_sort_reads_every_row_before_the_first_paint(
    qtbot: QtBot, seeded_library: Library, ui_settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readinglist.ui import paper_list

    first = open_window(qtbot, seeded_library, ui_settings)
    first.table.sortByColumn(Column.TITLE, Qt.SortOrder.AscendingOrder)
    close_window(first)
    monkeypatch.setattr(paper_list, "FIRST_ROWS", 5)
    w = MainWindow(seeded_library, ui_settings)
    try:  # the first rows by title need them all
        assert w.table_model.rowCount() == len(seeded_library.ids())
        assert w.list_ready()
        titles = [r.title.casefold() for r in w.table_model.rows()]
        assert titles == sorted(titles)
    finally:
        close_window(w)


def test_first_rows_are_the_listings_first_rows(seeded_library: Library) -> None:
    lib = seeded_library
    ids = lib.ids()
    lib.set_status(ids[:7], Status.READ)
    lib.add_tags(ids[3:12], ["x"])
    lib.add_tags(ids[5:20], ["y"])
    lib.trash(ids[-3:])
    for f in (
        Filter(),
        Filter(status=Status.READ),
        Filter(tags=("x", "y")),
        Filter(tags=("x",), status=Status.UNREAD),
        Filter(trashed=True),
        Filter(tags=("nothing",)),
    ):
        whole = lib.listing(f).rows
        for n in (1, 5, 500):
            first = lib.first_rows(f, n)
            assert first.rows == whole[:n], (f, n)
            assert first.total == len(whole), (f, n)


def test_the_sidebar_marks_stay_visible_on_a_selected_row(qtbot: QtBot, window: MainWindow) -> None:
    lib = window.library
    lib.add_tags(shown_ids(window)[:2], ["vision"])
    window.full_refresh()
    click_sidebar(qtbot, window, "tag:vision")
    view = window.sidebar
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    for key in ("tag:vision", "all"):  # selected, and not
        node = window.sidebar_model.find(key)
        assert node is not None
        rect = view.visualRect(window.sidebar_model.index_of(node))
        ground = image.pixelColor(int((rect.right() - 30) * ratio), int(rect.center().y() * ratio))
        x0, x1 = int(rect.left() * ratio), int((rect.left() + 22) * ratio)
        y0, y1 = int(rect.top() * ratio), int(rect.bottom() * ratio)
        assert _far_pixels(image, x0, x1, y0, y1, ground) >= 10, key


# ---------------------------------------------------------------- every match listed


def test_a_search_lists_every_match_after_its_best_hits(
    qtbot: QtBot, seeded_library: Library, ui_settings: QSettings
) -> None:
    """The list shows every match, not only the best SEARCH_LIMIT (issue 10): the best
    hits come first, then the rest, and the count no longer says "best"."""
    expected = seeded_library.listing(Filter(query="model"), limit=None, as_you_type=True)
    assert expected.total > 5, "the seed page has many papers about models"
    w = open_window(qtbot, seeded_library, ui_settings)
    try:
        w.papers.runner.first_limit = 5
        w.papers.search.set_query("model")
        qtbot.waitUntil(lambda: w.papers.query() == "model", timeout=5_000)
        qtbot.waitUntil(lambda: w.list_ready() and w.table_model.rowCount() > 5, timeout=10_000)
        wait_list(qtbot, w)
        assert w.table_model.rowCount() == expected.total
        assert {r.id for r in w.table_model.rows()} == {r.id for r in expected.rows}
        assert w.match_label.text().startswith(f"{expected.total:,} match")
        assert "best" not in w.match_label.text()
    finally:
        close_window(w)
