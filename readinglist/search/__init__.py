"""Full-text search: a Whoosh index that follows the library database.

One engine (`SearchIndex`, Whoosh), one query language (query.py: text -> typed tree
-> Whoosh query) and the contract the library relies on (`SearchContract`).
"""

from __future__ import annotations

from .contract import SearchContract
from .document import IndexDoc, SearchResults
from .index import IndexLocked, SearchIndex
from .query import QuerySyntaxError

__all__ = [
    "IndexDoc",
    "IndexLocked",
    "QuerySyntaxError",
    "SearchContract",
    "SearchIndex",
    "SearchResults",
]
