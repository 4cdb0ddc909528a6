"""BibTeX name lists -> Person values, following BibTeX's own rules.

A list is split on the word "and" outside braces. Each name has one of three forms:
"First von Last", "von Last, First" and "von Last, Jr, First"; the von part is the
run of words that start with a lower-case letter (looking through accent macros such as
`{\\'e}`), and a word wrapped whole in braces (`{Barnes and Noble, Inc.}`) counts as
neither case, so it is kept together as a literal family name. `and others` becomes
Person("others"): the list was cut short, and the writer can put `and others` back.
"""

from __future__ import annotations

import re

from ..domain import Person
from .latex import latex_to_text

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SPACE = re.compile(r"[\s~]+")
_COMMA = re.compile(",")
_CONTROL_NAME = re.compile(r"[A-Za-z]+|.", re.DOTALL)
# accent macros whose name is a letter: \c{c}, \v{S} (the accented letter decides the case)
_LETTER_ACCENTS = frozenset(["c", "v", "u", "H", "k", "r", "d", "b", "t"])


def _depth_zero_spans(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split `text` on matches of `pattern` that lie outside braces."""
    if "{" not in text and "}" not in text:
        return pattern.split(text)  # the same split (no pattern here matches ""), in C
    parts: list[str] = []
    depth = 0
    start = 0
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            m = pattern.match(text, pos)
            if m and m.end() > pos:
                parts.append(text[start:pos])
                start = pos = m.end()
                continue
        pos += 1
    parts.append(text[start:])
    return parts


def split_names(value: str) -> list[str]:
    """The raw names of a BibTeX name list, in order, empty ones dropped."""
    padded = f" {value.strip()} "  # so that a leading/trailing "and" still splits
    return [n.strip() for n in _depth_zero_spans(padded, _AND) if n.strip()]


def _group_end(word: str, start: int) -> int:
    depth = 0
    for i in range(start, len(word)):
        if word[i] == "{":
            depth += 1
        elif word[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(word)


def _is_lower(word: str) -> bool | None:
    """Case of a word as BibTeX sees it: True lower, False upper, None caseless.

    The first letter outside braces decides; a braced group is skipped (caseless) unless
    it is a "special character" like {\\'e} or {\\ss}, whose letter decides.
    """
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "{" and not word.startswith("{\\", i):
            i = _group_end(word, i)
            continue
        if ch in "{\\":
            m = _CONTROL_NAME.match(word, i + (2 if ch == "{" else 1))
            if m is None:
                return None
            name = m.group(0)
            if name.isalpha() and name not in _LETTER_ACCENTS:
                return name[0].islower()  # {\ss}, \L, \o: the macro is the letter
            letters = [c for c in word[m.end() :] if c.isalpha()]  # \'e, \v{S}
            return letters[0].islower() if letters else None
        if ch.isalpha():
            return ch.islower()
        i += 1
    return None


def _words(part: str) -> list[str]:
    return [w for w in _depth_zero_spans(part.strip(), _SPACE) if w]


def _text(words: list[str]) -> str:
    return " ".join(latex_to_text(" ".join(words)).split())


def _von_last(words: list[str]) -> tuple[list[str], list[str]]:
    """Split "von Last" words: von ends at the last lower-case word, Last keeps >= 1 word."""
    von_end = 0
    for i, word in enumerate(words[:-1]):
        if _is_lower(word):
            von_end = i + 1
    return words[:von_end], words[von_end:]


_SUFFIX = re.compile(r"^(?:(?i:jr|sr|junior|senior)\.?|[IVX]+|\d+(?:st|nd|rd|th))$")


def _is_suffix(part: str) -> bool:
    return bool(_SUFFIX.match(part.strip()))


def parse_name(name: str) -> Person:
    """One raw BibTeX name -> Person (parts decoded to Unicode)."""
    parts = [p.strip() for p in _depth_zero_spans(name, _COMMA)]
    von: list[str] = []
    if len(parts) == 1:
        words = _words(parts[0])
        if not words:
            return Person(family="")
        # First von Last: von starts at the first lower-case word that is not the last word
        start = next((i for i, w in enumerate(words[:-1]) if _is_lower(w)), None)
        if start is None:
            first, last = words[:-1], words[-1:]
        else:
            von, last = _von_last(words[start:])
            first = words[:start]
        return Person(family=_text(last), given=_text(first), prefix=_text(von))
    von, last = _von_last(_words(parts[0]))
    if len(parts) == 2:
        jr, given = "", parts[1]
    else:  # von Last, Jr, First (a further comma is part of First)
        jr, given = parts[1], ", ".join(parts[2:])
        if _is_suffix(given) and not _is_suffix(jr):
            # "Fulton, James E., Jr.": how people (and Crossref) write it, not BibTeX's order
            jr, given = given, jr
    if not last:  # ", First": nothing before the comma
        last, von = von, []
    return Person(
        family=_text(last),
        given=_text(_words(given)),
        prefix=_text(von),
        suffix=_text(_words(jr)),
    )


def parse_names(value: str) -> tuple[Person, ...]:
    """A whole `author`/`editor` value -> Persons; nameless entries are dropped."""
    people = []
    for raw in split_names(value):
        person = Person(family="others") if raw.lower() == "others" else parse_name(raw)
        if person.family or person.given:
            people.append(person)
    return tuple(people)


# Name lists other than the authors, in BibTeX/biblatex and in CSL: stored in `extra`
# as BibTeX name-list text (plain), so both writers can write them as names.
BIBTEX_NAME_FIELDS = frozenset(
    [
        "editor",
        "translator",
        "editora",
        "editorb",
        "editorc",
        "bookauthor",
        "commentator",
        "annotator",
    ]
)
CSL_NAME_FIELDS = frozenset(
    [
        "editor",
        "translator",
        "container-author",
        "collection-editor",
        "composer",
        "director",
        "editorial-director",
        "illustrator",
        "interviewer",
        "original-author",
        "recipient",
        "reviewed-author",
        "chair",
        "compiler",
        "contributor",
        "curator",
        "executive-producer",
        "guest",
        "host",
        "narrator",
        "organizer",
        "performer",
        "producer",
        "script-writer",
        "series-creator",
    ]
)


def name_list_text(people: tuple[Person, ...]) -> str:
    """Persons as a plain BibTeX name list ("Family, Given and {Corporate Name}"),
    which `parse_names` reads back to the same persons."""
    out: list[str] = []
    for p in people:
        family = (
            "{" + p.family + "}" if ("," in p.family or _AND.search(f" {p.family} ")) else p.family
        )
        if not (p.given or p.prefix or p.suffix):
            out.append("{" + p.family + "}" if " " in p.family.strip() else family)
            continue
        head = f"{p.prefix} {family}" if p.prefix else family
        parts = [head, p.suffix, p.given] if p.suffix else [head, p.given]
        out.append(", ".join(parts))
    return " and ".join(out)
