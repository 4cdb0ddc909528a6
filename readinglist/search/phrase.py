"""Phrases whose stop words count (the semantics: query.py).

Stop words are not indexed, but they keep their position (schema.py: the stop
filter does not renumber), so `"diffusion of models"` compiles to `diffus` and
`model` exactly two positions apart (compiler.py). Which stop word stands in the
gap the index cannot say: `StopPhrase` keeps only the candidates whose stored text
holds the whole phrase, stop words included, as the same analyser reads it
(folded, stemmed; stop words as written). Fields whose text is not stored (notes)
keep the positional match alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import matching, query
from whoosh.query import spans


def phrase_tokens(analyzer: Any, text: str) -> list[tuple[str, bool]]:
    """(term, is a stop word) for each word of `text` as `analyzer` indexes it."""
    if analyzer is None:
        return [(text, False)]
    # Whoosh reuses one token object: copy what we need as it goes by
    return [(t.text, bool(t.stopped)) for t in analyzer(text, removestops=False, mode="index")]


def holds(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether `phrase` occurs as a run of consecutive tokens."""
    n = len(phrase)
    first = phrase[0]
    for i, token in enumerate(tokens):
        if token == first and tuple(tokens[i : i + n]) == phrase:
            return True
    return False


def positional_words(q: Any) -> tuple[str, list[tuple[int, str]]] | None:
    """(field, [(offset, word)]) when `q` is a phrase as compiler.py builds them: a
    Whoosh Phrase (offsets 0, 1, 2 ...) or a chain of SpanNear2 with exact gaps;
    None for anything else. The evaluator answers these from cached postings."""
    if type(q) is query.Phrase:
        if q.slop != 1 or not all(isinstance(w, str) for w in q.words):
            return None
        return q.fieldname, list(enumerate(q.words))
    if type(q) is not spans.SpanNear2 or len(q.qs) != 2 or not q.ordered:
        return None
    left, right = q.qs
    if q.slop != q.mindist or type(right) is not query.Term or not isinstance(right.text, str):
        return None
    if type(left) is query.Term and isinstance(left.text, str):
        got: tuple[str, list[tuple[int, str]]] | None = (left.fieldname, [(0, left.text)])
    else:
        got = positional_words(left)
    if got is None or got[0] != right.fieldname:
        return None
    fieldname, words = got
    return fieldname, [*words, (words[-1][0] + q.slop, right.text)]


class StopPhrase(query.Query):  # type: ignore[misc]  # whoosh is untyped
    """`child` (the phrase without its stop words), kept only where the stored text
    of `fieldname` holds `words` (every word, stop words too) in a row."""

    def __init__(self, child: query.Query, fieldname: str, words: tuple[str, ...]) -> None:
        self.child = child
        self.fieldname = fieldname
        self.words = words
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.child!r}, {self.words!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, StopPhrase)
            and self.child == other.child
            and self.fieldname == other.fieldname
            and self.words == other.words
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.child, self.fieldname, self.words))

    def is_leaf(self) -> bool:
        return False

    def children(self) -> Iterator[query.Query]:
        yield self.child

    def apply(self, fn: Any) -> StopPhrase:
        return StopPhrase(fn(self.child), self.fieldname, self.words)

    def field(self) -> str:
        return self.fieldname

    def estimate_size(self, ixreader: Any) -> int:
        return int(self.child.estimate_size(ixreader))

    def keeps(self, searcher: Any, docnum: int) -> bool:
        """Whether the stored text of `docnum` (in `searcher`) holds the phrase."""
        analyzer = searcher.schema[self.fieldname].analyzer
        text = searcher.stored_fields(docnum).get(self.fieldname) or ""
        return holds([t for t, _ in phrase_tokens(analyzer, text)], self.words)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        inner = self.child.matcher(searcher, context)
        ids: list[int] = []
        scores: list[float] = []
        while inner.is_active():
            docnum = inner.id()
            if self.keeps(searcher, docnum):
                ids.append(docnum)
                scores.append(inner.score())
            inner.next()
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(ids, weights=scores)
