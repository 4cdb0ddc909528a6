"""`run_gui`: the desktop app's entry point (called by readinglist.app)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from readinglist.domain import LibraryError
from readinglist.library import DatabaseDamaged, Library

from .damage_box import damage_box
from .icons import app_icon
from .settings import APPLICATION, ORGANISATION, default_settings


def run_gui(
    library_dir: Path, files: Sequence[Path] = (), settings: QSettings | None = None
) -> int:
    """Open the window on `library_dir`, import `files` if given, run until closed."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("ReadingList")
    app.setDesktopFileName("io.github.readinglist.ReadingList")  # matches the .desktop entry
    app.setWindowIcon(app_icon())
    from .single_instance import FileOpenForwarder, hand_over_or_listen, route_to_window

    # One window per library: a second start hands its files to the first and exits.
    server = hand_over_or_listen(Path(library_dir), [Path(f) for f in files])
    if server is None:
        return 0
    try:
        library = open_library(Path(library_dir))
    except LibraryError as exc:
        server.close()
        QMessageBox.critical(None, "ReadingList", f"The library could not be opened.\n\n{exc}")
        return 1
    if library is None:  # damaged, and the user chose not to restore
        server.close()
        return 1
    from .main_window import MainWindow  # after QApplication: the window builds widgets

    try:
        window = MainWindow(library, settings if settings is not None else default_settings())
        route_to_window(server, window, window.import_files)
        forwarder = FileOpenForwarder(app)
        forwarder.filesOpened.connect(lambda paths: window.import_files([Path(p) for p in paths]))
        app.installEventFilter(forwarder)
        window.show()
        if files:
            window.import_files([Path(f) for f in files])
        code = app.exec()
    finally:
        server.close()
        # The index follows the database and the next start catches it up in the
        # background; catching up here could keep an invisible process busy for
        # minutes after a big import.
        library.close(catch_up=False)
    return int(code)


def open_library(folder: Path, parent: QWidget | None = None) -> Library | None:
    """The library; when its database is damaged, offer the newest sound backup.

    Restore puts that backup in place (the damaged file is kept in backups/) and
    opens the library; Quit returns None and changes nothing. With no sound backup
    the damage is an error like any other (the caller shows it)."""
    try:
        return Library(folder, background=True)
    except DatabaseDamaged as exc:
        found = Library.newest_good_backup(folder)
        if found is None:
            raise
        chosen: list[Path] = []
        box = damage_box(parent, exc, folder, found, chosen.append, decline="Quit")
        box.exec()  # modal: nothing else is open yet
        if not chosen:
            return None
        backup = chosen[0]
        Library.restore_backup(folder, backup)
        return Library(folder, background=True)
