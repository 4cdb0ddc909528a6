"""A "trending papers" web page copied as text: a title line, then its abstract line.

Real copies are messy: page chrome ("Subscribe", "Sign in", copyright and privacy
footers, star counters, newsletter prompts, navigation bars) around and even glued
onto the first title, blank lines, CRLF, HTML entities, abstracts hard-wrapped over
several lines by whatever saved the text, and now and then a card whose abstract (or
title) did not come along. So chrome is dropped first, wrapped lines are joined back
into one logical line, and every logical line is judged on its own — title or
abstract — instead of trusting strict alternation; a lost abstract then costs one
paper its abstract, not every later paper its title.

Judging a line:
  * abstract — long (>= 300 characters or >= 45 words), or several sentences;
  * title    — short, at most one sentence break, no final full stop;
  * either   — anything in between (a one-sentence abstract, a title ending in
               a full stop): it takes whatever the alternation expects next.

A title with no abstract after it becomes a paper with an empty abstract plus a
soft Problem (unless it does not look like a paper title at all: then it is only a
Problem); abstract-like text with no title above it becomes a Problem.

Plain text has no signature, so a page is recognised only POSITIVELY
(`looks_like_trending`): title-shaped lines each followed by a prose abstract (long,
several sentences, ordinary capitalisation, longer than its title), the pairs
repeating, covering most of the text, and next to no lines that are code, markup,
lists, tables or settings. A README, a LICENSE, requirements.txt or a CSV is refused.
LaTeX the authors typed (`na\\"ive`, `\\&`) is kept as is; entities are decoded once
(`&amp;lt;` stays the text `&lt;`).
"""

from __future__ import annotations

import enum
import itertools
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
        "Log out",
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
        "Contact",
        "Terms",
        "Privacy",
        "Privacy Policy",
        "Terms of Service",
        "Terms of Use",
        "Terms and Conditions",
        "Cookie Policy",
        "Cookie Settings",
        "Cookies",
        "Help",
        "FAQ",
        "Blog",
        "Careers",
        "Menu",
        "Back to top",
        "Next",
        "Previous",
        "Star",
        "Fork",
        "Share",
        "Bookmark",
        "Follow",
        "Unsubscribe",
    )
)
# Furniture that a copy can glue onto the start of the next line ("SubscribeSubformer: ...").
_GLUED = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "Subscribe",
)
# "1,234 stars", "· 12.5 stars / hour", "★ 1.2k", "23 Oct 2024": counters and dates
# between cards. Only tried on short lines (see _is_chrome), so it can never cost much.
_NOISE = re.compile(
    r"[^\w]{0,3}\s*(?:(?:star\s*)?\d[\d,.]*\s*k?\s*(?:stars?|forks?|★)?"
    r"(?:\s*/\s*(?:hour|day|week))?(?:\s*[·•|,]\s*\d[\d,.]*\s*k?\s*(?:stars?|forks?|watching))*"
    r"|\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4}|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})",
    re.IGNORECASE,
)
# Footers and prompts that carry their own words: "© 2024 Papers with Code. All rights
# reserved.", "Subscribe to our newsletter", "Enter your email". Anchored and tried on
# short lines only, so a title such as "Privacy-Preserving Learning" is never chrome.
_FOOTER = re.compile(
    r"(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4})|powered by\s|made with\s"
    r"|subscribe (?:to|for|now)\b|sign (?:up|in) (?:to|for|with)\b|enter your e-?mail"
    r"|your e-?mail address|stay (?:informed|up to date) (?:on|with)\b|follow us\b"
    r"|join (?:our|the) (?:newsletter|mailing list)"
    r"|get (?:the )?(?:latest|weekly|daily) .{0,40}inbox"
    r"|(?:privacy|cookie) (?:policy|settings|notice|preferences)\b"
    r"|terms (?:of (?:service|use)|and conditions|& conditions)\b"
    r"|we use cookies|accept (?:all )?cookies"
    r"|unsubscribe\b|no spam\b|back to top\b|read previous issues)",
    re.IGNORECASE,
)
# Found anywhere in a short line: "Papers with Code © 2024", "... All rights reserved."
_FOOTER_ANYWHERE = re.compile(
    r"©|all rights reserved|\bprivacy policy\b|\bterms of (?:service|use)\b", re.IGNORECASE
)
_FOOTER_MAX = 160
# A navigation bar: three or more short items separated by "|", "·" or "•".
_NAV_SPLIT = re.compile(r"\s*[|·•]\s*")
# A sentence ends and the next begins: ". We", "? In", ".) The", ". 3D".
_SENTENCE_BREAK = re.compile(r"[.!?][\"')\]]?\s+[\"'(]?[A-Z0-9]")
# Words that abstracts use and titles rarely do.
_ABSTRACT_VOICE = re.compile(r"\b(?:we|our|this paper|this work|in this)\b", re.IGNORECASE)
# The vocabulary of research abstracts; a README or a story uses little of it.
_ACADEMIC = re.compile(
    r"\b(?:we|our|propose[sd]?|present(?:s|ed)?|introduce[sd]?|paper|work|method|model|"
    r"approach|results?|experiments?|demonstrate[sd]?|show(?:s|n|ed)?|study|framework|"
    r"performance|algorithm|data(?:set)?s?|learning|analysis|evaluate[sd]?|novel|"
    r"state-of-the-art|benchmarks?|outperforms?|achieves?|task|training|networks?|"
    r"baselines?|accuracy|efficient|attention|transformers?|trained|inference)\b",
    re.IGNORECASE,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|please)\b", re.IGNORECASE)
