"""`readinglist --self-test` passes on this checkout, and names what broke when it fails."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from readinglist import selftest
from readinglist.domain import SourceFormat

REPO = Path(__file__).resolve().parent.parent


def test_self_test_passes_as_a_real_command(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "readinglist", "--self-test"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name, _ in selftest.STEPS:
        assert any(line.startswith(f"ok   {name}:") for line in lines), done.stdout
    assert lines[-1] == "self-test passed"


def test_every_importer_has_a_bundled_example() -> None:
    assert {fmt for _, fmt, _ in selftest.EXAMPLES} == set(SourceFormat)


def test_a_broken_step_is_named_and_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = (*selftest.EXAMPLES, ("missing.ris", SourceFormat.RIS, 1))
    monkeypatch.setattr(selftest, "EXAMPLES", broken)
    # only the steps that need no Qt: the import step is the one under test
    monkeypatch.setattr(selftest, "STEPS", selftest.STEPS[:3])
    lines: list[str] = []
    assert selftest.run_self_test(lines.append) == 1
    assert any(line.startswith("FAIL import:") and "missing.ris" in line for line in lines)
    assert any(line.startswith("ok   library:") for line in lines)
    assert lines[-1] == "self-test FAILED: import"


def test_the_temporary_library_is_removed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    monkeypatch.setattr(selftest, "STEPS", selftest.STEPS[:2])
    assert selftest.run_self_test(lambda _line: None) == 0
    assert list(tmp_path.iterdir()) == []
