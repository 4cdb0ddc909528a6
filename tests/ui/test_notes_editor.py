"""The notes editor inside the real detail pane: autosave, flush, never losing text,
and a preview that loads nothing and opens only safe links."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextCursor, QTextDocument, QTextImageFormat
from pytestqt.qtbot import QtBot

from readinglist.domain import Changes
from readinglist.library import Library
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.notes_editor import NotePreview, safe_link

from .detail_seed import recorded_links, seed

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    # the offscreen platform's own notice, not something our widgets do
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

LINK_SCHEMES = ("http", "https", "javascript", "file", "data", "doi")


def _type(qtbot: QtBot, pane: DetailPane, text: str) -> None:
    pane.notes.show_source()
    pane.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(pane.notes.editor, text)


def test_typing_is_saved_after_a_pause_and_reported(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    with qtbot.waitSignal(pane.changed, timeout=5000) as signal:
        _type(qtbot, pane, "Great *baseline*")
        assert lib.get(first).note == ""  # not on every keystroke
    qtbot.waitUntil(lambda: lib.get(first).note == "Great *baseline*")
    changes = signal.args[0]
    assert isinstance(changes, Changes)
    assert changes.note and changes.paper_ids == frozenset({first})
    assert pane.notes.state_label.text() == "Saved"


def test_switching_paper_saves_the_note_at_once(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, second, _ = seed(lib)
    pane.show_paper(first)
    _type(qtbot, pane, "read section 3")
    pane.show_paper(second)  # no waiting for the autosave timer
    assert lib.get(first).note == "read section 3"
    assert pane.notes.text() == ""
    pane.show_paper(first)
    assert pane.notes.text() == "read section 3"


def test_flush_and_closing_the_window_save(qtbot: QtBot, lib: Library, pane: DetailPane) -> None:
    first, second, _ = seed(lib)
    pane.show_paper(first)
    _type(qtbot, pane, "flushed")
    pane.flush()
    assert lib.get(first).note == "flushed"

    pane.show_paper(second)
    _type(qtbot, pane, "closed")
    pane.close()  # hiding the pane is the last chance to save
    assert lib.get(second).note == "closed"


def test_focus_leaving_the_editor_saves(qtbot: QtBot, lib: Library, pane: DetailPane) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    pane.activateWindow()
    qtbot.waitUntil(pane.isActiveWindow)
    pane.notes.editor.setFocus()
    _type(qtbot, pane, "focus")
    pane.tag_editor.line_edit.setFocus()  # focus moves on: saved now, not after the timer
    assert not pane.notes.is_dirty()
    assert lib.get(first).note == "focus"


def test_outside_note_change_does_not_clobber_typing(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    # not typing: a change made elsewhere (another window, the CLI) shows up
    pane.on_changes(lib.set_note(first, "from elsewhere"))
    assert pane.notes.text() == "from elsewhere"

    _type(qtbot, pane, " + mine")
    pane.on_changes(lib.set_note(first, "overwritten elsewhere"))
    assert pane.notes.text() == "from elsewhere + mine"
    pane.flush()
    assert lib.get(first).note == "from elsewhere + mine"


def test_failed_save_keeps_the_text_and_says_so(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, second, _ = seed(lib)
    pane.show_paper(first)
    lib.purge([first])  # e.g. deleted from another window: the save must fail
    _type(qtbot, pane, "precious thoughts")
    pane.flush()
    assert pane.notes.text() == "precious thoughts"
    assert pane.notes.error_label.isVisible()
    assert "could not be saved" in pane.notes.error_label.text()

    # moving on keeps the unsaved note in memory rather than dropping it
    pane.show_paper(second)
    assert first in pane.notes.unsaved_papers()
    assert pane.notes.error_label.isVisible()


def test_failed_save_is_retried_on_the_next_edit(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    # a database that refuses the write (as a full disk would), then recovers
    con = sqlite3.connect(lib.folder / "library.sqlite")
    con.execute(
        # a first note is a new row of the member's readings (issue 12)
        "CREATE TRIGGER refuse BEFORE INSERT ON readings "
        "BEGIN SELECT RAISE(ABORT, 'disk is full'); END"
    )
    con.commit()
    _type(qtbot, pane, "draft")
    pane.flush()
    assert "disk is full" in pane.notes.error_label.text()
    assert pane.notes.text() == "draft"
    assert lib.get(first).note == ""

    con.execute("DROP TRIGGER refuse")
    con.commit()
    con.close()
    _type(qtbot, pane, " two")
    qtbot.waitUntil(lambda: lib.get(first).note == "draft two")
    assert not pane.notes.error_label.isVisible()


def test_preview_renders_markdown_safely(qtbot: QtBot, lib: Library, pane: DetailPane) -> None:
    first, _, _ = seed(lib)
    lib.set_note(
        first,
        "# Heading\n\n<script>alert(1)</script>\n\n"
        '<img src="http://example.com/x.png">\n\n![remote](http://example.com/y.png)\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |",
    )
    pane.show_paper(first)
    with qtbot.waitSignal(pane.notes.previewShown, timeout=10_000):
        pane.notes.show_preview()  # rendered on a worker thread
    doc = pane.notes.preview.document()
    assert "Heading" in doc.toPlainText()
    assert "<script>alert(1)</script>" in doc.toPlainText()  # shown as text, not run
    html = pane.notes.preview.toHtml()
    assert "<img" not in html
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            assert not isinstance(it.fragment().charFormat(), QTextImageFormat)
            assert not it.fragment().charFormat().isImageFormat()
            it += 1
        block = block.next()


class RecordingPreview(NotePreview):
    """The real preview, noting every resource Qt asks it for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def loadResource(self, type: int, name: QUrl | str) -> object:
        self.asked.append(name.toString() if isinstance(name, QUrl) else name)
        return super().loadResource(type, name)


