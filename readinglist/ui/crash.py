"""The crash handler: bugs are logged to the library folder and shown, never silent.

Installed before the QApplication exists (ARCHITECTURE rule 6). User errors never
get here: they are LibraryErrors, shown where they happen.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)

LOG_NAME = "crash.log"


def write_crash_log(
    log_dir: Path,
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    where: str = "",
) -> Path:
    """Append the trace with a timestamp; returns the log file's path."""
    path = Path(log_dir) / LOG_NAME
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    header = f"=== {stamp}{f' in thread {where}' if where else ''} ===\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(header + text + "\n")
    except OSError:  # nowhere to write: at least the terminal shows it
        if sys.__stderr__ is not None:
            sys.__stderr__.write(header + text)
    return path


def _show_dialog(path: Path, exc: BaseException) -> None:
    """A short dialog, if a QApplication exists; from another thread, via the UI thread."""
    from PySide6.QtCore import QThread, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance()
    if app is None:
        return

    def show() -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "ReadingList hit a bug",
            f"ReadingList hit a bug and this action did not finish.\n\n"
            f"{type(exc).__name__}: {exc}\n\n"
            f"The details were written to {path}. Your library is safe; "
            "please include that file when reporting the problem.",
        )
        box.setModal(True)
        box.show()
        _open_boxes.append(box)
        box.finished.connect(lambda _r: _forget(box))

    if QThread.currentThread() is app.thread():
        show()
    else:
        QTimer.singleShot(0, app, show)


_open_boxes: list[Any] = []  # open crash dialogs (kept alive; tests look at them)


def _forget(box: object) -> None:
    if box in _open_boxes:
        _open_boxes.remove(box)


def open_crash_dialogs() -> list[Any]:
    return list(_open_boxes)


def install_crash_handler(log_dir: Path) -> None:
    """sys.excepthook and threading.excepthook that log to `log_dir/crash.log`."""
    log_dir = Path(log_dir)

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        path = write_crash_log(log_dir, exc_type, exc, tb)
        log.error("unhandled exception, written to %s", path, exc_info=(exc_type, exc, tb))
        try:
            _show_dialog(path, exc)
        except Exception:  # the handler itself must never raise
            log.exception("could not show the crash dialog")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        where = args.thread.name if args.thread is not None else ""
        path = write_crash_log(log_dir, args.exc_type, args.exc_value, args.exc_traceback, where)
        log.error("unhandled exception in thread %s, written to %s", where, path)
        try:
            _show_dialog(path, args.exc_value)
        except Exception:
            log.exception("could not show the crash dialog")

    sys.excepthook = hook
    threading.excepthook = thread_hook
