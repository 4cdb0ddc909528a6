"""The status bar's permanent widgets: the running task with its progress and Cancel,
the search index's state, and the "N of M selected" count.

It follows the TaskRunner's signals itself and reacts to a `Changes` value like the
panes: papers added or removed mean the indexer has work (a note until its caught-up
signal). The window tells it the selection, the indexer's caught-up signal and the
change watch's 1 s tick (for the rebuild's numbers).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from readinglist.domain import Changes, Counts
from readinglist.library import Library

from .tasks import Task, TaskRunner


class StatusBarWidgets:
    def __init__(
        self, bar: QStatusBar, tasks: TaskRunner, library: Library, parent: QWidget
    ) -> None:
        self._library = library
        self._index_behind = False  # our own write waits for the indexer
        self._papers = 0  # in the library and the Trash: a rebuild indexes them all
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

    def show_counts(self, counts: Counts) -> None:
        self._papers = counts.total + counts.trash

    def on_changes(self, changes: Changes) -> None:
        if changes.rows:
            # the indexer follows on its thread; its caught-up signal clears this
            self._index_behind = self._library.background is not None
            self.show_index_state()

    def on_index_caught_up(self) -> None:
        self._index_behind = False
        self.show_index_state()

    def show_index_state(self) -> None:
        """The index label: numbers while the indexer reports them, a plain note after
        our own write until the caught-up signal (or, when another process indexed the
        papers first and the signal never comes, until the index says it is current)."""
        progress = self._index_progress()
        if progress is None and self._index_behind and self._library.index_status() is False:
            self._index_behind = False
        behind = progress is not None or self._index_behind
        self.index_label.setText(self._index_text() if behind else "")

    def _index_progress(self) -> tuple[int, int] | None:
        background = self._library.background
        progress = background.progress if background is not None else None
        if progress is None or progress[1] <= 0:
            return None
        # every paper in and the index current: searchable, though the child may still
        # merge segments (its progress stays at done == total until it exits)
        if progress[0] >= progress[1] and self._library.index_status() is False:
            return None
        return progress

    def _index_text(self) -> str:
        """With numbers while the background indexer reports them (a rebuild after a
        crash takes minutes at 100k papers)."""
        progress = self._index_progress()
        if progress is None:
            return "Search index catching up…"
        done, total = progress
        # every paper from the start is a rebuild (a missing or damaged index)
        what = (
            "Rebuilding the search index" if total >= self._papers else "Updating the search index"
        )
        return f"{what}: {min(done, total):,} of {total:,} papers"

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
