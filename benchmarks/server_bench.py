"""The library on SQLite beside the same library on a PostgreSQL server (issue 12).

    python scripts/pg_server.py start /tmp/pg      # prints READINGLIST_TEST_PG=...
    READINGLIST_TEST_PG=postgresql://postgres@127.0.0.1:PORT/postgres \\
        python -m benchmarks.server_bench [--sizes 1000,10000] [--repeat 20]

Everything goes through the `Library` facade, as the CLI uses it: import in one
transaction, open and list every row, counts, one status change, a keystroke search
(the local Whoosh index on both). The server is reached over loopback; each size
gets a fresh database, dropped afterwards. Prints one table per size. Not part of
the test run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import CorpusGenerator
from readinglist.domain import Filter, PaperDraft, ParseResult, Status
from readinglist.library import Library


def _ms(fn: Callable[[], object], repeat: int) -> str:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return f"{statistics.median(times):.1f} ms"


def measure(location: Path | str, cache: Path, drafts: list[PaperDraft], repeat: int) -> list[str]:
    out = []
    lib = Library(location, cache_dir=cache)
    t = time.perf_counter()
    ids = lib.import_parsed([(ParseResult(tuple(drafts)), "bench")]).added
    out.append(f"{time.perf_counter() - t:.2f} s")
    lib.catch_up_index()
    lib.close()
    t = time.perf_counter()
    lib = Library(location, cache_dir=cache)
    rows = lib.listing().rows
    out.append(f"{(time.perf_counter() - t) * 1000:.0f} ms")
    assert len(rows) == len(drafts)
    out.append(_ms(lambda: lib.listing(), repeat))
    out.append(_ms(lib.counts, repeat))
    statuses = iter([Status.READ, Status.UNREAD] * repeat)
    out.append(_ms(lambda: lib.set_status([ids[len(ids) // 2]], next(statuses)), repeat))
    lib.catch_up_index()
    out.append(_ms(lambda: lib.listing(Filter(query="mod"), as_you_type=True), repeat))
    lib.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    admin = os.environ.get("READINGLIST_TEST_PG")
    if not admin:
        sys.exit("set READINGLIST_TEST_PG to a superuser URL (scripts/pg_server.py start DIR)")
    import psycopg

    gen = CorpusGenerator()
    names = (
        "import (one transaction)",
        "open + list all",
        "list all again",
        "counts (sidebar)",
        "one status change",
        "keystroke search 'mod'",
    )
    for n in (int(x) for x in args.sizes.split(",")):
        drafts = list(gen.papers(n))
        db = f"rl_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {db}")  # type: ignore[arg-type]
        try:
            with tempfile.TemporaryDirectory() as tmp:
                base = Path(tmp)
                sqlite = measure(base / "lib", base / "c1", drafts, args.repeat)
                url = admin.rsplit("/", 1)[0] + f"/{db}"
                server = measure(url, base / "c2", drafts, args.repeat)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")  # type: ignore[arg-type]
        print(f"\n{n:,} papers (median of {args.repeat} where repeated)")
        print(f"{'':28} {'SQLite':>12} {'PostgreSQL':>12}")
        for name, a, b in zip(names, sqlite, server, strict=True):
            print(f"{name:28} {a:>12} {b:>12}")


if __name__ == "__main__":
    main()
