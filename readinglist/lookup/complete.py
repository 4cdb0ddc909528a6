"""Which service to ask about each paper, and what it answered (no database here).

- a paper with an arXiv id (or an arXiv DOI): the arXiv API, `BATCH` ids per request;
- with another DOI: the DOI resolver, one request each;
- with neither: an arXiv title search (TITLES_PER_QUERY titles OR-ed into one
  request), accepted only when exactly one answer has the same normalised title;
  otherwise the answers are offered as candidates.

Requests go one after another through each service's rate limiter; Cancel is looked
at before every request (and while waiting for the limiter). What was received
before a cancel is kept: the caller applies it.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from readinglist.config import Config
from readinglist.domain import CancelFn, CompletionCandidate, PaperDraft, ProgressFn
from readinglist.formats.import_fields import arxiv_id_from

from . import arxiv, doi
from .http import Service, ServiceError

__all__ = ["Lookup", "Services", "Target", "look_up", "shared_services"]

TIMEOUT_S = 10.0  # per request: arXiv's API can take several seconds on a search
# For tests and scripts (readinglist/config.py declares the URLs; these two belong
# there too once it grows numeric lookup settings).
INTERVAL_ENV = "READINGLIST_LOOKUP_INTERVAL_S"  # overrides both services' spacing
TIMEOUT_ENV = "READINGLIST_LOOKUP_TIMEOUT_S"

# Extra fields worth keeping from an answer (the rest is service bookkeeping:
# Crossref's reference lists, licences, index dates, ...).
_ARXIV_EXTRA = frozenset({"eprint", "archiveprefix", "primaryclass"})
# (the CSL-JSON reader stores page/issue under their BibTeX names)
_DOI_EXTRA = frozenset({"publisher", "volume", "number", "pages", "month"})


@dataclass(frozen=True, slots=True)
class Target:
    """What the library knows of a paper to complete."""

    paper_id: int
    title: str
    doi: str = ""
    arxiv_id: str = ""


@dataclass(frozen=True, slots=True)
class Services:
    arxiv: Service
    doi: Service

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        interval_s: float | None = None,
        timeout_s: float | None = None,
    ) -> Services:
        interval = interval_s if interval_s is not None else _env_seconds(INTERVAL_ENV)
        timeout = timeout_s if timeout_s is not None else _env_seconds(TIMEOUT_ENV)
        timeout = timeout if timeout else TIMEOUT_S
        return cls(
            arxiv=Service(
                config.arxiv_api,
                interval_s=arxiv.ARXIV_INTERVAL_S if interval is None else interval,
                timeout_s=timeout,
            ),
            doi=Service(
                config.doi_resolver,
                interval_s=doi.DOI_INTERVAL_S if interval is None else interval,
                timeout_s=timeout,
                redirect_other_hosts=True,  # the resolver hands on to Crossref, DataCite, ...
            ),
        )

    @property
    def requests(self) -> int:
        return self.arxiv.requests + self.doi.requests

    def forget_failures(self) -> None:
        self.arxiv.forget_failures()
        self.doi.forget_failures()


_shared: dict[tuple[object, ...], Services] = {}
_shared_lock = threading.Lock()


def shared_services(config: Config) -> Services:
    """The services for these settings, one per process: their rate limiters then
    space requests across completions too (the window may start one after another)."""
    key = (
        config.arxiv_api,
        config.doi_resolver,
        _env_seconds(INTERVAL_ENV),
        _env_seconds(TIMEOUT_ENV),
    )
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Services.from_config(config)
        return _shared[key]


def _env_seconds(name: str) -> float | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


@dataclass
class Lookup:
    """What the services said, per paper id."""

    answers: dict[int, PaperDraft] = field(default_factory=dict)
    candidates: dict[int, tuple[CompletionCandidate, ...]] = field(default_factory=dict)
    not_found: list[int] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)  # message -> paper ids
    cancelled: bool = False

    def failed(self, message: str, ids: Iterable[int]) -> None:
        self.failures.setdefault(message, []).extend(ids)

    def problems(self) -> tuple[str, ...]:
        out = []
        for message, ids in self.failures.items():
            shown = ", ".join(map(str, ids[:10])) + (", ..." if len(ids) > 10 else "")
            papers = "paper" if len(ids) == 1 else f"{len(ids)} papers"
            out.append(f"{message} ({papers}: {shown})" if ids else message)
        return tuple(out)


def _kept(draft: PaperDraft, names: frozenset[str]) -> PaperDraft:
    extra = {k: v for k, v in draft.extra.items() if k in names}
    return dataclasses.replace(draft, extra=extra, source_key="", tags=(), note="", line=0)


def _candidate(d: PaperDraft) -> CompletionCandidate:
    names = [a.family or a.given for a in d.authors]
    authors = ", ".join(names[:2]) + (" et al." if len(names) > 2 else "")
    return CompletionCandidate(d.arxiv_id, d.title, authors, d.year)


def look_up(
    targets: Sequence[Target],
    services: Services,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> Lookup:
    by_arxiv: dict[str, list[int]] = {}
    by_doi: list[tuple[int, str]] = []
    by_title: list[tuple[int, str]] = []
    malformed: list[Target] = []
    for t in targets:
        arxiv_id = t.arxiv_id or arxiv_id_from(t.doi)
        if arxiv_id and arxiv_id_from(f"arXiv:{arxiv_id}") != arxiv_id:
            # one bad id makes arXiv refuse the whole batch: never sent
            malformed.append(t)
        elif arxiv_id:
            by_arxiv.setdefault(arxiv_id, []).append(t.paper_id)
        elif t.doi:
            by_doi.append((t.paper_id, t.doi))
        elif t.title.strip():
            by_title.append((t.paper_id, t.title))
    services.forget_failures()  # offline last time says nothing about now
    out = Lookup()
    total = len(targets)
    for t in targets:
        if not (t.arxiv_id or t.doi or t.title.strip()):
            out.failed("nothing to look up by (no arXiv id, DOI or title)", [t.paper_id])
    for t in malformed:
        out.failed(f"not an arXiv id: {t.arxiv_id!r}; not asked", [t.paper_id])
    done = total - sum(map(len, by_arxiv.values())) - len(by_doi) - len(by_title)

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    def stop() -> bool:
        out.cancelled = out.cancelled or (cancel is not None and cancel())
        return out.cancelled

    ids = list(by_arxiv)
    for start in range(0, len(ids), arxiv.BATCH):
        if stop():
            return out
        batch = ids[start : start + arxiv.BATCH]
        papers = [pid for a in batch for pid in by_arxiv[a]]
        try:
            answer = arxiv.fetch_ids(services.arxiv, batch, cancel)
        except ServiceError as exc:
            out.failed(str(exc), papers)
            step(len(papers))
            continue
        if answer.cancelled:
            out.cancelled = True
            return out
        found = {d.arxiv_id: d for d in answer.drafts}
        for a in batch:
            draft = found.get(a)
            for pid in by_arxiv[a]:
                if draft is None:
                    out.not_found.append(pid)
                    out.failed(f"{services.arxiv.host} has no paper arXiv:{a}", [pid])
                else:
                    out.answers[pid] = _kept(draft, _ARXIV_EXTRA)
        step(len(papers))

    for pid, value in by_doi:
        if stop():
            return out
        try:
            draft = doi.fetch_doi(services.doi, value, cancel)
        except doi.NotFound as exc:
            out.not_found.append(pid)
            out.failed(str(exc), [pid])
            step(1)
            continue
        except ServiceError as exc:
            out.failed(str(exc), [pid])
            step(1)
            continue
        if draft is None:
            out.cancelled = True
            return out
        out.answers[pid] = _kept(draft, _DOI_EXTRA)
        step(1)

    def judge(pid: int, title: str, found: Sequence[PaperDraft]) -> None:
        match = arxiv.confident_match(title, found)
        if match is not None:
            out.answers[pid] = _kept(match, _ARXIV_EXTRA)
        else:
            out.not_found.append(pid)
            if found:
                out.candidates[pid] = tuple(_candidate(d) for d in found[: arxiv.TITLE_RESULTS])

    # Titles go TITLES_PER_QUERY to a request; a title whose answers may have been
    # cut off by the cap (and has no sure match among them) is asked on its own.
    queue = [
        by_title[i : i + arxiv.TITLES_PER_QUERY]
        for i in range(0, len(by_title), arxiv.TITLES_PER_QUERY)
    ]
    while queue:
        group = queue.pop(0)
        if stop():
            return out
        try:
            answer = arxiv.search_titles(services.arxiv, [t for _, t in group], cancel)
        except ServiceError as exc:
            out.failed(str(exc), [pid for pid, _ in group])
            step(len(group))
            continue
        if answer.cancelled:
            out.cancelled = True
            return out
        again = []
        for pid, title in group:
            related = arxiv.answers_for(title, answer.drafts)
            if answer.full and len(group) > 1 and arxiv.confident_match(title, related) is None:
                again.append((pid, title))
            else:
                judge(pid, title, related)
        queue[:0] = [[one] for one in again]
        step(len(group) - len(again))
    return out
