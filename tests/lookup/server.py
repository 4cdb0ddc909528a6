"""A local stand-in for arXiv's API and the DOI resolver, on 127.0.0.1 (port 0).

It answers from recorded responses (tests/lookup/recorded/): arXiv id_list
queries get a feed of the recorded entries asked for; `ti:"..."` searches get the
entries whose title holds the phrase (as arXiv's phrase search does); the DOI
resolver redirects a known DOI to a CSL-JSON answer (as doi.org hands on to
Crossref) and gives its recorded 404 page otherwise. `fault` makes one service
misbehave: an error feed, a truncated or HTML body, an HTTP status, or a sleep
longer than the client's timeout.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from readinglist.text import normalise_title

RECORDED = Path(__file__).parent / "recorded"
_ENTRY = re.compile(r"  <entry>.*?</entry>\n", re.DOTALL)
_ID = re.compile(r"<id>https?://arxiv\.org/abs/([^<]+?)(?:v\d+)?</id>")
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_PHRASE = re.compile(r'ti:"([^"]*)"')


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def entries_of(feed: str) -> list[str]:
    return _ENTRY.findall(feed)


def entry_xml(arxiv_id: str, title: str, authors: list[str], year: int, summary: str) -> str:
    """One entry in the API's own layout (for titles only the test knows)."""
    people = "".join(
        f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n" for a in authors
    )
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{arxiv_id}v1</id>\n"
        f"    <title>{escape(title)}</title>\n"
        f"    <updated>{year}-03-01T12:00:00Z</updated>\n"
        f'    <link href="https://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/>\n'
        f'    <link href="https://arxiv.org/pdf/{arxiv_id}v1" rel="related" '
        'type="application/pdf" title="pdf"/>\n'
        f"    <summary>{escape(summary)}</summary>\n"
        '    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>\n'
        f"    <published>{year}-03-01T12:00:00Z</published>\n"
        '    <arxiv:primary_category term="cs.LG"/>\n'
        f"{people}"
        "  </entry>\n"
    )


def feed(entries: list[str], query: str = "") -> bytes:
    head = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/api/Lc1hT7mQ2vXo9pRk4sWbYn8eJ0g</id>\n"
        f"  <title>arXiv Query: {escape(query)}</title>\n"
        "  <updated>2026-11-30T09:40:00Z</updated>\n"
        f"  <opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{len(entries)}</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
    )
    return (head + "".join(entries) + "</feed>\n").encode()


@dataclass
class Seen:
    at: float  # time.monotonic() when the request arrived
    path: str
    query: dict[str, str]
    accept: str


@dataclass
class FakeServices:
    entries: dict[str, str] = field(default_factory=dict)  # arxiv id -> entry XML
    csl: dict[str, bytes] = field(default_factory=dict)  # lower-case DOI -> CSL-JSON
    seen: list[Seen] = field(default_factory=list)
    fault: dict[str, str] = field(default_factory=dict)  # "arxiv"/"doi" -> what goes wrong
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def add_feed(self, text: str) -> None:
        for entry in entries_of(text):
            m = _ID.search(entry)
            assert m is not None, entry
            self.entries[m.group(1)] = entry

    @property
    def arxiv_api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/query"

    @property
    def doi_resolver(self) -> str:
        return f"http://127.0.0.1:{self.port}/doi/"

    def requests_to(self, prefix: str) -> list[Seen]:
        return [r for r in self.seen if r.path.startswith(prefix)]

    # ---------------------------------------------------------------- answers

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(h.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        self.seen.append(Seen(time.monotonic(), parts.path, query, h.headers.get("Accept", "")))
        if parts.path == "/api/query":
            self._arxiv(h, query)
        elif parts.path.startswith("/doi/"):
            self._doi(h, urllib.parse.unquote(parts.path[len("/doi/") :]))
        elif parts.path.startswith("/works/"):
            doi = urllib.parse.unquote(parts.path[len("/works/") :]).removesuffix("/transform")
            self._send(h, 200, self.csl[doi.lower()], "application/vnd.citationstyles.csl+json")
        else:
            self._send(h, 404, b"not here", "text/plain")

    def _faulty(self, h: BaseHTTPRequestHandler, service: str) -> bool:
        fault = self.fault.get(service)
        if fault is None:
            return False
        if fault == "sleep":
            self.release.wait(30)  # far beyond any client timeout in the tests
            self._send(h, 200, feed([]), "application/atom+xml")
        elif fault == "error_feed":
            self._send(h, 200, recorded("arxiv_error_id_format.atom.xml"), "application/atom+xml")
        elif fault == "truncated":
            self._send(h, 200, recorded("arxiv_truncated.atom.xml"), "application/atom+xml")
        elif fault == "html":
            self._send(h, 200, recorded("doi_not_found.html"), "text/html")
        elif fault.startswith("busy:"):  # busy:<retry-after>, once; then answers normally
            del self.fault[service]
            h.send_response(503)
            h.send_header("Retry-After", fault.split(":")[1])
            h.send_header("Content-Length", "0")
            h.end_headers()
        elif fault.startswith("status:"):
            self._send(h, int(fault.split(":")[1]), b"Service Unavailable", "text/plain")
        elif fault == "redirect_away":
            h.send_response(302)
            h.send_header("Location", "http://198.51.100.7/elsewhere")
            h.send_header("Content-Length", "0")
            h.end_headers()
        return True

    def _arxiv(self, h: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        if self._faulty(h, "arxiv"):
            return
        chosen: list[str] = []
        if query.get("id_list"):
            chosen = [self.entries[i] for i in query["id_list"].split(",") if i in self.entries]
        elif query.get("search_query", "").startswith("ti:"):
            # ti:"phrase" OR ti:"phrase" ...: entries holding any phrase, in feed order
            phrases = [f" {normalise_title(p)} " for p in _PHRASE.findall(query["search_query"])]
            for entry in self.entries.values():
                m = _TITLE.search(entry)
                assert m is not None
                title = f" {normalise_title(m.group(1))} "
                if any(p.strip() and p in title for p in phrases):
                    chosen.append(entry)
        limit = int(query.get("max_results", "10"))
        self._send(h, 200, feed(chosen[:limit], h.path), "application/atom+xml; charset=utf-8")

    def _doi(self, h: BaseHTTPRequestHandler, doi: str) -> None:
        if self._faulty(h, "doi"):
            return
        if doi.lower() in self.csl:
            # as doi.org does: content negotiation is handed on to the agency
            h.send_response(302)
            h.send_header("Location", f"/works/{urllib.parse.quote(doi)}/transform")
            h.send_header("Content-Length", "0")
            h.end_headers()
        else:
            self._send(h, 404, recorded("doi_not_found.html"), "text/html;charset=utf-8")

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            h.wfile.write(body)  # fails when the client gave up (a timeout test)


def serve(state: FakeServices) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.answer(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
