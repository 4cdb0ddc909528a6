"""Every engine test runs against both engines behind the one contract."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest

from readinglist.search import FtsSearchIndex, SearchIndex


class Engine(Protocol):
    def __call__(self, folder: Path, library_id: str) -> SearchIndex: ...


@pytest.fixture(params=["whoosh", "fts5"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The index class under test (FTS5 typed as SearchIndex: same public API)."""
    return SearchIndex if request.param == "whoosh" else FtsSearchIndex  # type: ignore[return-value]
