"""LaTeX in stored text -> what a reader expects to see (`$118\\times$` -> `118×`).

Titles and abstracts from arXiv (and some BibTeX) keep their LaTeX as written, which
is right for export but not for reading. `display_text` is the one conversion the
window, the CLI and the index use; the stored value is never changed by it.

Cost matters: the list asks for titles of 100k rows and a BibTeX import showed
pylatexenc's full parse as its main cost. So text without `\\` or `$` is returned as
it is (most titles), parsed values are cached, and a value too big for the parser
(or one it chokes on) goes through the linear regex decoder instead: no input can
hang the caller.
"""

from __future__ import annotations

import functools
import re
from typing import Any

# latex.py's contexts know the macros bibliographies use (\url, \textsc, \noopsort...);
# reusing them keeps the import and the display agreeing on what a macro means.
from .latex import _GREEK, _GREEK_MACRO, _text_context, simple_latex_to_text, walker_context

# An arXiv abstract is under 2,000 characters; pylatexenc takes ~0.5 s per 150 KB.
MAX_PARSED_CHARS = 8_000

_NEEDS_DISPLAY = re.compile(r"[\\$]")
_UNESCAPED_SPECIAL = re.compile(r"(?<!\\)([%&#])")
_DOLLAR = re.compile(r"(?<!\\)\$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")


@functools.cache
def _converter() -> Any:
    """Made (and pylatexenc imported) on first use: most titles never need it."""
    from pylatexenc.latex2text import LatexNodes2Text

    # math_mode="text": inside `$...$` \times is ×, \alpha is α, \leq is ≤.
    return LatexNodes2Text(latex_context=_text_context(), math_mode="text")


def display_text(value: str) -> str:
    """`value` with its LaTeX shown as text; plain text comes back unchanged."""
    if not _NEEDS_DISPLAY.search(value):
        return value
    return _converted(value)


def search_text(value: str) -> str:
    """The words of `display_text` for the search index, by the linear decoder only:
    a rebuild sees every abstract once, so a cache cannot help, and pylatexenc costs
    ~6 ms per LaTeX abstract against ~0.2 ms (100k papers: minutes against seconds)."""
    if not _NEEDS_DISPLAY.search(value):
        return value
    value, urls = _park_urls(value)
    return _unpark(_tidy(_simple(value)), urls)


@functools.lru_cache(maxsize=8192)
def _converted(value: str) -> str:
    value, urls = _park_urls(value)
    if len(value) <= MAX_PARSED_CHARS and not _too_deep(value):
        try:
            text = _parse(value)
        except Exception:  # pylatexenc raises on some malformed input; never fatal here
            text = _simple(value)
    else:
        text = _simple(value)
    return _unpark(_tidy(text), urls)


# pylatexenc recurses per group, and deep nesting (`\\frac{` a thousand times) can take
# it minutes where Python's recursion limit is raised: real text nests a few levels.
MAX_DEPTH = 30
_BRACE = re.compile(r"(?<!\\)[{}]")


def _too_deep(value: str) -> bool:
    depth = 0
    for m in _BRACE.finditer(value):
        depth += 1 if m.group() == "{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _unpark(text: str, urls: list[str]) -> str:
    return _PARKED.sub(lambda m: urls[ord(m.group()) - _PARK_BASE], text) if urls else text


# Addresses are not LaTeX: `~` in https://x.org/~user is no space, `_` no subscript.
_URL = re.compile(r"\\url\s*\{([^{}\s]*)\}|https?://[^\s{}\\$]+")
_URL_ESCAPE = re.compile(r"\\([%_#&~$])")
_PARK_BASE = 0xF0000  # one private-use character per address while the rest is parsed
_PARKED = re.compile("[\U000f0000-\U000ffffd]")


def _park_urls(value: str) -> tuple[str, list[str]]:
    urls: list[str] = []

    def park(m: re.Match[str]) -> str:
        if len(urls) >= 0xFFFD:
            return m.group()
        urls.append(_URL_ESCAPE.sub(r"\1", m.group(1)) if m.group(1) is not None else m.group())
        return chr(_PARK_BASE + len(urls) - 1)

    value = _PARKED.sub("", value)  # nothing of ours to confuse with the input's own
    return _URL.sub(park, value), urls


# Signs that are maths even where a page lost the `$`s ("118\\times lower"): the space
# after them is kept, as maths spacing would show it (a control word eats it in text).
_SIGN_THEN_SPACE = re.compile(
    r"\\(times|cdot|pm|mp|div|leq?|geq?|neq|approx|sim|simeq|equiv|propto|ll|gg"
    r"|to|rightarrow|leftarrow|Rightarrow|infty|in|notin|subseteq?|cup|cap)(?![A-Za-z])[ \t]+"
)


def _parse(value: str) -> str:
    # `%`, `&`, `#` in an abstract are text; to LaTeX they are a comment, a tab, a
    # parameter. And a lone `$` ("costs $5") would swallow the rest as math.
    escaped = _UNESCAPED_SPECIAL.sub(r"\\\1", value)
    escaped = _SIGN_THEN_SPACE.sub(r"\\\1{} ", escaped)
    if len(_DOLLAR.findall(escaped)) % 2:
        escaped = _DOLLAR.sub(r"\\$", escaped)
    from pylatexenc.latexwalker import LatexWalker

    walker = LatexWalker(escaped, latex_context=walker_context(), tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    return str(_converter().nodelist_to_text(nodes))


def _simple(value: str) -> str:
    """The linear fallback: accents, escapes, braces, Greek letters; math signs dropped."""
    text = _GREEK_MACRO.sub(lambda m: _GREEK[m.group(1)], value)
    text = simple_latex_to_text(text.replace("\\times", "×"))
    return _DOLLAR.sub("", text)


def _tidy(text: str) -> str:
    """Spaces inside a paragraph folded; paragraph breaks kept as one blank line."""
    paragraphs = (" ".join(_SPACES.sub(" ", p).split()) for p in _BLANK_LINE.split(text))
    return "\n\n".join(p for p in paragraphs if p)
