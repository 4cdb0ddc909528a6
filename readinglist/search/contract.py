"""What the library needs from a search index, as a typing.Protocol.

`SearchIndex` (Whoosh, index.py) is the one engine; library.py and indexer.py are
written against this contract, so a test's stand-in or a future engine is checked
by mypy against the same methods rather than through unions of classes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from .document import IndexDoc, SearchResults


class SearchContract(Protocol):
    @property
    def seq(self) -> int:
        """The library change number the index is up to date with (0: empty)."""
        ...

    def apply(self, docs: Sequence[IndexDoc], deleted: Sequence[int], seq: int) -> None:
        """Add or replace `docs`, remove `deleted` ids, commit, then record `seq`."""
        ...

    def reset(self) -> None:
        """Empty the index; `seq` becomes 0 so the caller re-feeds everything."""
        ...

    def exclusive(self, timeout: float | None = None) -> AbstractContextManager[None]:
        """Hold the cross-process write lock across several calls (a catch-up)."""
        ...

    def optimize(self, budget: int = ...) -> bool:
        """Merge a few segments when idle; True while more merging is wanted."""
        ...

    def warm(self) -> None:
        """Read now what the first query would otherwise wait for."""
        ...

    def search(
        self,
        query: str,
        *,
        limit: int | None = 100,
        as_you_type: bool = False,
        restrict: Collection[int] | None = None,
        highlight: bool = True,
    ) -> SearchResults:
        """Papers matching `query` (search/query.py's language), best first."""
        ...

    def highlights(
        self, query: str, ids: Collection[int], *, as_you_type: bool = False
    ) -> dict[int, Mapping[str, str]]:
        """Snippets for these papers, as `search` gives its first hits."""
        ...

    def close(self) -> None: ...
