"""Scoring a parsed query from cached postings, so typing does not re-read the index.

Whoosh's matchers decode and score every posting in Python on every query, and as
you type, consecutive queries share most of their terms (`diffusion mod` ->
`diffusion mode`): at 10k papers that re-reading was most of a keystroke's time.
Here each (field, term)'s BM25F scores are read once per searcher (a commit brings a
new searcher and so a new cache) and a query is evaluated as unions and
intersections of {docnum: score} dicts. The scores are Whoosh's own formula, so
results equal its matchers' (tests compare both). Phrases are the intersection
of their words' cached scores, kept where the words' positions (read for those
documents only, and kept) line up. Query types not handled here (ranges, NOT
alone, ...) are run by Whoosh and their scores used as they are.

Prefixes expand over the whole index (not per segment as Whoosh's matchers do), so a
query finds the same papers however the index happens to be split into segments.
"""

from __future__ import annotations

import heapq
import operator
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Collection, Sequence
from typing import Any

from whoosh import query
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from . import whoosh_private
from .compiler import BoundedPrefix
from .phrase import StopPhrase, positional_words

Scores = dict[int, float]

# Postings kept decoded, all terms together (about 100 bytes each as dict entries);
# the least recently used terms go first beyond this.
MAX_CACHED_POSTINGS = 1_500_000
# Word positions kept decoded for phrases (per document and term); all dropped
# beyond this.
MAX_CACHED_POSITIONS = 500_000
_LENGTH_OF_BYTE = [float(byte_to_length(b)) for b in range(256)]


