"""import_files.py and import_pause.py on their own (issue 11 moved them out of
library.py; tests/test_folder_import.py drives them through a whole import)."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from readinglist.domain import Problem
from readinglist.import_files import expand_folders, read_paths, skip_folder_reason
from readinglist.import_pause import CollectorPause

BIB = "@article{a, title = {A Real Paper}, author = {Doe, Jane}, year = 2020}\n"


def test_the_folders_an_import_never_enters(tmp_path: Path) -> None:
    for name in (".git", "node_modules", "__pycache__", "env", "conda", "refs"):
        (tmp_path / name).mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "conda" / "conda-meta").mkdir()
    reasons = {p.name: skip_folder_reason(p) for p in tmp_path.iterdir()}
    assert reasons == {
        ".git": "hidden folder",
        "node_modules": "tool folder",
        "__pycache__": "tool folder",
        "env": "virtual environment",
        "conda": "virtual environment",
        "refs": None,
    }


def test_a_folder_stands_for_its_importable_files(tmp_path: Path) -> None:
    top = tmp_path / "project"
    (top / "refs" / "deeper").mkdir(parents=True)
    (top / ".hidden").mkdir()
    (top / "refs" / "b.bib").write_text(BIB)
    (top / "refs" / "deeper" / "a.ris").write_text("TY  - JOUR\nER  - \n")
    (top / "refs" / ".secret.bib").write_text(BIB)
    (top / ".hidden" / "c.bib").write_text(BIB)
    (top / "photo.png").write_bytes(b"\x89PNG")
    (top / "loop").symlink_to(top / "refs", target_is_directory=True)
    named = tmp_path / "named.csv"  # named: kept as given, whatever its type
    skipped: list[Problem] = []
    found = list(expand_folders([named, top], skipped))
    assert found == [
        (named, None),
        (top / "refs" / "b.bib", "project/refs/b.bib"),
        (top / "refs" / "deeper" / "a.ris", "project/refs/deeper/a.ris"),
    ]
    assert [(p.file, p.message) for p in skipped] == [
        ("project/.hidden", "hidden folder"),
        ("project/loop", "symbolic link, not followed"),
        ("project", "2 files of other types not looked at (photo.png, .secret.bib)"),
    ]
    assert list(expand_folders([top])) == found[1:]  # nothing to report into: same files


def test_read_paths_tells_skipped_from_failed(tmp_path: Path) -> None:
    folder = tmp_path / "refs"
    folder.mkdir()
    (folder / "good.bib").write_text(BIB)
    (folder / "README.txt").write_text("Install it with pip. Then run it.\n")
    (folder / "empty.txt").write_text("\n")
    named = tmp_path / "notes.txt"
    named.write_text("Install it with pip. Then run it.\n")
    read = read_paths([folder, named, tmp_path / "missing.bib"])
    assert [(r.format, name) for r, name in read.results] == [("bibtex", "good.bib")]
    assert read.read_files == [str(folder / "good.bib")]
    assert [(p.file, p.message) for p in read.skipped] == [
        ("refs/README.txt", "not in a format we can import"),
        ("refs/empty.txt", "empty file"),
    ]
    assert read.failed == [str(named), str(tmp_path / "missing.bib")]
    assert [p.file for p in read.problems] == ["notes.txt", "missing.bib"]


def test_nested_and_concurrent_pauses_turn_the_collector_on_once_at_the_end() -> None:
    pause = CollectorPause()
    assert gc.isenabled()
    inside = threading.Event()
    leave = threading.Event()

    def other() -> None:
        with pause():
            inside.set()
            leave.wait(10)

    worker = threading.Thread(target=other)
    with pause():
        worker.start()
        assert inside.wait(10)
        with pause():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause ended, ours did not
    assert not gc.isenabled()  # the other thread's pause still runs
    leave.set()
    worker.join(10)
    assert gc.isenabled()
