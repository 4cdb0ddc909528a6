"""The sidebar: Library (All, Unread, Reading, Read), Tags, Trash — with live counts.

A small QAbstractItemModel over typed nodes; each selectable node carries its part of
the filter. Selecting several nodes combines them: a status node gives the status,
every selected tag must match, and Trash shows the trash instead of the library.
The view reacts to a `Changes` value itself (`on_changes`): counts are re-read when
papers, statuses or tags changed, and nothing else. (Anki `browser/sidebar/tree.py`.)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QContextMenuEvent, QFont, QIcon, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTreeView, QWidget

from readinglist.domain import Changes, Counts, Filter, Status
from readinglist.library import Library

from .icons import row_icon, status_icon

Index = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class Kind(enum.Enum):
    SECTION = "section"
    ALL = "all"
    STATUS = "status"
    TAG = "tag"
    TRASH = "trash"


@dataclass(eq=False)
class Node:
    kind: Kind
    label: str
    status: Status | None = None
    tag: str = ""
    count: int | None = None
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    uid: int = 0

    @property
    def key(self) -> str:
        """Stable name for settings and for keeping the selection across refreshes."""
        if self.kind == Kind.STATUS and self.status is not None:
            return f"status:{self.status}"
        if self.kind == Kind.TAG:
            return f"tag:{self.tag}"
        if self.kind == Kind.SECTION:
            return f"section:{self.label}"
        return str(self.kind.value)


def filter_for(nodes: Iterable[Node]) -> Filter:
    """The combined filter of the selected nodes."""
    status: Status | None = None
    tags: list[str] = []
    trashed = False
    for n in nodes:
        if n.kind == Kind.STATUS:
            status = n.status
        elif n.kind == Kind.TAG:
            tags.append(n.tag)
        elif n.kind == Kind.TRASH:
            trashed = True
    if trashed:
        return Filter(tags=tuple(tags), trashed=True)
    return Filter(status=status, tags=tuple(tags))


_STATUS_LABELS = ((Status.UNREAD, "Unread"), (Status.READING, "Reading"), (Status.READ, "Read"))


class SidebarModel(QAbstractItemModel):
    COLUMNS = 2  # name, count

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._nodes: dict[int, Node] = {}
        self._top: list[Node] = []
        self._bold = QFont()
        self._bold.setBold(True)
        self._build(Counts(0, dict.fromkeys(Status, 0), {}, 0))

    # -- building ------------------------------------------------------------

    def _build(self, counts: Counts) -> None:
        self._nodes.clear()
        library = Node(Kind.SECTION, "Library")
        library.children = [Node(Kind.ALL, "All papers", count=counts.total)]
        library.children += [
            Node(Kind.STATUS, label, status=s, count=counts.by_status.get(s, 0))
            for s, label in _STATUS_LABELS
        ]
        tags = Node(Kind.SECTION, "Tags")
        tags.children = [Node(Kind.TAG, name, tag=name, count=n) for name, n in counts.tags.items()]
        trash = Node(Kind.TRASH, "Trash", count=counts.trash)
        self._top = [library, tags, trash]
        uid = 1
        for top in self._top:
            for n in [top, *top.children]:
                n.uid = uid
                self._nodes[uid] = n
                uid += 1
            for child in top.children:
                child.parent = top

    def set_counts(self, counts: Counts) -> bool:
        """Update counts; returns True when the tag list changed (the model was reset)."""
        tag_section = self._top[1]
        if [n.tag for n in tag_section.children] != list(counts.tags):
            self.beginResetModel()
            self._build(counts)
            self.endResetModel()
            return True
        new = {Kind.ALL: counts.total, Kind.TRASH: counts.trash}
        for node in self._nodes.values():
            if node.kind in new:
                node.count = new[node.kind]
            elif node.kind == Kind.STATUS and node.status is not None:
                node.count = counts.by_status.get(node.status, 0)
            elif node.kind == Kind.TAG:
                node.count = counts.tags.get(node.tag, 0)
        for top in self._top:
            rows = [top] if not top.children else top.children
            first, last = self.index_of(rows[0], 1), self.index_of(rows[-1], 1)
            self.dataChanged.emit(first, last, [Qt.ItemDataRole.DisplayRole])
        return False

    # -- lookups -------------------------------------------------------------

    def node(self, index: Index) -> Node | None:
        return self._nodes.get(index.internalId()) if index.isValid() else None

    def find(self, key: str) -> Node | None:
        return next((n for n in self._nodes.values() if n.key == key), None)

    def index_of(self, node: Node, column: int = 0) -> QModelIndex:
        siblings = node.parent.children if node.parent is not None else self._top
        return self.createIndex(siblings.index(node), column, node.uid)

    def tag_names(self) -> list[str]:
        return [n.tag for n in self._top[1].children]

    # -- Qt model API --------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= self.COLUMNS:
            return QModelIndex()
        parent_node = self.node(parent)
        siblings = parent_node.children if parent_node is not None else self._top
        if not 0 <= row < len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row].uid)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.index_of(node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self.node(parent)
        return len(node.children) if node is not None else len(self._top)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return self.COLUMNS

    def flags(self, index: Index) -> Qt.ItemFlag:
        node = self.node(index)
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        if node.kind == Kind.SECTION:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return node.label.upper() if node.kind == Kind.SECTION else node.label
            return "" if node.count is None else f"{node.count:,}"
        if role == KEY_ROLE:
            return node.key
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            node_icon = self._icon(node)
            return node_icon if node_icon is not None else None
        if role == Qt.ItemDataRole.FontRole and node.kind == Kind.SECTION:
            f = QFont()
            f.setPointSizeF(max(f.pointSizeF() * 0.85, 7))
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (col == 1 or node.kind == Kind.SECTION):
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole and node.kind == Kind.TAG:
            return f"{node.tag}: {node.count} papers — Ctrl+click to combine tags"
        return None

    @staticmethod
    def _icon(node: Node) -> QIcon | None:
        if node.kind == Kind.ALL:
            return row_icon("library")
        if node.kind == Kind.STATUS and node.status is not None:
            return status_icon(node.status)
        if node.kind == Kind.TAG:
            return row_icon("tag-small")
        if node.kind == Kind.TRASH:
            return row_icon("trash-small")
        return None


class SidebarView(QTreeView):
    """The tree; tells the window the combined filter and asks for tag menus."""

    filterChanged = Signal(object)  # Filter
    tagMenuRequested = Signal(str, object)  # tag, global QPoint
    countsChanged = Signal(object)  # Counts, after every re-read (the welcome page, status bar)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        model = SidebarModel(self)
        self._model = model
        self.tree_model = model
        self.setModel(model)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setUniformRowHeights(True)
        self.setIndentation(10)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QTreeView.Shape.NoFrame)
        self.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        h = self.header()
        h.setStretchLastSection(False)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.expandAll()
        model.modelReset.connect(self.expandAll)
        self.selectionModel().selectionChanged.connect(self._on_selection)
        self._quiet = False

    def on_changes(self, changes: Changes) -> None:
        """Papers came or went, a status or a tag changed: the counts (and the tag list)."""
        if changes.rows or changes.status or changes.tags:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        """Re-read the counts; a selected tag that is gone leaves the selection (the
        filter that follows is told)."""
        keys = self.selected_keys()
        counts = self._library.counts()
        if self._model.set_counts(counts):
            self.select_keys(keys, quiet=True)
            self.filterChanged.emit(self.current_filter())  # the list ignores the same one
        self.countsChanged.emit(counts)

    def selected_nodes(self) -> list[Node]:
        nodes = [self._model.node(i) for i in self.selectionModel().selectedRows(0)]
        return [n for n in nodes if n is not None]

    def selected_keys(self) -> list[str]:
        return [n.key for n in self.selected_nodes()]

    def current_filter(self) -> Filter:
        return filter_for(self.selected_nodes())

    def select_keys(self, keys: Sequence[str], *, quiet: bool = False) -> None:
        """Select these nodes (unknown keys are skipped; nothing left: All papers)."""
        nodes = [n for k in keys if (n := self._model.find(k)) is not None]
        if not nodes:
            all_node = self._model.find("all")
            assert all_node is not None
            nodes = [all_node]
        sel = QItemSelection()
        for n in nodes:
            sel.select(self._model.index_of(n, 0), self._model.index_of(n, 1))
        self._quiet = quiet
        try:
            self.selectionModel().select(sel, self.selectionModel().SelectionFlag.ClearAndSelect)
            self.selectionModel().setCurrentIndex(
                self._model.index_of(nodes[-1]), self.selectionModel().SelectionFlag.NoUpdate
            )
        finally:
            self._quiet = False

    def _on_selection(self) -> None:
        if self._quiet:
            return
        if not self.selected_nodes():  # never show "nothing": fall back to All
            self.select_keys(["all"])
            return
        self.filterChanged.emit(self.current_filter())

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        node = self._model.node(self.indexAt(event.pos()))
        if node is not None and node.kind == Kind.TAG:
            self.tagMenuRequested.emit(node.tag, event.globalPos())
