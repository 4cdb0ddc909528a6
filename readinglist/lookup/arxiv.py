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

__all__ = ["ARXIV_INTERVAL_S", "BATCH", "ArxivAnswer", "fetch_ids", "search_title"]

ARXIV_INTERVAL_S = 3.0  # https://info.arxiv.org/help/api/tou.html: one request every 3 s
BATCH = 50  # ids per id_list query; arXiv's examples stay well below its page limit
TITLE_RESULTS = 10  # entries a title search asks for (the candidates shown at most)
_ACCEPT = "application/atom+xml"
# Characters with a meaning in arXiv's query syntax: a phrase keeps words only.
_QUERY_SYNTAX = re.compile(r"[\"()\[\]{}\\:^~*?+!]+")


@dataclass(frozen=True, slots=True)
class ArxivAnswer:
    drafts: tuple[PaperDraft, ...]
    cancelled: bool = False


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


def search_title(service: Service, title: str, cancel: CancelFn | None = None) -> ArxivAnswer:
    """Papers whose title contains this title as a phrase (arXiv's `ti:"..."`)."""
    phrase = title_phrase(title)
    if not phrase:
        return ArxivAnswer(())
    params = {
        "search_query": f'ti:"{phrase}"',
        "start": "0",
        "max_results": str(TITLE_RESULTS),
    }
    return _ask(service, params, cancel)


def confident_match(title: str, drafts: Sequence[PaperDraft]) -> PaperDraft | None:
    """The one answer whose normalised title equals ours; None if none or several."""
    key = normalise_title(title)
    same = {d.arxiv_id or d.title: d for d in drafts if normalise_title(d.title) == key}
    return next(iter(same.values())) if len(same) == 1 else None
