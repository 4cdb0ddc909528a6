"""Where a library lives. Paths are passed into constructors, never module globals."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "ReadingList"
LIBRARY_ENV = "READINGLIST_LIBRARY"


def default_library_dir() -> Path:
    """$READINGLIST_LIBRARY, else the per-user data folder.

    On Linux that is ~/.local/share/ReadingList/library.
    """
    override = os.environ.get(LIBRARY_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "library"


def resolve_library_dir(arg: str | None) -> Path:
    """--library DIR wins over the environment, which wins over the default."""
    if arg:
        return Path(arg).expanduser().resolve()
    return default_library_dir().resolve()
