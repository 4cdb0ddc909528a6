"""Test setup shared by every test: offscreen Qt, paths to ../shared, temp libraries."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.library import Library

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the user's own preferences (readinglist/config.py): the defaults, unless a
# test sets READINGLIST_* itself.
os.environ["READINGLIST_CONFIG"] = os.devnull

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The team's ../shared folder (corpora, samples, tools); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def sample_page(shared: Path) -> Path:
    path = shared / "samples" / "trending-generative-transformers.txt"
    if not path.exists():
        pytest.skip("trending sample missing")
    return path


@pytest.fixture
def corpora(shared: Path) -> Path:
    path = shared / "corpora"
    if not path.is_dir():
        pytest.skip("corpora missing")
    return path


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    """A new, empty library: a real SQLite file and Whoosh index in tmp_path."""
    library = Library(tmp_path / "lib")
    yield library
    library.close()


# The real PostgreSQL server and a fresh database per test (tests/pg.py).
from tests.pg import pg_database, pg_server  # noqa: E402, F401
