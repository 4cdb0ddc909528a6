"""What the readers say about a record without a title (issue 9).

Such a record is still a record: it is imported with an empty title (lists show a
placeholder) and a warning, so it can be found by author, year or DOI and completed.
Only a record with nothing at all to go on is skipped.
"""

from __future__ import annotations

from readinglist.domain import PaperDraft, Problem


def untitled_problem(draft: PaperDraft, source: str, line: int, label: str) -> Problem | None:
    """The warning (or skip message) for `draft` if it has no title; None if it has one."""
    if draft.title.strip():
        return None
    if not draft.has_content:
        return Problem(
            source, line, f"{label}: no title, author, DOI, URL, year or abstract; skipped"
        )
    return Problem(source, line, f"{label}: no title; imported as [untitled]")
