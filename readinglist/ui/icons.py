"""Icons: our own SVGs from `resources/icons/`, a theme icon when the file is missing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap

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


# the sizes a list row asks for: 16 px, and 32 on a 2x screen
_STATUS_SIZES = (16, 24, 32, 48)


@cache
def status_icon(status: Status) -> QIcon:
    """The status mark of a list row, with a look of its own on a selected row.

    The blue unread dot vanished on a selected row (issue 11): the highlight is blue
    too, and the style tints a selected icon toward it. On a selected row the unread
    dot is drawn in the highlighted-text colour (white, as mail readers do), and the
    other marks sit on a disc of that colour, so each stands out from any highlight;
    the icon carries both looks, and the view picks by the row's state."""
    ring = _highlighted_text()
    if status == Status.UNREAD:
        return _with_selected_look(icon("status-unread"), lambda p: _recoloured(p, ring))
    return _with_selected_look(icon(f"status-{status.value}"), lambda p: _on_disc(p, ring))


@cache
def row_icon(name: str) -> QIcon:
    """`icon(name)` for a row of a list or tree: on a selected row it is drawn in the
    highlighted-text colour, where the grey outline would vanish into the highlight
    (the sidebar's tag, library and trash marks)."""
    light = _highlighted_text()
    return _with_selected_look(icon(name), lambda p: _recoloured(p, light))


def _highlighted_text() -> QColor:
    palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)


def _with_selected_look(source: QIcon, selected: Callable[[QPixmap], QPixmap]) -> QIcon:
    """`source` as it is, plus `selected(pixmap)` for a selected row, at each row size."""
    if source.isNull():
        return source
    out = QIcon()
    for size in _STATUS_SIZES:
        plain = source.pixmap(size, size)
        out.addPixmap(plain, QIcon.Mode.Normal)
        out.addPixmap(selected(plain), QIcon.Mode.Selected)
    return out


def _recoloured(mark: QPixmap, colour: QColor) -> QPixmap:
    """The mark's shape in one colour (its alpha kept)."""
    out = QPixmap(mark)
    painter = QPainter(out)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(out.rect(), colour)
    painter.end()
    return out


def _on_disc(mark: QPixmap, colour: QColor) -> QPixmap:
    size = mark.width()
    out = QPixmap(mark.size())
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    radius = size * 7.4 / 16  # the marks are at most 6/16 of the icon wide (radius)
    painter.drawEllipse(QPointF(size / 2, size / 2), radius, radius)
    painter.drawPixmap(0, 0, mark)
    painter.end()
    return out


def app_icon() -> QIcon:
    path = resources_dir() / "readinglist.svg"
    if path.exists():
        return QIcon(str(path))
    return QIcon.fromTheme("accessories-dictionary")
