"""Preferences, declared once with type and default (no Qt: the CLI reads them too).

Kept apart from the window's state (ui/settings.py). Read from `settings.json` in
the per-user config folder; each can be overridden by an environment variable
(`READINGLIST_<NAME>` in upper case), which is how tests and scripts set them. A
missing or unreadable file means the defaults: preferences never stop the app.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

from .paths import APP_NAME

log = logging.getLogger(__name__)

CONFIG_ENV = "READINGLIST_CONFIG"  # a settings.json to use instead of the user's


@dataclasses.dataclass(frozen=True)
class Config:
    # Imports and note files larger than this are refused with a message naming the
    # limit (a reading list's files are kilobytes to a few hundred MB).
    max_import_mb: int = 512
    # Automatic backups of library.sqlite kept in <library>/backups (oldest go first).
    backups_kept: int = 10
    # library.sqlite up to this size gets SQLite's quick_check on every open (16 MB,
    # ~7k papers: ~25 ms); a bigger one daily, before its backup (100k papers,
    # 231 MB: 0.26 s cached, 7.8 s from disk), and whenever SQLite reports damage.
    check_every_open_mb: int = 16
    # External services for "complete from arXiv / DOI" (issue 9).
    arxiv_api: str = "https://export.arxiv.org/api/query"
    doi_resolver: str = "https://doi.org/"


def config_file() -> Path:
    override = os.environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return user_config_path(APP_NAME, appauthor=False) / "settings.json"


def load_config(path: Path | None = None) -> Config:
    """The defaults, then the file's values, then the environment's (each checked)."""
    values: dict[str, Any] = {}
    path = path or config_file()
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if text.strip() else {}
        if isinstance(raw, dict):
            values.update(raw)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("ignoring %s: %s", path, exc)
    for f in dataclasses.fields(Config):
        env = os.environ.get(f"READINGLIST_{f.name.upper()}")
        if env is not None and env.strip():
            values[f.name] = env.strip()
    return _checked(values)


def _checked(values: dict[str, Any]) -> Config:
    kwargs: dict[str, Any] = {}
    defaults = Config()
    for f in dataclasses.fields(Config):
        if f.name not in values:
            continue
        default = getattr(defaults, f.name)
        try:
            value = type(default)(values[f.name])
        except (TypeError, ValueError):
            log.warning(
                "setting %s=%r is not a %s; using %r",
                f.name,
                values[f.name],
                type(default).__name__,
                default,
            )
            continue
        if isinstance(value, int) and value < 0:
            log.warning("setting %s=%r is negative; using %r", f.name, value, default)
            continue
        kwargs[f.name] = value
    return Config(**kwargs)
