"""resource_path finds shipped files in a checkout and inside a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from readinglist.resources import APP_ID, is_frozen, resource_path


def test_checkout_resources_exist() -> None:
    assert not is_frozen()
    for parts in (
        ("readinglist.svg",),
        (f"{APP_ID}.desktop",),
        (f"{APP_ID}.metainfo.xml",),
        ("appicon", "readinglist-256.png"),
        ("examples", "example.bib"),
    ):
        assert resource_path(*parts).is_file(), parts


def test_bundle_resources_come_from_meipass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert resource_path("examples", "example.bib") == tmp_path / "resources" / "examples" / (
        "example.bib"
    )
    assert is_frozen()
