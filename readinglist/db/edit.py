"""Editing a paper by hand (issue 9): checks, then one write over an open Session.

`edit_problems` says what is wrong with an edit, per field, in words the edit form
shows under the field and the CLI prints; `apply_edit` writes a checked edit and
drops the paper's "differs from the last import" notes for the fields the user set
(the user has decided them). `revert_edit` puts fields back as a PaperDetail had
them (undo), key origin and notes included. The Library owns the transactions.
"""

from __future__ import annotations

import dataclasses
import json
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain import EDIT_FIELD_LABELS, NO_YEAR, LibraryError, PaperDetail, PaperEdit
from ..formats.clean import clean_block, clean_line
from ..text import find_links, normalise_arxiv_id, normalise_doi, normalise_title
from .convert import authors_to_json, short_authors
from .models import Paper
from .papers import paper as paper_to_change
from .store import next_seq

__all__ = [
    "FIELD_LABELS",
    "apply_edit",
    "cleaned",
    "edit_problems",
    "revert_edit",
    "undo_edit",
    "write_edit",
]

FIELD_LABELS = EDIT_FIELD_LABELS

YEAR_MIN = 1000
KEY_MAX = 200  # the column's length
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
# new style 2202.04200 (4 or 5 digits after the dot), old style hep-th/9901001 or
# math.CO/0501001; a version suffix is allowed and dropped
_ARXIV = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})")
_ARXIV_PREFIX = re.compile(
    r"^(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE
)
_KEY = re.compile(r"[A-Za-z0-9_:.+\-/]+")
_TYPE = re.compile(r"[a-z]+")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def _bare_doi(value: str) -> str:
    return _DOI_PREFIX.sub("", value.strip())


def _bare_arxiv(value: str) -> str:
    v = _ARXIV_PREFIX.sub("", value.strip()).removesuffix(".pdf")
    return re.sub(r"v\d+$", "", v)


def _arxiv_ok(value: str) -> bool:
    """arXiv's own rules: YYMM a real month from 0704 (old style from 9108); the
    number after the dot has 4 digits until 1412 and 5 from 1501."""
    if not _ARXIV.fullmatch(value):
        return False
    stamp, _, number = value.rpartition("/")[2].partition(".")
    if not number:  # old style: archive/YYMMNNN
        stamp = value.rpartition("/")[2][:4]
    yymm = int(stamp[:2]) * 100 + int(stamp[2:4])
    if not 1 <= yymm % 100 <= 12:
        return False
    if not number:
        return yymm >= 9108 or yymm <= 712
    return yymm >= 704 and len(number) == (4 if yymm <= 1412 else 5)


def cleaned(edit: PaperEdit) -> PaperEdit:
    """The edit as it will be stored: typed text without control or invisible
    characters, DOI and arXiv id in their bare forms, the type in lower case."""

    def line(v: str | None) -> str | None:
        return None if v is None else clean_line(v).strip()

    authors = edit.authors
    if authors is not None:
        authors = tuple(
            dataclasses.replace(
                a, **{f: clean_line(getattr(a, f)).strip() for f in ("family", "given")}
            )
            for a in authors
        )
        authors = tuple(a for a in authors if a.family or a.given)
    return dataclasses.replace(
        edit,
        title=line(edit.title),
        authors=authors,
        venue=line(edit.venue),
        entry_type=None if edit.entry_type is None else edit.entry_type.strip().lower(),
        doi=None if edit.doi is None else _bare_doi(clean_line(edit.doi)),
        arxiv_id=None if edit.arxiv_id is None else _bare_arxiv(clean_line(edit.arxiv_id)),
        url=line(edit.url),
        citation_key=line(edit.citation_key),
        abstract=None if edit.abstract is None else clean_block(edit.abstract).strip(),
    )


def syntax_problems(edit: PaperEdit, this_year: int) -> dict[str, str]:
    """What is wrong with a cleaned edit on its own (no database needed)."""
    out: dict[str, str] = {}
    if edit.year is not None and edit.year != NO_YEAR:
        top = this_year + 1
        if not YEAR_MIN <= edit.year <= top:
            out["year"] = f"year {edit.year} is not between {YEAR_MIN} and {top}"
    if edit.doi and not _DOI.fullmatch(edit.doi):
        out["doi"] = f"{edit.doi!r} is not a DOI (10.NNNN/…, e.g. 10.1145/3292500.3330701)"
    if edit.arxiv_id and not _arxiv_ok(edit.arxiv_id):
        out["arxiv_id"] = f"{edit.arxiv_id!r} is not an arXiv id (2202.04200 or hep-th/9901001)"
    if edit.url and not _URL.fullmatch(edit.url):
        out["url"] = "a URL starts with http:// or https:// and has no spaces"
    if edit.entry_type is not None and not _TYPE.fullmatch(edit.entry_type):
        out["entry_type"] = "an entry type is one word of letters (article, misc, …)"
    key = edit.citation_key
    if key is not None:
        if not key:
            out["citation_key"] = "a citation key cannot be empty"
        elif len(key) > KEY_MAX:
            out["citation_key"] = f"a citation key has at most {KEY_MAX} characters"
        elif not _KEY.fullmatch(key):
            bad = "".join(dict.fromkeys(c for c in key if not _KEY.fullmatch(c)))
            out["citation_key"] = (
                f"a citation key may hold only letters A-Z, digits and _ : . + - / (not {bad!r})"
            )
    return out


