"""Notes: Markdown source -> safe HTML for the preview, and the link policy.

Pure functions, no Qt. Safety comes in two layers so that one mistake does not
open a hole: raw HTML in a note is never passed through by python-markdown (it is
shown as text), and whatever markdown produced is then cleaned by nh3 against a
small allowlist. Images are never loaded: `![alt](src)` becomes a plain link to
`src` that opens only on click, like any other link.
"""

from __future__ import annotations

import bisect
import html
import logging
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .text import find_links, normalise_doi

log = logging.getLogger(__name__)

# Link schemes a note (or the detail pane) may open. `doi:` goes to the resolver.
LINK_SCHEMES = frozenset({"http", "https", "doi"})
DOI_RESOLVER = "https://doi.org/"

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "em", "strong", "b", "i", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td",
    "a",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
# Qt's rich text draws table borders only from these attributes (it ignores most CSS)
_TABLE_LOOK = {"table": {"border": "1", "cellspacing": "0", "cellpadding": "4"}}

_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def link_target(url: str) -> str | None:
    """The address to open for a link in a note or the detail pane, or None.

    Only http(s) links open; `doi:10.x/y` (and a bare `10.x/y`) go to doi.org.
    Everything else — javascript:, file:, data:, relative paths — is refused.
    """
    url = url.strip()
    if not url or any(c in url for c in "\r\n\t\0"):
        return None
    m = _SCHEME.match(url)
    scheme = m.group(1).lower() if m else ""
    if scheme in ("http", "https"):
        rest = url[m.end() :] if m else ""
        return url if rest.startswith("//") and len(rest) > 2 else None
    if scheme == "doi" or (not scheme and url.startswith("10.")):
        doi = normalise_doi(url)
        return DOI_RESOLVER + doi if doi.startswith("10.") and "/" in doi else None
    return None


class _ImagesAsLinks(Treeprocessor):  # type: ignore[misc]  # markdown is untyped
    """Replace each <img> with a link to its source: nothing is fetched to show a note."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for i, child in enumerate(list(parent)):
                if child.tag != "img":
                    continue
                link = etree.Element("a", {"href": child.get("src", "")})
                link.text = "🖼 " + (child.get("alt") or child.get("src") or "image")
                link.tail = child.tail
                parent.remove(child)
                parent.insert(i, link)


# A bare http(s) address or doi:10.x/y in running text becomes a link.
_BARE_LINK = re.compile(r"https?://[^\s<>\"'`\]]+|doi:10\.\d{4,9}/[^\s<>\"'`\]]+", re.IGNORECASE)
_NO_LINKS_INSIDE = frozenset({"a", "code", "pre"})


def _split_links(text: str) -> tuple[str, list[etree.Element]]:
    """Text before the first bare link, then one <a> per link carrying the text after it."""
    head, pos = "", 0
    links: list[etree.Element] = []
    for m in _BARE_LINK.finditer(text):
        raw = m.group(0)
        if raw[:1] in "hH":
            found = find_links(raw)
            url = found[0] if found else ""  # e.g. "http://x[a]:" is no address
        else:
            url = raw.rstrip(".,;:!?)'\"")
        if not url:
            continue
        before = text[pos : m.start()]
        if links:
            links[-1].tail = (links[-1].tail or "") + before
        else:
            head = before
        el = etree.Element("a", {"href": url})
        el.text = url
        links.append(el)
        pos = m.start() + len(url)
    rest = text[pos:]
    if links:
        links[-1].tail = (links[-1].tail or "") + rest
    else:
        head = rest
    return head, links


class _BareLinks(Treeprocessor):  # type: ignore[misc]
    """Turn bare addresses in text into links, but never inside a link or code."""

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, el: etree.Element) -> None:
        # an explicit stack and a running index: a block of thousands of inline
        # elements must cost linear time (list(el).index per child was quadratic)
        stack = [el]
        while stack:
            node = stack.pop()
            if node.tag in _NO_LINKS_INSIDE:
                continue
            children = list(node)
            if node.text:
                node.text, links = _split_links(node.text)
                children[0:0] = links
            out: list[etree.Element] = []
            for child in children:
                out.append(child)
                stack.append(child)
                if child.tail:
                    child.tail, links = _split_links(child.tail)
                    out.extend(links)
            if len(out) != len(node):
                node[:] = out


# ---------------------------------------------------------------------------- bounds
#
# Python-Markdown is pure Python and some of it is super-linear on hostile input
# (measured, see benchmarks/notes_bench.py): a `[` scans to the end of its block for
# a closing `]`, `](` for a closing `)`, so runs of brackets cost O(n^2); and every
# inline element (code span, emphasis, escape, line break) in one block costs time in
# the number of elements already there, so thousands of them in one paragraph are
# O(n^2) too. Deep lists and quotes recurse once per level (RecursionError at ~300).
# So, before and during rendering: only the first RENDER_LIMIT characters are
# rendered, list/quote nesting is cut to MAX_NESTING, link scans stop after a few
# hundred characters, and one render makes at most MAX_INLINE_ELEMENTS inline
# elements and MAX_LINK_SCAN bracket steps; past that the text stays plain text.
# Whatever still goes wrong falls back to the escaped text in <pre>.

RENDER_LIMIT = 64 * 1024  # characters of a note rendered as Markdown
MAX_NESTING = 8  # list / block quote levels kept
MAX_INLINE_ELEMENTS = 3000  # inline elements one render may make
MAX_LINK_SCAN = 50_000  # bracket/paren steps one render may spend finding links
LINK_TEXT_SCAN = 500  # how far `[` looks for its `]`
LINK_TARGET_SCAN = 2000  # how far `](` looks for its `)`

# fence lines as the fenced_code extension reads them (column 0)
# (possessive: a fence run followed by a run of spaces must not be tried every way)
_OPENER = re.compile(
    r"(~{3,}+|`{3,}+)[ \t]*+(?:\{.*\}|\.?[\w#.+-]*+[ \t]*+(?:hl_lines=([\"']).*?\2[ \t]*+)?)$"
)
_CLOSER = re.compile(r"(~{3,}+|`{3,}+)[ \t]*+$")
# one container marker at the start of a line: a quote `>` or a list bullet/number
_MARKER = re.compile(r"[ \t]{0,3}(?:>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)")
_BRACKET = re.compile(r"[\[\]]")
_PAREN = re.compile(r"[()]")


def _cap_line(line: str) -> str:
    """The line with at most MAX_NESTING container markers and bounded indentation."""
    if line[:1] not in " \t>-*+0123456789":
        return line  # the common case: nothing to cut
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)].expandtabs(4)
    if len(indent) > 4 * MAX_NESTING:
        indent = " " * (4 * MAX_NESTING)
    pos, kept = 0, 0
    out = [indent]
    while True:
        m = _MARKER.match(body, pos)
        if m is None or m.end() == pos:
            break
        if kept < MAX_NESTING:
            out.append(m.group(0))
            kept += 1
        pos = m.end()
    out.append(body[pos:])
    return "".join(out)


def _normalise(text: str) -> str:
    """The line ends and characters Python-Markdown will see: it normalises these
    first, so the bounds must look at the same lines (a lone \r starting a line of
    300 list markers recursed past the limit)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x02" in text or "\x03" in text:
        text = text.replace("\x02", "").replace("\x03", "")
    return text


