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
    return sorted({w for term in query_terms(query) for w in term}, key=len, reverse=True)


def query_terms(query: str) -> list[tuple[str, ...]]:
    """What to mark for a search: one tuple per plain word, and one per quoted phrase
    holding its words in order (a phrase is marked where its words stand together,
    not word by word all over the text)."""
    terms: list[tuple[str, ...]] = []
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
        phrase = token.lstrip("-").startswith('"')
        words = [
            # "models"/"diffusions" should also mark the singular in the text
            word[:-1] if len(word) > 4 and word.endswith("s") else word
            for word in re.findall(r"\w+", fold(token))
            if phrase or (len(word) >= 2 and not word.isdigit())
        ]
        if phrase and len(words) > 1:
            terms.append(tuple(words))
        else:
            terms.extend((w,) for w in words if len(w) >= 2 and not w.isdigit())
    return list(dict.fromkeys(terms))


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of what `query` marks: words as word prefixes, phrases
    as their words in order with only spaces or punctuation between; accents and case
    ignored; overlapping matches merged."""
    terms = query_terms(query)
    if not terms:
        return []
    # fold character by character so a match in the folded text maps back to the original
    folded: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold(ch)
        folded.append(f)
        origin.extend([i] * len(f))
    flat = "".join(folded)
    # longest first, so a phrase wins over its own words at the same place
    alternatives = sorted(
        (r"\W+".join(re.escape(w) + r"\w*" for w in term) for term in terms),
        key=len,
        reverse=True,
    )
    pattern = re.compile(r"\b(?:" + "|".join(alternatives) + ")")
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(flat):
        start, end = origin[m.start()], origin[m.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def highlight_html(text: str, query: str, style: str) -> str:
    """`text` escaped as HTML, with the words of `query` (as word prefixes, accents and
    case ignored) wrapped in `<span style=...>`. Safe for any text and query."""
    spans = match_spans(text, query)
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
