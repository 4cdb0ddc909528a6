"""Help: the shortcuts dialog (F1) and About."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from readinglist import __version__ as VERSION

from ..dialogs import ShortcutsDialog
from .context import OpContext


def show_shortcuts(ctx: OpContext) -> None:
    ctx.show_dialog(ShortcutsDialog(ctx.parent))


def show_about(ctx: OpContext) -> None:
    QMessageBox.about(
        ctx.parent,
        "About ReadingList",
        f"<h3>ReadingList {VERSION}</h3>"
        "<p>A reading-list manager for researchers: import papers from BibTeX, RIS, "
        "CSL-JSON, arXiv or a copied trending page; search, annotate, export.</p>"
        f"<p>Library: <code>{ctx.library.folder}</code></p>",
    )
