"""A "trending papers" web page copied as text: a title line, then its abstract line.

Real copies are messy: page chrome ("Subscribe", "Sign in") around and even glued
onto the first title, blank lines, CRLF, HTML entities, and now and then a card
whose abstract (or title) did not come along. So every line is judged on its own —
title or abstract — instead of trusting strict alternation; a lost abstract then
costs one paper its abstract, not every later paper its title.

Judging a line:
  * abstract — long (>= 300 characters or >= 45 words), or several sentences;
  * title    — short, at most one sentence break, no final full stop;
  * either   — anything in between (a one-sentence abstract, a title ending in
               a full stop): it takes whatever the alternation expects next.

A title with no abstract after it becomes a paper with an empty abstract plus a
soft Problem; abstract-like text with no title above it becomes a Problem.
LaTeX the authors typed (`na\\"ive`, `\\&`) is kept as is.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from readinglist.domain import PaperDraft, ParseResult, Problem, SourceFormat
from readinglist.formats.decode import normalise_newlines
from readinglist.formats.import_fields import collapse, unescape_entities

__all__ = ["looks_like_trending", "read"]

# Whole lines of page furniture (compared case-insensitively).
_CHROME = frozenset(
    line.casefold()
    for line in (
        "Get trending papers in your email inbox once a day!",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "Trending Papers",
        "Trending",
        "Trending Research",
        "Latest",
        "Greatest",
        "Sign in",
        "Sign up",
        "Sign out",
        "Log in",
        "Login",
        "Papers with Code",
        "Browse State-of-the-Art",
        "Datasets",
        "Methods",
        "More",
        "Newsletter",
        "Read previous issues",
        "About",
        "Trends",
        "Portals",
        "Libraries",
        "Search",
        "Home",
        "Paper",
        "Code",
        "Stars",
        "Load more",
        "Show more",
        "View all",
        "Daily Papers",
        "Contact us",
        "Terms",
        "Privacy",
    )
)
# Furniture that a copy can glue onto the start of the next line ("SubscribeSubformer: ...").
_GLUED = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "Subscribe",
)
# "1,234 stars", "· 12.5 stars / hour", "23 Oct 2024": counters and dates between cards.
# Only tried on short lines (see _is_noise), so it can never cost much.
_NOISE = re.compile(
    r"[^\w]{0,3}\s*(?:\d[\d,.]*\s*k?\s*stars?(?:\s*/\s*(?:hour|day))?"
    r"|\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4})",
    re.IGNORECASE,
)
# A sentence ends and the next begins: ". We", "? In", ".) The", ". 3D".
_SENTENCE_BREAK = re.compile(r"[.!?][\"')\]]?\s+[\"'(]?[A-Z0-9]")
# Words that abstracts use and titles rarely do.
_ABSTRACT_VOICE = re.compile(r"\b(?:we|our|this paper|this work|in this)\b", re.IGNORECASE)


class _Kind(enum.Enum):
    TITLE = "title"
    ABSTRACT = "abstract"
    EITHER = "either"


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str


def read(text: str, source: str) -> ParseResult:
    drafts: list[PaperDraft] = []
    problems: list[Problem] = []
    for title, abstract, orphan in _pairs(_content_lines(text)):
        if orphan is not None:
            snippet = orphan.text[:60] + ("…" if len(orphan.text) > 60 else "")
            problems.append(
                Problem(source, orphan.number, f"text with no title above it skipped: {snippet!r}")
            )
            continue
        assert title is not None
        if abstract is None:
            problems.append(
                Problem(source, title.number, "no abstract after this title; imported without one")
            )
        drafts.append(
            PaperDraft(
                title=title.text,
                abstract=abstract.text if abstract else "",
                entry_type="misc",  # a web listing: no venue, no publication type
                line=title.number,
            )
        )
    return ParseResult(tuple(drafts), tuple(problems), SourceFormat.TRENDING)


def looks_like_trending(text: str, max_lines: int = 400) -> bool:
    """True when most of the (first) content lines pair up as title + abstract."""
    # 400 lines fit well within the first MB; splitting a 100 MB page whole would
    # hold the interpreter (and the window) for a noticeable moment
    head = text[: 1 << 20]
    if len(head) < len(text):
        head = head[: head.rfind("\n") + 1] or head
    lines = []
    for line in _content_lines(head):
        lines.append(line)
        if len(lines) >= max_lines:
            break
    if len(lines) < 2:
        return False
    paired = sum(2 for title, abstract, _ in _pairs(lines) if title and abstract)
    return paired >= 0.6 * len(lines)


def _content_lines(text: str) -> Iterator[_Line]:
    """Non-empty lines with chrome removed, entities decoded and spacing collapsed."""
    text = normalise_newlines(text.removeprefix("\ufeff"))
    for number, raw in enumerate(_lines(text), start=1):
        line = collapse(unescape_entities(raw))
        line = _unglue(line)
        if not line or line.casefold() in _CHROME or _is_noise(line):
            continue
        yield _Line(number, line)


def _lines(text: str) -> Iterator[str]:
    """`text.split("\n")` one line at a time: splitting a 100 MB page whole is one C
    call that holds the interpreter, and so the window, for ~0.2 s."""
    start = 0
    find = text.find
    while (end := find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _is_noise(line: str) -> bool:
    if not any(c.isalpha() for c in line):
        return True  # numbers, bullets, separators
    return len(line) <= 40 and _NOISE.fullmatch(line) is not None


def _unglue(line: str) -> str:
    changed = True
    while changed:
        changed = False
        for chrome in _GLUED:
            rest = line[len(chrome) :]
            # "SubscribeSubformer" loses its prefix; "Subscriber churn ..." does not.
            if line.startswith(chrome) and rest and not rest[0].islower():
                line = rest.lstrip()
                changed = True
    return line


def _kind(line: str) -> _Kind:
    words = line.count(" ") + 1
    breaks = len(_SENTENCE_BREAK.findall(line))
    if len(line) >= 300 or words >= 45 or (breaks >= 2 and words >= 15):
        return _Kind.ABSTRACT
    full_stop = line.endswith(".") and not line.endswith("..")
    if full_stop or breaks >= 2 or len(line) > 250:
        return _Kind.EITHER
    if words >= 12 and _ABSTRACT_VOICE.search(line):
        return _Kind.EITHER
    return _Kind.TITLE


# (title, abstract, None) for a paper, abstract None when missing; (None, None, orphan) else.
_Pair = tuple[_Line | None, _Line | None, _Line | None]


def _pairs(lines: Iterable[_Line]) -> Iterator[_Pair]:
    pending: _Line | None = None
    for line in lines:
        kind = _kind(line.text)
        if kind is _Kind.EITHER:
            kind = _Kind.ABSTRACT if pending is not None else _Kind.TITLE
        if kind is _Kind.TITLE:
            if pending is not None:
                yield pending, None, None
            pending = line
        elif pending is not None:
            yield pending, line, None
            pending = None
        else:
            yield None, None, line
    if pending is not None:
        yield pending, None, None
