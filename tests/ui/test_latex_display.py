"""LaTeX from arXiv in the window: the list's title column and the paper pane show it
as text, search marks land on the shown words, and nothing stored changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from readinglist.domain import ExportFormat
from readinglist.library import Library
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.paper_table import Column, PaperTableModel
from tests.test_latex_display_library import ABSTRACT, ATOM, SHOWN_TITLE, TITLE
from tests.ui.helpers import click_row, close_window, open_window, wait_list

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]


def _import(lib: Library, tmp_path: Path) -> int:
    feed = tmp_path / "sparse.atom.xml"
    feed.write_text(ATOM, encoding="utf-8")
    (pid,) = lib.import_paths([feed]).added
    return pid


def test_the_pane_shows_the_text_and_marks_the_shown_words(
    tmp_path: Path, lib: Library, pane: DetailPane
) -> None:
    pid = _import(lib, tmp_path)
    pane.show_paper(pid, "speedup dense")
    assert pane.title_label.text() == SHOWN_TITLE
    text = pane.abstract_label.text()
    assert "118× <span" in text and ">speedup</span>" in text
    assert ">dense</span> attention" in text  # \emph{dense}: the word, marked
    assert "5% of the cost" in text and "\\" not in text and "$" not in text
    assert "https://github.com/example/sparse_alpha" in text
    # the links row has the address whole (\url{...} and \_ gone)
    assert "github.com/example/sparse_alpha" in pane.links_label.text()
    assert "\\" not in pane.links_label.text()
    paper = lib.get(pid)
    assert (paper.title, paper.abstract) == (TITLE, ABSTRACT)  # shown, never stored


def test_the_list_shows_the_title_as_text_and_keeps_plain_ones(
    qtbot: QtBot, tmp_path: Path, lib: Library
) -> None:
    pid = _import(lib, tmp_path)
    lib.import_text("@misc{p, title = {Plain 100% {Braced} Title}, year = 2020}", source="p.bib")
    model = PaperTableModel()
    ModelTester(qtbot).check(model)  # the model contract holds with converted titles
    model.set_rows(lib.listing().rows)
    titles = {
        model.index(row, 0).data(Qt.ItemDataRole.UserRole + 1): (
            model.index(row, Column.TITLE).data(Qt.ItemDataRole.DisplayRole),
            model.index(row, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole),
        )
        for row in range(model.rowCount())
    }
    assert titles[pid] == (SHOWN_TITLE, SHOWN_TITLE)
    assert "Plain 100% Braced Title" in {shown for shown, _ in titles.values()}


def test_in_the_window_a_search_for_the_shown_text_finds_and_shows_it(
    qtbot: QtBot, tmp_path: Path, lib: Library, ui_settings: QSettings
) -> None:
    pid = _import(lib, tmp_path)
    (other,) = lib.import_text("@misc{p, title = {Plain}, year = 2020}", source="p.bib").added
    before = lib.export(ExportFormat.BIBTEX)
    window = open_window(qtbot, lib, ui_settings)
    try:
        window.select_ids([other])  # the search then takes the shown paper away
        qtbot.waitUntil(lambda: window.detail.current_id() == other)
        window.search.set_query("Schrödinger")
        wait_list(qtbot, window)
        assert [r.id for r in window.table_model.rows()] == [pid]
        shown = window.table_model.index(0, Column.TITLE).data(Qt.ItemDataRole.DisplayRole)
        assert shown == SHOWN_TITLE
        click_row(qtbot, window, 0)
        qtbot.waitUntil(lambda: window.detail.current_id() == pid)
        assert window.detail.title_label.text() == SHOWN_TITLE
        assert ">Schrödinger</span> bridges" in window.detail.abstract_label.text()
    finally:
        close_window(window)
    assert lib.export(ExportFormat.BIBTEX) == before  # showing changed nothing stored
