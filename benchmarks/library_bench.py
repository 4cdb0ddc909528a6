"""The library end to end: import, list, index catch-up, open, search, writes.

    python -m benchmarks.library_bench [--sizes 1000,10000,100000] [--repeat 10]

Everything goes through the `Library` facade on a real SQLite file and Whoosh index,
as the app and the CLI use it; the same queries run on raw SQLite FTS5 over the same
corpus as the reference (search_bench.FtsReference, not part of the product).
Prints one table per size. Not part of the test run.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import CorpusGenerator
from benchmarks.search_bench import (
    FtsReference,
    p95,
    peak_rss_mb,
    query_classes,
    timed,
    to_doc,
)
from readinglist.domain import Filter, ParseResult, Status
from readinglist.library import Library


def open_probe(folder: str) -> None:
    """In a fresh process: open the library and list every row, as the window does."""
    t = time.perf_counter()
    lib = Library(Path(folder))
    t_open = time.perf_counter()
    rows = lib.listing().rows
    t_list = time.perf_counter()
    lib.listing(Filter(query="model"), limit=100)
    t_query = time.perf_counter()
    print(
        json.dumps(
            {
                "open": (t_open - t) * 1000,
                "list": (t_list - t_open) * 1000,
                "first_query": (t_query - t_list) * 1000,
                "rows": len(rows),
                "rss": peak_rss_mb(),
            }
        )
    )
    lib.close(catch_up=False)


def run_size(gen: CorpusGenerator, n: int, repeat: int, tmp: Path) -> None:
    drafts = list(gen.papers(n))
    # The bench keeps every draft alive, the app does not: hidden from the cyclic
    # collector, they do not slow the full collections the indexer runs per batch.
    gc.freeze()
    folder = tmp / f"lib-{n}"
    table: list[tuple[str, str, str]] = []

    lib = Library(folder)
    t0 = time.perf_counter()
    report = lib.import_parsed([(ParseResult(tuple(drafts)), "bench")])
    t_import = time.perf_counter() - t0
    listed = lib.listing().rows
    t_listed = time.perf_counter() - t0
    assert len(listed) == n == len(report.added)
    t1 = time.perf_counter()
    lib.catch_up_index()
    t_index = time.perf_counter() - t1
    table.append(("import (one transaction)", f"{t_import:.2f} s", f"{n / t_import:,.0f} papers/s"))
    table.append(("imported -> listed", f"{t_listed:.2f} s", ""))
    table.append(
        ("imported -> searchable", f"{t_listed + t_index:.1f} s", f"index {t_index:.1f} s")
    )

    docs = [to_doc(i, p) for i, p in enumerate(drafts)]
    t_fts = time.perf_counter()
    ref_index = FtsReference(tmp / f"fts-{n}")
    ref_index.apply(docs, [], 1)
    t_fts = time.perf_counter() - t_fts
    table.append(("  FTS5 reference: index", f"{t_fts:.1f} s", ""))
    lib.close(catch_up=False)

    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.library_bench", "--probe", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    table.append(("open library (fresh process)", f"{probe['open']:.0f} ms", ""))
    table.append(("  + list all rows", f"{probe['list']:.0f} ms", f"{probe['rows']} rows"))
    table.append(
        ("  + first search", f"{probe['first_query']:.0f} ms", f"peak {probe['rss']:.0f} MB")
    )

    lib = Library(folder)
    for name, queries in query_classes(docs).items():
        ours: list[float] = []
        ref: list[float] = []
        for q, typed in queries:
            ours += timed(
                lambda q=q, t=typed: lib.listing(Filter(query=q), limit=100, as_you_type=t), repeat
            )
            ref += timed(
                lambda q=q, t=typed: ref_index.search(q, as_you_type=t, highlight=False), repeat
            )
        table.append(
            (
                f"search: {name}",
                f"{statistics.median(ours):.1f} ms (p95 {p95(ours):.1f})",
                f"FTS5 {statistics.median(ref):.1f} ms (p95 {p95(ref):.1f})",
            )
        )

    some = listed[n // 2].id
    to_db = timed(
        lambda: lib.set_status(
            [some], Status.READ if lib.get(some).status is not Status.READ else Status.UNREAD
        ),
        repeat,
    )
    vis: list[float] = []
    for k in range(repeat):
        t = time.perf_counter()
        lib.set_note(some, f"benchmark note marker{k}x")
        lib.catch_up_index()
        assert [r.id for r in lib.listing(Filter(query=f"marker{k}x")).rows] == [some]
        vis.append((time.perf_counter() - t) * 1000)
    note_db = timed(lambda: lib.set_note(some, f"note {time.perf_counter()}"), repeat)
    table.append(
        (
            "status change -> database",
            f"{statistics.median(to_db):.1f} ms (p95 {p95(to_db):.1f})",
            "",
        )
    )
    table.append(
        (
            "note save -> database",
            f"{statistics.median(note_db):.1f} ms (p95 {p95(note_db):.1f})",
            "",
        )
    )
    table.append(
        ("note save -> searchable", f"{statistics.median(vis):.0f} ms (p95 {p95(vis):.0f})", "")
    )
    table.append(("peak memory (this process)", f"{peak_rss_mb():.0f} MB", ""))
    lib.close(catch_up=False)
    ref_index.close()
    gc.unfreeze()

    print(f"\n## {n:,} papers")
    w = max(len(r[0]) for r in table)
    print(f"| {'measure'.ljust(w)} | ours | reference / note |")
    print(f"|{'-' * (w + 2)}|---|---|")
    for a, b, c in table:
        print(f"| {a.ljust(w)} | {b} | {c} |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        open_probe(args.probe)
        return
    gen = CorpusGenerator()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            run_size(gen, n, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
