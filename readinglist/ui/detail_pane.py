"""The detail pane: one paper's metadata, links, status, tags, abstract and notes.

The pane reads through the Library and writes only the note itself; status and tag
edits are requests the main window applies (with undo) and hands back as `Changes`.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QHideEvent, QTextDocument
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import (
    UNTITLED,
    Changes,
    LibraryError,
    PaperDetail,
    PaperNotFound,
    PaperRow,
    Status,
)
from ..library import Library, display_text
from .detail_text import date_text, highlight_html, match_spans, paper_links
from .edit_form import PaperEditForm
from .notes_editor import NotesEditor, open_link
from .selection_pane import SelectionPane
from .tag_editor import FlowLayout, TagEditor

STATUS_LABELS = {Status.UNREAD: "○ Unread", Status.READING: "◐ Reading", Status.READ: "● Read"}
STATUS_TIPS = {
    Status.UNREAD: "Mark as unread",
    Status.READING: "Mark as being read",
    Status.READ: "Mark as read",
}


def _segment_style(*, first: bool, last: bool) -> str:
    """One segment of the status selector: the chosen one filled with the selection
    colour, so the paper's status reads at a glance in light and dark palettes."""
    left = "4px" if first else "0px"
    right = "4px" if last else "0px"
    return (
        "QToolButton { border: 1px solid palette(mid); padding: 3px 10px;"
        f" border-top-left-radius: {left}; border-bottom-left-radius: {left};"
        f" border-top-right-radius: {right}; border-bottom-right-radius: {right};"
        + ("" if first else " border-left: none;")
        + " background: palette(button); color: palette(button-text); }"
        " QToolButton:hover:!checked { background: palette(midlight); }"
        " QToolButton:checked { background: palette(highlight);"
        " color: palette(highlighted-text); border-color: palette(highlight); }"
    )


# ---------------------------------------------------------------------- the pane


