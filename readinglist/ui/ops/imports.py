"""Imports on the worker: files, text, the clipboard; a summary and the new papers selected."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QFileDialog

from readinglist.domain import CancelFn, ImportReport, LibraryError, ProgressFn

from ..dialogs import ImportShown, ImportSummaryDialog, summary_text
from ..tasks import Task
from .context import OpContext

SELECT_IMPORTED_MAX = 2000  # an import selects its papers up to this many

IMPORT_FILTER = (
    "Reference files (*.bib *.bibtex *.ris *.json *.xml *.txt);;"
    "BibTeX (*.bib *.bibtex);;RIS (*.ris);;CSL-JSON (*.json);;arXiv Atom (*.xml);;"
    "All files (*)"
)


def choose_import_files(ctx: OpContext) -> Task | None:
    names, _ = QFileDialog.getOpenFileNames(
        ctx.parent, "Import papers", str(Path.home()), IMPORT_FILTER
    )
    return import_files(ctx, [Path(n) for n in names]) if names else None


def import_files(ctx: OpContext, paths: Sequence[Path]) -> Task:
    paths = list(paths)
    what = paths[0].name if len(paths) == 1 else f"{len(paths)} files"

    def work(progress: ProgressFn, cancel: CancelFn) -> ImportReport:
        return ctx.library.import_paths(paths, progress=progress, cancel=cancel)

    return _import_task(ctx, f"Importing {what}", work)


def import_text(ctx: OpContext, text: str, source: str = "clipboard") -> Task:
    def work(progress: ProgressFn, cancel: CancelFn) -> ImportReport:
        return ctx.library.import_text(text, source=source, progress=progress, cancel=cancel)

    return _import_task(ctx, f"Importing from the {source}", work)


def import_clipboard(ctx: OpContext) -> Task | None:
    clip = QApplication.clipboard()
    mime = clip.mimeData()
    files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] if mime else []
    if files:
        return import_files(ctx, files)
    text = clip.text()
    if not text.strip():
        ctx.report_error(
            LibraryError(
                "The clipboard holds no text. Copy a trending-papers page, BibTeX, RIS, "
                "CSL-JSON or a list of arXiv ids / DOIs, then try again."
            ),
            "Nothing to import",
        )
        return None
    return import_text(ctx, text, source="clipboard")


def _import_task(ctx: OpContext, title: str, work: Callable[[ProgressFn, CancelFn], Any]) -> Task:
    def cancelled() -> None:
        ctx.tell("Import cancelled — the library is unchanged.", 8000)

    def failed(exc: LibraryError) -> None:
        ctx.report_error(exc, "Could not import")

    def done(report: ImportReport) -> None:
        _import_done(ctx, report)

    return Task(title, work, done=done, failed=failed, cancelled=cancelled)


def _import_done(ctx: OpContext, report: ImportReport) -> None:
    ctx.tell(f"Import finished: {summary_text(report)}.", 15000)
    if report.added:
        # show the new papers: leave a view that would hide them
        f = ctx.papers.current_filter()
        if f.status is not None or f.tags or f.query or f.trashed:
            ctx.papers.search.set_query("")
            ctx.sidebar.select_keys(["all"])
        # A few new papers are selected, ready to tag; a big import selects only
        # the first: Qt's first paint of a 100k-row selection checks every cell
        # through the model (600,000 calls into Python, a stalled window).
        added = list(report.added)
        ctx.papers.select_after_listing(added if len(added) <= SELECT_IMPORTED_MAX else added[:1])
    ctx.changed(report.changes)
    if report.added and not report.changes.rows:
        ctx.papers.refresh()
    # after the list shows the new papers: the dialog says what is really selected
    ctx.papers.after_listing(lambda: _show_summary(ctx, report))


def _show_summary(ctx: OpContext, report: ImportReport) -> None:
    papers = ctx.papers
    shown = ImportShown.of(report.added, papers.model.row_of, papers.selected_ids())
    ctx.show_dialog(ImportSummaryDialog(report, ctx.parent, shown=shown))
