"""What an empty paper list says instead of showing a blank view (issue 11).

AND-combining tags that no paper has together, a search with no match, an empty
Trash: each gets a sentence on the list's viewport saying why it is empty and how to
get back. (An empty library shows the welcome page instead; see welcome.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QTableView

from readinglist.domain import Filter, Status

_STATUS_EMPTY = {
    Status.UNREAD: "No unread papers",
    Status.READING: "No papers being read",
    Status.READ: "No read papers",
}


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(f"“{n}”" for n in names)


def empty_text(f: Filter) -> tuple[str, str]:
    """(headline, what to do) for a list that `f` leaves empty."""
    if f.query:
        where = " in the Trash" if f.trashed else ""
        return (
            f"No papers{where} match “{f.query}”",
            "Esc clears the search; hover over the search field for its syntax.",
        )
    if f.trashed:
        return ("The Trash is empty", "Papers you delete wait here until you empty it.")
    if len(f.tags) > 1:
        return (
            "No papers have all of these tags",
            f"{_quoted(f.tags)}: Ctrl+click a tag in the sidebar to take it out.",
        )
    if f.tags and f.status is not None:
        return (f"{_STATUS_EMPTY[f.status]} tagged {_quoted(f.tags)}", "")
    if f.tags:
        return (f"No papers tagged {_quoted(f.tags)}", "")
    if f.status is not None:
        return (_STATUS_EMPTY[f.status], "")
    return ("No papers here", "The papers you moved to the Trash are there.")


class EmptyListNote(QLabel):
    """A centred note over the list's viewport while the list has no rows. It follows
    the model (a reset, rows removed or added) and asks `current_filter` why."""

    def __init__(self, view: QTableView, current_filter: Callable[[], Filter]) -> None:
        super().__init__(view.viewport())
        self._view = view
        self._filter = current_filter
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)  # every piece of text is escaped
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.setContentsMargins(24, 24, 24, 24)
        self.hide()
        model = view.model()
        model.modelReset.connect(self.refresh)
        model.rowsRemoved.connect(self.refresh)
        model.rowsInserted.connect(self.refresh)
        view.viewport().installEventFilter(self)

    def headline(self) -> str:
        """What the note says (empty while the list has rows)."""
        return "" if self.isHidden() else empty_text(self._filter())[0]

    def refresh(self) -> None:
        if self._view.model().rowCount() > 0:
            self.hide()
            return
        head, hint = empty_text(self._filter())
        text = f"<p style='font-size:large'><b>{escape(head)}</b></p>"
        if hint:
            text += f"<p>{escape(hint)}</p>"
        self.setText(text)
        self.setGeometry(self._view.viewport().rect())
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._view.viewport().rect())
        return False
