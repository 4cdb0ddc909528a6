"""Import and export through the same code paths the dialogs use (dialogs bypassed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from readinglist.domain import ExportFormat, Filter, Status
from readinglist.library import Library
from readinglist.ui.dialogs import ExportScope, ImportSummaryDialog
from readinglist.ui.main_window import MainWindow
from readinglist.ui.ops import exports, imports

from .helpers import click_sidebar, close_window, open_window, shown_ids, wait_tasks

BIB = """\
@article{vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam},
  year = {2017},
  journal = {NeurIPS},
}

@article{broken,
  title = {This record never closes its braces,
  author = {Nobody, A.},

@inproceedings{ho2020,
  title = {Denoising Diffusion Probabilistic Models},
  author = {Ho, Jonathan and Jain, Ajay and Abbeel, Pieter},
  year = {2020},
  booktitle = {NeurIPS},
}
"""


@pytest.fixture
def window(qtbot: QtBot, seeded_library: Library, ui_settings: QSettings) -> Iterator[MainWindow]:
    w = open_window(qtbot, seeded_library, ui_settings)
    yield w
    close_window(w)


def test_import_shows_summary_with_problems_and_selects_new_papers(
    qtbot: QtBot, window: MainWindow, seeded_library: Library, tmp_path: Path
) -> None:
    before = seeded_library.counts().total
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    click_sidebar(qtbot, window, "status:read")  # a view that would hide new papers
    window.import_files([bib])
    wait_tasks(qtbot, window)
    added = seeded_library.counts().total - before
    assert added >= 2
    dialog = window.last_dialog
    assert isinstance(dialog, ImportSummaryDialog) and dialog.isVisible()
    assert dialog.problems.rowCount() >= 1
    assert dialog.problems.item(0, 0).text() == "refs.bib"
    assert dialog.problems.item(0, 1).text().isdigit()  # the line of the bad record
    dialog.close()
    # the window switched to All and selected exactly the new papers
    assert window.sidebar.selected_keys() == ["all"]
    titles = {r.title for r in window.selected_rows()}
    assert {"Attention Is All You Need", "Denoising Diffusion Probabilistic Models"} <= titles
    assert len(window.selected_ids()) == added
    assert window.sidebar_model.find("all").count == before + added  # type: ignore[union-attr]


def test_reimport_reports_duplicates(
    qtbot: QtBot, window: MainWindow, seeded_library: Library, seed_page: Path
) -> None:
    before = seeded_library.counts().total
    window.import_files([seed_page])
    wait_tasks(qtbot, window)
    assert seeded_library.counts().total == before
    dialog = window.last_dialog
    assert isinstance(dialog, ImportSummaryDialog)
    assert "duplicate" in dialog.findChildren(type(window.match_label))[0].text()
    dialog.close()


def test_unknown_format_is_a_clear_message(qtbot: QtBot, window: MainWindow) -> None:
    window.run(
        imports.import_text(
            window.ctx, "just some words\x00\x01 that are no reference format at all"
        )
    )
    wait_tasks(qtbot, window)
    box = window.last_dialog
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "Could not import"
    box.close()


def test_cancelled_import_leaves_the_library_unchanged(
    qtbot: QtBot, window: MainWindow, seeded_library: Library, tmp_path: Path
) -> None:
    before = seeded_library.ids(Filter())
    big = tmp_path / "big.bib"
    big.write_text(
        "\n".join(
            f"@article{{k{i},\n  title = {{Paper number {i} on cancelling}},\n"
            f"  author = {{Author, A{i}}},\n  year = {{2020}},\n}}\n"
            for i in range(3000)
        ),
        encoding="utf-8",
    )
    window.import_files([big])
    assert window.status.cancel_button.isVisible()
    qtbot.mouseClick(window.status.cancel_button, Qt.MouseButton.LeftButton)
    wait_tasks(qtbot, window)
    assert seeded_library.ids(Filter()) == before
    assert "cancelled" in window.statusBar().currentMessage()
    assert not window.status.cancel_button.isVisible()


def test_export_selection_and_reread(
    qtbot: QtBot, window: MainWindow, seeded_library: Library, tmp_path: Path
) -> None:
    ids = shown_ids(window)[:3]
    window.select_ids(ids)
    out = tmp_path / "out.bib"
    window.run(exports.export_to(window.ctx, out, ExportFormat.BIBTEX, ExportScope.SELECTION))
    wait_tasks(qtbot, window)
    assert out.exists()
    with Library(tmp_path / "reread") as other:
        report = other.import_paths([out])
        assert len(report.added) == 3
        titles = {d.title for d in other.details(list(report.added))}
    assert titles == {d.title for d in seeded_library.details(ids)}
    assert str(out) in window.statusBar().currentMessage()


def test_export_current_filter_and_everything(
    qtbot: QtBot, window: MainWindow, seeded_library: Library, tmp_path: Path
) -> None:
    ids = shown_ids(window)
    seeded_library.set_status(ids[:2], Status.READ)
    window.full_refresh()
    click_sidebar(qtbot, window, "status:read")
    view = tmp_path / "view.json"
    window.run(exports.export_to(window.ctx, view, ExportFormat.CSLJSON, ExportScope.FILTER))
    wait_tasks(qtbot, window)
    import json

    assert len(json.loads(view.read_text("utf-8"))) == 2
    everything = tmp_path / "all.md"
    window.run(
        exports.export_to(window.ctx, everything, ExportFormat.MARKDOWN, ExportScope.EVERYTHING)
    )
    wait_tasks(qtbot, window)
    text = everything.read_text("utf-8")
    assert all(d.title in text for d in seeded_library.details(ids[:5]))


def test_copy_bibtex_of_the_selection(qtbot: QtBot, window: MainWindow) -> None:
    window.select_ids(shown_ids(window)[:2])
    window.table.setFocus()
    QTest.keyClick(
        window.table,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    text = QGuiApplication.clipboard().text()
    assert text.count("@") == 2
    for row in window.selected_rows():
        assert row.title.split(":")[0] in text


def test_import_from_clipboard(qtbot: QtBot, window: MainWindow, seeded_library: Library) -> None:
    QGuiApplication.clipboard().setText(BIB)
    before = seeded_library.counts().total
    window.run(imports.import_clipboard(window.ctx))
    wait_tasks(qtbot, window)
    assert seeded_library.counts().total >= before + 2
    window.last_dialog.close()  # type: ignore[union-attr]
