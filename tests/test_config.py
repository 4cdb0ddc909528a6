"""Preferences: defaults, the settings file, the environment, and bad values ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.config import Config, load_config


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.json") == Config()


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "settings.json"
    f.write_text(json.dumps({"max_import_mb": 7, "backups_kept": 3}), encoding="utf-8")
    monkeypatch.setenv("READINGLIST_BACKUPS_KEPT", "5")
    cfg = load_config(f)
    assert (cfg.max_import_mb, cfg.backups_kept) == (7, 5)


def test_bad_values_and_a_broken_file_fall_back_to_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "settings.json"
    f.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("READINGLIST_MAX_IMPORT_MB", "lots")
    monkeypatch.setenv("READINGLIST_BACKUPS_KEPT", "-2")
    assert load_config(f) == Config()
