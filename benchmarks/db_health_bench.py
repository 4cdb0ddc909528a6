"""What checking and backing up library.sqlite costs (issue 8.12/8.13). Prints a table.

    python -m benchmarks.db_health_bench [SIZES...]   (default: 10000 100000)

Builds a library of each size from benchmarks/corpus.py in a temporary folder,
then times (best of 3, file in the page cache): the header check every open
does, the schema read, SQLite's quick_check and integrity_check, and one online
backup. The page cache is not dropped (that would slow every process on the
machine); the cold-cache cost is roughly file size / disk read speed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import CorpusGenerator
from readinglist.db.backup import take_backup
from readinglist.db.health import check_file, header_problem
from readinglist.domain import ParseResult
from readinglist.library import DB_NAME, Library


def best_ms(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1000


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    gen = CorpusGenerator()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'papers':>8} {'MB':>7} {'header':>8} {'schema':>8} {'quick':>9} "
              f"{'integrity':>10} {'backup':>9}")  # fmt: skip
        for n in sizes:
            folder = Path(tmp) / f"lib-{n}"
            lib = Library(folder)
            lib.import_parsed([(ParseResult(tuple(gen.papers(n))), "bench")])
            lib.close(catch_up=False)
            db = folder / DB_NAME
            out = Path(tmp) / f"backups-{n}"
            row = [
                best_ms(lambda: header_problem(db)),  # noqa: B023
                best_ms(lambda: check_file(db, thorough=False)),  # noqa: B023
                best_ms(lambda: check_file(db)),  # noqa: B023
                best_ms(lambda: check_file(db, full=True)),  # noqa: B023
                best_ms(lambda: take_backup(db, out, "manual", 1), repeat=2),  # noqa: B023
            ]
            size = db.stat().st_size / 1e6
            print(f"{n:>8} {size:>7.1f} " + " ".join(f"{ms:>7.1f}ms" for ms in row))


if __name__ == "__main__":
    main()
