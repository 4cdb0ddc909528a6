"""`readinglist copy --from SRC --to DST`: a whole library into an empty one.

Either side may be a library folder (SQLite) or a server URL (PostgreSQL): a member
starts the lab's library from their own, or takes a copy home. Every paper goes with
its tags, trash state, status and note, citation key and dates, so the copy's
`details()` equal the original's.

Nothing half-written at DST: the rows go in ONE transaction of the destination, so a
failure or a cancel (Ctrl-C) keeps nothing; a folder this copy created is removed
again. A destination that already holds papers is refused, never merged into.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from .db import copy_rows
from .domain import CancelFn, LibraryError, ProgressFn
from .library import DB_NAME, Library
from .location import ServerLocation, is_server, parse_location


@dataclass(frozen=True)
class CopyReport:
    papers: int
    source: str
    destination: str


def shown_location(location: str) -> str:
    """A location as it may be shown or kept: a server's URL without its password."""
    where = parse_location(location)
    return where.label if isinstance(where, ServerLocation) else location


def _open(location: str) -> Library:
    return Library(location if is_server(location) else Path(location).expanduser())


def copy_library(
    source: str,
    destination: str,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    index_reporter: Callable[[str, int, int], None] | None = None,
) -> CopyReport:
    """Copy the library at `source` into the empty library at `destination` (made
    when missing). Raises LibraryError (refused: not empty, no library at the
    source) or Cancelled; in both cases DST holds what it held before. The copy's
    search index is built before this returns (`index_reporter` hears of it)."""
    if not is_server(source) and not (Path(source).expanduser() / DB_NAME).is_file():
        raise LibraryError(f"there is no library in {source}")
    made_folder: Path | None = None
    if not is_server(destination):
        folder = Path(destination).expanduser()
        if folder.resolve() == Path(source).expanduser().resolve():
            raise LibraryError("the source and the destination are the same library")
        if not folder.exists():
            made_folder = folder
    try:
        src = _open(source)
        try:
            dst = _open(destination)
            try:
                n = _copy_between(src, dst, shown_location(destination), progress, cancel)
            except BaseException:
                dst.close(catch_up=False)
                raise
            dst.report_index_progress(index_reporter)
            dst.close()  # closing builds the copy's index (the CLI contract)
        finally:
            src.close(catch_up=False)  # the source's index is not ours to bring up
    except BaseException:  # Ctrl-C too: a folder we made holds nothing worth keeping
        if made_folder is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(made_folder)
        raise
    return CopyReport(n, shown_location(source), shown_location(destination))


def _copy_between(
    src: Library,
    dst: Library,
    dst_label: str,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
) -> int:
    if dst.read_only:
        raise LibraryError(f"{dst_label} is read-only")
    with dst._transaction() as out:
        if not copy_rows.is_empty(out):
            n = copy_rows.paper_count(out)
            raise LibraryError(
                f"{dst_label} is not empty ({n} papers, or tags or deleted papers): "
                "copy only into a new library"
            )
        # one read transaction: a snapshot of the source while others may write to it
        snapshot = src._engine
        if snapshot.dialect.name == "postgresql":
            snapshot = snapshot.execution_options(isolation_level="REPEATABLE READ")
        with Session(snapshot) as s, s.begin():
            return copy_rows.copy_rows(s, out, progress, cancel)
