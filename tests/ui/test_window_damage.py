"""Damage met while the window runs (issue 8.12/8.13): one clear message offering the
newest sound backup, never the crash handler.

The library is seeded and closed (a day's backup made, everything in the main
file), opened in a real window, then pages of its papers table are overwritten
with random bytes as a failing disk would; the next write reaches them.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from readinglist.domain import PaperDraft, Status
from readinglist.library import BACKUP_DIR, DB_NAME, Library
from readinglist.ui.main_window import MainWindow
from readinglist.ui.ops import edits

from .helpers import WAIT_MS, close_window, open_window

PAPERS = 400


def _leaf_pages(db: Path) -> tuple[list[int], int]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT pageno FROM dbstat WHERE name = 'papers' AND pagetype = 'leaf' ORDER BY pageno"
        ).fetchall()
        size = con.execute("PRAGMA page_size").fetchone()[0]
    finally:
        con.close()
    return [r[0] for r in rows], int(size)


def _scribble(db: Path) -> None:
    pages, size = _leaf_pages(db)
    assert len(pages) > 4
    rng = random.Random(8)
    with db.open("r+b") as fh:
        for page in pages[1:-1]:  # every leaf but the first and last
            fh.seek((page - 1) * size)
            fh.write(rng.randbytes(size))


@pytest.fixture
def crashes(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """What would have reached the crash handler."""
    seen: list[BaseException] = []

    def hook(t: type[BaseException], e: BaseException, tb: TracebackType | None) -> None:
        seen.append(e)

    monkeypatch.setattr(sys, "excepthook", hook)
    return seen


def _seed(folder: Path, with_backup: bool) -> None:
    with Library(folder) as lib:
        drafts = [
            PaperDraft(title=f"Heron paper {n}", abstract="Birds and their ways. " * 30)
            for n in range(PAPERS)
        ]
        lib.import_drafts(drafts, source="test")
    if with_backup:
        Library(folder).close()  # the day's backup


@pytest.fixture
def window_on_damage(
    qtbot: QtBot,
    tmp_path: Path,
    ui_settings: QSettings,
    request: pytest.FixtureRequest,
    crashes: list[BaseException],
) -> Iterator[tuple[MainWindow, Library]]:
    folder = tmp_path / "lib"
    _seed(folder, with_backup=request.param)
    lib = Library(folder, background=True)
    if not request.param:  # no backup at all: not even the one this open makes
        if lib.daily_backup is not None:
            lib.daily_backup.join()
        for b in (folder / BACKUP_DIR).glob("*"):
            b.unlink()
    window = open_window(qtbot, lib, ui_settings)
    _scribble(folder / DB_NAME)
    yield window, lib
    close_window(window)
    lib.close(catch_up=False)


def _damage_box(qtbot: QtBot, window: MainWindow) -> QMessageBox:
    qtbot.waitUntil(lambda: isinstance(window.last_dialog, QMessageBox), timeout=WAIT_MS)
    box = window.last_dialog
    assert isinstance(box, QMessageBox)
    return box


@pytest.mark.parametrize("window_on_damage", [True], indirect=True)
def test_damage_met_by_a_write_offers_the_backup_and_restore_reloads(
    qtbot: QtBot, window_on_damage: tuple[MainWindow, Library], crashes: list[BaseException]
) -> None:
    window, lib = window_on_damage
    every = list(window.table_model.ids())
    window.table.selectAll()
    window.acts.toggle_read.trigger()  # reaches the scribbled pages
    box = _damage_box(qtbot, window)
    assert box.text() == "The library's database is damaged."
    assert "Restore the newest sound backup" in box.informativeText()
    assert f"({PAPERS} papers)" in box.informativeText()
    # a second failure meanwhile does not stack a second message
    window.acts.toggle_reading.trigger()
    assert window.last_dialog is box
    assert crashes == []

    restore = next(b for b in box.buttons() if b.text() == "Restore")
    restore.click()
    qtbot.waitUntil(
        lambda: "Restored the backup" in window.statusBar().currentMessage(), timeout=WAIT_MS
    )
    assert Library.check(lib.folder).ok
    assert len(lib.listing().rows) == PAPERS  # readable again, every paper there
    assert window.table_model.rowCount() == PAPERS
    window.run(edits.set_status(window.ctx, every[:1], Status.READ))  # and writable
    assert lib.get(every[0]).status == Status.READ
    # the index follows the restored database
    qtbot.waitUntil(lambda: lib.index_status() is False, timeout=60_000)
    assert len(lib.search("heron", limit=PAPERS + 10)) == PAPERS
    assert crashes == []


@pytest.mark.parametrize("window_on_damage", [True], indirect=True)
def test_damage_met_by_the_listing_thread_is_told_on_the_ui_thread(
    qtbot: QtBot, window_on_damage: tuple[MainWindow, Library], crashes: list[BaseException]
) -> None:
    window, _lib = window_on_damage
    window.search.set_query("")
    window.sidebar.select_keys(["trash"])  # a new listing, read on the listing thread
    window.sidebar.select_keys(["all"])
    box = _damage_box(qtbot, window)
    assert box.text() == "The library's database is damaged."
    assert box.thread() is window.thread()
    assert crashes == []


@pytest.mark.parametrize("window_on_damage", [False], indirect=True)
def test_damage_without_a_backup_is_told_and_nothing_changed(
    qtbot: QtBot, window_on_damage: tuple[MainWindow, Library], crashes: list[BaseException]
) -> None:
    window, lib = window_on_damage
    db = lib.folder / DB_NAME
    before = db.read_bytes()
    window.table.selectAll()
    window.acts.toggle_read.trigger()
    box = _damage_box(qtbot, window)
    assert box.text() == "The library's database is damaged."
    assert "No sound backup was found" in box.informativeText()
    assert [b.text() for b in box.buttons()] == ["Close"]
    assert crashes == []
    box.buttons()[0].click()
    assert db.read_bytes() == before  # the damaged file is left as it was
