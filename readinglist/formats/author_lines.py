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
from .bibtex_names import parse_name
from .clean import clean_line

__all__ = ["author_line", "author_lines", "authors_from_lines"]

_LOWER_WORD = re.compile(r"(?:^|\s)[^\W\d_A-Z]", re.UNICODE)


def _person(line: str) -> Person | None:
    line = clean_line(line).strip().strip(";")
    if not line:
        return None
    if line.lower() == "others":
        return Person(family="others")
    p = parse_name(line)
    return p if (p.family or p.given) else None


def authors_from_lines(lines: str | Iterable[str]) -> tuple[Person, ...]:
    """Persons from typed lines (a text is split on its line breaks); blank lines are
    skipped. A line "A and B" stays one name: one author per line is the rule."""
    items = lines.splitlines() if isinstance(lines, str) else list(lines)
    return tuple(p for p in map(_person, items) if p is not None)


def _needs_braces(part: str) -> bool:
    """A family name the reader would split or read as a particle: keep it whole."""
    return bool(
        "," in part
        or (" " in part and _LOWER_WORD.search(part))
        or (not part[:1].isupper() and " " in part)
    )


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
