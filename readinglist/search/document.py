"""The values the search engine takes in and gives back."""

from __future__ import annotations

from dataclasses import dataclass

from readinglist.domain import SearchHit


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """What the index needs to know about one paper (the library builds these)."""

    id: int
    title: str
    abstract: str
    authors: str  # display names joined by "; "
    tags: tuple[str, ...]
    note: str
    venue: str
    year: int | None
    status: str  # "unread" | "reading" | "read"
    # the DOI and arXiv id (space-separated): a record without a title is found by them
    ids: str = ""


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: tuple[SearchHit, ...]  # rank order, at most `limit`
    total: int  # exact number of matching papers (after `restrict`)
