"""The notes editor: Markdown source, a safe rendered preview, and autosave.

A note is never lost: it is saved a moment after typing stops, when the editor
loses focus, before another paper is shown, and on `flush()` (window close). A
save that fails (library read-only, disk full, database locked) keeps the text in
the editor (and, if the user moved on, in memory for that paper), says why in a bar
with Retry and Copy, is retried on the next edit and by itself a little later, and
closing the window while a note is unsaved asks first.

The preview renders in a child process (ui/note_render_child.py; a worker thread
where there can be none) with a time budget: a render that is late is replaced by
the escaped text (and the child killed), whatever it brings later is dropped. Qt
then gets the HTML a bounded chunk per turn of the event loop, and a long note goes
into the editor the same way, so no note holds the window for long.
"""

from __future__ import annotations

import collections
import contextlib
import html
import itertools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QMouseEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import Changes, LibraryError, SharedNote
from ..library import Library
from ..notes import (
    RENDER_LIMIT,
    RenderedNote,
    breakable_html,
    html_chunks,
    link_target,
    plain_html,
    render_preview,
)
from .note_render_child import render_child

log = logging.getLogger(__name__)

# Another member's shared note is rendered on the UI thread up to this length (a few
# ms); a longer one is shown as plain text (the own note's preview uses a child).
GROUP_RENDER_LIMIT = 4_000


def group_notes_html(others: tuple[SharedNote, ...]) -> str:
    """The other members' shared notes, each under its author and date."""
    parts = []
    for n in others:
        when = f" · {n.changed_at:%d %b %Y}" if n.changed_at else ""
        head = f"<p><b>{html.escape(n.member)}</b>{when} shares:</p>"
        body = (
            render_preview(n.text).html
            if len(n.text) <= GROUP_RENDER_LIMIT
            else plain_html(n.text[:RENDER_LIMIT])
        )
        parts.append(head + body)
    return "<hr>".join(parts)


AUTOSAVE_MS = 800
RETRY_MS = (2_000, 5_000, 15_000, 30_000)  # a failed save is tried again after these
RENDER_BUDGET_MS = 3_000  # a preview not rendered by then is shown as plain text
# Qt wraps a line with one very long word in quadratic time (50,000 `<`: 1.5 s on the
# UI thread); wrapping such a note anywhere is linear (0.1 s), so a note with a word
# of LONG_WORD characters is wrapped anywhere.
LONG_WORD = 1000


def _has_long_word(text: str) -> bool:
    # split() is C and linear; a regex such as \S{1000} takes 0.4 s on 5 MB of prose
    return max(map(len, text.split()), default=0) >= LONG_WORD


LOAD_CHUNK = 64 * 1024  # characters put into the editor per turn of the event loop
ERROR_COLOUR = "#d64541"  # readable on both light and dark backgrounds


_POOL: list[ThreadPoolExecutor] = []
_EDITOR_KEYS = itertools.count(1)