def _fenced(lines: list[str]) -> tuple[set[int], list[int]]:
    """The lines inside fenced code blocks, and the lines that start like a fence
    but open no block that closes.

    Pairs fences as the fenced_code extension does, but in linear time: its regex
    scans to the end of the note for the closing fence of every opening one, once
    per possible fence length (a line of 1,000 `~` and no closer: seconds)."""
    closers: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line[:3] in ("```", "~~~") and (m := _CLOSER.match(line)):
            closers.setdefault(m.group(1), []).append(i)
    code: set[int] = set()
    unpaired: list[int] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line[:3] in ("```", "~~~"):
            m = _OPENER.match(line)
            after = closers.get(m.group(1), []) if m else []
            k = bisect.bisect_right(after, i)
            if k < len(after):
                code.update(range(i + 1, after[k]))
                i = after[k] + 1
                continue
            # not a fence that closes: even a line that is no fence at all costs the
            # regex time in its length, once per possible fence length
            unpaired.append(i)
        i += 1
    return code, unpaired


def bound_source(text: str, limit: int = RENDER_LIMIT) -> tuple[str, bool]:
    """The part of a note that is rendered, and whether the note was cut.

    Cut at `limit` characters (at a line end when there is one near); outside fenced
    code, list and quote nesting cut to MAX_NESTING levels; a line that starts like a
    fence but opens no block that closes is shown as the text it is (its first
    character as an entity).
    """
    text = _normalise(text)
    cut = len(text) > limit
    if cut:
        end = text.rfind("\n", max(0, limit - 2000), limit)
        text = text[: end if end > 0 else limit]
    lines = text.split("\n")
    code, unpaired = _fenced(lines)
    for i in unpaired:
        lines[i] = ("&#96;" if lines[i][0] == "`" else "&#126;") + lines[i][1:]
    for i, line in enumerate(lines):
        if i not in code:
            lines[i] = _cap_line(line)
            if "**" in line or "__" in line:
                lines[i] = _DELIMITER_RUN.sub(_escape_run, lines[i])
    return "\n".join(lines), cut


