"""Status, tags, field edits and the Trash: undo commands over the selection."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox

from readinglist.domain import LibraryError, PaperEdit, Status

from .. import undo
from ..dialogs import AddTagDialog
from .context import OpContext


def set_status(ctx: OpContext, ids: Sequence[int], status: Status) -> undo.SetStatus | None:
    rows = {r.id: r.status for r in ctx.papers.selected_rows()}
    before = {i: rows[i] for i in ids if i in rows}
    missing = [i for i in ids if i not in rows]
    for d in ctx.library.details(missing) if missing else []:
        before[d.id] = d.status
    return undo.SetStatus(ctx.library, before, status) if before else None


def _toggle(ctx: OpContext, status: Status) -> undo.SetStatus | None:
    rows = ctx.papers.selected_rows()
    if not rows:
        return None
    every = all(r.status == status for r in rows)
    return set_status(ctx, [r.id for r in rows], Status.UNREAD if every else status)


def toggle_read(ctx: OpContext) -> undo.SetStatus | None:
    return _toggle(ctx, Status.READ)


def toggle_reading(ctx: OpContext) -> undo.SetStatus | None:
    return _toggle(ctx, Status.READING)


def mark_unread(ctx: OpContext) -> undo.SetStatus | None:
    ids = ctx.selected_ids()
    return set_status(ctx, ids, Status.UNREAD) if ids else None


def add_tags(ctx: OpContext, ids: Sequence[int], tags: Sequence[str]) -> undo.AddTags | None:
    tags = [t.strip() for t in tags if t.strip()]
    if not ids or not tags:
        return None
    had = {d.id: {t.casefold() for t in d.tags} for d in ctx.library.details(list(ids))}
    return undo.AddTags(ctx.library, had, tags)


def remove_tag(ctx: OpContext, ids: Sequence[int], tag: str) -> undo.RemoveTag | None:
    folded = tag.casefold()
    details = ctx.library.details(list(ids))
    having = [d.id for d in details if folded in {t.casefold() for t in d.tags}]
    return undo.RemoveTag(ctx.library, having, tag) if having else None


def choose_tag(ctx: OpContext) -> undo.AddTags | None:
    """Ctrl+T: ask for tags, add them to the selection."""
    ids = ctx.selected_ids()
    if not ids:
        return None
    dialog = AddTagDialog(ctx.library.tags(), len(ids), ctx.parent)
    if dialog.exec() and dialog.tags():
        return add_tags(ctx, ids, dialog.tags())
    return None


def detail_targets(ctx: OpContext) -> list[int]:
    """The shown paper, or the whole selection when the shown paper is part of it."""
    shown = ctx.detail.current_id()
    if shown is None:
        return []
    ids = ctx.selected_ids()
    return ids if shown in ids else [shown]


def remove_tag_from_shown(ctx: OpContext, tag: str) -> undo.RemoveTag | None:
    shown = ctx.detail.current_id()
    return remove_tag(ctx, [shown], tag) if shown is not None else None


def edit_paper(ctx: OpContext, paper_id: int, edit: PaperEdit) -> undo.EditPaper | None:
    """What the Edit mode saved, as ONE undo step; the pane leaves Edit mode once it
    is written (on an error it stays, with what was typed)."""
    if not edit.given():
        ctx.detail.finish_edit()
        return None
    try:
        before = ctx.library.get(paper_id)
    except LibraryError as exc:
        ctx.report_error(exc, "ReadingList")
        return None
    cmd = undo.EditPaper(ctx.library, before, edit)
    cmd.done = ctx.detail.finish_edit
    return cmd


def trash_selection(ctx: OpContext) -> undo.Trash | None:
    ids = ctx.selected_ids()
    if not ids or ctx.papers.current_filter().trashed:
        return None
    ctx.papers.select_after_removal(ids)
    return undo.Trash(ctx.library, ids)


def restore_selection(ctx: OpContext) -> undo.Trash | None:
    ids = ctx.selected_ids()
    if not ids or not ctx.papers.current_filter().trashed:
        return None
    ctx.papers.select_after_removal(ids)
    return undo.Trash(ctx.library, ids, restore=True)


def purge_selection(ctx: OpContext) -> None:
    """Delete the selected papers of the Trash for good, once asked (no undo)."""
    ids = ctx.selected_ids()
    if not ids or not ctx.papers.current_filter().trashed:
        return
    n = len(ids)
    if _confirm(ctx, f"Delete {n} paper{'s' * (n != 1)} permanently? This cannot be undone."):
        purge(ctx, ids)


def purge(ctx: OpContext, ids: Sequence[int]) -> None:
    try:
        ctx.changed(ctx.library.purge(ids))
    except LibraryError as exc:
        ctx.report_error(exc, "ReadingList")


def empty_trash(ctx: OpContext) -> None:
    if _confirm(ctx, "Delete every paper in the Trash permanently? This cannot be undone."):
        try:
            ctx.changed(ctx.library.empty_trash())
        except LibraryError as exc:
            ctx.report_error(exc, "ReadingList")


def _confirm(ctx: OpContext, question: str) -> bool:
    answer = QMessageBox.question(ctx.parent, "ReadingList", question)
    return bool(answer == QMessageBox.StandardButton.Yes)
