"""What a command may use: the library, the panes, and the window's routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from readinglist.domain import Changes, LibraryError
from readinglist.library import Library

from ..detail_pane import DetailPane
from ..paper_list import PaperList
from ..sidebar import SidebarView
from ..tasks import Task
from ..undo import LibraryCommand

Op = LibraryCommand | Task


@dataclass(frozen=True)
class OpContext:
    library: Library
    parent: QWidget  # of every dialog and message
    papers: PaperList  # the selection
    sidebar: SidebarView
    detail: DetailPane
    run: Callable[[Op | None], object]  # a follow-up command or task (completion's pick)
    changed: Callable[[Changes], None]  # a write that is not undoable (purge)
    report_error: Callable[[LibraryError, str], object]  # error, title
    tell: Callable[[str, int], None]  # a status-bar message for so many ms
    show_dialog: Callable[[QWidget], None]  # a non-modal dialog, opened and kept

    def selected_ids(self) -> list[int]:
        return self.papers.selected_ids()
