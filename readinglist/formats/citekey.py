"""Citation keys for papers entering the library.

Style: `lastnameYEARfirstword`, e.g. `chang2022maskgit`. Without a usable first
author or a year the key is the first three significant title words run together,
e.g. `subformerexploringweight`; without a usable title either it is the name and/or
year (`knuth`, `paper1974`), and with nothing usable at all `paper`. A clash
gets a suffix `a`..`z`, `aa`, `ab`, ... Keys hold only `[a-z0-9]`, so they are safe
in BibTeX, biber and LaTeX `\\cite{}` alike. A record that brings its own key keeps
it; a generated key gives way only to an imported file's key, and only while nobody
has exported or copied it (db/merge.py). This module only makes new ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from itertools import count, product
from string import ascii_lowercase

from readinglist.domain import Person


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a title key skips: they tell papers apart poorly ("a", "towards", ...).
STOP_WORDS = _words("""a an the on of in for to and or with without via from by at as into onto
    towards toward about over under is are be do does can we our what how why when
    using based new""")
TITLE_WORDS = 3  # significant words in a key made from the title alone
MAX_PART = 30  # longest name or word part; very long tokens make unwieldy keys

# Letters NFKD does not decompose into ASCII base + accent.
_TRANSLIT = str.maketrans(
    {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae",
     "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i", "ß": "ss"}
)  # fmt: skip
_NON_KEY = re.compile(r"[^a-z0-9]+")


def ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of `text`: accents folded, everything else a separator."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    folded = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return [w for w in _NON_KEY.split(folded) if w]


def _name_part(person: Person) -> str:
    words = ascii_words(person.family or person.given)
    if not person.given:
        # a literal/institutional name: its first significant word ("royal" society)
        words = [w for w in words if w not in STOP_WORDS] or words
        words = words[:1]
    return "".join(words)[:MAX_PART]


def _title_words(title: str) -> list[str]:
    words = ascii_words(title)
    significant = [w for w in words if w not in STOP_WORDS]
    return [w[:MAX_PART] for w in (significant or words)]


def key_suffixes() -> Iterator[str]:
    """a, b, ..., z, aa, ab, ..., zz, aaa, ... (deterministic, unbounded)."""
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


def citation_key_for(
    authors: Sequence[Person], year: int | None, title: str, taken: Callable[[str], bool]
) -> str:
    """A new key not `taken`: `chang2022maskgit`, or a title slug without author/year."""
    name = _name_part(authors[0]) if authors else ""
    words = _title_words(title)
    if name and year is not None:
        base = f"{name}{year}{words[0] if words else ''}"
    elif words:
        base = "".join(words[:TITLE_WORDS])
    else:
        # no usable title (an untitled record): who and when, as far as known
        base = f"{name or 'paper'}{'' if year is None else year}"
    base = _NON_KEY.sub("", base.lower()) or "paper"
    if not taken(base):
        return base
    return next(base + s for s in key_suffixes() if not taken(base + s))
