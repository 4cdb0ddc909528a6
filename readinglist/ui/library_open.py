"""Opening a library: a folder or a shared library's server URL, the recent ones, and
what the user is offered when it cannot be opened.

A server that cannot be reached (or refuses the credentials) is a message naming it
with Retry and Open Personal Library: nothing of the personal library is touched
meanwhile, and nothing at all is written for the server. A damaged library folder
offers its newest sound backup, as before (damage_box.py).

Recent libraries are kept in the settings as they are shown: a server's URL WITHOUT
its password (libpq's password file, service file or environment supply it).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.domain import LibraryError
from readinglist.library import DatabaseDamaged, Library
from readinglist.library_copy import shown_location
from readinglist.location import is_server

from .damage_box import damage_box

RECENT_KEY = "libraries/recent"
RECENT_MAX = 8
URL_HINT = "a folder, or a server: postgresql://you@labserver/readinglist"


class RecentLibraries:
    """The libraries opened last, newest first, in the settings (no passwords)."""

    def __init__(self, settings: QSettings) -> None:
        self._s = settings

    def locations(self) -> list[str]:
        v = self._s.value(RECENT_KEY)
        if isinstance(v, str):
            return [v] if v else []
        return [str(x) for x in v] if isinstance(v, list) else []

    def remember(self, location: str) -> None:
        shown = shown_location(location)
        kept = [x for x in self.locations() if x != shown]
        self._s.setValue(RECENT_KEY, [shown, *kept][:RECENT_MAX])
        self._s.sync()


class OpenLibraryDialog(QDialog):
    """File > Open Library…: pick a recent library, type a server URL, or choose a
    folder. `location()` is what was chosen once accepted."""

    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Library")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Recent libraries:"))
        self.recent = QListWidget(self)
        for location in recent:
            QListWidgetItem(location, self.recent)
        self.recent.currentTextChanged.connect(self._on_recent)
        self.recent.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.recent)
        layout.addWidget(QLabel("Folder or server URL:"))
        row = QHBoxLayout()
        self.typed = QLineEdit(self)
        self.typed.setPlaceholderText(URL_HINT)
        self.typed.textChanged.connect(self._update_ok)
        row.addWidget(self.typed)
        browse = QPushButton("Choose &Folder…", self)
        browse.clicked.connect(self._choose_folder)
        row.addWidget(browse)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, 320)
        self._update_ok()

    def location(self) -> str:
        return self.typed.text().strip()

    def _on_recent(self, text: str) -> None:
        if text:
            self.typed.setText(text)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        ok.setEnabled(bool(self.location()))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Library Folder")
        if folder:
            self.typed.setText(folder)


def server_box(parent: QWidget | None, location: str, exc: LibraryError) -> QMessageBox:
    """The message for a shared library that could not be opened: its server and
    what went wrong, with Retry, Open Personal Library and Cancel."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("ReadingList")
    box.setText(f"The shared library {shown_location(location)} could not be opened.")
    box.setInformativeText(
        f"{exc}\n\nNothing was changed. Retry once the server is back (or the password "
        "is in place), or work in your personal library meanwhile."
    )
    box.addButton("Retry", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Open Personal Library", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    return box


def open_location(location: str, personal: Path, parent: QWidget | None = None) -> Library | None:
    """The library at `location`; None if the user gave up (nothing opened, nothing
    changed). A server in trouble asks Retry / Open Personal Library (`personal`) /
    Cancel; a folder's errors other than damage are raised for the caller to tell."""
    while is_server(location):
        try:
            return Library(location, background=True)
        except LibraryError as exc:
            box = server_box(parent, location, exc)
            box.exec()  # modal: the user must choose before anything else opens
            clicked = box.clickedButton()
            answer = clicked.text() if clicked is not None else ""
            if answer == "Retry":
                continue
            if answer != "Open Personal Library":
                return None
            location = str(personal)
    return open_library(Path(location).expanduser(), parent)


def open_library(folder: Path, parent: QWidget | None = None) -> Library | None:
    """The library in a folder; when its database is damaged, offer the newest sound
    backup.

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
