"""Render the README screenshot (docs/images/readinglist-window.png) offscreen.

    .venv/bin/python packaging/screenshot.py [OUT.png]

A temporary library is filled with the bundled examples (resources/examples), a few
papers are marked and tagged, and the main window is grabbed at 1200x720.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images" / "readinglist-window.png"


def _settle(app: object, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from readinglist.domain import Status
    from readinglist.library import Library
    from readinglist.resources import resource_path
    from readinglist.ui.main_window import MainWindow

    out = Path(argv[0]) if argv else OUT
    app = QApplication(["readinglist"])
    folder = Path(tempfile.mkdtemp(prefix="readinglist-shot-"))
    lib = Library(folder / "library")
    lib.import_paths(sorted(resource_path("examples").iterdir()))
    ids = lib.ids()
    lib.set_status(ids[:2], Status.READ)
    lib.set_status(ids[2:3], Status.READING)
    lib.add_tags(ids[:3], ["to-cite"])
    lib.set_note(ids[0], "Compare with **table 2** of the lantern paper.\n\n- memory: 10x less")
    lib.catch_up_index()
    window = MainWindow(lib, QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window.resize(1200, 720)
    window.show()
    _settle(app, 3)
    window.table.selectRow(0)
    _settle(app, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    window.close()
    lib.close()
    print(out if ok else f"could not write {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
