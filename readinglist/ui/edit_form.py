"""The paper pane's Edit mode (F2): a form over one paper's bibliographic fields.

The form never writes. It checks what is typed as it is typed — through
`Library.check_edit`, the same rules `edit_paper` applies, so the window and the
CLI can never disagree — shows each message in red under its field, keeps Save
disabled while anything is wrong, and on Save hands the fields that differ from the
paper as one `PaperEdit` to whoever listens (the window pushes it as one undo step).
Esc cancels, Ctrl+Return saves.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..domain import ENTRY_TYPES, NO_YEAR, LibraryError, PaperDetail, PaperEdit
from ..library import Library

ERROR_STYLE = "color: #d64541;"  # the pane's own error red
HINT_CHARS = 300  # of an imported value shown under its field


class _Plain(QPlainTextEdit):
    """A plain-text box whose Tab moves on (a form field, not a code editor)."""

    def __init__(self, parent: QWidget, lines: int) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        height = self.fontMetrics().lineSpacing() * lines + 12
        self.setMinimumHeight(height)
        self.setMaximumHeight(height * 3)


class PaperEditForm(QWidget):
    saveRequested = Signal(object)  # PaperEdit: the fields that differ from the paper
    cancelled = Signal()

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._paper: PaperDetail | None = None
        self._filling = False

        self.title_edit = QLineEdit(self)
        self.authors_edit = _Plain(self, 4)
        self.authors_edit.setPlaceholderText("One per line: Family, Given — or {Corporate Name}")
        self.year_edit = QLineEdit(self)
        self.year_edit.setPlaceholderText("e.g. 2022")
        self.year_edit.setMaxLength(6)
        self.venue_edit = QLineEdit(self)
        self.venue_edit.setPlaceholderText("Journal, proceedings or publisher")
        self.type_combo = QComboBox(self)
        self.type_combo.addItems(ENTRY_TYPES)
        self.doi_edit = QLineEdit(self)
        self.doi_edit.setPlaceholderText("10.NNNN/…")
        self.arxiv_edit = QLineEdit(self)
        self.arxiv_edit.setPlaceholderText("2202.04200")
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("https://…")
        self.key_edit = QLineEdit(self)
        self.pin_check = QCheckBox("Pin key", self)
        self.pin_check.setToolTip("Never change this key (imports never change a typed key)")
        self.abstract_edit = _Plain(self, 6)

        self.errors: dict[str, QLabel] = {}
        self.import_hints: dict[str, QLabel] = {}
        fields = QWidget(self)
        form = QFormLayout(fields)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        key_row = QWidget(fields)
        key_layout = QHBoxLayout(key_row)
        key_layout.setContentsMargins(0, 0, 0, 0)
        key_layout.addWidget(self.key_edit, 1)
        key_layout.addWidget(self.pin_check)
        rows: tuple[tuple[str, str, QWidget], ...] = (
            ("title", "&Title", self.title_edit),
            ("authors", "&Authors", self.authors_edit),
            ("year", "&Year", self.year_edit),
            ("venue", "&Venue", self.venue_edit),
            ("entry_type", "T&ype", self.type_combo),
            ("doi", "&DOI", self.doi_edit),
            ("arxiv_id", "a&rXiv id", self.arxiv_edit),
            ("url", "&URL", self.url_edit),
            ("citation_key", "&Key", key_row),
            ("abstract", "A&bstract", self.abstract_edit),
        )
        for name, label, widget in rows:
            box = QWidget(fields)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(widget)
            error = QLabel(box)
            error.setObjectName(f"error-{name}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            column.addWidget(error)
            self.errors[name] = error
            # what the last import said where it differed (the pane's "review" line)
            hint = QLabel(box)
            hint.setObjectName(f"import-{name}")
            hint.setTextFormat(Qt.TextFormat.PlainText)
            hint.setWordWrap(True)
            hint.setEnabled(False)  # muted text in any palette
            hint.hide()
            column.addWidget(hint)
            self.import_hints[name] = hint
            caption = QLabel(label, fields)
            caption.setBuddy(self.key_edit if widget is key_row else widget)
            form.addRow(caption, box)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(fields)

        self.heading = QLabel("Edit paper", self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save the changes (Ctrl+Return); Ctrl+Z undoes them")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Leave without saving (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.heading, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 12, 12, 12)
        outer.addLayout(buttons)
        outer.addWidget(scroll, 1)

        within = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("Esc", self.cancel),
            ("Ctrl+Return", self.save),
            ("Ctrl+Enter", self.save),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(within)
            shortcut.activated.connect(slot)

        for line in (
            self.title_edit,
            self.year_edit,
            self.venue_edit,
            self.doi_edit,
            self.arxiv_edit,
            self.url_edit,
            self.key_edit,
        ):
            line.textChanged.connect(self.validate)
        for box in (self.authors_edit, self.abstract_edit):
            box.textChanged.connect(self.validate)
        self.type_combo.currentTextChanged.connect(self.validate)
        self.pin_check.toggled.connect(self.validate)

    # ------------------------------------------------------------------ public API

    def paper_id(self) -> int | None:
        return self._paper.id if self._paper is not None else None

    def start(self, paper: PaperDetail) -> None:
        """Fill the form with `paper` as the library has it."""
        self._paper = paper
        self._filling = True
        try:
            self.title_edit.setText(paper.title)
            self.authors_edit.setPlainText(self._library.author_lines(paper.authors))
            self.year_edit.setText("" if paper.year is None else str(paper.year))
            self.venue_edit.setText(paper.venue)
            kind = paper.entry_type or "misc"
            if self.type_combo.findText(kind) < 0:
                self.type_combo.addItem(kind)  # an imported biblatex type stays choosable
            self.type_combo.setCurrentText(kind)
            self.doi_edit.setText(paper.doi)
            self.arxiv_edit.setText(paper.arxiv_id)
            self.url_edit.setText(paper.url)
            self.key_edit.setText(paper.citation_key)
            self.pin_check.setChecked(paper.key_pinned)
            self.abstract_edit.setPlainText(paper.abstract)
        finally:
            self._filling = False
        for line in (self.title_edit, self.venue_edit, self.doi_edit, self.url_edit):
            line.setCursorPosition(0)
        for name, hint in self.import_hints.items():
            said = paper.conflicts.get(name)
            if said is not None:
                said = said if len(said) <= HINT_CHARS else said[:HINT_CHARS] + "…"
                hint.setText(f"The last import said: {said} — Save keeps what is here")
            hint.setVisible(said is not None)
        self.validate()
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def edit(self) -> PaperEdit:
        """The fields that differ from the paper the form was filled with."""
        p = self._paper
        if p is None:
            return PaperEdit()

        def differs(new: str, old: str) -> str | None:
            return new if new.strip() != old.strip() else None

        authors_text = self.authors_edit.toPlainText()
        authors = None
        if authors_text.strip() != self._library.author_lines(p.authors).strip():
            authors = self._library.parse_authors(authors_text)
            if authors == p.authors:
                authors = None
        year_text = self.year_edit.text().strip()
        year = None
        if year_text != ("" if p.year is None else str(p.year)):
            year = NO_YEAR if not year_text else int(year_text) if year_text.isdigit() else -1
        pinned = self.pin_check.isChecked()
        edit = PaperEdit(
            title=differs(self.title_edit.text(), p.title),
            authors=authors,
            year=year,
            venue=differs(self.venue_edit.text(), p.venue),
            entry_type=differs(self.type_combo.currentText(), p.entry_type or "misc"),
            doi=differs(self.doi_edit.text(), p.doi),
            arxiv_id=differs(self.arxiv_edit.text(), p.arxiv_id),
            url=differs(self.url_edit.text(), p.url),
            citation_key=differs(self.key_edit.text(), p.citation_key),
            key_pinned=pinned if pinned != p.key_pinned else None,
            abstract=differs(self.abstract_edit.toPlainText(), p.abstract),
        )
        # a field the last import disputed is decided by saving the form: it is set
        # (to what it is) so its note goes; the others stay as they are
        reviewed = {
            name: getattr(p, name)
            for name in self.import_hints
            if name in p.conflicts and getattr(edit, name) is None
        }
        return dataclasses.replace(edit, **reviewed) if reviewed else edit

    def problems(self) -> dict[str, str]:
        """Field -> message for what is typed now (empty: Save may go ahead)."""
        if self._paper is None:
            return {}
        edit = self.edit()
        found: dict[str, str] = {}
        if edit.year == -1:
            found["year"] = "a year is a number such as 2022"
            edit = dataclasses.replace(edit, year=None)
        try:
            found.update(self._library.check_edit(self._paper.id, edit))
        except LibraryError as exc:  # the library went away meanwhile: say so, save nothing
            found["title"] = str(exc)
        return found

    def validate(self) -> bool:
        if self._filling:
            return False
        found = self.problems()
        for name, label in self.errors.items():
            label.setText(found.get(name, ""))
            label.setVisible(name in found)
        self.save_button.setEnabled(not found)
        return not found

    def save(self) -> None:
        if self._paper is None or not self.validate():
            return
        self.saveRequested.emit(self.edit())

    def cancel(self) -> None:
        self.cancelled.emit()
