"""From what the user typed to a Whoosh query: lenient, bounded, as-you-type aware.

The syntax is Whoosh's (words are ANDed, "phrases", OR, NOT / -word, prefix*,
field:word, year:[2018 TO 2020], year:>2019) over `DEFAULT_FIELDS`. Text typed half
way (a trailing operator, an unbalanced quote or bracket) is tidied up first rather
than rejected: the search box runs on every keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh import matching, qparser, query
from whoosh.fields import Schema

from readinglist.domain import LibraryError
from readinglist.text import fold

from .schema import DEFAULT_FIELDS

# A prefix expands to at most this many terms per field, the most frequent first.
# Unbounded, `t*` would be an OR over tens of thousands of terms (seconds per query).
PREFIX_TERMS = 50
# Long texts have many more words per prefix and each costs postings in most
# papers: there the few most frequent expansions carry the ranking.
LONG_TEXT_PREFIX_TERMS = {"abstract": 12, "note": 12}
# As-you-type treats the last word as a prefix only from this many letters on.
MIN_PREFIX = 3

# Fields a phrase can be asked of: tags keep no positions (Whoosh raises on phrases
# over them), so a quoted tag becomes an exact tag term instead.
_NO_POSITIONS = {"tags", "status"}
# Fields where as-you-type may turn the last word into a prefix.
_PREFIX_FIELDS = {*DEFAULT_FIELDS, "author", "tag", "doi", "arxiv"}
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


class QuerySyntaxError(LibraryError):
    """The query cannot be understood even after tidying (practically never)."""


class ExpansionOr(query.Or):  # type: ignore[misc]
    """The OR of a prefix's expansions: preloaded into arrays.

    Whoosh builds a binary tree of union matchers above 5,000 documents, which made
    one prefix query over 50 terms take 5 s at 10k papers; preloading took 0.1 s.
    Only expansions get this: ordinary ORs (a word over the default fields) keep
    the union tree, which can skip blocks that cannot reach the top results.
    """

    matcher_type = query.Or.ARRAY_MATCHER


class BoundedPrefix(query.Prefix):  # type: ignore[misc]
    """A scored prefix query over the `limit` most frequent matching terms.

    It also matches the analysed (stemmed) form of the whole text, so that a
    complete word typed as a prefix (`studies`, indexed as `studi`) still matches.
    """

    def __init__(self, fieldname: str, text: str, boost: float = 1.0, limit: int | None = None):
        super().__init__(fieldname, fold(text), boost=boost, constantscore=False)
        self.limit = limit or LONG_TEXT_PREFIX_TERMS.get(fieldname, PREFIX_TERMS)

    def _btexts(self, ixreader: Any) -> list[bytes]:
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
        qs = [query.Term(self.fieldname, b) for b in self._btexts(searcher.reader())]
        if not qs:
            return matching.NullMatcher()
        if len(qs) == 1:  # keep the boost (a title prefix weighs 3x with one term too)
            return query.Term(self.fieldname, qs[0].text, boost=self.boost).matcher(
                searcher, context
            )
        return ExpansionOr(qs, boost=self.boost).matcher(searcher, context)


def tidy(text: str) -> str:
    """Make half-typed input parseable: close quotes and brackets, drop dangling operators."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').strip()
    if text.count('"') % 2:
        text += '"'
    words = text.split()
    # dangling operators at either end ("foo OR", "NOT", "-") mean nothing yet
    while words and (words[-1] in _OPERATORS or re.fullmatch(r"[-+(:*]+|\w+:", words[-1])):
        words.pop()
    while words and words[0] in _OPERATORS - {"NOT"}:
        words.pop(0)
    text = " ".join(words)
    opened = text.count("(") - text.count(")")
    if opened > 0:
        text += ")" * opened
    elif opened < 0:
        text = text.replace(")", "", -opened)
    return text


_LAST_WORD = re.compile(r"(?:^|\s)[+-]?(?:(\w+):)?(\w+)$")


