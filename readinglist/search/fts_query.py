"""Our query language translated to SQLite FTS5 MATCH syntax.

The language is the Whoosh engine's (query.py): words are ANDed, "phrases", OR,
NOT / -word, prefix*, field:word, field:"phrase", year:2020, year:[2015 TO 2018],
year:>2019, parentheses. Half-typed text is tidied by the same `tidy` first, and
anything still odd is read as plain words: this never raises.

Exact fields (tags, status, year) are stored as one opaque token per value
(`exact_token`), so `tag:read` does not find the tag `to-read` and the porter
stemmer cannot touch them; tag words are also indexed as plain text (`tagwords`)
for plain-word searches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readinglist.text import fold

from .query import MIN_PREFIX, mark_prefix, tidy

# FTS5 columns in table order; the first six are what a plain word searches.
COLUMNS = ("title", "abstract", "authors", "tagwords", "note", "venue", "tags", "status", "year")
DEFAULT_COLUMNS = COLUMNS[:6]
# bm25 weights per column (the Whoosh engine's field boosts); exact fields don't score
WEIGHTS = (3.0, 1.0, 1.5, 1.5, 1.0, 1.0, 0.0, 0.0, 0.0)
# Every row carries this token in `status`, so a purely negative query has
# something to subtract from.
EVERY = "zall0"
_ALIASES = {"author": "authors", "tag": "tags"}
_TEXT_FIELDS = {"title", "abstract", "authors", "note", "venue"}
_EXACT_FIELDS = {"tags": "tg", "status": "st"}
YEARS = (1800, 2100)  # open year ranges are clipped to this


def exact_token(kind: str, value: str) -> str:
    """One token for an exact value: letters and digits only, ending in a digit.

    Hex keeps any text a single unicode61 token; the final "0" keeps porter away
    (every suffix it strips ends in a letter).
    """
    return f"{kind}{fold(value).strip().encode().hex()}0"


def year_token(year: int) -> str:
    return f"yr{year}"


@dataclass
class _Tok:
    kind: str  # "word", "phrase", "op", "(", ")", "range"
    text: str
    field: str = ""
    prefix: bool = False
    negate: bool = False


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>-?\() | (?P<close>\)) |
        (?P<sign>[-+](?=[\w"(]))?
        (?:(?P<field>[A-Za-z]+):)?
        (?: "(?P<phrase>[^"]*)"
          | (?P<range>\[[^\]]*\]|[<>]=?\s*\d+)
          | (?P<word>[^\s()"]+)
        )
    )""",
    re.VERBOSE,
)


def _lex(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            pos += 1  # a stray character (an unmatched quote): skip it
            continue
        pos = m.end()
        if m.group("open"):
            out.append(_Tok("(", "(", negate=m.group("open") == "-("))
        elif m.group("close"):
            out.append(_Tok(")", ")"))
        else:
            field = (m.group("field") or "").lower()
            field = _ALIASES.get(field, field)
            neg = m.group("sign") == "-"
            if m.group("phrase") is not None:
                out.append(_Tok("phrase", m.group("phrase"), field, negate=neg))
            elif m.group("range") is not None:
                out.append(_Tok("range", m.group("range"), field, negate=neg))
            else:
                word = m.group("word")
                if word in ("AND", "OR", "NOT") and not field:
                    out.append(_Tok("op", word))
                    continue
                prefix = word.endswith("*")
                word = word.rstrip("*")
                if field and field not in COLUMNS and field != "year":
                    word, field = f"{field} {word}", ""  # an unknown field is just text
                out.append(_Tok("word", word, field, prefix=prefix, negate=neg))
    return out


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _years(spec: str) -> list[int]:
    m = re.fullmatch(r"\[\s*(\d*)\s*(?:TO|to)?\s*(\d*)\s*\]", spec)
    lo, hi = YEARS
    if m:
        lo = int(m.group(1)) if m.group(1) else lo
        hi = int(m.group(2)) if m.group(2) else hi
    else:
        op, num = re.fullmatch(r"([<>]=?)\s*(\d+)", spec).groups()  # type: ignore[union-attr]
        n = int(num)
        lo, hi = {">": (n + 1, hi), ">=": (n, hi), "<": (lo, n - 1), "<=": (lo, n)}[op]
    return list(range(max(lo, YEARS[0]), min(hi, YEARS[1]) + 1))


def _leaf(tok: _Tok) -> str | None:
    """The FTS5 expression for one word/phrase/range, or None when it means nothing."""
    field = tok.field
    if field == "year":
        if tok.kind == "range":
            years = _years(tok.text)
        else:
            years = [int(tok.text)] if tok.text.isdigit() else []
        if not years:
            return f"year : {_quote('yrnone0')}"
        return "year : (" + " OR ".join(year_token(y) for y in years) + ")"
    if tok.kind == "range":
        return None
    if field in _EXACT_FIELDS:
        token = exact_token(_EXACT_FIELDS[field], tok.text)
        if tok.prefix:
            return f"{field} : {token[:-1]} *"
        return f"{field} : {token}"
    text = tok.text.strip()
    if not re.search(r"\w", text):
        return None
    columns = field if field in _TEXT_FIELDS else "{" + " ".join(DEFAULT_COLUMNS) + "}"
    star = " *" if tok.prefix and tok.kind == "word" else ""
    return f"{columns} : {_quote(text)}{star}"


class _Parser:
    """Recursive descent over the lexed tokens: or := and (OR and)*; and := unary+."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse_or(self) -> str | None:
        parts = [self.parse_and()]
        while (t := self.peek()) is not None and t.kind == "op" and t.text == "OR":
            self.i += 1
            parts.append(self.parse_and())
        kept = [p for p in parts if p]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else "(" + " OR ".join(kept) + ")"

    def parse_and(self) -> str | None:
        pos: list[str] = []
        neg: list[str] = []
        while (t := self.peek()) is not None and t.kind != ")":
            if t.kind == "op" and t.text == "OR":
                break
            self.i += 1
            if t.kind == "op":
                if t.text == "NOT" and (n := self.peek()) is not None and n.kind != "op":
                    n.negate = not n.negate
                continue
            if t.kind == "(":
                inner = self.parse_or()
                if (c := self.peek()) is not None and c.kind == ")":
                    self.i += 1
                if inner:
                    (neg if t.negate else pos).append(inner)
                continue
            expr = _leaf(t)
            if expr:
                (neg if t.negate else pos).append(expr)
        if not pos and not neg:
            return None
        base = " AND ".join(pos) if pos else f"status : {EVERY}"
        if neg:
            return f"(({base}) NOT ({' OR '.join(neg)}))"
        return f"({base})" if len(pos) > 1 else base


def to_match(text: str, *, as_you_type: bool = False) -> str | None:
    """The FTS5 MATCH expression for what the user typed, or None for nothing."""
    tidied = tidy(text)
    if as_you_type and text and not text[-1].isspace():
        tidied = mark_prefix(tidied)
    toks = _lex(tidied)
    parser = _Parser(toks)
    out = parser.parse_or()
    while parser.i < len(toks):  # a stray ")" ended the parse early: take the rest too
        parser.i += 1
        more = parser.parse_or()
        if more:
            out = f"{out} AND {more}" if out else more
    return out


__all__ = ["COLUMNS", "DEFAULT_COLUMNS", "EVERY", "MIN_PREFIX", "WEIGHTS", "exact_token"]
