"""Highlighted HTML snippets: the matched words in <b>...</b>, everything else escaped.

Whoosh's own highlighter re-runs the query's term expansion per hit and knows
nothing of our bounded prefixes; this one takes the matched terms once per query
and only re-tokenises each stored text with the field's analyser.
"""

from __future__ import annotations

import html
from collections.abc import Collection

from whoosh.analysis import Analyzer

SNIPPET_CHARS = 240  # roughly two lines of the detail pane


def mark(text: str, analyzer: Analyzer, terms: Collection[str], *, snippet: bool) -> str:
    """`text` as HTML with tokens whose analysed form is in `terms` in bold.

    With `snippet`, only a window of about SNIPPET_CHARS around the densest run of
    matches is kept (or the start of the text when nothing matched).
    """
    spans: list[tuple[int, int]] = []
    if terms:
        for token in analyzer(text, chars=True, mode="index"):
            if token.text in terms:
                spans.append((token.startchar, token.endchar))
    start, end = 0, len(text)
    if snippet and len(text) > SNIPPET_CHARS:
        start, end = _window(text, spans)
    out: list[str] = ["…"] if start > 0 else []
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<b>{html.escape(text[s:e])}</b>")
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    if not spans:
        start = 0
    else:
        # the window (starting at a match) that holds the most matches
        best, best_count, j = 0, 0, 0
        for i, (s, _) in enumerate(spans):
            while j < len(spans) and spans[j][1] <= s + SNIPPET_CHARS:
                j += 1
            if j - i > best_count:
                best, best_count = i, j - i
        # a little context before the first match, cut at a word boundary
        start = max(0, spans[best][0] - SNIPPET_CHARS // 6)
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < spans[best][0] else spans[best][0]
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        if space > start:
            end = space
    return start, end
