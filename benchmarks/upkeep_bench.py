"""Index upkeep: the catch-up child from imported to searchable, its peak memory, the
segments it leaves and query times before/after its merge; and the Markdown
stripper's time on multi-megabyte notes.

    python -m benchmarks.upkeep_bench [--sizes 10000,100000] [--base DIR]

The child runs as the window starts it (`readinglist --catch-up-index`), on a copy of
one freshly imported library per size: once as a plain catch-up ("no merge": what
an in-process follower does, batches of 2,000) and once as the child does it now
(batches of 5,000, then merged). `--base DIR` adds both rows for another checkout of
the code (e.g. `git archive <commit> | tar -x -C DIR`), run on the same library.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import CorpusGenerator
from readinglist.domain import Filter, ParseResult
from readinglist.index_worker import CHILD_ENV, FLAG
from readinglist.library import INDEX_DIR, Library
from readinglist.markdown_text import note_text

QUERIES = ["model", "learning network", '"neural network"', "trans*", "graph OR vision"]


def run_child(folder: Path, env: dict[str, str]) -> dict[str, float]:
    """Start the catch-up child; seconds to the last progress line (searchable) and
    to exit (merged), its peak RSS and CPU seconds from /usr/bin/time (wait4's
    ru_maxrss would count this process's memory at the fork)."""
    cmd = ["/usr/bin/time", "-f", "usage %M %U %S"]
    cmd += [sys.executable, "-m", "readinglist", "--library", str(folder), FLAG]
    t0 = time.perf_counter()
    # the base checkout runs from its own folder: `-m` looks in the current one first
    cwd = env.get("PYTHONPATH") or None
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd
    )
    searchable = 0.0
    assert proc.stdout is not None
    for line in proc.stdout:
        words = line.split()
        if len(words) == 3 and words[0] == "progress" and words[1] == words[2]:
            searchable = time.perf_counter() - t0
    _, err = proc.communicate()
    exited = time.perf_counter() - t0
    assert proc.returncode == 0, f"child failed: {err}"
    words = next(line for line in err.splitlines() if line.startswith("usage ")).split()
    return {
        "searchable": searchable,
        "exit": exited,
        "rss": int(words[1]) / 1024,
        "cpu": float(words[2]) + float(words[3]),
    }


def query_times(folder: Path, repeat: int) -> tuple[int, float, float]:
    """(segments, median ms, p95 ms) of QUERIES on the index as it is."""
    lib = Library(folder)
    try:
        ix = lib._follower.index
        segments = len(ix._ix._segments())
        for q in QUERIES:  # warm
            lib.listing(Filter(query=q), limit=100)
        times = []
        for _ in range(repeat):
            for q in QUERIES:
                t = time.perf_counter()
                lib.listing(Filter(query=q), limit=100)
                times.append((time.perf_counter() - t) * 1000)
    finally:
        lib.close(catch_up=False)
    times.sort()
    return segments, statistics.median(times), times[int(len(times) * 0.95)]


def run_size(n: int, tmp: Path, base: Path | None, repeat: int) -> None:
    src = tmp / f"src-{n}"
    lib = Library(src)
    lib.import_parsed([(ParseResult(tuple(CorpusGenerator().papers(n))), "bench")])
    lib.close(catch_up=False)
    shutil.rmtree(src / INDEX_DIR, ignore_errors=True)
    plain_env = {k: v for k, v in os.environ.items() if k != CHILD_ENV}
    variants: list[tuple[str, dict[str, str]]] = []
    if base is not None:
        variants.append(("base code", {**plain_env, "PYTHONPATH": str(base)}))
        variants.append(("base child", {**plain_env, "PYTHONPATH": str(base), CHILD_ENV: "1"}))
    variants.append(("no merge", plain_env))
    variants.append(("child now", {**plain_env, CHILD_ENV: "1"}))
    rows = []
    for name, env in variants:
        folder = tmp / f"{name.replace(' ', '-')}-{n}"
        shutil.copytree(src, folder)
        got = run_child(folder, env)
        if name.startswith("base"):  # its index may be another schema: not queried here
            rows.append((name, got, None))
        else:
            rows.append((name, got, query_times(folder, repeat)))
        shutil.rmtree(folder)
    print(f"\n## {n:,} papers: catch-up child (fresh index)")
    print(
        "| variant | imported -> searchable | child exit | child CPU | child peak | segments"
        " | query median (p95) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, got, q in rows:
        qs = f"{q[0]} | {q[1]:.1f} ms ({q[2]:.1f})" if q else "- | -"
        print(
            f"| {name} | {got['searchable']:.1f} s | {got['exit']:.1f} s | "
            f"{got['cpu']:.1f} s | {got['rss']:.0f} MB | {qs} |"
        )
    sys.stdout.flush()


def note_text_table() -> None:
    shapes = {
        "prose with markup": "Word **bold** _it_ `code` [link](https://x.org/a) " * 60_000,
        "unclosed links [a](": "[a](" * 1_000_000,
        "unclosed tags <a": "<a " * 1_000_000,
        "unclosed comments <!--": "<!--" * 500_000,
        "underscores _a": "_a " * 1_000_000,
        "intraword a*b": "a*b" * 1_000_000,
        "list lines": "- item _x_\n" * 300_000,
        "plain text (fast path)": "plain words here " * 250_000,
    }
    print("\n## note_text on multi-megabyte notes")
    print("| input | size | time |")
    print("|---|---|---|")
    for name, text in shapes.items():
        best = min(_timed(text) for _ in range(3))
        print(f"| {name} | {len(text) / 1e6:.1f} MB | {best * 1000:.0f} ms |")


def _timed(text: str) -> float:
    t = time.perf_counter()
    note_text(text)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--base", type=Path, help="another checkout to compare with")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-notes", action="store_true")
    args = parser.parse_args()
    if not args.no_notes:
        note_text_table()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            run_size(n, Path(tmp), args.base, args.repeat)


if __name__ == "__main__":
    main()
