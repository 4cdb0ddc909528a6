"""Asking the DOI resolver for a DOI's record as CSL-JSON (content negotiation).

`GET https://doi.org/<DOI>` with `Accept: application/vnd.citationstyles.csl+json`
is answered by the registration agency (Crossref, DataCite, mEDRA, ...) after a
redirect; the answer is read by the same reader as an imported CSL-JSON file.
"""

from __future__ import annotations

import urllib.parse

from readinglist.domain import CancelFn, PaperDraft
from readinglist.formats import csljson_read

from .http import HttpStatusError, Service, ServiceError

__all__ = ["ACCEPT", "DOI_INTERVAL_S", "NotFound", "fetch_doi"]

DOI_INTERVAL_S = 0.5  # doi.org publishes no hard limit; Crossref asks for politeness
ACCEPT = "application/vnd.citationstyles.csl+json"


class NotFound(ServiceError):
    """The resolver does not know the DOI (HTTP 404)."""


def doi_url(service: Service, doi: str) -> str:
    base = service.base_url if service.base_url.endswith("/") else service.base_url + "/"
    # A DOI may hold any printable character; "/" separates prefix and suffix.
    return base + urllib.parse.quote(doi, safe="/")


def fetch_doi(service: Service, doi: str, cancel: CancelFn | None = None) -> PaperDraft | None:
    """The DOI's record; None if cancelled before asking. Raises ServiceError/NotFound."""
    try:
        body = service.get(doi_url(service, doi), accept=ACCEPT, cancel=cancel)
    except HttpStatusError as exc:
        if exc.status == 404:
            raise NotFound(f"{service.host} does not know DOI {doi} (HTTP 404)") from exc
        raise ServiceError(f"{exc} for DOI {doi}") from exc
    if body is None:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError(
            f"{service.host} sent an answer for DOI {doi} that is not UTF-8 ({exc.reason})"
        ) from exc
    result = csljson_read.read(text, service.host)
    if len(result.drafts) != 1:
        why = result.problems[0].message if result.problems else "no item"
        raise ServiceError(
            f"{service.host} sent an answer for DOI {doi} that is not a CSL-JSON record: {why}"
        )
    return result.drafts[0]