def key_owner(s: Session, key: str, paper_id: int) -> Paper | None:
    """Another paper (trash included) whose key equals `key`, case ignored: BibTeX
    and biber treat keys that differ only in case as one."""
    q = select(Paper).where(func.lower(Paper.citation_key) == key.lower(), Paper.id != paper_id)
    return s.scalars(q.limit(1)).first()


def edit_problems(s: Session, paper_id: int, edit: PaperEdit, this_year: int) -> dict[str, str]:
    """Field -> message for a cleaned edit; empty when it may be written. A value the
    paper already holds is not judged again (an imported DOI in an old form, kept
    while the user fixes another field)."""
    out = syntax_problems(edit, this_year)
    paper = s.get(Paper, paper_id)
    if paper is not None:
        for name in list(out):
            if getattr(edit, name) == getattr(paper, name):
                del out[name]
    if edit.citation_key and "citation_key" not in out:
        other = key_owner(s, edit.citation_key, paper_id)
        if other is not None:
            where = " (in the Trash)" if other.trashed_at is not None else ""
            out["citation_key"] = (
                f"the key {other.citation_key!r} is taken by paper {other.id}{where}"
            )
    return out


def _current(p: Paper, name: str) -> object:
    if name == "authors":
        return p.authors_json
    if name == "year":
        return p.year
    if name == "key_pinned":
        return bool(p.key_pinned)
    return getattr(p, name) or ""


def apply_edit(p: Paper, edit: PaperEdit) -> tuple[list[str], bool]:
    """Write a cleaned, checked edit into `p`: (fields whose value changed, whether
    the paper's import notes changed). Does not bump the change sequence."""
    changed: list[str] = []
    for name in edit.given():
        value = getattr(edit, name)
        before = _current(p, name)
        if name == "authors":
            new_json = authors_to_json(value)
            if new_json != before:
                p.authors_json = new_json
                p.authors_short = short_authors(value)
                changed.append(name)
            continue
        if name == "year":
            value = None if value == NO_YEAR else value
        if value == before:
            continue
        setattr(p, name, value)
        changed.append(name)
        if name == "title":
            p.title_key = normalise_title(value)
        elif name == "doi":
            p.doi_key = normalise_doi(value) if value else ""
        elif name == "arxiv_id":
            p.arxiv_id = normalise_arxiv_id(value)
        elif name == "abstract":
            p.links_json = json.dumps(list(find_links(value)), ensure_ascii=False)
    if edit.citation_key is not None and "citation_key" in changed:
        p.key_origin = "user"  # typed: no import ever changes it
    notes = json.loads(p.conflicts_json or "{}")
    kept = {k: v for k, v in notes.items() if getattr(edit, k, None) is None}
    if kept != notes:
        p.conflicts_json = json.dumps(kept, ensure_ascii=False, sort_keys=True)
    return changed, kept != notes


def revert_edit(p: Paper, before: PaperDetail, edit: PaperEdit) -> None:
    """Put back the fields `edit` set as `before` had them (the edit's undo), with
    the key's origin and the import notes of then."""
    for name in edit.given():
        value = getattr(before, name)
        if name == "authors":
            p.authors_json = authors_to_json(value)
            p.authors_short = short_authors(value)
            continue
        setattr(p, name, value)
        if name == "title":
            p.title_key = normalise_title(value)
        elif name == "doi":
            p.doi_key = normalise_doi(value) if value else ""
        elif name == "abstract":
            p.links_json = json.dumps(list(before.links), ensure_ascii=False)
    p.key_origin = before.key_origin
    p.conflicts_json = json.dumps(dict(before.conflicts), ensure_ascii=False, sort_keys=True)


def write_edit(s: Session, paper_id: int, edit: PaperEdit, this_year: int) -> bool:
    """Check and write a cleaned edit (library.py `edit_paper`); False when it changed
    nothing. A LibraryError names every field that is wrong; nothing is written then."""
    p = paper_to_change(s, paper_id)
    problems = edit_problems(s, paper_id, edit, this_year)
    if problems:
        names = ", ".join(FIELD_LABELS[f] for f in problems)
        reasons = "; ".join(problems.values())
        raise LibraryError(f"cannot edit paper {paper_id} ({names}): {reasons}")
    changed, notes_changed = apply_edit(p, edit)
    if not (changed or notes_changed):
        return False
    p.change_seq = next_seq(s)
    return True


def undo_edit(s: Session, before: PaperDetail, edit: PaperEdit) -> None:
    """`revert_edit` on the paper `before` shows, with a new change number; a key it
    gave away (another paper has it now) is a LibraryError, nothing written."""
    p = paper_to_change(s, before.id)
    if edit.citation_key is not None:
        other = key_owner(s, before.citation_key, before.id)
        if other is not None:
            raise LibraryError(
                f"cannot give the key {before.citation_key!r} back: paper {other.id} has it now"
            )
    revert_edit(p, before, edit)
    p.change_seq = next_seq(s)