class Evaluator:
    """Evaluates queries against one searcher; its caches live as long as it does."""

    def __init__(
        self,
        searcher: Any,
        weighting: BM25F,
        lengths: dict[tuple[str, str], bytes] | None = None,
    ) -> None:
        """`lengths` caches each segment's field lengths across evaluators, keyed by
        (segment id, field): they never change, unlike the scores (idf, average)."""
        self._searcher = searcher
        self._reader = searcher.reader()
        self._leaves: list[tuple[Any, int]] = list(self._reader.leaf_readers())
        self._k1 = float(weighting.K1)
        self._b_default = float(weighting.B)
        self._b_field: dict[str, float] = whoosh_private.field_b(weighting)
        self._terms: OrderedDict[tuple[str, bytes], Scores] = OrderedDict()
        self._cached = 0
        self._norms: dict[tuple[int, str], list[float]] = {}
        self._expansions: dict[tuple[str, str], list[bytes]] = {}
        self._positions: dict[tuple[str, bytes], dict[int, tuple[int, ...]]] = {}
        self._cached_positions = 0
        self._lengths = {} if lengths is None else lengths

    # -- the one entry point ---------------------------------------------------

    def top(
        self, q: query.Query, limit: int | None, allow: Collection[int] | None
    ) -> tuple[list[tuple[float, int]], int]:
        """(score, docnum) pairs best first (ties: lower docnum first), and the total."""
        scores = self.scores(q)
        if allow is not None:
            scores = {d: s for d, s in scores.items() if d in allow}
        total = len(scores)
        # (-score, docnum) pairs compare in C: best first, ties by lower docnum,
        # without a Python key function called per match (59k for "model" at 100k)
        ranked = zip(map(operator.neg, scores.values()), scores.keys(), strict=True)
        best = sorted(ranked) if limit is None or limit >= total else heapq.nsmallest(limit, ranked)
        return [(-s, d) for s, d in best], total

    def scores(self, q: query.Query) -> Scores:
        boost = float(getattr(q, "boost", 1.0))
        if isinstance(q, BoundedPrefix):
            found = self._union([self._term(q.fieldname, b) for b in self._expand(q)])
        elif type(q) is query.Term and self._scorable(q.fieldname):
            field = self._reader.schema[q.fieldname]
            found = self._term(q.fieldname, field.to_bytes(q.text))
        elif isinstance(q, query.Or) and not q.minmatch and not q.scale:
            found = self._union([self.scores(s) for s in q.subqueries])
        elif type(q) is query.And:
            found = self._intersection([self.scores(s) for s in q.subqueries])
        elif type(q) is query.AndNot:
            found = self.scores(q.a)
            if found:
                gone = self.scores(q.b)
                found = {d: s for d, s in found.items() if d not in gone}
            boost = 1.0  # Whoosh keeps the positive side's scores as they are
        elif (phrase := positional_words(q)) is not None and self._scorable(phrase[0]):
            found = self._phrase(*phrase)
        elif isinstance(q, StopPhrase):
            found = self.scores(q.child)
            found = {d: s for d, s in found.items() if q.keeps(self._searcher, d)}
        elif type(q) is query.AndMaybe:
            found = self.scores(q.a)
            extra = self.scores(q.b) if found else {}
            found = {d: s + extra.get(d, 0.0) for d, s in found.items()}
            boost = 1.0
        else:
            return self._by_whoosh(q)
        if boost != 1.0:
            found = {d: s * boost for d, s in found.items()}
        return found

    def prepare(self, fieldnames: Collection[str]) -> None:
        """Compute the length norms of these fields now rather than in a query."""
        for n, (leaf, _) in enumerate(self._leaves):
            for fieldname in fieldnames:
                if self._scorable(fieldname) and leaf.doc_count_all():
                    self._norms_for(n, leaf, fieldname)

    # -- combining ------------------------------------------------------------------

    @staticmethod
    def _union(parts: Sequence[Scores]) -> Scores:
        parts = [p for p in parts if p]
        if not parts:
            return {}
        parts = sorted(parts, key=len, reverse=True)
        out = dict(parts[0])  # never the cached dict itself: it is added to
        get = out.get
        for part in parts[1:]:
            for d, s in part.items():
                out[d] = get(d, 0.0) + s
        return out

    @staticmethod
    def _intersection(parts: Sequence[Scores]) -> Scores:
        if not parts or not all(parts):
            return {}
        parts = sorted(parts, key=len)
        smallest, rest = parts[0], parts[1:]
        out: Scores = {}
        for d, s in smallest.items():
            for part in rest:
                other = part.get(d)
                if other is None:
                    break
                s += other
            else:
                out[d] = s
        return out

    def _by_whoosh(self, q: query.Query) -> Scores:
        results = self._searcher.search(q, limit=None, optimize=False)
        return {docnum: score for score, docnum in results.top_n}

    # -- terms --------------------------------------------------------------------

    def _scorable(self, fieldname: str) -> bool:
        schema = self._reader.schema
        return fieldname in schema and bool(schema[fieldname].scorable)

    def _expand(self, q: BoundedPrefix) -> list[bytes]:
        key = (q.fieldname, q.text)
        found = self._expansions.get(key)
        if found is None:
            found = self._expansions[key] = (
                whoosh_private.btexts(q, self._reader) if self._scorable(q.fieldname) else []
            )
        return found

    def _term(self, fieldname: str, btext: bytes) -> Scores:
        key = (fieldname, btext)
        found = self._terms.get(key)
        if found is not None:
            self._terms.move_to_end(key)
            return found
        found = self._read_term(fieldname, btext)
        self._terms[key] = found
        self._cached += len(found)
        while self._cached > MAX_CACHED_POSTINGS and len(self._terms) > 1:
            _, old = self._terms.popitem(last=False)
            self._cached -= len(old)
        return found

    def _read_term(self, fieldname: str, btext: bytes) -> Scores:
        """BM25F scores of one term in every live document that has it.

        Whoosh's formula: idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * fl / avgfl)),
        with idf and the average field length over the whole index.
        """
        if (fieldname, btext) not in self._reader:
            return {}
        searcher = self._searcher
        idf = searcher.idf(fieldname, btext)
        top = idf * (self._k1 + 1)
        out: Scores = {}
        for n, (leaf, base) in enumerate(self._leaves):
            if (fieldname, btext) not in leaf:
                continue
            ids, weights, deleted = _postings(leaf.postings(fieldname, btext))
            norms = self._norms_for(n, leaf, fieldname)
            if deleted is None:  # most segments: one comprehension, no test per posting
                out.update(
                    {
                        base + d: top * tf / (tf + norms[d])
                        for d, tf in zip(ids, weights, strict=True)
                    }
                )
                continue
            for d, tf in zip(ids, weights, strict=True):
                if d not in deleted:
                    out[base + d] = top * tf / (tf + norms[d])
        return out

    # -- phrases ------------------------------------------------------------------

    def _phrase(self, fieldname: str, words: Sequence[tuple[int, str]]) -> Scores:
        """Documents with each word at its offset from the first, scored as Whoosh's
        phrase matcher scores them (the sum of the words' scores).

        Whoosh's matcher intersects the postings and reads positions on every
        query (245 ms at 100k papers); here the intersection comes from the cached
        scores and positions are read for its documents only, and kept."""
        field = self._reader.schema[fieldname]
        btexts = [(offset, field.to_bytes(word)) for offset, word in words]
        candidates = self._intersection([self._term(fieldname, b) for _, b in btexts])
        if not candidates:
            return {}
        docnums = sorted(candidates)
        where = [(offset, self._positions_of(fieldname, b, docnums)) for offset, b in btexts]
        (first_offset, first), rest = where[0], where[1:]
        out: Scores = {}
        for d in docnums:
            others = [(offset - first_offset, ps.get(d, ())) for offset, ps in rest]
            if any(all(p + o in ps for o, ps in others) for p in first.get(d, ())):
                out[d] = candidates[d]
        return out

    def _positions_of(
        self, fieldname: str, btext: bytes, docnums: Sequence[int]
    ) -> dict[int, tuple[int, ...]]:
        """Word positions of one term in these (sorted, live) documents that have it."""
        key = (fieldname, btext)
        known = self._positions.get(key)
        if known is None:
            if self._cached_positions > MAX_CACHED_POSITIONS:
                self._positions.clear()
                self._cached_positions = 0
            known = self._positions[key] = {}
        missing = [d for d in docnums if d not in known]
        if not missing:
            return known
        i = 0
        for leaf, base in self._leaves:
            end = base + leaf.doc_count_all()
            j = bisect_left(missing, end, i)  # the candidates in this segment
            if i == j or (fieldname, btext) not in leaf:
                i = j
                continue
            wanted = [d - base for d in missing[i:j]]
            i = j
            _, m = whoosh_private.deleted_filter(leaf.postings(fieldname, btext))
            values = whoosh_private.leaf_values(m, wanted)
            if values is None:
                for d, positions in _walk_positions(m, wanted).items():
                    known[base + d] = positions
                continue
            decode = m.format.decoder("positions")
            for d, value in values.items():
                known[base + d] = tuple(decode(value))
        self._cached_positions += len(missing)
        return known

    def _norms_for(self, n: int, leaf: Any, fieldname: str) -> list[float]:
        """Per document of one segment: K1 * (1 - B + B * fl / avgfl) for a field."""
        key = (n, fieldname)
        found = self._norms.get(key)
        if found is None:
            b = self._b_field.get(fieldname, self._b_default)
            avgfl = self._searcher.avg_field_length(fieldname) or 1
            k1 = self._k1
            c0, c1 = k1 * (1 - b), k1 * b / avgfl
            seg = segment_key(leaf)
            raw = self._lengths.get((seg, fieldname)) if seg else None
            if raw is None:
                raw = _length_bytes(leaf, fieldname)
                if raw is not None and seg:
                    self._lengths[(seg, fieldname)] = raw
            if raw is not None:  # a length byte per document: map the 256 values once
                table = [c0 + c1 * (_LENGTH_OF_BYTE[b] if b else 1.0) for b in range(256)]
                found = [table[b] for b in raw]
            else:
                count = leaf.doc_count_all()
                lengths = (leaf.doc_field_length(d, fieldname, 1) or 1 for d in range(count))
                found = [c0 + c1 * fl for fl in lengths]
            self._norms[key] = found
        return found


