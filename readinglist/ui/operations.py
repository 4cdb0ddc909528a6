"""What the window's actions do: import, export, status, tags, trash, help.

A mixin of MainWindow (kept apart so each file stays readable); the methods tests
call directly — `import_files`, `import_text`, `export_to`, `add_tags`, ... — are the
same ones the dialogs call after asking the user.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
)

from readinglist import __version__ as VERSION
from readinglist.domain import (
    CancelFn,
    Changes,
    CompletionReport,
    ExportFormat,
    Filter,
    ImportReport,
    LibraryError,
    PaperDetail,
    ProgressFn,
    Status,
)
from readinglist.files import atomic_write, check_write_target

from . import undo
from .complete_dialog import CONFLICTS_NAMED, CompletionDialog, completion_status
from .dialogs import (
    EXPORT_FORMATS,
    EXTENSIONS,
    AddTagDialog,
    ExportDialog,
    ExportScope,
    ImportShown,
    ImportSummaryDialog,
    ShortcutsDialog,
    summary_text,
)
from .tasks import Task

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QUndoStack
    from PySide6.QtWidgets import QMessageBox as _Box
    from PySide6.QtWidgets import QTableView, QWidget

    from readinglist.domain import PaperEdit, PaperRow
    from readinglist.library import Library

    from .actions import Actions
    from .detail_pane import DetailPane
    from .paper_table import PaperTableModel
    from .search_field import SearchField
    from .sidebar import SidebarView
    from .tasks import TaskRunner

SELECT_IMPORTED_MAX = 2000  # an import selects its papers up to this many

IMPORT_FILTER = (
    "Reference files (*.bib *.bibtex *.ris *.json *.xml *.txt);;"
    "BibTeX (*.bib *.bibtex);;RIS (*.ris);;CSL-JSON (*.json);;arXiv Atom (*.xml);;"
    "All files (*)"
)


class Operations(QMainWindow):
    if TYPE_CHECKING:
        library: Library
        tasks: TaskRunner
        undo_stack: QUndoStack
        acts: Actions
        detail: DetailPane
        search: SearchField
        sidebar: SidebarView
        last_dialog: QWidget | None
        table: QTableView
        table_model: PaperTableModel
        _pending_select: list[int] | None
        _shown_id: int | None

        def selected_ids(self) -> list[int]: ...
        def selected_rows(self) -> list[PaperRow]: ...
        def select_ids(self, ids: Sequence[int]) -> None: ...
        def current_filter(self) -> Filter: ...
        def refresh_list(self, *, as_you_type: bool = False) -> None: ...
        def after_listing(self, fn: Callable[[], None]) -> None: ...
        def apply_changes(self, changes: Changes) -> None: ...
        def show_error(self, message: str, title: str = ...) -> _Box: ...
        def report_error(self, exc: LibraryError, title: str = ...) -> _Box: ...
        def _refresh_counts(self) -> None: ...

    # ------------------------------------------------------------------ import

    def choose_import_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Import papers", str(Path.home()), IMPORT_FILTER
        )
        if names:
            self.import_files([Path(n) for n in names])

    def import_files(self, paths: Sequence[Path]) -> Task:
        """Import on the worker; afterwards a summary and the new papers selected."""
        paths = list(paths)
        what = paths[0].name if len(paths) == 1 else f"{len(paths)} files"

        def work(progress: ProgressFn, cancel: CancelFn) -> ImportReport:
            return self.library.import_paths(paths, progress=progress, cancel=cancel)

        return self._run_import(f"Importing {what}", work)

    def import_clipboard(self) -> None:
        clip = QApplication.clipboard()
        mime = clip.mimeData()
        files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] if mime else []
        if files:
            self.import_files(files)
            return
        text = clip.text()
        if not text.strip():
            self.show_error(
                "The clipboard holds no text. Copy a trending-papers page, BibTeX, RIS, "
                "CSL-JSON or a list of arXiv ids / DOIs, then try again.",
                "Nothing to import",
            )
            return
        self.import_text(text, source="clipboard")

    def import_text(self, text: str, source: str = "clipboard") -> Task:
        def work(progress: ProgressFn, cancel: CancelFn) -> ImportReport:
            return self.library.import_text(text, source=source, progress=progress, cancel=cancel)

        return self._run_import(f"Importing from the {source}", work)

    def _run_import(self, title: str, work: Callable[[ProgressFn, CancelFn], Any]) -> Task:
        def cancelled() -> None:
            self.statusBar().showMessage("Import cancelled — the library is unchanged.", 8000)

        def failed(exc: LibraryError) -> None:
            self.report_error(exc, "Could not import")

        return self.tasks.run(
            Task(title, work, done=self._import_done, failed=failed, cancelled=cancelled)
        )

    def _import_done(self, report: ImportReport) -> None:
        self.statusBar().showMessage(f"Import finished: {summary_text(report)}.", 15000)
        if report.added:
            # show the new papers: leave a view that would hide them
            f = self.current_filter()
            if f.status is not None or f.tags or f.query or f.trashed:
                self.search.set_query("")
                self.sidebar.select_keys(["all"])
            # A few new papers are selected, ready to tag; a big import selects only
            # the first: Qt's first paint of a 100k-row selection checks every cell
            # through the model (600,000 calls into Python, a stalled window).
            added = list(report.added)
            self._pending_select = added if len(added) <= SELECT_IMPORTED_MAX else added[:1]
        self.apply_changes(report.changes)
        if report.added and not report.changes.rows:
            self.refresh_list()
        # after the list shows the new papers: the dialog says what is really selected
        self.after_listing(lambda: self._show_import_summary(report))

    def _show_import_summary(self, report: ImportReport) -> None:
        shown = ImportShown.of(report.added, self.table_model.row_of, self.selected_ids())
        dialog = ImportSummaryDialog(report, self, shown=shown)
        dialog.open()
        self.last_dialog = dialog

    # ------------------------------------------------------------------ export

    def choose_export(self) -> None:
        total = self.library.counts().total
        in_view = self.table_model.rowCount()
        dialog = ExportDialog(len(self.selected_ids()), in_view, total, self)
        if not dialog.exec():
            return
        fmt, scope = dialog.format(), dialog.scope()
        label, file_filter = EXPORT_FORMATS[fmt]
        name, _ = QFileDialog.getSaveFileName(
            self,
            f"Export {label}",
            str(Path.home() / f"references{EXTENSIONS[fmt]}"),
            file_filter,
        )
        if name:
            path = Path(name)
            if not path.suffix:
                path = path.with_suffix(EXTENSIONS[fmt])
            self.export_to(path, fmt, scope)

    def export_to(self, path: Path, fmt: ExportFormat, scope: ExportScope) -> Task:
        """Write the chosen papers to `path` on the worker; a status message when done."""
        ids: list[int] | None = None
        f: Filter | None = None
        if scope == ExportScope.SELECTION:
            ids = self.selected_ids()
        elif scope == ExportScope.FILTER:
            f = self.current_filter()
            if f.query:  # what the list shows (a search is cut at its limit)
                ids = list(self.table_model.ids())
                f = None

        def work(progress: ProgressFn, cancel: CancelFn) -> int:
            # the same rules as `readinglist export -o`: never onto the library's own
            # files, atomic for a regular file, direct for a device or a FIFO
            check_write_target(path, self.library.owns_path)
            text = self.library.export(fmt, ids=ids, f=f)
            atomic_write(path, text, forbidden=self.library.owns_path)
            return len(text)

        def done(_: int) -> None:
            self.statusBar().showMessage(f"Exported to {path}", 10000)

        def failed(exc: LibraryError) -> None:
            self.report_error(exc, "Could not export")

        label = EXPORT_FORMATS[fmt][0]
        return self.tasks.run(Task(f"Exporting {label}", work, done=done, failed=failed))

    def copy_bibtex(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        try:
            text = self.library.export(ExportFormat.BIBTEX, ids=ids)
        except LibraryError as exc:
            self.report_error(exc)
            return
        QApplication.clipboard().setText(text)
        n = len(ids)
        self.statusBar().showMessage(f"Copied BibTeX of {n} paper{'s' * (n != 1)}.", 6000)

    def rebuild_index(self) -> None:
        def work(progress: ProgressFn, cancel: CancelFn) -> int:
            return self.library.rebuild_index(progress, cancel)

        def done(n: int) -> None:
            self.statusBar().showMessage(f"Search index rebuilt ({n:,} papers).", 8000)
            self.refresh_list()

        def cancelled() -> None:
            self.statusBar().showMessage("Index rebuild stopped; it will finish later.", 8000)

        self.tasks.run(
            Task(
                "Rebuilding the search index",
                work,
                done=done,
                cancelled=cancelled,
                failed=self._show_library_error,
            )
        )

    # ------------------------------------------------------------------ completing

    def complete_selection(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.complete_papers(ids)

    def complete_papers(self, ids: Sequence[int], arxiv_ids: dict[int, str] | None = None) -> Task:
        """Ask arXiv / the DOI resolver on the worker (arXiv's 3 s spacing makes this
        slow); the panes follow the report's Changes, then a summary dialog."""
        ids = list(ids)

        def work(progress: ProgressFn, cancel: CancelFn) -> CompletionReport:
            # Library.complete never raises Cancelled: a cancel keeps what arrived
            return self.library.complete(ids, progress=progress, cancel=cancel, arxiv_ids=arxiv_ids)

        def cancelled() -> None:  # cancelled before it started: nothing was asked
            self.statusBar().showMessage("Completion cancelled — nothing was asked.", 8000)

        def failed(exc: LibraryError) -> None:
            self.report_error(exc, "Could not complete")

        n = len(ids)
        title = f"Completing {n:,} paper{'s' * (n != 1)} from arXiv / DOI"
        return self.tasks.run(
            Task(title, work, done=self._complete_done, failed=failed, cancelled=cancelled)
        )

    def _complete_done(self, report: CompletionReport) -> None:
        self.apply_changes(report.changes)
        self.statusBar().showMessage(completion_status(report), 15000)
        named = list(report.candidates) + sorted(report.conflicts)[:CONFLICTS_NAMED]
        titles = {r.id: r.title for r in self.library.rows(named)}
        dialog = CompletionDialog(report, titles, self)

        def picked() -> None:
            chosen = dialog.picked()
            if chosen:  # the picked arXiv id is asked for and fills the paper
                self.complete_papers(list(chosen), arxiv_ids=chosen)

        dialog.accepted.connect(picked)
        dialog.open()
        self.last_dialog = dialog

    # ------------------------------------------------------------------ edits with undo

    def _push(self, cmd: undo.LibraryCommand) -> bool:
        try:
            cmd.first()
        except LibraryError as exc:
            self.report_error(exc)
            return False
        self.undo_stack.push(cmd)
        return True

    def _command_args(self) -> tuple[Library, undo.OnChanges, undo.OnError]:
        return (self.library, self.apply_changes, self._show_library_error)

    def _show_library_error(self, exc: LibraryError) -> None:
        self.report_error(exc)  # a damaged database offers the restore

    def _details(self, ids: Sequence[int]) -> list[PaperDetail]:
        return self.library.details(list(ids))

    def set_status(self, ids: Sequence[int], status: Status) -> None:
        rows = {r.id: r.status for r in self.selected_rows()}
        before = {i: rows[i] for i in ids if i in rows}
        missing = [i for i in ids if i not in rows]
        for d in self._details(missing) if missing else []:
            before[d.id] = d.status
        if before:
            self._push(undo.SetStatus(*self._command_args(), before, status))

    def toggle_read(self) -> None:
        rows = self.selected_rows()
        if rows:
            every = all(r.status == Status.READ for r in rows)
            self.set_status([r.id for r in rows], Status.UNREAD if every else Status.READ)

    def toggle_reading(self) -> None:
        rows = self.selected_rows()
        if rows:
            every = all(r.status == Status.READING for r in rows)
            self.set_status([r.id for r in rows], Status.UNREAD if every else Status.READING)

    def mark_unread(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.set_status(ids, Status.UNREAD)

    def add_tags(self, ids: Sequence[int], tags: Sequence[str]) -> None:
        tags = [t.strip() for t in tags if t.strip()]
        if not ids or not tags:
            return
        had = {d.id: {t.casefold() for t in d.tags} for d in self._details(list(ids))}
        self._push(undo.AddTags(*self._command_args(), had, tags))

    def remove_tag(self, ids: Sequence[int], tag: str) -> None:
        folded = tag.casefold()
        having = [
            d.id for d in self._details(list(ids)) if folded in {t.casefold() for t in d.tags}
        ]
        if having:
            self._push(undo.RemoveTag(*self._command_args(), having, tag))

    def choose_tag(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        dialog = AddTagDialog(self.library.tags(), len(ids), self)
        if dialog.exec() and dialog.tags():
            self.add_tags(ids, dialog.tags())

    def _detail_targets(self) -> list[int]:
        """The shown paper, or the whole selection when the shown paper is part of it."""
        shown = self.detail.current_id()
        if shown is None:
            return []
        ids = self.selected_ids()
        return ids if shown in ids else [shown]

    def set_status_from_detail(self, status: Status) -> None:
        self.set_status(self._detail_targets(), status)

    def add_tags_from_detail(self, tags: Sequence[str]) -> None:
        self.add_tags(self._detail_targets(), list(tags))

    def remove_tag_from_detail(self, tag: str) -> None:
        shown = self.detail.current_id()
        if shown is not None:
            self.remove_tag([shown], tag)

    def edit_shown_paper(self) -> None:
        """F2: the paper pane's Edit mode for the paper it shows."""
        if not self.tasks.busy:
            self.detail.start_edit()

    def save_paper_edit(self, paper_id: int, edit: PaperEdit) -> bool:
        """What the Edit mode saved, as ONE undo step; the pane leaves Edit mode once
        it is written (on an error it stays, with what was typed)."""
        if not edit.given():
            self.detail.finish_edit()
            return True
        try:
            before = self.library.get(paper_id)
        except LibraryError as exc:
            self.report_error(exc)
            return False
        if not self._push(undo.EditPaper(*self._command_args(), before, edit)):
            return False
        self.detail.finish_edit()
        return True

    def trash_selection(self) -> None:
        ids = self.selected_ids()
        if ids and not self.current_filter().trashed:
            self._select_after_removal(ids)
            self._push(undo.Trash(*self._command_args(), ids))

    def restore_selection(self) -> None:
        ids = self.selected_ids()
        if ids and self.current_filter().trashed:
            self._select_after_removal(ids)
            self._push(undo.Trash(*self._command_args(), ids, restore=True))

    def _select_after_removal(self, ids: Sequence[int]) -> None:
        """Keep the cursor near where it was: select the paper after the removed ones."""
        model = self.table_model
        rows = sorted(r for i in ids if (r := model.row_of(i)) is not None)
        gone = set(ids)
        after = [model.row_at(n).id for n in range(rows[-1] + 1, model.rowCount())] if rows else []
        before = [model.row_at(n).id for n in range(rows[0] - 1, -1, -1)] if rows else []
        nxt = next((i for i in after + before if i not in gone), None)
        self._pending_select = [nxt] if nxt is not None else []

    def purge_selection(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.current_filter().trashed:
            return
        n = len(ids)
        if self._confirm(f"Delete {n} paper{'s' * (n != 1)} permanently? This cannot be undone."):
            self.purge(ids)

    def purge(self, ids: Sequence[int]) -> None:
        try:
            self.apply_changes(self.library.purge(ids))
        except LibraryError as exc:
            self.report_error(exc)

    def empty_trash(self) -> None:
        if self._confirm("Delete every paper in the Trash permanently? This cannot be undone."):
            try:
                self.apply_changes(self.library.empty_trash())
            except LibraryError as exc:
                self.report_error(exc)

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, "ReadingList", question)
        return bool(answer == QMessageBox.StandardButton.Yes)

    # ------------------------------------------------------------------ tags

    def show_tag_menu(self, tag: str, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction("Rename or Merge…", lambda: self._ask_rename(tag))
        menu.addAction("Delete Tag", lambda: self.delete_tag(tag))
        menu.exec(pos)

    def _ask_rename(self, tag: str) -> None:
        new, ok = QInputDialog.getText(
            self,
            "Rename tag",
            f"New name for “{tag}” (an existing tag's name merges the two):",
            text=tag,
        )
        if ok and new.strip() and new.strip() != tag:
            self.rename_tag(tag, new.strip())

    def rename_tag(self, old: str, new: str) -> None:
        keys = self.sidebar.selected_keys()
        if not self._push(undo.RenameTag(*self._command_args(), old, new)):
            return
        # keep the renamed tag selected if it was
        keys = [f"tag:{new}" if k == f"tag:{old}" else k for k in keys]
        self.sidebar.select_keys(keys)

    def delete_tag(self, tag: str) -> None:
        self._push(undo.DeleteTag(*self._command_args(), tag))

    # ------------------------------------------------------------------ help

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self)
        dialog.open()
        self.last_dialog = dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About ReadingList",
            f"<h3>ReadingList {VERSION}</h3>"
            "<p>A reading-list manager for researchers: import papers from BibTeX, RIS, "
            "CSL-JSON, arXiv or a copied trending page; search, annotate, export.</p>"
            f"<p>Library: <code>{self.library.folder}</code></p>",
        )

    def _table_menu(self, pos: QPoint) -> None:
        a = self.acts
        menu = QMenu(self)
        if self.current_filter().trashed:
            items: list[QAction | None] = [a.restore, a.delete_forever]
        else:
            items = [
                a.toggle_read,
                a.toggle_reading,
                a.mark_unread,
                None,
                a.add_tag,
                a.copy_bibtex,
                a.complete,
                None,
                a.trash,
            ]
        for act in items:
            menu.addSeparator() if act is None else menu.addAction(act)
        menu.exec(self.table.viewport().mapToGlobal(pos))
