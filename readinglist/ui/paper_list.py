"""The paper list pane: the search field and count above the table (or the welcome
page of an empty library), its model, the listing runner, and the selection kept by
paper id across refreshes.

It reacts to a `Changes` value itself (`on_changes`): papers added, trashed or
restored re-list; a status, tag or field edit patches the rows in place and drops
the ones that no longer pass the filter (`Filter.matches`, the same test as the
SQL). (Anki `browser/table/table.py` `Table.op_executed`.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QByteArray, QItemSelection, QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from readinglist.domain import Changes, Counts, Filter, Listing, PaperRow
from readinglist.library import Library

from .empty_list import EmptyListNote
from .paper_table import AfterFirstPaint, PaperTableModel, restore_header, setup_view
from .search_field import ListingRunner, SearchField
from .welcome import WelcomePage

NO_SORT = (-1, Qt.SortOrder.AscendingOrder)
# Rows read before the window first shows (a tall screen shows ~80); the rest follow.
FIRST_ROWS = 200
# ...asked for after the first paint, or after this long if the window does not paint
REST_FALLBACK_MS = 500


class PaperList(QWidget):
    """Emits `selectionMoved` when the selected papers or the current one change
    (the window shows them in the detail pane), `queryChanged` on a new search."""

    selectionMoved = Signal()
    queryChanged = Signal(str)
    listFailed = Signal(str)  # a listing's LibraryError, for the status bar
    firstListShown = Signal()  # once: the window can open the search index now

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._sidebar_filter = Filter()
        self._user_sort: tuple[int, Qt.SortOrder] = NO_SORT
        self._awaiting: int | None = None  # generation of the listing we wait for
        self._select_next: list[int] | None = None  # ids to select when it arrives
        self._current: int | None = None  # the paper the selection points at
        self._pending = 0  # papers the last search matched outside the index
        self._listed_once = False
        self._as_you_type = False  # how the latest listing was asked for
        self._every_generation: int | None = None  # the request for every match
        self._rest_of_list = False  # the start-up's first rows shown, the rest not asked yet
        self._after_listing: list[Callable[[], None]] = []  # run when it has arrived
        self._menu_actions: tuple[list[QAction | None], list[QAction | None]] = ([], [])

        self.search = SearchField(self)
        self.match_label = QLabel(self)
        self.match_label.setMinimumWidth(110)
        self.match_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        search_row = QHBoxLayout()
        search_row.setContentsMargins(6, 6, 6, 4)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.match_label)

        self.model = PaperTableModel(self)
        self.view = QTableView(self)
        self.column_fit = setup_view(self.view, self.model)
        self.view.setFrameShape(QTableView.Shape.NoFrame)
        self.empty_note = EmptyListNote(self.view, self.current_filter)  # why it is empty
        self.welcome = WelcomePage(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.welcome)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(search_row)
        layout.addWidget(self.stack, 1)

        self.runner = ListingRunner(library, self)
        self.runner.ready.connect(self._on_listing)
        self.runner.failed.connect(self._on_listing_failed)
        self.search.searchChanged.connect(self._on_search)
        self.search.escapedEmpty.connect(self.view.setFocus)
        sm = self.view.selectionModel()
        sm.selectionChanged.connect(self._on_selection)
        sm.currentRowChanged.connect(self._on_selection)
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._on_sort)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

    # ------------------------------------------------------------------ state

    def restore(self, header: QByteArray | None, sort: tuple[int, Qt.SortOrder]) -> None:
        h = self.view.horizontalHeader()
        restore_header(self.view, self.column_fit, header)  # else: fit to content on show
        self._user_sort = sort
        h.blockSignals(True)
        h.setSortIndicator(*sort)
        h.blockSignals(False)
        self.model.sort(*sort)

    def header_state(self) -> QByteArray:
        return self.view.horizontalHeader().saveState()

    @property
    def user_sort(self) -> tuple[int, Qt.SortOrder]:
        """The column the user sorted by (a search lists in rank order meanwhile)."""
        return self._user_sort

    def set_context_actions(
        self, library: list[QAction | None], trash: list[QAction | None]
    ) -> None:
        """The right-click menu in the library and in the Trash (None: a separator)."""
        self._menu_actions = (library, trash)

    def stop(self) -> None:
        self.runner.stop()

    # ------------------------------------------------------------------ listing

    def query(self) -> str:
        return self.search.query()

    def current_filter(self) -> Filter:
        return dataclasses.replace(self._sidebar_filter, query=self.search.query())

    def set_sidebar_filter(self, f: Filter, *, refresh: bool = True) -> bool:
        """Show what the sidebar picked; False if it was shown already."""
        if f == self._sidebar_filter:
            return False
        self._sidebar_filter = f
        if refresh:
            self.refresh()
        return True

    def refresh(self, *, as_you_type: bool = False) -> None:
        """Fetch the current filter's rows on the listing thread (latest wins)."""
        self._as_you_type = as_you_type
        self._awaiting = self.runner.request(self.current_filter(), as_you_type=as_you_type)

    def fill_now(self) -> None:
        """The first fill, synchronous: the window appears with its list (start-up
        budget). The rows a screen shows are read here, the rest on the listing thread
        after the first paint (100k rows take ~0.6 s to read); a column sort needs
        every row to know the first ones, so it reads them all here."""
        f = self.current_filter()
        if self._user_sort[0] >= 0:
            self._apply_listing(self._library.listing(f))
            return
        wanted = self._select_next
        first = self._library.first_rows(f, FIRST_ROWS)
        partial = len(first.rows) < first.total
        self._apply_listing(first, partial=partial)
        if partial:
            if wanted and self.model.row_of(wanted[0]) is None:
                self._select_next = wanted  # further down: selected when the rest comes
            self._rest_of_list = True
            AfterFirstPaint(self.view.viewport(), self._load_rest_of_list, REST_FALLBACK_MS)

    def _load_rest_of_list(self) -> None:
        self._rest_of_list = False
        self.refresh()

    def list_ready(self) -> bool:
        """No listing is outstanding (tests wait on this)."""
        return self._awaiting is None and not self._rest_of_list

    def after_listing(self, fn: Callable[[], None]) -> None:
        """Run `fn` once the list shows what was asked for (at once when it does)."""
        if self.list_ready():
            fn()
        else:
            self._after_listing.append(fn)

    def _run_after_listing(self) -> None:
        waiting, self._after_listing = self._after_listing, []
        for fn in waiting:
            fn()

    def _on_listing(self, generation: int, f: Filter, listing: Listing) -> None:
        if generation != self._awaiting:
            return  # superseded by a newer request
        self._awaiting = None
        self._apply_listing(listing)
        if listing.total > len(listing.rows) and generation != self._every_generation:
            # the best hits first (fast as you type), then every match: the list
            # shows them all, scrolling is free (asked once: a count that still
            # differs, papers trashed meanwhile say, does not ask again)
            self._awaiting = self.runner.request(f, as_you_type=self._as_you_type, every=True)
            self._every_generation = self._awaiting
            return
        self._run_after_listing()

    def _on_listing_failed(self, generation: int, message: str) -> None:
        if generation == self._awaiting:
            self._awaiting = None
            self.listFailed.emit(message)
            self._run_after_listing()

    def _apply_listing(self, listing: Listing, *, partial: bool = False) -> None:
        keep = self._select_next
        current = self._current
        if keep is None:
            keep = self.selected_ids()
        else:
            current = keep[0] if keep else None
        self._select_next = None
        first_fill = self.model.rowCount() == 0
        self.model.set_rows(listing.rows)
        if not keep and first_fill and listing.rows and not self.search.query():
            keep = [self.model.row_at(0).id]  # something to read from the start
            current = keep[0]
        self._pending = listing.pending
        self._update_match_label(listing)
        self._select_ids(keep, current)
        if not self._listed_once and not partial:  # the whole list is in
            self._listed_once = True
            self.firstListShown.emit()

    def _update_match_label(self, listing: Listing | None = None) -> None:
        shown = self.model.rowCount()
        total = listing.total if listing is not None else shown
        if self.search.query():
            text = f"{total:,} match{'es' * (total != 1)}"
            if total > shown:
                text += f" (best {shown:,})"
            if self._pending > 0:  # matched outside the index, listed under the hits
                n = self._pending
                text += f" — {n:,} paper{'s' * (n != 1)} still being indexed"
        else:  # the total: the first rows at start-up are not all of them
            text = f"{total:,} paper{'s' * (total != 1)}"
        self.match_label.setText(text)

    def show_counts(self, counts: Counts) -> None:
        """An empty library (nothing in the Trash either) shows the welcome page."""
        empty = counts.total == 0 and counts.trash == 0
        self.stack.setCurrentWidget(self.welcome if empty else self.view)

    def _on_search(self, query: str) -> None:
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        # results in rank order until the user clicks a column; re-sorting an
        # already unsorted list would re-lay-out 100k rows on the first keystroke
        wanted = NO_SORT if query else self._user_sort
        header.setSortIndicator(*wanted)
        if self.model.sort_state[0] >= 0 or wanted[0] >= 0:
            self.model.sort(*wanted)
        header.blockSignals(False)
        self.refresh(as_you_type=bool(query))
        self.queryChanged.emit(query)

    def _on_sort(self, column: int, order: Qt.SortOrder) -> None:
        if not self.search.query():
            self._user_sort = (column, order)

    def on_index_caught_up(self) -> None:
        if self.search.query():
            self.refresh()  # the papers just indexed are ranked now

    # ------------------------------------------------------------------ changes

    def on_changes(self, changes: Changes) -> None:
        """Papers came or went: re-list. Status, tags or fields of some papers: patch
        those rows in place (and drop the ones the filter no longer passes)."""
        if changes.rows:
            self.refresh()
        elif changes.paper_ids and (changes.status or changes.tags or changes.fields):
            self._patch_rows(changes.paper_ids)

    def _patch_rows(self, ids: frozenset[int]) -> None:
        present = [i for i in ids if self.model.row_of(i) is not None]
        f = self.current_filter()
        if present:
            # list rows only (no abstracts, authors JSON or ORM objects): cheap for 1,000s
            fresh = {r.id: r for r in self._library.rows(present)}
            self.model.update_rows(fresh)
            # a status or tag edit never moves a paper in or out of the Trash
            gone = [r.id for r in fresh.values() if not f.matches(r, trashed=f.trashed)]
            if gone:
                self.model.remove_ids(gone)
                self._on_selection()
        # papers outside the view may now match it (undo in the Unread view, say)
        narrowed = f.status is not None or bool(f.tags) or bool(f.query)
        if narrowed and len(present) < len(ids):
            self.refresh()
        self._update_match_label()

    # ------------------------------------------------------------------ selection

    def _selected_row_numbers(self) -> list[int]:
        # From the selection's ranges, not QItemSelectionModel.selectedRows(): that one
        # checks every row against every range, quadratic for 1,000 scattered rows.
        # The view selects whole rows, so each range spans every column.
        rows: set[int] = set()
        sel = self.view.selectionModel().selection()
        for n in range(sel.size()):
            rng = sel.at(n)
            rows.update(range(rng.top(), rng.bottom() + 1))
        return sorted(rows)

    def selected_ids(self) -> list[int]:
        return [self.model.row_at(r).id for r in self._selected_row_numbers()]

    def selected_rows(self) -> list[PaperRow]:
        return [self.model.row_at(r) for r in self._selected_row_numbers()]

    def has_selection(self) -> bool:
        return bool(self.view.selectionModel().hasSelection())

    def current_id(self) -> int | None:
        """The paper the detail pane shows: the current row if selected, else the first."""
        return self._current

    def select_ids(self, ids: Sequence[int]) -> None:
        self._select_ids(list(ids), ids[0] if ids else None)

    def select_after_listing(self, ids: Sequence[int]) -> None:
        """Select these papers when the next listing arrives (new papers, say)."""
        self._select_next = list(ids)

    def select_after_removal(self, ids: Sequence[int]) -> None:
        """Keep the cursor near where it was: select the paper after the removed ones
        once the list has followed."""
        model = self.model
        rows = sorted(r for i in ids if (r := model.row_of(i)) is not None)
        gone = set(ids)
        after = [model.row_at(n).id for n in range(rows[-1] + 1, model.rowCount())] if rows else []
        before = [model.row_at(n).id for n in range(rows[0] - 1, -1, -1)] if rows else []
        nxt = next((i for i in after + before if i not in gone), None)
        self._select_next = [nxt] if nxt is not None else []

    def _select_ids(self, ids: Iterable[int], current: int | None) -> None:
        model = self.model
        rows = sorted({r for i in ids if (r := model.row_of(i)) is not None})
        sel = QItemSelection()
        last = model.columnCount() - 1
        for start, end in _runs(rows):  # one range per run: fast for thousands of rows
            sel.select(model.index(start, 0), model.index(end, last))
        sm = self.view.selectionModel()
        sm.blockSignals(True)
        sm.select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        cur_row = model.row_of(current) if current is not None else None
        if cur_row is None and rows:
            cur_row = rows[0]
        if cur_row is not None:
            sm.setCurrentIndex(model.index(cur_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.view.scrollTo(model.index(cur_row, 0))
        else:
            sm.clearCurrentIndex()
        sm.blockSignals(False)
        self.view.viewport().update()
        self._on_selection()

    def _on_selection(self, *_: object) -> None:
        sm = self.view.selectionModel()
        cur = sm.currentIndex()
        if cur.isValid() and sm.isRowSelected(cur.row()):
            self._current = self.model.row_at(cur.row()).id
        else:
            rows = self._selected_row_numbers()
            self._current = self.model.row_at(rows[0]).id if rows else None
        self.selectionMoved.emit()

    def _context_menu(self, pos: QPoint) -> None:
        items = self._menu_actions[1 if self._sidebar_filter.trashed else 0]
        if not items:
            return
        menu = QMenu(self)
        for act in items:
            menu.addSeparator() if act is None else menu.addAction(act)
        menu.exec(self.view.viewport().mapToGlobal(pos))


def _runs(rows: Sequence[int]) -> Iterable[tuple[int, int]]:
    """(first, last) of each run of consecutive numbers in sorted `rows`."""
    start = prev = None
    for r in rows:
        if start is None or prev is None:
            start = prev = r
        elif r == prev + 1:
            prev = r
        else:
            yield start, prev
            start = prev = r
    if start is not None and prev is not None:
        yield start, prev
