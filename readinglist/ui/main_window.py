"""The main window: sidebar | search + paper list | detail pane.

The window owns the wiring. Every write returns a `Changes`; `apply_changes` hands it
to each pane, which refreshes only what the flags name (ARCHITECTURE rule 2). Lists
are fetched on the listing thread (search_field.ListingRunner), long work on the
single-worker TaskRunner; edits with undo go through `undo.py` commands.

How the panes learn about changes — one way, `apply_changes(Changes)`:
- this window's own writes (commands, undo, a note saved in the detail pane) hand
  their `Changes` to it;
- writes by another process (the CLI while the window is open) are noticed by ONE
  mechanism: a timer (EXTERNAL_CHECK_MS) compares the database's change number with
  the last one seen — one indexed SQL read — and turns a move into
  `EXTERNAL_CHANGES` (everything may have changed: counts, list, detail);
- the background indexer's `on_caught_up` callback is a Qt signal here (`indexCaughtUp`,
  queued from its thread): the index label clears and a search is re-run so the
  papers just indexed are ranked.
There is no other polling and no check on window activation.
"""

from __future__ import annotations

import dataclasses
import gc
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from readinglist.domain import Changes, Filter, LibraryError, Listing, PaperRow
from readinglist.library import DatabaseDamaged, Library, database_trouble

from .actions import build_actions, build_menus, build_toolbar
from .damage_box import damage_box
from .detail_pane import DetailPane
from .empty_list import EmptyListNote
from .icons import app_icon
from .operations import Operations
from .paper_table import AfterFirstPaint, PaperTableModel, restore_header, setup_view
from .search_field import ListingRunner, SearchField
from .settings import WindowState
from .sidebar import SidebarModel, SidebarView
from .status_bar import StatusBarWidgets
from .tasks import TaskRunner
from .welcome import WelcomePage

# How often the window looks for writes by other processes (one indexed read of the
# change number) and refreshes the index progress numbers while a rebuild runs.
EXTERNAL_CHECK_MS = 1000
# Another process wrote something: anything may have changed.
EXTERNAL_CHANGES = Changes(rows=True, status=True, tags=True, note=True, fields=True)
# How long a write made on the UI thread (a note's autosave, mark read, a tag) waits
# for another process's write lock before it fails and is retried or reported: the
# library's default (10 s) would freeze the window that long.
UI_BUSY_TIMEOUT_S = 0.5
# Rows read before the window first shows (a tall screen shows ~80); the rest follow.
FIRST_ROWS = 200
# ...asked for after the first paint, or after this long if the window does not paint
REST_FALLBACK_MS = 500


