"""The Linux desktop entry: installed into a temporary home, validated, removed again."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from readinglist import desktop
from readinglist.resources import APP_ID, resource_path

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="freedesktop entries are Linux-only"
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME with a Desktop folder; XDG variables pointed inside it."""
    home = tmp_path / "home"
    (home / "Desktop").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("XDG_DESKTOP_DIR", raising=False)
    return home


def _entry(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("["):
            key, value = line.split("=", 1)
            values[key] = value
    return values


def test_shipped_files_are_valid() -> None:
    entry = resource_path(f"{APP_ID}.desktop")
    assert "text/x-bibtex" in _entry(entry)["MimeType"]
    assert "application/x-research-info-systems" in _entry(entry)["MimeType"]
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    meta = resource_path(f"{APP_ID}.metainfo.xml")
    root = ET.parse(meta).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable") is not None
    assert root.find("launchable").text == f"{APP_ID}.desktop"  # type: ignore[union-attr]
    if shutil.which("appstreamcli"):
        done = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(meta)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
    ET.parse(resource_path(f"{APP_ID}.mime.xml"))  # well-formed


def test_install_writes_menu_entry_icons_metainfo_and_desktop_launcher(home: Path) -> None:
    message = desktop.install_desktop_entry()

    share = home / ".local" / "share"
    entry = share / "applications" / f"{APP_ID}.desktop"
    assert entry.is_file()
    assert str(entry) in message
    for size in desktop.ICON_SIZES:
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "mime" / "packages" / f"{APP_ID}.xml").is_file()

    launcher = home / "Desktop" / f"{APP_ID}.desktop"
    assert launcher.read_text() == entry.read_text()
    assert os.access(launcher, os.X_OK)

    values = _entry(entry)
    assert values["MimeType"] == "text/x-bibtex;application/x-research-info-systems;"
    assert values["Icon"] == APP_ID
    # The Exec line names a program that exists, and ends with the file-list field code
    argv = shlex.split(values["Exec"])
    assert argv[-1] == "%F"
    program = argv[0]
    assert shutil.which(program) is not None
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    if shutil.which("update-mime-database"):
        # the cache tool ran on our MIME package: RIS is now a known type for this user
        assert "application/x-research-info-systems" in (share / "mime" / "types").read_text()


def test_exec_line_starts_this_installation(home: Path) -> None:
    """Running the Exec command (without files) with --help reaches our own parser."""
    desktop.install_desktop_entry()
    values = _entry(home / ".local" / "share" / "applications" / f"{APP_ID}.desktop")
    argv = [a for a in shlex.split(values["Exec"]) if a != "%F"]
    done = subprocess.run(
        [*argv, "--help"], capture_output=True, text=True, cwd=home, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "--install-desktop-entry" in done.stdout


def test_uninstall_removes_everything_it_installed(home: Path) -> None:
    desktop.install_desktop_entry()
    share = home / ".local" / "share"
    message = desktop.uninstall_desktop_entry()
    assert "Removed" in message
    leftovers = [
        p for p in [*share.rglob(f"{APP_ID}*"), *(home / "Desktop").iterdir()] if p.is_file()
    ]
    assert leftovers == []
    assert "nothing to remove" in desktop.uninstall_desktop_entry()


def test_no_desktop_folder_means_no_launcher(home: Path) -> None:
    (home / "Desktop").rmdir()
    message = desktop.install_desktop_entry()
    assert not (home / "Desktop").exists()
    assert "Desktop" not in message


def test_missing_cache_tools_do_not_fail(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(home / "empty-bin"))  # no update-* tools, no xdg-user-dir
    message = desktop.install_desktop_entry()
    assert "Refreshed" not in message
    assert (home / ".local" / "share" / "applications" / f"{APP_ID}.desktop").is_file()
    # without xdg-user-dir, ~/Desktop is still found
    assert (home / "Desktop" / f"{APP_ID}.desktop").is_file()


@pytest.mark.parametrize(
    ("arg", "written"),
    [
        ("/usr/bin/readinglist", "/usr/bin/readinglist"),
        ("/opt/My Apps/ReadingList", '"/opt/My Apps/ReadingList"'),
        ('/a/"q"$x', r'"/a/\\"q\\"\\$x"'),
        ("/a/100%", "/a/100%%"),
    ],
)
def test_exec_quoting_follows_the_desktop_entry_rules(arg: str, written: str) -> None:
    assert desktop.exec_quote(arg) == written


def test_entry_text_drops_tryexec_for_env_commands() -> None:
    text = desktop.entry_text(["env", "PYTHONPATH=/x y", "/usr/bin/python3", "-m", "readinglist"])
    values = _entry_from_text(text)
    assert "TryExec" not in values
    assert values["Exec"] == 'env "PYTHONPATH=/x y" /usr/bin/python3 -m readinglist %F'
    text = desktop.entry_text(["/opt/ReadingList/ReadingList"])
    assert _entry_from_text(text)["TryExec"] == "/opt/ReadingList/ReadingList"


def _entry_from_text(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
