"""Full-text search: an index that follows the library database.

Two engines share one contract: `SearchIndex` (Whoosh, the default) and
`FtsSearchIndex` (SQLite FTS5). `open_index` picks one; the environment variable
READINGLIST_SEARCH_ENGINE=fts5 selects FTS5 (read here and nowhere else).
"""

from __future__ import annotations

import os
from pathlib import Path

from .document import IndexDoc, SearchResults
from .fts import FtsSearchIndex
from .index import IndexLocked, SearchIndex
from .query import QuerySyntaxError

ENGINE_VARIABLE = "READINGLIST_SEARCH_ENGINE"


def open_index(folder: Path, library_id: str) -> SearchIndex | FtsSearchIndex:
    """The search index in `folder`, on the engine the environment asks for."""
    engine = os.environ.get(ENGINE_VARIABLE, "whoosh").strip().lower()
    if engine in ("fts5", "fts", "sqlite"):
        return FtsSearchIndex(folder, library_id)
    return SearchIndex(folder, library_id)


__all__ = [
    "ENGINE_VARIABLE",
    "FtsSearchIndex",
    "IndexDoc",
    "IndexLocked",
    "QuerySyntaxError",
    "SearchIndex",
    "SearchResults",
    "open_index",
]
