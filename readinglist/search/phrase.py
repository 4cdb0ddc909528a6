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

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        inner = self.child.matcher(searcher, context)
        analyzer = searcher.schema[self.fieldname].analyzer
        ids: list[int] = []
        scores: list[float] = []
        while inner.is_active():
            docnum = inner.id()
            text = searcher.stored_fields(docnum).get(self.fieldname) or ""
            if holds([t for t, _ in phrase_tokens(analyzer, text)], self.words):
                ids.append(docnum)
                scores.append(inner.score())
            inner.next()
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(ids, weights=scores)
