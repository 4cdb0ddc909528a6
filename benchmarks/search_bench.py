"""Search speed: the Whoosh index beside raw SQLite FTS5 on one corpus.

    python -m benchmarks.search_bench [--sizes 1000,10000,100000] [--repeat 15]
                                      [--only whoosh|fts5] [--keep DIR]
    python -m benchmarks.search_bench --builds [--sizes 10000] [--batch 5000]
                                      [--before-rev REV]

`--builds`: only the Whoosh build, each in a fresh process, with one process
(READINGLIST_INDEX_PROCS=1) and with the partner (2): wall, CPU of the builder and
its partner (getrusage of the child and its children: the whole run, corpus
generation included; "builder": the building alone), peak RSS of each, segments;
`--before-rev REV` builds with that revision's package too (one process).

For each size: build the index in batches of 5,000 (timed), open it in a fresh
process for a first term query and in another for a first phrase query (each split
into the imports a CLI `search` makes, opening, and the query; peak RSS), run each
query class `repeat` times with limit 100, without and with highlights (median,
p95), and time one changed paper until search sees it. The Whoosh column is the
product's SearchIndex; the FTS5 column is a reference written here (`FtsReference`:
one FTS5 table, porter + unicode61, bm25 ranking, the benchmark's queries translated
by `fts_query`), not a second engine of the product. library_bench uses the same
reference.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import CorpusGenerator, status_for
from readinglist.domain import PaperDraft, SearchHit
from readinglist.search import SearchIndex, whoosh_private
from readinglist.search.document import IndexDoc, SearchResults

try:
    from readinglist.search.partner import PROCS_ENV
except ImportError:  # a --before-rev package, from before the partner process
    PROCS_ENV = "READINGLIST_INDEX_PROCS"

BATCH = 5000
REPO = Path(__file__).resolve().parent.parent


def to_doc(i: int, p: PaperDraft) -> IndexDoc:
    return IndexDoc(
        id=i + 1,
        title=p.title,
        abstract=p.abstract,
        authors="; ".join(a.display for a in p.authors),
        tags=p.tags,
        note=p.note,
        venue=p.venue,
        year=p.year,
        status=status_for(i),
    )


def query_classes(docs: list[IndexDoc]) -> dict[str, list[tuple[str, bool]]]:
    """(query, as_you_type) lists per class; words chosen from the corpus itself."""
    title = docs[len(docs) // 2].title.split()
    phrase = f'"{title[0].lower()} {title[1]}"'
    typed = "diffusion model transformer"
    return {
        "one word (model)": [("model", False)],
        "one word (rare)": [(title[2], False)],
        "two words": [("diffusion models", False), ("attention graph", False)],
        "phrase": [(phrase, False), ('"neural network"', False)],
        "field": [("title:learning", False), ("author:müller", False), ("tag:diffusion", False)],
        "as-you-type": [(typed[:k], True) for k in range(1, len(typed) + 1)],
    }


def fts_query(text: str, as_you_type: bool) -> str:
    """The FTS5 MATCH string for our benchmark queries (not a general translator)."""
    if text.startswith('"'):
        return text
    words = []
    for w in text.split():
        field, _, word = w.rpartition(":")
        field = {"author": "authors", "tag": "tags"}.get(field, field)
        word = f'"{word}"'
        words.append(f"{field} : {word}" if field else word)
    if as_you_type and not text.endswith(" ") and len(text.split()[-1]) >= 3:
        words[-1] += "*"
    return " AND ".join(words)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


class FtsReference:
    """Raw SQLite FTS5 over the same documents: what the Whoosh figures are read
    against. Answers `search` with the total and the best 100 ids (and FTS5's own
    highlight/snippet when asked), as the Whoosh index does."""

    def __init__(self, folder: Path, library_id: str = "bench") -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(folder / "fts5.sqlite", isolation_level=None)
        self._con.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS papers USING fts5(title, abstract, authors,"
            " tags, note, venue, tokenize = 'porter unicode61 remove_diacritics 2')"
        )

    def apply(self, docs: list[IndexDoc], deleted: list[int], seq: int) -> None:
        with self._con:
            self._con.execute("BEGIN")
            ids = [(d.id,) for d in docs] + [(i,) for i in deleted]
            self._con.executemany("DELETE FROM papers WHERE rowid = ?", ids)
            self._con.executemany(
                "INSERT INTO papers(rowid, title, abstract, authors, tags, note, venue)"
                " VALUES (?,?,?,?,?,?,?)",
                [
                    (d.id, d.title, d.abstract, d.authors, ", ".join(d.tags), d.note, d.venue)
                    for d in docs
                ],
            )

    def search(
        self,
        text: str,
        *,
        as_you_type: bool = False,
        highlight: bool = True,
        restrict: list[int] | None = None,
    ) -> SearchResults:
        match = fts_query(text, as_you_type)
        where = "papers MATCH ?"
        args: list[object] = [match]
        if restrict is not None:
            where += " AND rowid IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(restrict))
        marks = (
            ", highlight(papers, 0, '<b>', '</b>'), snippet(papers, 1, '<b>', '</b>', '…', 40)"
            if highlight
            else ""
        )
        rows = self._con.execute(
            f"SELECT rowid{marks} FROM papers WHERE {where} ORDER BY bm25(papers) LIMIT 100",
            args,
        ).fetchall()
        (total,) = self._con.execute(f"SELECT count(*) FROM papers WHERE {where}", args).fetchone()
        return SearchResults(tuple(SearchHit(r[0], 0.0) for r in rows), total)

    def close(self) -> None:
        self._con.close()


ENGINES: dict[str, type[SearchIndex] | type[FtsReference]] = {
    "whoosh": SearchIndex,
    "fts5": FtsReference,
}
# What a fresh process imports before its first query: the CLI's `search` loads the
# library (SQLAlchemy included) and the search package; FTS5 needs sqlite3 alone.
PROBE_IMPORTS = {"whoosh": ["readinglist.library", "readinglist.search"], "fts5": ["sqlite3"]}
LABELS = {"whoosh": "Whoosh (the product)", "fts5": "raw FTS5 (reference)"}


def open_probe(kind: str, path: str, query: str = "model") -> None:
    """Run in a child process: open + first query, print ms and peak RSS (MB), and
    where the time went: the engine's imports, opening, and the query itself."""
    t, cpu = time.perf_counter(), time.process_time()
    import importlib

    for name in PROBE_IMPORTS[kind]:  # what a fresh CLI process imports before it asks
        importlib.import_module(name)
    t_open = time.perf_counter()
    ix = ENGINES[kind](Path(path), "bench")
    t_query = time.perf_counter()
    n = ix.search(query, highlight=False).total
    end = time.perf_counter()
    out = {"ms": (end - t) * 1000, "rss": peak_rss_mb(), "n": n}
    out["cpu_ms"] = (time.process_time() - cpu) * 1000  # a busy machine's wall is waiting
    out |= {"import_ms": (t_open - t) * 1000, "open_ms": (t_query - t_open) * 1000}
    print(json.dumps(out | {"query_ms": (end - t_query) * 1000}))


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Linux keeps getrusage's ru_maxrss across exec, so a child started by a big
    parent would report the parent's peak; VmHWM belongs to this process image.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def probe(kind: str, path: Path, query: str = "model") -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.search_bench", "--probe", kind, str(path), query],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def build(kind: str, folder: Path, docs: list[IndexDoc]) -> float:
    t = time.perf_counter()
    ix = ENGINES[kind](folder, "bench")
    for start in range(0, len(docs), BATCH):
        ix.apply(docs[start : start + BATCH], [], start + BATCH)
    ix.close()
    return time.perf_counter() - t


