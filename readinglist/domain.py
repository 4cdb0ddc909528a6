"""Values shared by every layer: frozen dataclasses and enums, no behaviour beyond
small pure helpers. Nothing here imports from the rest of the package."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple


class Status(enum.StrEnum):
    UNREAD = "unread"
    READING = "reading"
    READ = "read"


class ExportFormat(enum.StrEnum):
    BIBTEX = "bibtex"
    BIBLATEX = "biblatex"
    CSLJSON = "csljson"
    MARKDOWN = "markdown"


class SourceFormat(enum.StrEnum):
    """Formats the importers understand (detected from content)."""

    TRENDING = "trending"  # a copied "trending papers" web page
    BIBTEX = "bibtex"
    RIS = "ris"
    ARXIV = "arxiv"  # arXiv API Atom response
    CSLJSON = "csljson"


@dataclass(frozen=True, slots=True)
class Person:
    """An author. `family` alone holds a literal/institutional name."""

    family: str
    given: str = ""
    # von-part and suffix of BibTeX names ("de la", "Jr."); kept so export loses nothing
    prefix: str = ""
    suffix: str = ""

    @property
    def display(self) -> str:
        """The name as a reader writes it: "Given prefix Family, Suffix"."""
        parts = [p for p in (self.given, self.prefix, self.family) if p]
        name = " ".join(parts)
        return f"{name}, {self.suffix}" if self.suffix else name


def _frozen_map(m: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(m or {}))


@dataclass(frozen=True, slots=True)
class PaperDraft:
    """One record read from an import source, before it enters the library.

    Text fields hold plain Unicode (LaTeX accents decoded); `extra` keeps every
    further field of the source record (lower-case names, values as text) so that
    exporting loses nothing.
    """

    title: str
    abstract: str = ""
    authors: tuple[Person, ...] = ()
    year: int | None = None
    venue: str = ""
    doi: str = ""
    arxiv_id: str = ""  # without version suffix, e.g. "2202.04200" or "astro-ph/0601001"
    url: str = ""
    entry_type: str = "article"  # BibTeX entry type, lower case
    source_key: str = ""  # the citation key / id the source gave it, if any
    tags: tuple[str, ...] = ()
    note: str = ""
    extra: Mapping[str, str] = field(default_factory=_frozen_map)
    line: int = 0  # 1-based line in the source where the record starts (0: unknown)

    @property
    def has_content(self) -> bool:
        """Worth keeping without a title: something to find or complete it by."""
        return bool(
            self.title.strip()
            or self.authors
            or self.doi.strip()
            or self.arxiv_id.strip()
            or self.url.strip()
            or self.year is not None
            or self.abstract.strip()
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """A record or file that could not be (fully) read. `line` is 1-based, 0 if unknown."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a reader returns: the records it accepted and what it had to skip."""

    drafts: tuple[PaperDraft, ...]
    problems: tuple[Problem, ...] = ()
    format: SourceFormat | None = None


@dataclass(frozen=True, slots=True)
class PaperRow:
    """What the paper list needs for one row: cheap to load for 100k papers."""

    id: int
    title: str
    authors: str  # short display form, e.g. "Chang, Zhang et al."
    year: int | None
    status: Status
    tags: tuple[str, ...]
    added_at: datetime


class SharedNote(NamedTuple):
    """Another member's note of a paper, shown to the group (read-only for us)."""

    member: str
    text: str
    changed_at: datetime | None


@dataclass(frozen=True, slots=True)
class PaperDetail:
    """Everything the library knows about one paper."""

    id: int
    title: str
    abstract: str
    authors: tuple[Person, ...]
    year: int | None
    venue: str
    doi: str
    arxiv_id: str
    url: str
    links: tuple[str, ...]  # project/code pages found in the abstract
    entry_type: str
    citation_key: str
    status: Status
    added_at: datetime
    status_changed_at: datetime
    note: str
    tags: tuple[str, ...]
    source: str  # where it was imported from (file name, "clipboard", ...)
    extra: Mapping[str, str] = field(default_factory=_frozen_map)
    trashed_at: datetime | None = None
    # where the key came from: "generated" | "file" | "user"; a pinned or used key stays
    key_origin: str = "generated"
    key_pinned: bool = False
    key_used_at: datetime | None = None  # first export or copy of the key
    # {field: value an import brought} where it differed from this paper's own value
    conflicts: Mapping[str, str] = field(default_factory=_frozen_map)
    # status and note are this member's own (issue 12); whether the note is shown to
    # the group, and the others' notes shown to us (always empty on one's own library)
    note_shared: bool = False
    shared_notes: tuple[SharedNote, ...] = ()


