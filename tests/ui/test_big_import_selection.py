"""A big import selects only its first new paper (a huge selection stalls Qt's first
paint); a small one selects them all. The cap is lowered here so the test stays small."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from readinglist.library import Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.ops import imports

from .helpers import close_window, open_window, wait_list, wait_tasks

BIB = "".join(
    f"@article{{k{n},\n  title = {{Paper number {n} on sparse attention}},\n"
    f"  author = {{Author, A{n}}},\n  year = {{20{10 + n}}},\n}}\n\n"
    for n in range(5)
)


@pytest.fixture
def window(qtbot: QtBot, seeded_library: Library, ui_settings: QSettings) -> Iterator[MainWindow]:
    w = open_window(qtbot, seeded_library, ui_settings)
    yield w
    close_window(w)


def _import(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> list[int]:
    bib = tmp_path / "five.bib"
    bib.write_text(BIB, encoding="utf-8")
    before = set(window.library.ids())
    window.import_files([bib])
    wait_tasks(qtbot, window)
    wait_list(qtbot, window)
    if window.last_dialog is not None:
        window.last_dialog.close()
    new = [i for i in window.library.ids() if i not in before]
    assert len(new) == 5
    return new


def test_a_big_import_selects_its_first_paper_only(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "SELECT_IMPORTED_MAX", 3)
    new = _import(qtbot, window, tmp_path)
    assert len(window.selected_ids()) == 1
    assert window.selected_ids()[0] in new
    assert window.detail.current_id() == window.selected_ids()[0]
    assert all(window.table_model.row_of(i) is not None for i in new)  # all listed


def test_a_small_import_selects_every_new_paper(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    new = _import(qtbot, window, tmp_path)
    assert sorted(window.selected_ids()) == sorted(new)
