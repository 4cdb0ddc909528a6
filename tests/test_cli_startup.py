"""What one CLI command loads (issue 10): a listing never opens the search index, and
no command imports what it does not use (Qt, Alembic, Markdown, the lookup services;
Whoosh only where it searches or indexes). Behaviour, not timings: the times are in
benchmarks/cli_bench.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.domain import PaperDraft, ParseResult, Person
from readinglist.library import Library

REPO = Path(__file__).resolve().parent.parent

# Runs one command in a fresh interpreter and prints the heavy packages it imported.
PROBE = """
import sys
from readinglist.app import run
code = run(sys.argv[1:])
heavy = ("whoosh", "PySide6", "alembic", "markdown", "pylatexenc", "readinglist.lookup",
         "readinglist.ui", "readinglist.search", "sqlalchemy")
loaded = sorted({m.split(".")[0] if not m.startswith("readinglist") else ".".join(m.split(".")[:2])
                 for m in sys.modules if m.startswith(heavy)})
print("LOADED " + " ".join(loaded), file=sys.stderr)
sys.exit(code)
"""


def _run(folder: Path, *args: str) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--library", str(folder), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED"))
    return done.stdout, set(line.split()[1:])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    drafts = [
        PaperDraft(
            title=f"Masked generative transformers {i}",
            abstract=r"Schr\"odinger's $\alpha$ decoding",
            authors=(Person("Chang", "Huiwen"),),
            year=2022,
        )
        for i in range(3)
    ]
    with Library(folder) as lib:
        lib.import_parsed([(ParseResult(tuple(drafts)), "test")])
    return folder


def test_list_does_not_open_the_index_or_import_what_it_does_not_use(folder: Path) -> None:
    out, loaded = _run(folder, "list", "--json")  # the day's first open: its backup
    assert len(json.loads(out)) == 3
    assert loaded == {"sqlalchemy"}, loaded
    out, loaded = _run(folder, "list", "--json")  # now an open would only open
    assert len(json.loads(out)) == 3
    assert loaded == set(), loaded  # SQLite alone (library_quick.py)
    out, loaded = _run(folder, "list")
    assert len(out.splitlines()) == 3
    assert loaded == set(), loaded
    out, loaded = _run(folder, "show", "1", "--json")
    assert json.loads(out)["id"] == 1
    assert loaded == set(), loaded
    out, loaded = _run(folder, "show", "1")  # the text form opens the library
    assert "Masked generative transformers" in out
    assert "sqlalchemy" in loaded, loaded


def test_search_and_mark_import_whoosh_but_not_qt_alembic_or_markdown(folder: Path) -> None:
    out, loaded = _run(folder, "search", "masked", "--json")
    assert json.loads(out)["total"] == 3
    assert "whoosh" in loaded and "readinglist.search" in loaded
    assert not loaded & {"PySide6", "alembic", "markdown", "readinglist.ui", "readinglist.lookup"}
    out, loaded = _run(folder, "mark", "read", "1")
    assert out.strip() == "marked 1 paper read"
    assert not loaded & {"PySide6", "alembic", "markdown", "readinglist.ui", "readinglist.lookup"}
    # the mark left the index behind; closing caught it up (the CLI contract)
    out, _ = _run(folder, "search", "status:read", "--json")
    assert [p["id"] for p in json.loads(out)["results"]] == [1]


def test_closing_after_a_listing_leaves_the_index_closed(folder: Path) -> None:
    lib = Library(folder)
    try:
        assert len(lib.listing().rows) == 3
        assert len(lib.details([1, 2, 3])) == 3
    finally:
        lib.close()
    assert not lib._follower.index_open


def test_closing_catches_up_when_the_index_is_behind(folder: Path) -> None:
    (folder / "index" / "readinglist-index.json").unlink()  # as if never built
    lib = Library(folder)
    lib.close()
    assert lib._follower.index_open  # it was opened to be caught up
    meta = json.loads((folder / "index" / "readinglist-index.json").read_text("utf-8"))
    with Library(folder) as again:
        assert meta["seq"] == again.change_seq()


def test_the_index_record_is_read_under_the_name_the_index_writes() -> None:
    """library_folder reads the index's record without importing Whoosh, so it names
    the file itself: the same name search/index.py writes."""
    from readinglist import library_folder
    from readinglist.search.index import META_FILE

    assert library_folder.INDEX_RECORD == META_FILE
