"""Asking the arXiv API (export.arxiv.org/api/query): papers by id, papers by title.

The answers are Atom feeds, read by the same reader as an imported arXiv file
(formats/arxiv.py). arXiv asks for one request every 3 seconds and for ids to be
batched into one query, which `fetch_ids` does (`BATCH` ids per request).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from readinglist.domain import CancelFn, PaperDraft
from readinglist.formats import arxiv as arxiv_reader
from readinglist.text import normalise_title

from .http import Service, ServiceError

__all__ = ["ARXIV_INTERVAL_S", "BATCH", "ArxivAnswer", "answers_for", "fetch_ids", "search_titles"]

ARXIV_INTERVAL_S = 3.0  # https://info.arxiv.org/help/api/tou.html: one request every 3 s
BATCH = 50  # ids per id_list query; arXiv's examples stay well below its page limit
TITLE_RESULTS = 10  # entries a title search asks for per title (candidates shown at most)
TITLES_PER_QUERY = 10  # titles OR-ed into one search: 224 titles take 23 requests, not 224
_ACCEPT = "application/atom+xml"
# Characters with a meaning in arXiv's query syntax: a phrase keeps words only.
_QUERY_SYNTAX = re.compile(r"[\"()\[\]{}\\:^~*?+!]+")


@dataclass(frozen=True, slots=True)
class ArxivAnswer:
    drafts: tuple[PaperDraft, ...]
    cancelled: bool = False
    full: bool = False  # as many answers as asked for: there may be more


def _query_url(service: Service, params: dict[str, str]) -> str:
    separator = "&" if "?" in service.base_url else "?"
    return service.base_url + separator + urllib.parse.urlencode(params)


def _ask(service: Service, params: dict[str, str], cancel: CancelFn | None) -> ArxivAnswer:
    body = service.get(_query_url(service, params), accept=_ACCEPT, cancel=cancel)
    if body is None:
        return ArxivAnswer((), cancelled=True)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError(
            f"{service.host} sent an answer that is not UTF-8 ({exc.reason})"
        ) from exc
    result = arxiv_reader.read(text, service.host)
    errors = [p for p in result.problems if p.message.startswith("arXiv API error")]
    if errors:
        raise ServiceError(f"{service.host}: {errors[0].message}")
    broken = [p for p in result.problems if not p.message.startswith("arXiv entry")]
    if broken:
        # not a feed at all: an HTML error page, a cut-off body, ...
        raise ServiceError(
            f"{service.host} sent an answer that is not an arXiv feed: {broken[0].message}"
        )
    return ArxivAnswer(result.drafts)


def fetch_ids(service: Service, ids: Sequence[str], cancel: CancelFn | None = None) -> ArxivAnswer:
    """The papers with these (version-less) ids, in one request (at most BATCH ids)."""
    if len(ids) > BATCH:
        raise ValueError(f"at most {BATCH} ids per request")
    params = {"id_list": ",".join(ids), "start": "0", "max_results": str(len(ids))}
    return _ask(service, params, cancel)


def title_phrase(title: str) -> str:
    return " ".join(_QUERY_SYNTAX.sub(" ", title).split())


def search_titles(
    service: Service, titles: Sequence[str], cancel: CancelFn | None = None
) -> ArxivAnswer:
    """Papers whose title holds one of these titles as a phrase, in one request:
    `ti:"..." OR ti:"..."`, up to TITLE_RESULTS answers per title. `full` in the
    answer says the cap was reached (some title's answers may be missing)."""
    phrases = [p for p in map(title_phrase, titles) if p]
    if not phrases:
        return ArxivAnswer(())
    limit = TITLE_RESULTS * len(phrases)
    params = {
        "search_query": " OR ".join(f'ti:"{p}"' for p in phrases),
        "start": "0",
        "max_results": str(limit),
    }
    answer = _ask(service, params, cancel)
    return ArxivAnswer(answer.drafts, answer.cancelled, full=len(answer.drafts) >= limit)


def answers_for(title: str, drafts: Sequence[PaperDraft]) -> list[PaperDraft]:
    """The answers of a combined search that hold this title as a phrase."""
    key = f" {normalise_title(title_phrase(title))} "
    return [d for d in drafts if key in f" {normalise_title(d.title)} "]


def confident_match(title: str, drafts: Sequence[PaperDraft]) -> PaperDraft | None:
    """The one answer whose normalised title equals ours; None if none or several."""
    key = normalise_title(title)
    same = {d.arxiv_id or d.title: d for d in drafts if normalise_title(d.title) == key}
    return next(iter(same.values())) if len(same) == 1 else None