class DetailPane(QWidget):
    changed = Signal(object)  # a domain.Changes the pane caused itself (note saved)
    statusRequested = Signal(object)  # domain.Status chosen in the selector
    tagsAddRequested = Signal(object)  # tuple[str, ...]
    tagRemoveRequested = Signal(str)
    editRequested = Signal(int, object)  # paper id, domain.PaperEdit saved in Edit mode

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._paper: PaperDetail | None = None
        self._query = ""
        self._edit_note = ""  # why an edit left by switching paper was not saved

        self._pages = QStackedWidget(self)
        self.empty_label = QLabel("Select a paper", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)  # muted text colour in any palette
        self._pages.addWidget(self.empty_label)

        info = QWidget(self)
        column = QVBoxLayout(info)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(8)

        self.title_label = self._text_label(info)
        self.title_label.setTextFormat(Qt.TextFormat.RichText)  # search marks
        title_font = QFont(self.font())
        title_font.setPointSizeF(self.font().pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        column.addWidget(self.title_label)

        self.authors_label = self._text_label(info)
        column.addWidget(self.authors_label)
        self.venue_label = self._text_label(info)
        self.venue_label.setEnabled(False)
        column.addWidget(self.venue_label)

        self.links_label = QLabel(info)
        self.links_label.setTextFormat(Qt.TextFormat.RichText)
        self.links_label.setWordWrap(True)
        self.links_label.setOpenExternalLinks(False)
        self.links_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.links_label.linkActivated.connect(open_link)
        self.links_label.linkHovered.connect(self.links_label.setToolTip)
        column.addWidget(self.links_label)

        key_row = QHBoxLayout()
        key_row.setSpacing(4)
        key_caption = QLabel("Key", info)
        key_caption.setEnabled(False)
        key_row.addWidget(key_caption)
        self.key_label = self._text_label(info, wrap=False)
        self.key_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # a long key must not widen the pane beyond the window: it may be cut, never wrap
        self.key_label.setMinimumWidth(1)
        key_row.addWidget(self.key_label)
        self.copy_key_button = QToolButton(info)
        self.copy_key_button.setText("Copy")
        self.copy_key_button.setToolTip("Copy the citation key")
        self.copy_key_button.setAutoRaise(True)
        self.copy_key_button.clicked.connect(self.copy_key)
        key_row.addWidget(self.copy_key_button)
        key_row.addStretch(1)
        self.edit_button = QToolButton(info)
        self.edit_button.setText("Edit…")
        self.edit_button.setToolTip("Edit title, authors, year, venue, type, DOI, key… (F2)")
        self.edit_button.setAutoRaise(True)
        self.edit_button.clicked.connect(self.start_edit)
        key_row.addWidget(self.edit_button)
        column.addLayout(key_row)

        # fields an import gave differently from what the paper keeps (issue 9)
        self.conflicts_label = self._text_label(info)
        self.conflicts_label.setVisible(False)
        column.addWidget(self.conflicts_label)

        # the segmented selector and its date wrap onto two lines in a narrow pane
        status_box = QWidget(info)
        status_flow = FlowLayout(status_box, spacing=8)
        segments = QWidget(status_box)
        status_row = QHBoxLayout(segments)
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.setSpacing(0)
        self._status_group = QButtonGroup(self)
        self._status_group.setExclusive(True)
        self.status_buttons: dict[Status, QToolButton] = {}
        for i, status in enumerate(Status):
            button = QToolButton(segments)
            button.setStyleSheet(_segment_style(first=i == 0, last=i == len(Status) - 1))
            button.setText(STATUS_LABELS[status])
            button.setToolTip(STATUS_TIPS[status])
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.clicked.connect(lambda _=False, s=status: self._status_clicked(s))
            self._status_group.addButton(button)
            self.status_buttons[status] = button
            status_row.addWidget(button)
        status_flow.addWidget(segments)
        self.status_date_label = QLabel(status_box)
        self.status_date_label.setEnabled(False)
        self.status_date_label.setAlignment(Qt.AlignmentFlag.AlignVCenter)
        status_flow.addWidget(self.status_date_label)
        column.addWidget(status_box)

        self.tag_editor = TagEditor(info)
        self.tag_editor.addRequested.connect(self.tagsAddRequested)
        self.tag_editor.removeRequested.connect(self.tagRemoveRequested)
        column.addWidget(self.tag_editor)

        rule = QFrame(info)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        column.addWidget(rule)

        self.abstract_label = self._text_label(info)
        self.abstract_label.setTextFormat(Qt.TextFormat.RichText)
        reading = QFont(self.font())
        reading.setPointSizeF(self.font().pointSizeF() * 1.08)
        self.abstract_label.setFont(reading)
        column.addWidget(self.abstract_label)
        column.addStretch(1)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(info)

        self.notes = NotesEditor(library, self)
        self.notes.saved.connect(self.changed)
        notes_box = QWidget(self)
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(12, 4, 12, 8)
        notes_layout.addWidget(self.notes)

        # the notes keep their own space below the scrolling metadata: always in reach
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.scroll_area)
        self.splitter.addWidget(notes_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._pages.addWidget(self.splitter)

        # Edit mode (F2): the form takes the pane's place until saved or cancelled
        self.edit_form = PaperEditForm(library, self)
        self.edit_form.saveRequested.connect(self._edit_saved)
        self.edit_form.cancelled.connect(self.finish_edit)
        self._pages.addWidget(self.edit_form)

        # several papers selected: what applies to all of them, not one paper's box
        self.selection = SelectionPane(self)
        self._pages.addWidget(self.selection)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #d64541;")
        self.error_label.hide()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.error_label)
        outer.addWidget(self._pages)
        self.setMinimumWidth(280)

    @staticmethod
    def _text_label(parent: QWidget, *, wrap: bool = True) -> QLabel:
        label = QLabel(parent)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(wrap)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        return label

    # ------------------------------------------------------------------ public API

    def current_id(self) -> int | None:
        return self._paper.id if self._paper is not None else None

    def show_paper(self, paper_id: int | None, query: str = "") -> None:
        """Show a paper (None: the empty state). A pending note is saved first."""
        if paper_id is not None and paper_id == self.current_id():
            # the same paper again (e.g. a refresh after another process wrote): reload
            # in place, keeping the scroll position and a note being typed
            self._query = query
            self.on_changes(
                Changes(frozenset({paper_id}), status=True, tags=True, note=True, fields=True)
            )
            return
        self.flush()
        self._query = query
        paper: PaperDetail | None = None
        if paper_id is not None:
            try:
                paper = self._library.get(paper_id)
            except LibraryError as exc:
                self._show_error(str(exc))
        else:
            self._show_error("")
        self._paper = paper
        if paper is None:
            self.notes.set_paper(None, "")
            self._pages.setCurrentWidget(self.empty_label)
            return
        self._show_error(self._edit_note)  # an edit left unsaved by the switch, if any
        self._edit_note = ""
        self._fill_header()
        self._fill_status()
        self._fill_tags()
        self._fill_abstract()
        self.notes.set_paper(paper.id, paper.note)
        self.notes.set_sharing(paper.note_shared, paper.shared_notes)
        self.scroll_area.verticalScrollBar().setValue(0)
        self._pages.setCurrentWidget(self.splitter)
        self._scroll_to_first_match()

    def set_query(self, query: str) -> None:
        """The search changed (or was cleared with Esc) while the same paper stays
        shown: re-mark the title and abstract, without touching a note being typed."""
        if query == self._query:
            return
        self._query = query
        if self._paper is not None:
            self.title_label.setText(self._title_html())
            self._fill_abstract()
            self._scroll_to_first_match()

    def show_selection(self, rows: Sequence[PaperRow]) -> None:
        """Several papers selected: show "N papers selected" and what applies to all of
        them instead of one paper. One row or none: back to the paper (if any)."""
        if len(rows) > 1:
            self.notes.flush()
            self.selection.show_rows(rows, self._library.tags())
            if self._pages.currentWidget() is not self.edit_form:
                self._pages.setCurrentWidget(self.selection)
        elif self._pages.currentWidget() is self.selection:
            self._pages.setCurrentWidget(self.splitter if self._paper else self.empty_label)

    def showing_selection(self) -> bool:
        return self._pages.currentWidget() is self.selection

    def on_changes(self, changes: Changes) -> None:
        """Refresh what `changes` names, if it touches the shown paper. Never clobbers
        a note being typed."""
        if changes.tags:
            self.tag_editor.set_known_tags(self._library.tags())
        if self.showing_selection() and (changes.tags or changes.status or changes.fields):
            self._refresh_selection(changes)
        if self._paper is None or self._paper.id not in changes.paper_ids:
            return
        try:
            paper = self._library.get(self._paper.id)
        except PaperNotFound:  # deleted for good: nothing left to show
            self.show_paper(None)
            return
        except LibraryError as exc:
            self._show_error(str(exc))
            return
        self._paper = paper
        if changes.fields:
            self._fill_header()
            self._fill_abstract()
        if changes.status or changes.fields:
            self._fill_status()
        if changes.tags or changes.fields:
            self._fill_tags()
        if changes.note:
            self.notes.note_changed_elsewhere(paper.note)
            self.notes.set_sharing(paper.note_shared, paper.shared_notes)

    def _refresh_selection(self, changes: Changes) -> None:
        ids = self.selection.ids()
        if ids and not changes.paper_ids.isdisjoint(ids):
            with contextlib.suppress(LibraryError):  # the next listing shows it anyway
                self.selection.show_rows(self._library.rows(ids), self._library.tags())

    def flush(self) -> None:
        """Save a pending note now (before switching paper, on close), and what the
        Edit mode holds: saved if it is right (one undo step, like Save), else left
        with a line saying so."""
        self.notes.flush()
        if not self.editing():
            return
        form = self.edit_form
        edit, problems, paper_id = form.edit(), form.problems(), form.paper_id()
        self.finish_edit()
        if paper_id is None or not edit.given():
            return
        if problems:
            self._edit_note = f"Your edit of paper {paper_id} was not saved: " + next(
                iter(problems.values())
            )
            return
        self.editRequested.emit(paper_id, edit)

    def editing(self) -> bool:
        return self._pages.currentWidget() is self.edit_form

    def start_edit(self) -> bool:
        """Edit mode for the shown paper, filled from the library as it is now."""
        if self._paper is None:
            return False
        if self.editing():
            return True  # already: the form keeps what is typed
        self.flush()
        try:
            self._paper = self._library.get(self._paper.id)
        except LibraryError as exc:
            self._show_error(str(exc))
            return False
        self._pages.setCurrentWidget(self.edit_form)
        self.edit_form.start(self._paper)
        return True

    def finish_edit(self) -> None:
        """Back from Edit mode to the paper (after Save went through, or Cancel)."""
        if self.editing():
            self._pages.setCurrentWidget(self.splitter)
            self.setFocus()

    def _edit_saved(self, edit: object) -> None:
        paper_id = self.edit_form.paper_id()
        if paper_id is not None:
            self.editRequested.emit(paper_id, edit)

    def copy_key(self) -> None:
        if self._paper is not None and self._paper.citation_key:
            QGuiApplication.clipboard().setText(self._paper.citation_key)
            # a copied key is in someone's .tex now: imports must never change it
            with contextlib.suppress(LibraryError):
                self._library.mark_keys_used([self._paper.id])

    # ------------------------------------------------------------------ filling

    def _fill_header(self) -> None:
        p = self._paper
        assert p is not None
        self.title_label.setText(self._title_html())
        authors = ", ".join(a.display for a in p.authors)
        self.authors_label.setText(authors)
        self.authors_label.setVisible(bool(authors))
        venue = " · ".join(x for x in (p.venue, str(p.year) if p.year else "") if x)
        self.venue_label.setText(venue)
        self.venue_label.setVisible(bool(venue))
        links = paper_links(p)
        self.links_label.setText(
            " &nbsp;·&nbsp; ".join(
                f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>'
                for label, url in links
            )
        )
        self.links_label.setVisible(bool(links))
        self.key_label.setText(p.citation_key)
        self.copy_key_button.setEnabled(bool(p.citation_key))
        n = len(p.conflicts)
        fields = "field differs" if n == 1 else "fields differ"
        self.conflicts_label.setText(f"{n} {fields} from the last import — review")
        # imported text: escaped, so a value that looks like markup stays text
        self.conflicts_label.setToolTip(
            "<br>".join(
                html.escape(f"{name}: {value}", quote=False)
                for name, value in sorted(p.conflicts.items())
            )
        )
        self.conflicts_label.setVisible(n > 0)

    def _fill_status(self) -> None:
        p = self._paper
        assert p is not None
        self.status_buttons[p.status].setChecked(True)
        verb = {Status.UNREAD: "Added", Status.READING: "Started", Status.READ: "Read"}
        when = p.added_at if p.status is Status.UNREAD else p.status_changed_at
        self.status_date_label.setText(f"{verb[p.status]} {date_text(when)}")

    def _fill_tags(self) -> None:
        p = self._paper
        assert p is not None
        self.tag_editor.set_tags(p.tags)
        self.tag_editor.set_known_tags(self._library.tags())

    def _fill_abstract(self) -> None:
        if self._paper is None:
            return
        abstract = self._paper.abstract
        if not abstract:
            self.abstract_label.setText("<i>No abstract.</i>")
            return
        # shown as text ($118\times$ -> 118×), marked in what the reader sees
        shown = display_text(abstract)
        self.abstract_label.setText(highlight_html(shown, self._query, self._mark_style()))

    def _title_html(self) -> str:
        assert self._paper is not None
        return highlight_html(
            display_text(self._paper.title) or UNTITLED, self._query, self._mark_style()
        )

    def _scroll_to_first_match(self) -> None:
        """Bring the abstract's first mark into view (after Qt has laid the label out)."""
        if self._paper is not None and self._query and self._paper.abstract:
            QTimer.singleShot(0, self._scroll_now)

    def _scroll_now(self) -> None:
        if self._paper is None or not self._paper.abstract or not self._query:
            return
        spans = match_spans(display_text(self._paper.abstract), self._query)
        if not spans:
            return
        # lay the label's text out as the label does, to find the mark's line
        doc = QTextDocument()
        doc.setDefaultFont(self.abstract_label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(self.abstract_label.text())
        doc.setTextWidth(max(1, self.abstract_label.contentsRect().width()))
        doc.size()  # lays the text out: lines exist only after this
        block = doc.findBlock(spans[0][0])
        line = block.layout().lineForTextPosition(spans[0][0] - block.position())
        top = doc.documentLayout().blockBoundingRect(block).top()
        y = self.abstract_label.y() + int(top + (line.y() if line.isValid() else 0))
        viewport = self.scroll_area.viewport().height()
        if y + self.abstract_label.fontMetrics().height() > viewport:
            # the mark a third of the way down, with the lines before it for context
            self.scroll_area.verticalScrollBar().setValue(y - viewport // 3)

    def _mark_style(self) -> str:
        """A soft tint of the palette's highlight over the background: readable text in
        light and dark themes, unlike the full selection colour."""
        pal = self.palette()
        base, tint = pal.base().color(), pal.highlight().color()
        r, g, b = (
            round(x * 0.62 + y * 0.38)
            for x, y in (
                (base.red(), tint.red()),
                (base.green(), tint.green()),
                (base.blue(), tint.blue()),
            )
        )
        return f"background-color: #{r:02x}{g:02x}{b:02x};"

    # ------------------------------------------------------------------ events

    def _status_clicked(self, status: Status) -> None:
        if self._paper is not None and status is not self._paper.status:
            self.statusRequested.emit(status)
        # show what the library holds: the window's change route moves the check
        if self._paper is not None:
            self._fill_status()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._fill_abstract()  # highlight colours follow the palette
        super().changeEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()  # closing the window hides the pane: last chance to save
        super().hideEvent(event)
