"""Applying a web answer (arXiv, DOI) to a paper already in the library.

An answer is merged exactly like a duplicate found by an import (db/merge.py):
empty fields are filled, a non-empty field is never overwritten, and where the
answer differs its value is kept in the paper's `conflicts_json` for the user to
review; `misc` gives way to a more specific type. A web answer brings no citation
key of its own: a key the user typed, pinned, exported or copied (or the file's own)
never changes; only a key generated from the title alone is made again from the
authors and year the answer brought (`maskgitmaskedgenerative` -> `chang2022maskgit`),
with a suffix when another paper has that key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain import PaperDraft
from ..formats.citekey import key_suffixes
from .merge import merge_draft
from .models import Paper
from .store import next_seq

__all__ = ["Completed", "complete_paper", "complete_papers"]


@dataclass(frozen=True, slots=True)
class Completed:
    filled: tuple[str, ...] = ()  # fields the paper lacked and got ("authors", "year", ...)
    conflicts: tuple[str, ...] = ()  # fields kept although the answer differs


def _free_key(s: Session, paper_id: int, wanted: str) -> str:
    """`wanted`, or with a suffix a, b, ... when another paper has it already."""

    def taken(key: str) -> bool:
        holder = s.scalar(
            select(Paper.id).where(func.lower(Paper.citation_key) == key.casefold()).limit(1)
        )
        return holder is not None and holder != paper_id

    if not taken(wanted):
        return wanted
    return next(wanted + x for x in key_suffixes() if not taken(wanted + x))


def complete_paper(s: Session, paper_id: int, draft: PaperDraft) -> Completed:
    """Merge `draft` into paper `paper_id` (nothing if it is gone meanwhile).

    Does not bump the change sequence: the caller does, once, for every paper changed.
    """
    p = s.get(Paper, paper_id)
    if p is None:
        return Completed()
    s.flush()  # keys given earlier in this transaction count as taken
    merged = merge_draft(p, draft, "", lambda wanted, old: _free_key(s, paper_id, wanted))
    return Completed(tuple(merged.filled), tuple(sorted(merged.conflicts)))


def complete_papers(
    s: Session, answers: Mapping[int, PaperDraft]
) -> tuple[dict[int, tuple[str, ...]], dict[int, tuple[str, ...]], list[int]]:
    """`complete_paper` for each answer: (fields filled, fields in conflict, papers
    left unchanged), each by paper id. The changed papers share one change number."""
    filled: dict[int, tuple[str, ...]] = {}
    conflicts: dict[int, tuple[str, ...]] = {}
    unchanged: list[int] = []
    seq: int | None = None
    for pid, draft in answers.items():
        done = complete_paper(s, pid, draft)
        if done.filled:
            filled[pid] = done.filled
        if done.conflicts:
            conflicts[pid] = done.conflicts
        if not (done.filled or done.conflicts):
            unchanged.append(pid)
            continue
        seq = next_seq(s) if seq is None else seq
        paper = s.get(Paper, pid)
        if paper is not None:
            paper.change_seq = seq
    return filled, conflicts, unchanged
