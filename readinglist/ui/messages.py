"""The window's messages: user/environment errors as one clear message box, a
damaged database as the restore offer (one at a time, not one per failing
refresh), and the hook that turns a database error raised in any slot or on the
listing thread into that offer instead of a crash report.

Bugs still go to the crash handler (`crash.py`), which this hook hands them on to.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from readinglist.domain import LibraryError
from readinglist.library import DatabaseDamaged, Library, database_trouble

from .damage_box import damage_box


class Messages(QObject):
    # a database error met on any thread, told on the UI thread (queued from others)
    databaseTrouble = Signal(object)

    def __init__(
        self,
        parent: QWidget,
        folder: Path,
        restore: Callable[[Path], None],
        trouble: Callable[[BaseException], LibraryError | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._folder = folder
        # a database error in one line (Library.trouble: a server's names the server)
        self._trouble = trouble or (lambda exc: database_trouble(folder, exc))
        self._restore = restore
        self._damage_box: QMessageBox | None = None
        self.last_dialog: QWidget | None = None  # the latest non-modal dialog (tests close it)
        self.databaseTrouble.connect(self.report_error)
        self._previous_hook = sys.excepthook
        sys.excepthook = self._excepthook

    def uninstall(self) -> None:
        """The window closes: slots' errors go straight to the crash handler again."""
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """What a slot raised: a database error (damage a read reached, an I/O error)
        is one clear message with the restore offer; anything else is a bug for the
        crash handler."""
        trouble = self._trouble(exc) if isinstance(exc, Exception) else None
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
        """Restore puts the newest sound backup in place (the damaged state is kept in
        backups/) and the window reloads."""
        if self._damage_box is not None and self._damage_box.isVisible():
            return self._damage_box
        found = Library.newest_good_backup(self._folder)
        box = damage_box(self._parent, exc, self._folder, found, self._restore)
        self._damage_box = box
        self.open(box)
        return box

    def show_error(self, message: str, title: str = "ReadingList") -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self._parent
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.open(box)
        return box

    def open(self, dialog: QWidget) -> None:
        """Open a non-modal dialog (a summary, a message) and keep it as the latest."""
        dialog.open()  # type: ignore[attr-defined]
        self.last_dialog = dialog
