"""GET requests to one web service, on the standard library's urllib.

Every request to a service goes through its `Service`: the URL must start with the
configured base URL (nothing else is ever contacted), a per-service `RateLimiter`
spaces requests as the service asks, a timeout and a size cap bound each answer,
and every way a request can fail becomes a `ServiceError` with one clear line
("cannot reach export.arxiv.org: ...") instead of a traceback.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import IO, Any

from readinglist import __version__
from readinglist.domain import CancelFn, LibraryError

__all__ = ["USER_AGENT", "HttpStatusError", "RateLimiter", "Service", "ServiceError"]

# arXiv asks API clients to say who they are.
USER_AGENT = f"ReadingList/{__version__} (reading-list manager; completes records on request)"
MAX_BYTES = 8 * 1024 * 1024  # a 50-entry arXiv feed is ~150 kB; a CSL item a few kB
_CHUNK = 64 * 1024
_SLEEP_STEP_S = 0.05  # how often a rate-limit wait looks at Cancel
MAX_RETRY_AFTER_S = 30.0  # a longer Retry-After is reported instead of waited for
_TIMEOUTS_BEFORE_DOWN = 2  # consecutive timeouts after which a service counts as down


class ServiceError(LibraryError):
    """A request failed: offline, refused, timed out, an HTTP error, a broken answer."""


class HttpStatusError(ServiceError):
    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # seconds the service asked us to wait, if it did


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # the HTTP-date form: not worth a retry


class RateLimiter:
    """At most one request per `interval_s` seconds (arXiv asks for one every 3 s).

    `wait` sleeps until the next request may start, looking at `cancel` while it
    sleeps, and then counts that request as started.
    """

    def __init__(
        self,
        interval_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval_s = max(0.0, interval_s)
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._lock = threading.Lock()  # a limiter may be shared by several threads

    def wait(self, cancel: CancelFn | None = None) -> bool:
        """True when a request may start now; False if cancelled while waiting."""
        while True:
            if cancel is not None and cancel():
                return False
            with self._lock:
                now = self._clock()
                due = now if self._last is None else self._last + self.interval_s
                if now >= due:
                    self._last = now
                    return True
            self._sleep(min(_SLEEP_STEP_S, due - now))

    def hold(self, seconds: float) -> None:
        """The next request waits at least `seconds` from now (a service's Retry-After)."""
        with self._lock:
            self._last = self._clock() + seconds - self.interval_s


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only where the service may send us.

    arXiv's API answers on its own host; the DOI resolver hands content negotiation
    on to the registration agency (Crossref, DataCite, ...), so it may go to other
    hosts, but only over https.
    """

    def __init__(self, base: urllib.parse.SplitResult, other_hosts: bool) -> None:
        self._base = base
        self._other_hosts = other_hosts

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        target = urllib.parse.urlsplit(newurl)
        same = (target.scheme, target.netloc) == (self._base.scheme, self._base.netloc)
        if not same and not (self._other_hosts and target.scheme == "https"):
            raise ServiceError(
                f"{self._base.netloc} redirected to {target.scheme}://{target.netloc}, "
                "which is not the configured service; not followed"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Service:
    """One web service at a configured base URL: its limiter, timeout and state.

    After the service is found unreachable (or times out twice in a row) further
    requests fail at once with the same message: completing 200 papers offline
    gives one clear error, not 200 waits.
    """

    def __init__(
        self,
        base_url: str,
        *,
        interval_s: float,
        timeout_s: float,
        redirect_other_hosts: bool = False,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.base_url = base_url.strip()
        parts = urllib.parse.urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ServiceError(f"service URL {self.base_url!r} is not an http(s) URL")
        self.host = parts.netloc
        self.limiter = RateLimiter(interval_s)
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.requests = 0  # requests sent (tests and the report count them)
        self._down: str | None = None
        self._timeouts = 0
        self._opener = urllib.request.build_opener(_Redirects(parts, redirect_other_hosts))

    def forget_failures(self) -> None:
        """Ask it again (a new completion: the network may be back)."""
        self._down = None
        self._timeouts = 0

    def get(self, url: str, *, accept: str, cancel: CancelFn | None = None) -> bytes | None:
        """The answer's body; None if cancelled before the request was sent.

        A busy service (HTTP 429/503 with a short Retry-After) is asked once more
        after the wait it asked for; Cancel still works while waiting.
        """
        if not url.startswith(self.base_url):
            raise ServiceError(f"refusing to ask {url!r}: not under {self.base_url}")
        for attempt in (1, 2):
            if self._down is not None:
                raise ServiceError(self._down)
            if not self.limiter.wait(cancel):
                return None
            try:
                return self._get_once(url, accept)
            except HttpStatusError as exc:
                wait = exc.retry_after
                busy = exc.status in (429, 503) and wait is not None
                if attempt == 2 or not busy or wait is None or wait > MAX_RETRY_AFTER_S:
                    raise
                self.limiter.hold(wait)
        raise AssertionError("unreachable")

    def _get_once(self, url: str, accept: str) -> bytes:
        self.requests += 1
        request = urllib.request.Request(
            url, headers={"Accept": accept, "User-Agent": USER_AGENT}, method="GET"
        )
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                body = self._read(response)
        except urllib.error.HTTPError as exc:
            self._timeouts = 0
            reason = f" {exc.reason}" if exc.reason else ""
            retry_after = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
            exc.close()
            message = f"{self.host} answered HTTP {exc.code}{reason}"
            raise HttpStatusError(message, exc.code, retry_after) from exc
        except urllib.error.URLError as exc:
            raise self._failed(exc.reason) from exc
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise self._failed(exc) from exc
        self._timeouts = 0
        return body

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        # The socket timeout bounds each read; the deadline bounds a trickling answer.
        deadline = time.monotonic() + 2 * self.timeout_s
        parts: list[bytes] = []
        size = 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                limit = f"{self.max_bytes // 2**20} MB" if self.max_bytes >= 2**20 else ""
                limit = limit or f"{self.max_bytes} bytes"
                raise ServiceError(f"{self.host} sent more than {limit}; not read")
            if time.monotonic() > deadline:
                raise TimeoutError
            parts.append(chunk)
        return b"".join(parts)

    def _failed(self, reason: object) -> ServiceError:
        if isinstance(reason, ServiceError):
            return reason
        if isinstance(reason, TimeoutError | socket.timeout):
            self._timeouts += 1
            message = f"{self.host} did not answer within {self.timeout_s:g} s"
            if self._timeouts >= _TIMEOUTS_BEFORE_DOWN:
                self._down = f"{message} (twice; not asked again)"
            return ServiceError(message)
        if isinstance(reason, http.client.HTTPException):
            return ServiceError(f"{self.host} sent a broken answer: {reason!r}")
        if isinstance(reason, socket.gaierror):
            detail = f"name not found, offline? ({reason.strerror or reason})"
        elif isinstance(reason, ssl.SSLError):
            detail = f"secure connection failed ({reason})"
        else:
            detail = str(reason) or type(reason).__name__
        self._down = f"cannot reach {self.host}: {detail}"
        return ServiceError(self._down)
