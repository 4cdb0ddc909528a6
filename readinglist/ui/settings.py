"""Window state kept across runs (QSettings), declared once with type and default.

This is window *state* (geometry, splitter, columns, sort, last filter and paper),
kept apart from preferences. The last filter and paper belong to one library: they
are kept per library folder, so a new library does not open on another's "Reading"
view showing nothing (issue 11), nor try to select another library's paper id.
The QSettings object is passed in, so tests hand the window an IniFormat file in
tmp_path and never touch the user's real settings.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt

ORGANISATION = "ReadingList"
APPLICATION = "ReadingList"


def default_settings() -> QSettings:
    """The user's settings file (an INI file: readable, and the same on every OS)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


class WindowState:
    """Typed accessors over one QSettings group."""

    GROUP = "window"

    def __init__(self, settings: QSettings, library: Path | None = None) -> None:
        self._s = settings
        self._library_group = library_group(library) if library is not None else self.GROUP

    def _get(self, key: str) -> object:
        return self._s.value(f"{self.GROUP}/{key}")

    def _set(self, key: str, value: object) -> None:
        self._s.setValue(f"{self.GROUP}/{key}", value)

    def _get_own(self, key: str) -> object:
        """A value of this library's own (the filter, the paper)."""
        return self._s.value(f"{self._library_group}/{key}")

    def _set_own(self, key: str, value: object) -> None:
        self._s.setValue(f"{self._library_group}/{key}", value)

    def _bytes(self, key: str) -> QByteArray | None:
        v = self._get(key)
        return v if isinstance(v, QByteArray) and not v.isEmpty() else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set("geometry", value)

    @property
    def splitter(self) -> QByteArray | None:
        return self._bytes("splitter")

    @splitter.setter
    def splitter(self, value: QByteArray) -> None:
        self._set("splitter", value)

    @property
    def header(self) -> QByteArray | None:
        return self._bytes("header")

    @header.setter
    def header(self, value: QByteArray) -> None:
        self._set("header", value)

    @property
    def sort(self) -> tuple[int, Qt.SortOrder]:
        """The user's chosen column sort (used whenever no search is active)."""
        column = _int(self._get("sort_column"), -1)
        order = _int(self._get("sort_order"), 0)
        return column, Qt.SortOrder.DescendingOrder if order else Qt.SortOrder.AscendingOrder

    @sort.setter
    def sort(self, value: tuple[int, Qt.SortOrder]) -> None:
        self._set("sort_column", value[0])
        self._set("sort_order", 1 if value[1] == Qt.SortOrder.DescendingOrder else 0)

    @property
    def sidebar(self) -> list[str]:
        """Keys of the selected sidebar nodes ("all", "status:read", "tag:x", "trash")."""
        v = self._get_own("sidebar")
        if isinstance(v, str):
            return [v] if v else []
        if isinstance(v, list):
            return [str(x) for x in v]
        return []

    @sidebar.setter
    def sidebar(self, keys: list[str]) -> None:
        self._set_own("sidebar", keys)

    @property
    def paper(self) -> int | None:
        v = _int(self._get_own("paper"), -1)
        return v if v >= 0 else None

    @paper.setter
    def paper(self, paper_id: int | None) -> None:
        self._set_own("paper", -1 if paper_id is None else paper_id)

    def sync(self) -> None:
        self._s.sync()


def library_group(folder: Path) -> str:
    """The settings group of one library: a short digest of its resolved folder (a
    path is no valid key: slashes would nest groups, and it may hold any character)."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogatepass"))
    return f"library-{digest.hexdigest()[:16]}"


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default
