"""The notes editor: Markdown source, a safe rendered preview, and autosave.

A note is never lost: it is saved a moment after typing stops, when the editor
loses focus, before another paper is shown, and on `flush()` (window close). A
save that fails keeps the text in the editor (and, if the user moved on, in memory
for that paper), shows why, and is retried on the next edit or flush.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase, QImage, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import Changes, LibraryError
from ..library import Library
from ..notes import link_target, render_note

log = logging.getLogger(__name__)

AUTOSAVE_MS = 800
ERROR_COLOUR = "#d64541"  # readable on both light and dark backgrounds


def safe_link(url: QUrl | str) -> QUrl | None:
    """The URL to open for a clicked link, or None: only http(s) and DOI links open."""
    text = url.toString() if isinstance(url, QUrl) else url
    target = link_target(text)
    if target is None:
        return None
    out = QUrl(target, QUrl.ParsingMode.StrictMode)
    return out if out.isValid() and out.scheme() in ("http", "https") else None


def open_link(url: QUrl | str) -> bool:
    """Open a link in the browser if the policy allows it; True when it was handed on."""
    target = safe_link(url)
    if target is None:
        log.info("refused to open link %r", url.toString() if isinstance(url, QUrl) else url)
        return False
    return QDesktopServices.openUrl(target)


class NotePreview(QTextBrowser):
    """Shows rendered notes. Links open only on click and only by policy; nothing loads."""

    editRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(open_link)
        self.setPlaceholderText("No notes yet. Double-click or choose Write to add some.")

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        # Never fetch images, style sheets or anything else, remote or local. Returning
        # None is not enough: QTextDocument then reads local files and data: URLs
        # itself. A null image is a "valid" answer that stops that fallback.
        log.debug("preview refused resource %s", name)
        return QImage()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.editRequested.emit()
        super().mouseDoubleClickEvent(event)


class NotesEditor(QWidget):
    """Markdown source and preview for one paper's note, saved through the Library."""

    saved = Signal(object)  # the domain.Changes a save produced

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._paper_id: int | None = None
        self._stored = ""  # the note as the library has it, as far as we know
        self._loading = False
        self._unsaved: dict[int, str] = {}  # notes whose save failed after the user moved on

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Notes", self)
        bold = title.font()
        bold.setBold(True)
        title.setFont(bold)
        header.addWidget(title)
        self.state_label = QLabel("", self)
        self.state_label.setEnabled(False)  # drawn in the muted "disabled" text colour
        header.addWidget(self.state_label)
        header.addStretch(1)
        self.write_button = self._mode_button("Write", "Edit the Markdown source")
        self.preview_button = self._mode_button("Preview", "Show the note rendered")
        self._modes = QButtonGroup(self)
        self._modes.setExclusive(True)
        self._modes.addButton(self.write_button)
        self._modes.addButton(self.preview_button)
        header.addWidget(self.write_button)
        header.addWidget(self.preview_button)

        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.hide()

        self.editor = QPlainTextEdit(self)
        self.editor.setPlaceholderText(
            "Write notes in Markdown: *emphasis*, lists, ``` code ```, | tables |, links."
        )
        self.editor.setTabChangesFocus(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), self.font().pointSizeF()))
        self.editor.setFont(mono)
        self.editor.setAccessibleName("Note source")
        self.editor.textChanged.connect(self._edited)
        self.editor.installEventFilter(self)

        self.preview = NotePreview(self)
        self.preview.setAccessibleName("Note preview")
        self.preview.editRequested.connect(self.show_source)
        reading = QFont(self.font())
        reading.setPointSizeF(self.font().pointSizeF() * 1.05)
        self.preview.setFont(reading)

        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.editor)
        self._stack.addWidget(self.preview)
        self.write_button.clicked.connect(self.show_source)
        self.preview_button.clicked.connect(self.show_preview)
        self.write_button.setChecked(True)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(header)
        column.addWidget(self.error_label)
        column.addWidget(self._stack, 1)
        self.setEnabled(False)

    def _mode_button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setAutoRaise(True)
        return button

    # ------------------------------------------------------------------ state

    def paper_id(self) -> int | None:
        return self._paper_id

    def text(self) -> str:
        return self.editor.toPlainText()

    def is_dirty(self) -> bool:
        """True while the editor holds text the library does not have yet."""
        return self._paper_id is not None and self.text() != self._stored

    def in_preview(self) -> bool:
        return self._stack.currentWidget() is self.preview

    # ------------------------------------------------------------------ switching

    def set_paper(self, paper_id: int | None, note: str) -> None:
        """Show another paper's note; the current one is saved (or kept in memory) first."""
        if paper_id == self._paper_id and paper_id is not None:
            self.note_changed_elsewhere(note)
            return
        self.flush()
        if self.is_dirty() and self._paper_id is not None:
            self._unsaved[self._paper_id] = self.text()  # save failed: keep it for a retry
        self._paper_id = paper_id
        self._stored = note
        self._load(self._unsaved.get(paper_id, note) if paper_id is not None else "")
        self.setEnabled(paper_id is not None)
        if paper_id is not None and paper_id in self._unsaved:
            self._timer.start()  # try again to save what could not be saved before
            self._set_state("Saving…")
        else:
            self._set_state("")
            if not self._unsaved:
                self._show_error("")

    def note_changed_elsewhere(self, note: str) -> None:
        """The library's note changed (another window, undo, CLI): take it, unless typing."""
        if self._paper_id is None:
            return
        if self.is_dirty():
            self._stored = note  # the user's text wins; the next save overwrites
            return
        if note != self.text():
            cursor = self.editor.textCursor().position()
            self._load(note)
            c = self.editor.textCursor()
            c.setPosition(min(cursor, len(note)))
            self.editor.setTextCursor(c)
        self._stored = note

    def _load(self, text: str) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading = False
        if self.in_preview():
            self._render()

    # ------------------------------------------------------------------ saving

    def _edited(self) -> None:
        if self._loading or self._paper_id is None:
            return
        self._set_state("Saving…" if self.is_dirty() else "Saved")
        self._timer.start()  # restart: save a moment after typing stops

    def flush(self) -> bool:
        """Save whatever is pending now. True when the library holds every note."""
        self._timer.stop()
        ok = self._retry_unsaved()
        if not self.is_dirty() or self._paper_id is None:
            return ok
        text = self.text()
        try:
            changes = self._save(self._paper_id, text)
        except Exception as exc:  # see _save
            self._show_error(
                f"The note could not be saved: {exc}. It is kept here; editing retries."
            )
            self._set_state("Not saved")
            return False
        self._stored = text
        self._unsaved.pop(self._paper_id, None)
        self._set_state("Saved")
        if not self._unsaved:
            self._show_error("")
        if changes:
            self.saved.emit(changes)
        return ok

    def _retry_unsaved(self) -> bool:
        ok = True
        for paper_id, text in list(self._unsaved.items()):
            if paper_id == self._paper_id:
                continue  # the editor holds it; saved below
            try:
                changes = self._save(paper_id, text)
            except Exception as exc:  # see _save
                self._show_error(f"A note for another paper is still unsaved: {exc}")
                ok = False
                continue
            del self._unsaved[paper_id]
            if changes:
                self.saved.emit(changes)
        return ok

    def _save(self, paper_id: int, text: str) -> Changes:
        # Callers catch every failure, not only LibraryError: a database error the
        # library does not translate (disk full, I/O error) must not drop the note.
        try:
            return self._library.set_note(paper_id, text)
        except LibraryError:
            raise
        except Exception:
            log.exception("saving the note of paper %s failed", paper_id)
            raise

    def unsaved_papers(self) -> tuple[int, ...]:
        """Papers whose note could not be saved yet (besides the one being edited)."""
        return tuple(self._unsaved)

    def _set_state(self, text: str) -> None:
        self.state_label.setText(text)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # ------------------------------------------------------------------ modes

    def show_source(self) -> None:
        self.write_button.setChecked(True)
        self._stack.setCurrentWidget(self.editor)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_preview(self) -> None:
        self.flush()
        self.preview_button.setChecked(True)
        self._render()
        self._stack.setCurrentWidget(self.preview)

    def _render(self) -> None:
        pal = self.preview.palette()
        shade = pal.alternateBase().color().name()
        # Qt's rich text understands only a little CSS: enough for code and quotes
        self.preview.document().setDefaultStyleSheet(
            f"pre {{ background-color: {shade}; }}"
            f" code {{ background-color: {shade}; }}"
            f" blockquote {{ color: {pal.placeholderText().color().name()}; }}"
            f" th {{ background-color: {shade}; }}"
        )
        self.preview.setHtml(render_note(self.text()))

    # ------------------------------------------------------------------ events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)
