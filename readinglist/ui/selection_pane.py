"""The paper pane when several papers are selected: "N papers selected", what applies
to all of them (status, add/remove tag, export, trash) and the tags they share.

Shown instead of one paper's details so it is clear what a tag or status will apply
to (issue 11: 224 selected rows showed one paper with its own tag box). Like the
detail pane it never writes: it asks, and the main window applies with undo.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from ..domain import PaperRow, Status
from .icons import icon, status_icon
from .tag_editor import FlowLayout, TagEditor

_MARK = {Status.UNREAD: "Mark unread", Status.READING: "Mark reading", Status.READ: "Mark read"}
_COUNT = {Status.UNREAD: "unread", Status.READING: "reading", Status.READ: "read"}


def common_tags(rows: Sequence[PaperRow]) -> tuple[str, ...]:
    """The tags every row has (case-insensitively), spelled as the first row has them."""
    if not rows:
        return ()
    shared = {t.casefold() for t in rows[0].tags}
    for r in rows[1:]:
        shared &= {t.casefold() for t in r.tags}
        if not shared:
            break
    return tuple(t for t in rows[0].tags if t.casefold() in shared)


def status_summary(rows: Sequence[PaperRow]) -> str:
    """ "3 unread · 2 read", in the order of the sidebar."""
    counts = Counter(r.status for r in rows)
    return " · ".join(f"{counts[s]:,} {_COUNT[s]}" for s in Status if counts[s])


class SelectionPane(QWidget):
    statusRequested = Signal(object)  # domain.Status for every selected paper
    tagsAddRequested = Signal(object)  # tuple[str, ...] added to every selected paper
    tagRemoveRequested = Signal(str)  # removed from every selected paper
    exportRequested = Signal()
    trashRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(10)

        self.heading = QLabel(self)
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        column.addWidget(self.heading)
        self.summary_label = QLabel(self)
        self.summary_label.setEnabled(False)  # muted, like the venue line of a paper
        column.addWidget(self.summary_label)

        status_box = QWidget(self)
        status_flow = FlowLayout(status_box, spacing=6)
        self.status_buttons: dict[Status, QToolButton] = {}
        for status in Status:
            button = QToolButton(status_box)
            button.setText(_MARK[status])
            button.setIcon(status_icon(status))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.clicked.connect(lambda _=False, s=status: self.statusRequested.emit(s))
            self.status_buttons[status] = button
            status_flow.addWidget(button)
        column.addWidget(status_box)

        self.tags_caption = QLabel(self)
        self.tags_caption.setWordWrap(True)
        column.addWidget(self.tags_caption)
        self.tag_editor = TagEditor(self)
        self.tag_editor.addRequested.connect(self.tagsAddRequested)
        self.tag_editor.removeRequested.connect(self.tagRemoveRequested)
        column.addWidget(self.tag_editor)

        actions = QWidget(self)
        actions_flow = FlowLayout(actions, spacing=6)
        self.export_button = QPushButton(icon("export", "document-save-as"), "Export…", actions)
        self.export_button.clicked.connect(self.exportRequested)
        actions_flow.addWidget(self.export_button)
        self.trash_button = QPushButton(icon("trash", "user-trash"), "Move to Trash", actions)
        self.trash_button.clicked.connect(self.trashRequested)
        actions_flow.addWidget(self.trash_button)
        column.addWidget(actions)
        column.addStretch(1)

    def ids(self) -> list[int]:
        """The papers shown (the selection as last handed in)."""
        return list(self._ids)

    def show_rows(self, rows: Sequence[PaperRow], known_tags: Sequence[str] = ()) -> None:
        """Show what `rows` (the selection) have in common."""
        self._ids = [r.id for r in rows]
        n = len(rows)
        self.heading.setText(f"{n:,} papers selected")
        self.summary_label.setText(status_summary(rows))
        shared = common_tags(rows)
        self.tags_caption.setText(
            "Tags all of them have (× removes it from all; a tag typed below is added to all):"
            if shared
            else "No tag is shared by all of them. A tag typed below is added to all:"
        )
        self.tag_editor.set_tags(shared)
        self.tag_editor.set_known_tags(known_tags)
        self.trash_button.setToolTip(f"Move these {n:,} papers to the Trash (Delete)")
        self.export_button.setToolTip(f"Export these {n:,} papers (Ctrl+E)")
