"""Applying a web answer (arXiv, DOI) to a paper already in the library.

The rule is the merge rule of issue 9, for one paper and one draft: an empty field
is filled; a non-empty field is never overwritten, and where the answer differs
(beyond case, accents, punctuation and spacing) the answer's value is recorded in
the paper's `conflicts_json` for the user to review. `misc` is the "don't know"
entry type: a more specific one replaces it. The citation key is never touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..domain import PaperDraft
from ..text import find_links, fold, normalise_arxiv_id, normalise_doi, normalise_title
from .convert import authors_from_json, authors_to_json, extra_to_json, short_authors
from .models import Paper

__all__ = ["Completed", "complete_paper"]

_TEXT_FIELDS = ("title", "abstract", "venue", "url")


@dataclass(frozen=True, slots=True)
class Completed:
    filled: tuple[str, ...] = ()  # fields the paper lacked and got
    conflicts: tuple[str, ...] = ()  # fields kept although the answer differs


def _same_text(a: str, b: str) -> bool:
    return normalise_title(a) == normalise_title(b)


def complete_paper(s: Session, paper_id: int, draft: PaperDraft) -> Completed:
    """Fill `paper_id`'s empty fields from `draft`; record differing ones as conflicts.

    Does not bump the change sequence: the caller does, once, for every paper changed.
    """
    p = s.get(Paper, paper_id)
    if p is None:
        return Completed()
    filled: list[str] = []
    conflicts: dict[str, str] = {}

    for name in _TEXT_FIELDS:
        new = getattr(draft, name).strip()
        old = getattr(p, name)
        if not new:
            continue
        if not old.strip():
            setattr(p, name, new)
            filled.append(name)
        elif not _same_text(old, new):
            conflicts[name] = new
    if "abstract" in filled and p.links_json in ("", "[]"):
        p.links_json = json.dumps(list(find_links(p.abstract)), ensure_ascii=False)
    if "title" in filled:
        p.title_key = normalise_title(p.title)

    if draft.doi:
        if not p.doi:
            p.doi, p.doi_key = draft.doi, normalise_doi(draft.doi)
            filled.append("doi")
        elif normalise_doi(p.doi) != normalise_doi(draft.doi):
            conflicts["doi"] = draft.doi
    if draft.arxiv_id:
        new_id = normalise_arxiv_id(draft.arxiv_id)
        if not p.arxiv_id:
            p.arxiv_id = new_id
            filled.append("arxiv_id")
        elif normalise_arxiv_id(p.arxiv_id) != new_id:
            conflicts["arxiv_id"] = new_id

    if draft.year is not None:
        if p.year is None:
            p.year = draft.year
            filled.append("year")
        elif p.year != draft.year:
            conflicts["year"] = str(draft.year)

    if draft.authors:
        old_authors = authors_from_json(p.authors_json)
        if not old_authors:
            p.authors_json = authors_to_json(draft.authors)
            p.authors_short = short_authors(draft.authors)
            filled.append("authors")
        elif [fold(a.family) for a in old_authors] != [fold(a.family) for a in draft.authors]:
            conflicts["authors"] = " and ".join(a.display for a in draft.authors)

    new_type = (draft.entry_type or "").lower()
    if new_type and new_type != "misc" and p.entry_type in ("", "misc"):
        p.entry_type = new_type
        filled.append("entry_type")

    extra = json.loads(p.extra_json or "{}")
    missing = {k: v for k, v in draft.extra.items() if v and k not in extra}
    if missing:
        extra.update(missing)
        p.extra_json = extra_to_json(extra)
        filled.extend(sorted(missing))

    # the latest answer is what the user reviews; other recorded conflicts stay
    recorded = json.loads(p.conflicts_json or "{}")
    new_conflicts = {k: v for k, v in conflicts.items() if recorded.get(k) != v}
    if new_conflicts:
        recorded.update(new_conflicts)
        p.conflicts_json = json.dumps(recorded, ensure_ascii=False, sort_keys=True)
    labels = sorted((_LABELS.get(n, n) for n in filled), key=_order)
    return Completed(tuple(labels), tuple(sorted(conflicts)))


# How a summary names and orders what was filled: who, when, where first.
_LABELS = {"doi": "DOI", "arxiv_id": "arXiv id", "url": "URL", "entry_type": "type"}
_ORDER = ("authors", "title", "year", "venue", "type", "DOI", "arXiv id", "URL", "abstract")


def _order(label: str) -> int:
    return _ORDER.index(label) if label in _ORDER else len(_ORDER)
