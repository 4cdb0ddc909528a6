"""A shared library on PostgreSQL beside a library folder on SQLite (issue 12).
Prints a table; never a test.

    .venv/bin/python benchmarks/shared_bench.py [--big] [--runs N]

10k papers (and 100k with --big) on each backend, PostgreSQL over loopback: a real
server from scripts/pg_server.py (or $READINGLIST_TEST_PG's), a fresh database per
size. Rows:
- import N papers (one import, as `readinglist import` does it);
- open + list all: Library() and every row of the list (what the window shows first);
- keystroke search: the local Whoosh index as-you-type, p50 over prefixes;
- one status change: Library.set_status of one paper, p50;
- seen by another client: a second Library's wait from the write's start until it
  knows of the change — on PostgreSQL its listener's notification (LISTEN/NOTIFY);
  on SQLite the window's poll of the change number (every EXTERNAL_CHECK_MS).
The test cluster runs with fsync off (scripts/pg_server.py): PostgreSQL's write
times here leave out the disk's flush; SQLite's WAL with synchronous=NORMAL does not
flush per commit either.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import CorpusGenerator  # noqa: E402
from readinglist.domain import Filter, ParseResult, Status  # noqa: E402
from readinglist.library import Library  # noqa: E402

POLL_S = 1.0  # ui/main_window.py's EXTERNAL_CHECK_MS
PREFIXES = ("g", "ge", "gen", "gene", "gener", "genera", "generat", "generati")


def start_server() -> tuple[str, Callable[[], None]]:
    """An admin URL, and how to stop the server if we started it."""
    given = os.environ.get("READINGLIST_TEST_PG")
    if given:
        return given, lambda: None
    script = REPO / "scripts" / "pg_server.py"
    # its own folder: the cluster's owner (postgres, when we are root) must reach it
    folder = Path(tempfile.mkdtemp(prefix="shared-bench-pg.", dir="/tmp"))
    out = subprocess.run(
        [sys.executable, str(script), "start", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    env = dict(
        line.removeprefix("export ").split("=", 1) for line in out.splitlines() if "=" in line
    )
    os.environ["READINGLIST_TEST_PG_MEMBERS"] = env["READINGLIST_TEST_PG_MEMBERS"].strip("'")
    return env["READINGLIST_TEST_PG"].strip("'"), lambda: subprocess.run(
        [sys.executable, str(script), "stop", str(folder)], check=False
    )


def new_database(admin: str, name: str) -> str:
    """A fresh database set up as a lab admin would; alice's URL to it."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(f"{admin.rsplit('/', 1)[0]}/{name}", autocommit=True) as conn:
        conn.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {name} TO readinglist_members")
        conn.execute("GRANT USAGE, CREATE ON SCHEMA public TO readinglist_members")
    return member_url(admin, name, "alice")


def member_url(admin: str, name: str, role: str) -> str:
    """A member's URL (with the password pg_server.py gave them) to database `name`."""
    members = dict(
        p.split(":", 1) for p in os.environ["READINGLIST_TEST_PG_MEMBERS"].split(",") if p
    )
    host = admin.rsplit("/", 1)[0].split("@", 1)[1]
    return f"postgresql://{role}:{members[role]}@{host}/{name}"


def p50(xs: list[float]) -> float:
    return statistics.median(xs)


def ms(x: float) -> str:
    return f"{x * 1000:,.1f} ms" if x < 1 else f"{x:,.2f} s"


def measure(location: Path | str, n: int, cache: Path, runs: int) -> dict[str, str]:
    out: dict[str, str] = {}
    gen = CorpusGenerator()
    drafts = tuple(gen.papers(n))
    with Library(location, cache_dir=cache / "a") as lib:
        t0 = time.perf_counter()
        lib.import_parsed([(ParseResult(drafts), "bench")])
        out["import"] = ms(time.perf_counter() - t0)
        lib.catch_up_index()
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        lib = Library(location, cache_dir=cache / "a")
        rows = lib.listing(Filter(), limit=None).rows
        best = min(best, time.perf_counter() - t0)
        assert len(rows) == n
        lib.close(catch_up=False)
    out["open + list all"] = ms(best)
    lib = Library(location, cache_dir=cache / "a")
    try:
        lib.catch_up_index()
        times = []
        for _ in range(runs):
            for q in PREFIXES:
                t0 = time.perf_counter()
                lib.listing(Filter(query=q), as_you_type=True)
                times.append(time.perf_counter() - t0)
        out["keystroke search (p50)"] = ms(p50(times))
        ids = lib.ids()[:20]
        times = []
        for pid in ids:  # unread papers marked read: each a real change
            t0 = time.perf_counter()
            lib.set_status([pid], Status.READ)
            times.append(time.perf_counter() - t0)
        out["one status change (p50)"] = ms(p50(times))
        out["seen by another client (p50)"] = ms(p50(seen_delays(lib, location, cache, ids)))
    finally:
        lib.close(catch_up=False)
    return out


def seen_delays(lib: Library, location: Path | str, cache: Path, ids: list[int]) -> list[float]:
    """From the start of a write until a second Library knows of it."""
    other = Library(location, cache_dir=cache / "b")
    seen = threading.Event()
    target = [0]

    def told(_seq: int) -> None:
        if other.change_seq() >= target[0]:
            seen.set()

    listener = other.listen_for_changes(told)
    stop = threading.Event()
    if listener is not None:
        assert listener.wait_connected(10)
    else:  # SQLite: the window's poll, started at a random moment before the write

        def poll() -> None:
            while not stop.wait(POLL_S):
                told(0)

        threading.Thread(target=poll, daemon=True).start()
    delays = []
    try:
        for pid in ids[:8]:  # read -> reading: a change (a no-op claims no number)
            seen.clear()
            target[0] = lib.change_seq() + 1
            t0 = time.perf_counter()
            lib.set_status([pid], Status.READING)
            assert seen.wait(10)
            delays.append(time.perf_counter() - t0)
    finally:
        stop.set()
        if listener is not None:
            listener.stop()
        other.close(catch_up=False)
    return delays


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--big", action="store_true", help="also 100,000 papers")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sizes = [10_000, 100_000] if args.big else [10_000]
    with tempfile.TemporaryDirectory(prefix="shared-bench.") as t:
        tmp = Path(t)
        admin, stop = start_server()
        try:
            for n in sizes:
                sqlite = measure(tmp / f"sqlite{n}", n, tmp / f"cache-s{n}", args.runs)
                url = new_database(admin, f"bench_{n}")
                pg = measure(url, n, tmp / f"cache-p{n}", args.runs)
                print(f"\n{n:,} papers            SQLite (folder)   PostgreSQL (loopback)")
                for row in sqlite:
                    print(f"  {row:<30} {sqlite[row]:>12}   {pg[row]:>12}")
        finally:
            stop()


if __name__ == "__main__":
    main()
