"""When two records are one paper, and what the library keeps when they are (issue 9).

A title match alone does not make a duplicate: papers that share a title ("An
amazing title", "Introduction") are told apart by a conflicting DOI or arXiv id,
author lists without a common family name, or years more than one apart. A DOI
or arXiv id match is a duplicate by itself.

Merging keeps what the user chose and takes what is better: empty fields are
filled; a differing non-empty field stays as it is and the imported value is kept
in `conflicts_json` for review; `misc` gives way to a more specific type; a
generated key that nobody has exported or copied gives way to the file's key, and
one made from the title alone is made again (`chang2022maskgit`) when the merge
brings the paper its first authors or year.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..domain import PaperDraft, Person
from ..formats.bibtex_names import BIBTEX_NAME_FIELDS, CSL_NAME_FIELDS, parse_names
from ..formats.citekey import citation_key_for
from ..formats.tex_escape import decode_light
from ..text import find_links, normalise_arxiv_id, normalise_doi, normalise_title
from .convert import authors_from_json, authors_to_json, extra_to_json, short_authors
from .models import Paper

# arXiv's own DOIs (10.48550/arXiv.ID) restate the arXiv id: not a conflicting DOI
_ARXIV_DOI = "10.48550/arxiv."
YEAR_SLACK = 1  # a preprint and its proceedings are often a year apart


def family_key(person: Person) -> str:
    """A family name compared loosely: case and accents folded, spaces collapsed."""
    name = person.family or person.given
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def family_keys(authors: Sequence[Person]) -> frozenset[str]:
    return frozenset(k for k in map(family_key, authors) if k and k != "others")


@dataclass(frozen=True, slots=True)
class Identity:
    """What tells two same-titled records apart."""

    doi_key: str
    arxiv_id: str
    families: frozenset[str]
    year: int | None

    @classmethod
    def of_draft(cls, d: PaperDraft) -> Identity:
        doi = normalise_doi(d.doi) if d.doi else ""
        arxiv = normalise_arxiv_id(d.arxiv_id) if d.arxiv_id else ""
        return cls(doi, arxiv, family_keys(d.authors), d.year)

    @classmethod
    def of_paper(cls, p: Paper) -> Identity:
        return cls(p.doi_key, p.arxiv_id, family_keys(authors_from_json(p.authors_json)), p.year)

    @classmethod
    def of_columns(
        cls, doi_key: str, arxiv_id: str, authors_json: str, year: int | None
    ) -> Identity:
        return cls(doi_key, arxiv_id, family_keys(authors_from_json(authors_json)), year)


# the DOI itself inside a stored value ("http://doi.acm.org/10.1145/x" is 10.1145/x)
_DOI_CORE = re.compile(r"10\.\d{4,9}/\S+")


def doi_core(doi: str) -> str:
    m = _DOI_CORE.search(doi)
    return (m.group(0) if m else doi.strip()).casefold()


def same_paper(a: Identity, b: Identity) -> bool:
    """For two records with the same title: True unless something contradicts it."""
    if a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id:
        return False
    real_doi = [doi_core(d) for d in (a.doi_key, b.doi_key) if d and not d.startswith(_ARXIV_DOI)]
    if len(real_doi) == 2 and real_doi[0] != real_doi[1]:
        return False
    if a.families and b.families and not (a.families & b.families):
        return False
    return not (a.year is not None and b.year is not None and abs(a.year - b.year) > YEAR_SLACK)


# Types that are no more specific than `misc` about what a record is.
_VAGUE_TYPES = frozenset({"", "misc"})
# Extra fields a BibTeX file gives as the venue when there is no journal or booktitle.
_VENUE_EXTRAS = ("publisher", "organization", "institution", "school", "howpublished")
# Types whose venue the BibTeX writer puts in a field of its own (not howpublished).
_VENUE_TYPES = frozenset(
    {"article", "inproceedings", "conference", "incollection", "inbook", "phdthesis"}
    | {"mastersthesis", "thesis", "techreport", "report", "book", "proceedings"}
)


def _plain(text: str) -> str:
    return " ".join(text.split())


def _text_key(text: str) -> str:
    """A value as read: the LaTeX an arXiv abstract or a .bib value carries for plain
    characters (`10\\%`, `na\\"ive`, `\\_`) is the same text as the characters
    themselves, so an export read back never differs from the record it came from."""
    if "\\" in text:
        text = decode_light(text)
    if "{" in text or "}" in text:
        text = _CASE_BRACES.sub("", text)  # {IEEE}: case protection, not text
    return unicodedata.normalize("NFC", _plain(text))


_CASE_BRACES = re.compile(r"(?<!\\)[{}]")


# Extra key listing the plain-text extra fields (formats.clean.PLAIN_FIELDS_KEY; the
# db layer does not import formats): bookkeeping, never a field that can differ.
PLAIN_FIELDS_KEY = "_plain_fields"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = frozenset(
    (
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
    )
)  # fmt: skip


def _month_key(value: str) -> str:
    """ "4", "04", "apr", "April" are one month (CSL says numbers, BibTeX macros)."""
    v = _plain(value).lower().rstrip(".")
    if v.isdigit() and 1 <= int(v) <= 12:
        return _MONTHS[int(v) - 1]
    return v[:3] if v[:3] in _MONTHS and (len(v) == 3 or v in _MONTH_NAMES) else v


_DASHES = re.compile(r"\s*[-\u2010-\u2015]+\s*")
# name lists kept in extra (BibTeX syntax): the same people however they are written
_NAME_FIELDS = BIBTEX_NAME_FIELDS | CSL_NAME_FIELDS


def _same_extra(name: str, a: str, b: str) -> bool:
    if name == "month":
        return _month_key(a) == _month_key(b)
    if name in ("pages", "page"):  # 12-23, 12--23, 12–23
        return _DASHES.sub("-", _text_key(a)) == _DASHES.sub("-", _text_key(b))
    if name in _NAME_FIELDS:
        return [family_key(p) for p in parse_names(a)] == [family_key(p) for p in parse_names(b)]
    return _text_key(a) == _text_key(b)


def text_key(text: str) -> str:
    """A text field as merges compare it (see `_text_key`)."""
    return _text_key(text)


def same_extra(name: str, a: str, b: str) -> bool:
    """Whether two values of extra field `name` say the same (how merges compare)."""
    return _same_extra(name, a, b)


# Entry types that say the same thing in a coarser vocabulary (CSL has one "chapter"
# for inbook and incollection): an import in the other one is no conflict.
_TYPE_FAMILIES = (
    frozenset({"inbook", "incollection", "bookinbook", "inreference"}),
    frozenset({"book", "mvbook", "proceedings", "mvproceedings", "collection", "mvcollection"}),
    frozenset({"inproceedings", "conference"}),
    frozenset({"phdthesis", "mastersthesis", "thesis"}),
    frozenset({"techreport", "report"}),
    frozenset({"online", "www", "electronic"}),
)


def same_type(a: str, b: str) -> bool:
    return a == b or any(a in f and b in f for f in _TYPE_FAMILIES)


def _authors_text(authors: Sequence[Person]) -> str:
    return "; ".join(a.display for a in authors)


@dataclass
class Merged:
    """What one merge did to a paper: fields filled, fields in conflict (name -> value)."""

    filled: list[str]
    conflicts: dict[str, str]
    review_changed: bool = False  # conflicts_json now says something else


def merge_draft(
    p: Paper,
    d: PaperDraft,
    file_key: str,
    claim_key: Callable[[str, str], str],
) -> Merged:
    """Fold duplicate `d` into `p`. `file_key` is d's usable own key ("" if none);
    `claim_key(wanted, old)` returns a free key near `wanted` and records the change."""
    filled: list[str] = []
    conflicts: dict[str, str] = {}
    agreed: set[str] = set()

    def scalar(name: str, label: str, new: str, same: Callable[[str, str], bool]) -> None:
        old = getattr(p, name) or ""
        if not new:
            return
        if not old:
            setattr(p, name, new)
            filled.append(label)
        elif same(old, new):
            agreed.add(name)
        else:
            conflicts[name] = new

    def equal_plain(a: str, b: str) -> bool:
        return _text_key(a) == _text_key(b)

    def equal_title(a: str, b: str) -> bool:
        return normalise_title(a) == normalise_title(b)

    def equal_doi(a: str, b: str) -> bool:
        return doi_core(a) == doi_core(b)

    def equal_arxiv(a: str, b: str) -> bool:
        return normalise_arxiv_id(a) == normalise_arxiv_id(b)

    scalar("title", "title", d.title, equal_title)
    if "title" in filled:
        p.title_key = normalise_title(p.title)
    scalar("abstract", "abstract", d.abstract, equal_plain)
    if "abstract" in filled and p.links_json in ("", "[]"):
        p.links_json = json.dumps(list(find_links(p.abstract)), ensure_ascii=False)
    extra = json.loads(p.extra_json or "{}")
    if (
        not p.venue
        and d.venue
        and any(_text_key(str(extra.get(name, ""))) == _text_key(d.venue) for name in _VENUE_EXTRAS)
    ):
        agreed.add("venue")  # the paper's own publisher (say), which a .bib calls venue
    else:
        scalar("venue", "venue", d.venue, equal_plain)
    scalar("doi", "DOI", d.doi, equal_doi)
    if p.doi and not p.doi_key:
        p.doi_key = normalise_doi(p.doi)
    arxiv = normalise_arxiv_id(d.arxiv_id) if d.arxiv_id else ""
    scalar("arxiv_id", "arXiv id", arxiv, equal_arxiv)
    scalar("url", "URL", d.url, lambda a, b: a.strip() == b.strip())

    if d.year is not None:
        if p.year is None:
            p.year = d.year
            filled.append("year")
        elif p.year != d.year:
            conflicts["year"] = str(d.year)
        else:
            agreed.add("year")

    if d.authors:
        mine = authors_from_json(p.authors_json)
        if not mine:
            p.authors_json = authors_to_json(d.authors)
            p.authors_short = short_authors(d.authors)
            filled.append("authors")
        elif [family_key(a) for a in mine] != [family_key(a) for a in d.authors]:
            conflicts["authors"] = _authors_text(d.authors)
        else:
            agreed.add("authors")

    extra_changed = False
    new_type = (d.entry_type or "").strip().lower()
    if (p.entry_type or "misc") in _VAGUE_TYPES and new_type not in _VAGUE_TYPES:
        p.entry_type = new_type
        filled.append("type")
        # what a misc record kept in howpublished is the venue of the specific type
        published = _plain(extra.get("howpublished", ""))
        if new_type in _VENUE_TYPES and published:
            if not p.venue:
                p.venue = published
                filled.append("venue")
                del extra["howpublished"]
                extra_changed = True
            elif published == _plain(p.venue):
                del extra["howpublished"]
                extra_changed = True
    elif new_type not in _VAGUE_TYPES and not same_type(new_type, p.entry_type):
        conflicts["entry_type"] = new_type
    else:
        agreed.add("entry_type")

    mine_plain = set(str(extra.get(PLAIN_FIELDS_KEY, "")).split())
    new_plain = set(d.extra.get(PLAIN_FIELDS_KEY, "").split())
    for name, value in d.extra.items():
        if not value or name == PLAIN_FIELDS_KEY:
            continue  # the plain-text marker follows the fields it names (below)
        if (
            name == "howpublished"
            and p.entry_type in _VENUE_TYPES
            and _plain(value) == _plain(p.venue)
        ):
            continue  # the venue, said the misc way
        if name not in extra:
            extra[name] = value
            filled.append(name)
            extra_changed = True
            if name in new_plain:
                mine_plain.add(name)
        elif not _same_extra(name, str(extra[name]), value):
            conflicts[name] = value
        else:
            agreed.add(name)
    marker = " ".join(sorted(n for n in mine_plain if n in extra))
    if marker != extra.get(PLAIN_FIELDS_KEY, ""):
        if marker:
            extra[PLAIN_FIELDS_KEY] = marker
        else:
            extra.pop(PLAIN_FIELDS_KEY, None)
        extra_changed = True
    if extra_changed:
        p.extra_json = extra_to_json(extra)

    keeps = p.key_origin != "generated" or p.key_pinned or p.key_used_at is not None
    if file_key:
        if file_key.casefold() == p.citation_key.casefold():
            agreed.add("citation_key")
        elif keeps:
            conflicts["citation_key"] = file_key
        else:
            p.citation_key = claim_key(file_key, p.citation_key)
            p.key_origin = "file"
            filled.append("key")
    elif not keeps and ({"authors", "year"} & set(filled)) and p.year is not None:
        # a key made from the title alone (nobody typed, pinned, exported or copied it)
        # becomes the key an import would have made had it come with authors and year
        authors = authors_from_json(p.authors_json)
        if authors:
            wanted = citation_key_for(authors, p.year, p.title, lambda k: False)
            if wanted.casefold() != p.citation_key.casefold():
                p.citation_key = claim_key(wanted, p.citation_key)
                filled.append("key")

    # the last import's word on each field: what it now agrees with is no conflict
    recorded = json.loads(p.conflicts_json or "{}")
    before = dict(recorded)
    for name in agreed:
        recorded.pop(name, None)
    recorded.update(conflicts)
    review_changed = recorded != before
    if review_changed:
        p.conflicts_json = json.dumps(recorded, ensure_ascii=False, sort_keys=True)
    filled.sort(key=lambda label: _ORDER.get(label, len(_ORDER)) if label != "key" else 99)
    return Merged(filled, conflicts, review_changed)


# how a summary lists what was filled: who, when, where first; the key last
_ORDER = {
    name: n
    for n, name in enumerate(
        ("authors", "title", "year", "venue", "type", "DOI", "arXiv id", "URL", "abstract")
    )
}
