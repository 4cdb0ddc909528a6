#!/usr/bin/env python3
"""The screenshots of the window on a shared library (issue 12), under Xvfb.

    Xvfb :99 -screen 0 1400x860x24 &
    DISPLAY=:99 .venv/bin/python scripts/shared_screenshot.py docs/

A throwaway server (scripts/pg_server.py); Bob fills the library with the trending
sample; Alice's window opens on it; then Bob adds a paper with a tag and a note he
shares with the group, and the shots show the window before and once his changes
have arrived (by notification: the window's poll is stopped).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.shared_bench import member_url, new_database, start_server  # noqa: E402

SAMPLE = REPO.parent / "shared" / "samples" / "trending-generative-transformers.txt"


def shoot(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from readinglist.domain import PaperDraft, Person, Status
    from readinglist.library import Library
    from readinglist.ui.main_window import MainWindow

    app = QApplication([])
    admin, stop = start_server()
    try:
        with tempfile.TemporaryDirectory() as t:
            tmp = Path(t)
            url = new_database(admin, "lab_reading_list")
            bob = Library(member_url(admin, "lab_reading_list", "bob"), cache_dir=tmp / "bob")
            bob.import_paths([SAMPLE])
            ids = bob.ids()
            bob.add_tags(ids[:6], ["reading group"])
            alice = Library(url, background=True, cache_dir=tmp / "alice")
            alice.set_status(ids[2:5], Status.READING)
            w = MainWindow(alice, QSettings(str(tmp / "w.ini"), QSettings.Format.IniFormat))
            w.resize(1400, 860)
            w.move(0, 0)
            w.show()
            _spin(app, w.list_ready, 20)
            w._watch_timer.stop()
            w.select_ids([ids[0]])
            _spin(app, lambda: False, 1.0)
            shoot(out / "shared-library-before.png")
            added = bob.import_drafts(
                [
                    PaperDraft(
                        title="Masked Generative Transformers for the Lab's Next Project",
                        authors=(Person(family="Builder", given="Bob"),),
                        year=2025,
                        abstract="Bob's suggestion for next week's reading group.",
                    )
                ],
                source="bob.bib",
            ).added
            bob.add_tags(added, ["reading group"])
            bob.set_note(
                added[0], "Let's read this one for **Thursday**: section 3 first.", shared=True
            )
            t0 = time.perf_counter()
            _spin(app, lambda: added[0] in [r.id for r in w.table_model.rows()], 5)
            print(f"Bob's paper in Alice's window after {time.perf_counter() - t0:.2f} s")
            w.select_ids(list(added))
            _spin(app, lambda: False, 1.0)
            shoot(out / "shared-library.png")
            w.close()
            alice.close(catch_up=False)
            bob.close(catch_up=False)
    finally:
        stop()


def _spin(app: object, done: object, seconds: float) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication) and callable(done)
    end = time.monotonic() + seconds
    while time.monotonic() < end and not done():
        app.processEvents()
        time.sleep(0.01)


if __name__ == "__main__":
    main()
