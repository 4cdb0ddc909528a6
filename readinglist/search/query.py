"""The query language: what the user typed -> a typed query tree -> one Whoosh query.

`parse(text)` reads the search box's text into a small tree of frozen values
(`Term`, `Prefix`, `Phrase`, `Range`, `Field`, `And`, `Or`, `Not`);
`compiler.to_whoosh(tree, schema)` is the one compiler from that tree to Whoosh. The
window, the CLI and the search over not-yet-indexed papers (pending.py) all go
through `compiler.QueryBuilder`, so the same text means the same thing everywhere.

Semantics:

- Words must all match: `diffusion video` finds papers with both words, each looked
  for in the default fields (title, abstract, authors, tags, note, venue, DOI/arXiv
  id; a title match weighs most). Words are folded (case, accents) and stemmed
  (`models` finds `model`); stop words (`the`, `of` ...) are ignored as words.
  `AND` between words changes nothing; a leading `+` neither.
- `OR` binds tighter than the implicit AND: `video diffusion OR gan` is
  `video AND (diffusion OR gan)`; parentheses group: `(a b) OR c`.
- `NOT word` or `-word` (also `-(...)`, `-"phrase"`, `-field:word`) excludes; a query
  of exclusions only finds every other paper. A `-` inside a word is part of it
  (`to-read`, `state-of-the-art`).
- `"a phrase"`: the words in this order, next to each other, and stop words inside
  it count: `"diffusion models"` does not find "diffusion of models", and
  `"diffusion of models"` finds neither "diffusion models" nor "diffusion for
  models". (In notes, whose text the index does not keep, any one stop word stands
  for another.) Stop words at either end of a phrase are not looked for; a phrase
  of stop words only finds nothing. Authors, venues and ids have no stop words.
- `word*` is a prefix (the 50 most frequent completions per field, 12 in abstracts
  and notes). While typing (`as_you_type`), the last word counts as a prefix from 3
  letters on (`transf` finds `transformer`); a shorter last fragment after other
  words is left out until it grows; a trailing space ends the word.
- `field:word`, `field:"phrase"`, `field:word*`, `field:(a OR b)` look in one field:
  `title`, `abstract`, `author`/`authors`, `tag`/`tags` (a whole tag, exactly:
  `tag:to-read`, `tag:"reinforcement learning"`), `note`, `venue`, `doi`/`arxiv`/`ids`
  (both identifiers), `status` (`unread`, `reading`, `read`), `year` (`year:2020`,
  `year:[2015 TO 2018]`, `year:[2015 TO]`, `year:>2019`, `>=`, `<`, `<=`). An
  unknown field name is read as part of the word (`foo:bar` looks for foo and bar).
- Nothing is a syntax error: the box is searched on every keystroke, so a half-typed
  query is tidied (an unclosed quote or bracket is closed, a stray `)` and a
  dangling `OR`/`NOT`/`-`/`field:` dropped) and what is left is searched. A query with
  nothing left to search (`the`, `NOT`) finds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readinglist.domain import LibraryError

# As-you-type treats the last word as a prefix only from this many letters on.
MIN_PREFIX = 3

# What a user may write before the colon, and the index field it means.
FIELD_NAMES = {
    "title": "title",
    "abstract": "abstract",
    "author": "authors",
    "authors": "authors",
    "tag": "tags",
    "tags": "tags",
    "note": "note",
    "venue": "venue",
    "doi": "ids",
    "arxiv": "ids",
    "ids": "ids",
    "status": "status",
    "year": "year",
}
_OPERATORS = frozenset({"AND", "OR", "NOT"})


class QuerySyntaxError(LibraryError):
    """Kept for callers that catch it: the parser tidies instead of raising."""


# -- the tree -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word, analysed like the field's text (folded, stemmed)."""

    text: str


@dataclass(frozen=True, slots=True)
class Prefix:
    """Words starting with `text` (folded, not stemmed)."""

    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """These words in this order, next to each other."""

    text: str


@dataclass(frozen=True, slots=True)
class Range:
    """Years from `low` to `high`, both included; None is open."""

    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class Field:
    """`query` looked for in one field only (a canonical name of FIELD_NAMES)."""

    name: str
    query: Node


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    query: Node


Leaf = Term | Prefix | Phrase | Range
Node = Leaf | Field | And | Or | Not


# -- reading the text -----------------------------------------------------------------


@dataclass(slots=True)
class _Tok:
    kind: str  # "word", "phrase", "range", "op", "(", ")"
    text: str
    field: str = ""  # canonical field name, "" for the default fields
    negate: bool = False
    closed: bool = True  # a phrase's closing quote was typed


_TOKEN = re.compile(
    r"""
    (?P<sign>(?<![^\s(])[-+](?=[\w"(*]|[A-Za-z]+:))?
    (?:(?P<field>[A-Za-z]+):(?=["(\[<>\w*]))?
    (?: (?P<open>\()
      | "(?P<phrase>[^"]*)(?P<endquote>"?)
      | (?P<range>\[[^\]]*\]?|[<>]=?\s*\d+)
      | (?P<word>[^\s()"]+)
    )
    | (?P<close>\))
    """,
    re.VERBOSE,
)