class MainWindow(Operations):
    # a database error met on any thread, told on the UI thread (queued from others)
    databaseTrouble = Signal(object)
    # the background indexer caught up (emitted on its thread, delivered on ours)
    indexCaughtUp = Signal(int)

    def __init__(
        self, library: Library, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        library.quick_writes_here(UI_BUSY_TIMEOUT_S)  # the worker keeps the long wait
        self.state = WindowState(settings, library.folder)  # filter and paper: per library
        self.setWindowTitle("ReadingList")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.undo_stack = QUndoStack(self)
        self.tasks = TaskRunner(self)
        # a database error on the worker (damage found mid-read) is told, not a crash
        self.tasks.translate_error = lambda exc: database_trouble(library.folder, exc)
        self._damage_box: QMessageBox | None = None
        self.databaseTrouble.connect(self.report_error)
        self._previous_hook = sys.excepthook
        sys.excepthook = self._excepthook
        self.listing_runner = ListingRunner(library, self)
        self.listing_runner.ready.connect(self._on_listing)
        self.listing_runner.failed.connect(self._on_listing_failed)
        self._awaiting: int | None = None  # generation of the listing we wait for
        self._pending_select: list[int] | None = None  # ids to select when it arrives
        self._rest_of_list = False  # the start-up's first rows shown, the rest not asked yet
        self._after_listing: list[Callable[[], None]] = []  # run when it has arrived
        self._sidebar_filter = Filter()
        self._user_sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._seen_seq = library.change_seq()
        self._pending = 0  # papers the last search matched outside the index
        self._index_behind = False  # our own write waits for the indexer
        self._shown_id: int | None = None
        self.last_dialog: QWidget | None = None  # the latest non-modal dialog (tests close it)
        self._heap_frozen = False

        self._build_widgets()
        self.acts = build_actions(self)
        build_menus(self, self.acts)
        self.toolbar = build_toolbar(self, self.acts)
        self.status = StatusBarWidgets(self.statusBar(), self.tasks, self)
        self._connect()
        self._restore_state()
        self.indexCaughtUp.connect(self._on_index_caught_up)
        if library.background is not None:
            library.background.on_caught_up = self.indexCaughtUp.emit
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(EXTERNAL_CHECK_MS)
        self._watch_timer.timeout.connect(self._on_watch_tick)
        self._watch_timer.start()

    # ------------------------------------------------------------------ building

    def _build_widgets(self) -> None:
        self.sidebar_model = SidebarModel(self)
        self.sidebar = SidebarView(self.sidebar_model, self)
        self.sidebar.setMinimumWidth(150)

        self.search = SearchField(self)
        self.match_label = QLabel(self)
        self.match_label.setMinimumWidth(110)
        self.match_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        search_row = QHBoxLayout()
        search_row.setContentsMargins(6, 6, 6, 4)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.match_label)

        self.table_model = PaperTableModel(self)
        self.table = QTableView(self)
        self.column_fit = setup_view(self.table, self.table_model)
        self.table.setFrameShape(QTableView.Shape.NoFrame)
        self.empty_note = EmptyListNote(self.table, self.current_filter)
        self.welcome = WelcomePage(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.welcome)

        middle = QWidget(self)
        mid_layout = QVBoxLayout(middle)
        mid_layout.setContentsMargins(0, 0, 0, 0)
        mid_layout.setSpacing(0)
        mid_layout.addLayout(search_row)
        mid_layout.addWidget(self.stack, 1)

        self.detail = DetailPane(self.library, self)
        self.detail.setMinimumWidth(280)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    def _connect(self) -> None:
        self.sidebar.filterChanged.connect(self._on_sidebar_filter)
        self.sidebar.tagMenuRequested.connect(self.show_tag_menu)
        self.search.searchChanged.connect(self._on_search)
        self.search.escapedEmpty.connect(self.table.setFocus)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.selectionModel().currentRowChanged.connect(self._on_selection)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._on_sort)
        self.table.doubleClicked.connect(lambda _i: self.detail.setFocus())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.welcome.importRequested.connect(self.choose_import_files)
        self.welcome.pasteRequested.connect(self.import_clipboard)
        self.detail.changed.connect(self.apply_changes)
        self.detail.statusRequested.connect(self.set_status_from_detail)
        self.detail.tagsAddRequested.connect(self.add_tags_from_detail)
        self.detail.tagRemoveRequested.connect(self.remove_tag_from_detail)
        self.detail.editRequested.connect(self.save_paper_edit)
        sel = self.detail.selection  # "N papers selected": every action on them all
        sel.statusRequested.connect(lambda s: self.set_status(self.selected_ids(), s))
        sel.tagsAddRequested.connect(lambda t: self.add_tags(self.selected_ids(), list(t)))
        sel.tagRemoveRequested.connect(lambda t: self.remove_tag(self.selected_ids(), t))
        sel.exportRequested.connect(self.choose_export)
        sel.trashRequested.connect(self.trash_selection)
        self.tasks.busyChanged.connect(lambda _busy: self._update_actions())

    # ------------------------------------------------------------------ state

    def _restore_state(self) -> None:
        s = self.state
        if s.geometry is None or not self.restoreGeometry(s.geometry):
            self.resize(1360, 840)
        if s.splitter is None or not self.splitter.restoreState(s.splitter):
            self.splitter.setSizes([200, 760, 400])
        header = self.table.horizontalHeader()
        restore_header(self.table, self.column_fit, s.header)
        self._user_sort = s.sort
        header.blockSignals(True)
        header.setSortIndicator(*self._user_sort)
        header.blockSignals(False)
        self.table_model.sort(*self._user_sort)
        self._refresh_counts()
        self.sidebar.select_keys(s.sidebar, quiet=True)
        self._sidebar_filter = self.sidebar.current_filter()
        self._show_trash_actions()
        paper = s.paper
        self._pending_select = [paper] if paper is not None else None
        # The window appears with its list (startup budget): the rows a screen shows are
        # read here, the rest on the listing thread (100k rows take ~0.6 s to read).
        # A column sort needs every row to know the first ones: read them all here.
        f = self.current_filter()
        if self._user_sort[0] >= 0:
            self._apply_listing(self.library.listing(f))
            return
        first = self.library.first_rows(f, FIRST_ROWS)
        self._apply_listing(first, partial=len(first.rows) < first.total)
        if len(first.rows) < first.total:
            if paper is not None and self.table_model.row_of(paper) is None:
                self._pending_select = [paper]  # further down: selected when the rest comes
            self._rest_of_list = True
            AfterFirstPaint(self.table.viewport(), self._load_rest_of_list, REST_FALLBACK_MS)

    def _load_rest_of_list(self) -> None:
        self._rest_of_list = False
        self.refresh_list()

    def save_state(self) -> None:
        s = self.state
        s.geometry = self.saveGeometry()
        s.splitter = self.splitter.saveState()
        s.header = self.table.horizontalHeader().saveState()
        s.sort = self._user_sort
        s.sidebar = self.sidebar.selected_keys()
        s.paper = self._shown_id
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # a note that cannot be saved (locked library, full disk) asks before the
        # window goes: Keep Open, or Copy Note and Close
        if not self.detail.notes.confirm_close():
            event.ignore()
            return
        self.detail.flush()  # a note is never lost
        if self.tasks.busy:
            self.tasks.cancel()  # a cancelled import keeps nothing: safe to stop
            self.tasks.wait(30_000)
        self.save_state()
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook
        self._watch_timer.stop()
        if self.library.background is not None:
            self.library.background.on_caught_up = None
        self.listing_runner.stop()
        if self._heap_frozen:
            gc.unfreeze()  # what this window kept alive may be collected again
            self._heap_frozen = False
        super().closeEvent(event)

    # ------------------------------------------------------------------ listing

    def current_filter(self) -> Filter:
        return dataclasses.replace(self._sidebar_filter, query=self.search.query())

    def refresh_list(self, *, as_you_type: bool = False) -> None:
        """Fetch the current filter's rows on the listing thread (latest wins)."""
        self._awaiting = self.listing_runner.request(self.current_filter(), as_you_type=as_you_type)

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
        self._run_after_listing()

    def _on_listing_failed(self, generation: int, message: str) -> None:
        if generation == self._awaiting:
            self._awaiting = None
            self.statusBar().showMessage(message, 8000)
            self._run_after_listing()

    def _apply_listing(self, listing: Listing, *, partial: bool = False) -> None:
        keep = self._pending_select
        current = self._shown_id
        if keep is None:
            keep = self.selected_ids()
        else:
            current = keep[0] if keep else None
        self._pending_select = None
        first_fill = self.table_model.rowCount() == 0
        self.table_model.set_rows(listing.rows)
        if not keep and first_fill and listing.rows and not self.search.query():
            keep = [self.table_model.row_at(0).id]  # something to read from the start
            current = keep[0]
        self._select_ids(keep, current)
        self._pending = listing.pending
        self._update_match_label(listing)
        self._update_welcome()
        self._on_selection()
        if not self._heap_frozen and not partial:  # the whole list: its rows are kept
            self._freeze_heap()
            # the list is up: the search index can open while the user reads it
            self.library.prepare_search()

    def _freeze_heap(self) -> None:
        """Hide what is alive once the first list is shown from Python's full collections.

        The window stands on ~100k long-lived objects (Qt wrappers, SQLAlchemy
        mappers, modules, the list's rows). A full collection walks them all holding
        the GIL (~100 ms), and an import's allocations on the worker trigger one
        mid-parse: the window stalls. Frozen objects are still freed by reference
        counting; only a cycle among them would wait for `gc.unfreeze` at close.
        """
        gc.freeze()
        self._heap_frozen = True

    def _update_match_label(self, listing: Listing | None = None) -> None:
        shown = self.table_model.rowCount()
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

    def _update_welcome(self) -> None:
        counts = self.sidebar_model
        empty = (
            counts.find("all") is not None
            and (counts.find("all").count or 0) == 0  # type: ignore[union-attr]
            and (counts.find("trash").count or 0) == 0  # type: ignore[union-attr]
        )
        self.stack.setCurrentWidget(self.welcome if empty else self.table)

    def _on_sidebar_filter(self, f: Filter) -> None:
        if f == self._sidebar_filter:
            return
        self._sidebar_filter = f
        self._show_trash_actions()
        self.refresh_list()
        self._update_actions()

    def _show_trash_actions(self) -> None:
        trash = self._sidebar_filter.trashed
        self.acts.trash.setVisible(not trash)
        self.acts.restore.setVisible(trash)
        self.acts.delete_forever.setVisible(trash)

    def _on_search(self, query: str) -> None:
        header = self.table.horizontalHeader()
        searching = bool(query)
        header.blockSignals(True)
        # results in rank order until the user clicks a column; re-sorting an
        # already unsorted list would re-lay-out 100k rows on the first keystroke
        wanted = (-1, Qt.SortOrder.AscendingOrder) if searching else self._user_sort
        header.setSortIndicator(*wanted)
        if self.table_model.sort_state[0] >= 0 or wanted[0] >= 0:
            self.table_model.sort(*wanted)
        header.blockSignals(False)
        self.refresh_list(as_you_type=searching)

    def _on_sort(self, column: int, order: Qt.SortOrder) -> None:
        if not self.search.query():
            self._user_sort = (column, order)

    # ------------------------------------------------------------------ selection

    def _selected_row_numbers(self) -> list[int]:
        # From the selection's ranges, not QItemSelectionModel.selectedRows(): that one
        # checks every row against every range, quadratic for 1,000 scattered rows.
        # The view selects whole rows, so each range spans every column.
        rows: set[int] = set()
        sel = self.table.selectionModel().selection()
        for n in range(sel.size()):
            rng = sel.at(n)
            rows.update(range(rng.top(), rng.bottom() + 1))
        return sorted(rows)

    def selected_ids(self) -> list[int]:
        return [self.table_model.row_at(r).id for r in self._selected_row_numbers()]

    def selected_rows(self) -> list[PaperRow]:
        return [self.table_model.row_at(r) for r in self._selected_row_numbers()]

    def select_ids(self, ids: Sequence[int]) -> None:
        self._select_ids(list(ids), ids[0] if ids else None)

    def _select_ids(self, ids: Iterable[int], current: int | None) -> None:
        model = self.table_model
        rows = sorted({r for i in ids if (r := model.row_of(i)) is not None})
        sel = QItemSelection()
        last = model.columnCount() - 1
        start = prev = None
        for r in rows:  # contiguous runs: one range each, fast for thousands of rows
            if start is None:
                start = prev = r
            elif r == prev + 1:  # type: ignore[operator]
                prev = r
            else:
                sel.select(model.index(start, 0), model.index(prev, last))  # type: ignore[arg-type]
                start = prev = r
        if start is not None:
            sel.select(model.index(start, 0), model.index(prev, last))  # type: ignore[arg-type]
        sm = self.table.selectionModel()
        sm.blockSignals(True)
        sm.select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        cur_row = model.row_of(current) if current is not None else None
        if cur_row is None and rows:
            cur_row = rows[0]
        if cur_row is not None:
            sm.setCurrentIndex(model.index(cur_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(model.index(cur_row, 0))
        else:
            sm.clearCurrentIndex()
        sm.blockSignals(False)
        self.table.viewport().update()
        self._on_selection()

    def _on_selection(self, *_: object) -> None:
        ids = self.selected_ids()
        cur = self.table.selectionModel().currentIndex()
        current: int | None = None
        if cur.isValid() and self.table.selectionModel().isRowSelected(cur.row()):
            current = self.table_model.row_at(cur.row()).id
        elif ids:
            current = ids[0]
        n, total = len(ids), self.table_model.rowCount()
        self.status.show_selection(n, total)
        if current != self._shown_id or self.detail.current_id() != current:
            self.detail.flush()
            self._shown_id = current
            self.detail.show_paper(current, self.search.query())
        self.detail.set_query(self.search.query())  # same paper, new or cleared search
        self.detail.show_selection(self.selected_rows() if n > 1 else [])
        self._update_actions()

    def _update_actions(self) -> None:
        has = bool(self.table.selectionModel().hasSelection())
        busy = self.tasks.busy
        trash = self._sidebar_filter.trashed
        for a in self.acts.selection_actions():
            a.setEnabled(has and not busy and not trash)
        self.acts.trash.setEnabled(has and not busy and not trash)
        self.acts.restore.setEnabled(has and not busy and trash)
        self.acts.delete_forever.setEnabled(has and not busy and trash)
        self.acts.copy_bibtex.setEnabled(has)
        for a in (self.acts.import_files, self.acts.import_clipboard):
            a.setEnabled(not busy)
        self.acts.rebuild_index.setEnabled(not busy)
        self.acts.empty_trash.setEnabled(not busy)

    # ------------------------------------------------------------------ changes

    def apply_changes(self, changes: Changes) -> None:
        """Refresh only what `changes` names: counts, rows in place, or a re-list."""
        self._seen_seq = self.library.change_seq()
        if changes.rows or changes.status or changes.tags:
            self._refresh_counts()
        if changes.rows:
            self.refresh_list()
            # the indexer follows on its thread; its caught-up signal clears this
            self._index_behind = self.library.background is not None
            self._show_index_state()
        elif changes.paper_ids and (changes.status or changes.tags or changes.fields):
            self._patch_rows(changes.paper_ids)
        self.detail.apply_changes(changes)
        self._update_welcome()
        self._update_actions()

    def _patch_rows(self, ids: frozenset[int]) -> None:
        model = self.table_model
        present = [i for i in ids if model.row_of(i) is not None]
        f = self.current_filter()
        if present:
            # list rows only (no abstracts, authors JSON or ORM objects): cheap for 1,000s
            fresh = {r.id: r for r in self.library.rows(present)}
            model.update_rows(fresh)
            folded = [t.casefold() for t in f.tags]
            gone = [
                r.id
                for r in fresh.values()
                if (f.status is not None and r.status != f.status)
                or any(t not in {x.casefold() for x in r.tags} for t in folded)
            ]
            if gone:
                model.remove_ids(gone)
                self._on_selection()
        # papers outside the view may now match it (undo in the Unread view, say)
        narrowed = f.status is not None or bool(f.tags) or bool(f.query)
        if narrowed and len(present) < len(ids):
            self.refresh_list()
        self._update_match_label()

    def _refresh_counts(self) -> None:
        keys = self.sidebar.selected_keys()
        if self.sidebar_model.set_counts(self.library.counts()):
            self.sidebar.select_keys(keys, quiet=True)
            f = self.sidebar.current_filter()
            if f != self._sidebar_filter:  # a selected tag is gone
                self._on_sidebar_filter(f)

    def full_refresh(self) -> None:
        """Another process wrote (or a backup was restored): counts, list and the
        papers shown may all have changed."""
        shown = {self._shown_id} if self._shown_id is not None else set()
        ids = frozenset(self.selected_ids()) | shown
        self.apply_changes(dataclasses.replace(EXTERNAL_CHANGES, paper_ids=ids))

    def check_external_changes(self) -> bool:
        """Refresh if another process wrote since we last looked (cheap: one number)."""
        try:
            moved = self.library.change_seq() != self._seen_seq
        except LibraryError:
            return False
        if moved:
            self.full_refresh()
        return moved

    def _on_watch_tick(self) -> None:
        self.check_external_changes()
        self._show_index_state()

    # ------------------------------------------------------------------ index

    def _on_index_caught_up(self, _indexed: int) -> None:
        self._index_behind = False
        self._show_index_state()
        if self.search.query():
            self.refresh_list()  # the papers just indexed are ranked now

    def _show_index_state(self) -> None:
        """The status bar's index label: numbers while the indexer reports them, a
        plain note after our own write until the caught-up signal (or, when another
        process indexed the papers first and the signal never comes, until the index
        says it is current)."""
        progress = self._index_progress()
        if progress is None and self._index_behind and self.library.index_status() is False:
            self._index_behind = False
        behind = progress is not None or self._index_behind
        self.status.show_index(self._index_text() if behind else "")

    def _index_progress(self) -> tuple[int, int] | None:
        background = self.library.background
        progress = background.progress if background is not None else None
        return progress if progress is not None and progress[1] > 0 else None

    def _index_text(self) -> str:
        """With numbers while the background indexer reports them (a rebuild after a
        crash takes minutes at 100k papers)."""
        progress = self._index_progress()
        if progress is None:
            return "Search index catching up…"
        done, total = progress
        counts = [self.sidebar_model.find(k) for k in ("all", "trash")]
        papers = sum((n.count or 0) for n in counts if n is not None)
        # every paper from the start is a rebuild (a missing or damaged index)
        what = "Rebuilding the search index" if total >= papers else "Updating the search index"
        return f"{what}: {min(done, total):,} of {total:,} papers"

    # ------------------------------------------------------------------ messages

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """What a slot raised: a database error (damage a read reached, an I/O error)
        is one clear message with the restore offer; anything else is a bug for the
        crash handler. Installed while the window is open."""
        trouble = database_trouble(self.library.folder, exc) if isinstance(exc, Exception) else None
        if trouble is None:
            self._previous_hook(kind, exc, tb)
        else:
            self.databaseTrouble.emit(trouble)  # the listing thread calls this hook too

    def report_error(self, exc: LibraryError, title: str = "ReadingList") -> QMessageBox:
        """A user/environment error; a damaged database offers the newest sound backup."""
        if isinstance(exc, DatabaseDamaged):
            return self.offer_restore(exc)
        return self.show_error(str(exc), title)

    def offer_restore(self, exc: DatabaseDamaged) -> QMessageBox:
        """One message (not one per failing refresh): Restore puts the newest sound
        backup in place (the damaged state is kept in backups/) and reloads."""
        if self._damage_box is not None and self._damage_box.isVisible():
            return self._damage_box
        folder = self.library.folder
        found = Library.newest_good_backup(folder)
        box = damage_box(self, exc, folder, found, self.restore_from)
        box.open()
        self._damage_box = box
        self.last_dialog = box
        return box

    def restore_from(self, backup: Path) -> None:
        try:
            saved = self.library.restore_open(backup)
        except LibraryError as exc:
            self.show_error(str(exc), "Could not restore")
            return
        self.undo_stack.clear()  # its steps belong to the history just replaced
        self.full_refresh()
        self.library.prepare_search()  # the index starts over from the restored file
        where = f"; the damaged state is kept in {saved}" if saved is not None else ""
        self.statusBar().showMessage(f"Restored the backup {backup.name}{where}.", 15000)

    def show_error(self, message: str, title: str = "ReadingList") -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_dialog = box
        return box

    # ------------------------------------------------------------------ drops

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if any(u.isLocalFile() for u in mime.urls()) or mime.hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        if paths:
            self.import_files(paths)
        elif mime.hasText():
            self.import_text(mime.text(), source="dropped text")
        event.acceptProposedAction()
