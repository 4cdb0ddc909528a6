"""Applying a web answer (arXiv, DOI) to a paper already in the library.

An answer is merged exactly like a duplicate found by an import (db/merge.py):
empty fields are filled, a non-empty field is never overwritten, and where the
answer differs its value is kept in the paper's `conflicts_json` for the user to
review; `misc` gives way to a more specific type. The one difference: a web answer
brings no citation key of its own, so the paper's key is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..domain import PaperDraft
from .merge import merge_draft
from .models import Paper

__all__ = ["Completed", "complete_paper"]


@dataclass(frozen=True, slots=True)
class Completed:
    filled: tuple[str, ...] = ()  # fields the paper lacked and got ("authors", "year", ...)
    conflicts: tuple[str, ...] = ()  # fields kept although the answer differs


def _no_key(wanted: str, old: str) -> str:
    raise AssertionError("a completion never changes a citation key")


def complete_paper(s: Session, paper_id: int, draft: PaperDraft) -> Completed:
    """Merge `draft` into paper `paper_id` (nothing if it is gone meanwhile).

    Does not bump the change sequence: the caller does, once, for every paper changed.
    """
    p = s.get(Paper, paper_id)
    if p is None:
        return Completed()
    merged = merge_draft(p, draft, "", _no_key)
    return Completed(tuple(merged.filled), tuple(sorted(merged.conflicts)))
