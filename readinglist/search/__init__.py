"""Full-text search: a Whoosh index that follows the library database."""

from .document import IndexDoc, SearchResults
from .index import IndexLocked, SearchIndex
from .query import QuerySyntaxError

__all__ = ["IndexDoc", "IndexLocked", "QuerySyntaxError", "SearchIndex", "SearchResults"]
