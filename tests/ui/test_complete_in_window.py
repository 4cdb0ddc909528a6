"""'Complete from arXiv / DOI' in the real window, against the local stand-in services.

The services are tests/lookup's real HTTP server on 127.0.0.1 (recorded answers),
named through the environment variables a user would set. The completion runs on
the window's worker; the tests wait for it through the event loop, so a window that
blocked would not get its progress bar shown or its Cancel clicked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from readinglist.domain import PaperDraft
from readinglist.library import Library
from readinglist.ui.complete_dialog import NONE_OF_THESE, CompletionDialog
from readinglist.ui.main_window import MainWindow
from readinglist.ui.ops import complete
from tests.lookup.conftest import fake  # noqa: F401  (the fixture)
from tests.lookup.server import FakeServices

from .helpers import WAIT_MS, close_window, open_window, wait_tasks

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MUSE = "Muse: Text-To-Image Generation via Masked Generative Transformers"


@pytest.fixture
def services_env(fake: FakeServices, monkeypatch: pytest.MonkeyPatch) -> FakeServices:  # noqa: F811
    monkeypatch.setenv("READINGLIST_ARXIV_API", fake.arxiv_api)
    monkeypatch.setenv("READINGLIST_DOI_RESOLVER", fake.doi_resolver)
    monkeypatch.setenv("READINGLIST_LOOKUP_INTERVAL_S", "0")
    return fake


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "lib")
    yield lib
    lib.close()


def _add(lib: Library, *drafts: PaperDraft) -> list[int]:
    return list(lib.import_drafts(drafts, source="test").added)


def _window(qtbot: QtBot, lib: Library, ui_settings: QSettings, ids: list[int]) -> MainWindow:
    window = open_window(qtbot, lib, ui_settings)
    window.select_ids(ids)
    return window


def _dialog(qtbot: QtBot, window: MainWindow) -> CompletionDialog:
    qtbot.waitUntil(lambda: isinstance(window.last_dialog, CompletionDialog), timeout=WAIT_MS)
    assert isinstance(window.last_dialog, CompletionDialog)
    return window.last_dialog


def test_complete_fills_the_selection_and_a_picked_candidate_completes_again(
    qtbot: QtBot, library: Library, ui_settings: QSettings, services_env: FakeServices
) -> None:
    ids = _add(
        library,
        PaperDraft(title="MaskGIT", arxiv_id="2202.04200", entry_type="misc"),
        PaperDraft(title=MUSE, entry_type="misc"),  # exact title: a sure match
        PaperDraft(title="An amazing title", entry_type="misc"),  # two arXiv papers carry it
    )
    window = _window(qtbot, library, ui_settings, ids)
    try:
        assert window.acts.complete.isEnabled()
        assert window.acts.complete.shortcut().toString() == "Ctrl+Shift+L"
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
        window.table.setFocus()
        QTest.keyClick(window.table, Qt.Key.Key_L, CTRL | SHIFT)
        dialog = _dialog(qtbot, window)
        wait_tasks(qtbot, window)

        maskgit, muse, amazing = library.details(ids)
        assert [a.family for a in maskgit.authors][:2] == ["Chang", "Zhang"]
        assert muse.arxiv_id == "2301.00704" and muse.year == 2023
        assert amazing.authors == () and amazing.arxiv_id == ""  # nothing guessed
        # the list rows follow the returned Changes
        row = window.table_model.row_at(window.table_model.row_of(ids[0]))  # type: ignore[arg-type]
        assert row.authors.startswith("Chang") and row.year == 2022
        summary = dialog.summary.text()
        assert "completed" in summary and "similar titles" in summary
        # the paper whose title differs from arXiv's is named by its title, kept as typed
        assert "kept fields the service gives differently" in summary and "“MaskGIT”" in summary
        assert maskgit.title == "MaskGIT"
        assert "Completed 2 papers" in window.statusBar().currentMessage()

        # the candidates of the unsure title, "None of these" first
        assert set(dialog.choices) == {ids[2]}
        combo = dialog.choices[ids[2]]
        assert combo.itemText(0) == NONE_OF_THESE
        assert [combo.itemData(i) for i in range(1, combo.count())] == ["2403.01111", "2405.02222"]
        combo.setCurrentIndex(1)
        asked = len(services_env.requests_to("/api/query"))
        dialog.accept()
        qtbot.waitUntil(
            lambda: (
                isinstance(window.last_dialog, CompletionDialog)
                and window.last_dialog is not dialog
            ),
            timeout=WAIT_MS,
        )
        second = _dialog(qtbot, window)
        wait_tasks(qtbot, window)
        last = services_env.requests_to("/api/query")[asked:]
        assert [r.query.get("id_list") for r in last] == ["2403.01111"]
        amazing = library.get(ids[2])
        assert amazing.arxiv_id == "2403.01111" and amazing.authors != ()
        assert not second.choices
        assert {d.id for d, _ in library.search(amazing.authors[0].family)} >= {ids[2]}
    finally:
        close_window(window)


def test_none_of_these_changes_nothing(
    qtbot: QtBot, library: Library, ui_settings: QSettings, services_env: FakeServices
) -> None:
    ids = _add(library, PaperDraft(title="An amazing title", entry_type="misc"))
    window = _window(qtbot, library, ui_settings, ids)
    try:
        window.acts.complete.trigger()
        dialog = _dialog(qtbot, window)
        wait_tasks(qtbot, window)
        asked = len(services_env.seen)
        dialog.accept()  # every combo left at "None of these"
        qtbot.wait(200)
        assert not window.tasks.busy and len(services_env.seen) == asked
        assert library.get(ids[0]).arxiv_id == ""
    finally:
        close_window(window)


def test_progress_and_cancel_keep_what_arrived(
    qtbot: QtBot,
    library: Library,
    ui_settings: QSettings,
    fake: FakeServices,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READINGLIST_ARXIV_API", fake.arxiv_api)
    monkeypatch.setenv("READINGLIST_DOI_RESOLVER", fake.doi_resolver)
    # the second request (the title search) would wait ten minutes for arXiv's spacing
    monkeypatch.setenv("READINGLIST_LOOKUP_INTERVAL_S", "600")
    ids = _add(library, PaperDraft(title="Muse", arxiv_id="2301.00704"), PaperDraft(title="X"))
    window = _window(qtbot, library, ui_settings, ids)
    try:
        window.run(complete.complete_selection(window.ctx))
        qtbot.waitUntil(lambda: bool(fake.seen), timeout=WAIT_MS)
        # the window is live meanwhile: its progress bar and Cancel are up
        qtbot.waitUntil(lambda: window.status.progress.isVisible(), timeout=WAIT_MS)
        assert window.status.cancel_button.isVisible()
        assert "Completing 2 papers" in window.status.task_label.text()
        assert not window.acts.complete.isEnabled()  # one completion at a time
        qtbot.mouseClick(window.status.cancel_button, Qt.MouseButton.LeftButton)
        dialog = _dialog(qtbot, window)
        wait_tasks(qtbot, window)
        assert "stopped early" in dialog.summary.text()
        assert len(fake.seen) == 1
        muse = library.get(ids[0])
        assert muse.year == 2023 and muse.authors  # the answer received is applied
        assert not window.status.progress.isVisible()
    finally:
        close_window(window)


def test_offline_and_service_errors_are_said_plainly(
    qtbot: QtBot,
    library: Library,
    ui_settings: QSettings,
    fake: FakeServices,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READINGLIST_ARXIV_API", "http://127.0.0.1:9/api/query")  # nobody there
    monkeypatch.setenv("READINGLIST_DOI_RESOLVER", fake.doi_resolver)
    monkeypatch.setenv("READINGLIST_LOOKUP_INTERVAL_S", "0")
    fake.fault["doi"] = "status:503"
    ids = _add(
        library,
        PaperDraft(title="Muse", arxiv_id="2301.00704"),
        PaperDraft(title="Paper with a DOI", doi="10.1234/abcd"),
    )
    window = _window(qtbot, library, ui_settings, ids)
    try:
        window.acts.complete.trigger()
        dialog = _dialog(qtbot, window)
        wait_tasks(qtbot, window)
        problems = dialog.problems.text()
        assert dialog.problems.isVisibleTo(dialog)
        assert "cannot reach 127.0.0.1" in problems
        assert "503" in problems
        assert "Traceback" not in problems
        assert "cannot reach" in window.statusBar().currentMessage()
        assert library.get(ids[0]).authors == ()
    finally:
        close_window(window)