# Lines that no trending page has: Markdown/reST structure, list items, tables, code,
# settings, requirement pins, shell prompts, CSV rows.
_FOREIGN = re.compile(
    r"^(?:#{1,6}\s|={3,}|-{3,}|\*{3,}|`{3}|~{3}|>\s|\|"  # headings, rules, fences, quotes
    r"|[-*+•]\s|\d{1,3}[.)]\s|\[[ xX]\]\s"  # list items
    r"|\$\s|>>>\s|\.\.\s"  # prompts, reST directives
    r"|[A-Za-z_][\w.-]*\s*(?:[<>=!~]=|===|@\s)|[A-Za-z_][\w.\-\[\]]*\s*=\s"  # pins, settings
    r"|(?:def|class|import|from|return|if|for|while|function|var|let|const)\s"
    r"|[\w.-]+\s*$(?<=[a-z0-9_-]))"  # a lone lower-case word: a package name, a key
)
_CODE_HINT = re.compile(r"[{};]\s*$|\(\)|=>|==|!=|->|::|\w\(\w*[,)]|^\s*[@#]\w|\b\w+\.\w+\(")
_CSV_COMMAS = re.compile(r",(?=\S)")
# README section names: headings of software documentation, never paper titles.
_README_HEADINGS = frozenset(
    s.casefold()
    for s in (
        "Installation",
        "Install",
        "Usage",
        "License",
        "Licence",
        "Contributing",
        "Requirements",
        "Features",
        "Overview",
        "Introduction",
        "Getting started",
        "Quick start",
        "Quickstart",
        "Configuration",
        "Examples",
        "Example",
        "Documentation",
        "Support",
        "Authors",
        "Changelog",
        "Changes",
        "Credits",
        "Acknowledgements",
        "Acknowledgments",
        "Development",
        "Testing",
        "Building",
        "Dependencies",
        "Table of contents",
        "Contents",
        "Unreleased",
        "Added",
        "Changed",
        "Fixed",
        "Removed",
        "Deprecated",
        "Security",
    )
)


class _Kind(enum.Enum):
    TITLE = "title"
    ABSTRACT = "abstract"
    EITHER = "either"


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str
    foreign: bool = False  # code, markup, a list item, a setting: no trending page has it


def read(text: str, source: str) -> ParseResult:
    drafts: list[PaperDraft] = []
    problems: list[Problem] = []
    for title, abstract, orphan in _pairs(_content_lines(text)):
        if orphan is not None:
            problems.append(
                Problem(
                    source, orphan.number, f"text with no title above it skipped: {_snip(orphan)}"
                )
            )
            continue
        assert title is not None
        if abstract is None:
            if not _title_shaped(title):
                problems.append(
                    Problem(source, title.number, f"not a paper title, skipped: {_snip(title)}")
                )
                continue
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


