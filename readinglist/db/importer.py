"""Adding imported records inside one transaction: duplicates, gap filling, keys, tags."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import count, product
from string import ascii_lowercase

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..domain import CancelFn, Cancelled, MergeNote, PaperDraft, Problem, ProgressFn
from ..text import find_links, normalise_arxiv_id, normalise_doi, normalise_title
from . import readings
from .convert import authors_to_json, extra_to_json, short_authors, tags_of
from .dialect import insert_ignoring
from .merge import Identity, doi_core, merge_draft, same_paper
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
    problems: list[Problem] = field(default_factory=list)
    merges: list[MergeNote] = field(default_factory=list)  # per paper that was already there
    reviewed: list[int] = field(default_factory=list)  # not updated, but conflicts changed


# A key the file gave is kept when it is one BibTeX, biber and \cite take as it is;
# others (CSL ids that are URLs, RIS reference numbers) get a generated key.
_FILE_KEY = re.compile(r"[A-Za-z0-9_:.+-]*[A-Za-z][A-Za-z0-9_:.+-]*")
MAX_FILE_KEY = 100


def usable_file_key(raw: str) -> str:
    key = raw.strip()
    return key if len(key) <= MAX_FILE_KEY and _FILE_KEY.fullmatch(key) else ""


def _suffixes() -> Iterator[str]:
    """a, b, ..., z, aa, ab, ... (the same sequence generated keys use)."""
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


class _Known:
    """What the library already holds, keyed for duplicate lookups (loaded once)."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.by_doi: dict[str, int] = {}
        self.by_arxiv: dict[str, int] = {}
        self.by_title: dict[str, list[int]] = {}
        # who each paper is, for telling same-titled papers apart (loaded when needed)
        self.identity: dict[int, Identity] = {}
        for pid, doi, arxiv, title in s.execute(
            select(Paper.id, Paper.doi_key, Paper.arxiv_id, Paper.title_key)
        ):
            self.remember(pid, doi, arxiv, title)
        # BibTeX compares keys without case, so clashes do too
        self.keys: set[str] = {k.casefold() for k in s.scalars(select(Paper.citation_key))}
        # untitled papers by key: the same file imported again finds them by it
        self.untitled: dict[str, int] = {
            key.casefold(): pid
            for pid, key in s.execute(
                select(Paper.id, Paper.citation_key).where(Paper.title_key == "")
            )
        }
        self.untitled_pending: dict[int, str] = {}  # placeholder -> its key in `untitled`
        self.key_titles: dict[str, str] = {}  # keys given in this import -> title

    def remember(self, pid: int, doi: str, arxiv: str, title: str) -> None:
        if doi:
            self.by_doi.setdefault(doi_core(doi), pid)
        if arxiv:
            self.by_arxiv.setdefault(arxiv, pid)
        if title:
            self.by_title.setdefault(title, []).append(pid)

    def replace(self, placeholder: int, pid: int, doi: str, arxiv: str, title: str) -> None:
        for table, key in ((self.by_doi, doi_core(doi)), (self.by_arxiv, arxiv)):
            if key and table.get(key) == placeholder:
                table[key] = pid
        untitled_key = self.untitled_pending.pop(placeholder, None)
        if untitled_key is not None:
            self.untitled[untitled_key] = pid
        ids = self.by_title.get(title, [])
        for n, other in enumerate(ids):
            if other == placeholder:
                ids[n] = pid
        if placeholder in self.identity:
            self.identity[pid] = self.identity.pop(placeholder)

    def _identity(self, pid: int) -> Identity:
        found = self.identity.get(pid)
        if found is None:
            row = self.s.execute(
                select(Paper.doi_key, Paper.arxiv_id, Paper.authors_json, Paper.year).where(
                    Paper.id == pid
                )
            ).one()
            found = self.identity[pid] = Identity.of_columns(*row)
        return found

    def match(
        self, doi: str, arxiv: str, title: str, who: Identity, file_key: str = ""
    ) -> int | None:
        """The paper this record is, if any: by DOI, by arXiv id, or by a title that
        nothing contradicts (merge.same_paper); an untitled one by its own key."""
        for table, key in ((self.by_doi, doi_core(doi) if doi else ""), (self.by_arxiv, arxiv)):
            if key and key in table:
                return table[key]
        if not title and file_key:
            pid = self.untitled.get(file_key.casefold())
            if pid is not None and same_paper(self._identity(pid), who):
                return pid
        for pid in self.by_title.get(title, []) if title else []:
            if same_paper(self._identity(pid), who):
                return pid
        return None

    def title_of(self, key: str) -> str:
        if key in self.key_titles:
            return self.key_titles[key]
        found = self.s.scalar(
            select(Paper.title).where(func.lower(Paper.citation_key) == key).limit(1)
        )
        return found or ""

    def claim(self, wanted: str) -> str:
        """`wanted`, or with a suffix a, b, ... when another paper has it already."""
        key = wanted
        if key.casefold() in self.keys:
            key = next(wanted + x for x in _suffixes() if (wanted + x).casefold() not in self.keys)
        self.keys.add(key.casefold())
        return key