def _render_pool() -> ThreadPoolExecutor:
    """One render thread for every editor; renders are bounded, so it never piles up."""
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(1, thread_name_prefix="note-render"))
    return _POOL[0]


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
    previewShown = Signal()  # the preview holds the current note's rendering (tests, a11y)
    _rendered = Signal(int, object)  # from the render thread: generation, (note, chunks)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._paper_id: int | None = None
        self._stored = ""  # the note as the library has it, as far as we know
        self._loading = False
        self._loading_text: str | None = None  # a long note still going into the editor
        self._load_pos = 0
        self._unsaved: dict[int, str] = {}  # notes whose save failed after the user moved on
        self._failures = 0  # saves failed in a row: how long to wait before retrying
        self._render_gen = 0  # bumped for each render asked; older answers are dropped
        self._render_lock = threading.Lock()
        self._wanted_gen = 0  # the newest generation, read by the render thread
        self._pending_text = ""  # the text being rendered, for the plain fallback

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self._load_timer = QTimer(self)
        self._load_timer.setInterval(0)
        self._load_timer.timeout.connect(self._load_step)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self.flush)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_BUDGET_MS)
        self._render_timer.timeout.connect(self._render_late)
        self._rendered.connect(self._show_rendered)
        self._render_key = f"editor-{next(_EDITOR_KEYS)}"  # whose answer is whose
        self._render_in_child = False
        render_child().answered.connect(self._child_answered)
        self._chunks: collections.deque[str] = collections.deque()  # preview still to show
        self._feed_timer = QTimer(self)
        self._feed_timer.setInterval(0)
        self._feed_timer.timeout.connect(self._feed_preview)

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
        # a shared library only: the member's note shown to the group, or not
        self.share_box = QCheckBox("Share with group", self)
        self.share_box.setToolTip("Show this note to the other members (read-only for them)")
        self.share_box.clicked.connect(self._share_clicked)  # the user's clicks only
        self.share_box.setVisible(library.server is not None)
        header.addWidget(self.share_box)
        self.write_button = self._mode_button("Write", "Edit the Markdown source")
        self.preview_button = self._mode_button("Preview", "Show the note rendered")
        self._modes = QButtonGroup(self)
        self._modes.setExclusive(True)
        self._modes.addButton(self.write_button)
        self._modes.addButton(self.preview_button)
        header.addWidget(self.write_button)
        header.addWidget(self.preview_button)

        # a save that failed: why, and what the user can do about it right now
        self.save_bar = QWidget(self)
        bar = QHBoxLayout(self.save_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        self.error_label = QLabel("", self.save_bar)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.error_label, 1)
        self.retry_button = QToolButton(self.save_bar)
        self.retry_button.setText("Retry")
        self.retry_button.setToolTip("Try to save the note again now")
        self.retry_button.clicked.connect(self.flush)
        bar.addWidget(self.retry_button)
        self.copy_button = QToolButton(self.save_bar)
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy the unsaved note to the clipboard")
        self.copy_button.clicked.connect(self.copy_unsaved)
        bar.addWidget(self.copy_button)
        self.save_bar.hide()

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

        self._preview_page = QWidget(self)
        page = QVBoxLayout(self._preview_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(2)
        # what the preview does not show as formatted (cut at the limit, plain text)
        self.preview_notice = QLabel("", self._preview_page)
        self.preview_notice.setWordWrap(True)
        self.preview_notice.setEnabled(False)
        self.preview_notice.hide()
        page.addWidget(self.preview_notice)
        self.preview = NotePreview(self._preview_page)
        self.preview.setAccessibleName("Note preview")
        self.preview.editRequested.connect(self.show_source)
        reading = QFont(self.font())
        reading.setPointSizeF(self.font().pointSizeF() * 1.05)
        self.preview.setFont(reading)
        page.addWidget(self.preview, 1)

        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.editor)
        self._stack.addWidget(self._preview_page)
        self.write_button.clicked.connect(self.show_source)
        self.preview_button.clicked.connect(self.show_preview)
        self.write_button.setChecked(True)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(header)
        column.addWidget(self.save_bar)
        column.addWidget(self._stack, 1)
        # the other members' shared notes of this paper: read-only, rendered as the
        # member's own preview is (safe HTML: no raw HTML, no images, nh3-cleaned)
        self.group_notes = QLabel("", self)
        self.group_notes.setTextFormat(Qt.TextFormat.RichText)
        self.group_notes.setWordWrap(True)
        self.group_notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.group_notes.setAccessibleName("The group's shared notes")
        self.group_notes.hide()
        column.addWidget(self.group_notes)
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
        if self._loading_text is not None:
            return self._loading_text  # all of it, though the editor has only part yet
        return self.editor.toPlainText()

    def is_dirty(self) -> bool:
        """True while the editor holds text the library does not have yet."""
        if self._paper_id is None:
            return False
        if self._loading_text is not None:
            return self._loading_text != self._stored
        # the document's own flag: copying a 5 MB note out to compare costs 30-80 ms
        return bool(self.editor.document().isModified())

    def has_unsaved(self) -> bool:
        """True while any note typed here is not in the library (the shown one or others)."""
        return self.is_dirty() or bool(self._unsaved)

    def in_preview(self) -> bool:
        return self._stack.currentWidget() is self._preview_page

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

    def set_sharing(self, shared: bool, others: tuple[SharedNote, ...]) -> None:
        """Whether the member's note is shown to the group, and the others' notes."""
        self.share_box.setChecked(shared)
        self.group_notes.setText(group_notes_html(others))
        self.group_notes.setVisible(bool(others))

    def _share_clicked(self, checked: bool) -> None:
        if self._paper_id is None:
            return
        self.flush()  # what was typed goes first, then is shown (or hidden)
        try:
            changes = self._library.share_note(self._paper_id, checked)
        except LibraryError as exc:
            self.share_box.setChecked(not checked)
            self._show_error(str(exc))
            return
        self.saved.emit(changes)

    def note_changed_elsewhere(self, note: str) -> None:
        """The library's note changed (another window, undo, CLI): take it, unless typing."""
        if self._paper_id is None:
            return
        if self.is_dirty():
            self._stored = note  # the user's text wins; the next save overwrites
            return
        stored, self._stored = self._stored, note
        if note != stored:  # not dirty: the editor holds `stored`
            cursor = self.editor.textCursor().position()
            self._load(note)
            c = self.editor.textCursor()
            c.setPosition(min(cursor, len(note), len(self.editor.toPlainText())))
            self.editor.setTextCursor(c)

    def _load(self, text: str) -> None:
        """Put `text` in the editor; a long note goes in a piece per turn of the event
        loop (5 MB at once held the window for over a second), read-only meanwhile."""
        self._load_timer.stop()
        self._loading_text = None
        self._loading = True
        try:
            wrap = QTextOption.WrapMode
            first = text[:LOAD_CHUNK]
            long_word = _has_long_word(first)
            self.editor.setWordWrapMode(wrap.WrapAnywhere if long_word else wrap.WordWrap)
            self.editor.setPlainText(first)
        finally:
            self._loading = False
        # the text may be a note whose save failed: then it is still to be saved
        self.editor.document().setModified(text != self._stored)
        if len(text) > LOAD_CHUNK:
            self._loading_text = text
            self._load_pos = LOAD_CHUNK
            self.editor.setReadOnly(True)
            self._load_timer.start()
        if self.in_preview():
            self._render()

    def _load_step(self) -> None:
        text = self._loading_text
        if text is None:
            self._load_timer.stop()
            return
        piece = text[self._load_pos : self._load_pos + LOAD_CHUNK]
        if _has_long_word(piece):
            self.editor.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self._loading = True
        try:
            cursor = QTextCursor(self.editor.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(piece)
        finally:
            self._loading = False
        self._load_pos += len(piece)
        if self._load_pos >= len(text):
            self._load_timer.stop()
            self._loading_text = None
            self.editor.document().setModified(text != self._stored)
            self.editor.document().clearUndoRedoStacks()  # undo must not unload the note
            self.editor.setReadOnly(False)

    def is_loading(self) -> bool:
        """True while a long note is still going into the editor (read-only meanwhile)."""
        return self._loading_text is not None

    # ------------------------------------------------------------------ saving

    def _edited(self) -> None:
        if self._loading or self._paper_id is None:
            return
        self._set_state("Saving…" if self.is_dirty() else "Saved")
        self._timer.start()  # restart: save a moment after typing stops

    def flush(self) -> bool:
        """Save whatever is pending now. True when the library holds every note."""
        self._timer.stop()
        self._retry_timer.stop()
        ok = self._retry_unsaved()
        if self.is_dirty() and self._paper_id is not None:
            text = self.text()
            try:
                changes = self._save(self._paper_id, text)
            except Exception as exc:  # see _save
                self._show_error(
                    f"The note could not be saved: {exc}. It is kept here and saving is"
                    " tried again; Copy puts it on the clipboard."
                )
                self._set_state("Not saved")
                ok = False
            else:
                self._stored = text
                if self._loading_text is None:
                    self.editor.document().setModified(False)
                self._unsaved.pop(self._paper_id, None)
                self._set_state("Saved")
                if changes:
                    self.saved.emit(changes)
        if ok:
            self._failures = 0
            if not self.has_unsaved():
                self._show_error("")
        else:
            # try again by itself a little later, then less and less often
            self._retry_timer.start(RETRY_MS[min(self._failures, len(RETRY_MS) - 1)])
            self._failures += 1
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

    def unsaved_text(self) -> str:
        """Every note not in the library yet, the shown one first, for the clipboard."""
        texts = [self.text()] if self.is_dirty() else []
        texts += [t for pid, t in self._unsaved.items() if pid != self._paper_id]
        return "\n\n---\n\n".join(texts)

    def copy_unsaved(self) -> None:
        text = self.unsaved_text() or self.text()
        QGuiApplication.clipboard().setText(text)
        self._set_state("Copied")

    def confirm_close(self) -> bool:
        """Save what is pending; if a note still cannot be saved, ask before closing."""
        if self.flush() and not self.has_unsaved():
            return True
        # no parent: a child box left in the window upset its hiding (a crash in
        # QWidgetPrivate::hideChildren when the window then closed)
        box = QMessageBox()
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved note")
        box.setText("A note could not be saved. Close anyway?")
        box.setInformativeText(self.error_label.text())
        keep = box.addButton("Keep Open", QMessageBox.ButtonRole.RejectRole)
        copy = box.addButton("Copy Note and Close", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Close Without Saving", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        clicked = box.clickedButton()
        if clicked is copy:
            self.copy_unsaved()
        return clicked is not keep and clicked is not None

    def _set_state(self, text: str) -> None:
        self.state_label.setText(text)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.save_bar.setVisible(bool(text))

    # ------------------------------------------------------------------ modes

    def show_source(self) -> None:
        self.write_button.setChecked(True)
        self._stack.setCurrentWidget(self.editor)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_preview(self) -> None:
        self.flush()
        self.preview_button.setChecked(True)
        self._render()
        self._stack.setCurrentWidget(self._preview_page)

    def _render(self) -> None:
        """Ask the render child (or thread) for the current note; the answer comes by
        signal, or the budget runs out first (_render_late)."""
        pal = self.preview.palette()
        shade = pal.alternateBase().color().name()
        # Qt's rich text understands only a little CSS: enough for code and quotes
        self.preview.document().setDefaultStyleSheet(
            f"pre {{ background-color: {shade}; white-space: pre-wrap; }}"
            f" code {{ background-color: {shade}; }}"
            f" blockquote {{ color: {pal.placeholderText().color().name()}; }}"
            f" th {{ background-color: {shade}; }}"
        )
        self._render_gen += 1
        self._chunks.clear()  # what was being shown is not wanted any more
        self._feed_timer.stop()
        gen, text = self._render_gen, self.text()
        with self._render_lock:
            self._wanted_gen = gen
        self._pending_text = text
        # a child process when there can be one: its Python never makes the window wait
        self._render_in_child = render_child().request(self._render_key, gen, text)
        if not self._render_in_child:
            _render_pool().submit(self._render_in_thread, gen, text)
        self._render_timer.start()

    def _render_in_thread(self, gen: int, text: str) -> None:
        with self._render_lock:
            if gen != self._wanted_gen:
                return  # the user has moved on: skip a render nobody will see
        try:
            result = render_preview(text)
        except Exception as exc:  # render_preview never raises; if it does, say so
            result = RenderedNote(plain_html(text[:RENDER_LIMIT]), f"Rendering failed: {exc}")
        chunks = html_chunks(breakable_html(result.html))
        with contextlib.suppress(RuntimeError):  # the editor was deleted meanwhile
            self._rendered.emit(gen, (result, chunks))

    def _child_answered(self, key: str, gen: int, answer: tuple[RenderedNote, list[str]]) -> None:
        if key == self._render_key:
            self._show_rendered(gen, answer)

    def _show_rendered(self, gen: int, answer: tuple[RenderedNote, list[str]]) -> None:
        if gen != self._render_gen or not self._render_timer.isActive():
            return  # an older note, or too late: the plain text is shown already
        self._render_timer.stop()
        self._present(*answer)

    def _render_late(self) -> None:
        if self._render_in_child:
            render_child().kill()  # stuck on something: the next preview starts another
        text = self._pending_text
        shown = text[:RENDER_LIMIT]
        more = " (only the start of it)" if len(text) > len(shown) else ""
        result = RenderedNote(
            plain_html(shown),
            f"Formatting this note took too long; it is shown as plain text{more}.",
            plain=True,
        )
        self._present(result, html_chunks(breakable_html(result.html)))

    def _present(self, result: RenderedNote, chunks: list[str]) -> None:
        """Show the rendering a chunk per turn of the event loop (see html_chunks)."""
        self.preview_notice.setText(result.notice)
        self.preview_notice.setVisible(bool(result.notice))
        self.preview.setHtml(chunks[0])
        self._chunks = collections.deque(chunks[1:])
        self._feed_timer.start()

    def _feed_preview(self) -> None:
        if self._chunks:
            cursor = QTextCursor(self.preview.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertBlock()  # else the chunk's first paragraph joins the last one
            cursor.insertHtml(self._chunks.popleft())
        if not self._chunks:
            self._feed_timer.stop()
            self.previewShown.emit()

    # ------------------------------------------------------------------ events

    # Closing the main window while a note cannot be saved asks first: the window's
    # closeEvent calls confirm_close (one asker, in the order the window closes in).

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)
