"""Where a library lives: a folder (SQLite, the default) or a PostgreSQL server.

`--library postgresql://alice@labserver/readinglist` names a shared library; anything
else is a folder. Pure: nothing here connects. A server URL is handed to libpq as it
is (sslmode, service and friends pass through; a password comes from the URL or from
libpq's own password file, service file or environment), and is never written into
our settings: `label` is what may be shown or stored, without the password.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from platformdirs import user_cache_path

from .paths import APP_NAME, LIBRARY_ENV, resolve_library_dir

SCHEMES = ("postgresql://", "postgres://")
# The folder holding each server library's local files (its Whoosh index), one
# sub-folder per library id; tests and the index child set it.
CACHE_ENV = "READINGLIST_SERVER_CACHE"
DEFAULT_PORT = 5432


def is_server(location: object) -> bool:
    """Does `location` (a path or a typed text) name a PostgreSQL server?"""
    return isinstance(location, str) and location.strip().lower().startswith(SCHEMES)


@dataclass(frozen=True)
class ServerLocation:
    """A PostgreSQL library: the libpq URL (maybe with a password) and how it is shown."""

    url: str = ""

    def __repr__(self) -> str:  # never the password in a log or a traceback
        return f"ServerLocation({self.label!r})"

    @property
    def _parts(self) -> tuple[str, str, int | None, str]:
        """(user, host, port, database); empty where the URL leaves it to libpq."""
        split = urlsplit(self.url.strip())
        try:
            port = split.port
        except ValueError:  # a port libpq will refuse with its own words
            port = None
        user = unquote(split.username or "")
        host = unquote(split.hostname or "")
        return user, host, port, unquote(split.path.lstrip("/"))

    @property
    def server(self) -> str:
        """host:port/database, as an error message names the server."""
        _, host, port, database = self._parts
        return f"{host or 'localhost'}:{port or DEFAULT_PORT}/{database}"

    @property
    def label(self) -> str:
        """The URL without its password (nor query): for a title bar, a log, settings."""
        user, host, port, database = self._parts
        who = f"{user}@" if user else ""
        where = f"{host}:{port}" if port else host
        return f"postgresql://{who}{where}/{database}"

    def cache_folder(self, library_id: str, root: Path | None = None) -> Path:
        """Where this library's search index lives on this computer: the user's cache
        folder / servers / <library id> (the id, not the URL: the same library reached
        by another host name shares it). `root`, else $READINGLIST_SERVER_CACHE,
        replaces the user's cache folder / servers."""
        if root is None:
            override = os.environ.get(CACHE_ENV, "").strip()
            root = (
                Path(override).expanduser()
                if override
                else user_cache_path(APP_NAME, appauthor=False) / "servers"
            )
        return Path(root) / library_id


def parse_location(location: Path | str) -> Path | ServerLocation:
    """A server for a postgresql:// or postgres:// text; anything else is a folder."""
    if is_server(location):
        return ServerLocation(str(location).strip())
    return Path(location)


def resolve_library(arg: str | None) -> Path | str:
    """paths.resolve_library_dir, but a postgresql:// URL (given, or else in
    $READINGLIST_LIBRARY) is returned as it is: a shared library on a server."""
    given = arg or os.environ.get(LIBRARY_ENV, "").strip()
    if is_server(given):
        return given.strip()
    return resolve_library_dir(arg)
