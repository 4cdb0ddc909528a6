"""Search while the index is behind (issue 10, item 1). Prints a table; never a test.

    .venv/bin/python benchmarks/pending_bench.py [--size 20000] [--reps 15]

A library of `size` generated papers whose index holds none of them (imported, then
closed without catching up), searched through Library.listing as the window does
(limit None, as-you-type keystrokes too): every match comes from the pending scan
(search/pending.py). Columns: pending (index behind by `size`) against caught up.
The first query pays for reading and folding the pending papers' text (cached).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import CorpusGenerator  # noqa: E402
from readinglist.domain import Filter  # noqa: E402
from readinglist.library import Library  # noqa: E402


def _queries(gen: CorpusGenerator) -> list[tuple[str, str, bool]]:
    w = gen.words
    return [
        ("common word", w[60], False),
        ("medium word", w[600], False),
        ("rare word", w[5000], False),
        ("two words", f"{w[80]} {w[300]}", False),
        ("phrase", f'"{w[45]} {w[46]}"', False),
        ("keystroke", w[300][:4], True),
        ("NOT", f"{w[300]} NOT {w[80]}", False),
        ("field", f"title:{w[200]}", False),
    ]


def _time(lib: Library, q: str, as_you_type: bool, reps: int) -> tuple[float, float, int, int]:
    times = []
    got = lib.listing(Filter(query=q), limit=None, as_you_type=as_you_type)
    for _ in range(reps):
        t0 = time.perf_counter()
        got = lib.listing(Filter(query=q), limit=None, as_you_type=as_you_type)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return statistics.median(times), p95, got.total, got.pending


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--reps", type=int, default=15)
    opts = ap.parse_args()
    gen = CorpusGenerator(seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lib"
        lib = Library(folder)
        lib.import_drafts(list(gen.papers(opts.size)), source="bench")
        lib.close(catch_up=False)  # the index holds nothing: all pending

        lib = Library(folder, background=True)
        # the window's library, its indexer held still: the index stays behind
        assert lib.background is not None
        lib.background.stop()
        queries = _queries(gen)
        t0 = time.perf_counter()
        first = lib.listing(Filter(query=queries[0][1]), limit=None)
        first_ms = (time.perf_counter() - t0) * 1000
        behind = {name: _time(lib, q, t, opts.reps) for name, q, t in queries}
        load_behind = os.getloadavg()
        lib.catch_up_index()
        after = {name: _time(lib, q, t, opts.reps) for name, q, t in queries}
        load_after = os.getloadavg()
        lib.close()

    print(f"pending search, {opts.size:,} papers, {opts.reps} reps, Library.listing(limit=None)")
    print(f"first query while behind (reads + folds pending text): {first_ms:.0f} ms,")
    print(f"  {first.total} matches, {first.pending} pending")
    head = f"{'query':<14}{'behind p50 [p95] ms':>22}{'caught up p50 [p95] ms':>26}"
    print(head + f"{'matches (behind / after)':>28}")
    for name, _, _ in queries:
        b, a = behind[name], after[name]
        print(
            f"{name:<14}{b[0]:>12.1f} [{b[1]:>6.1f}]{a[0]:>16.1f} [{a[1]:>6.1f}]"
            f"{b[2]:>16} / {a[2]}" + ("" if b[2] == a[2] else "  DIFFERENT")
        )
    print(f"load average: behind {load_behind}, caught up {load_after} (shared 2-core machine)")


if __name__ == "__main__":
    main()