_NOCASE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def tag_key(name: str) -> str:
    """A tag name as the database tells tags apart: SQLite's NOCASE folds ASCII letters
    only, so "Vision" and "vision" are one tag while "Äpfel" and "äpfel" are two."""
    return name.translate(_NOCASE)


UNTITLED = "[untitled]"  # what lists and panes show for a paper without a title (never stored)


@dataclass(frozen=True, slots=True)
class Filter:
    """What the list shows: all conditions must hold. Empty means everything."""

    status: Status | None = None
    tags: tuple[str, ...] = ()  # every tag must be on the paper
    query: str = ""  # search syntax; results then come in rank order
    trashed: bool = False  # True: the Trash instead of the library

    def matches(self, row: PaperRow, *, trashed: bool = False) -> bool:
        """Whether the row passes the status, tags and trash part of the filter: exactly
        what db/store.py's SQL filter selects. The query is left to the search engine.
        A PaperRow carries no trash state, so `trashed` says whether it is in the Trash."""
        if trashed != self.trashed:
            return False
        if self.status is not None and row.status is not self.status:
            return False
        if not self.tags:
            return True
        have = {tag_key(t) for t in row.tags}
        return all(tag_key(t) in have for t in self.tags)


@dataclass(frozen=True, slots=True)
class Changes:
    """What a write changed, so each view refreshes only what it shows."""

    paper_ids: frozenset[int] = frozenset()
    rows: bool = False  # papers added, trashed, restored or deleted
    status: bool = False
    tags: bool = False  # tags on papers, or the tag list itself
    note: bool = False
    fields: bool = False  # other bibliographic fields

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.paper_ids | other.paper_ids,
            self.rows or other.rows,
            self.status or other.status,
            self.tags or other.tags,
            self.note or other.note,
            self.fields or other.fields,
        )

    def __bool__(self) -> bool:
        return bool(self.paper_ids) or self.rows or self.tags


@dataclass(frozen=True, slots=True)
class MergeNote:
    """What an import did to one paper that was already in the library."""

    paper_id: int
    title: str
    citation_key: str
    filled: tuple[str, ...] = ()  # fields it lacked and got ("authors", "year", "key", ...)
    conflicts: tuple[str, ...] = ()  # fields kept although the import said otherwise


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: tuple[int, ...]  # ids of new papers
    duplicates: int  # records that matched a paper already there (or earlier in the same import)
    updated: tuple[int, ...]  # existing papers whose missing fields a duplicate filled
    problems: tuple[Problem, ...]
    changes: Changes = Changes()
    merges: tuple[MergeNote, ...] = ()  # per existing paper a duplicate completed or disputed
    read_files: tuple[str, ...] = ()  # files whose content was read (named or found in a folder)
    failed: tuple[str, ...] = ()  # files that could not be read, or named ones in no known format
    skipped: tuple[Problem, ...] = ()  # what a folder import passed over (folders, junk), and why

    def merge_lines(self, limit: int = 20) -> list[str]:
        """Plain words for what duplicates did, e.g. "completed 1 paper from a
        duplicate: authors, year, venue, key", then one line per paper (up to `limit`)."""
        lines: list[str] = []
        groups: dict[tuple[str, ...], int] = {}
        for m in self.merges:
            if m.filled:
                groups[m.filled] = groups.get(m.filled, 0) + 1
        for filled, n in sorted(groups.items(), key=lambda g: -g[1]):
            papers = "paper" if n == 1 else "papers"
            lines.append(f"completed {n} {papers} from a duplicate: {', '.join(filled)}")
        disputed = sum(1 for m in self.merges if m.conflicts)
        if disputed:
            papers = "paper keeps" if disputed == 1 else "papers keep"
            lines.append(f"{disputed} {papers} fields the file gives differently (review them)")
        for m in self.merges[:limit]:
            what = []
            if m.filled:
                what.append("completed: " + ", ".join(m.filled))
            if m.conflicts:
                what.append("kept, file differs: " + ", ".join(m.conflicts))
            lines.append(f"  [{m.citation_key}] {m.title or UNTITLED}: {'; '.join(what)}")
        if len(self.merges) > limit:
            lines.append(f"  ... and {len(self.merges) - limit} more")
        return lines


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    score: float
    highlights: Mapping[str, str] = field(default_factory=_frozen_map)  # field -> HTML snippet


