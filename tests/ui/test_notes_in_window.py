"""Notes through the whole window: typed, switched away from, saved; rendered safely."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from readinglist.library import Library
from readinglist.notes import render_note
from readinglist.ui.main_window import MainWindow

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
