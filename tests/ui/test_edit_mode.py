"""The paper pane's Edit mode (issue 9), driven with pytest-qt on the real window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from readinglist.domain import PaperDraft, Person
from readinglist.library import Library
from readinglist.ui.dialogs import SHORTCUTS
from readinglist.ui.main_window import MainWindow

from .helpers import click_row, close_window, open_window, shown_ids, wait_list

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "lib")
    lib.import_drafts(
        [
            PaperDraft(
                title="MaskGIT: Masked Generative Image Transformer",
                abstract="Generative transformers for images.",
                entry_type="misc",
            ),
            PaperDraft(
                title="Attention Is All You Need",
                authors=(Person("Vaswani", "Ashish"),),
                year=2017,
                source_key="vaswani2017",
            ),
        ],
        source="test",
    )
    yield lib
    lib.close()


@pytest.fixture
def window(qtbot: QtBot, library: Library, ui_settings: QSettings) -> Iterator[MainWindow]:
    w = open_window(qtbot, library, ui_settings)
    yield w
    close_window(w)


def _show(qtbot: QtBot, window: MainWindow, title: str) -> int:
    row = next(
        r
        for r in range(window.table_model.rowCount())
        if window.table_model.row_at(r).title == title
    )
    click_row(qtbot, window, row)
    pid = window.detail.current_id()
    assert pid == window.table_model.row_at(row).id
    return pid


def _row(window: MainWindow, pid: int) -> tuple[str, int | None, str]:
    r = window.table_model.row_at(window.table_model.row_of(pid))  # type: ignore[arg-type]
    return r.title, r.year, r.authors


def test_f2_edit_validate_cancel_save_undo_search(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    pid = _show(qtbot, window, "MaskGIT: Masked Generative Image Transformer")
    before = library.get(pid)
    form = window.detail.edit_form

    QTest.keyClick(window.table, Qt.Key.Key_F2)
    assert window.detail.editing() and form.isVisible()
    assert form.title_edit.text() == before.title and form.type_combo.currentText() == "misc"
    assert form.save_button.isEnabled()

    # an invalid DOI: a red message under the field, Save disabled
    qtbot.keyClicks(form.doi_edit, "12345/abc")
    assert form.errors["doi"].isVisible() and "is not a DOI" in form.errors["doi"].text()
    assert not form.save_button.isEnabled()
    QTest.keyClick(form.doi_edit, Qt.Key.Key_Return, CTRL)  # Ctrl+Return cannot save it
    assert window.detail.editing() and library.get(pid) == before
    form.doi_edit.clear()
    assert not form.errors["doi"].isVisible() and form.save_button.isEnabled()
    # a key another paper has, in another case
    form.key_edit.setText("VASWANI2017")
    assert "is taken by paper" in form.errors["citation_key"].text()
    assert not form.save_button.isEnabled()

    # Esc cancels: nothing changed
    QTest.keyClick(form.key_edit, Qt.Key.Key_Escape)
    assert not window.detail.editing()
    assert library.get(pid) == before
    assert window.undo_stack.count() == 0

    # edit several fields, Save: the database, the list row and the pane follow
    QTest.keyClick(window.table, Qt.Key.Key_F2)
    assert form.key_edit.text() == before.citation_key  # refilled from the library
    form.title_edit.selectAll()
    qtbot.keyClicks(form.title_edit, "Zebrafish Transformers")
    form.year_edit.setFocus()
    qtbot.keyClicks(form.year_edit, "2022")
    form.authors_edit.setPlainText("Chang, Huiwen\nHan Zhang\n{Google Research}")
    form.type_combo.setCurrentText("inproceedings")
    form.venue_edit.setText("CVPR")
    form.key_edit.setText("chang2022maskgit")
    form.pin_check.setChecked(True)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not window.detail.editing()
    after = library.get(pid)
    assert (after.title, after.year, after.venue, after.entry_type) == (
        "Zebrafish Transformers",
        2022,
        "CVPR",
        "inproceedings",
    )
    assert after.authors == (
        Person("Chang", "Huiwen"),
        Person("Zhang", "Han"),
        Person("Google Research"),
    )
    assert (after.citation_key, after.key_origin, after.key_pinned) == (
        "chang2022maskgit",
        "user",
        True,
    )
    assert after.abstract == before.abstract  # not touched
    assert _row(window, pid) == ("Zebrafish Transformers", 2022, "Chang, Zhang et al.")
    assert window.detail.title_label.text() == "Zebrafish Transformers"
    assert window.detail.key_label.text() == "chang2022maskgit"
    assert window.undo_stack.count() == 1  # ONE undoable step

    # the search index follows
    window.search.set_query("zebrafish")
    qtbot.waitUntil(lambda: window.list_ready() and shown_ids(window) == [pid], timeout=10_000)
    window.search.set_query("")
    wait_list(qtbot, window)

    # Ctrl+Z restores every edited field at once
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    assert library.get(pid) == before
    assert _row(window, pid) == (before.title, None, "")
    assert window.detail.title_label.text() == before.title
    window.search.set_query("zebrafish")
    qtbot.waitUntil(lambda: window.list_ready() and shown_ids(window) == [], timeout=10_000)


def test_a_year_that_is_no_number_and_clearing_a_field(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    pid = _show(qtbot, window, "Attention Is All You Need")
    window.acts.edit_paper.trigger()
    form = window.detail.edit_form
    form.year_edit.setText("20x7")
    assert "a year is a number" in form.errors["year"].text() and not form.save_button.isEnabled()
    form.year_edit.setText("999")
    assert "between 1000 and" in form.errors["year"].text()
    form.year_edit.setText("")  # removes the year
    form.authors_edit.setPlainText("Ashish Vaswani\nNoam Shazeer")
    QTest.keyClick(form.authors_edit, Qt.Key.Key_Return, CTRL)
    assert not window.detail.editing()
    d = library.get(pid)
    assert d.year is None and [a.family for a in d.authors] == ["Vaswani", "Shazeer"]
    assert d.citation_key == "vaswani2017" and d.key_origin == "file"  # key untouched
    assert window.undo_stack.undoText() == "Edit authors, year"


def test_f2_is_in_the_shortcuts_list_and_switching_paper_saves_what_is_right(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    assert any(keys == "F2" for keys, _ in SHORTCUTS)
    assert window.acts.edit_paper.shortcut().toString() == "F2"
    first = _show(qtbot, window, "Attention Is All You Need")
    QTest.keyClick(window.table, Qt.Key.Key_F2)
    window.detail.edit_form.title_edit.setText("Attention, saved by switching")
    other = _show(qtbot, window, "MaskGIT: Masked Generative Image Transformer")
    assert not window.detail.editing() and window.detail.current_id() == other
    assert library.get(first).title == "Attention, saved by switching"  # like the notes
    assert window.undo_stack.count() == 1
    assert not window.detail.error_label.isVisible()

    # what is wrong is not saved, and the pane says so
    QTest.keyClick(window.table, Qt.Key.Key_F2)
    window.detail.edit_form.title_edit.setText("Not saved")
    window.detail.edit_form.doi_edit.setText("not a doi")
    _show(qtbot, window, "Attention, saved by switching")
    assert library.get(other).title.startswith("MaskGIT")
    assert window.undo_stack.count() == 1
    assert window.detail.error_label.isVisible()
    assert f"edit of paper {other} was not saved" in window.detail.error_label.text()
    assert "is not a DOI" in window.detail.error_label.text()
    assert "Not saved" not in [r.title for r in window.table_model.rows()]


def test_saving_decides_the_fields_the_last_import_disputed(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    pid = _show(qtbot, window, "Attention Is All You Need")
    report = library.import_drafts(
        [PaperDraft(title="Attention Is All You Need", year=2018, venue="NeurIPS")],
        source="again",
    )
    window.ctx.changed(report.changes)
    before = library.get(pid)
    assert set(before.conflicts) == {"year"}
    assert window.detail.conflicts_label.isVisible()
    QTest.keyClick(window.table, Qt.Key.Key_F2)
    form = window.detail.edit_form
    hint = form.import_hints["year"]
    assert hint.isVisible() and "The last import said: 2018" in hint.text()
    assert not form.import_hints["title"].isVisible()
    form.venue_edit.setText("NIPS")  # venue was filled by the import; the user fixes it
    QTest.keyClick(form.venue_edit, Qt.Key.Key_Return, CTRL)
    after = library.get(pid)
    assert (after.year, after.venue, after.conflicts) == (2017, "NIPS", {})
    assert not window.detail.conflicts_label.isVisible()
    QTest.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    assert library.get(pid) == before  # the note is back with the venue
    assert window.detail.conflicts_label.isVisible()


def test_the_pane_edit_button_opens_the_form(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    _show(qtbot, window, "Attention Is All You Need")
    qtbot.mouseClick(window.detail.edit_button, Qt.MouseButton.LeftButton)
    assert window.detail.editing()
    qtbot.mouseClick(window.detail.edit_form.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.detail.editing() and window.undo_stack.count() == 0


def test_closing_the_window_saves_a_right_edit(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    pid = _show(qtbot, window, "Attention Is All You Need")
    QTest.keyClick(window.table, Qt.Key.Key_F2)
    window.detail.edit_form.venue_edit.setText("NeurIPS 2017")
    window.close()
    assert library.get(pid).venue == "NeurIPS 2017"
