"""The main window: sidebar | search + paper list | detail pane.

It builds the widgets, owns the library, runs the commands of `ops/` and hands every
`Changes` to every pane (`_on_changes`); each pane refreshes only what the flags name
(ARCHITECTURE rule 2) — the window does not decide for them.

How the panes learn about changes — one way, `_on_changes(Changes)`:
- this window's own writes (undo commands, tasks that finish, a note saved in the
  detail pane) hand their `Changes` to it;
- writes by another process (the CLI while the window is open) are noticed by ONE
  mechanism: a timer (EXTERNAL_CHECK_MS) compares the database's change number with
  the last one seen — one indexed SQL read — and turns a move into
  `EXTERNAL_CHANGES` (everything may have changed: counts, list, detail);
- on a shared library (PostgreSQL) a listener hears the server's notification of
  each write and triggers the same check at once (`externalChange`, queued from its
  thread), so another member's change shows within a second, not at the next tick;
- the background indexer's `on_caught_up` callback is a Qt signal here (`indexCaughtUp`,
  queued from its thread): the status bar's index note clears and a search is re-run
  so the papers just indexed are ranked.
There is no other polling and no check on window activation.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QWidget

from readinglist.domain import Changes, Filter, LibraryError, PaperRow
from readinglist.library import Library

from .actions import build_actions, build_menus, build_toolbar
from .detail_pane import DetailPane
from .icons import app_icon
from .library_open import OpenLibraryDialog, RecentLibraries
from .messages import Messages
from .ops import about, complete, edits, exports, imports, tags
from .ops.context import Op, OpContext
from .paper_list import PaperList
from .settings import WindowState
from .sidebar import SidebarView
from .status_bar import StatusBarWidgets
from .tasks import Task, TaskRunner

# How often the window looks for writes by other processes (one indexed read of the
# change number) and refreshes the index progress numbers while a rebuild runs.
EXTERNAL_CHECK_MS = 1000
# Another process wrote something: anything may have changed.
EXTERNAL_CHANGES = Changes(rows=True, status=True, tags=True, note=True, fields=True)
# How long a write made on the UI thread (a note's autosave, mark read, a tag) waits
# for another process's write lock before it fails and is retried or reported: the
# library's default (10 s) would freeze the window that long.
UI_BUSY_TIMEOUT_S = 0.5


def window_title(library: Library) -> str:
    """ "ReadingList" on a library folder, as ever; on a shared library, which one and
    who we are there: "labserver:5432/readinglist as alice — ReadingList"."""
    if library.server is None:
        return "ReadingList"
    return f"{library.server.server} as {library.member} — ReadingList"


class Pane(Protocol):
    def on_changes(self, changes: Changes) -> None: ...


class MainWindow(QMainWindow):
    # the background indexer caught up (emitted on its thread, delivered on ours)
    indexCaughtUp = Signal(int)
    # another client wrote to the shared library (emitted on the listener's thread)
    externalChange = Signal()
    # File > Open Library… chose a library (a folder or a server URL): the app's
    # LibrarySwitcher opens it in place of this window's
    openLibraryRequested = Signal(str)

    def __init__(
        self, library: Library, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self._settings = settings
        self.open_dialog: OpenLibraryDialog | None = None
        library.quick_writes_here(UI_BUSY_TIMEOUT_S)  # the worker keeps the long wait
        self.state = WindowState(settings, library.folder)  # filter and paper: per library
        self.setWindowTitle(window_title(library))
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.undo_stack = QUndoStack(self)
        self.tasks = TaskRunner(self)
        # a database error on the worker (damage found mid-read) is told, not a crash
        self.tasks.translate_error = library.trouble  # a server's error names the server
        self.messages = Messages(self, library.folder, self.restore_from, library.trouble)
        self._seen_seq = library.change_seq()
        self._heap_frozen = False

        self._build_widgets()
        self.ctx = OpContext(
            library=library,
            parent=self,
            papers=self.papers,
            sidebar=self.sidebar,
            detail=self.detail,
            run=self.run,
            changed=self._on_changes,
            report_error=self.messages.report_error,
            tell=self.statusBar().showMessage,
            show_dialog=self.messages.open,
        )
        self.acts = build_actions(self, self.undo_stack)
        self._connect_actions()
        build_menus(self, self.acts)
        self.toolbar = build_toolbar(self, self.acts)
        self.status = StatusBarWidgets(self.statusBar(), self.tasks, library, self)
        # every pane that follows the library; each reads what it needs itself
        self._panes: tuple[Pane, ...] = (self.sidebar, self.papers, self.detail, self.status)
        self._connect()
        self._restore_state()
        self.indexCaughtUp.connect(self._on_index_caught_up)
        if library.background is not None:
            library.background.on_caught_up = self.indexCaughtUp.emit
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(EXTERNAL_CHECK_MS)
        self._watch_timer.timeout.connect(self._on_watch_tick)
        self._watch_timer.start()
        # A shared library tells us of other members' writes at once; the timer above
        # stays (a missed notification only waits for its next tick).
        self.externalChange.connect(self.check_external_changes)
        self._listener = library.listen_for_changes(lambda _seq: self.externalChange.emit())

    # ------------------------------------------------------------------ building

    def _build_widgets(self) -> None:
        self.sidebar = SidebarView(self.library, self)
        self.sidebar.setMinimumWidth(150)
        self.sidebar_model = self.sidebar.tree_model
        self.papers = PaperList(self.library, self)
        # short names for the parts tests, benchmarks and the self-test reach for
        self.search = self.papers.search
        self.match_label = self.papers.match_label
        self.table = self.papers.view
        self.table_model = self.papers.model
        self.column_fit = self.papers.column_fit
        self.empty_note = self.papers.empty_note
        self.stack = self.papers.stack
        self.welcome = self.papers.welcome
        self.detail = DetailPane(self.library, self)
        self.detail.setMinimumWidth(280)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.papers)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    def _connect_actions(self) -> None:
        a, c = self.acts, self.ctx

        def op(make: Callable[[OpContext], Op | None]) -> Callable[[], object]:
            return lambda: self.run(make(c))

        slots: list[tuple[QAction, Callable[[], object]]] = [
            (a.open_library, self.choose_library),
            (a.import_files, op(imports.choose_import_files)),
            (a.import_clipboard, op(imports.import_clipboard)),
            (a.export, op(exports.choose_export)),
            (a.copy_bibtex, lambda: exports.copy_bibtex(c)),
            (a.rebuild_index, op(exports.rebuild_index)),
            (a.quit, self.close),
            (a.find, self.focus_search),
            (a.toggle_read, op(edits.toggle_read)),
            (a.toggle_reading, op(edits.toggle_reading)),
            (a.mark_unread, op(edits.mark_unread)),
            (a.add_tag, op(edits.choose_tag)),
            (a.complete, op(complete.complete_selection)),
            (a.edit_paper, self.edit_shown_paper),
            (a.trash, op(edits.trash_selection)),
            (a.restore, op(edits.restore_selection)),
            (a.delete_forever, lambda: edits.purge_selection(c)),
            (a.empty_trash, lambda: edits.empty_trash(c)),
            (a.shortcuts, lambda: about.show_shortcuts(c)),
            (a.about, lambda: about.show_about(c)),
        ]
        for action, slot in slots:
            action.triggered.connect(slot)
        self.papers.set_context_actions(*a.table_menu())

    def _connect(self) -> None:
        c = self.ctx
        self.sidebar.filterChanged.connect(self._on_sidebar_filter)
        self.sidebar.countsChanged.connect(self.papers.show_counts)
        self.sidebar.countsChanged.connect(self.status.show_counts)
        self.sidebar.tagMenuRequested.connect(lambda tag, pos: tags.show_tag_menu(c, tag, pos))
        self.papers.selectionMoved.connect(self._on_selection)
        self.papers.queryChanged.connect(self.detail.set_query)
        self.papers.listFailed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.papers.firstListShown.connect(self._on_first_list)
        self.table.doubleClicked.connect(lambda _i: self.detail.setFocus())
        self.welcome.importRequested.connect(lambda: self.run(imports.choose_import_files(c)))
        self.welcome.pasteRequested.connect(lambda: self.run(imports.import_clipboard(c)))
        d = self.detail
        d.changed.connect(self._on_changes)
        d.statusRequested.connect(
            lambda s: self.run(edits.set_status(c, edits.detail_targets(c), s))
        )
        d.tagsAddRequested.connect(
            lambda t: self.run(edits.add_tags(c, edits.detail_targets(c), t))
        )
        d.tagRemoveRequested.connect(lambda t: self.run(edits.remove_tag_from_shown(c, t)))
        d.editRequested.connect(lambda pid, edit: self.run(edits.edit_paper(c, pid, edit)))
        sel = d.selection  # "N papers selected": every action on them all
        sel.statusRequested.connect(lambda s: self.run(edits.set_status(c, c.selected_ids(), s)))
        sel.tagsAddRequested.connect(lambda t: self.run(edits.add_tags(c, c.selected_ids(), t)))
        sel.tagRemoveRequested.connect(lambda t: self.run(edits.remove_tag(c, c.selected_ids(), t)))
        sel.exportRequested.connect(lambda: self.run(exports.choose_export(c)))
        sel.trashRequested.connect(lambda: self.run(edits.trash_selection(c)))
        self.tasks.busyChanged.connect(lambda _busy: self._update_actions())

    # ------------------------------------------------------------------ running commands

    def run(self, op: Op | None) -> Op | None:
        """Run what a command of `ops/` returned: a task goes to the worker; an undo
        command is bound to the change route, done once (an error is shown and nothing
        is pushed) and pushed. Returns it, or None if there was nothing to run."""
        if op is None:
            return None
        if isinstance(op, Task):
            return self.tasks.run(op)
        op.bind(self._on_changes, self._report_quietly)
        try:
            op.first()
        except LibraryError as exc:
            self.report_error(exc)
            return None
        self.undo_stack.push(op)
        if op.done is not None:
            op.done()
        return op

    def _report_quietly(self, exc: LibraryError) -> None:
        self.report_error(exc)  # an undo/redo that failed: a damaged database offers the restore

    # ------------------------------------------------------------------ state

    def _restore_state(self) -> None:
        s = self.state
        if s.geometry is None or not self.restoreGeometry(s.geometry):
            self.resize(1360, 840)
        if s.splitter is None or not self.splitter.restoreState(s.splitter):
            self.splitter.setSizes([200, 760, 400])
        self.papers.restore(s.header, s.sort)
        self.sidebar.refresh_counts()
        self.sidebar.select_keys(s.sidebar, quiet=True)
        self.papers.set_sidebar_filter(self.sidebar.current_filter(), refresh=False)
        self.acts.show_trash(self.papers.current_filter().trashed)
        if s.paper is not None:
            self.papers.select_after_listing([s.paper])
        # First fill synchronously: the window appears with its list (startup budget).
        self.papers.fill_now()

    def save_state(self) -> None:
        s = self.state
        s.geometry = self.saveGeometry()
        s.splitter = self.splitter.saveState()
        s.header = self.papers.header_state()
        s.sort = self.papers.user_sort
        s.sidebar = self.sidebar.selected_keys()
        s.paper = self.papers.current_id()
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
        self.messages.uninstall()
        self._watch_timer.stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self.library.background is not None:
            self.library.background.on_caught_up = None
        self.papers.stop()
        if self._heap_frozen:
            gc.unfreeze()  # what this window kept alive may be collected again
            self._heap_frozen = False
        super().closeEvent(event)

    def _on_first_list(self) -> None:
        """Hide what is alive once the first list is shown from Python's full collections.

        The window stands on ~100k long-lived objects (Qt wrappers, SQLAlchemy
        mappers, modules, the list's rows). A full collection walks them all holding
        the GIL (~100 ms), and an import's allocations on the worker trigger one
        mid-parse: the window stalls. Frozen objects are still freed by reference
        counting; only a cycle among them would wait for `gc.unfreeze` at close.
        """
        gc.freeze()
        self._heap_frozen = True
        # the list is up: the search index can open while the user reads it
        self.library.prepare_search()

    # ------------------------------------------------------------------ the selection

    def selected_ids(self) -> list[int]:
        return self.papers.selected_ids()

    def selected_rows(self) -> list[PaperRow]:
        return self.papers.selected_rows()

    def select_ids(self, ids: Sequence[int]) -> None:
        self.papers.select_ids(ids)

    def list_ready(self) -> bool:
        """No listing is outstanding (tests wait on this)."""
        return self.papers.list_ready()

    def _on_sidebar_filter(self, f: Filter) -> None:
        if self.papers.set_sidebar_filter(f):
            self.acts.show_trash(f.trashed)
            self._update_actions()

    def _on_selection(self) -> None:
        """The list's selection moved: the detail pane shows the current paper (or
        "N papers selected"), the status bar the count, the actions what applies."""
        ids = self.papers.selected_ids()
        current = self.papers.current_id()
        query = self.papers.query()
        self.status.show_selection(len(ids), self.table_model.rowCount())
        if self.detail.current_id() != current:
            self.detail.flush()
            self.detail.show_paper(current, query)
        self.detail.set_query(query)  # same paper, new or cleared search
        self.detail.show_selection(self.papers.selected_rows() if len(ids) > 1 else [])
        self._update_actions()

    def _update_actions(self) -> None:
        self.acts.update(
            selected=self.papers.has_selection(),
            busy=self.tasks.busy,
            trash=self.papers.current_filter().trashed,
        )

    def choose_library(self) -> OpenLibraryDialog:
        """File > Open Library…: the recent libraries, a URL or folder to type."""
        dialog = OpenLibraryDialog(RecentLibraries(self._settings).locations(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.openLibraryRequested.emit(dialog.location()))
        self.open_dialog = dialog
        dialog.open()
        return dialog

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def edit_shown_paper(self) -> None:
        """F2: the paper pane's Edit mode for the paper it shows."""
        if not self.tasks.busy:
            self.detail.start_edit()

    # ------------------------------------------------------------------ changes

    def _on_changes(self, changes: Changes) -> None:
        """Every pane gets every change and refreshes what its flags name."""
        self._seen_seq = self.library.change_seq()
        for pane in self._panes:
            pane.on_changes(changes)
        self._update_actions()

    def full_refresh(self) -> None:
        """Another process wrote (or a backup was restored): counts, list and the
        papers shown may all have changed."""
        shown = self.papers.current_id()
        ids = frozenset(self.papers.selected_ids()) | ({shown} if shown is not None else set())
        self._on_changes(dataclasses.replace(EXTERNAL_CHANGES, paper_ids=ids))

    def check_external_changes(self) -> bool:
        """Refresh if another process wrote since we last looked (cheap: one number)."""
        try:
            moved = self.library.change_seq() != self._seen_seq
        except LibraryError:
            return False
        except Exception as exc:
            # a shared library's server gone away: said in the status bar, not a box a
            # second, and asked again at the next tick (the listener reconnects too)
            trouble = self.library.trouble(exc)
            if trouble is None or self.library.server is None:
                raise
            self.statusBar().showMessage(f"{trouble}; trying again", 3 * EXTERNAL_CHECK_MS)
            return False
        if moved:
            self.full_refresh()
            if self.library.server is not None:
                tell = self.statusBar().showMessage
                tell("Updated with the shared library's latest changes.", 5000)
        return moved

    def _on_watch_tick(self) -> None:
        self.check_external_changes()
        self.status.show_index_state()

    def _on_index_caught_up(self, _indexed: int) -> None:
        self.status.on_index_caught_up()
        self.papers.on_index_caught_up()

    # ------------------------------------------------------------------ messages

    def restore_from(self, backup: Path) -> None:
        try:
            saved = self.library.restore_open(backup)
        except LibraryError as exc:
            self.messages.show_error(str(exc), "Could not restore")
            return
        self.undo_stack.clear()  # its steps belong to the history just replaced
        self.full_refresh()
        self.library.prepare_search()  # the index starts over from the restored file
        where = f"; the damaged state is kept in {saved}" if saved is not None else ""
        self.statusBar().showMessage(f"Restored the backup {backup.name}{where}.", 15000)

    def report_error(self, exc: LibraryError, title: str = "ReadingList") -> QMessageBox:
        return self.messages.report_error(exc, title)

    @property
    def last_dialog(self) -> QWidget | None:
        """The latest non-modal dialog or message (tests close it)."""
        return self.messages.last_dialog

    # ------------------------------------------------------------------ drops

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if any(u.isLocalFile() for u in mime.urls()) or mime.hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        if paths:
            self.run(imports.import_files(self.ctx, paths))
        elif mime.hasText():
            self.run(imports.import_text(self.ctx, mime.text(), source="dropped text"))
        event.acceptProposedAction()

    def import_files(self, paths: Sequence[Path]) -> Task:
        """Files handed over by a second start or the file manager (ui/main.py)."""
        return self.tasks.run(imports.import_files(self.ctx, paths))