def _lex(text: str) -> list[_Tok]:
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            pos += 1  # a character that starts nothing (a lone `-`): skipped
            continue
        pos = m.end()
        if m.group("close"):
            out.append(_Tok(")", ")"))
            continue
        neg = m.group("sign") == "-"
        name = (m.group("field") or "").lower()
        field = FIELD_NAMES.get(name, "")
        if m.group("open"):
            out.append(_Tok("(", "(", field, neg))
        elif m.group("phrase") is not None:
            out.append(_Tok("phrase", m.group("phrase"), field, neg, bool(m.group("endquote"))))
        elif m.group("range") is not None and field == "year":
            out.append(_Tok("range", m.group("range"), field, neg))
        else:
            word = m.group("range") or m.group("word")
            if name and not field:
                word = f"{name}:{word}"  # not a field of ours: just text
            if word in _OPERATORS and not field and not m.group("sign"):
                out.append(_Tok("op", word))
            else:
                out.append(_Tok("word", word, field, neg))
    return out


def _mark_last_word(toks: list[_Tok]) -> None:
    """As-you-type: the last word becomes a prefix (or is dropped while too short)."""
    last = toks[-1] if toks else None
    if last is None or last.kind != "word" or not re.fullmatch(r"\w+", last.text):
        return  # an operator, a phrase, `word*` already, `to-re` (no prefix inside words)
    if last.text.isdigit():
        return  # `year:2020`, `2020`: numbers are not completed
    if len(last.text) < MIN_PREFIX:
        # one or two letters after other words match next to nothing as a word (the
        # list would flash empty at `diffusion m`): left out until they grow
        if any(t.kind in ("word", "phrase", "range") for t in toks[:-1]):
            toks.pop()
        return
    if last.field not in ("status", "year"):
        last.text += "*"


class _Parser:
    """Recursive descent: or_list := unary (OR unary)*; and_list := or_list+."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse_all(self) -> Node | None:
        parts: list[Node] = []
        while self.i < len(self.toks):
            node = self.parse_and()
            if node is not None:
                parts.append(node)
            if (t := self.peek()) is not None and t.kind == ")":
                self.i += 1  # a `)` that closes nothing: dropped
        return _and(parts)

    def parse_and(self) -> Node | None:
        parts: list[Node] = []
        while (t := self.peek()) is not None and t.kind != ")":
            node = self.parse_or()
            if node is not None:
                parts.append(node)
        return _and(parts)

    def parse_or(self) -> Node | None:
        first = self.parse_unary()
        alternatives = [first] if first is not None else []
        while (t := self.peek()) is not None and t.kind == "op" and t.text == "OR":
            self.i += 1
            nxt = self.parse_unary()
            if nxt is not None:
                alternatives.append(nxt)
        if not alternatives:
            return None
        return alternatives[0] if len(alternatives) == 1 else Or(tuple(alternatives))

    def parse_unary(self) -> Node | None:
        t = self.peek()
        if t is None or t.kind == ")":
            return None
        self.i += 1
        if t.kind == "op":
            if t.text == "NOT":
                inner = self.parse_unary()
                return Not(inner) if inner is not None else None
            return None  # AND, or an OR with nothing before it: nothing to do
        if t.kind == "(":
            inner = self.parse_and()
            if (c := self.peek()) is not None and c.kind == ")":
                self.i += 1
            node = inner
        else:
            node = _leaf(t)
        if node is None:
            return None
        if t.field:
            node = Field(t.field, node)
        return Not(node) if t.negate else node


def _leaf(t: _Tok) -> Node | None:
    if t.kind == "phrase":
        return Phrase(t.text) if re.search(r"\w", t.text) else None
    if t.kind == "range":
        return _range(t.text)
    word = t.text
    if word.endswith(":") and word.rstrip(":").lower() in FIELD_NAMES:
        return None  # `title:` with its word still to come
    if word.endswith("*"):
        stem = word.rstrip("*")
        return Prefix(stem) if re.search(r"\w", stem) else None
    word = word.replace("*", "").replace("?", "")  # no wildcards inside words
    return Term(word) if re.search(r"\w", word) else None


def _range(spec: str) -> Range | None:
    m = re.fullmatch(r"\[\s*(\d*)\s*(?:TO|to)?\s*(\d*)\s*\]?", spec)
    if m:
        low = int(m.group(1)) if m.group(1) else None
        high = int(m.group(2)) if m.group(2) else None
        return Range(low, high) if low is not None or high is not None else None
    m = re.fullmatch(r"([<>]=?)\s*(\d+)", spec)
    if m is None:
        return None
    op, n = m.group(1), int(m.group(2))
    return {
        ">": Range(n + 1, None),
        ">=": Range(n, None),
        "<": Range(None, n - 1),
        "<=": Range(None, n),
    }[op]


def _and(parts: list[Node]) -> Node | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def parse(text: str, *, as_you_type: bool = False) -> Node | None:
    """The tree for what the user typed, or None when there is nothing to search for.

    Never raises: see the module docstring for how half-typed text is read."""
    toks = _lex(text)
    # a trailing space means the last word is finished; in an open quote it is not a word
    if as_you_type and text and not text[-1].isspace():
        _mark_last_word(toks)
    # dangling operators at the end ("foo OR", "NOT") mean nothing yet
    while toks and toks[-1].kind == "op":
        toks.pop()
    return _Parser(toks).parse_all()