def build_probe(n: int, folder: str, batch: int) -> None:
    """Run in a child process: build a Whoosh index of the corpus' first `n` papers in
    batches of `batch`, print wall/CPU seconds, peak RSS (MB) of this process and of
    its partner, and the segment count."""
    docs = [to_doc(i, p) for i, p in enumerate(CorpusGenerator().papers(n))]
    t, cpu = time.perf_counter(), time.process_time()
    try:  # as the catch-up child and the CLI index: no window, one sort per segment
        ix = SearchIndex(Path(folder), "bench", short_sorts=False)
    except TypeError:  # --before-rev: code from before the partner
        ix = SearchIndex(Path(folder), "bench")
    with ix.exclusive():  # as the indexer's catch-up: one partner for every batch
        for start in range(0, n, batch):
            ix.apply(docs[start : start + batch], [], start + batch)
            gc.collect()  # as the indexer does after each full batch
    helper = getattr(ix, "_partner", None)
    partner_rss = helper.peak_rss_kb / 1024 if helper is not None else 0.0
    segments = len(whoosh_private.read_toc(ix._ix).segments)
    ix.close()
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    out = {"wall": wall, "cpu": cpu, "rss": peak_rss_mb(), "partner_rss": partner_rss}
    print(json.dumps(out | {"segments": segments}))