def _snip(line: _Line) -> str:
    return repr(line.text[:60] + ("…" if len(line.text) > 60 else ""))


def looks_like_trending(text: str, max_lines: int = 400) -> bool:
    """True when the (first) content is recognisably title + prose-abstract pairs."""
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
    foreign = sum(1 for line in lines if line.foreign)
    if foreign > 0.05 * len(lines):
        return False
    strong = sum(
        1
        for title, abstract, _ in _pairs(lines)
        if title is not None and abstract is not None and _strong_pair(title, abstract)
    )
    # One card pasted alone (title line, prose abstract) is a page of one paper; in
    # anything longer the pair must repeat before it counts as a pattern.
    if len(lines) <= 3:
        return strong == 1 and len(lines) == 2
    return strong >= 2 and 2 * strong >= 0.7 * len(lines)


def _title_shaped(line: _Line) -> bool:
    text = line.text
    words = text.split(" ")
    if line.foreign or not 2 <= len(words) <= 40 or len(text) > 300:
        return False
    if text.casefold() in _README_HEADINGS or not (text[0].isalnum() or text[0] in "\"'“‘(["):
        return False
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 0.5 * len(text.replace(" ", "")):
        return False  # mostly digits and symbols: a version line, a path, a formula row
    if text.isupper() and len(words) > 3:
        return False  # a shouted LICENSE clause
    if _CSV_COMMAS.search(text) and len(_CSV_COMMAS.findall(text)) >= 2:
        return False
    return not text.endswith((":", ",", ";"))


