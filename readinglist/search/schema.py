"""The Whoosh schema: which fields exist, how their text is analysed.

Only what search needs is kept: `id` as a column (docnum -> paper id without
unpickling stored fields), `title` and `abstract` stored for highlighting, the rest
indexed only. Text is lower-cased, accent-folded (`naive` finds `naïve`), stripped of
stop words and stemmed (`models` finds `model`); names and venues are folded but not
stemmed. Tags are exact, one term per tag (may hold spaces and hyphens).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Iterator
from typing import Any

from whoosh import analysis, fields, formats
from whoosh.analysis import entoken
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

from readinglist.text import INVISIBLE, fold, strip_invisible

from .document import IndexDoc

# Bump when fields or analysers change: an index with another version is rebuilt.
# 2: invisible characters (soft hyphen, zero-width space ...) no longer split words.
# 3: the DOI and arXiv id are searched (`ids`, also as doi: / arxiv:).
# 4: text is indexed as shown (LaTeX decoded) beside the original.
# 5: stop words leave a gap in the word positions (phrases: see search/phrase.py).
# 6: notes are indexed as the text a reader sees (Markdown markup stripped); one term
#    per id and year (no tiered numeric terms); analysers in fewer passes.
SCHEMA_VERSION = 6

# Whoosh's default word pattern, with the invisible characters counted as part of a
# word: "Un\u00adder\u00adstand\u00ading" is one token (offsets still match the stored
# text, so highlights land right), and InvisibleFilter then drops them from the term.
_WORD_CHAR = f"[\\w{INVISIBLE}]"
WORD_PATTERN = f"{_WORD_CHAR}+(?:\\.?{_WORD_CHAR}+)*"


class InvisibleFilter(analysis.Filter):  # type: ignore[misc]  # whoosh is untyped
    """Drop invisible characters from each token; a token of nothing but them goes.
    (Kept for indexes pickled with it; the analysers below use FoldFilter.)"""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for t in tokens:
            text = strip_invisible(t.text)
            if text:
                t.text = text
                yield t


class FoldFilter(analysis.Filter):  # type: ignore[misc]
    """InvisibleFilter | LowercaseFilter | CharsetFilter(accent_map) [| StopFilter()]
    in one pass, giving the very same tokens (tests/search/test_analysis.py checks it
    against Whoosh's own chain). Each filter is a Python generator the token passes
    through: five of them cost a third of a catch-up's analysis time."""

    def __init__(self, *, stop: bool) -> None:
        self.stops = _STOP_WORDS if stop else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldFilter) and self.stops == other.stops

    def __hash__(self) -> int:
        return hash(self.stops)

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        stops = self.stops
        for t in tokens:
            text = t.text
            if text.isascii():  # nothing invisible, nothing to fold (accent_map on ASCII
                text = text.lower()  # only maps capitals, gone after lower())
            else:
                text = text.translate(_DROP_INVISIBLE)
                if not text:
                    continue
                text = text.lower().translate(accent_map)
            t.text = text
            if stops is None:
                yield t
            elif len(text) >= 2 and text not in stops:  # StopFilter(minsize=2)
                # renumber=False: a stop word keeps its position, so `"diffusion models"`
                # is not found in "diffusion of models" (the phrase's stop words count)
                t.stopped = False
                yield t
            elif not t.removestops:  # a query keeps stop words, marked
                t.stopped = True
                yield t


