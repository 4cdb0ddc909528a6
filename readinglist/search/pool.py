"""Whoosh's posting pool with short sorts: a commit never holds the GIL for long.

Whoosh collects a commit's postings and sorts them at the end in one `list.sort()`,
a single C call: ~170 ms for a 2,000-paper batch, during which the window's thread
cannot run (the window froze while the index caught up with an import). Its own
remedy (a smaller `limitmb`) sorts in runs but pickles every posting to a temporary
file and back, which made indexing 40% slower. This pool sorts runs of RUN_POSTINGS
in memory and merges them with `heapq.merge` (Python-level, so the interpreter
switches threads between items).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any

from whoosh.writing import PostingPool

from . import whoosh_private

# About 15 ms of sorting per run on this machine's 2 cores.
RUN_POSTINGS = 20_000


class ShortSortPool(PostingPool):  # type: ignore[misc]
    current: list[Any]  # the run being filled (Whoosh's attribute)

    def __init__(self, tempstore: Any, segment: Any, run_postings: int | None = None) -> None:
        super().__init__(tempstore, segment)
        self._run_postings = run_postings or RUN_POSTINGS
        self._runs: list[list[Any]] = []

    def add(self, item: Any) -> None:
        self.fieldnames.add(item[0])
        self.current.append(item)
        if len(self.current) >= self._run_postings:
            self.save()

    def save(self) -> None:
        if self.current:
            self.current.sort()
            self._runs.append(self.current)
            self.current = []

    def items(self, maxfiles: int = 128) -> Iterable[Any]:
        self.save()
        runs, self._runs = self._runs, []
        if len(runs) == 1:
            return iter(runs[0])
        return heapq.merge(*runs)

    def cleanup(self) -> None:
        self._runs = []
        self.current = []
        super().cleanup()


def use_short_sorts(writer: Any) -> None:
    """Give a fresh Whoosh SegmentWriter this pool (before anything is added)."""
    writer.pool = ShortSortPool(whoosh_private.temp_storage(writer), writer.newsegment)
