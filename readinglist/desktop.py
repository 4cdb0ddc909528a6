"""Linux desktop integration: put ReadingList in the user's menu and on the desktop.

`readinglist --install-desktop-entry` copies the freedesktop files shipped in
`resources/` into the user's XDG folders (no root needed):

    $XDG_DATA_HOME/applications/<APP_ID>.desktop      menu entry, declares BibTeX/RIS
    $XDG_DATA_HOME/icons/hicolor/<N>x<N>/apps/<APP_ID>.png  and scalable/apps/<APP_ID>.svg
    $XDG_DATA_HOME/metainfo/<APP_ID>.metainfo.xml     AppStream (software centres)
    $XDG_DATA_HOME/mime/packages/<APP_ID>.xml         the RIS MIME type
    $XDG_DESKTOP_DIR/<APP_ID>.desktop                 a launcher on the desktop

The Exec line is rewritten to the command that started us (the frozen executable,
the installed `readinglist` script, or this Python with `-m readinglist`), so the
entry works from a bundle, a venv or a checkout alike. The cache tools
(update-desktop-database, update-mime-database, gtk-update-icon-cache) run when
present; their absence or failure never makes the install fail.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .resources import APP_ID, is_frozen, resource_path

ICON_SIZES = (16, 32, 48, 64, 128, 256)
DESKTOP_FILE = f"{APP_ID}.desktop"
_TOOL_TIMEOUT_S = 30


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share (the spec ignores relative values)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def desktop_dir() -> Path | None:
    """The user's desktop folder if there is one; never created here.

    xdg-user-dir answers from ~/.config/user-dirs.dirs (localised names such as
    ~/Schreibtisch); it prints $HOME itself when the desktop is disabled.
    """
    home = Path.home()
    found: Path | None = None
    tool = shutil.which("xdg-user-dir")
    if tool is not None:
        try:
            out = subprocess.run(
                [tool, "DESKTOP"], capture_output=True, text=True, timeout=_TOOL_TIMEOUT_S
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            found = Path(out)
    if found is None:
        found = home / "Desktop"
    if found.resolve() == home.resolve() or not found.is_dir():
        return None
    return found


def launch_command() -> list[str]:
    """The program and arguments that start this installation of ReadingList."""
    if is_frozen():
        return [str(Path(sys.executable).resolve())]
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name in ("readinglist", "readinglist-gui"):
        found = shutil.which(str(argv0))
        if found is not None:
            return [str(Path(found).resolve())]
    on_path = shutil.which("readinglist")
    if on_path is not None:
        return [str(Path(on_path).resolve())]
    # A checkout that was never pip-installed: run the package with this Python, and
    # tell it where the package is (the menu starts programs from $HOME).
    # not resolve(): a venv's python is a symlink, and following it loses the venv
    python = str(Path(sys.executable).absolute())
    package_parent = str(Path(__file__).resolve().parent.parent)
    return ["env", f"PYTHONPATH={package_parent}", python, "-m", "readinglist"]


_EXEC_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


def exec_quote(arg: str) -> str:
    """One Exec argument, quoted by the Desktop Entry rules when it needs it.

    Inside double quotes `"`, backquote, `$` and backslash are backslash-escaped; the
    value is then a desktop-file string, where each backslash is written twice. A
    literal `%` is always written `%%` (field codes).
    """
    arg = arg.replace("%", "%%")
    if _EXEC_RESERVED.search(arg) is None and arg:
        return arg
    inner = re.sub(r'(["`$\\])', r"\\\1", arg)
    return '"' + inner.replace("\\", "\\\\") + '"'


def exec_line(command: Sequence[str]) -> str:
    return " ".join(exec_quote(a) for a in command) + " %F"


def entry_text(command: Sequence[str]) -> str:
    """The shipped .desktop file with Exec (and TryExec) pointing at `command`."""
    lines = []
    for line in resource_path(DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + exec_line(command)
        elif line.startswith("TryExec="):
            # TryExec takes a bare program: only kept when the command is one file
            if command[0] == "env" or not Path(command[0]).is_absolute():
                continue
            line = "TryExec=" + command[0]
        lines.append(line)
    return "\n".join(lines) + "\n"


def _targets(base: Path) -> dict[Path, Path]:
    """Installed path -> shipped source, for everything except the desktop launcher."""
    icons = base / "icons" / "hicolor"
    out = {
        base / "applications" / DESKTOP_FILE: resource_path(DESKTOP_FILE),
        icons / "scalable" / "apps" / f"{APP_ID}.svg": resource_path("readinglist.svg"),
        base / "metainfo" / f"{APP_ID}.metainfo.xml": resource_path(f"{APP_ID}.metainfo.xml"),
        base / "mime" / "packages" / f"{APP_ID}.xml": resource_path(f"{APP_ID}.mime.xml"),
    }
    for size in ICON_SIZES:
        target = icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        out[target] = resource_path("appicon", f"readinglist-{size}.png")
    return out


def _run_quietly(args: list[str]) -> bool:
    """Run a cache tool if it exists; True when it ran and succeeded."""
    tool = shutil.which(args[0])
    if tool is None:
        return False
    try:
        done = subprocess.run(
            [tool, *args[1:]], capture_output=True, timeout=_TOOL_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _refresh_caches(base: Path) -> list[str]:
    """Tell the desktop about the new files; returns the tools that ran."""
    ran = []
    steps = [
        ["update-desktop-database", "-q", str(base / "applications")],
        ["update-mime-database", str(base / "mime")],
        # -t: our user hicolor folder has no index.theme of its own
        ["gtk-update-icon-cache", "-q", "-f", "-t", str(base / "icons" / "hicolor")],
    ]
    for args in steps:
        if Path(args[-1]).is_dir() and _run_quietly(args):
            ran.append(args[0])
    return ran


def _mark_trusted(launcher: Path) -> None:
    """GNOME asks before running an untrusted desktop launcher; vouch for ours."""
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    _run_quietly(["gio", "set", str(launcher), "metadata::trusted", "true"])


def _not_linux() -> str | None:
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return None
    return (
        "desktop entries are a Linux (freedesktop) feature; on Windows and macOS the "
        "installer bundle provides the start-menu / Applications entry"
    )


def install_desktop_entry(base: Path | None = None) -> str:
    """Install menu entry, icons, metainfo and MIME types; returns what was written."""
    other = _not_linux()
    if other is not None:
        return other
    base = data_home() if base is None else base
    command = launch_command()
    written: list[Path] = []
    for target, source in _targets(base).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.name == DESKTOP_FILE:
            target.write_text(entry_text(command), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    desk = desktop_dir()
    if desk is not None:
        launcher = desk / DESKTOP_FILE
        launcher.write_text(entry_text(command), encoding="utf-8")
        _mark_trusted(launcher)
        written.append(launcher)
    ran = _refresh_caches(base)
    lines = ["Installed the ReadingList desktop entry:", *(f"  {p}" for p in written)]
    lines.append(f"It starts: {exec_line(command)}")
    if ran:
        lines.append(f"Refreshed: {', '.join(ran)}")
    return "\n".join(lines)


def uninstall_desktop_entry(base: Path | None = None) -> str:
    """Remove what install_desktop_entry wrote; returns what was removed."""
    other = _not_linux()
    if other is not None:
        return other
    base = data_home() if base is None else base
    candidates = list(_targets(base))
    desk = desktop_dir()
    if desk is not None:
        candidates.append(desk / DESKTOP_FILE)
    removed = []
    for path in candidates:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    if not removed:
        return "No ReadingList desktop entry was installed; nothing to remove."
    ran = _refresh_caches(base)
    lines = ["Removed the ReadingList desktop entry:", *(f"  {p}" for p in removed)]
    if ran:
        lines.append(f"Refreshed: {', '.join(ran)}")
    return "\n".join(lines)
