"""A shared library on PostgreSQL beside a library folder on SQLite (issue 12).
Prints a table; never a test.

    .venv/bin/python benchmarks/shared_bench.py [--big] [--runs N] [--sizes N ...]

10k papers (and 100k with --big) on each backend, PostgreSQL over loopback: a real
server from scripts/pg_server.py (or $READINGLIST_TEST_PG's), a fresh database per
size, reached as the member alice. Rows:
- import N papers via the API (one `Library.import_parsed`, as `readinglist import`
  does it, without the reading of a file);
- open + list all: Library() and every row of the list (best of --runs);
- list all again, counts (the sidebar's): on the open library, p50;
- keystroke search: the local Whoosh index as-you-type, p50 over prefixes;
- one status change: Library.set_status of one paper, p50;
- seen by another client: a second Library's wait from the write's start until it
  knows of the change — on PostgreSQL its listener's notification (LISTEN/NOTIFY);
  on SQLite the window's poll of the change number (every EXTERNAL_CHECK_MS);
- the window, as the user starts it: a fresh process (QApplication,
  Library(location, background=True), MainWindow, as benchmarks/ui_bench.py does)
  until the window is shown, and until the whole list is in (`w.list_ready()`),
  best of --runs; the index is already caught up in its cache folder, as on a
  member's second start;
- `readinglist --library LOCATION import FILE.bib` of a real 10k-record BibTeX file
  (benchmarks/import_bench.py's), wall time until the command exits (it catches
  the index up first), into a new empty library each run (its schema made
  beforehand, as the lab admin's set-up does), median of --runs. At the first size
  only.
The test cluster runs with fsync off (scripts/pg_server.py): PostgreSQL's write
times here leave out the disk's flush; SQLite's WAL with synchronous=NORMAL does not
flush per commit either.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
from readinglist.location import CACHE_ENV  # noqa: E402

POLL_S = 1.0  # ui/main_window.py's EXTERNAL_CHECK_MS
PREFIXES = ("g", "ge", "gen", "gene", "gener", "genera", "generat", "generati")
CLI_IMPORT_SIZE = 10_000

# a fresh process as the user starts the window (benchmarks/ui_bench.py's CHILD)
WINDOW = """
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, {repo!r})
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from readinglist.library import Library
from readinglist.ui.main_window import MainWindow
lib = Library({location!r}, background=True)
w = MainWindow(lib, QSettings({ini!r}, QSettings.Format.IniFormat))
w.show()
app.processEvents()
print("shown", flush=True)
while not w.list_ready():  # the rest of the rows, read on the listing thread
    app.processEvents()
    time.sleep(0.001)
print("filled", w.table_model.rowCount(), flush=True)
w.close()
lib.close(catch_up=False)
"""


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

    def stop() -> None:
        subprocess.run([sys.executable, str(script), "stop", str(folder)], check=False)

    return env["READINGLIST_TEST_PG"].strip("'"), stop


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


def drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


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


def p50_of(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return p50(times)


def child_env(cache: Path) -> dict[str, str]:
    """A user's process: compiled .pyc files, and a server library's index in `cache`."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env[CACHE_ENV] = str(cache)
    return env


def measure(location: Path | str, n: int, cache: Path, runs: int) -> dict[str, str]:
    out: dict[str, str] = {}
    gen = CorpusGenerator()
    drafts = tuple(gen.papers(n))
    with Library(location, cache_dir=cache / "a") as lib:
        t0 = time.perf_counter()
        lib.import_parsed([(ParseResult(drafts), "bench")])
        out["import via API (one transaction)"] = ms(time.perf_counter() - t0)
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
        out["list all again (p50)"] = ms(p50_of(lambda: lib.listing(Filter(), limit=None), runs))
        out["counts, sidebar (p50)"] = ms(p50_of(lib.counts, max(runs, 5)))
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
        lib.catch_up_index()  # the window's start finds its index caught up
    finally:
        lib.close(catch_up=False)
    shown, filled = window(location, n, cache / "a", runs)
    out["window: fresh process -> shown"] = ms(shown)
    out["window: fresh process -> whole list in"] = ms(filled)
    return out