def _clash(source: str, d: PaperDraft, wanted: str, got: str, holder: str) -> Problem:
    label = f"«{holder}»" if holder else "another paper"
    return Problem(source, d.line, f"key {wanted} already belongs to {label}; this record is {got}")


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
        rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in pending]
        # A plain executemany is much faster than INSERT..RETURNING batches. We hold the
        # write lock (BEGIN IMMEDIATE; PostgreSQL: the library's advisory write lock,
        # db/server.py) and ids only grow (AUTOINCREMENT; a PostgreSQL sequence), so
        # the new rows are exactly the ids above the previous maximum, in order.
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
            s.execute(insert_ignoring(s, PAPER_TAGS), links)
        notes = {pid: str(row["_note"]) for pid, row in zip(ids, pending, strict=True)}
        readings.upsert(s, readings.note_rows(notes, now), ("note", "note_changed_at"))
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

    merged: dict[int, tuple[dict[str, None], dict[str, None]]] = {}  # pid -> filled, conflicts
    reviewed: set[int] = set()  # papers whose recorded conflicts changed

    def claim_key(wanted: str, old: str, draft: PaperDraft, source: str) -> str:
        known.keys.discard(old.casefold())
        key = known.claim(wanted)
        if key != wanted:
            holder = known.title_of(wanted.casefold())
            out.problems.append(_clash(source, draft, wanted, key, holder))
        known.key_titles[key.casefold()] = draft.title
        return key

    for n, (draft, source) in enumerate(drafts, 1):
        if cancel is not None and cancel():
            raise Cancelled
        if progress is not None and (n % 200 == 0 or n == total):
            progress(n, total)
        if not draft.has_content:
            where = f"@{draft.entry_type}{{{draft.source_key}}}" if draft.source_key else "record"
            out.problems.append(
                Problem(
                    source,
                    draft.line,
                    f"{where}: no title, author, DOI, URL, year or abstract; skipped",
                )
            )
            continue
        title_key = normalise_title(draft.title)
        doi_key = normalise_doi(draft.doi) if draft.doi else ""
        arxiv = normalise_arxiv_id(draft.arxiv_id) if draft.arxiv_id else ""
        who = Identity.of_draft(draft)
        file_key = usable_file_key(draft.source_key)
        existing = known.match(doi_key, arxiv, title_key, who, file_key)
        if existing is not None and existing < 0:
            flush()  # the twin is still pending: write it so its gaps can be filled
            existing = known.match(doi_key, arxiv, title_key, who, file_key)
        if existing is not None:
            out.duplicates += 1
            paper = s.get(Paper, existing)
            if paper is None:
                continue
            done = merge_draft(
                paper, draft, file_key, partial(claim_key, draft=draft, source=source)
            )
            if done.filled:
                paper.change_seq = seq
                filled.add(existing)
                known.identity[existing] = Identity.of_paper(paper)
                # what it gained (a DOI, a title for an untitled one) finds it from now on
                title = paper.title_key if "title" in done.filled else ""
                known.remember(existing, paper.doi_key, paper.arxiv_id, title)
            if done.review_changed:
                paper.change_seq = seq  # other windows show the new review line too
                reviewed.add(existing)
            if done.filled or done.conflicts:
                names, disputed = merged.setdefault(existing, ({}, {}))
                names.update(dict.fromkeys(done.filled))
                disputed.update(dict.fromkeys(done.conflicts))
            if tags:
                add_tags_to(s, [existing], tags_of(tags))
                paper.change_seq = seq
                filled.add(existing)
            continue
        if file_key:
            key = claim_key(file_key, "", draft, source)
            origin = "file"
        else:
            key = make_key(draft, lambda k: k.casefold() in known.keys)
            known.keys.add(key.casefold())
            known.key_titles[key.casefold()] = draft.title
            origin = "generated"
        # remember at once so a twin later in this same batch is caught
        known.remember(-n, doi_key, arxiv, title_key)
        known.identity[-n] = who
        if not title_key and key.casefold() not in known.untitled:
            known.untitled[key.casefold()] = -n
            known.untitled_pending[-n] = key.casefold()
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
                "key_origin": origin,
                "added_at": now,
                "_note": draft.note,  # the importing member's, in readings
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
    flush()
    added = set(out.added)
    out.updated = sorted(filled - added)
    out.reviewed = sorted(reviewed - added - filled)
    for pid, (names, disputed) in merged.items():
        paper = s.get(Paper, pid)
        if pid in added or paper is None:
            continue  # new in this import: its twin in the same file completed it
        out.merges.append(
            MergeNote(pid, paper.title, paper.citation_key, tuple(names), tuple(disputed))
        )
    return out
