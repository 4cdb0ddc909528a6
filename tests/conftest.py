"""Test setup shared by every test: offscreen Qt, paths to ../shared, temp libraries."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
from tests.pg import alice_bob, pg_database, pg_server  # noqa: E402, F401


@dataclass(frozen=True)
class Backend:
    """Where a parametrised test's library lives: a folder (SQLite) or a fresh database
    on the real PostgreSQL server, opened as the member alice."""

    name: str  # "sqlite" | "postgresql"
    location: Path | str
    cache_dir: Path | None  # a server library's index folder root (tmp_path)
    admin_url: str  # SQLAlchemy URL reaching the same database behind the Library's back

    def open(self, **kw: Any) -> Library:
        """A (further) Library on the same library, as alice."""
        return Library(self.location, cache_dir=self.cache_dir, **kw)

    def sql(self, statement: str, **params: Any) -> list[Any]:
        """Run one statement on the database directly (committed); its rows, if any."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each test using it runs twice: on a SQLite folder and on PostgreSQL."""
    if request.param == "sqlite":
        folder = tmp_path / "lib"
        return Backend("sqlite", folder, None, f"sqlite:///{folder / 'library.sqlite'}")
    server = request.getfixturevalue("pg_server")
    database = request.getfixturevalue("pg_database")
    admin = server.url(database).replace("postgresql://", "postgresql+psycopg://", 1)
    return Backend("postgresql", server.url(database, "alice"), tmp_path / "cache", admin)


@pytest.fixture
def backend_lib(backend: Backend) -> Iterator[Library]:
    """A new, empty library on each backend (`backend`): the library-level tests that
    must hold on both take this (or alias `lib` to it in their module)."""
    library = backend.open()
    yield library
    library.close()
