"""Small dialogs: import summary, export choices, add tag, keyboard shortcuts."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readinglist.domain import ExportFormat, ImportReport


class ExportScope(enum.Enum):
    SELECTION = "selection"
    FILTER = "filter"
    EVERYTHING = "everything"


EXPORT_FORMATS: dict[ExportFormat, tuple[str, str]] = {
    # format: (label, file-dialog filter)
    ExportFormat.BIBTEX: ("BibTeX", "BibTeX (*.bib)"),
    ExportFormat.BIBLATEX: ("biblatex", "biblatex (*.bib)"),
    ExportFormat.CSLJSON: ("CSL-JSON", "CSL-JSON (*.json)"),
    ExportFormat.MARKDOWN: ("Markdown", "Markdown (*.md)"),
}

EXTENSIONS = {
    ExportFormat.BIBTEX: ".bib",
    ExportFormat.BIBLATEX: ".bib",
    ExportFormat.CSLJSON: ".json",
    ExportFormat.MARKDOWN: ".md",
}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def summary_text(report: ImportReport) -> str:
    """One line for the status bar and the dialog's headline."""
    parts = [f"{_plural(len(report.added), 'paper')} added"]
    if report.duplicates:
        parts.append(f"{_plural(report.duplicates, 'duplicate')} skipped")
    if report.updated:
        parts.append(f"{len(report.updated):,} completed from duplicates")
    if report.problems:
        parts.append(_plural(len(report.problems), "problem"))
    if report.failed:
        parts.append(f"{_plural(len(report.failed), 'file')} could not be read")
    if report.skipped:
        parts.append(f"{len(report.skipped):,} passed over")
    return ", ".join(parts)


SKIPPED_SHOWN = 40  # a checkout can hold hundreds of junk files: the rest is counted


def skipped_lines(report: ImportReport) -> list[str]:
    """What a folder import passed over and why, e.g. "project/.venv — virtual environment"."""
    lines = [f"{p.file} — {p.message}" for p in report.skipped[:SKIPPED_SHOWN]]
    if len(report.skipped) > SKIPPED_SHOWN:
        lines.append(f"… and {len(report.skipped) - SKIPPED_SHOWN:,} more")
    return lines


@dataclass(frozen=True, slots=True)
class ImportShown:
    """How many of an import's new papers the list shows, and how many are selected,
    counted once the list has them: the summary says what is true (issue 11: it said
    "The new papers are selected" over an empty list still being fetched)."""

    added: int
    listed: int
    selected: int

    @classmethod
    def of(
        cls, added: Sequence[int], row_of: Callable[[int], int | None], selected: Sequence[int]
    ) -> ImportShown:
        new = set(added)
        listed = sum(1 for i in new if row_of(i) is not None)
        return cls(len(new), listed, len(new.intersection(selected)))

    def line(self) -> str:
        n, listed, selected = self.added, self.listed, self.selected
        if n == 0:
            return ""
        if listed == 0:
            return "The list does not show the new papers: choose All in the sidebar."
        where = "The new paper is" if n == 1 else f"The {n:,} new papers are"
        if listed < n:
            where = f"{listed:,} of the {n:,} new papers are"
        if selected == listed:
            return f"{where} selected in the list."
        if selected == 0:
            return f"{where} in the list."
        # a big import selects its first paper only (a huge selection stalls the window)
        return f"{where} in the list; the first is selected."


