"""The Whoosh schema: which fields exist, how their text is analysed.

Only what search needs is kept: `id` as a column (docnum -> paper id without
unpickling stored fields), `title` and `abstract` stored for highlighting, the rest
indexed only. Text is lower-cased, accent-folded (`naive` finds `naïve`), stripped of
stop words and stemmed (`models` finds `model`); names and venues are folded but not
stemmed. Tags are exact, one term per tag (may hold spaces and hyphens).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import analysis, fields
from whoosh.support.charset import accent_map

from readinglist.text import INVISIBLE, fold, strip_invisible

from .document import IndexDoc

# Bump when fields or analysers change: an index with another version is rebuilt.
# 2: invisible characters (soft hyphen, zero-width space ...) no longer split words.
# 3: the DOI and arXiv id are searched (`ids`, also as doi: / arxiv:).
# 4: text is indexed as shown (LaTeX decoded) beside the original.
# 5: notes are indexed as the text a reader sees (Markdown markup stripped).
SCHEMA_VERSION = 5

# Whoosh's default word pattern, with the invisible characters counted as part of a
# word: "Un\u00adder\u00adstand\u00ading" is one token (offsets still match the stored
# text, so highlights land right), and InvisibleFilter then drops them from the term.
_WORD_CHAR = f"[\\w{INVISIBLE}]"
WORD_PATTERN = f"{_WORD_CHAR}+(?:\\.?{_WORD_CHAR}+)*"


class InvisibleFilter(analysis.Filter):  # type: ignore[misc]  # whoosh is untyped
    """Drop invisible characters from each token; a token of nothing but them goes."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for t in tokens:
            text = strip_invisible(t.text)
            if text:
                t.text = text
                yield t


def _tokenizer() -> Any:
    return analysis.RegexTokenizer(WORD_PATTERN) | InvisibleFilter()


TEXT_ANALYZER = (
    _tokenizer()
    | analysis.LowercaseFilter()
    | analysis.CharsetFilter(accent_map)
    | analysis.StopFilter()
    | analysis.StemFilter(cachesize=100_000)
)
NAME_ANALYZER = _tokenizer() | analysis.LowercaseFilter() | analysis.CharsetFilter(accent_map)

# Fields a plain word is looked up in, with their weight in the BM25F score.
DEFAULT_FIELDS: dict[str, float] = {
    "title": 3.0,
    "abstract": 1.0,
    "authors": 1.5,
    "tags": 1.5,
    "note": 1.0,
    "venue": 1.0,
    "ids": 1.0,
}
# Fields whose stored text is used for highlighted snippets.
HIGHLIGHT_FIELDS = ("title", "abstract")


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.NUMERIC(int, bits=64, signed=True, unique=True, sortable=True),
        title=fields.TEXT(analyzer=TEXT_ANALYZER, stored=True),
        abstract=fields.TEXT(analyzer=TEXT_ANALYZER, stored=True),
        authors=fields.TEXT(analyzer=NAME_ANALYZER),
        tags=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        note=fields.TEXT(analyzer=TEXT_ANALYZER),
        venue=fields.TEXT(analyzer=NAME_ANALYZER),
        ids=fields.TEXT(analyzer=NAME_ANALYZER),
        status=fields.ID,
        year=fields.NUMERIC(int),
    )


def fields_for(doc: IndexDoc) -> dict[str, object]:
    """The keyword arguments for `writer.update_document` of one paper."""
    out: dict[str, object] = {
        "id": doc.id,
        "title": doc.title,
        "abstract": doc.abstract,
        "authors": doc.authors,
        # commas separate tags; a comma inside a tag cannot be searched exactly anyway
        "tags": ",".join(fold(t).replace(",", " ").strip() for t in doc.tags if t.strip()),
        "note": doc.note,
        "venue": doc.venue,
        "ids": doc.ids,
        "status": doc.status,
    }
    if doc.year is not None:
        out["year"] = doc.year
    return out
