"""`readinglist --self-test`: prove this installation works, end to end.

Meant above all for the frozen bundle, where a module loaded by name or a data file
can be missing although every unit test passed: it goes through the same code a user
does — a temporary library, every importer on a bundled example, search, marking,
a note rendered from Markdown, BibTeX export read back, the app icon, the
single-instance socket and finally the main window, shown offscreen.

It prints one line per step and returns 0, or 1 naming the steps that broke (and
why). A failed step does not stop the others (each checks only what it sets up
itself or what earlier steps left in the library), except that nothing runs
without the library.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .domain import ExportFormat, Filter, SourceFormat, Status
from .resources import resource_path

if TYPE_CHECKING:
    from .library import Library

# Bundled example per importer: (file, format, papers it holds)
EXAMPLES: tuple[tuple[str, SourceFormat, int], ...] = (
    ("trending.txt", SourceFormat.TRENDING, 2),
    ("example.bib", SourceFormat.BIBTEX, 2),
    ("example.ris", SourceFormat.RIS, 2),
    ("example.atom.xml", SourceFormat.ARXIV, 1),
    ("example.csl.json", SourceFormat.CSLJSON, 1),
)
WINDOW_WAIT_S = 20.0  # generous: a cold start of a frozen Qt app on a slow disk


class StepFailed(Exception):
    """A check did not hold; the message says what was expected."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


@dataclass
class _Run:
    """State shared by the steps of one self-test run."""

    folder: Path
    out: Callable[[str], None]
    library: Library | None = None
    ids: dict[str, int] = field(default_factory=dict)  # title word -> paper id

    @property
    def lib(self) -> Library:
        assert self.library is not None, "the library step runs first"
        return self.library


def _step_library(run: _Run) -> str:
    from .library import Library

    run.library = Library(run.folder / "library")
    _check(run.lib.counts().total == 0, "a new library is not empty")
    return str(run.folder / "library")


def _step_import(run: _Run) -> str:
    from .formats.reader import read_path

    done = []
    for name, fmt, papers in EXAMPLES:
        path = resource_path("examples", name)
        _check(path.is_file(), f"bundled example {path} is missing")
        parsed = read_path(path)
        _check(parsed.format is fmt, f"{name} was detected as {parsed.format}, not {fmt}")
        _check(not parsed.problems, f"{name}: {'; '.join(map(str, parsed.problems))}")
        report = run.lib.import_paths([path])
        _check(
            len(report.added) == papers and not report.problems,
            f"{name}: added {len(report.added)} of {papers} papers "
            f"({'; '.join(map(str, report.problems)) or 'no problems reported'})",
        )
        done.append(f"{fmt.value} {papers}")
    total = sum(p for _, _, p in EXAMPLES)
    _check(run.lib.counts().total == total, f"library holds {run.lib.counts().total}, not {total}")
    return ", ".join(done)


def _step_search(run: _Run) -> str:
    # One word from each of three importers; LaTeX accents must be decoded and folded
    for query, title_word in (
        ("zebrafish", "Zebrafish"),
        ("schrodinger", "Schrödinger"),
        ("gravel", "Pebble"),
        ("laboratories", "Quiet"),
    ):
        found = run.lib.search(query)
        titles = [d.title for d, _ in found]
        _check(
            len(found) == 1 and title_word in titles[0],
            f"search {query!r} found {titles}, expected one paper with {title_word!r}",
        )
        run.ids[title_word] = found[0][0].id
    _check(run.lib.search("nonexistentword") == [], "a word in no paper still matched")
    return "4 queries"


def _step_mark(run: _Run) -> str:
    pid = run.ids["Zebrafish"]
    run.lib.set_status([pid], Status.READ)
    run.lib.add_tags([pid], ["self-test"])
    paper = run.lib.get(pid)
    _check(paper.status is Status.READ, f"status is {paper.status}, not read")
    _check("self-test" in paper.tags, f"tags are {paper.tags}")
    listed = run.lib.ids(Filter(status=Status.READ))
    _check(listed == [pid], f"the read filter lists {listed}")
    return f"paper {pid} read and tagged"


def _step_note(run: _Run) -> str:
    from .notes import render_note

    pid = run.ids["Quiet"]
    text = "Check **table 2**.\n\n| model | error |\n|---|---|\n| small | 3% |\n"
    run.lib.set_note(pid, text)
    _check(run.lib.get(pid).note == text, "the note did not read back")
    html = render_note(text)
    # bold and a table: the Markdown core and the `tables` extension (loaded by name)
    _check("<strong>table 2</strong>" in html, f"Markdown did not render: {html[:200]}")
    _check("<table" in html, f"the tables extension did not run: {html[:200]}")
    return "saved and rendered"


def _step_index_worker(run: _Run) -> str:
    """The app indexes big imports by starting itself again (index_worker.py)."""
    from .index_worker import ChildCatchUp
    from .library import Library

    folder = run.folder / "child-indexed"
    lib = Library(folder)
    try:
        lib.import_paths([resource_path("examples", "trending.txt")])
        lib.close(catch_up=False)  # nothing indexed by this process
        done = ChildCatchUp(folder).run()
        lib = Library(folder)
        _check(done == 2, f"the indexing process indexed {done} papers, not 2")
        _check(not lib.index_behind(), "the index is still behind after the indexing process")
        _check(len(lib.search("lantern")) == 1, "a paper indexed by the child is not found")
    finally:
        lib.close(catch_up=False)
    return "2 papers indexed by a child process"


