"""Pure text helpers of the detail pane: search-term marking and the links row.

No Qt here, so they are simple to test and reuse (a future tooltip or export view).
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from ..domain import PaperDetail
from ..text import fold, normalise_arxiv_id

_SEARCH_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# fields whose words appear in the title/abstract; others (author:, tag:, year:) do not
_TEXT_FIELDS = {"title", "abstract", "text", "content"}


def query_words(query: str) -> list[str]:
    """The plain words of a search to mark in the abstract (operators, negations and
    non-text fields left out), folded, longest first so overlapping marks prefer them."""
    words: list[str] = []
    negate_next = False
    for token in re.findall(r'-?(?:\w+:)?"[^"]*"?|\S+', query):
        if token in _SEARCH_OPERATORS:
            negate_next = token in ("NOT", "ANDNOT")
            continue
        if negate_next or token.startswith("-"):
            negate_next = False
            continue
        field, sep, value = token.partition(":")
        if sep and re.fullmatch(r"\w+", field):
            if field.lower() not in _TEXT_FIELDS:
                continue
            token = value
        for word in re.findall(r"\w+", fold(token)):
            if len(word) >= 2 and not word.isdigit():
                # "models"/"diffusions" should also mark the singular in the text
                words.append(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return sorted(set(words), key=len, reverse=True)


def highlight_html(text: str, query: str, style: str) -> str:
    """`text` escaped as HTML, with the words of `query` (as word prefixes, accents and
    case ignored) wrapped in `<span style=...>`. Safe for any text and query."""
    words = query_words(query)
    if not words:
        return html.escape(text).replace("\n", "<br>")
    # fold character by character so a match in the folded text maps back to the original
    folded: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold(ch)
        folded.append(f)
        origin.extend([i] * len(f))
    flat = "".join(folded)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\w*")
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(flat):
        start, end = origin[m.start()], origin[m.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(html.escape(text[pos:start]))
        out.append(f'<span style="{style}">{html.escape(text[start:end])}</span>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def paper_links(paper: PaperDetail) -> list[tuple[str, str]]:
    """(label, address) for the links row: DOI, arXiv, URL, then links in the abstract."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(label: str, url: str) -> None:
        key = url.rstrip("/").lower()
        if paper.arxiv_id and re.match(r"https?://(export\.)?arxiv\.org/(abs|pdf)/", key):
            key = f"arxiv:{normalise_arxiv_id(url)}"
        if url and key not in seen:
            seen.add(key)
            out.append((label, url))

    if paper.doi:
        add(f"DOI {paper.doi}", f"https://doi.org/{paper.doi}")
    if paper.arxiv_id:
        add(f"arXiv {paper.arxiv_id}", f"https://arxiv.org/abs/{paper.arxiv_id}")
    if paper.url:
        add(_short_url(paper.url), paper.url)
    for url in paper.links:
        url = _latex_link(url)
        add(_short_url(url), url)
    return out


def _latex_link(url: str) -> str:
    r"""A link found in a LaTeX abstract as written: `\href{https://x.org/a\_b}{here}`
    was stored as `https://x.org/a\_b}{here`; the address is what precedes the `}{`."""
    url = url.split("}{", 1)[0]
    return _LATEX_ESCAPE.sub(r"\1", url) if "\\" in url else url


_LATEX_ESCAPE = re.compile(r"\\([%_#&~])")


def _short_url(url: str) -> str:
    """ "https://github.com/org/repo/" -> "github.com/org/repo" (long ones cut in the middle)."""
    short = re.sub(r"^https?://(www\.)?", "", url, flags=re.I).rstrip("/")
    return short if len(short) <= 48 else short[:30] + "…" + short[-14:]


def date_text(when: datetime) -> str:
    local = when.astimezone() if when.tzinfo else when
    return f"{local.day} {local:%b %Y}"
