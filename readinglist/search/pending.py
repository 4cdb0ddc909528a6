"""Searching the papers the index has not taken in yet (issue 10: complete results).

While the index catches up after a big import, a search must still find every
match. The papers changed after the index's `seq` are matched here with the very
same compiled Whoosh query the index answers, over a throw-away in-memory index of
just the candidates, built with the same schema and `fields_for`: so the answer is
the one the index will give once caught up, without a second analyser.

Indexing all pending papers for every keystroke would be slow (20k papers take
seconds), so a cheap prefilter first keeps only papers whose folded text holds, for
each positive term, a string every matching token must contain (a guaranteed
superset; see `_clauses`). The folded text of each pending paper is cached and
updated incrementally as the change sequence moves on.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import whoosh.query as wq
from whoosh.analysis import STOP_WORDS
from whoosh.filedb.filestore import RamStorage
from whoosh.query.spans import SpanNear2
from whoosh.support.charset import accent_map

from readinglist.text import fold, strip_invisible

from .compiler import QueryBuilder
from .document import IndexDoc
from .phrase import StopPhrase
from .schema import fields_for, make_schema

# Fields whose Term texts are analysed tokens of the paper's text (a `status:` or
# `year:` term is not looked for in the text: it leaves the prefilter open).
_TEXT_FIELDS = frozenset({"title", "abstract", "authors", "tags", "note", "venue", "ids"})


def folded(text: str) -> str:
    """Text as the analysers see it before tokenising: lower-cased, accent-folded,
    without invisible characters (every indexed token is a substring of this)."""
    return strip_invisible(text).lower().translate(accent_map)


@dataclass(frozen=True, slots=True)
class Pending:
    doc: IndexDoc
    seq: int  # the paper's change number
    text: str  # `folded` text of every field, for the prefilter


def pending_entry(doc: IndexDoc, seq: int) -> Pending:
    parts = [doc.title, doc.abstract, doc.authors, doc.note, doc.venue, doc.ids]
    parts += [fold(t) for t in doc.tags]
    return Pending(doc, seq, folded("\n".join(parts)))


def _key(term: str) -> str:
    """A string every token analysed to `term` contains. The Porter stemmer only
    removes or replaces suffixes, keeping the replaced suffix's first letter except
    for a final y -> i: all but the stem's last letter is a prefix of the word."""
    return term[:-1] if len(term) >= 3 else term


def _clauses(q: wq.Query) -> list[frozenset[str]]:
    """Conditions a document matching `q` surely meets: each clause a set of strings
    of which its folded text holds at least one. [] means no condition known."""
    if isinstance(q, wq.Not):
        return []
    if isinstance(q, wq.AndNot | wq.AndMaybe | wq.Require):
        return _clauses(q.a)
    if isinstance(q, StopPhrase | SpanNear2):  # a phrase with stop words: its words
        return [c for child in q.children() for c in _clauses(child)]
    if isinstance(q, wq.Phrase):
        if q.fieldname not in _TEXT_FIELDS:
            return []
        return [frozenset({_key(w)}) for w in q.words if isinstance(w, str) and w not in STOP_WORDS]
    if isinstance(q, wq.Prefix):
        if q.fieldname not in _TEXT_FIELDS or not isinstance(q.text, str) or not q.text:
            return []
        return [frozenset({folded(q.text)})]
    if isinstance(q, wq.Term):
        if q.fieldname not in _TEXT_FIELDS or not isinstance(q.text, str) or not q.text:
            return []
        return [frozenset({_key(q.text)})]
    if isinstance(q, wq.And):
        return [c for child in q.children() for c in _clauses(child)]
    if isinstance(q, wq.Or):
        # one clause of every alternative: a match meets one alternative's clauses
        union: set[str] = set()
        for child in q.children():
            got = _clauses(child)
            if not got:
                return []
            union |= got[0]
        return [frozenset(union)]
    return []


class _RamOnly(RamStorage):  # type: ignore[misc]  # whoosh is untyped
    """RamStorage whose writer's temporary files go to a folder of their own:
    RamStorage's own is the shared /tmp/MAIN.tmp, which another process's writer
    removes when done (a concurrent search failed with FileNotFoundError)."""

    def temp_storage(self, name: str | None = None) -> Any:
        return super().temp_storage(f"readinglist-pending-{uuid.uuid4().hex}.tmp")


class PendingSearch:
    """Matches queries over the not-yet-indexed papers (one per library)."""

    def __init__(self) -> None:
        self._schema = make_schema()
        self._builder = QueryBuilder(self._schema)
        self._entries: dict[int, Pending] = {}
        self._seen_seq = 0  # changes up to here are in _entries
        self._index_seq = -1

    def start_seq(self, index_seq: int) -> int:
        """Where `update` must read changes from, for an index at `index_seq`."""
        if index_seq < self._index_seq:  # the index was rebuilt: read everything again
            self.reset()
        return max(self._seen_seq, index_seq)

    @property
    def seen_seq(self) -> int:
        """Changes up to this number have been taken in by `update`."""
        return self._seen_seq

    def update(
        self, index_seq: int, seen_seq: int, changed: Iterable[tuple[int, Pending | None]]
    ) -> None:
        """Take in the papers changed after `seen_seq` (None: trashed, deleted) and
        forget those the index has taken in (`index_seq` is its `seq`)."""
        for paper_id, entry in changed:
            if entry is None:
                self._entries.pop(paper_id, None)
            else:
                self._entries[paper_id] = entry
        self._seen_seq = max(self._seen_seq, seen_seq)
        if index_seq != self._index_seq:
            self._entries = {i: e for i, e in self._entries.items() if e.seq > index_seq}
            self._index_seq = index_seq

    def reset(self) -> None:
        """Forget everything (the index was rebuilt from 0: all is read again)."""
        self._entries.clear()
        self._seen_seq = 0
        self._index_seq = -1

    def ids(self) -> set[int]:
        return set(self._entries)

    def matches(
        self, text: str, *, as_you_type: bool = False, restrict: Collection[int] | None = None
    ) -> list[int]:
        """Ids of the pending papers `text` matches, as the caught-up index would."""
        q = self._builder.parse(text, as_you_type=as_you_type)
        if q is None:
            return []
        clauses = _clauses(q)
        candidates = [
            e
            for pid, e in self._entries.items()
            if (restrict is None or pid in restrict)
            and all(any(k in e.text for k in clause) for clause in clauses)
        ]
        if not candidates:
            return []
        ix = _RamOnly().create_index(self._schema)
        writer = ix.writer()
        for e in candidates:
            writer.add_document(**fields_for(e.doc))
        writer.commit()
        with ix.searcher() as searcher:
            found = searcher.docs_for_query(q)
            return [candidates[docnum].doc.id for docnum in sorted(found)]