def _step_export(run: _Run) -> str:
    from .formats.reader import read_text

    text = run.lib.export(ExportFormat.BIBTEX)
    back = read_text(text, "export.bib", SourceFormat.BIBTEX)
    total = run.lib.counts().total
    _check(not back.problems, f"exported BibTeX reads back with problems: {back.problems[:3]}")
    _check(len(back.drafts) == total, f"exported {len(back.drafts)} entries, expected {total}")
    titles = {d.title for d in back.drafts}
    _check(
        "Schrödinger Bridges for Tabular Data Imputation" in titles,
        f"accented title lost in the round trip: {sorted(titles)}",
    )
    return f"{total} entries, {len(text)} characters, read back"


def _qt_app() -> Any:
    # Offscreen unless the user asked for a platform: the check must run over ssh,
    # in CI and in a container as well as on a desktop.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["readinglist", "--self-test"])


def _step_icon(run: _Run) -> str:
    from PySide6.QtGui import QIcon, QImage

    _qt_app()
    svg = resource_path("readinglist.svg")
    image = QImage(str(svg))  # needs Qt's SVG image-format plugin in the bundle
    _check(not image.isNull(), f"{svg} could not be loaded (Qt SVG plugin missing?)")
    icon = QIcon(str(svg))
    _check(not icon.pixmap(32, 32).isNull(), "the app icon renders to nothing at 32 px")
    png = resource_path("appicon", "readinglist-48.png")
    _check(not QImage(str(png)).isNull(), f"{png} could not be loaded")
    return "SVG and PNG load"


def _step_single_instance(run: _Run) -> str:
    from .ui.single_instance import InstanceServer, hand_over

    _qt_app()
    library = run.lib.folder
    server = InstanceServer(library)
    _check(server.listen(), "could not listen for a second start")
    received: list[list[str]] = []
    server.filesReceived.connect(received.append)
    try:
        example = resource_path("examples", "example.ris")
        _check(hand_over(library, [example], 3000), "a second start could not hand over")
        _check(received == [[str(example.absolute())]], f"the running app received {received}")
    finally:
        server.close()
    return "hand-over works"


def _step_window(run: _Run) -> str:
    app = _qt_app()
    try:
        from PySide6.QtCore import QSettings

        from .ui.main_window import MainWindow
    except ImportError as exc:
        raise StepFailed(f"skipped: ui not available ({exc})") from exc
    settings = QSettings(str(run.folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(run.lib, settings)
    try:
        window.show()
        total = run.lib.counts().total
        model = getattr(window, "table_model", None)
        deadline = time.monotonic() + WINDOW_WAIT_S
        rows = -1
        while time.monotonic() < deadline:
            app.processEvents()
            rows = model.rowCount() if model is not None else total
            if rows == total and window.isVisible():
                break
            time.sleep(0.02)
        _check(window.isVisible(), "the main window did not show")
        _check(rows == total, f"the window lists {rows} papers, expected {total}")
    finally:
        window.close()
        app.processEvents()
        window.deleteLater()
        app.processEvents()
    return f"shown ({app.platformName()}) with {total} papers, closed"


STEPS: tuple[tuple[str, Callable[[_Run], str]], ...] = (
    ("library", _step_library),
    ("import", _step_import),
    ("search", _step_search),
    ("mark", _step_mark),
    ("note", _step_note),
    ("index worker", _step_index_worker),
    ("export", _step_export),
    ("icon", _step_icon),
    ("single-instance", _step_single_instance),
    ("window", _step_window),
)


def run_self_test(out: Callable[[str], None] | None = None) -> int:
    """Run every step on a temporary library; 0 when all pass, else 1."""
    say = out or (lambda line: print(line, flush=True))
    frozen = " (frozen)" if getattr(sys, "frozen", False) else ""
    say(f"ReadingList {__version__} self-test{frozen}, Python {sys.version.split()[0]}")
    folder = Path(tempfile.mkdtemp(prefix="readinglist-selftest-"))
    run = _Run(folder, say)
    failed: list[str] = []
    try:
        for name, step in STEPS:
            try:
                detail = step(run)
            except StepFailed as exc:
                say(f"FAIL {name}: {exc}")
                failed.append(name)
            except Exception as exc:  # a bug or a missing module: show where
                say(f"FAIL {name}: {type(exc).__name__}: {exc}")
                say(traceback.format_exc().rstrip())
                failed.append(name)
            else:
                say(f"ok   {name}: {detail}")
            if run.library is None:
                break  # every later step needs the library
    finally:
        if run.library is not None:
            run.library.close()
        shutil.rmtree(folder, ignore_errors=True)
    if failed:
        say(f"self-test FAILED: {', '.join(failed)}")
        return 1
    say("self-test passed")
    return 0
