"""The tag editor of the detail pane: removable chips plus a line edit with completion.

The editor never writes: it asks (`addRequested`, `removeRequested`) and the main
window applies the change with undo, then hands the resulting `Changes` back.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


def parse_tags(text: str, present: Sequence[str] = ()) -> tuple[str, ...]:
    """Tags typed in the box ("a, b; c d"): trimmed, single-spaced, new ones only, no repeats."""
    have = {t.casefold() for t in present}
    out: dict[str, str] = {}
    for part in text.replace(";", ",").split(","):
        tag = " ".join(part.split())
        if tag and tag.casefold() not in have:
            out.setdefault(tag.casefold(), tag)
    return tuple(out.values())


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them, like words in a line of text."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line_height > 0:
                x, y = area.x(), y + line_height + self._spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + m.bottom()


class TagChip(QFrame):
    """One tag with a small remove button."""

    removeClicked = Signal(str)

    def __init__(self, tag: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tag = tag
        self.setObjectName("tagChip")
        # palette() roles keep the chip readable in light and dark themes
        self.setStyleSheet(
            "QFrame#tagChip { border: 1px solid palette(mid); border-radius: 10px;"
            " background: palette(alternate-base); }"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 1, 2, 1)
        row.setSpacing(2)
        self.label = QLabel(tag, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.label)
        self.remove_button = QToolButton(self)
        self.remove_button.setText("×")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove_button.setToolTip(f"Remove the tag “{tag}”")
        self.remove_button.setAccessibleName(f"Remove tag {tag}")
        self.remove_button.setStyleSheet("QToolButton { border: none; padding: 0 3px; }")
        self.remove_button.clicked.connect(lambda: self.removeClicked.emit(self.tag))
        row.addWidget(self.remove_button)


class TagEditor(QWidget):
    addRequested = Signal(object)  # tuple[str, ...]: tags to add to the shown paper
    removeRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tags: tuple[str, ...] = ()
        self._known: tuple[str, ...] = ()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self._chips_box = QWidget(self)
        self._chips = FlowLayout(self._chips_box)
        column.addWidget(self._chips_box)

        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText("Add tags (comma-separated), Enter to add")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setAccessibleName("Add tag")
        self.line_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._completion = QStringListModel(self)
        self.completer = QCompleter(self._completion, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.line_edit.setCompleter(self.completer)
        # Enter in the popup fills the box first; commit after it (empty box: no-op)
        self.completer.activated.connect(self._commit_later)
        self.line_edit.returnPressed.connect(self._return_pressed)
        column.addWidget(self.line_edit)

    def tags(self) -> tuple[str, ...]:
        return self._tags

    def set_tags(self, tags: Sequence[str]) -> None:
        tags = tuple(tags)
        if tags == self._tags and self._chips.count() == len(tags):
            return
        self._tags = tags
        while (item := self._chips.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        for tag in tags:
            chip = TagChip(tag, self._chips_box)
            chip.removeClicked.connect(self.removeRequested)
            self._chips.addWidget(chip)
        self._chips_box.setVisible(bool(tags))
        self._chips.invalidate()
        self._update_completion()

    def chips(self) -> list[TagChip]:
        out = []
        for i in range(self._chips.count()):
            item = self._chips.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, TagChip):
                out.append(widget)
        return out

    def set_known_tags(self, names: Sequence[str]) -> None:
        """Every tag in the library: what completion offers (minus the paper's own)."""
        self._known = tuple(names)
        self._update_completion()

    def _update_completion(self) -> None:
        have = {t.casefold() for t in self._tags}
        self._completion.setStringList([t for t in self._known if t.casefold() not in have])

    def _commit_later(self, text: str) -> None:
        # The completer inserts its choice after this signal; commit once it has.
        QTimer.singleShot(0, lambda: self._commit(text))

    def _return_pressed(self) -> None:
        popup = self.completer.popup()
        if popup is not None and popup.isVisible() and popup.currentIndex().isValid():
            return  # Enter picks the highlighted completion: `activated` commits it
        self._commit(self.line_edit.text())

    def _commit(self, text: str) -> None:
        tags = parse_tags(text, self._tags)
        self.line_edit.clear()
        if tags:
            self.addRequested.emit(tags)
