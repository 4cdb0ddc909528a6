"""Export to a file on the worker, BibTeX to the clipboard, the index rebuild."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog

from readinglist.domain import CancelFn, ExportFormat, Filter, LibraryError, ProgressFn
from readinglist.files import atomic_write, check_write_target

from ..dialogs import EXPORT_FORMATS, EXTENSIONS, ExportDialog, ExportScope
from ..tasks import Task
from .context import OpContext


def choose_export(ctx: OpContext) -> Task | None:
    total = ctx.library.counts().total
    in_view = ctx.papers.model.rowCount()
    dialog = ExportDialog(len(ctx.selected_ids()), in_view, total, ctx.parent)
    if not dialog.exec():
        return None
    fmt, scope = dialog.format(), dialog.scope()
    label, file_filter = EXPORT_FORMATS[fmt]
    name, _ = QFileDialog.getSaveFileName(
        ctx.parent,
        f"Export {label}",
        str(Path.home() / f"references{EXTENSIONS[fmt]}"),
        file_filter,
    )
    if not name:
        return None
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(EXTENSIONS[fmt])
    return export_to(ctx, path, fmt, scope)


def export_to(ctx: OpContext, path: Path, fmt: ExportFormat, scope: ExportScope) -> Task:
    """Write the chosen papers to `path` on the worker; a status message when done."""
    ids: list[int] | None = None
    f: Filter | None = None
    if scope == ExportScope.SELECTION:
        ids = ctx.selected_ids()
    elif scope == ExportScope.FILTER:
        f = ctx.papers.current_filter()
        if f.query:  # what the list shows (a search is cut at its limit)
            ids = list(ctx.papers.model.ids())
            f = None
    library = ctx.library

    def work(progress: ProgressFn, cancel: CancelFn) -> int:
        # the same rules as `readinglist export -o`: never onto the library's own
        # files, atomic for a regular file, direct for a device or a FIFO
        check_write_target(path, library.owns_path)
        text = library.export(fmt, ids=ids, f=f)
        atomic_write(path, text, forbidden=library.owns_path)
        return len(text)

    def done(_: int) -> None:
        ctx.tell(f"Exported to {path}", 10000)

    def failed(exc: LibraryError) -> None:
        ctx.report_error(exc, "Could not export")

    label = EXPORT_FORMATS[fmt][0]
    return Task(f"Exporting {label}", work, done=done, failed=failed)


def copy_bibtex(ctx: OpContext) -> None:
    ids = ctx.selected_ids()
    if not ids:
        return
    try:
        text = ctx.library.export(ExportFormat.BIBTEX, ids=ids)
    except LibraryError as exc:
        ctx.report_error(exc, "ReadingList")
        return
    QApplication.clipboard().setText(text)
    n = len(ids)
    ctx.tell(f"Copied BibTeX of {n} paper{'s' * (n != 1)}.", 6000)


def rebuild_index(ctx: OpContext) -> Task:
    def work(progress: ProgressFn, cancel: CancelFn) -> int:
        return ctx.library.rebuild_index(progress, cancel)

    def done(n: int) -> None:
        ctx.tell(f"Search index rebuilt ({n:,} papers).", 8000)
        ctx.papers.refresh()

    def cancelled() -> None:
        ctx.tell("Index rebuild stopped; it will finish later.", 8000)

    def failed(exc: LibraryError) -> None:
        ctx.report_error(exc, "ReadingList")

    return Task("Rebuilding the search index", work, done=done, cancelled=cancelled, failed=failed)
