"""The open window and its library; File > Open Library… replaces both.

A window belongs to one library (its panes, undo steps and tasks all hold it), so
opening another builds a new window on it and closes the old one with its library.
Until the new library is open the old window stays as it was: a server that cannot
be reached, or a Cancel, leaves the user where they were.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QWidget

from readinglist.domain import LibraryError
from readinglist.library import Library

from .library_open import RecentLibraries, open_location
from .main_window import MainWindow


class LibrarySwitcher(QObject):
    def __init__(self, settings: QSettings, personal: Path) -> None:
        super().__init__()
        self._settings = settings
        self._personal = personal
        self.recent = RecentLibraries(settings)
        self.window: MainWindow | None = None
        self.library: Library | None = None
        # told of each new window (run_gui routes later starts' files to it)
        self.on_window: Callable[[MainWindow], None] | None = None

    def show(self, library: Library, location: str) -> MainWindow:
        """A window on `library` (opened from `location`), shown; remembered as recent."""
        window = MainWindow(library, self._settings)
        window.openLibraryRequested.connect(self.open)
        self.window, self.library = window, library
        self.recent.remember(location)
        if self.on_window is not None:
            self.on_window(window)
        window.show()
        return window

    def open(self, location: str) -> bool:
        """Open `location` in place of the current library; False (and nothing
        changed) if it could not be opened or the user gave up."""
        parent: QWidget | None = self.window
        try:
            library = open_location(location, self._personal, parent)
        except LibraryError as exc:
            if self.window is not None:
                self.window.messages.show_error(str(exc), "Could not open the library")
            return False
        if library is None:
            return False
        old_window, old_library = self.window, self.library
        self.show(library, location)
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
        if old_library is not None:
            old_library.close(catch_up=False)
        return True

    def close(self) -> None:
        """The app ends: the library's index follows it at the next start."""
        if self.library is not None:
            self.library.close(catch_up=False)
            self.library = None