@dataclass(frozen=True, slots=True)
class Counts:
    total: int  # papers not in the trash
    by_status: Mapping[Status, int]
    tags: Mapping[str, int]  # tag -> papers (not in trash) carrying it
    trash: int


class LibraryError(Exception):
    """A user or environment error: shown as a clear one-line message, never a traceback."""


class PaperNotFound(LibraryError):
    pass


class Cancelled(Exception):
    """Long work stopped at the user's request; nothing it did was kept."""


@dataclass(frozen=True, slots=True)
class Listing:
    """What the paper list shows for a filter: rows (in rank order when searching)."""

    rows: tuple[PaperRow, ...]
    total: int  # all matches; more than len(rows) when a search was cut at its limit
    hits: Mapping[int, SearchHit] = field(default_factory=dict)  # by id, when searching
    # Papers changed since the index last caught up, matched by a plain SQL scan and
    # listed under the ranked hits: how many the index has still to take in (0: none).
    pending: int = 0


ProgressFn = Callable[[int, int], None]  # (done, total); total 0 means unknown
CancelFn = Callable[[], bool]  # True: stop now, keep nothing


@dataclass(frozen=True, slots=True)
class CompletionCandidate:
    """A paper a title search found that is not surely the one asked about."""

    arxiv_id: str
    title: str
    authors: str  # short display form
    year: int | None


@dataclass(frozen=True, slots=True)
class CompletionReport:
    """What "complete from arXiv / DOI" did (issue 9), per paper id."""

    filled: Mapping[int, tuple[str, ...]]  # papers that got fields they lacked -> which
    conflicts: Mapping[int, tuple[str, ...]]  # fields kept although the answer differs
    unchanged: tuple[int, ...]  # answered, but had nothing to add
    not_found: tuple[int, ...]  # no confident answer (see `candidates`)
    candidates: Mapping[int, tuple[CompletionCandidate, ...]]  # title searches to pick from
    problems: tuple[str, ...]  # offline, HTTP errors, error feeds, broken answers
    requests: int = 0  # requests sent to the services
    cancelled: bool = False  # stopped early; the answers received before are kept
    changes: Changes = Changes()


# Entry types the edit form offers: BibTeX's standard ones first, then the biblatex
# types an import may bring (kept as they are; the BibTeX export maps them).
ENTRY_TYPES: tuple[str, ...] = (
    "article", "inproceedings", "book", "incollection", "inbook", "phdthesis",
    "mastersthesis", "techreport", "proceedings", "manual", "booklet", "unpublished",
    "misc", "online", "report", "thesis", "software", "dataset", "patent",
)  # fmt: skip

NO_YEAR = 0  # PaperEdit.year: remove the paper's year

# how messages and summaries name PaperEdit's fields, in the order they list them
EDIT_FIELD_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "title": "title",
        "authors": "authors",
        "year": "year",
        "venue": "venue",
        "entry_type": "type",
        "doi": "DOI",
        "arxiv_id": "arXiv id",
        "url": "URL",
        "citation_key": "key",
        "key_pinned": "key pin",
        "abstract": "abstract",
    }
)


@dataclass(frozen=True, slots=True)
class PaperEdit:
    """Fields typed by hand (Library.edit_paper). None leaves a field as it is; ""
    (or NO_YEAR, or no authors) empties it. Only the fields given are checked and
    written, and only their "differs from the last import" notes are dropped."""

    title: str | None = None
    authors: tuple[Person, ...] | None = None
    year: int | None = None
    venue: str | None = None
    entry_type: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    citation_key: str | None = None
    key_pinned: bool | None = None
    abstract: str | None = None

    def given(self) -> tuple[str, ...]:
        """Names of the fields this edit sets, in declaration order."""
        return tuple(name for name in self.__dataclass_fields__ if getattr(self, name) is not None)
