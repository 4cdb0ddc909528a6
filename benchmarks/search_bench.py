"""Search speed: the Whoosh SearchIndex beside SQLite FTS5 on the same synthetic corpus.

    python -m benchmarks.search_bench [--sizes 1000,10000,100000] [--repeat 15]

For each size: build the index (timed), open it in a fresh process (time to first
query, peak RSS), run each query class `repeat` times with limit 100 (median, p95),
and time one changed paper until search sees it. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import CorpusGenerator, status_for
from readinglist.domain import PaperDraft
from readinglist.search.document import IndexDoc
from readinglist.search.index import SearchIndex

BATCH = 5000


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


def open_probe(kind: str, path: str) -> None:
    """Run in a child process: open + first query, print ms and peak RSS (MB)."""
    t = time.perf_counter()
    if kind == "whoosh":
        ix = SearchIndex(Path(path), "bench")
        n = ix.search("model").total
    else:
        con = sqlite3.connect(path)
        n = con.execute("SELECT count(*) FROM papers WHERE papers MATCH 'model'").fetchone()[0]
    ms = (time.perf_counter() - t) * 1000
    print(json.dumps({"ms": ms, "rss": peak_rss_mb(), "n": n}))


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


def probe(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.search_bench", "--probe", kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def build_whoosh(folder: Path, docs: list[IndexDoc]) -> float:
    t = time.perf_counter()
    ix = SearchIndex(folder, "bench")
    for start in range(0, len(docs), BATCH):
        ix.apply(docs[start : start + BATCH], [], start + BATCH)
    ix.close()
    return time.perf_counter() - t


def build_fts(path: Path, docs: list[IndexDoc]) -> float:
    t = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute(
        "CREATE VIRTUAL TABLE papers USING fts5(title, abstract, authors, tags, note, venue,"
        " tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    with con:
        con.executemany(
            "INSERT INTO papers(rowid, title, abstract, authors, tags, note, venue)"
            " VALUES (?,?,?,?,?,?,?)",
            [
                (d.id, d.title, d.abstract, d.authors, ", ".join(d.tags), d.note, d.venue)
                for d in docs
            ],
        )
    con.close()
    return time.perf_counter() - t


def run_size(gen: CorpusGenerator, n: int, repeat: int, tmp: Path) -> None:
    docs = [to_doc(i, p) for i, p in enumerate(gen.papers(n))]
    wdir, fpath = tmp / f"whoosh-{n}", tmp / f"fts-{n}.sqlite"
    rows: list[tuple[str, str, str]] = []
    rows.append(("build (s)", f"{build_whoosh(wdir, docs):.1f}", f"{build_fts(fpath, docs):.1f}"))
    w, f = probe("whoosh", wdir), probe("fts", fpath)
    rows.append(("open + first query (ms)", f"{w['ms']:.0f}", f"{f['ms']:.0f}"))
    rows.append(("peak RSS after open (MB)", f"{w['rss']:.0f}", f"{f['rss']:.0f}"))

    ix = SearchIndex(wdir, "bench")
    con = sqlite3.connect(fpath)
    sql = (
        "SELECT rowid FROM papers WHERE papers MATCH ? "
        "ORDER BY bm25(papers, 3.0, 1.0, 1.5, 1.5, 1.0, 1.0) LIMIT 100"
    )
    count = "SELECT count(*) FROM papers WHERE papers MATCH ?"
    for name, queries in query_classes(docs).items():
        wt: list[float] = []
        ft: list[float] = []
        totals = []
        for text, typing in queries:
            ix.search(text, as_you_type=typing)  # warm-up
            wt += timed(lambda t=text, a=typing: ix.search(t, as_you_type=a), repeat)
            totals.append(ix.search(text, as_you_type=typing).total)
            m = fts_query(text, typing)

            def fts(m: str = m) -> None:
                con.execute(sql, (m,)).fetchall()
                con.execute(count, (m,)).fetchone()

            ft += timed(fts, repeat)
        rows.append(
            (
                f"{name} ms med/p95 (hits {max(totals)})",
                f"{statistics.median(wt):.1f} / {p95(wt):.1f}",
                f"{statistics.median(ft):.1f} / {p95(ft):.1f}",
            )
        )
    # restrict to a status-like third of the library (the sidebar filter)
    allowed = [d.id for d in docs if d.status == "unread"]
    wt = timed(lambda: ix.search("model", restrict=allowed), repeat)
    rows.append(
        ("restrict 60% (model) ms med/p95", f"{statistics.median(wt):.1f} / {p95(wt):.1f}", "")
    )
    wt = timed(lambda: ix.search("model", highlight=False), repeat)
    rows.append(("model, no highlights ms med", f"{statistics.median(wt):.1f}", ""))

    # one changed paper until search shows it
    changed = docs[n // 3]
    marker = "zqxjvisible"

    def update_whoosh(k: int) -> None:
        doc = IndexDoc(**{**_fields(changed), "title": f"{changed.title} {marker}{k}"})
        ix.apply([doc], [], n + k)
        while not ix.search(f"{marker}{k}").total:
            pass

    def update_fts(k: int) -> None:
        with con:
            con.execute(
                "UPDATE papers SET title = ? WHERE rowid = ?",
                (f"{changed.title} {marker}{k}", changed.id),
            )
        while not con.execute(count, (f"{marker}{k}",)).fetchone()[0]:
            pass

    counter = iter(range(1, 10_000))
    wt = timed(lambda: update_whoosh(next(counter)), max(3, repeat // 3))
    ft = timed(lambda: update_fts(next(counter)), max(3, repeat // 3))
    rows.append(
        (
            "one update -> visible ms med/p95",
            f"{statistics.median(wt):.0f} / {p95(wt):.0f}",
            f"{statistics.median(ft):.1f} / {p95(ft):.1f}",
        )
    )
    ix.close()
    con.close()
    print(f"\n## {n:,} papers\n")
    print(f"| {'measure':<42} | {'Whoosh':>16} | {'FTS5':>14} |")
    print(f"|{'-' * 44}|{'-' * 18}|{'-' * 16}|")
    for label, a, b in rows:
        print(f"| {label:<42} | {a:>16} | {b:>14} |")
    sys.stdout.flush()


def _fields(doc: IndexDoc) -> dict[str, object]:
    return {k: getattr(doc, k) for k in IndexDoc.__slots__}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--probe", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        open_probe(*args.probe)
        return
    gen = CorpusGenerator()
    with tempfile.TemporaryDirectory(prefix="rl-search-bench-") as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            run_size(gen, n, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
