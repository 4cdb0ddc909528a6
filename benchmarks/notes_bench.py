"""Render time of hostile notes: the current renderer, and optionally an older one.

    python -m benchmarks.notes_bench                      # current notes.py
    python -m benchmarks.notes_bench --baseline REV       # also notes.py as of git REV

Each render runs in its own child process with a time limit (an unbounded render of
20 KB of `[` took minutes), so one slow case cannot hold up the table.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hostile_notes() -> dict[str, str]:
    prose = "The model *learns* a **robust** `code` [link](https://x.org) note.\n"
    return {
        "5,000 [": "[" * 5000,
        "20 KB [": "[" * 20_000,
        "5 MB prose": (prose * (5_000_000 // len(prose) + 1))[:5_000_000],
        "list nested 300": "".join(" " * (4 * i) + "- x\n" for i in range(300)),
        "quote nested 300": "> " * 300 + "x\n",
        "* x 50k": "*" * 50_000,
        "`a x 10k": "`a" * 10_000,
        "< x 20k": "<" * 20_000,
        "[a]( x 5k": "[a](" * 5000,
        "[a][ x 5k": "[a][" * 5000,
        "x\\n x 10k": "x\n" * 10_000,
        "\\\\ x 20k": "\\" * 20_000,
        "**a x 7k": "**a" * 7000,
        "``` then spaces": "```" * 3000 + " " * 8000 + "`" * 4000,
        "9k * then space": "*" * 9000 + " x",
        "```a\\n x 10k": "```a\n" * 10_000,
    }


def _load(source: str) -> Callable[[str], str]:
    """render_note from a notes.py text, loaded as part of the readinglist package."""
    import readinglist

    path = Path(readinglist.__file__).parent / "_notes_bench_baseline.py"
    path.write_text(source, encoding="utf-8")
    try:
        spec = importlib.util.spec_from_file_location("readinglist._notes_bench_baseline", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        path.unlink()
    render: Callable[[str], str] = module.render_note
    return render


def _child(source: str | None, name: str, queue: multiprocessing.Queue[str]) -> None:
    if source is None:
        from readinglist.notes import render_note as render
    else:
        render = _load(source)
    text = hostile_notes()[name]
    start = time.perf_counter()
    try:
        render(text)
        queue.put(f"{(time.perf_counter() - start) * 1000:,.0f} ms")
    except Exception as exc:
        queue.put(type(exc).__name__)


def timed(source: str | None, name: str, limit: float) -> str:
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[str] = ctx.Queue()
    proc = ctx.Process(target=_child, args=(source, name, queue))
    proc.start()
    proc.join(limit + 10)  # imports and building the input come on top
    if proc.is_alive():
        proc.kill()
        proc.join()
        return f"> {limit:.0f} s"
    return queue.get() if not queue.empty() else f"exit {proc.exitcode}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="a git revision whose notes.py to compare with")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds per render")
    args = parser.parse_args()
    old = None
    if args.baseline:
        old = subprocess.run(
            ["git", "show", f"{args.baseline}:readinglist/notes.py"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    print(f"{'note':18} {'before':>12} {'after':>12}" if old else f"{'note':18} {'time':>12}")
    for name in hostile_notes():
        after = timed(None, name, args.limit)
        if old is None:
            print(f"{name:18} {after:>12}", flush=True)
        else:
            before = timed(old, name, args.limit)
            print(f"{name:18} {before:>12} {after:>12}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