def window(location: Path | str, n: int, cache: Path, runs: int) -> tuple[float, float]:
    """Best of `runs` fresh processes: start -> window shown, start -> list filled."""
    ini = cache.parent / "window.ini"
    code = WINDOW.format(repo=str(REPO), location=str(location), ini=str(ini))
    best = (float("inf"), float("inf"))
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=child_env(cache)
        )
        assert p.stdout is not None
        line = p.stdout.readline()
        shown = time.perf_counter() - t0
        filled_line = p.stdout.readline()
        filled = time.perf_counter() - t0
        p.stdout.read()
        p.wait()
        assert line.strip() == "shown" and p.returncode == 0, line
        assert filled_line.split() == ["filled", str(n)], filled_line
        best = min(best, (shown, filled), key=lambda t: t[1])
    return best


def cli_import(locations: Callable[[int], Path | str], bib: Path, n: int, runs: int) -> str:
    """Median wall time of `readinglist --library LOCATION import FILE`, a new empty
    library each run (`locations(run)`, its schema made first), until the command
    exits; each run's library checked to hold `n` papers afterwards."""
    times = []
    for run in range(runs):
        location = locations(run)
        cache = Path(tempfile.mkdtemp(prefix="cli-cache-", dir=bib.parent))
        Library(location, cache_dir=cache).close()  # the schema, as the admin's set-up
        cmd = [sys.executable, "-m", "readinglist", "--library", str(location)]
        t0 = time.perf_counter()
        done = subprocess.run(
            [*cmd, "import", str(bib)],
            cwd=REPO,
            capture_output=True,
            text=True,
            env=child_env(cache),
        )
        times.append(time.perf_counter() - t0)
        assert done.returncode == 0, done.stderr[-2000:]
        with Library(location, cache_dir=cache) as lib:
            assert lib.counts().total == n, lib.counts()
            assert not lib.index_behind()
        shutil.rmtree(cache, ignore_errors=True)
    return ms(p50(times))


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
    ap.add_argument("--sizes", type=int, nargs="+", help="these sizes instead")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-cli", action="store_true", help="leave out the CLI import")
    args = ap.parse_args()
    sizes = args.sizes or ([10_000, 100_000] if args.big else [10_000])
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="shared-bench.") as t:
        tmp = Path(t)
        admin, stop = start_server()
        try:
            for i, n in enumerate(sizes):
                sqlite = measure(tmp / f"sqlite{n}", n, tmp / f"cache-s{n}", args.runs)
                url = new_database(admin, f"bench_{n}")
                pg = measure(url, n, tmp / f"cache-p{n}", args.runs)
                drop_database(admin, f"bench_{n}")
                if i == 0 and not args.no_cli:
                    from benchmarks.import_bench import build_bib

                    bib = tmp / f"import{CLI_IMPORT_SIZE}.bib"
                    bib.write_text(build_bib(CLI_IMPORT_SIZE), "utf-8")
                    row = f"`readinglist import` {CLI_IMPORT_SIZE // 1000}k .bib (median)"
                    sqlite[row] = cli_import(
                        lambda r: tmp / f"cli-sqlite-{r}", bib, CLI_IMPORT_SIZE, args.runs
                    )
                    pg[row] = cli_import(
                        lambda r: new_database(admin, f"cli_{r}"), bib, CLI_IMPORT_SIZE, args.runs
                    )
                print(f"\n{n:,} papers{'':28} SQLite (folder)   PostgreSQL (loopback)")
                for row in sqlite:
                    print(f"  {row:<40} {sqlite[row]:>12}   {pg[row]:>12}", flush=True)
        finally:
            stop()
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