# Python-Markdown's emphasis finds a run of `*` or `_` by trying, at every character
# of the run, every shorter run (9,000 `*` then a space: 10 s). Emphasis never needs
# more than three; a longer run is shown as the characters it is.
_DELIMITER_RUN = re.compile(r"\*{9,}|_{9,}")


def _escape_run(m: re.Match[str]) -> str:
    run = m.group(0)
    if len(run) > 200:
        return f"`{run}`"  # one code span, not an escape (a match) per character
    return "".join("\\" + c for c in run)


class _Budget:
    """What one render may still spend; see the bounds above."""

    def __init__(self) -> None:
        self.elements = MAX_INLINE_ELEMENTS
        self.scan = MAX_LINK_SCAN


def _bound_patterns(md: markdown.Markdown, budget: _Budget) -> None:
    """Make this Markdown instance's inline patterns stop within the budget."""
    for pattern in list(md.inlinePatterns):
        handle = pattern.handleMatch

        def counted(m: re.Match[str], data: str, handle: Any = handle) -> Any:
            if budget.elements <= 0:
                return None, None, None
            found = handle(m, data)
            if found[1] is not None:
                budget.elements -= 1
            return found

        pattern.handleMatch = counted
        if hasattr(pattern, "getText"):
            pattern.getText = _bounded_text(budget)
            pattern.getLink = _bounded_link(pattern.getLink, budget)


def _bounded_text(budget: _Budget) -> Any:
    def get_text(data: str, index: int) -> tuple[str, int, bool]:
        # Python-Markdown's getText, but over at most LINK_TEXT_SCAN characters
        if budget.scan <= 0:
            return "", index, False
        depth = 1
        end = min(len(data), index + LINK_TEXT_SCAN)
        for m in _BRACKET.finditer(data, index, end):
            budget.scan -= 1
            if budget.scan <= 0:
                break
            depth += 1 if m.group(0) == "[" else -1
            if depth == 0:
                return data[index : m.start()], m.end(), True
        return "", index, False

    return get_text


def _bounded_link(get_link: Any, budget: _Budget) -> Any:
    def bounded(data: str, index: int) -> Any:
        if not data.startswith("(", index):
            return get_link(data, index)  # a reference or no target: cheap
        if budget.scan <= 0:
            return "", None, index, False
        end = min(len(data), index + LINK_TARGET_SCAN)
        depth = 0
        for m in _PAREN.finditer(data, index, end):
            budget.scan -= 1
            if budget.scan <= 0:
                break
            depth += 1 if m.group(0) == "(" else -1
            if depth == 0:
                close = m.end()
                quoted = data.find('"', index, close) >= 0 or data.find("'", index, close) >= 0
                # a title in quotes may make upstream look past `close`: give it a bound
                return get_link(data[:end] if quoted else data, index)
        return "", None, index, False

    return bounded


class _SafeNotes(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # raw HTML is shown as text: drop the block and inline pass-throughs
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # after the inline patterns have made their links and code spans
        md.treeprocessors.register(_ImagesAsLinks(md), "images_as_links", 15)
        md.treeprocessors.register(_BareLinks(md), "bare_links", 14)


def _allowed_href(tag: str, attr: str, value: str) -> str | None:
    if tag == "a" and attr == "href":
        return value if link_target(value) is not None else None
    return value


@dataclass(frozen=True)
class RenderedNote:
    """A note as safe HTML, and what the reader should be told about it."""

    html: str
    notice: str = ""  # e.g. only part shown, or why it is shown as plain text
    plain: bool = False  # True when Markdown failed and the text is shown as is


def plain_html(text: str) -> str:
    """A note as escaped, preformatted text: the fallback when Markdown fails."""
    return "<pre>" + html.escape(text, quote=False) + "</pre>"


def _size(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def _markdown_html(source: str) -> str:
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "nl2br", _SafeNotes()],
        output_format="html",
    )
    _bound_patterns(md, _Budget())
    return str(md.convert(source))


def _clean(raw: str) -> str:
    return str(
        nh3.clean(
            raw,
            tags=_TAGS,
            clean_content_tags={"script", "style"},
            attributes=_ATTRIBUTES,
            attribute_filter=_allowed_href,
            url_schemes=set(LINK_SCHEMES),
            url_relative="deny",
            link_rel=None,
            set_tag_attribute_values=_TABLE_LOOK,
        )
    )


