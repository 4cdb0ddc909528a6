"""When Whoosh segments are merged: never a big merge on the way to a small commit.

Whoosh merges by re-reading and re-writing every posting in Python, about as slow
as indexing the documents again (10k papers: 30 s). Its default policy
(MERGE_SMALL) may fold every segment into one during a one-paper commit: at 100k
papers that commit took 333 s. So:

- a commit merges only when the merge is tiny (`merge_tiny`): the smallest
  segments, as long as together they hold at most TINY_MERGE_DOCS documents;
- bigger merges happen only in `merge_budget`, which the index runs from
  `SearchIndex.optimize()` when the caller is idle, at most `budget` documents
  at a time, so the writer lock is never held for long.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from whoosh.reading import SegmentReader

# A commit may fold small segments together if they hold at most this many
# documents (about a second of merging in the worst case, milliseconds usually).
TINY_MERGE_DOCS = 300
# Merge small segments only once this many of them have piled up.
TINY_SEGMENTS = 8
# `optimize` leaves the index alone with at most this many segments.
TARGET_SEGMENTS = 6

MergePolicy = Callable[[Any, list[Any]], list[Any]]


def _live(seg: Any) -> int:
    return int(seg.doc_count())


def _merge(writer: Any, chosen: Sequence[Any], segments: list[Any]) -> list[Any]:
    """Add `chosen` segments' live documents to `writer`; return the others."""
    ids = {id(s) for s in chosen}
    for seg in chosen:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [s for s in segments if id(s) not in ids]


def _smallest_run(segments: list[Any], max_docs: int) -> list[Any]:
    """The smallest segments (smallest first) whose live documents fit in max_docs."""
    chosen: list[Any] = []
    total = 0
    for seg in sorted(segments, key=_live):
        if total + _live(seg) > max_docs:
            break
        chosen.append(seg)
        total += _live(seg)
    return chosen


def merge_tiny(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy for every commit: fold tiny segments together, nothing more.

    Empty segments (everything deleted) are dropped for free.
    """
    empty = [s for s in segments if _live(s) == 0]
    segments = [s for s in segments if _live(s) > 0]
    chosen = _smallest_run(segments, TINY_MERGE_DOCS)
    if len(chosen) >= TINY_SEGMENTS:
        return _merge(writer, chosen, segments)
    del empty  # their files go with the old table of contents
    return segments


def needs_merge(segments: Sequence[Any]) -> bool:
    """Whether `merge_budget` has work: too many segments, or one mostly deleted."""
    if len(segments) > TARGET_SEGMENTS:
        return True
    return any(s.doc_count_all() and _live(s) < s.doc_count_all() // 2 for s in segments)


def merge_budget(budget: int) -> MergePolicy:
    """A merge policy folding the smallest segments together, up to `budget` docs.

    Smallest first keeps merges cheap (a document is re-written about log(n) times
    over the index's life); a segment that is mostly deleted is merged (rewritten
    without its dead documents) when it fits the budget.
    """

    def policy(writer: Any, segments: list[Any]) -> list[Any]:
        live = [s for s in segments if _live(s) > 0]
        chosen: list[Any] = []
        if len(live) > TARGET_SEGMENTS:
            chosen = _smallest_run(live, budget)
            if len(chosen) < 2:
                chosen = []
        if not chosen:
            dead = [s for s in live if _live(s) < s.doc_count_all() // 2]
            chosen = [s for s in dead if _live(s) <= budget][:1]
        return _merge(writer, chosen, live)

    return policy
