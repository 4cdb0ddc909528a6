"""One CLI command, process start to exit, on a real library (issues 10, 11). A table.

    .venv/bin/python benchmarks/cli_bench.py [--size 10000] [--keep DIR]

Runs the installed command the way a user or script does (a fresh `python -m
readinglist` process each time, best of 3) on a synthetic library of --size papers,
and lists the slowest imports of one command (`python -X importtime`), so the table
says where the start-up goes. "before" is the figure measured when the issue was
filed (~0.8 s for a command at 10k); the goal is <= 0.4 s. The machine may be shared:
the load average is printed beside the timings.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import CorpusGenerator  # noqa: E402
from benchmarks.ui_bench import build  # noqa: E402

GOAL_S = 0.4
COMMANDS: list[tuple[str, list[str], str]] = [
    ("--help (no library opened)", ["--help"], "-"),
    ("list --json", ["list", "--json"], "0.8"),
    ("search attention", ["search", "attention"], "0.8"),
    ("search attention --json", ["search", "attention", "--json"], "0.8"),
    ("mark read 1 2 3", ["mark", "read", "1", "2", "3"], "0.8"),
]


def run_once(folder: Path, args: list[str]) -> float:
    cmd = [sys.executable, "-m", "readinglist", "--library", str(folder), *args]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr.decode()
    return elapsed


def slowest_imports(folder: Path, args: list[str], top: int = 12) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the top-level imports one command makes."""
    cmd = [sys.executable, "-X", "importtime", "-m", "readinglist", "--library", str(folder)]
    done = subprocess.run([*cmd, *args], cwd=REPO, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(2)) <= 2:  # top-level and one below: what readinglist pulls
            rows.append((int(m.group(1)) / 1e6, m.group(2) + m.group(3)))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the library here")
    opts = ap.parse_args()
    base = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="cli_bench_"))
    folder = base / f"lib{opts.size}"
    build(folder, opts.size, CorpusGenerator(seed=1))
    print(f"CLI command, process start -> exit, {opts.size:,} papers (best of 3)")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'command':<30} {'before (issue)':>15} {'now':>8} {'goal':>6}")
    for label, args, before in COMMANDS:
        best = min(run_once(folder, args) for _ in range(3))
        ok = "ok" if best <= GOAL_S else "over"
        print(f"{label:<30} {before:>15} {best:>7.2f}s {ok:>6}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("\nslowest imports of `list --json` (cumulative s):")
    for seconds, module in slowest_imports(folder, ["list", "--json"]):
        print(f"  {seconds:6.3f}  {module}")


if __name__ == "__main__":
    main()
