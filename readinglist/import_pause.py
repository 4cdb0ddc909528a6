"""An import's memory habits that keep the window responsive while it runs.

Reading and inserting 100k papers allocates millions of objects; two things the
interpreter would do with them by itself stall every thread (the GIL), and these
undo them: the cyclic collector's passes (paused) and one cascade of
deallocations at the end (spread out)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

from .domain import ParseResult


class CollectorPause:
    """Python's cyclic garbage collector off while an import builds its objects.

    Reading and inserting 100k papers allocates millions of objects, none of them in
    cycles; the collector's full passes over them (up to 90 ms each, holding the
    GIL) were the window's longest stalls during a big import, and found nothing.
    Reference counting still frees everything; a cycle made meanwhile waits for the
    collector's return. Nested and concurrent pauses count: the last one out turns
    the collector back on, if it was on before the first.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._was_enabled:
                    gc.enable()


# one for the process: the collector is a process-wide switch
collector_paused = CollectorPause()


def release_gently(results: list[tuple[ParseResult, str]]) -> None:
    """Free a big import's drafts a thousand at a time, then empty `results`.

    Dropped at once, 100k drafts go in one C-level cascade of deallocations that
    holds the GIL for ~120 ms (the window's longest stall after a big import);
    deleting slices lets the interpreter switch threads in between.
    """
    drafts = [d for result, _ in results for d in result.drafts]
    results.clear()  # the parse results go; their drafts live on in `drafts`
    while drafts:
        del drafts[-1000:]
