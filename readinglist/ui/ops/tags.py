"""Tags as a whole (the sidebar's tag menu): rename or merge, delete."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QInputDialog, QMenu

from .. import undo
from .context import Op, OpContext


def rename_tag(ctx: OpContext, old: str, new: str) -> undo.RenameTag:
    """Rename (or merge into an existing tag); the renamed tag stays selected if it was."""
    keys = [f"tag:{new}" if k == f"tag:{old}" else k for k in ctx.sidebar.selected_keys()]
    cmd = undo.RenameTag(ctx.library, old, new)
    cmd.done = lambda: ctx.sidebar.select_keys(keys)
    return cmd


def delete_tag(ctx: OpContext, tag: str) -> undo.DeleteTag:
    return undo.DeleteTag(ctx.library, tag)


def ask_rename(ctx: OpContext, tag: str) -> undo.RenameTag | None:
    new, ok = QInputDialog.getText(
        ctx.parent,
        "Rename tag",
        f"New name for “{tag}” (an existing tag's name merges the two):",
        text=tag,
    )
    if ok and new.strip() and new.strip() != tag:
        return rename_tag(ctx, tag, new.strip())
    return None


def show_tag_menu(ctx: OpContext, tag: str, pos: QPoint) -> None:
    """Right click on a tag in the sidebar: what is picked is run by the window."""
    menu = QMenu(ctx.parent)
    chosen: list[Op | None] = []
    menu.addAction("Rename or Merge…", lambda: chosen.append(ask_rename(ctx, tag)))
    menu.addAction("Delete Tag", lambda: chosen.append(delete_tag(ctx, tag)))
    menu.exec(pos)
    for op in chosen:
        ctx.run(op)
