"""Imported text, cleaned before it enters the library.

Readers keep what a file says; this is the one place that decides what may be
stored. Control characters (NUL, ESC, C0/C1), bidirectional overrides and invisible
characters (soft hyphen, zero-width space, BOM) never reach the database: they drive
terminals, reorder what is shown and break search and duplicate detection.
Single-line fields (title, venue, names, ids, tags) get no line breaks at all;
abstracts, notes and extra fields keep their newlines and tabs.

It also records which extra fields are plain text (everything not read from a .bib),
under PLAIN_FIELDS_KEY, so that the BibTeX writer escapes them instead of passing
them through as LaTeX (a CSL `note` of `\\input{/etc/hostname}` must print, not run).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from types import MappingProxyType

from readinglist.domain import PaperDraft, Person, SourceFormat
from readinglist.text import BIDI_CONTROLS, INVISIBLE

# Extra key (never a BibTeX/CSL field name: those start with a letter) listing, space
# separated, the extra fields that hold plain text rather than LaTeX.
PLAIN_FIELDS_KEY = "_plain_fields"

# Zero-width (non-)joiners shape Persian, Indic scripts and emoji sequences: kept
# between two non-ASCII characters, dropped elsewhere ("Un\u200dder" is a trick).
_JOINERS = "\u200c\u200d"
_DROPPED = "".join(c for c in INVISIBLE + BIDI_CONTROLS if c not in _JOINERS)
_NEEDS_WORK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + INVISIBLE + BIDI_CONTROLS + "]")
_C0_C1_BLOCK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but \t and \n
_JOINER_RUN = re.compile(f"[{_JOINERS}]+")
_DROP_TABLE = dict.fromkeys(map(ord, _DROPPED))


def clean_block(text: str) -> str:
    """Multi-line text: newlines (CR, CRLF, U+2028/9 made \\n) and tabs kept, no other
    control, bidi or invisible character."""
    if not _NEEDS_WORK.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    # joiners last: whether one stays depends on its neighbours as they end up
    text = _C0_C1_BLOCK.sub("", text.translate(_DROP_TABLE))
    return _JOINER_RUN.sub(_joiners, text) if "\u200c" in text or "\u200d" in text else text


def _joiners(m: re.Match[str]) -> str:
    """A run of joiners stays only between two non-ASCII characters."""
    text, start, end = m.string, m.start(), m.end()
    inside = start > 0 and end < len(text) and not text[start - 1].isascii()
    return m.group(0) if inside and not text[end].isascii() else ""


def clean_line(text: str) -> str:
    """A single-line value: line breaks and tabs become spaces, no control, bidi or
    invisible character; runs of spaces made by the cleaning are folded."""
    if not _NEEDS_WORK.search(text):
        return text
    text = clean_block(text).replace("\t", " ").replace("\n", " ")
    return " ".join(text.split())


def _person(p: Person) -> Person:
    return Person(*(clean_line(part) for part in (p.family, p.given, p.prefix, p.suffix)))


def _extra(extra: Mapping[str, str], fmt: SourceFormat | None) -> Mapping[str, str]:
    out = {clean_line(k): clean_block(v) for k, v in extra.items() if k != PLAIN_FIELDS_KEY}
    if fmt is not SourceFormat.BIBTEX:
        plain = sorted(k for k in out if k)
    else:
        # the BibTeX reader marks the fields whose LaTeX was only escaped text and
        # stores them decoded; marking more fields plain only escapes more on export
        marked = set(extra.get(PLAIN_FIELDS_KEY, "").split())
        plain = sorted(k for k in out if k and k in marked)
    if plain:
        out[PLAIN_FIELDS_KEY] = " ".join(plain)
    return MappingProxyType(out)


def clean_draft(draft: PaperDraft, fmt: SourceFormat | None) -> PaperDraft:
    """The draft with every text field cleaned (see module doc). `fmt` is the format it
    was read from: only BibTeX extras are LaTeX; None (typed in, looked up) is plain."""
    if not _NEEDS_WORK.search(_all_text(draft)):  # the common case: one scan, no copy
        if fmt is not SourceFormat.BIBTEX and draft.extra:
            return dataclasses.replace(draft, extra=_extra(draft.extra, fmt))
        if fmt is SourceFormat.BIBTEX and PLAIN_FIELDS_KEY in draft.extra:
            return dataclasses.replace(draft, extra=_extra(draft.extra, fmt))
        return draft
    return dataclasses.replace(
        draft,
        title=clean_line(draft.title),
        abstract=clean_block(draft.abstract),
        authors=tuple(_person(p) for p in draft.authors),
        venue=clean_line(draft.venue),
        doi=clean_line(draft.doi),
        arxiv_id=clean_line(draft.arxiv_id),
        url=clean_line(draft.url),
        entry_type=clean_line(draft.entry_type),
        source_key=clean_line(draft.source_key),
        tags=tuple(clean_line(t) for t in draft.tags),
        note=clean_block(draft.note),
        extra=_extra(draft.extra, fmt),
    )


def _all_text(d: PaperDraft) -> str:
    people = (part for p in d.authors for part in (p.family, p.given, p.prefix, p.suffix))
    fields = (d.title, d.abstract, d.venue, d.doi, d.arxiv_id, d.url, d.entry_type, d.note)
    return " ".join((*fields, d.source_key, *d.tags, *people, *d.extra, *d.extra.values()))


def plain_fields(extra: Mapping[str, str]) -> frozenset[str]:
    """The extra fields marked as plain text (see PLAIN_FIELDS_KEY)."""
    return frozenset(extra.get(PLAIN_FIELDS_KEY, "").split())
