"""`readinglist import` of a big BibTeX file, until it exits with the index caught up.

    .venv/bin/python benchmarks/import_bench.py [--size 10000] [--runs 3] [--keep DIR]
                                                [--before-rev REV] [--profile FILE]
                                                [--procs 1,2]

The file is built here, not checked in: the real records of ../shared/corpora/bib
(every entry with a title, its fields as written: accents, braces, `--`, math,
`\\url`, crossref...) and the titles and abstracts of the trending-page sample, taken
in turn and made distinct (a numbered title, a DOI of our own, no arXiv id) so that
duplicate detection keeps all of them. Each run imports it into a new library with
the real command (`python -m readinglist --library DIR import FILE`), as a user
does, and prints the wall time (median [p95] of --runs), the share of field values
that needed LaTeX decoding, and, with --profile, a cProfile of one run.
`--before-rev REV` times the code of git revision REV too (see cli_bench.py).
`--procs 1,2` (the default) times "now" with the index built by one process
(READINGLIST_INDEX_PROCS=1) and with its partner process (search/partner.py); the
CPU column is the command's and its partner's.

Measured results are in docs/speed.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.cli_bench import checkout, child_cpu, child_env, median_p95  # noqa: E402
from readinglist.formats.bibtex_scan import scan  # noqa: E402
from readinglist.formats.decode import decode_bytes  # noqa: E402
from readinglist.formats.trending import read as read_trending  # noqa: E402
from readinglist.search.partner import PROCS_ENV  # noqa: E402

SHARED = REPO.parent / "shared"
GOAL_S = 15.0
# fields that would make two generated records one paper (duplicate detection) or
# point at files and services
_LATEX = re.compile(r"[\\{}$~%&]|--|``|''")  # what latex.py decodes (else plain text)
_DROPPED = {"doi", "eprint", "archiveprefix", "eprinttype", "url", "crossref", "file", "pdf"}


def _corpus_entries() -> list[tuple[str, dict[str, str]]]:
    """(entry type, raw fields) of every titled entry of the BibTeX corpora."""
    found = []
    for path in sorted((SHARED / "corpora" / "bib").glob("*.bib")):
        text = decode_bytes(path.read_bytes()).text
        for entry in scan(text).entries:
            fields = {k: v for k, v in entry.fields.items() if k not in _DROPPED}
            if fields.get("title", "").strip():
                found.append((entry.entry_type, fields))
    return found


def _trending_pairs() -> list[tuple[str, str]]:
    sample = SHARED / "samples" / "trending-generative-transformers.txt"
    if not sample.exists():
        return []
    drafts = read_trending(sample.read_text("utf-8"), sample.name).drafts
    return [(d.title, d.abstract) for d in drafts if d.abstract]


def _escape(text: str) -> str:
    """A plain-text value as BibTeX: `%`, `&`, `#` and braces are what LaTeX reads."""
    out = text.replace("\\", "\\textbackslash{}")
    for c in "{}":
        out = out.replace(c, "\\" + c)
    return out


def build_bib(n: int) -> str:
    """`n` distinct BibTeX records from the corpora and the sample, in turn."""
    entries = _corpus_entries()
    pairs = _trending_pairs()
    if not entries:
        raise SystemExit(f"no BibTeX corpora in {SHARED / 'corpora' / 'bib'}")
    out = []
    for i in range(n):
        entry_type, fields = entries[i % len(entries)]
        fields = dict(fields)
        if pairs and i % 2:  # every other record: a trending paper's title and abstract
            title, abstract = pairs[(i // 2) % len(pairs)]
            fields["title"] = _escape(title)
            fields["abstract"] = abstract  # as pasted: its LaTeX is the page's own
        fields["title"] = f"{fields['title']}, part {i}"
        fields["doi"] = f"10.5555/bench.{i}"
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
        out.append(f"@{entry_type}{{bench{i},\n{body}\n}}\n")
    return "\n".join(out)


def import_once(code: Path, bib: Path, work: Path, procs: str = "") -> tuple[float, float]:
    """(wall, CPU) seconds of one import into a new library (see cli_bench.run_once);
    `procs`: READINGLIST_INDEX_PROCS for it."""
    folder = Path(tempfile.mkdtemp(prefix="lib-", dir=work))
    cmd = [sys.executable, "-m", "readinglist", "--library", str(folder), "import", str(bib)]
    env = child_env() | ({PROCS_ENV: procs} if procs else {})
    cpu0 = child_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=code, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr[-2000:]
    cpu = child_cpu() - cpu0
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    return elapsed, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", metavar="DIR", help="work (and keep the file) here")
    ap.add_argument("--before-rev", metavar="REV", help="also time the code of this revision")
    ap.add_argument("--profile", metavar="FILE", help="cProfile one run (now) into FILE")
    ap.add_argument("--procs", default="1,2", help="index processes to time 'now' with")
    opts = ap.parse_args()
    work = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="import_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    bib = work / f"bench{opts.size}.bib"
    bib.write_text(build_bib(opts.size), "utf-8")
    values = [v for e in scan(bib.read_text("utf-8")).entries for v in e.fields.values()]
    latex = sum(1 for v in values if _LATEX.search(v))
    size_mb = bib.stat().st_size / 1e6
    print(f"`readinglist import` of {opts.size:,} BibTeX records ({size_mb:.1f} MB)")
    print(f"field values: {len(values):,}, {latex:,} of them with LaTeX to decode")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    codes = {f"now, {p} index process{'es' * (p != '1')}": (REPO, p) for p in opts.procs.split(",")}
    if opts.before_rev:
        codes = {f"before ({opts.before_rev})": (checkout(opts.before_rev, work), "")} | codes
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
    for _ in range(opts.runs):
        for name, (code, procs) in codes.items():
            times[name].append(import_once(code, bib, work, procs))
    print(f"  {'code':<28} {'wall':>16} {'CPU':>16}   median [p95] s")
    for name in codes:
        wall, cpu = [w for w, _ in times[name]], [c for _, c in times[name]]
        ok = "ok" if statistics.median(wall) <= GOAL_S else "over"
        cells = f"{median_p95(wall):>16} {median_p95(cpu):>16}"
        print(f"  {name:<28} {cells}   goal {GOAL_S:.0f} s: {ok}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if opts.profile:
        folder = Path(tempfile.mkdtemp(prefix="lib-", dir=work))
        cmd = [sys.executable, "-m", "cProfile", "-o", opts.profile, "-m", "readinglist"]
        subprocess.run(
            [*cmd, "--library", str(folder), "import", str(bib)],
            cwd=REPO,
            check=True,
            env=child_env(),
            stdout=subprocess.DEVNULL,
        )
        print(f"profile of one run: {opts.profile}")


if __name__ == "__main__":
    main()
