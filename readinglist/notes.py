"""Notes: Markdown source -> safe HTML for the preview, and the link policy.

Pure functions, no Qt. Safety comes in two layers so that one mistake does not
open a hole: raw HTML in a note is never passed through by python-markdown (it is
shown as text), and whatever markdown produced is then cleaned by nh3 against a
small allowlist. Images are never loaded: `![alt](src)` becomes a plain link to
`src` that opens only on click, like any other link.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .text import find_links, normalise_doi

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
        url = find_links(raw)[0] if raw[:1] in "hH" else raw.rstrip(".,;:!?)'\"")
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
        if el.tag in _NO_LINKS_INSIDE:
            return
        if el.text:
            el.text, links = _split_links(el.text)
            for i, link in enumerate(links):
                el.insert(i, link)
        for child in list(el):
            self._walk(child)
            if child.tail:
                child.tail, links = _split_links(child.tail)
                at = list(el).index(child) + 1
                for i, link in enumerate(links):
                    el.insert(at + i, link)


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


def render_note(markdown_text: str) -> str:
    """Safe HTML for a Markdown note: fenced code, tables, lists; no raw HTML, no images."""
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "nl2br", _SafeNotes()],
        output_format="html",
    )
    html = md.convert(markdown_text)
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_allowed_href,
        url_schemes=set(LINK_SCHEMES),
        url_relative="deny",
        link_rel=None,
        set_tag_attribute_values=_TABLE_LOOK,
    )
