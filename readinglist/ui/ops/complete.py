"""Completing papers from arXiv / the DOI resolver on the worker, then a summary."""

from __future__ import annotations

from collections.abc import Sequence

from readinglist.domain import CancelFn, CompletionReport, LibraryError, ProgressFn

from ..complete_dialog import CONFLICTS_NAMED, CompletionDialog, completion_status
from ..tasks import Task
from .context import OpContext


def complete_selection(ctx: OpContext) -> Task | None:
    ids = ctx.selected_ids()
    return complete_papers(ctx, ids) if ids else None


def complete_papers(
    ctx: OpContext, ids: Sequence[int], arxiv_ids: dict[int, str] | None = None
) -> Task:
    """Ask arXiv / the DOI resolver (arXiv's 3 s spacing makes this slow); the panes
    follow the report's Changes, then a summary dialog."""
    ids = list(ids)

    def work(progress: ProgressFn, cancel: CancelFn) -> CompletionReport:
        # Library.complete never raises Cancelled: a cancel keeps what arrived
        return ctx.library.complete(ids, progress=progress, cancel=cancel, arxiv_ids=arxiv_ids)

    def cancelled() -> None:  # cancelled before it started: nothing was asked
        ctx.tell("Completion cancelled — nothing was asked.", 8000)

    def failed(exc: LibraryError) -> None:
        ctx.report_error(exc, "Could not complete")

    def done(report: CompletionReport) -> None:
        _complete_done(ctx, report)

    n = len(ids)
    title = f"Completing {n:,} paper{'s' * (n != 1)} from arXiv / DOI"
    return Task(title, work, done=done, failed=failed, cancelled=cancelled)


def _complete_done(ctx: OpContext, report: CompletionReport) -> None:
    ctx.changed(report.changes)
    ctx.tell(completion_status(report), 15000)
    named = list(report.candidates) + sorted(report.conflicts)[:CONFLICTS_NAMED]
    titles = {r.id: r.title for r in ctx.library.rows(named)}
    dialog = CompletionDialog(report, titles, ctx.parent)

    def picked() -> None:
        chosen = dialog.picked()
        if chosen:  # the picked arXiv id is asked for and fills the paper
            ctx.run(complete_papers(ctx, list(chosen), arxiv_ids=chosen))

    dialog.accepted.connect(picked)
    ctx.show_dialog(dialog)
