"""Papers -> a readable Markdown reading list.

Grouped by status in reading order (Reading, Unread, Read), papers keep the order
given within a group. Per paper: linked title (DOI, else arXiv, else URL), authors,
venue and year, tags and citation key, the abstract as a blockquote and the note.
Text from records is escaped so a `*` or `_` in a title stays a character; the note
is the user's own Markdown and is kept as written, its headings pushed below ours.

Whoever opens the file renders it with some Markdown engine that passes raw HTML
through, so nothing in it may run or load anything (the preview's rules, notes.py):
no raw HTML (`<` before a tag, comment or autolink other than http(s) becomes
`&lt;`, also inside code, where it then shows as "&lt;"), no images (`![alt](src)`
becomes a link `[🖼 alt](src)`, opened only on click), and no link, inline or by
reference definition, to a scheme other than http, https, mailto or doi
(`javascript:`, `data:`, `file:`, `vbscript:` ... however written with entities,
escapes or blanks): its `(` or `]:` is escaped, so it shows as text; nor an
attribute list that sets attributes (`{: onclick=...}`): its `{` is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from readinglist.domain import PaperDetail, Status

GROUPS: Sequence[tuple[Status, str]] = (
    (Status.READING, "Reading"),
    (Status.UNREAD, "Unread"),
    (Status.READ, "Read"),
)
MAX_AUTHORS = 8  # longer author lists end in "et al."

# what Python-Markdown and CommonMark both unescape; "<" becomes an entity instead
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#{}])")  # braces: attribute lists {: onclick=...}
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.M)
_URL_UNSAFE = re.compile(r"[\s()<>\[\]]")
_HEADING = re.compile(r"^(#{1,6})(?=\s)", re.M)
_FENCE = re.compile(r"^\s*(```|~~~)")


def md_escape(text: str) -> str:
    """Plain text -> Markdown that shows the same characters (one line)."""
    text = " ".join(text.split())
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")
    return _LINE_START.sub(r"\1\\\2", text)


def _safe_url(url: str) -> str:
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", url.strip())


SAFE_SCHEMES = frozenset(("http", "https", "mailto", "doi"))
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_BLANKS = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unsafe_target(target: str) -> bool:
    """Whether a link target would run or fetch something: a scheme other than
    SAFE_SCHEMES, read the way a renderer and a browser read it (entities decoded,
    backslash escapes removed, blanks and invisible characters dropped)."""
    plain = _MD_ESCAPE.sub(r"\1", html.unescape(html.unescape(target)))
    # a backslash left in a scheme is dropped too: whatever a browser makes of it
    plain = _BLANKS.sub("", plain).replace("\\", "").lower().lstrip("<")
    m = _SCHEME.match(plain)
    return m is not None and m.group(1) not in SAFE_SCHEMES


# `<` opening a tag, comment, declaration or processing instruction; an autolink to
# http(s) with nothing odd in it stays a link
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])(?!https?://[^\s<>\"'`]*>)")
_IMAGE = re.compile(r"!\[")
# an inline link's target: `](` then blanks (one newline) and the destination
_INLINE_TARGET = re.compile(r"\]\(([ \t]*\n?[ \t]*)(<[^>\n]*>?|[^\s)]*)")
# a reference definition `[label]: target` (also inside a quote or list item)
_DEFINITION = re.compile(r"\]:([ \t]*\n?[ \t]*)(\S*)")


def _inline(m: re.Match[str]) -> str:
    return "]\\(" + m.group(1) + m.group(2) if unsafe_target(m.group(2)) else m.group(0)


def _definition(m: re.Match[str]) -> str:
    return "]\\:" + m.group(1) + m.group(2) if unsafe_target(m.group(2)) else m.group(0)


# an attribute list (Python-Markdown attr_list, kramdown, pandoc) that sets a value:
# `{: onclick="..."}` would put any attribute on the element before it
_ATTRIBUTE_LIST = re.compile(r"\{(?=[^{}\n]*=[^{}\n]*\})")


def safe_note(note: str) -> str:
    """The user's Markdown with nothing that runs or loads (see the module doc)."""
    note = _ATTRIBUTE_LIST.sub(r"\\{", _TAG_OPEN.sub("&lt;", note))
    note = _IMAGE.sub("[\U0001f5bc ", note)
    note = _INLINE_TARGET.sub(_inline, note)
    return _DEFINITION.sub(_definition, note)


def paper_link(paper: PaperDetail) -> str:
    """Where the title links to: DOI, else arXiv, else the URL if it is safe to open."""
    if paper.doi:
        return "https://doi.org/" + paper.doi
    if paper.arxiv_id:
        return "https://arxiv.org/abs/" + paper.arxiv_id
    url = paper.url.strip()
    return url if _SCHEME.match(url.lower()) and not unsafe_target(url) else ""


def _demote_headings(note: str) -> str:
    """Note headings sit below the paper's own (###): `#` -> `####`, outside code."""
    out: list[str] = []
    in_code = False
    for line in note.strip().splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        elif not in_code:
            line = _HEADING.sub(lambda m: "#" * min(6, len(m.group(1)) + 3), line)
        out.append(line)
    return "\n".join(out)


def _code(text: str) -> str:
    """A tag or key as a code span: one line, no backtick to end it early."""
    return "`" + " ".join(text.replace("`", "").split()) + "`"


def _authors(paper: PaperDetail) -> str:
    names = [p.display for p in paper.authors if p.display]
    shown = ", ".join(names[:MAX_AUTHORS])
    return shown + (" et al." if len(names) > MAX_AUTHORS else "")


def paper_markdown(paper: PaperDetail) -> str:
    title = md_escape(paper.title) or "*(untitled)*"
    link = paper_link(paper)
    lines = [f"### [{title}]({_safe_url(link)})" if link else f"### {title}", ""]
    byline = [md_escape(s) for s in (_authors(paper), paper.venue) if s.strip()]
    if paper.year is not None:
        byline.append(str(paper.year))
    if byline:
        lines += [" · ".join(byline), ""]
    meta = [f"Key: {_code(paper.citation_key)}"] if paper.citation_key else []
    if paper.tags:
        meta.insert(0, "Tags: " + ", ".join(_code(t) for t in paper.tags))
    if meta:
        lines += [" · ".join(meta), ""]
    if paper.abstract.strip():
        paragraphs = [md_escape(p) for p in re.split(r"\n\s*\n", paper.abstract) if p.strip()]
        lines += ["\n>\n".join("> " + p for p in paragraphs), ""]
    if paper.note.strip():
        lines += ["**Notes**", "", _demote_headings(safe_note(paper.note)), ""]
    return "\n".join(lines)


def write_markdown(papers: Iterable[PaperDetail], *, title: str = "Reading list") -> str:
    """The whole list: a heading, a count, then one section per status that has papers."""
    items = list(papers)
    count = f"{len(items)} paper" + ("" if len(items) == 1 else "s")
    parts = [f"# {md_escape(title)}", "", count, ""]
    for status, heading in GROUPS:
        group = [p for p in items if p.status == status]
        if not group:
            continue
        parts += [f"## {heading} ({len(group)})", ""]
        parts += [paper_markdown(p) for p in group]
    return "\n".join(parts).rstrip("\n") + "\n"
