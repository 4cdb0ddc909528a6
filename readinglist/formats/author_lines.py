"""Authors typed by hand, one per line, and back (the edit form, `readinglist edit`).

A line is "Family, Given", "Given Family" or "von Family, Jr., Given" — BibTeX's own
name forms, so particles ("van", "de la") and suffixes land where an import would put
them; a name wrapped whole in braces ("{Google DeepMind}") is one corporate name.
`author_line` writes a Person so that reading the line gives the same Person back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..domain import Person
from .clean import clean_line

__all__ = ["author_line", "author_lines", "authors_from_lines"]

_SUFFIX = re.compile(r"^(?:(?i:jr|sr|junior|senior)\.?|[IVX]+|\d+(?:st|nd|rd|th))$")


def _split_outside_braces(text: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and (ch.isspace() if sep == " " else ch == sep):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts] if sep != " " else [p for p in parts if p]


def _is_lower(word: str) -> bool:
    """A particle ("van", "de"): its first letter outside braces is lower case."""
    depth = 0
    for ch in word:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and ch.isalpha():
            return ch.islower()
    return False


def _text(words: list[str]) -> str:
    # typed text is plain Unicode: braces only group ("--" or "~" mean themselves)
    return " ".join(" ".join(words).replace("{", "").replace("}", "").split())


def _von_last(words: list[str]) -> tuple[list[str], list[str]]:
    end = 0
    for i, word in enumerate(words[:-1]):
        if _is_lower(word):
            end = i + 1
    return words[:end], words[end:]


def _person(line: str) -> Person | None:
    """BibTeX's three name forms, read as plain text: "First von Last",
    "von Last, First", "von Last, Jr, First"."""
    line = clean_line(line).strip().strip(";").strip()
    if not line:
        return None
    if line.lower() == "others":
        return Person(family="others")
    parts = _split_outside_braces(line, ",")
    if len(parts) == 1:
        words = _split_outside_braces(parts[0], " ")
        start = next((i for i, w in enumerate(words[:-1]) if _is_lower(w)), None)
        von: list[str] = []
        if start is None:
            first, last = words[:-1], words[-1:]
        else:
            von, last = _von_last(words[start:])
            first = words[:start]
        p = Person(family=_text(last), given=_text(first), prefix=_text(von))
    else:
        von, last = _von_last(_split_outside_braces(parts[0], " "))
        if not last:
            last, von = von, []
        jr, given = ("", parts[1]) if len(parts) == 2 else (parts[1], ", ".join(parts[2:]))
        if len(parts) > 2 and _SUFFIX.match(given) and not _SUFFIX.match(jr):
            jr, given = given, jr  # "Fulton, James E., Jr.": how people write it
        p = Person(
            family=_text(last),
            given=_text(_split_outside_braces(given, " ")),
            prefix=_text(von),
            suffix=_text(_split_outside_braces(jr, " ")),
        )
    return p if (p.family or p.given) else None


def authors_from_lines(lines: str | Iterable[str]) -> tuple[Person, ...]:
    """Persons from typed lines (a text is split on its line breaks); blank lines are
    skipped. A line "A and B" stays one name: one author per line is the rule."""
    items = lines.splitlines() if isinstance(lines, str) else list(lines)
    return tuple(p for p in map(_person, items) if p is not None)


def _needs_braces(part: str) -> bool:
    """A family name the reader would split or read as a particle: keep it whole."""
    words = part.split()
    return "," in part or (len(words) > 1 and any(_is_lower(w) for w in words))


def author_line(p: Person) -> str:
    """The line that reads back as `p`."""
    family = f"{{{p.family}}}" if p.family and _needs_braces(p.family) else p.family
    if not (p.given or p.prefix or p.suffix):
        if " " in family and not family.startswith("{"):
            family = f"{{{family}}}"  # "Google DeepMind": one corporate name
        return family
    front = f"{p.prefix} {family}" if p.prefix else family
    given = f"{{{p.given}}}" if "," in p.given else p.given
    return f"{front}, {p.suffix}, {given}" if p.suffix else f"{front}, {given}"


def author_lines(authors: Iterable[Person]) -> str:
    return "\n".join(author_line(p) for p in authors)
