"""Adding imported records inside one transaction: duplicates, gap filling, keys, tags."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..domain import CancelFn, Cancelled, PaperDraft, ProgressFn, Status
from ..text import find_links, normalise_arxiv_id, normalise_doi, normalise_title
from .convert import authors_to_json, extra_to_json, short_authors, tags_of
from .models import PAPER_TAGS, PAPERS, Paper
from .store import add_tags_to, next_seq, tag_ids

# New papers get a fresh change number every BATCH rows, so the index can record
# progress through a big import and resume there after a crash.
BATCH = 1000

KeyMaker = Callable[[PaperDraft, Callable[[str], bool]], str]


@dataclass
class ImportOutcome:
    added: list[int] = field(default_factory=list)
    duplicates: int = 0
    updated: list[int] = field(default_factory=list)


class _Known:
    """What the library already holds, keyed for duplicate lookups (loaded once)."""

    def __init__(self, s: Session) -> None:
        self.by_doi: dict[str, int] = {}
        self.by_arxiv: dict[str, int] = {}
        self.by_title: dict[str, int] = {}
        for pid, doi, arxiv, title in s.execute(
            select(Paper.id, Paper.doi_key, Paper.arxiv_id, Paper.title_key)
        ):
            self.remember(pid, doi, arxiv, title)
        self.keys: set[str] = set(s.scalars(select(Paper.citation_key)))

    def remember(self, pid: int, doi: str, arxiv: str, title: str) -> None:
        if doi:
            self.by_doi.setdefault(doi, pid)
        if arxiv:
            self.by_arxiv.setdefault(arxiv, pid)
        if title:
            self.by_title.setdefault(title, pid)

    def replace(self, placeholder: int, pid: int, doi: str, arxiv: str, title: str) -> None:
        for table, key in ((self.by_doi, doi), (self.by_arxiv, arxiv), (self.by_title, title)):
            if key and table.get(key) == placeholder:
                table[key] = pid

    def match(self, doi: str, arxiv: str, title: str) -> int | None:
        for table, key in ((self.by_doi, doi), (self.by_arxiv, arxiv), (self.by_title, title)):
            if key and key in table:
                return table[key]
        return None


# Fields a duplicate may fill when the paper already there lacks them.
_FILLABLE = ("abstract", "venue", "doi", "arxiv_id", "url")


def _fill_gaps(p: Paper, d: PaperDraft) -> bool:
    changed = False
    for name in _FILLABLE:
        new = getattr(d, name)
        if new and not getattr(p, name):
            setattr(p, name, new)
            changed = True
    if d.abstract and p.abstract == d.abstract and p.links_json == "[]":
        p.links_json = json.dumps(list(find_links(d.abstract)))
    if p.doi and not p.doi_key:
        p.doi_key = normalise_doi(p.doi)
    if d.year and p.year is None:
        p.year = d.year
        changed = True
    if d.authors and p.authors_json == "[]":
        p.authors_json = authors_to_json(d.authors)
        p.authors_short = short_authors(d.authors)
        changed = True
    extra = json.loads(p.extra_json or "{}")
    missing = {k: v for k, v in d.extra.items() if k not in extra and v}
    if missing:
        extra.update(missing)
        p.extra_json = extra_to_json(extra)
        changed = True
    return changed


def insert_drafts(
    s: Session,
    drafts: Sequence[tuple[PaperDraft, str]],
    tags: Sequence[str],
    now: datetime,
    make_key: KeyMaker,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> ImportOutcome:
    """Add (draft, source) pairs; duplicates fill gaps instead. Raises Cancelled."""
    known = _Known(s)
    out = ImportOutcome()
    pending: list[dict[str, object]] = []
    pending_tags: list[tuple[str, ...]] = []
    seq = next_seq(s)
    total = len(drafts)
    filled: set[int] = set()

    def flush() -> None:
        nonlocal seq
        if not pending:
            return
        rows = [{k: v for k, v in r.items() if k != "_placeholder"} for r in pending]
        # A plain executemany is much faster than INSERT..RETURNING batches. We hold the
        # write lock (BEGIN IMMEDIATE) and ids only grow (AUTOINCREMENT), so the new
        # rows are exactly the ids above the previous maximum, in insertion order.
        before = s.scalar(select(func.coalesce(func.max(Paper.id), 0))) or 0
        s.execute(insert(PAPERS), rows)
        ids = list(s.scalars(select(Paper.id).where(Paper.id > before).order_by(Paper.id)))
        if len(ids) != len(rows):
            raise RuntimeError("papers were added by someone else during an import")
        links: list[dict[str, int]] = []
        names = sorted({t for ts in pending_tags for t in ts}, key=str.casefold)
        tid = tag_ids(s, names, create=True)
        for pid, ts in zip(ids, pending_tags, strict=True):
            links.extend({"paper_id": pid, "tag_id": tid[t.casefold()]} for t in ts)
        if links:
            s.execute(insert(PAPER_TAGS).prefix_with("OR IGNORE"), links)
        out.added.extend(ids)
        for pid, row in zip(ids, pending, strict=True):
            placeholder = row.pop("_placeholder")
            assert isinstance(placeholder, int)
            known.replace(
                placeholder, pid, str(row["doi_key"]), str(row["arxiv_id"]), str(row["title_key"])
            )
        pending.clear()
        pending_tags.clear()
        seq = next_seq(s)

    for n, (draft, source) in enumerate(drafts, 1):
        if cancel is not None and cancel():
            raise Cancelled
        title_key = normalise_title(draft.title)
        doi_key = normalise_doi(draft.doi) if draft.doi else ""
        arxiv = normalise_arxiv_id(draft.arxiv_id) if draft.arxiv_id else ""
        existing = known.match(doi_key, arxiv, title_key)
        if existing is not None and existing < 0:
            flush()  # the twin is still pending: write it so its gaps can be filled
            existing = known.match(doi_key, arxiv, title_key)
        if existing is not None:
            out.duplicates += 1
            paper = s.get(Paper, existing)
            if paper is not None and _fill_gaps(paper, draft):
                paper.change_seq = seq
                filled.add(existing)
            if paper is not None and tags:
                add_tags_to(s, [existing], tags_of(tags))
                paper.change_seq = seq
                filled.add(existing)
            continue
        key = make_key(draft, lambda k: k in known.keys)
        known.keys.add(key)
        # remember at once so a twin later in this same batch is caught
        known.remember(-n, doi_key, arxiv, title_key)
        pending.append(
            {
                "title": draft.title,
                "title_key": title_key,
                "abstract": draft.abstract,
                "authors_json": authors_to_json(draft.authors),
                "authors_short": short_authors(draft.authors),
                "year": draft.year,
                "venue": draft.venue,
                "doi": draft.doi,
                "doi_key": doi_key,
                "arxiv_id": arxiv,
                "url": draft.url,
                "links_json": json.dumps(list(find_links(draft.abstract)), ensure_ascii=False),
                "entry_type": draft.entry_type or "misc",
                "citation_key": key,
                "status": Status.UNREAD.value,
                "added_at": now,
                "status_changed_at": now,
                "note": draft.note,
                "note_changed_at": now if draft.note else None,
                "source": source,
                "extra_json": extra_to_json(draft.extra),
                "trashed_at": None,
                "change_seq": seq,
                "_placeholder": -n,
            }
        )
        pending_tags.append(tags_of([*draft.tags, *tags]))
        if len(pending) >= BATCH:
            flush()
        if progress is not None and (n % 200 == 0 or n == total):
            progress(n, total)
    flush()
    out.updated = sorted(filled - set(out.added))
    return out
