"""The one compiler from the query tree (query.py) to a Whoosh query.

Each leaf is looked for in each field it is asked of (the default fields with their
weights, or the one field of a `Field`), analysed by that field's analyser: text
fields fold and stem, names fold only, tags and statuses are exact values, years
numbers. A leaf that means nothing in a field (a stop word; a range in a text
field) is left out there; an AND of words drops the parts that mean nothing
anywhere; NOT parts become Whoosh's AndNot (or Not when nothing is wanted).
Prefixes are bounded (BoundedPrefix), phrases whose stop words count are StopPhrase.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from whoosh import matching, query
from whoosh.fields import Schema
from whoosh.query import spans

from readinglist.text import fold

from . import whoosh_private
from .phrase import StopPhrase, phrase_tokens
from .query import And, Field, Leaf, Node, Not, Or, Phrase, Prefix, Range, Term, parse
from .schema import DEFAULT_FIELDS

# A prefix expands to at most this many terms per field, the most frequent first.
# Unbounded, `t*` would be an OR over tens of thousands of terms (seconds per query).
PREFIX_TERMS = 50
# Long texts have many more words per prefix and each costs postings in most
# papers: there the few most frequent expansions carry the ranking.
LONG_TEXT_PREFIX_TERMS = {"abstract": 12, "note": 12}
# Fields holding whole values (a tag, a status): one exact term, no positions.
_EXACT = frozenset({"tags", "status"})
_NUMERIC = frozenset({"year"})


class ExpansionOr(query.Or):  # type: ignore[misc]  # whoosh is untyped
    """The OR of a prefix's expansions: preloaded into arrays.

    Whoosh builds a binary tree of union matchers above 5,000 documents, which made
    one prefix query over 50 terms take 5 s at 10k papers; preloading took 0.1 s.
    Only expansions get this: ordinary ORs (a word over the default fields) keep
    the union tree, which can skip blocks that cannot reach the top results.
    """

    matcher_type = query.Or.ARRAY_MATCHER


class BoundedPrefix(whoosh_private.ExpandingPrefix):
    """A scored prefix query over the `limit` most frequent matching terms.

    It also matches the analysed (stemmed) form of the whole text, so that a
    complete word typed as a prefix (`studies`, indexed as `studi`) still matches.
    """

    def __init__(self, fieldname: str, text: str, boost: float = 1.0, limit: int | None = None):
        super().__init__(fieldname, fold(text), boost=boost, constantscore=False)
        self.limit = limit or LONG_TEXT_PREFIX_TERMS.get(fieldname, PREFIX_TERMS)

    def expand(self, ixreader: Any) -> list[bytes]:
        if self.fieldname not in ixreader.schema:
            return []
        # document frequencies from one pass over each segment's lexicon: asking
        # doc_frequency() per candidate was 90k hash lookups for `tra` at 100k papers
        freqs: dict[bytes, int] = {}
        for leaf, _ in ixreader.leaf_readers():
            for btext, info in leaf.iter_prefix(self.fieldname, self.text):
                freqs[btext] = freqs.get(btext, 0) + info.doc_frequency()
        candidates = sorted(freqs, key=lambda b: (-freqs[b], b))[: self.limit]
        field = ixreader.schema[self.fieldname]
        if field.analyzer is not None and field.format.__class__.__name__ != "Existence":
            for token in field.process_text(self.text, mode="query"):
                btext = field.to_bytes(token)
                if btext not in candidates and (self.fieldname, btext) in ixreader:
                    candidates.append(btext)
                break
        return candidates

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        qs = [query.Term(self.fieldname, b) for b in self.expand(searcher.reader())]
        if not qs:
            return matching.NullMatcher()
        if len(qs) == 1:  # keep the boost (a title prefix weighs 3x with one term too)
            return query.Term(self.fieldname, qs[0].text, boost=self.boost).matcher(
                searcher, context
            )
        return ExpansionOr(qs, boost=self.boost).matcher(searcher, context)


def to_whoosh(node: Node, schema: Schema) -> query.Query | None:
    """The Whoosh query for a tree; None when nothing in it can match anything
    (only stop words, say)."""
    return _Compiler(schema).compile(node, DEFAULT_FIELDS)


class _Compiler:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def compile(self, node: Node, fields: Mapping[str, float]) -> query.Query | None:
        if isinstance(node, Field):
            return self.compile(node.query, {node.name: 1.0})
        if isinstance(node, And):
            return self._and(node.parts, fields)
        if isinstance(node, Or):
            alternatives = [q for p in node.parts if (q := self.compile(p, fields)) is not None]
            return _one_or(alternatives)
        if isinstance(node, Not):
            inner = self.compile(node.query, fields)
            return query.Not(inner) if inner is not None else None
        # a leaf: looked for in each field, best of them
        leaf: Leaf = node
        per_field = [
            q for name, boost in fields.items() if (q := self._leaf(leaf, name, boost)) is not None
        ]
        return _one_or(per_field)

    def _and(self, parts: tuple[Node, ...], fields: Mapping[str, float]) -> query.Query | None:
        wanted: list[query.Query] = []
        unwanted: list[query.Query] = []
        for part in parts:
            if isinstance(part, Not):
                q = self.compile(part.query, fields)
                if q is not None:
                    unwanted.append(q)
            elif (q := self.compile(part, fields)) is not None:
                wanted.append(q)
        if not wanted and not unwanted:
            return None
        if not unwanted:
            return wanted[0] if len(wanted) == 1 else query.And(wanted)
        excluded = _one_or(unwanted)
        if not wanted:
            return query.Not(excluded)
        base = wanted[0] if len(wanted) == 1 else query.And(wanted)
        return query.AndNot(base, excluded)

    def _leaf(self, node: Leaf, name: str, boost: float) -> query.Query | None:
        if name not in self.schema:
            return None
        field = self.schema[name]
        if name in _NUMERIC:
            return self._number(node, name)
        if isinstance(node, Range):
            return None  # a year range means nothing in a text field
        if name in _EXACT:
            if isinstance(node, Prefix):
                return BoundedPrefix(name, node.text, boost=boost)
            value = fold(node.text).strip()
            return query.Term(name, value, boost=boost) if value else None
        if isinstance(node, Prefix):
            return BoundedPrefix(name, node.text, boost=boost)
        if isinstance(node, Phrase):
            return self._phrase(node.text, name, boost)
        assert isinstance(node, Term)
        words = list(field.process_text(node.text, mode="query"))
        terms = [query.Term(name, w, boost=boost) for w in words]
        if not terms:
            return None
        return terms[0] if len(terms) == 1 else query.And(terms)

    def _number(self, node: Leaf, name: str) -> query.Query | None:
        if isinstance(node, Range):
            return query.NumericRange(name, node.low, node.high)
        text = node.text if isinstance(node, Term | Phrase) else ""
        if not text.strip().isdigit():
            return None
        return query.Term(name, self.schema[name].to_bytes(int(text)))

    def _phrase(self, text: str, name: str, boost: float) -> query.Query | None:
        """The words in a row. Stop words are not indexed but keep their position
        (schema.py), so a stop word inside the phrase is a gap of one position; where
        the text is stored, which stop word it is is checked too (StopPhrase). Stop
        words at either end are not looked for."""
        field = self.schema[name]
        tokens = phrase_tokens(field.analyzer, text)
        kept = [(pos, word) for pos, (word, stopped) in enumerate(tokens) if not stopped]
        if not kept:
            return None
        if len(kept) == 1:
            return query.Term(name, kept[0][1], boost=boost)
        first, last = kept[0][0], kept[-1][0]
        if last - first + 1 == len(kept):  # no stop word inside
            return query.Phrase(name, [w for _, w in kept], boost=boost)
        # each next word exactly its distance from the one before
        inner: query.Query = query.Term(name, kept[0][1])
        for (before, _), (pos, word) in itertools.pairwise(kept):
            gap = pos - before
            inner = spans.SpanNear2([inner, query.Term(name, word)], slop=gap, mindist=gap)
        if field.stored:
            return StopPhrase(inner, name, tuple(w for w, _ in tokens[first : last + 1]))
        return inner


def _one_or(parts: list[query.Query]) -> query.Query | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.Or(parts)


class QueryBuilder:
    """Parses query text for one schema; cheap to call, keep one per index."""

    def __init__(self, schema: Schema) -> None:
        self._schema = schema

    def parse(self, text: str, *, as_you_type: bool = False) -> query.Query | None:
        """The Whoosh query for `text`, or None when there is nothing to search for."""
        tree = parse(text, as_you_type=as_you_type)
        return to_whoosh(tree, self._schema) if tree is not None else None


def positive_terms(q: query.Query, reader: Any) -> Iterator[tuple[str, bytes]]:
    """(field, term) pairs that make a document match, expanded, skipping NOT parts."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from positive_terms(q.a, reader)
        return
    if isinstance(q, StopPhrase | spans.SpanNear2):
        for child in q.children():
            yield from positive_terms(child, reader)
        return
    if isinstance(q, query.Phrase):
        field = reader.schema[q.fieldname] if q.fieldname in reader.schema.names() else None
        for word in q.words:
            if field is not None:
                yield q.fieldname, field.to_bytes(word)
        return
    if isinstance(q, query.MultiTerm):
        for btext in whoosh_private.btexts(q, reader):
            yield q.fieldname, btext
        return
    if isinstance(q, query.Term):
        if q.fieldname in reader.schema:
            text = q.text
            yield (
                q.fieldname,
                text if isinstance(text, bytes) else reader.schema[q.fieldname].to_bytes(text),
            )
        return
    if q.is_leaf():
        return
    for child in q.children():
        yield from positive_terms(child, reader)