def builds(sizes: list[int], batch: int, tmp: Path, before: str | None = None) -> None:
    """The build row, one process against two (see the module's docstring); with
    `before` (a git revision), that revision's package first."""
    from benchmarks.cli_bench import checkout

    runs: list[tuple[str, str, Path]] = []  # its package from the current folder
    if before:
        old = checkout(before, tmp)
        runs.append((f"before ({before})", "1", old))
    runs += [("now", "1", REPO), ("now", "2", REPO)]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\n| papers (batch {batch:,}) | code | procs | wall s | CPU s (whole run) |", end="")
    print(" peak RSS MB builder / partner | segments |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        for code, procs, where in runs:
            folder = tmp / f"build-{n}-{procs}"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            cmd = ["-m", "benchmarks.search_bench", "--build-probe", str(n), str(folder)]
            done = subprocess.run(
                [sys.executable, *cmd, str(batch)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, PROCS_ENV: procs, "PYTHONPATH": str(REPO)},
                cwd=where,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"| {n:,} | {code} | {procs} | {r['wall']:.1f} ", end="")
            print(f"| {cpu:.1f} (builder {r['cpu']:.1f}) ", end="")
            print(f"| {r['rss']:.0f} / {r['partner_rss']:.0f} | {r['segments']} |", flush=True)
            shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def measure(kind: str, folder: Path, docs: list[IndexDoc], repeat: int) -> dict[str, str]:
    """Every row of the table for one engine."""
    n = len(docs)
    out = {"build (s)": f"{build(kind, folder, docs):.1f}"}
    for query in ("model", '"neural network"'):  # each in a fresh process: nothing warm
        probed = probe(kind, folder, query)
        parts = f"imports {probed['import_ms']:.0f} + open {probed['open_ms']:.0f}"
        parts += f" + query {probed['query_ms']:.0f}; CPU {probed['cpu_ms']:.0f}"
        out[f"fresh process: first query {query} (ms)"] = f"{probed['ms']:.0f} ({parts})"
    out["peak RSS after open (MB)"] = f"{probed['rss']:.0f}"
    ix = ENGINES[kind](folder, "bench")
    for highlight in (False, True):
        for name, queries in query_classes(docs).items():
            times: list[float] = []
            totals: list[int] = []
            for text, typing in queries:
                ix.search(text, as_you_type=typing, highlight=highlight)  # warm-up

                def run(
                    t: str = text, a: bool = typing, h: bool = highlight, out: list[int] = totals
                ) -> None:
                    out.append(ix.search(t, as_you_type=a, highlight=h).total)

                times += timed(run, repeat)
            label = f"{name}{', highlighted' if highlight else ''} ms med/p95"
            out[label] = f"{statistics.median(times):.1f} / {p95(times):.1f} ({max(totals)})"
    # restrict to the unread 60% of the library (the sidebar filter)
    allowed = [d.id for d in docs if d.status == "unread"]
    times = timed(lambda: ix.search("model", restrict=allowed, highlight=False), repeat)
    out["restrict 60% (model) ms med/p95"] = f"{statistics.median(times):.1f} / {p95(times):.1f}"

    # one changed paper until search shows it
    changed = docs[n // 3]
    counter = iter(range(1, 10_000))

    def update() -> None:
        k = next(counter)
        doc = dataclasses.replace(changed, title=f"{changed.title} zqxjvisible{k}")
        ix.apply([doc], [], n + k)
        while not ix.search(f"zqxjvisible{k}", highlight=False).total:
            pass

    update()  # warm-up: the first refresh opens the changed segment
    times = timed(update, max(5, repeat))
    out["one update -> visible ms med/p95"] = f"{statistics.median(times):.0f} / {p95(times):.0f}"
    if isinstance(ix, SearchIndex):
        out["segments after updates"] = str(len(whoosh_private.read_toc(ix._ix).segments))
    ix.close()
    return out


def run_size(gen: CorpusGenerator, n: int, repeat: int, tmp: Path, kinds: list[str]) -> None:
    docs = [to_doc(i, p) for i, p in enumerate(gen.papers(n))]
    results = {kind: measure(kind, tmp / f"{kind}-{n}", docs, repeat) for kind in kinds}
    labels = list(dict.fromkeys(k for r in results.values() for k in r))
    print(f"\n## {n:,} papers (limit 100; totals in brackets)\n")
    print("| measure | " + " | ".join(LABELS[k] for k in kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for label in labels:
        print(f"| {label} | " + " | ".join(results[k].get(label, "") for k in kinds) + " |")
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--only", choices=sorted(ENGINES), help="one column only")
    ap.add_argument("--probe", nargs=3, metavar=("KIND", "PATH", "Q"), help=argparse.SUPPRESS)
    ap.add_argument("--keep", metavar="DIR", help="build the indexes here and keep them")
    ap.add_argument("--builds", action="store_true", help="the build row only, 1 and 2 procs")
    ap.add_argument("--batch", type=int, default=BATCH, help="--builds' batch size")
    ap.add_argument("--before-rev", metavar="REV", help="--builds: also this revision's code")
    ap.add_argument("--build-probe", nargs=3, metavar=("N", "PATH", "B"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        open_probe(*args.probe)
        return
    if args.build_probe:
        n, path, batch = args.build_probe
        build_probe(int(n), path, int(batch))
        return
    if args.builds:
        with tempfile.TemporaryDirectory(prefix="rl-build-bench-") as tmp:
            sizes = [int(s) for s in args.sizes.split(",")]
            builds(sizes, args.batch, Path(tmp), args.before_rev)
        return
    gen = CorpusGenerator()
    kinds = [args.only] if args.only else list(ENGINES)
    if args.keep:
        for n in (int(s) for s in args.sizes.split(",")):
            run_size(gen, n, args.repeat, Path(args.keep), kinds)
        return
    with tempfile.TemporaryDirectory(prefix="rl-search-bench-") as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            run_size(gen, n, args.repeat, Path(tmp), kinds)


if __name__ == "__main__":
    main()
