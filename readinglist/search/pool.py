"""How our Whoosh writers are set up: the posting pool, the length tables, the codec.

Whoosh's posting pool with short sorts: a commit never holds the GIL for long.

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
from collections.abc import Iterable, Sequence
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.util.numeric import byte_to_length
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


def use_short_sorts(writer: Any, run_postings: int | None = None) -> None:
    """Give a fresh Whoosh SegmentWriter this pool (before anything is added)."""
    store = whoosh_private.temp_storage(writer)
    writer.pool = ShortSortPool(store, writer.newsegment, run_postings)


# Whoosh's one-byte length coding, decoded once. Byte 0 ("no length") is 0: Whoosh's
# reader answers None there, but no posting has it (a posting's document has a
# length >= 1 in a scored field) and the postings writer takes numbers.
_LENGTHS = [0] + [byte_to_length(b) for b in range(1, 256)]


class LengthTable:
    """The field lengths of the segment a writer is flushing, decoded a field at a
    time, for Whoosh's postings writer (see whoosh_private.route_flush_lengths).

    Whoosh asks its per-document reader for each posting's document length: a
    million calls through a column lookup per 10k papers, and for the fields that
    keep no lengths (id, status, year) an `os.stat` of the segment's file each time.
    Here each field's lengths are one list, read once; a field without lengths is a
    list of zeros (what Whoosh's reader answers for it)."""

    def __init__(self, perdoc: Any) -> None:
        self._perdoc = perdoc
        self._count: int = perdoc.doc_count_all()
        self._tables: dict[str, Sequence[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str) -> int:
        table = self._tables.get(fieldname)
        if table is None:
            table = self._tables[fieldname] = self._load(fieldname)
        return table[docnum]

    def _load(self, fieldname: str) -> Sequence[int]:
        raw = whoosh_private.perdoc_length_bytes(self._perdoc, self._count, fieldname)
        if raw is None:  # not a Whoosh 3 column: ask the reader per document
            perdoc = self._perdoc
            return [perdoc.doc_field_length(d, fieldname) or 0 for d in range(self._count)]
        return [_LENGTHS[b] for b in raw]

    def close(self) -> None:
        self._tables = {}
        self._perdoc.close()


def use_length_tables(writer: Any) -> None:
    """Make a fresh Whoosh SegmentWriter look up lengths in a LengthTable when it
    writes its postings (at commit, and when it merges segments)."""
    whoosh_private.route_flush_lengths(writer, LengthTable)


# A process no window shares (a CLI command, the catch-up child, the index's partner
# process) sorts its postings in one go: merging 24 runs of a 5,000-paper segment
# cost 0.8 s (cProfile), one C sort of them 0.2 s, holding a GIL no window waits for.
ONE_RUN = 1 << 62


def prepare(writer: Any, run_postings: int | None = None) -> None:
    """Our pool and length tables for a fresh Whoosh SegmentWriter; `run_postings`:
    how many postings are sorted at a time (ONE_RUN: all at the end)."""
    use_short_sorts(writer, run_postings)
    use_length_tables(writer)


def writer_codec() -> Any:
    """Whoosh 3's codec without zlib on posting blocks: compressing them was 12% of a
    catch-up's CPU time (and decompressing them is work for every query), for an
    index 40% bigger (10k papers: 54 -> 75 MB). Blocks say whether they are
    compressed, so segments written either way read the same."""
    return W3Codec(compression=0)
