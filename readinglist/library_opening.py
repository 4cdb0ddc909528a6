"""Opening a library: a folder (SQLite: checked, created or upgraded, its daily backup
due or not) or a shared library on a PostgreSQL server (the schema made or upgraded,
who we are there); and a database error met later, told in one line naming it.
Below library.py, like library_folder.py: the Library facade calls these once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from . import library_folder
from .db import store
from .db.engine import writer
from .domain import LibraryError
from .location import ServerLocation, parse_location


@dataclass(frozen=True)
class OpenedLibrary:
    engine: Engine
    read_only: bool
    library_id: str
    folder: Path  # the library folder, or a server library's local cache folder
    server: ServerLocation | None
    member: str = ""  # PostgreSQL's current_user; "" for a folder
    daily_backup_due: bool = False  # a folder's: left to the caller, off its thread
    backups_kept: int = 0


def open_library(
    location: Path | str, *, defer_daily: bool, cache_dir: Path | None
) -> OpenedLibrary:
    """`location`: a folder, or a postgresql:// (postgres://) URL (location.py). A
    server library's search index lives in this computer's cache folder (`cache_dir`
    or $READINGLIST_SERVER_CACHE, else the user's cache folder / servers), under the
    library's id: nothing else of it is on this computer."""
    where = parse_location(location)
    if isinstance(where, ServerLocation):
        from .db.server import open_server

        on_server = open_server(where.url, where.server)
        return OpenedLibrary(
            on_server.engine,
            read_only=False,
            library_id=on_server.library_id,
            folder=where.cache_folder(on_server.library_id, cache_dir),
            server=where,
            member=on_server.member,
        )
    with library_folder.opening(where):
        opened, config = library_folder.open_database(where, defer_daily=defer_daily)
        return OpenedLibrary(
            opened.engine,
            read_only=opened.read_only,
            library_id=_folder_library_id(opened.engine, opened.read_only),
            folder=where,
            server=None,
            daily_backup_due=opened.daily_backup_due,
            backups_kept=config.backups_kept,
        )


def _folder_library_id(engine: Engine, read_only: bool) -> str:
    """The folder's library id, given one now if an older version made it without."""
    if read_only:
        with Session(engine) as s:
            return store.get_meta(s, "library_id") or "read-only"
    with Session(writer(engine)) as s, s.begin():
        found = store.get_meta(s, "library_id")
        if found is None:
            found = uuid.uuid4().hex
            store.set_meta(s, "library_id", found)
            store.set_meta(s, "seq", "0")
        return found


def trouble_at(location: Path | str | ServerLocation, exc: BaseException) -> LibraryError | None:
    """A database error met at run time, told in one line naming the folder's file or
    the server; None when `exc` is not one (a bug: the caller re-raises it)."""
    where = location if isinstance(location, ServerLocation) else parse_location(location)
    if isinstance(where, ServerLocation):
        from .db.server import is_server_error, server_error

        return server_error(where.server, exc) if is_server_error(exc) else None
    return library_folder.database_trouble(where, exc)
