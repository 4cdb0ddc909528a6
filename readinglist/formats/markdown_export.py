"""Papers -> a readable Markdown reading list.

Grouped by status in reading order (Reading, Unread, Read), papers keep the order
given within a group. Per paper: linked title (DOI, else arXiv, else URL), authors,
venue and year, tags and citation key, the abstract as a blockquote and the note.
Text from records is escaped so a `*` or `_` in a title stays a character; the note
is the user's own Markdown and is kept as written, its headings pushed below ours.
"""

from __future__ import annotations

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
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#])")
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


def paper_link(paper: PaperDetail) -> str:
    if paper.doi:
        return "https://doi.org/" + paper.doi
    if paper.arxiv_id:
        return "https://arxiv.org/abs/" + paper.arxiv_id
    return paper.url


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
    meta = [f"Key: `{paper.citation_key}`"] if paper.citation_key else []
    if paper.tags:
        meta.insert(0, "Tags: " + ", ".join(f"`{t.replace('`', '')}`" for t in paper.tags))
    if meta:
        lines += [" · ".join(meta), ""]
    if paper.abstract.strip():
        paragraphs = [md_escape(p) for p in re.split(r"\n\s*\n", paper.abstract) if p.strip()]
        lines += ["\n>\n".join("> " + p for p in paragraphs), ""]
    if paper.note.strip():
        lines += ["**Notes**", "", _demote_headings(paper.note), ""]
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
