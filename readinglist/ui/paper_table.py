"""The paper list: a table model over a tuple of PaperRow, and its view's setup.

The model sorts itself (no proxy): sorting 100k rows with a Python key function
takes a fraction of a second, while a QSortFilterProxyModel would call back into
Python for every comparison. Rows come in one piece from `Library.list`; scrolling
only reads the tuple, never the database.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from readinglist.domain import UNTITLED, PaperRow, Status
from readinglist.library import display_text

from .icons import status_icon

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_STATUS_ORDER = {Status.UNREAD: 0, Status.READING: 1, Status.READ: 2}
_STATUS_LABEL = {Status.UNREAD: "Unread", Status.READING: "Reading", Status.READ: "Read"}

Index = QModelIndex | QPersistentModelIndex
_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        ID_ROLE,
        SORT_ROLE,
    )
)


class Column(enum.IntEnum):
    TITLE = 0
    AUTHORS = 1
    YEAR = 2
    STATUS = 3
    TAGS = 4
    ADDED = 5


_COLUMNS = len(Column)  # enum len() is a slow call in a hot path

HEADERS = {
    Column.TITLE: "Title",
    Column.AUTHORS: "Authors",
    Column.YEAR: "Year",
    Column.STATUS: "Status",
    Column.TAGS: "Tags",
    Column.ADDED: "Added",
}


def _year_key(r: PaperRow) -> tuple[bool, int]:
    return (r.year is None, r.year or 0)


SORT_KEYS: dict[Column, Callable[[PaperRow], Any]] = {
    Column.TITLE: lambda r: r.title.casefold(),
    Column.AUTHORS: lambda r: r.authors.casefold(),
    Column.YEAR: _year_key,
    Column.STATUS: lambda r: _STATUS_ORDER[r.status],
    Column.TAGS: lambda r: ", ".join(r.tags).casefold(),
    Column.ADDED: lambda r: r.added_at,
}


@functools.lru_cache(maxsize=4096)
def _local_date(when: datetime) -> str:
    # cached: painting asks again for every visible row, and an import stamps all
    # its papers with one timestamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().strftime("%Y-%m-%d")


def _title_text(title: str) -> str:
    """The title as shown: [untitled] is a placeholder only (the stored title stays ""),
    and LaTeX (`$\\alpha$`) is shown as text. Most titles have no `\\` or `$`, and
    display_text caches the rest, so painting 100k rows parses each title once at most."""
    if not title:
        return UNTITLED
    return display_text(title) if "\\" in title or "$" in title else title


class PaperTableModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._listing: list[PaperRow] = []  # as the library gave them (rank/newest)
        self._listing_pos: dict[int, int] | None = None  # id -> index in _listing, lazily
        self._rows: list[PaperRow] = []  # as shown (sorted)
        self._row_of: dict[int, int] = {}
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._bold = QFont()
        self._bold.setBold(True)

    # -- Qt model API --------------------------------------------------------

    # Qt calls these two from C++ for every index it checks (60,000 times when a
    # 10k-row selection is first painted): keep them to a constant and a len().
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:  # a painted cell asks ~10 roles; most are not ours
            return None
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == ID_ROLE:
            return r.id
        if role == SORT_ROLE:
            return SORT_KEYS[Column(col)](r) if 0 <= col < len(Column) else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if r.status == Status.UNREAD else None
        if role == Qt.ItemDataRole.DecorationRole and col == Column.STATUS:
            return status_icon(r.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == Column.TITLE:
                return _title_text(r.title)
            if col == Column.AUTHORS:
                return r.authors
            if col == Column.TAGS and r.tags:
                return ", ".join(r.tags)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Column.YEAR:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(r: PaperRow, col: int) -> str:
        if col == Column.TITLE:
            return _title_text(r.title)
        if col == Column.AUTHORS:
            return r.authors
        if col == Column.YEAR:
            return "" if r.year is None else str(r.year)
        if col == Column.STATUS:
            return _STATUS_LABEL[r.status]
        if col == Column.TAGS:
            return ", ".join(r.tags)
        if col == Column.ADDED:
            return _local_date(r.added_at)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Column -1 restores the library's order (newest first, or rank when searching)."""
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._rows[p.row()].id if p.row() < len(self._rows) else -1 for p in persistent]
        self._rows = self._sorted(list(self._listing))
        self._reindex()
        new = [
            self.index(self._row_of[i], p.column()) if i in self._row_of else QModelIndex()
            for p, i in zip(persistent, ids, strict=True)
        ]
        self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    # -- our API -------------------------------------------------------------

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort

    def set_rows(self, rows: Sequence[PaperRow]) -> None:
        """Replace everything (the view's selection is restored by id by the caller)."""
        self.beginResetModel()
        self._listing = list(rows)
        self._listing_pos = None
        self._rows = self._sorted(list(self._listing))
        self._reindex()
        self.endResetModel()

    def rows(self) -> list[PaperRow]:
        return list(self._rows)

    def row_at(self, row: int) -> PaperRow:
        return self._rows[row]

    def row_of(self, paper_id: int) -> int | None:
        return self._row_of.get(paper_id)

    def ids(self) -> Collection[int]:
        return self._row_of.keys()

    def update_rows(self, changed: Mapping[int, PaperRow]) -> None:
        """Replace rows in place (status or tags changed); order is left alone."""
        touched = [self._row_of[i] for i in changed if i in self._row_of]
        if not touched:
            return
        for n in touched:
            self._rows[n] = changed[self._rows[n].id]
        if not 0 <= self._sort[0] < len(Column):  # the library's order: same positions
            for n in touched:
                self._listing[n] = self._rows[n]
        else:  # no pass over every row (100k) to replace a few
            if self._listing_pos is None:
                self._listing_pos = {r.id: n for n, r in enumerate(self._listing)}
            for i, row in changed.items():
                if (at := self._listing_pos.get(i)) is not None:
                    self._listing[at] = row
        # one signal over the span, not one per run: 1,000 scattered rows would be
        # 1,000 emits, each a trip through the view; the view repaints only what shows
        self.dataChanged.emit(
            self.index(min(touched), 0), self.index(max(touched), len(Column) - 1)
        )

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Drop rows that no longer belong in the view, in contiguous runs."""
        rows = sorted({self._row_of[i] for i in ids if i in self._row_of})
        if not rows:
            return
        for lo, hi in reversed(list(_runs(rows))):
            self.beginRemoveRows(QModelIndex(), lo, hi)
            del self._rows[lo : hi + 1]
            self.endRemoveRows()
        gone = set(ids)
        self._listing = [r for r in self._listing if r.id not in gone]
        self._listing_pos = None
        self._reindex()

    def _sorted(self, rows: list[PaperRow]) -> list[PaperRow]:
        column, order = self._sort
        if 0 <= column < len(Column):
            rows.sort(key=SORT_KEYS[Column(column)], reverse=order == Qt.SortOrder.DescendingOrder)
        return rows

    def _reindex(self) -> None:
        self._row_of = {r.id: n for n, r in enumerate(self._rows)}


def _runs(sorted_rows: Sequence[int]) -> Iterable[tuple[int, int]]:
    """[1,2,3,7,8] -> (1,3), (7,8)."""
    if not sorted_rows:
        return
    lo = hi = sorted_rows[0]
    for n in sorted_rows[1:]:
        if n == hi + 1:
            hi = n
        else:
            yield lo, hi
            lo = hi = n
    yield lo, hi


# The most of the list's width a column other than Title takes when fitted to its
# content; Title stretches over the rest.
_FIT_SHARE = {Column.AUTHORS: 0.22, Column.TAGS: 0.14}
_FIT_SHARE_DEFAULT = 0.12
# rows looked at when fitting: 0 is Qt's "the visible ones only" (what the first
# paint shows; 200 more cost ~20 ms of start-up at 10k papers, each cell asking the
# model for ten roles)
_FIT_ROWS = 0


class ColumnFit(QObject):
    """Sizes the columns to their content the first time the list shows rows, Title
    taking the rest: a trending page's papers have no authors, year or tags, and the
    fixed widths let those empty columns take the space while titles were cut at ~30
    characters (issue 11). Once, and never over a remembered header (`restored`):
    the widths a user chose win on later starts."""

    def __init__(self, view: QTableView, model: PaperTableModel) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._wanted = True
        model.modelReset.connect(self._maybe_fit)
        view.installEventFilter(self)  # shown (the welcome page gave way) or resized

    @property
    def wanted(self) -> bool:
        """Not fitted yet, and no remembered widths."""
        return self._wanted

    def restored(self) -> None:
        self._wanted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._wanted and event.type() in (QEvent.Type.Show, QEvent.Type.Resize):
            self._maybe_fit()
        return False

    def _maybe_fit(self) -> None:
        # hidden (the welcome page, or the window not shown yet), there is no width to
        # share out; the Show event brings us back
        if not self._wanted or not self._view.isVisible() or self._model.rowCount() == 0:
            return
        self._wanted = False
        fit_columns(self._view)


def fit_columns(view: QTableView) -> None:
    """Each column but Title as wide as its header and the rows on show need (within
    its share of the width); Title stretches over what is left."""
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(_FIT_ROWS)
    width = view.viewport().width()
    for col in Column:
        if col == Column.TITLE or header.isSectionHidden(col):
            continue
        own = header.sectionSizeFromContents(col).width()  # label and sort arrow
        content = view.sizeHintForColumn(col)
        cap = max(own, int(width * _FIT_SHARE.get(col, _FIT_SHARE_DEFAULT)))
        header.resizeSection(col, min(max(own, content), cap))


def restore_header(view: QTableView, fit: ColumnFit, state: QByteArray | None) -> None:
    """The remembered column order, widths and hidden columns, when there are any: they
    win over fitting to content."""
    if state is not None and view.horizontalHeader().restoreState(state):
        fit.restored()


def setup_view(view: QTableView, model: PaperTableModel) -> ColumnFit:
    """A plain, dense, sortable table: widths fit the content when first shown (the
    ColumnFit returned), title takes the rest."""
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setTabKeyNavigation(False)
    view.setDragEnabled(False)
    vh = view.verticalHeader()
    vh.hide()
    # Fixed row height: Qt never measures 100k rows to lay them out.
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(view.fontMetrics().height() + 10)
    h = view.horizontalHeader()
    h.setSectionsMovable(True)
    h.setHighlightSections(False)
    h.setStretchLastSection(False)
    h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    h.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
    widths = {
        Column.AUTHORS: 150,
        Column.YEAR: 48,
        Column.STATUS: 84,
        Column.TAGS: 100,
        Column.ADDED: 86,
    }
    for col, width in widths.items():
        h.resizeSection(col, width)
    h.setMinimumSectionSize(36)
    # No indicator: the library's own order (newest first, or rank when searching);
    # clicking a header sorts, a third click returns to that order.
    h.setSortIndicatorClearable(True)
    h.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    return ColumnFit(view, model)