def render_preview(
    text: str,
    *,
    limit: int = RENDER_LIMIT,
    keep_rest: bool = False,
    full_length: int | None = None,
) -> RenderedNote:
    """Safe HTML for a note, in time bounded by `limit` (see the bounds above).

    Past `limit` characters the rest is dropped with a notice (the preview), or with
    `keep_rest` appended as plain text (exports: nothing may be lost). Never raises
    for any input: a renderer failure gives the escaped text and says why.
    `full_length`: the note's length when `text` is only its start (the window sends
    a render child no more than it renders).
    """
    total = len(text) if full_length is None else max(full_length, len(text))
    text = _normalise(text)  # so that `rest` below is what `source` leaves out
    source, cut = bound_source(text, limit)
    cut = cut or total > len(text)
    rest = text[len(source) :] if cut else ""
    notice = ""
    try:
        body = _clean(_markdown_html(source))
        plain = False
    except Exception as exc:  # RecursionError, or a bug in a Markdown extension
        log.warning("rendering a note failed: %r", exc)
        body = plain_html(source)
        plain = True
        notice = (
            f"This note could not be formatted ({type(exc).__name__}); it is shown as plain text."
        )
    if cut:
        if keep_rest:
            body += plain_html(rest)
        else:
            shown = (
                f"Only the first {_size(len(source))} of this {_size(total)} note are"
                " shown here; the editor has all of it."
            )
            notice = f"{notice} {shown}".strip()
    return RenderedNote(body, notice, plain)


# Qt lays out a paragraph with one long unbreakable word in quadratic time (50,000
# `<` in a row: 1.5 s on the UI thread, 0.1 s with break chances), so the preview
# gets a zero-width space every so often in long runs of text (never in a tag).
_TEXT_BETWEEN_TAGS = re.compile(r">([^<]+)<")
_LONG_RUN = re.compile(r"(?:&#?\w{1,10};|[^\s<>&]){64}")
BREAK = "\u200b"


def breakable_html(html_text: str) -> str:
    """The HTML with a break chance in every run of 64 characters without one."""

    def text(m: re.Match[str]) -> str:
        return ">" + _LONG_RUN.sub(lambda r: r.group(0) + BREAK, m.group(1)) + "<"

    return _TEXT_BETWEEN_TAGS.sub(text, html_text)


# Qt parses and lays out rich text on the UI thread, holding the interpreter: 6,000
# code spans in one paragraph take seconds in one setHtml. The preview therefore
# takes the HTML in chunks of bounded size, one per turn of the event loop.
_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_VOID = frozenset({"br", "hr", "img"})
CHUNK_TAGS = 120  # tags in one chunk of the preview
CHUNK_TEXT = 4096  # characters of text in one chunk


def _tag_name(tag: str) -> str:
    m = re.match(r"</?\s*([a-zA-Z0-9]+)", tag)
    return m.group(1).lower() if m else ""


def _text_pieces(text: str, size: int) -> list[str]:
    """`text` in pieces of about `size`, never cutting an entity such as `&lt;` in two."""
    out: list[str] = []
    while len(text) > size:
        cut = size
        amp = text.rfind("&", max(0, cut - 12), cut)
        if amp >= 0 and text.find(";", amp, cut) < 0:
            cut = amp or size
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


def html_chunks(
    html_text: str, max_tags: int = CHUNK_TAGS, max_text: int = CHUNK_TEXT
) -> list[str]:
    """Well-formed HTML pieces that together show `html_text`: cut between top-level
    blocks where possible; a block too big alone is closed and opened again."""
    chunks: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, the tag as written)
    parts: list[str] = []
    tags = text = 0

    def cut() -> None:
        nonlocal parts, tags, text
        closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        chunks.append("".join(parts) + closing)
        parts = [tag for _, tag in open_tags]
        tags, text = len(open_tags), 0

    for m in _TOKEN.finditer(html_text):
        token = m.group(0)
        full = tags >= max_tags or text >= max_text
        if full and (not open_tags or tags >= 2 * max_tags or text >= 2 * max_text):
            cut()
        if token.startswith("<"):
            tags += 1
            name = _tag_name(token)
            if token.startswith("</"):
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
            elif name not in _VOID and not token.endswith("/>"):
                open_tags.append((name, token))
            parts.append(token)
        else:
            for i, piece in enumerate(_text_pieces(token, max_text)):
                if i:
                    cut()
                parts.append(piece)
                text += len(piece)
    if parts and "".join(parts) != "".join(tag for _, tag in open_tags):
        cut()
    return chunks or [""]


def render_note(markdown_text: str) -> str:
    """Safe HTML for a Markdown note: fenced code, tables, lists; no raw HTML, no images.

    Bounded in time for any input; a note longer than RENDER_LIMIT is rendered up to
    there and the rest is kept as escaped plain text.
    """
    return render_preview(markdown_text, keep_rest=True).html
