"""One single-worker executor for long work (import, export, index rebuild).

Work runs on a QThreadPool with one thread, so tasks queue instead of racing for the
database's write lock. Progress is throttled in the worker (an import reports every
record; the event loop must not drown in signals) and results come back by signal
to the UI thread. User errors (LibraryError) and cancellation go to the caller's
callbacks; anything else is a bug and goes to sys.excepthook (the crash handler).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from readinglist.domain import CancelFn, Cancelled, LibraryError, ProgressFn

Work = Callable[[ProgressFn, CancelFn], Any]
PROGRESS_INTERVAL = 0.05  # seconds between progress signals from the worker


@dataclass
class Task:
    title: str
    work: Work
    done: Callable[[Any], None]
    failed: Callable[[LibraryError], None] | None = None
    cancelled: Callable[[], None] | None = None
    cancel_flag: threading.Event = field(default_factory=threading.Event)


class _Bridge(QObject):
    """Lives in the UI thread; the worker emits, the UI thread receives (queued)."""

    progress = Signal(object, int, int)
    finished = Signal(object, object, object)  # task, result, error


class _Runnable(QRunnable):
    def __init__(self, task: Task, bridge: _Bridge) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._bridge = bridge
        self._last = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL or (total and done >= total):
            self._last = now
            self._bridge.progress.emit(self._task, done, total)

    def run(self) -> None:
        task = self._task
        try:
            if task.cancel_flag.is_set():
                raise Cancelled()
            result = task.work(self._progress, task.cancel_flag.is_set)
        except BaseException as exc:  # every outcome must reach the UI thread
            self._bridge.finished.emit(task, None, exc)
        else:
            self._bridge.finished.emit(task, result, None)


class TaskRunner(QObject):
    """Queue of long work on one thread; the window shows `progressed` and `busy`."""

    started = Signal(object)  # Task
    progressed = Signal(object, int, int)  # Task, done, total (0: unknown)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._bridge = _Bridge(self)
        self._bridge.progress.connect(self._on_progress)
        self._bridge.finished.connect(self._on_finished)
        self._queue: list[Task] = []  # submitted, not finished (the first one runs)
        # turns an error that is not a LibraryError but the environment's (a damaged
        # database met mid-read) into one for the task's `failed`; None: a bug
        self.translate_error: Callable[[BaseException], LibraryError | None] | None = None

    @property
    def busy(self) -> bool:
        return bool(self._queue)

    @property
    def current(self) -> Task | None:
        return self._queue[0] if self._queue else None

    def run(self, task: Task) -> Task:
        was_busy = self.busy
        self._queue.append(task)
        self._pool.start(_Runnable(task, self._bridge))
        if len(self._queue) == 1:
            self.started.emit(task)
        if not was_busy:
            self.busyChanged.emit(True)
        return task

    def cancel(self) -> None:
        """Ask every queued and running task to stop; the running one stops at its next check."""
        for task in self._queue:
            task.cancel_flag.set()

    def wait(self, msecs: int = -1) -> bool:
        return bool(self._pool.waitForDone(msecs))

    def _translated(self, error: BaseException) -> LibraryError | None:
        if self.translate_error is None or not isinstance(error, Exception):
            return None
        return self.translate_error(error)

    @Slot(object, int, int)
    def _on_progress(self, task: Task, done: int, total: int) -> None:
        if not task.cancel_flag.is_set():
            self.progressed.emit(task, done, total)

    @Slot(object, object, object)
    def _on_finished(self, task: Task, result: object, error: BaseException | None) -> None:
        if task in self._queue:
            self._queue.remove(task)
        if self._queue:
            self.started.emit(self._queue[0])
        else:
            self.busyChanged.emit(False)
        if error is None:
            task.done(result)
        elif isinstance(error, Cancelled):
            if task.cancelled is not None:
                task.cancelled()
        elif isinstance(error, LibraryError) and task.failed is not None:
            task.failed(error)
        elif (known := self._translated(error)) is not None and task.failed is not None:
            task.failed(known)
        else:
            sys.excepthook(type(error), error, error.__traceback__)
