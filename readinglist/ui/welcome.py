"""The first-run state: what to do with an empty library, and what it can read."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .icons import app_icon, icon

FORMATS = (
    "BibTeX and biblatex (<code>.bib</code>)",
    "RIS (<code>.ris</code>) — Zotero, Mendeley, EndNote",
    "CSL-JSON (<code>.json</code>) — Zotero, Pandoc",
    "arXiv API responses (Atom <code>.xml</code>)",
    "a copied “trending papers” page: title line, then abstract line",
)


class WelcomePage(QWidget):
    importRequested = Signal()
    pasteRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        column = QVBoxLayout()
        column.setSpacing(14)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(logo)
        title = QLabel("Your reading list is empty", self)
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.6)
        f.setBold(True)
        title.setFont(f)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(title)
        items = "".join(f"<li>{x}</li>" for x in FORMATS)
        text = QLabel(
            "<p>Bring papers in any of these ways:</p>"
            "<ul><li><b>Import files</b> — Ctrl+O</li>"
            "<li><b>Paste</b> what you copied — Ctrl+Shift+V</li>"
            "<li><b>Drop files</b> anywhere on this window</li></ul>"
            f"<p>ReadingList understands:</p><ul>{items}</ul>"
            "<p>Duplicates are recognised by DOI, arXiv id and title.</p>",
            self,
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setMaximumWidth(520)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text)
        row.addStretch(1)
        column.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton(icon("import", "document-open"), "Import files…", self)
        self.import_button.clicked.connect(self.importRequested)
        self.paste_button = QPushButton(icon("paste", "edit-paste"), "Paste from clipboard", self)
        self.paste_button.clicked.connect(self.pasteRequested)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.paste_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        outer.addLayout(column)
        outer.addStretch(3)