def test_preview_never_loads_resources_even_from_raw_html(qtbot: QtBot, tmp_path: Path) -> None:
    # a local image Qt would happily load if the preview let it
    picture = tmp_path / "x.png"
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    assert image.save(str(picture))

    preview = RecordingPreview()
    qtbot.addWidget(preview)
    local = QUrl.fromLocalFile(str(picture))
    data = "data:image/png;base64," + base64.b64encode(picture.read_bytes()).decode()
    preview.setHtml(
        f'<img src="{local.toString()}"><img src="http://example.com/remote.png">'
        f'<img src="{data}"><link rel="stylesheet" href="http://example.com/s.css">'
    )
    preview.show()
    qtbot.waitExposed(preview)
    assert local.toString() in preview.asked  # Qt did ask ...
    image_res = int(QTextDocument.ResourceType.ImageResource)
    for name in (local, QUrl("http://example.com/remote.png"), QUrl(data)):
        # ... and got nothing it could draw (Qt would read the local file and data: itself)
        got = preview.document().resource(image_res, name)
        assert got is None or got.isNull()


def test_preview_opens_only_safe_links(qtbot: QtBot, pane: DetailPane) -> None:
    preview = pane.notes.preview
    with recorded_links(*LINK_SCHEMES) as opened:
        for url in (
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,hi",
            "https://example.org/paper",
            "doi:10.1000/xyz",
        ):
            preview.anchorClicked.emit(QUrl(url))
    assert opened == ["https://example.org/paper", "https://doi.org/10.1000/xyz"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/x/y", "https://github.com/x/y"),
        (QUrl("http://example.org/a?b=c"), "http://example.org/a?b=c"),
        ("doi:10.1145/123.456", "https://doi.org/10.1145/123.456"),
        ("javascript:alert(1)", None),
        (QUrl("javascript:alert(1)"), None),
        ("file:///etc/passwd", None),
        ("ftp://example.org/x", None),
        ("relative/link", None),
    ],
)
def test_safe_link(url: QUrl | str, expected: str | None) -> None:
    got = safe_link(url)
    assert (got.toString() if got is not None else None) == expected


def test_a_long_note_loads_in_pieces_and_nothing_is_lost(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, second, _ = seed(lib)
    note = "".join(f"line {i} of a very long note\n" for i in range(120_000))  # ~3.5 MB
    lib.set_note(first, note)
    pane.show_paper(first)
    notes = pane.notes
    assert notes.is_loading() and notes.editor.isReadOnly()  # not all in the editor yet
    assert notes.text() == note and not notes.is_dirty()
    pane.flush()  # saving meanwhile writes nothing wrong
    assert lib.get(first).note == note
    qtbot.waitUntil(lambda: not notes.is_loading(), timeout=30_000)
    assert not notes.editor.isReadOnly()
    assert notes.editor.toPlainText() == note and not notes.is_dirty()
    notes.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(notes.editor, "the end")
    pane.show_paper(second)  # switching saves at once
    assert lib.get(first).note == note + "the end"
    lib.set_note(first, "")  # the fixture's closing catch-up need not index 3.5 MB


def test_switching_away_while_a_long_note_loads_keeps_it_whole(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, second, _ = seed(lib)
    note = "x" * 50 + "\n"
    note = note * 40_000  # 2 MB
    lib.set_note(first, note)
    pane.show_paper(first)
    assert pane.notes.is_loading()
    pane.show_paper(second)  # before it finished loading
    assert not pane.notes.is_loading() and pane.notes.text() == ""
    assert lib.get(first).note == note
    pane.show_paper(first)
    qtbot.waitUntil(lambda: not pane.notes.is_loading(), timeout=30_000)
    assert pane.notes.text() == note
    pane.show_paper(second)
    lib.set_note(first, "")  # the fixture's closing catch-up need not index 2 MB
