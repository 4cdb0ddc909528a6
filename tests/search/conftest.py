"""Search tests run on the one engine, Whoosh, in a temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest

from readinglist.search import SearchIndex


class Engine(Protocol):
    def __call__(self, folder: Path, library_id: str) -> SearchIndex: ...


@pytest.fixture
def engine() -> Engine:
    """The index class under test (a fixture so tests say what they need)."""
    return SearchIndex
