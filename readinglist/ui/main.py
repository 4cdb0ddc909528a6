"""`run_gui`: the desktop app's entry point (called by readinglist.app)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from readinglist.domain import LibraryError
from readinglist.paths import default_library_dir

from .icons import app_icon
from .library_open import open_library as open_library  # tests reach it here
from .library_open import open_location
from .settings import APPLICATION, ORGANISATION, default_settings

if TYPE_CHECKING:
    from .library_switch import LibrarySwitcher
    from .main_window import MainWindow


def run_gui(
    library_dir: Path | str, files: Sequence[Path] = (), settings: QSettings | None = None
) -> int:
    """Open the window on `library_dir` (a folder or a shared library's URL), import
    `files` if given, run until closed."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("ReadingList")
    app.setDesktopFileName("io.github.readinglist.ReadingList")  # matches the .desktop entry
    app.setWindowIcon(app_icon())
    from .single_instance import FileOpenForwarder, hand_over_or_listen

    # One window per library: a second start hands its files to the first and exits.
    server = hand_over_or_listen(library_dir, [Path(f) for f in files])
    if server is None:
        return 0
    try:
        library = open_location(str(library_dir), default_library_dir())
    except LibraryError as exc:
        server.close()
        QMessageBox.critical(None, "ReadingList", f"The library could not be opened.\n\n{exc}")
        return 1
    if library is None:  # damaged and not restored, or a server the user gave up on
        server.close()
        return 1
    from .library_switch import LibrarySwitcher  # after QApplication: windows build widgets

    switcher = LibrarySwitcher(
        settings if settings is not None else default_settings(), default_library_dir()
    )
    try:
        window = switcher.show(library, str(library_dir))
        # later starts and the desktop's file-open events go to the window open now
        server.filesReceived.connect(lambda paths: _to_front(_current(switcher), paths))
        forwarder = FileOpenForwarder(app)
        forwarder.filesOpened.connect(
            lambda paths: _current(switcher).import_files([Path(p) for p in paths])
        )
        app.installEventFilter(forwarder)
        if files:
            window.import_files([Path(f) for f in files])
        code = app.exec()
    finally:
        server.close()
        # The index follows the database and the next start catches it up in the
        # background; catching up here could keep an invisible process busy for
        # minutes after a big import.
        switcher.close()
    return int(code)


def _to_front(window: MainWindow, paths: list[str]) -> None:
    """A later start's files (route_to_window's work, for whichever window is open)."""
    from .single_instance import bring_to_front

    bring_to_front(window)
    if paths:
        window.import_files([Path(p) for p in paths])


def _current(switcher: LibrarySwitcher) -> MainWindow:
    assert switcher.window is not None
    return switcher.window
