"""The message for a library found damaged, at start or while the window runs
(issue 8.12/8.13).

It names the file and what SQLite found, and offers the newest sound backup
(Restore / Not Now — or Quit at start, `ui/main.py`); with no sound backup it says
so and changes nothing. `messages.Messages` shows one at a time;
`MainWindow.restore_from` does the restoring.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from readinglist.library import DatabaseDamaged


def damage_box(
    parent: QWidget | None,
    exc: DatabaseDamaged,
    folder: Path,
    found: tuple[Path, datetime, int] | None,
    restore: Callable[[Path], None],
    decline: str = "Not Now",
) -> QMessageBox:
    """The message, not yet shown; `restore(backup)` runs when the user picks Restore."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("ReadingList")
    box.setText("The library's database is damaged.")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if found is None:
        box.setInformativeText(
            f"{exc.db_path}: {exc.reason}.\n\nNo sound backup was found in "
            f"{folder / 'backups'}. Nothing was changed; close ReadingList and run "
            f"“readinglist --library {folder} check” to see what can be saved."
        )
        box.addButton(QMessageBox.StandardButton.Close)
        return box
    backup, made, papers = found
    when = made.astimezone().strftime("%Y-%m-%d %H:%M")
    box.setInformativeText(
        f"{exc.db_path}: {exc.reason}.\n\nRestore the newest sound backup, from "
        f"{when} ({papers:,} papers)? Changes made since then are lost; the "
        "damaged file is kept in the backups folder."
    )
    box.setDetailedText(str(backup))
    yes = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(decline, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)

    def answered() -> None:
        if box.clickedButton() is yes:
            restore(backup)

    box.finished.connect(answered)
    return box