def mark_prefix(text: str) -> str:
    """Mark the last word as a prefix while it is being typed (or drop it while it
    is too short to mean anything after other words)."""
    if not text or text[-1].isspace() or text.count('"') % 2:
        return text
    m = _LAST_WORD.search(text)
    if m is None:
        return text
    field, word = m.group(1), m.group(2)
    if word in _OPERATORS or word.isdigit():
        return text
    if len(word) < MIN_PREFIX:
        # one or two letters after other words match next to nothing as a word (the
        # list would flash empty at `diffusion m`): leave them out until they grow
        head = text[: m.start()]
        return tidy(head) if head.strip() and '"' not in text else text
    if field and field not in _PREFIX_FIELDS:
        return text
    return text + "*"


class QueryBuilder:
    """Parses query text for one schema; cheap to call, keep one per index."""

    def __init__(self, schema: Schema) -> None:
        parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=DEFAULT_FIELDS)
        parser.add_plugin(
            qparser.FieldAliasPlugin(
                {"authors": ["author"], "tags": ["tag"], "ids": ["doi", "arxiv"]}
            )
        )
        # +/- only at the start of a word: `to-read` and `state-of-the-art` stay words
        parser.add_plugin(qparser.PlusMinusPlugin(r"(?<![^\s(])\+", r"(?<![^\s(])-"))
        parser.add_plugin(qparser.GtLtPlugin())
        self._parser = parser
        # the fallback reads everything as plain words, each in every default field
        plain = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=DEFAULT_FIELDS)
        self._plain = plain

    def parse(self, text: str, *, as_you_type: bool = False) -> query.Query | None:
        """The query for `text`, or None when there is nothing to search for."""
        tidied = tidy(text)
        # a trailing space means the last word is finished (tidying drops the space)
        if as_you_type and text and not text[-1].isspace():
            tidied = mark_prefix(tidied)
        if not tidied:
            return None
        try:
            q = self._parser.parse(tidied)
        except Exception:
            # Whoosh's parser rarely fails; when it does, read the words literally.
            words = re.findall(r"\w+", text)
            if not words:
                return None
            try:
                q = self._plain.parse(" ".join(words))
            except Exception as exc:  # pragma: no cover - would be a Whoosh bug
                raise QuerySyntaxError(f"cannot understand the search {text!r}") from exc
        q = q.accept(_rewrite).normalize()
        if q is query.NullQuery:
            return None
        return q


def _rewrite(q: query.Query) -> query.Query:
    if isinstance(q, query.Phrase) and q.fieldname in _NO_POSITIONS:
        return query.Term(q.fieldname, " ".join(q.words), boost=q.boost)
    if isinstance(q, query.Prefix) and not isinstance(q, BoundedPrefix):
        return BoundedPrefix(q.fieldname, q.text, boost=q.boost)
    if isinstance(q, query.Wildcard):
        prefix = q.text.rstrip("*")
        if prefix and q.text.endswith("*") and not re.search(r"[*?]", prefix):
            return BoundedPrefix(q.fieldname, prefix, boost=q.boost)
    return q


def positive_terms(q: query.Query, reader: Any) -> Iterator[tuple[str, bytes]]:
    """(field, term) pairs that make a document match, expanded, skipping NOT parts."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from positive_terms(q.a, reader)
        return
    if isinstance(q, query.Phrase):
        field = reader.schema[q.fieldname] if q.fieldname in reader.schema.names() else None
        for word in q.words:
            if field is not None:
                yield q.fieldname, field.to_bytes(word)
        return
    if isinstance(q, query.MultiTerm):
        for btext in q._btexts(reader):
            yield q.fieldname, btext
        return
    if isinstance(q, query.Term):
        if q.fieldname in reader.schema:
            yield q.fieldname, reader.schema[q.fieldname].to_bytes(q.text)
        return
    if q.is_leaf():
        return
    for child in q.children():
        yield from positive_terms(child, reader)
