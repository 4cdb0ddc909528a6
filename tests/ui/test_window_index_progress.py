"""The status bar shows an index rebuild's progress with numbers (issue 8.17).

The index folder is removed (as a crash or a damaged index would leave it), so the
window's background indexer rebuilds it from the database; the status bar is
sampled while it does.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot

from readinglist.domain import PaperDraft
from readinglist.library import INDEX_DIR, Library

from .helpers import close_window, open_window

PAPERS = 4100  # progress is told per batch of 2,000
SHOWN = re.compile(r"Rebuilding the search index: ([\d,]+) of ([\d,]+) papers")


def test_rebuild_progress_is_shown_with_numbers(
    qtbot: QtBot, tmp_path: Path, ui_settings: QSettings
) -> None:
    folder = tmp_path / "lib"
    lib = Library(folder)
    drafts = [PaperDraft(title=f"Heron study {n}") for n in range(PAPERS)]
    lib.import_drafts(drafts, source="test")
    lib.close(catch_up=False)
    # never indexed (or its index lost): the next open builds it from the database
    shutil.rmtree(folder / INDEX_DIR, ignore_errors=True)

    lib = Library(folder, background=True)
    window = open_window(qtbot, lib, ui_settings)
    seen: list[str] = []

    def sample() -> None:
        window.status.show_index_state()  # what the window's 1 s tick does, sampled faster
        text = window.status.index_label.text()
        if not seen or seen[-1] != text:
            seen.append(text)

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(sample)
    timer.start()
    try:
        qtbot.waitUntil(lambda: lib.index_status() is False, timeout=120_000)
        qtbot.waitUntil(lambda: window.status.index_label.text() == "", timeout=10_000)
        sample()  # the caught-up signal may have cleared it between two samples
    finally:
        timer.stop()
        close_window(window)
        lib.close(catch_up=False)
    numbers = [SHOWN.fullmatch(t) for t in seen]
    shown = [m for m in numbers if m is not None]
    assert shown, seen
    for m in shown:
        done, total = (int(g.replace(",", "")) for g in m.groups())
        assert total == PAPERS and 0 <= done <= total
    assert seen[-1] == ""  # gone once the index caught up
