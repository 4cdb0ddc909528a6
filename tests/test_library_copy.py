"""`copy --from --to` between two library folders (library_copy.py): a real SQLite
file and Whoosh index on each side."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.db import copy_rows
from readinglist.domain import Cancelled, LibraryError
from readinglist.library import Library
from readinglist.library_copy import copy_library
from tests.copy_fixtures import seed_varied, snapshot


@pytest.fixture
def source(tmp_path: Path, corpora: Path) -> Path:
    folder = tmp_path / "mine"
    with Library(folder) as lib:
        seed_varied(lib, corpora)
    return folder


def test_copy_keeps_every_detail_tag_and_count(source: Path, tmp_path: Path) -> None:
    steps: list[tuple[int, int]] = []
    report = copy_library(
        str(source), str(tmp_path / "copy"), progress=lambda d, t: steps.append((d, t))
    )
    with Library(source) as a, Library(tmp_path / "copy") as b:
        before, after = snapshot(a), snapshot(b)
        assert report.papers == len(before["details"])
        assert after == before
        assert after["counts"].trash == 3
        # the copy is a library of its own, and its index holds the copied papers
        assert b.library_id != a.library_id
        found = [d.id for d, _ in b.search("edited")]
        assert found == [d.id for d, _ in a.search("edited")] and len(found) == 1
        # new papers get new ids, past the copied ones
        added = b.import_text("@misc{x, title={A new one}}", source="x.bib").added
        assert added[0] > max(d.id for d in after["details"])
    assert steps[0] == (0, report.papers) and steps[-1] == (report.papers, report.papers)


def test_a_destination_with_papers_is_refused_and_untouched(source: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    with Library(other) as lib:
        lib.import_text("@misc{y, title={Already here}}", source="y.bib")
        before = snapshot(lib)
    with pytest.raises(LibraryError, match="not empty"):
        copy_library(str(source), str(other))
    with Library(other) as lib:
        assert snapshot(lib) == before


def test_cancel_keeps_nothing_and_removes_the_folder_it_made(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copy_rows, "BATCH", 5)  # several batches from a small library
    calls = iter([False, True])  # the first batch goes in, then the user cancels
    with pytest.raises(Cancelled):
        copy_library(str(source), str(tmp_path / "new"), cancel=lambda: next(calls, True))
    assert not (tmp_path / "new").exists()


def test_cancel_into_an_existing_empty_library_leaves_it_empty(
    source: Path, tmp_path: Path
) -> None:
    Library(tmp_path / "empty").close()
    with pytest.raises(Cancelled):
        copy_library(str(source), str(tmp_path / "empty"), cancel=lambda: True)
    with Library(tmp_path / "empty") as lib:
        assert lib.ids() == [] and lib.tags() == []
    copy_library(str(source), str(tmp_path / "empty"))  # still empty: a copy may go in


def test_no_library_at_the_source(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="no library in"):
        copy_library(str(tmp_path / "typo"), str(tmp_path / "copy"))
    assert not (tmp_path / "typo").exists() and not (tmp_path / "copy").exists()


def test_cli_copy(source: Path, tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "readinglist", *args], capture_output=True, text=True
        )

    done = cli("copy", "--from", str(source), "--to", str(tmp_path / "copy"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("copied ") and "papers from" in done.stdout
    again = cli("copy", "--from", str(source), "--to", str(tmp_path / "copy"))
    assert again.returncode == 1
    assert again.stderr.startswith("readinglist: ") and "not empty" in again.stderr
    assert "Traceback" not in again.stderr
