"""The PyInstaller bundle: built from build_installer.spec, and it really works.

The build takes a minute or two and a few hundred MB of temp space, so that test is
marked `installer` and run on its own:

    .venv/bin/python -m pytest -m installer -s tests/test_installer.py

The spec's lists are also checked quickly (unmarked) so a renamed module shows up in
the ordinary test run.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "build_installer.spec"
APP = "ReadingList"


def _spec_list(name: str) -> list[str]:
    """A top-level `name = [...]` list of strings from the spec, read without running it."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(v) for v in value]
    raise AssertionError(f"{name} not found in {SPEC.name}")


def test_every_hidden_import_exists() -> None:
    missing = [m for m in _spec_list("hiddenimports") if importlib.util.find_spec(m) is None]
    assert missing == []


def test_excluded_modules_are_not_used_by_the_app() -> None:
    excluded = {m for m in _spec_list("excludes") if m.startswith("PySide6.")}
    used = set()
    for path in (REPO / "readinglist").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                used.add(node.module)
            elif isinstance(node, ast.Import):
                used.update(alias.name for alias in node.names)
    assert excluded & used == set()


def _bundle_size(folder: Path) -> tuple[int, int]:
    """(bytes on disk, bytes as .tar.gz) of the bundle folder."""
    raw = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    archive = folder.parent / f"{folder.name}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=folder.name)
    return raw, archive.stat().st_size


@pytest.mark.installer
def test_bundle_builds_and_passes_its_self_test(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    if not pyinstaller.exists():
        pytest.skip("PyInstaller is not installed in this environment")
    dist, work = tmp_path / "dist", tmp_path / "build"
    build = subprocess.run(
        [
            str(pyinstaller),
            str(SPEC),
            "--noconfirm",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=1800,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    exe = dist / APP / (f"{APP}.exe" if sys.platform == "win32" else APP)
    assert exe.is_file()

    home = tmp_path / "home"
    (home / "Desktop").mkdir(parents=True)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    env.pop("XDG_DESKTOP_DIR", None)
    # Run from elsewhere: the bundle must not lean on the checkout being the cwd.
    test = subprocess.run(
        [str(exe), "--self-test"], capture_output=True, text=True, cwd=home, env=env, timeout=600
    )
    assert test.returncode == 0, test.stdout + test.stderr
    assert "(frozen)" in test.stdout
    assert test.stdout.rstrip().endswith("self-test passed")

    if sys.platform.startswith("linux"):
        # The frozen app installs a menu entry that starts the frozen app itself
        inst = subprocess.run(
            [str(exe), "--install-desktop-entry"],
            capture_output=True,
            text=True,
            cwd=home,
            env=env,
            timeout=120,
        )
        assert inst.returncode == 0, inst.stderr
        entry = (
            home / ".local" / "share" / "applications" / "io.github.readinglist.ReadingList.desktop"
        )
        lines = entry.read_text(encoding="utf-8").splitlines()
        assert f"Exec={exe.resolve()} %F" in lines
        assert f"TryExec={exe.resolve()}" in lines
        if shutil.which("desktop-file-validate"):
            check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True)
            assert check.returncode == 0, check.stdout

    raw, packed = _bundle_size(dist / APP)
    record_property("bundle_bytes", raw)
    record_property("bundle_tar_gz_bytes", packed)
    print(f"\nbundle {dist / APP}: {raw / 1e6:.0f} MB on disk, {packed / 1e6:.0f} MB as .tar.gz")
    print(test.stdout)