class DictStemFilter(analysis.StemFilter):  # type: ignore[misc]
    """Whoosh's StemFilter with a plain dict as its cache: its LFU cache wrapper cost
    more than the stemming it saved (1.8 M calls per 10k papers). Bounded: cleared
    when full."""

    LIMIT = 200_000

    def __init__(self) -> None:
        super().__init__(cachesize=None)
        self._cache: dict[str, str] = {}

    def __getstate__(self) -> dict[str, Any]:  # the schema is pickled on every commit
        state = dict(super().__getstate__())
        state.pop("_cache", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._cache = {}

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        cache = self._cache
        stem = self.stemfn
        for t in tokens:
            if not t.stopped:
                text = t.text
                stemmed = cache.get(text)
                if stemmed is None:
                    if len(cache) >= self.LIMIT:
                        cache.clear()
                    stemmed = cache[text] = stem(text)
                t.text = stemmed
            yield t


class LeanPositions(formats.Positions):  # type: ignore[misc]
    """Whoosh's Positions format (phrases need positions), writing the very same
    bytes and weights in fewer steps (tests/search/test_analysis.py compares them):

    - no `unstopped` generator around the analyser (a second Python generator for
      each of a catch-up's ~2M tokens): stopped tokens are skipped here;
    - no per-word boost sum: our tokenizer gives every token boost 1.0, so a word's
      weight is its count (a word with another boost is summed as Whoosh does);
    - a word seen once (most words of an abstract) is encoded from a table: Whoosh
      pickles a one-item delta list for each."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        fb = self.field_boost
        if isinstance(value, str) and kwargs.keys() <= {"mode"}:
            plan = _fused_plan(analyzer)
            if plan is not None:
                return self._fused_values(value, plan, fb)
        return self._chain_values(value, analyzer, fb, kwargs)

    def _fused_values(self, value: str, plan: _Plan, fb: float) -> Iterator[Any]:
        """word_values for our own analysers (TEXT_ANALYZER, NAME_ANALYZER) in one
        loop, without a Token or a generator per filter: what RegexTokenizer,
        FoldFilter and DictStemFilter do at indexing time (stop words dropped, their
        positions kept), in the same order. Analysis was half of a catch-up's
        add_document time (cProfile of 5,000 papers: 2.8 of 6.0 s)."""
        finditer, stops, stemmer = plan
        cache: dict[str, str] | None = None
        if stemmer is not None:
            cache, stem, limit = stemmer._cache, stemmer.stemfn, stemmer.LIMIT
        drop, fold_map = _DROP_INVISIBLE, accent_map
        poses: dict[str, list[int]] = {}
        for pos, match in enumerate(finditer(value)):
            text = match.group()
            if text.isascii():
                text = text.lower()
            else:
                text = text.translate(drop)
                if not text:
                    continue
                text = text.lower().translate(fold_map)
            if stops is not None and (len(text) < 2 or text in stops):
                continue
            if cache is not None:
                stemmed = cache.get(text)
                if stemmed is None:
                    if len(cache) >= limit:
                        cache.clear()
                    stemmed = cache[text] = stem(text)
                text = stemmed
            found = poses.get(text)
            if found is None:
                poses[text] = [pos]
            else:
                found.append(pos)
        return self._encoded(poses, None, fb)

    def _chain_values(
        self, value: Any, analyzer: Any, fb: float, kwargs: dict[str, Any]
    ) -> Iterator[Any]:
        kwargs["positions"] = True
        kwargs["boosts"] = True
        if isinstance(value, (tuple, list)):
            gen = entoken(value, **kwargs)
        else:
            gen = analyzer(value, **kwargs)
        poses: dict[str, list[int]] = {}
        boosted: dict[str, float] | None = None
        for t in gen:
            if t.stopped:
                continue
            text = t.text
            found = poses.get(text)
            if found is None:
                poses[text] = [t.pos]
            else:
                found.append(t.pos)
            # Whoosh sums each word's boosts from 0.0 in order; the 1.0s before a
            # word's first other boost sum exactly to their count
            if boosted is not None and text in boosted:
                boosted[text] += t.boost
            elif t.boost != 1.0:
                boosted = boosted if boosted is not None else {}
                boosted[text] = float(len(poses[text]) - 1) + t.boost
        return self._encoded(poses, boosted, fb)

    def _encoded(
        self, poses: dict[str, list[int]], boosted: dict[str, float] | None, fb: float
    ) -> Iterator[Any]:
        single = _SINGLE_POSITION
        for w, poslist in poses.items():
            if len(poslist) == 1 and poslist[0] < _SINGLE_POSITIONS:
                encoded = single[poslist[0]]
            else:
                encoded = self.encode(poslist)
            weight = float(len(poslist)) if boosted is None else boosted.get(w, float(len(poslist)))
            yield (w, len(poslist), weight * fb, encoded)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """Whoosh's decoding, with a word seen once looked up in the table it was
        encoded from: a first phrase query decodes the positions of every document
        holding all its words (22k values for "neural network" at 100k papers), most
        of them one position, each otherwise an unpickling."""
        single = _SINGLE_DECODED.get(valuestring)
        if single is not None:
            return [single]
        positions: list[int] = super().decode_positions(valuestring)
        return positions


# Whoosh's encoding of one position (pack_uint(1) + a pickled one-item delta list),
# for the first positions of a field (an abstract's words are within 1,000)
_SINGLE_POSITIONS = 4096
_SINGLE_POSITION = [pack_uint(1) + pickle.dumps([p], 2) for p in range(_SINGLE_POSITIONS)]
_SINGLE_DECODED = {encoded: p for p, encoded in enumerate(_SINGLE_POSITION)}


# What _fused_values needs of an analyser: its tokenizer's finditer, the stop words
# (None: none removed) and the stem filter (None: no stemming).
_Plan = tuple[Callable[[str], Iterator[re.Match[str]]], frozenset[str] | None, Any]
_PLANS: dict[int, tuple[Any, _Plan | None]] = {}


def _fused_plan(analyzer: Any) -> _Plan | None:
    """The plan for an analyser of exactly our shape (RegexTokenizer without gaps,
    FoldFilter, optionally DictStemFilter with nothing ignored), else None: any
    other chain (an older index's, a test's) goes through its filters."""
    known = _PLANS.get(id(analyzer))
    if known is not None and known[0] is analyzer:
        return known[1]
    plan: _Plan | None = None
    items = getattr(analyzer, "items", None)
    if (
        isinstance(analyzer, analysis.CompositeAnalyzer)
        and items is not None
        and len(items) in (2, 3)
        and type(items[0]) is analysis.RegexTokenizer
        and not items[0].gaps
        and type(items[1]) is FoldFilter
        and (len(items) == 2 or (type(items[2]) is DictStemFilter and not items[2].ignore))
    ):
        stemmer = items[2] if len(items) == 3 else None
        plan = (items[0].expression.finditer, items[1].stops, stemmer)
    if len(_PLANS) > 64:  # analysers come from a few schemas; never many
        _PLANS.clear()
    _PLANS[id(analyzer)] = (analyzer, plan)
    return plan


def _lean_text(**kwargs: Any) -> fields.TEXT:
    field = fields.TEXT(**kwargs)
    field.format = LeanPositions(field_boost=field.format.field_boost)
    return field


_STOP_WORDS = frozenset(analysis.STOP_WORDS)
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def _tokenizer() -> Any:
    return analysis.RegexTokenizer(WORD_PATTERN)


TEXT_ANALYZER = _tokenizer() | FoldFilter(stop=True) | DictStemFilter()
NAME_ANALYZER = _tokenizer() | FoldFilter(stop=False)

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
        # shift_step=0: one term per value. Whoosh's default adds 16 (id) and 8 (year)
        # "tiered" terms per paper for fast wide ranges: a fifth of all postings, for
        # ids never searched by range and ~100 distinct years.
        id=fields.NUMERIC(int, bits=64, signed=True, unique=True, sortable=True, shift_step=0),
        title=_lean_text(analyzer=TEXT_ANALYZER, stored=True),
        abstract=_lean_text(analyzer=TEXT_ANALYZER, stored=True),
        authors=_lean_text(analyzer=NAME_ANALYZER),
        tags=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        note=_lean_text(analyzer=TEXT_ANALYZER),
        venue=_lean_text(analyzer=NAME_ANALYZER),
        ids=_lean_text(analyzer=NAME_ANALYZER),
        status=fields.ID,
        year=fields.NUMERIC(int, shift_step=0),
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
