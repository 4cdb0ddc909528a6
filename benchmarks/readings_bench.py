"""What per-member status and notes cost on SQLite (issue 12): the list, counts and
status filters now join each paper to the member's row of `readings`.

    .venv/bin/python -m benchmarks.readings_bench FOLDER [--repeat 15]

FOLDER is a library (e.g. one ui_bench.py --keep built; an older one is upgraded on
the first open, timed). Warm, in one process, best of `--repeat`: the Library's calls
as the window makes them, and beside them the same list read by raw SQL with and
without the LEFT JOIN (the join's own cost). Prints a table; not part of the tests.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from readinglist.domain import Filter, Status
from readinglist.library import DB_NAME, Library

WITHOUT_JOIN = (
    "SELECT id, title, authors_short, year, added_at FROM papers"
    " WHERE trashed_at IS NULL ORDER BY id DESC"
)
WITH_JOIN = (
    "SELECT p.id, p.title, p.authors_short, p.year, coalesce(r.status, 'unread'), p.added_at"
    " FROM papers p LEFT JOIN readings r ON r.paper_id = p.id AND r.member = ''"
    " WHERE p.trashed_at IS NULL ORDER BY p.id DESC"
)


def best_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    rows: list[tuple[str, str]] = []
    t = time.perf_counter()
    lib = Library(args.folder)
    rows.append(("Library() (an upgrade included, if any)", f"{(time.perf_counter() - t):.2f} s"))
    n = len(lib.listing().rows)
    ids = lib.ids()[:1000]
    cases: list[tuple[str, Callable[[], object]]] = [
        (f"listing() all {n:,} rows", lambda: lib.listing()),
        ("listing(status=read)", lambda: lib.listing(Filter(status=Status.READ))),
        ("listing(status=unread)", lambda: lib.listing(Filter(status=Status.UNREAD))),
        ("counts()", lib.counts),
        ("first_rows(100)", lambda: lib.first_rows(Filter(), 100)),
        ("details of 1,000", lambda: lib.details(ids)),
    ]
    for label, fn in cases:
        rows.append((label, f"{best_ms(fn, args.repeat):.0f} ms"))
    flips = [Status.READ, Status.UNREAD]
    rows.append(
        (
            "set_status on 1,000 (read <-> unread)",
            f"{best_ms(lambda: lib.set_status(ids, flips.reverse() or flips[0]), 6):.0f} ms",
        )
    )
    lib.close(catch_up=False)
    con = sqlite3.connect(args.folder / DB_NAME)
    con.execute("PRAGMA mmap_size=268435456")
    rows.append(
        (
            "raw SQL list, no join",
            f"{best_ms(lambda: con.execute(WITHOUT_JOIN).fetchall(), args.repeat):.0f} ms",
        )
    )
    # a library from before migration 0005 (run with that code to compare) has none
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'readings'").fetchone():
        rows.append(
            (
                "raw SQL list, LEFT JOIN readings",
                f"{best_ms(lambda: con.execute(WITH_JOIN).fetchall(), args.repeat):.0f} ms",
            )
        )
    con.close()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  best")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
