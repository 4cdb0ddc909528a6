"""The crash handler logs a bug's trace to the library folder and shows a dialog."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from readinglist.ui.crash import install_crash_handler, open_crash_dialogs


@pytest.fixture
def restore_hooks() -> Iterator[None]:
    saved = sys.excepthook, threading.excepthook
    yield
    sys.excepthook, threading.excepthook = saved


def _boom() -> None:
    raise ZeroDivisionError("synthetic bug for the crash-handler test")


def test_excepthook_logs_and_shows_a_dialog(
    qtbot: QtBot, tmp_path: Path, restore_hooks: None
) -> None:
    install_crash_handler(tmp_path)
    try:
        _boom()
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    log = (tmp_path / "crash.log").read_text("utf-8")
    assert "ZeroDivisionError: synthetic bug" in log
    assert "_boom" in log  # the whole trace, not only the message
    assert log.startswith("=== ")
    boxes = open_crash_dialogs()
    assert len(boxes) == 1
    assert boxes[0].isVisible()
    assert str(tmp_path / "crash.log") in boxes[0].text()
    boxes[0].close()
    qtbot.waitUntil(lambda: not open_crash_dialogs())


def test_thread_exceptions_are_logged_too(
    qtbot: QtBot, tmp_path: Path, restore_hooks: None
) -> None:
    install_crash_handler(tmp_path)
    t = threading.Thread(target=_boom, name="worker-x")
    t.start()
    t.join()
    log = (tmp_path / "crash.log").read_text("utf-8")
    assert "in thread worker-x" in log and "ZeroDivisionError" in log
    qtbot.waitUntil(lambda: len(open_crash_dialogs()) == 1)  # shown from the UI thread
    open_crash_dialogs()[0].close()
    qtbot.waitUntil(lambda: not open_crash_dialogs())
    # a second crash appends, never overwrites
    install_crash_handler(tmp_path)
    try:
        _boom()
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert (tmp_path / "crash.log").read_text("utf-8").count("=== ") == 2
    for box in open_crash_dialogs():
        box.close()
