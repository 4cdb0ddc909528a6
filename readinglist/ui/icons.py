"""Icons: our own SVGs from `resources/icons/`, a theme icon when the file is missing."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

from readinglist.domain import Status


def resources_dir() -> Path:
    """`resources/` beside the package (source checkout), or inside a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [Path(bundle) / "resources"] if bundle else []
    here = Path(__file__).resolve()
    candidates += [here.parents[2] / "resources", here.parents[1] / "resources"]
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[-1]


@cache
def icon(name: str, theme: str = "") -> QIcon:
    """`resources/icons/<name>.svg`; falls back to the theme icon `theme`."""
    path = resources_dir() / "icons" / f"{name}.svg"
    if path.exists():
        return QIcon(str(path))
    return QIcon.fromTheme(theme) if theme else QIcon()


def status_icon(status: Status) -> QIcon:
    return icon(f"status-{status.value}")


def app_icon() -> QIcon:
    path = resources_dir() / "readinglist.svg"
    if path.exists():
        return QIcon(str(path))
    return QIcon.fromTheme("accessories-dictionary")
