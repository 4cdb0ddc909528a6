"""Entry point: parse the command line, then run a CLI subcommand or open the window."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path

from .cli import SUBCOMMANDS, build_parser, run_cli
from .location import resolve_library
from .paths import APP_NAME


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(list(sys.argv[1:] if argv is None else argv)))


def run(argv: list[str]) -> int:
    # the frozen app as the index's second process: search.partner.PARTNER_FLAG (not
    # imported for the test: the search package imports Whoosh, which costs 0.1 s)
    if argv[:1] == ["--index-partner"]:
        from .search.partner import serve

        return serve()
    # `readinglist FILE...` (as a file manager calls it) opens the window and imports
    # the files: the first word that is no option (or --library's value) decides.
    words = [
        a for i, a in enumerate(argv) if not a.startswith("-") and argv[i - 1 : i] != ["--library"]
    ]
    if words and words[0] in SUBCOMMANDS:
        return run_cli(argv)
    parser = build_parser(subcommands=False)
    args = parser.parse_args(argv)
    files = args.files
    missing = [f for f in files if not Path(f).exists()]
    if missing:  # a mistyped subcommand, or a file that is gone: say which
        parser.error(
            f"{missing[0]!r} is neither a command ({', '.join(SUBCOMMANDS)}) nor an existing file"
        )
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from .desktop import install_desktop_entry, uninstall_desktop_entry

        if args.install_desktop_entry:
            print(install_desktop_entry())
        else:
            print(uninstall_desktop_entry())
        return 0
    if args.catch_up_index:
        return catch_up_child(resolve_library(args.library))
    if args.self_test:
        from .selftest import run_self_test

        return run_self_test()
    library = resolve_library(args.library)
    return open_window(library, [Path(f) for f in files])


def catch_up_child(location: Path | str) -> int:
    """The index catch-up child's side (`--catch-up-index`, started by
    index_worker.ChildCatchUp): catch the library's index up, reporting progress.

    It lives in the app entry, not in index_worker, so that the core does not import
    itself back (library -> indexer -> index_worker -> library)."""
    from .domain import LibraryError
    from .library import Library

    def report(done: int, total: int) -> None:
        try:
            print(f"progress {done} {total}", flush=True)
        except OSError as exc:  # BrokenPipeError; Windows may say EINVAL instead
            # the parent stopped reading (it closed or was killed): stop at this
            # batch. Raised inside the index's write lock, an OSError would read
            # as "cannot write the search index"; it is the pipe, not the index.
            raise _ParentGone from exc

    try:
        lib = Library(location)
        try:
            lib.catch_up_index(progress=report)
        finally:
            lib.close(catch_up=False)
    except _ParentGone:
        _quiet_stdout()
        _tell(
            "readinglist: the process that started this index catch-up stopped "
            "listening; stopped (what was indexed is kept, the next catch-up goes on)"
        )
        return 1
    except LibraryError as exc:
        _tell(f"readinglist: {exc}")
        return 1
    return 0


class _ParentGone(Exception):
    """The catch-up child's stdout pipe closed: its parent is no longer listening."""


def _quiet_stdout() -> None:
    """Point stdout at the null device: otherwise Python's flush at exit meets the
    closed pipe again and prints its own "Exception ignored ... BrokenPipeError"."""
    import os

    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


def _tell(message: str) -> None:
    """One line on stderr, if anyone still reads it (the parent may be gone too)."""
    with contextlib.suppress(OSError):
        print(message, file=sys.stderr, flush=True)


def open_window(library: Path | str, files: list[Path]) -> int:
    """The window on a folder or on a shared library's URL (a server's crash log goes
    to the user's log folder: nothing of a shared library is on this computer)."""
    from .ui.crash import install_crash_handler

    if isinstance(library, Path):
        install_crash_handler(library)  # before the QApplication exists
    else:
        from platformdirs import user_log_path

        install_crash_handler(user_log_path(APP_NAME, appauthor=False))
    from .ui.main import run_gui

    return run_gui(library, files)
