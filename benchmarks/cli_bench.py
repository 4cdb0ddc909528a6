"""One CLI command, process start to exit, on a real library (issues 10, 11). A table.

    .venv/bin/python benchmarks/cli_bench.py [--size 10000] [--runs 11] [--keep DIR]
                                             [--before-rev REV] [--now-rev REV]

Runs the command the way a user or script does (a fresh `python -m readinglist`
process each time) on a synthetic library of --size papers and prints the median
and, in brackets, the 95th percentile of --runs runs; the goal is <= 0.4 s.
`--before-rev REV` also runs the same commands on the code of git revision REV
(extracted with `git archive` into a temporary folder) in the same rounds, so both
columns see the same machine load. The slowest imports of `list --json` follow
(`python -X importtime`), so the table says where the start-up goes.

The children run with bytecode caching on (PYTHONDONTWRITEBYTECODE removed from
their environment), as an installed command runs: otherwise every start compiles
the package's sources again (~70 ms).

Measured figures (before/after, wall and CPU): docs/speed.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
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
COMMANDS: list[tuple[str, list[str]]] = [
    ("--help (no library opened)", ["--help"]),
    ("list", ["list"]),
    ("list --json", ["list", "--json"]),
    ("search attention", ["search", "attention"]),
    ("search attention --json", ["search", "attention", "--json"]),
    ("show 5 --json", ["show", "5", "--json"]),
    ("mark read 1 2 3", ["mark", "read", "1", "2", "3"]),
    ("mark unread 1 2 3", ["mark", "unread", "1", "2", "3"]),
]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed command has its .pyc files
    return env


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(code: Path, folder: Path, args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one command run from the package in `code` (cwd comes
    first on `python -m`'s path, so another checkout's package is the one imported).
    On a shared machine the wall time is mostly waiting for a core; the CPU time
    (user + system) is what the command itself costs."""
    cmd = [sys.executable, "-m", "readinglist", "--library", str(folder), *args]
    cpu0 = child_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=child_env()
    )
    elapsed = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr.decode()
    return elapsed, child_cpu() - cpu0


def median_p95(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f} [{p95:.2f}]"


def slowest_imports(folder: Path, args: list[str], top: int = 12) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the top-level imports one command makes."""
    cmd = [sys.executable, "-X", "importtime", "-m", "readinglist", "--library", str(folder)]
    done = subprocess.run([*cmd, *args], cwd=REPO, capture_output=True, text=True, env=child_env())
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(2)) <= 2:  # top-level and one below: what readinglist pulls
            rows.append((int(m.group(1)) / 1e6, m.group(2) + m.group(3)))
    return sorted(rows, reverse=True)[:top]


def checkout(rev: str, into: Path) -> Path:
    """The package as it was at `rev`, extracted beside (not over) this worktree."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    target = into / f"code-{sha}"  # by commit: HEAD moves
    if not (target / "readinglist").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", rev, "readinglist"], cwd=REPO, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the library here")
    ap.add_argument("--before-rev", metavar="REV", help="also time the code of this revision")
    ap.add_argument("--now-rev", metavar="REV", help="time this revision, not the worktree")
    opts = ap.parse_args()
    base = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="cli_bench_"))
    folder = base / f"lib{opts.size}"
    build(folder, opts.size, CorpusGenerator(seed=1))
    now = checkout(opts.now_rev, base) if opts.now_rev else REPO
    codes = {"now": now}
    if opts.before_rev:
        codes = {f"before ({opts.before_rev})": checkout(opts.before_rev, base), "now": now}
    for code in codes.values():  # first runs compile and cache the bytecode
        run_once(code, folder, ["list"])
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    print(f"CLI command, process start -> exit, {opts.size:,} papers")
    print(f"median [p95] of {opts.runs} runs, seconds; goal <= {GOAL_S} s wall")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for _ in range(opts.runs):  # rounds: every command and checkout in each
        for label, args in COMMANDS:
            for name, code in codes.items():
                times.setdefault((label, name), []).append(run_once(code, folder, args))
    cols = [f"{name} {kind}" for name in codes for kind in ("wall", "CPU")]
    print(f"{'command':<28}" + "".join(f"{c:>24}" for c in cols) + f"{'goal':>6}")
    for label, _ in COMMANDS:
        cells = ""
        for name in codes:
            runs = times[(label, name)]
            cells += f"{median_p95([w for w, _ in runs]):>24}{median_p95([c for _, c in runs]):>24}"
        ok = "ok" if statistics.median(w for w, _ in times[(label, "now")]) <= GOAL_S else "over"
        print(f"{label:<28}{cells}{ok:>6}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("\nslowest imports of `list --json` now (cumulative s, under -X importtime):")
    for seconds, module in slowest_imports(folder, ["list", "--json"]):
        print(f"  {seconds:6.3f}  {module}")


if __name__ == "__main__":
    main()
