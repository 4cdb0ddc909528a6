"""Notes through the whole window: typed, switched away from, saved; rendered safely."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot

from readinglist.library import Library
from readinglist.notes import RENDER_LIMIT, render_note
from readinglist.ui import notes_editor
from readinglist.ui.main_window import MainWindow
from readinglist.ui.note_render_child import render_child
from tests.test_notes import HOSTILE

from .helpers import click_row, close_window, open_window, shown_ids


@pytest.fixture
def window(qtbot: QtBot, seeded_library: Library, ui_settings: QSettings) -> Iterator[MainWindow]:
    w = open_window(qtbot, seeded_library, ui_settings)
    yield w
    close_window(w)


def test_a_note_typed_then_switched_away_from_is_saved(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    click_row(qtbot, window, 0)
    first = window.selected_ids()[0]
    assert window.detail.current_id() == first
    notes = window.detail.notes
    notes.show_source()
    notes.editor.setFocus()
    qtbot.keyClicks(notes.editor, "Read section 3 *again*")
    click_row(qtbot, window, 1)  # switching papers saves at once
    assert window.detail.current_id() == shown_ids(window)[1]
    assert seeded_library.get(first).note == "Read section 3 *again*"


def test_a_note_is_saved_when_the_window_closes(
    qtbot: QtBot, seeded_library: Library, ui_settings: QSettings
) -> None:
    w = open_window(qtbot, seeded_library, ui_settings)
    click_row(qtbot, w, 2)
    pid = w.selected_ids()[0]
    w.detail.notes.show_source()
    qtbot.keyClicks(w.detail.notes.editor, "closing note")
    close_window(w)
    assert seeded_library.get(pid).note == "closing note"


def test_script_and_remote_image_in_a_note_do_nothing(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    pid = shown_ids(window)[0]
    seeded_library.set_note(pid, "<script>alert(1)</script>\n\n![x](http://example.com/a.png)\n")
    window.select_ids([pid])
    with qtbot.waitSignal(window.detail.notes.previewShown, timeout=10_000):
        window.detail.notes.show_preview()
    # what the preview was given (Qt's own toHtml would drop a script tag anyway)
    rendered = render_note(seeded_library.get(pid).note)
    assert "<script" not in rendered.lower()
    assert "<img" not in rendered.lower()
    html = window.detail.notes.preview.toHtml()
    assert "example.com/a.png" not in html or "<img" not in html
    # the preview fetches nothing: every resource request is refused
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    refused = window.detail.notes.preview.loadResource(
        int(QTextDocument.ResourceType.ImageResource), QUrl("http://example.com/a.png")
    )
    assert refused is None or getattr(refused, "isNull", lambda: False)()


class StallMeter:
    """The longest the event loop went without running a 5 ms timer: the window's
    worst freeze while it was on."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def __enter__(self) -> StallMeter:
        self._last = time.monotonic()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._tick()  # a freeze right before the end counts too
        self._timer.stop()


@pytest.mark.parametrize(
    "name", ["5,000 [", "20 KB [", "5 MB text", "list nested 300", "quote nested 300", "backticks"]
)
def test_previewing_a_hostile_note_keeps_the_window_responsive(
    qtbot: QtBot, window: MainWindow, seeded_library: Library, name: str
) -> None:
    text = HOSTILE[name]
    first, second = shown_ids(window)[:2]
    seeded_library.set_note(second, text)
    window.select_ids([first])
    notes = window.detail.notes
    with qtbot.waitSignal(notes.previewShown, timeout=10_000):
        notes.show_preview()
    with StallMeter() as meter:
        # switch, in the preview, to the hostile note: it loads, then renders
        with qtbot.waitSignal(notes.previewShown, timeout=20_000):
            window.select_ids([second])
        qtbot.wait(50)  # and the window goes on afterwards
    print(f"\n{name}: longest stall {meter.longest * 1000:.0f} ms")
    shown = notes.preview.toPlainText()
    assert shown.strip()
    if len(text) > RENDER_LIMIT:
        assert "Only the first" in notes.preview_notice.text()
        assert len(shown) <= RENDER_LIMIT + 100
    assert notes.text() == text  # the editor has all of it, unchanged
    assert seeded_library.get(second).note == text
    # not a test of speed (the machine may be busy), but of never freezing for seconds
    assert meter.longest < 3.0
    window.select_ids([first])
    seeded_library.set_note(second, "")  # the closing catch-up need not index megabytes


def test_the_preview_renders_in_a_child_process(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    other, pid = shown_ids(window)[:2]
    window.select_ids([other])
    seeded_library.set_note(pid, "**bold** and `code`")
    window.select_ids([pid])
    notes = window.detail.notes
    with qtbot.waitSignal(notes.previewShown, timeout=20_000):
        notes.show_preview()
    assert "bold and code" in notes.preview.toPlainText()
    child = render_child()
    assert child.usable
    proc = child._proc
    assert proc is not None and proc.processId() not in (0, os.getpid())


def test_a_render_over_its_budget_shows_the_plain_text_and_stops_the_child(
    qtbot: QtBot,
    seeded_library: Library,
    ui_settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # no render can finish within 1 ms: every preview overruns its budget
    monkeypatch.setattr(notes_editor, "RENDER_BUDGET_MS", 1)
    w = open_window(qtbot, seeded_library, ui_settings)
    try:
        other, pid = shown_ids(w)[:2]
        w.select_ids([other])
        seeded_library.set_note(pid, "**bold** <b>raw</b>\n" + "[" * 20_000)
        w.select_ids([pid])
        notes = w.detail.notes
        with qtbot.waitSignal(notes.previewShown, timeout=20_000):
            notes.show_preview()
        assert "took too long" in notes.preview_notice.text()
        shown = notes.preview.toPlainText().replace("\u200b", "")
        assert "**bold** <b>raw</b>" in shown  # the source, as text, markup inert
        qtbot.wait(500)  # a late answer, if any, is dropped
        assert "took too long" in notes.preview_notice.text()
        assert render_child()._proc is None  # the overrunning child was stopped
    finally:
        close_window(w)


def test_a_killed_render_child_is_replaced_at_the_next_preview(
    qtbot: QtBot, window: MainWindow, seeded_library: Library
) -> None:
    first, second, third = shown_ids(window)[:3]
    seeded_library.set_note(second, "*one*")
    seeded_library.set_note(third, "*two*")
    notes = window.detail.notes
    window.select_ids([first])
    with qtbot.waitSignal(notes.previewShown, timeout=20_000):
        notes.show_preview()
    proc = render_child()._proc
    assert proc is not None
    os.kill(proc.processId(), signal.SIGKILL)  # e.g. the OOM killer
    qtbot.waitUntil(lambda: proc.state() == proc.ProcessState.NotRunning, timeout=10_000)
    with qtbot.waitSignal(notes.previewShown, timeout=20_000):
        window.select_ids([third])
    assert notes.preview.toPlainText().strip() == "two"
    assert not notes.preview_notice.text()  # rendered, not the plain fallback
