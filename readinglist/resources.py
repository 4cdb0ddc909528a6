"""Where shipped files (icons, desktop entry, examples) are, in a checkout or a bundle.

A source checkout keeps them in `resources/` beside the package. A PyInstaller bundle
unpacks its data under `sys._MEIPASS` (build_installer.spec puts `resources/` there
under the same name), so code never builds these paths from `__file__` itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_ID = "io.github.readinglist.ReadingList"  # reverse-DNS id: desktop file, icon, metainfo


def resources_dir() -> Path:
    """The `resources` folder: inside the bundle when frozen, else in the checkout.

    A wheel that ships the folder inside the package (`readinglist/resources`) is
    found too; the checkout's folder is the answer when neither exists.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    here = Path(__file__).resolve().parent
    checkout, inside = here.parent / "resources", here / "resources"
    return inside if inside.is_dir() and not checkout.is_dir() else checkout


def resource_path(*parts: str) -> Path:
    """A file or folder under `resources/`, e.g. resource_path("examples", "example.bib").

    The path is returned whether or not it exists; callers that need the file check.
    """
    return resources_dir().joinpath(*parts)


def is_frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")