def segment_key(leaf: Any) -> str:
    """The segment's id ('' for a reader without a segment, which is never cached)."""
    seg = leaf.segment() if hasattr(leaf, "segment") else None
    return str(seg.segment_id()) if seg is not None else ""


def _postings(m: Any) -> tuple[Sequence[int], Sequence[float], frozenset[int] | None]:
    """All (segment) docnums and weights of a term's matcher, and the deleted docnums."""
    deleted, m = whoosh_private.deleted_filter(m)
    block = whoosh_private.leaf_postings(m)  # a block at a time, arrays decoded whole
    if block is not None:
        return block[0], block[1], deleted
    ids: list[int] = []
    weights: list[float] = []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights, deleted


def _walk_positions(m: Any, docnums: Sequence[int]) -> dict[int, tuple[int, ...]]:
    """{docnum: positions} of these (sorted) docnums a matcher has, through its
    public walk (skip_to moves a block at a time: only the candidates' values are
    decoded); for matchers whoosh_private.leaf_values cannot read."""
    out: dict[int, tuple[int, ...]] = {}
    for d in docnums:
        if not m.is_active():
            break
        if m.id() < d:
            m.skip_to(d)
            if not m.is_active():
                break
        if m.id() == d:
            out[d] = tuple(m.value_as("positions"))
    return out


def _length_bytes(leaf: Any, fieldname: str) -> bytes | None:
    """Whoosh 3 segments keep each document's field length as one byte in a column:
    read it whole (per document, 100k lookups cost 0.15 s); None for other codecs."""
    return whoosh_private.length_bytes(leaf, fieldname)
