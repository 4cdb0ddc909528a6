"""The status bar's permanent widgets: the running task with its progress and Cancel,
the search index's state, and the "N of M selected" count.

It follows the TaskRunner's signals itself; the window only tells it the index state
(from the indexer's caught-up signal and the change watch's tick) and the selection.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from .tasks import Task, TaskRunner


class StatusBarWidgets:
    def __init__(self, bar: QStatusBar, tasks: TaskRunner, parent: QWidget) -> None:
        self.selection_label = QLabel(parent)
        self.index_label = QLabel(parent)
        self.task_label = QLabel(parent)
        self.progress = QProgressBar(parent)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QToolButton(parent)
        self.cancel_button.setText("Cancel")
        self.cancel_button.clicked.connect(tasks.cancel)
        for w in self._task_widgets():
            w.hide()
        for w in (
            self.task_label,
            self.progress,
            self.cancel_button,
            self.index_label,
            self.selection_label,
        ):
            bar.addPermanentWidget(w)
        tasks.started.connect(self._on_task_started)
        tasks.progressed.connect(self._on_task_progress)
        tasks.busyChanged.connect(self._on_busy)

    def _task_widgets(self) -> tuple[QWidget, ...]:
        return (self.task_label, self.progress, self.cancel_button)

    def show_selection(self, selected: int, total: int) -> None:
        self.selection_label.setText(f"{selected:,} of {total:,} selected" if selected > 1 else "")

    def show_index(self, text: str) -> None:
        self.index_label.setText(text)

    def _on_task_started(self, task: Task) -> None:
        self.task_label.setText(task.title)
        self.progress.setRange(0, 0)
        for w in self._task_widgets():
            w.show()

    def _on_task_progress(self, task: Task, done: int, total: int) -> None:
        if total > 0:
            self.progress.setFormat(f"%v of {total:,}")  # papers or records, not percent
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)

    def _on_busy(self, busy: bool) -> None:
        if not busy:
            for w in self._task_widgets():
                w.hide()
