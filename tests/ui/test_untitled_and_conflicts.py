"""Issue 9 in the window: an untitled paper shows "[untitled]" (never stored), and the
paper pane says how many fields the last import gave differently."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from readinglist.domain import PaperDraft
from readinglist.library import Library
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.dialogs import ImportSummaryDialog
from readinglist.ui.paper_table import Column, PaperTableModel

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]


def test_an_untitled_paper_shows_a_placeholder(lib: Library, pane: DetailPane) -> None:
    report = lib.import_text("@article{anon, author = {Knuth, Donald}, year = 1974}", source="u")
    (pid,) = report.added
    model = PaperTableModel()
    model.set_rows(lib.rows([pid]))
    title = model.index(0, Column.TITLE).data(Qt.ItemDataRole.DisplayRole)
    assert title == "[untitled]"
    pane.show_paper(pid)
    assert pane.title_label.text() == "[untitled]"
    assert lib.get(pid).title == ""  # only shown, never stored


def test_the_pane_says_how_many_fields_differ_from_the_last_import(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first = lib.import_text(
        "@article{lee2020, title = {Deep Nets}, author = {Lee, K.}, year = 2020, journal = {JMLR}}",
        source="a.bib",
    )
    (pid,) = first.added
    pane.show_paper(pid)
    assert not pane.conflicts_label.isVisible()
    lib.import_text(
        "@article{lee2020, title = {Deep nets}, author = {Lee, K.}, year = 2021,"
        " journal = {NeurIPS <b>x</b>}}",
        source="b.bib",
    )
    pane.show_paper(pid)
    assert pane.conflicts_label.isVisible()
    assert pane.conflicts_label.text() == "2 fields differ from the last import — review"
    assert "venue: NeurIPS &lt;b&gt;x&lt;/b&gt;" in pane.conflicts_label.toolTip()
    assert "year: 2021" in pane.conflicts_label.toolTip()
    # copying the key from the pane marks it used: no import may change it any more
    assert lib.get(pid).key_used_at is None
    qtbot.mouseClick(pane.copy_key_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "lee2020"
    assert lib.get(pid).key_used_at is not None


def test_the_import_summary_dialog_says_what_a_duplicate_completed(
    qtbot: QtBot, lib: Library
) -> None:
    lib.import_drafts([PaperDraft(title="Deep Nets", entry_type="misc")], source="page")
    report = lib.import_text(
        "@inproceedings{lee2020, title = {Deep nets}, author = {Lee, K.}, year = 2020}",
        source="b.bib",
    )
    dialog = ImportSummaryDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.merges.isVisible()
    text = dialog.merges.text()
    assert text.startswith("completed 1 paper from a duplicate: authors, year, type, key")
    assert "[lee2020] Deep Nets" in text
    quiet = ImportSummaryDialog(lib.import_text("@misc{y, title = {New}}", source="c.bib"))
    qtbot.addWidget(quiet)
    quiet.show()
    assert not quiet.merges.isVisible()
