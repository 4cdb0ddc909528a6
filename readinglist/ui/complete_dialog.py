"""What "Complete from arXiv / DOI" did, and the title matches to pick from.

The summary is plain words (the CLI's lines); a title search that found similar but
not equal titles lists them per paper, with "none of these" first: picking one
applies that arXiv id and completes the paper again (the window does that).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from readinglist.domain import UNTITLED, CompletionReport
from readinglist.library import summary_lines

NONE_OF_THESE = "None of these"


CONFLICTS_NAMED = 10  # papers named by title in the "fields differ" line


def completion_lines(report: CompletionReport, titles: Mapping[int, str] = {}) -> list[str]:
    """The summary in plain words, one line each; papers whose fields differ are
    named by title (the CLI's summary names ids)."""
    lines = summary_lines(report.filled, {})
    if report.conflicts:
        n = len(report.conflicts)
        ids = sorted(report.conflicts)
        named = "; ".join(f"“{titles.get(i) or UNTITLED}”" for i in ids[:CONFLICTS_NAMED])
        more = f" and {n - CONFLICTS_NAMED:,} more" if n > CONFLICTS_NAMED else ""
        lines.append(
            f"{n} paper{'s' * (n != 1)} kept fields the service gives differently "
            f"(the paper pane shows them for review): {named}{more}"
        )
    if report.unchanged:
        n = len(report.unchanged)
        lines.append(f"{n} paper{'s' * (n != 1)} answered with nothing new")
    sure = [i for i in report.not_found if i not in report.candidates]
    if sure:
        n = len(sure)
        lines.append(
            f"{n} paper{'s' * (n != 1)} not found for sure (no such paper, or no exact title)"
        )
    if report.candidates:
        n = len(report.candidates)
        lines.append(f"{n} paper{'s' * (n != 1)} with similar titles on arXiv: pick below")
    if report.cancelled:
        lines.append("stopped early; the answers received were applied")
    if not lines:
        lines.append("nothing to complete")
    return lines


def completion_status(report: CompletionReport) -> str:
    """One line for the status bar."""
    n = len(report.filled)
    text = f"Completed {n} paper{'s' * (n != 1)}"
    if report.conflicts:
        text += f", {len(report.conflicts)} with fields that differ"
    if report.problems:
        text += f"; {report.problems[0]}"
    elif report.cancelled:
        text += " (stopped early)"
    return text + "."


class CompletionDialog(QDialog):
    """The summary, the problems, and one candidate list per unsure title match."""

    def __init__(
        self,
        report: CompletionReport,
        titles: Mapping[int, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Completion finished")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        head = QLabel(completion_status(report).removesuffix("."), self)
        font = head.font()
        font.setBold(True)
        head.setFont(font)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.summary = QLabel("\n".join(completion_lines(report, titles)), self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # titles are imported text
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.problems = QLabel("\n".join(report.problems), self)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #a33;")
        self.problems.setVisible(bool(report.problems))
        layout.addWidget(self.problems)

        # one combo per paper: "None of these" first, so OK alone changes nothing
        self.choices: dict[int, QComboBox] = {}
        if report.candidates:
            intro = QLabel("arXiv has similar titles. Pick the paper it is, if any:", self)
            intro.setWordWrap(True)
            layout.addWidget(intro)
            form = QFormLayout()
            for pid, candidates in report.candidates.items():
                combo = QComboBox(self)
                combo.addItem(NONE_OF_THESE, "")
                for c in candidates:
                    year = c.year if c.year is not None else "----"
                    text = f"arXiv:{c.arxiv_id}  {year}  {c.title} ({c.authors})"
                    combo.addItem(text, c.arxiv_id)
                policy = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                combo.setSizeAdjustPolicy(policy)
                combo.setMinimumContentsLength(40)
                label = QLabel(titles.get(pid) or UNTITLED, self)
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setWordWrap(True)
                label.setMaximumWidth(260)
                form.addRow(label, combo)
                self.choices[pid] = combo
            layout.addLayout(form)
            ok = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        else:
            ok = QDialogButtonBox.StandardButton.Ok
        buttons = QDialogButtonBox(ok, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons

    def picked(self) -> dict[int, str]:
        """paper id -> the arXiv id the user picked (papers left at "None" are absent)."""
        return {pid: str(c.currentData()) for pid, c in self.choices.items() if c.currentData()}