class ImportSummaryDialog(QDialog):
    """What an import did: added, duplicates, and every problem with file and line."""

    def __init__(
        self, report: ImportReport, parent: QWidget | None = None, shown: ImportShown | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        head = QLabel(summary_text(report) + ".")
        f = head.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        f.setBold(True)
        head.setFont(f)
        head.setWordWrap(True)
        layout.addWidget(head)
        # what the list shows of them (None: nobody counted, so nothing is claimed)
        self.shown_line = QLabel(shown.line() if shown is not None else "", self)
        self.shown_line.setVisible(bool(self.shown_line.text()))
        layout.addWidget(self.shown_line)
        # what duplicates did to papers already there, in plain words (issue 9)
        self.merges = QLabel("\n".join(report.merge_lines()), self)
        self.merges.setTextFormat(Qt.TextFormat.PlainText)
        self.merges.setWordWrap(True)
        self.merges.setVisible(bool(report.merges))
        layout.addWidget(self.merges)
        # folder imports: what was not taken (hidden and tool folders, junk files)
        self.skipped = QLabel("\n".join(skipped_lines(report)), self)
        self.skipped.setTextFormat(Qt.TextFormat.PlainText)  # file names are not markup
        self.skipped.setWordWrap(True)
        self.skipped.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if report.skipped:
            said = f"Passed over (not reference files), {_plural(len(report.skipped), 'item')}:"
            layout.addWidget(QLabel(said, self))
            layout.addWidget(self.skipped)
        else:
            self.skipped.hide()
        self.problems = QTableWidget(len(report.problems), 3, self)
        if report.problems:
            layout.addWidget(QLabel("These records or files could not be read:"))
            self.problems.setHorizontalHeaderLabels(["File", "Line", "Problem"])
            self.problems.verticalHeader().hide()
            self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.problems.setWordWrap(True)
            for row, p in enumerate(report.problems):
                name = p.file.replace("\\", "/").rsplit("/", 1)[-1]
                cells = (name, str(p.line) if p.line else "", p.message)
                for col, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setToolTip(p.file if col == 0 else text)
                    self.problems.setItem(row, col, item)
            self.problems.resizeColumnToContents(0)
            self.problems.resizeColumnToContents(1)
            self.problems.horizontalHeader().setStretchLastSection(True)
            self.problems.setMinimumHeight(180)
            layout.addWidget(self.problems)
            self.resize(720, 420)
        else:
            self.problems.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class ExportDialog(QDialog):
    """Which papers (selection / current view / everything) and which format."""

    def __init__(
        self,
        selected: int,
        in_view: int,
        total: int,
        parent: QWidget | None = None,
        fmt: ExportFormat = ExportFormat.BIBTEX,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self._scope = QButtonGroup(self)
        box = QVBoxLayout()
        self._buttons: dict[ExportScope, QRadioButton] = {}
        choices = (
            (ExportScope.SELECTION, f"Selected papers ({selected:,})", selected > 0),
            (ExportScope.FILTER, f"Papers in the current view ({in_view:,})", in_view > 0),
            (ExportScope.EVERYTHING, f"The whole library ({total:,})", total > 0),
        )
        for scope, label, enabled in choices:
            b = QRadioButton(label, self)
            b.setEnabled(enabled)
            self._scope.addButton(b)
            self._buttons[scope] = b
            box.addWidget(b)
        first = next((b for b in self._buttons.values() if b.isEnabled()), None)
        if first is not None:
            first.setChecked(True)
        form.addRow("Export:", box)
        self._format = QComboBox(self)
        for f, (label, _) in EXPORT_FORMATS.items():
            self._format.addItem(label, f)
        self._format.setCurrentIndex(list(EXPORT_FORMATS).index(fmt))
        form.addRow("Format:", self._format)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Export…")
        ok.setEnabled(first is not None)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def scope(self) -> ExportScope:
        return next(s for s, b in self._buttons.items() if b.isChecked())

    def format(self) -> ExportFormat:
        return ExportFormat(self._format.currentData())


def parse_tags(text: str) -> list[str]:
    """ "llm, to read ,, vision" -> ["llm", "to read", "vision"] (order kept, no repeats)."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        t = part.strip()
        if t and t.casefold() not in seen:
            seen[t.casefold()] = t
    return list(seen.values())


class AddTagDialog(QDialog):
    """A line edit with completion of existing tags; commas separate several tags."""

    def __init__(self, tags: Sequence[str], count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add tag")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Add tags to {_plural(count, 'paper')} (separate with commas):"))
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("e.g. to-read, diffusion")
        completer = QCompleter(list(tags), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(completer)
        layout.addWidget(self.edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def tags(self) -> list[str]:
        return parse_tags(self.edit.text())


# The names are the menu's (Paper -> Mark Read / Unread ...) and the README's: one
# name for one action everywhere (issue 11: Ctrl+U was "toggle" in one, "Mark unread"
# in the other; it marks unread, whatever the status was).
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+O", "Import files"),
    ("Ctrl+Shift+V", "Import from the clipboard"),
    ("Ctrl+E", "Export…"),
    ("Ctrl+Shift+C", "Copy BibTeX of the selection"),
    ("Ctrl+F", "Find (focus the search field)"),
    ("Esc", "Clear the search"),
    ("Ctrl+R", "Mark read / unread (toggles)"),
    ("Ctrl+Shift+R", "Mark reading / unread (toggles)"),
    ("Ctrl+U", "Mark unread"),
    ("Ctrl+T", "Add a tag to the selection"),
    ("F2", "Edit the paper's fields (Ctrl+Return saves, Esc cancels)"),
    ("Ctrl+Shift+L", "Complete the selection from arXiv / DOI"),
    ("Delete", "Move to the Trash"),
    ("Ctrl+Backspace", "Restore from the Trash (in the Trash view)"),
    ("Shift+Delete", "Delete permanently (in the Trash view)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    ("Ctrl+A", "Select all papers in the list"),
    ("F1", "This list of shortcuts"),
    ("Ctrl+Q", "Quit"),
)


class ShortcutsDialog(QDialog):
    """Every shortcut in a two-column table, sized to its text: no horizontal
    scrollbar at the size it opens with (issue 11), however wide the fonts are."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        table = QTableWidget(len(SHORTCUTS), 2, self)
        self.table = table
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.setShowGrid(False)
        table.setWordWrap(False)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for row, (keys, what) in enumerate(SHORTCUTS):
            k = QTableWidgetItem(keys)
            k.setFont(QFont(mono))
            table.setItem(row, 0, k)
            table.setItem(row, 1, QTableWidgetItem(what))
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Wide enough for both columns (plus a vertical scrollbar, should the rows
        # not fit) and tall enough for every row where the screen allows.
        frame = 2 * table.frameWidth()
        scrollbar = table.verticalScrollBar().sizeHint().width()
        content = table.columnWidth(0) + table.columnWidth(1) + frame + scrollbar
        rows = table.verticalHeader().length() + header.height() + frame
        margins = layout.contentsMargins()
        width = content + margins.left() + margins.right()
        height = rows + buttons.sizeHint().height() + layout.spacing()
        height += margins.top() + margins.bottom()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            width = min(width, screen.width() - 40)
            height = min(height, screen.height() - 80)
        self.resize(max(width, 440), max(height, 300))
