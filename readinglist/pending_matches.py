"""What a search finds among the papers the index has not taken in yet.

While the index is behind the database (a big import being indexed, another
process's writes), the papers changed after the index's change number are matched
with the same query over an in-memory index of them (search/pending.py); their
text is cached and read on as the change sequence moves. library.py's `listing`
lists them under the index's ranked hits."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .db import search_sql, store
from .indexer import index_doc

if TYPE_CHECKING:
    from .search.pending import PendingSearch


class PendingMatches:
    """The pending papers' cache for one library, shared by every thread searching."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._cache: PendingSearch | None = None  # made at the first search that lags
        self._lock = threading.Lock()

    def find(
        self, index_seq: int, query: str, as_you_type: bool
    ) -> tuple[int, set[int], list[int]]:
        """(papers the index lacks, their ids, those `query` matches), 0/empty/empty
        when the index (at `index_seq`) is caught up."""
        from .search.pending import PendingSearch, pending_entry

        with Session(self._engine) as s:
            if store.current_seq(s) <= index_seq:
                return 0, set(), []
            with self._lock:
                if self._cache is None:
                    self._cache = PendingSearch()
                cache = self._cache
                after = cache.start_seq(index_seq)
                seen = store.current_seq(s)
                rows, tags = search_sql.changed_papers(s, after)
                cache.update(
                    index_seq,
                    seen,
                    (
                        (
                            r.id,
                            None
                            if r.trashed_at
                            else pending_entry(index_doc(r, tags), r.change_seq),
                        )
                        for r in rows
                    ),
                )
                ids = cache.ids()
                matched = cache.matches(query, as_you_type=as_you_type)
            count = search_sql.pending_count(s, index_seq)  # without deleted papers
        return count, ids, matched
