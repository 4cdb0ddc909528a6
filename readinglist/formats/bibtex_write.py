"""Papers -> a .bib file that real `bibtex` (plain.bst) and `biber` read without errors.

Text goes through `tex_escape` (specials escaped, braces always balanced, acronyms
protected in titles). Extra fields read from a .bib pass through as LaTeX, minus any
command that is not a printing macro (`tex_escape.neutralise`: no \\input, \\write18,
\\catcode ...); extra fields read as plain text (marked by formats.clean) are escaped.
For classic BibTeX non-ASCII becomes LaTeX macros where a safe one exists; for
biblatex the file stays UTF-8. URLs/DOIs are verbatim with only file-breaking
characters percent-encoded. Our Markdown note is personal, so it goes
to `annote` (which styles do not print), tags to `keywords`.

Field order is fixed (ours first, then extra fields sorted by name), so the same
papers always give the same bytes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from readinglist.domain import PaperDetail, Person
from readinglist.formats.bibtex_names import BIBTEX_NAME_FIELDS, parse_names
from readinglist.formats.citekey import ascii_words
from readinglist.formats.clean import plain_fields
from readinglist.formats.tex_escape import (
    escape,
    latex_title,
    raw_value,
    tidy_space,
    to_latex,
    to_latex_paragraphs,
    verbatim,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _words_list(text: str) -> list[str]:
    return text.split()


# plain.bst knows these; anything else would draw "entry type isn't style-file defined"
_BIBTEX_TYPES = _words(
    """article book booklet conference inbook incollection inproceedings manual
    mastersthesis misc phdthesis proceedings techreport unpublished"""
)
_TO_BIBTEX = {
    "thesis": "phdthesis",
    "report": "techreport",
    "collection": "book",
    "mvbook": "book",
    "mvcollection": "book",
    "mvproceedings": "proceedings",
    "bookinbook": "inbook",
    "inreference": "incollection",
}
# biblatex entry types, its standard aliases and the "unsupported but known" ones
_BIBLATEX_TYPES = _words(
    """article book mvbook inbook bookinbook suppbook booklet collection mvcollection
    incollection suppcollection dataset manual misc online patent periodical
    suppperiodical proceedings mvproceedings inproceedings reference mvreference
    inreference report software thesis unpublished conference electronic mastersthesis
    phdthesis techreport www artwork audio bibnote commentary image jurisdiction
    legislation legal letter movie music performance review standard video"""
)
# where `venue` goes, by (BibTeX) entry type; other types use howpublished
_VENUE_FIELD = {
    "article": "journal",
    "inproceedings": "booktitle",
    "conference": "booktitle",
    "incollection": "booktitle",
    "inbook": "booktitle",
    "phdthesis": "school",
    "mastersthesis": "school",
    "thesis": "school",
    "techreport": "institution",
    "report": "institution",
    "book": "publisher",
    "proceedings": "publisher",
    "manual": "organization",
}
_BIBLATEX_FIELD = {"journal": "journaltitle", "school": "institution", "address": "location"}
# the same field under its other names: an extra field never repeats one of ours
_ALIASES = {
    "journal": "journaltitle",
    "school": "institution",
    "address": "location",
    "annote": "annotation",
    "archiveprefix": "eprinttype",
    "primaryclass": "eprintclass",
    "year": "date",
    "key": "sortkey",
}
# extra fields that point at other entries (missing in our export -> bibtex errors)
# or that only a reference manager understands
_DROP = _words("crossref xref xdata entryset related ids options execute")
_VERBATIM = _words("url doi eprint file pdf verba verbb verbc urlraw")
_URI_FIELDS = frozenset(("url", "doi", "urlraw"))
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_.:+-]*\Z")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = tuple(
    _words_list(
        "january february march april may june july august september october november december"
    )
)
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
_LAST = frozenset(("abstract", "keywords", "annote", "annotation"))
_KEY_CHARS = re.compile(r"[^A-Za-z0-9_:.+/-]+")
_NAME_TRIGGER = re.compile(r"[{}\\&%$#_~^]")
_NAME_JUNK = str.maketrans("{}\\", "   ")
_WORD_START_SPECIALS = re.compile(r"(?<!\S)[&%$#_~^]+")
_LONE_AMPERSAND = re.compile(r"(?<!\S)&(?!\S)")
_AND = re.compile(r"\band\b", re.IGNORECASE)


def _canonical(name: str) -> str:
    return _ALIASES.get(name, name)


def _month_number(value: str) -> int | None:
    v = value.strip().lower().rstrip(".")
    if v.isdigit():
        return int(v) if 1 <= int(v) <= 12 else None
    for number, (short, full) in enumerate(zip(_MONTHS, _MONTH_NAMES, strict=True), 1):
        if v in (short, full):
            return number
    return None


def _name_part(text: str, ascii_only: bool) -> str:
    """One part of a name, braced when a comma or "and" would split it."""
    value = to_latex(text, ascii_only=ascii_only)
    if "," in value or _AND.search(value):
        return "{" + value + "}"
    return value


def _name_text(text: str) -> str:
    # Braces and backslashes in a name are leftovers of markup; and biber writes a
    # broken .bbl when a name word starts with a LaTeX special (the initial of "\&x"
    # or "{\textbraceleft}x" becomes "\\" or a lone "}"). Inside a word they are fine.
    if not _NAME_TRIGGER.search(text):
        return tidy_space(text)
    text = _LONE_AMPERSAND.sub("and", tidy_space(text.translate(_NAME_JUNK)))
    # tidied again: a part made only of specials ("^ _ $") is empty, not blanks that
    # would write "Family, " (bibtex: "has a comma at the end")
    return tidy_space(_WORD_START_SPECIALS.sub("", text))


@functools.lru_cache(maxsize=1 << 16)  # the same people recur across a library
def format_person(person: Person, *, ascii_only: bool) -> str:
    """BibTeX name syntax "von Last, Jr, First"; a literal name is braced whole."""
    family = _name_text(person.family)
    given = _name_text(person.given)
    if not family:
        family, given = given, ""
    if not family:
        return ""
    prefix, suffix = _name_text(person.prefix), _name_text(person.suffix)
    if not (given or prefix or suffix):
        # institution or mononym: braces stop BibTeX splitting "Barnes and Noble"
        return "{" + to_latex(family, ascii_only=ascii_only) + "}"
    head = _name_part(family, ascii_only)
    if prefix:
        von = to_latex(prefix, ascii_only=ascii_only)
        # BibTeX spots the von part by its lower-case first letter; "Van" is braced
        # so it stays with the family either way
        head = (von if von[:1].islower() else "{" + von + "}") + " " + head
    parts = [head]
    if suffix:
        parts += [_name_part(suffix, ascii_only), _name_part(given, ascii_only) if given else ""]
    elif given:
        parts.append(_name_part(given, ascii_only))
    return ", ".join(parts).strip()


def _entry_type(paper: PaperDetail, biblatex: bool) -> str:
    # The stored type is written as it is, so that importing the file gives the same
    # record back: an article without a journal stays @article, an @online stays
    # @online even for plain.bst (which warns and formats it as @misc). Only a type
    # neither tool knows becomes @misc.
    kind = paper.entry_type.strip().lower() or "misc"
    if biblatex:
        return kind if kind in _BIBLATEX_TYPES else "misc"
    return kind if kind in _BIBTEX_TYPES or kind in _BIBLATEX_TYPES else "misc"


def venue_field(kind: str, biblatex: bool) -> str:
    """The field the venue of an entry of type `kind` is written to (the reader takes
    it back from there)."""
    name = _VENUE_FIELD.get(_TO_BIBTEX.get(kind, kind), "howpublished")
    return _BIBLATEX_FIELD.get(name, name) if biblatex else name


def _key(paper: PaperDetail, used: dict[str, int]) -> str:
    """The stored key, made safe if it is not (it normally is) and unique in this file."""
    key = paper.citation_key.strip()
    if not key.isascii():
        key = "".join(ascii_words(key))
    key = _KEY_CHARS.sub("", key)
    if not key:
        key = f"paper{paper.id}"
    # BibTeX compares keys without case: "Repeated entry" otherwise. `used` maps each
    # lower-cased key to the last suffix tried from it, so repeats stay linear.
    unique, n = key, used.get(key.lower(), -1)
    while unique.lower() in used:
        n += 1
        unique = f"{key}-{n}" if n else key
    used[key.lower()] = n
    used.setdefault(unique.lower(), 0)
    return unique


def _extra_fields(
    paper: PaperDetail, taken: set[str], biblatex: bool, ascii_only: bool
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    plain = plain_fields(paper.extra)
    # an extra never repeats one of our fields under another name (journal and
    # journaltitle); two extras that are aliases (address and location: a publisher's
    # city and a conference's) are both kept, as the file had them
    written: set[str] = set()
    for name in sorted(paper.extra):
        field = name.strip().lower()
        value = paper.extra[name]
        canon = _canonical(field)
        if (
            not _FIELD_NAME.match(field)
            or field in _DROP
            or canon in taken
            or field in written
            or not value.strip()
            or field in ("month", "date", "year")  # handled with the year
        ):
            continue
        written.add(field)
        if field in _VERBATIM:
            out.append((field, "{" + verbatim(value, uri=field in _URI_FIELDS) + "}"))
        elif field in BIBTEX_NAME_FIELDS and name in plain:
            # a name list read as text (CSL editor): names, as biber expects them
            people = (format_person(p, ascii_only=ascii_only) for p in parse_names(value))
            out.append((field, "{" + " and ".join(n for n in people if n) + "}"))
        elif name in plain:
            # read as plain text (CSL, RIS, arXiv, trending): escaped, never run as LaTeX
            text = to_latex_paragraphs(value, ascii_only=ascii_only)
            out.append((field, "{" + text + "}"))
        else:
            out.append((field, "{" + raw_value(value, ascii_only=ascii_only) + "}"))
    return out


# a biblatex date biber reads: 2021, 2021-03, 2021-03-05, ranges with "/"
_BIBLATEX_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/(?:\d{4}(?:-\d{2}(?:-\d{2})?)?)?)?\Z")


def date_restates(date: str, year: int | None, month: str) -> int | None:
    """The year of `date` when it says no more than a year (and a month agreeing with
    `month`, or filling it): "2021" or "2021-03". The reader then keeps year and month
    only, and the writer writes the date back from them. None: keep the date."""
    iso = _ISO_DATE.match(date.strip())
    if not iso or iso.group(3) or (year is not None and int(iso.group(1)) != year):
        return None
    if iso.group(2):
        number = _month_number(month) if month.strip() else int(iso.group(2))
        if not 1 <= int(iso.group(2)) <= 12 or number != int(iso.group(2)):
            return None
    return int(iso.group(1))


def _date_fields(paper: PaperDetail, biblatex: bool) -> list[tuple[str, str]]:
    extra = {k.strip().lower(): v for k, v in paper.extra.items()}
    month = _month_number(extra.get("month", ""))
    year = paper.year
    date = extra.get("date", "").strip()
    iso = _ISO_DATE.match(date)
    if iso and (year is None or int(iso.group(1)) == year):
        year = int(iso.group(1))
        if iso.group(2) and 1 <= int(iso.group(2)) <= 12:
            month = int(iso.group(2))
    if biblatex:
        if (
            date
            and _BIBLATEX_DATE.match(date)
            and (year is None or date.startswith(f"{year:04d}"))
            and not iso
        ):
            return [("date", "{" + date + "}")]  # a range: as the file said it
        if year is None or not 0 <= year <= 9999:
            return []  # biber only reads four-digit years
        day = int(iso.group(3)) if iso and iso.group(3) and iso.group(2) else 0
        if month and 1 <= day <= 28 + (month != 2) * 2 + (month in (1, 3, 5, 7, 8, 10, 12)):
            return [("date", f"{{{year:04d}-{month:02d}-{day:02d}}}")]
        return [("date", f"{{{year:04d}-{month:02d}}}" if month else f"{{{year:04d}}}")]
    fields: list[tuple[str, str]] = []
    if year is not None:
        # four digits: the reader (and bibtex's purify$) take a year as four digits
        fields.append(("year", f"{{{year:04d}}}" if year >= 0 else f"{{{year}}}"))
    if month:
        fields.append(("month", _MONTHS[month - 1]))
    elif extra.get("month", "").strip():
        fields.append(("month", "{" + raw_value(extra["month"], ascii_only=True) + "}"))
    if date and date_restates(date, paper.year, extra.get("month", "")) is None:
        # a day or a range: plain.bst ignores `date`, but importing the file keeps it
        fields.append(("date", "{" + raw_value(date, ascii_only=True) + "}"))
    return fields


def _fields(paper: PaperDetail, kind: str, biblatex: bool) -> list[tuple[str, str]]:
    ascii_only = not biblatex
    fields: list[tuple[str, str]] = []
    names = [n for n in (format_person(p, ascii_only=ascii_only) for p in paper.authors) if n]
    if names:
        fields.append(("author", "{" + " and ".join(names) + "}"))
    if paper.title.strip():
        fields.append(("title", "{" + latex_title(paper.title, ascii_only=ascii_only) + "}"))
    if paper.venue.strip():
        fields.append(
            (venue_field(kind, biblatex), "{" + to_latex(paper.venue, ascii_only=ascii_only) + "}")
        )
    fields += _date_fields(paper, biblatex)
    if paper.doi.strip():
        fields.append(("doi", "{" + verbatim(paper.doi) + "}"))
    if paper.url.strip():
        fields.append(("url", "{" + verbatim(paper.url) + "}"))
    if paper.arxiv_id.strip():
        fields.append(("eprint", "{" + verbatim(paper.arxiv_id) + "}"))
        fields.append(("eprinttype" if biblatex else "archiveprefix", "{arXiv}"))
        if not biblatex and kind == "misc" and "howpublished" not in dict(fields):
            # plain.bst ignores eprint: say where the preprint lives in a printed field
            arxiv = escape(verbatim(paper.arxiv_id), ascii_only=True)
            fields.append(("howpublished", "{ar{X}iv:" + arxiv + "}"))
    if paper.abstract.strip():
        abstract = to_latex_paragraphs(paper.abstract, ascii_only=ascii_only)
        fields.append(("abstract", "{" + abstract + "}"))
    tags = [to_latex(t, ascii_only=ascii_only) for t in paper.tags if t.strip()]
    if tags:
        fields.append(("keywords", "{" + ", ".join(tags) + "}"))
    if paper.note.strip():
        note = note_value(paper.note, ascii_only=ascii_only)
        fields.append(("annotation" if biblatex else "annote", "{" + note + "}"))
    taken = {_canonical(name) for name, _ in fields}
    tail = _extra_fields(paper, taken, biblatex, ascii_only)
    # extras sit before abstract/keywords/annote so the bibliographic part reads first
    split = next((i for i, (n, _) in enumerate(fields) if n in _LAST), len(fields))
    return fields[:split] + tail + fields[split:]


_LINE_BREAK = re.compile(r"\r\n?|\n")


def note_value(note: str, *, ascii_only: bool) -> str:
    """The Markdown note as an `annote` value that keeps its lines: each line escaped
    (the note is text, not LaTeX), its indent kept, the line breaks kept as they are.
    To TeX a line break is a space and a blank line a paragraph, as in Markdown; the
    reader takes the lines back (bibtex_read.note_text)."""
    lines: list[str] = []
    for line in _LINE_BREAK.split(note.strip("\r\n")):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        body = escape(line[len(indent) :].rstrip(), ascii_only=ascii_only)
        # a line starting with @ could look like a new entry to a lenient reader
        lines.append(indent + ("{}" + body if body.startswith("@") else body) if body else "")
    return "\n".join(lines)


def format_entry(paper: PaperDetail, key: str, *, biblatex: bool = False) -> str:
    kind = _entry_type(paper, biblatex)
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {value}," for name, value in _fields(paper, kind, biblatex)]
    lines.append("}")
    return "\n".join(lines)


def write_bibtex(papers: Iterable[PaperDetail], *, biblatex: bool = False) -> str:
    """All papers as one .bib text (UTF-8 for biblatex; ASCII where possible for BibTeX)."""
    used: dict[str, int] = {}
    entries = [format_entry(p, _key(p, used), biblatex=biblatex) for p in papers]
    return "\n\n".join(entries) + "\n" if entries else ""