def _prose(line: _Line) -> bool:
    """An abstract: long, several sentences, ordinary capitalisation."""
    text = line.text
    if line.foreign or len(text) < 120 or text.count(" ") < 19:
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘("):
        return False
    if not _SENTENCE_BREAK.search(text):
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    if len(letters) < 0.6 * len(text.replace(" ", "")) or upper > 0.3 * len(letters):
        return False
    if len(_CSV_COMMAS.findall(text)) >= 3 or len(_SECOND_PERSON.findall(text)) >= 2:
        return False
    return len({m.group(0).casefold() for m in _ACADEMIC.finditer(text)}) >= 2


def _strong_pair(title: _Line, abstract: _Line) -> bool:
    return _title_shaped(title) and _prose(abstract) and len(abstract.text) > 2 * len(title.text)


def _content_lines(text: str) -> Iterator[_Line]:
    """Logical lines: chrome removed, entities decoded, spacing collapsed, and a
    hard-wrapped abstract (or title) joined back into one line."""
    text = normalise_newlines(text.removeprefix("\ufeff"))
    width = _wrap_width(text[: 1 << 16])
    start = 0
    parts: list[str] = []
    foreign = False
    last_raw = ""
    after_title = False  # the last logical line was a title, so this one is its abstract
    for number, raw in enumerate(_lines(text), start=1):
        line = collapse(unescape_entities(raw))
        chrome = bool(line) and _is_chrome(line)
        if line and not chrome:  # "Subscribe to our newsletter" is not glued
            unglued = _unglue(line)
            if unglued != line:
                line, chrome = unglued, bool(unglued) and _is_chrome(unglued)
        if not line or chrome:
            if parts:
                done = _Line(start, _join(parts), foreign)
                after_title = _kind(done.text) is _Kind.TITLE
                yield done
                parts = []
            continue
        if parts and width and _wrapped(last_raw, line, width, parts, after_title):
            parts.append(line)
            last_raw = raw
            continue
        if parts:
            done = _Line(start, _join(parts), foreign)
            after_title = _kind(done.text) is _Kind.TITLE
            yield done
        start, parts, last_raw = number, [line], raw
        foreign = _is_foreign(raw, line)
    if parts:
        yield _Line(start, _join(parts), foreign)


def _wrapped(
    previous: str, line: str, width: int, parts: list[str], after_title: bool = False
) -> bool:
    """Whether `line` carries on `previous` in a text folded at `width` columns.

    A folding tool moves a word to the next line only when it does not fit; so when
    the next line's first word would have fitted, `previous` ended by itself (a title,
    the end of an abstract). A fold after a hyphen ("state-of-the-") carries on, and
    so does a lower-case start after an unfinished sentence (folds by hand).
    """
    previous = previous.rstrip()
    if previous.endswith("-") and previous[-2:-1].isalpha():
        return True
    first = line.split(" ", 1)[0]
    if len(previous) + 1 + len(first) > width:
        # A finished sentence followed by a Title-Case line: the next card's title.
        ended = previous.endswith(_SENTENCE_END) or "://" in previous.rsplit(" ", 1)[-1]
        # (a title is at most a few folded lines: never re-join a long paragraph)
        title_so_far = len(parts) <= 3 and _title_case(_join(parts))
        if ended and _title_case(line) and not title_so_far:
            return False  # "... in this domain." / "MaskINT: Video Editing ..."
        # A title, then the first line of its abstract: "... Generative Transformers" /
        # "Transformers have shown improved performance ..."
        starts_abstract = line[0].isupper() and not _title_case(line)
        in_title = not after_title and len(parts) == 1 and _kind(parts[0]) is _Kind.TITLE
        return not (starts_abstract and in_title)
    return line[0].islower() and not previous.endswith((".", "!", "?", ":"))


_SENTENCE_END = (".", "!", "?", '."', ".)", "?)")


_LONG_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{4,}")


def _title_case(line: str) -> bool:
    """Most words of four letters or more start with a capital ("Masked Generative ...")."""
    words = _LONG_WORD.findall(line[:400])
    return bool(words) and sum(1 for w in words if w[0].isupper()) >= 0.6 * len(words)


def _join(parts: list[str]) -> str:
    pieces = [parts[0]]
    for before, part in itertools.pairwise(parts):
        # "state-of-the-" + "art": a fold after a hyphen keeps the word whole
        pieces.append("" if before.endswith("-") and before[-2:-1].isalpha() else " ")
        pieces.append(part)
    return "".join(pieces)


def _wrap_width(sample: str) -> int:
    """The column a hard-wrapped text was folded at, or 0 when it was not folded.

    Folded text has many lines ending near one width (72, 80) and next to none
    longer; a page copied from a browser has abstracts hundreds of characters long.
    """
    lengths = sorted(len(line.rstrip()) for line in sample.split("\n") if line.strip())
    if len(lengths) < 4:
        return 0
    width = lengths[int(0.98 * (len(lengths) - 1))]
    if not 40 <= width <= 130:
        return 0
    near = sum(1 for n in lengths if width - 20 <= n <= width)
    return width if near >= 3 and near >= 0.25 * len(lengths) else 0


def _lines(text: str) -> Iterator[str]:
    """`text.split("\n")` one line at a time: splitting a 100 MB page whole is one C
    call that holds the interpreter, and so the window, for ~0.2 s."""
    start = 0
    find = text.find
    while (end := find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _is_chrome(line: str) -> bool:
    if not any(c.isalpha() for c in line):
        return True  # numbers, bullets, separators
    if line.casefold() in _CHROME:
        return True
    if len(line) > _FOOTER_MAX:
        return False
    if len(line) <= 60 and _NOISE.fullmatch(line) is not None:
        return True
    if _FOOTER.match(line) is not None or _FOOTER_ANYWHERE.search(line) is not None:
        return True
    items = _NAV_SPLIT.split(line)
    return len(items) >= 3 and all(0 < len(item.split()) <= 3 for item in items)


def _is_foreign(raw: str, line: str) -> bool:
    if raw[:1] == "\t" or raw.startswith("    "):
        return True  # indented: code, a quoted block, a licence's indented clause
    if _FOREIGN.match(line) or _CODE_HINT.search(line):
        return True
    if len(_CSV_COMMAS.findall(line)) >= 3:
        return True  # "id,title,year" rows
    return len(line) <= 120 and line.count("/") >= 3 and " " not in line.strip()  # a path/URL


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
