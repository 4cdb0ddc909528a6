"""latex.py's fast path gives exactly what the full pylatexenc parse gives (issue 10).

Over every field value of ../shared/corpora and the sample page (skipped when absent),
and over generated values made of the constructs the fast path reads and of those it
must leave to the full parse.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.formats.bibtex_scan import scan
from readinglist.formats.decode import decode_bytes
from readinglist.formats.latex import (
    MAX_PARSED_CHARS,
    _parse,
    _tidy,
    fast_latex_to_text,
    latex_to_text,
    simple_latex_to_text,
)


def full_latex_to_text(value: str) -> str:
    """latex_to_text as it was before the fast path: always the full parse."""
    from readinglist.formats.latex import _NEEDS_LATEX, _decode_entities

    if not _NEEDS_LATEX.search(value):
        return _tidy(_decode_entities(value))
    if len(value) <= MAX_PARSED_CHARS:
        try:
            text = _parse(value)
        except Exception:
            text = simple_latex_to_text(value)
    else:
        text = simple_latex_to_text(value)
    return _tidy(_decode_entities(text))


def _values(corpora: Path, sample: Path) -> Iterator[str]:
    """Every BibTeX field value as written, every line of the other corpora and of
    the sample, and each word of them (author names are decoded a few words at a time)."""
    for path in sorted(corpora.glob("*/*")):
        text = decode_bytes(path.read_bytes()).text
        values = [v for e in scan(text).entries for v in e.fields.values()]
        if path.suffix != ".bib":
            values = text.splitlines()
        for value in values:
            yield value
            yield from value.split()
    for line in sample.read_text("utf-8").splitlines():
        yield line
        yield from line.split()


def test_fast_path_equals_the_full_parse_on_every_corpus_field(
    corpora: Path, sample_page: Path
) -> None:
    fast = full = 0
    for value in dict.fromkeys(_values(corpora, sample_page)):
        if not any(c in value for c in "\\{}$~%&-`'"):
            continue
        full += 1
        got = fast_latex_to_text(value)
        if got is not None:
            fast += 1
            assert got == _parse(value), value
        assert latex_to_text(value) == full_latex_to_text(value), value
    # the fast path must carry most of the load, or the import is slow again
    assert full > 1000
    assert fast / full > 0.9, (fast, full)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (r"Schr\"odinger {\"a} \'e \'{\i} \c{c} {\v s}", "Schrödinger ä é í ç š"),
        (
            r"R\&D -- 12---3 ``q'' a~b 50\% \emph{x} {\em y} {GAN}s",
            "R&D – 12—3 “q” a\xa0b 50% x y GANs",
        ),
        (r"runs in $O(n^2)$ with $\alpha$", "runs in $O(n^2)$ with $α$"),
        (r"Stra{\ss}e \o{} \L{}\'od\'z", "Straße ø Łódź"),
    ],
)
def test_fast_path_reads_the_common_constructs(value: str, text: str) -> None:
    assert fast_latex_to_text(value) == text


@pytest.mark.parametrize(
    "value",
    [
        r"\foo{bar}",  # unknown macro
        r"a \\ b",  # line break
        r"$$x$$",  # display math
        r"$50%$",  # a % in math: the full parse escapes it
        r"unbalanced { brace",
        r"closing } only",
        r"$unclosed",
        r"\texttt{x}",
        r"\href{https://x.org}{the site}",
        r"named \method, it",
        r"$\sqrt[3]{x}$",  # an optional argument
        r"$a \hat$ b$",  # a macro taking an argument would take the closing `$`
    ],
)
def test_fast_path_leaves_the_rest_to_the_full_parse(value: str) -> None:
    assert fast_latex_to_text(value) is None
    assert latex_to_text(value) == full_latex_to_text(value)


# Pieces of field values: what the fast path reads, and some of what it must refuse.
_PIECES = [
    "a", "B", "e", "i", "x", "2", ".", ",", " ", "  ", "\n", "\n\n", "\t",
    "\\'", '\\"', "\\^", "\\~", "\\`", "\\=", "\\.", "\\c", "\\v", "\\u", "\\H",
    "\\i", "\\j", "\\ss", "\\o", "\\O", "\\aa", "\\l", "\\L", "\\ae",
    "{", "}", "{}", "-", "--", "---", "`", "``", "'", "''", "!", "?", "~",
    "$", "$$", "\\alpha", "\\times", "\\hat", "\\frac", "\\sqrt", "\\mathrm", "\\mu",
    "\\,", "^", "_", "#", "[", "]", "\\(", "\\)", "\\textsuperscript{", "\\url{",
    "%", "&", "\\&", "\\%", "\\$", "\\#", "\\_", "\\{", "\\}", "\\\\",
    "\\emph{", "\\textbf{", "\\textsf{", "{\\em ", "\\em", "\\it ", "\\foo",
    "&amp;",
]  # fmt: skip
# ... and those the fast path reads, drawn as often again: most draws are then read
_READ = [
    "a", "e", " ", "\n", "\\'", '\\"', "\\c", "\\i", "\\ss", "\\o", "{", "}", "--", "---",
    "``", "''", "'", "~", "$", "\\alpha", "\\times", "%", "&", "\\&", "\\%", "\\emph{",
    "{\\em ", "\\H", "\\(", "\\)", "\\mathrm", "\\frac", "{1}",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.sampled_from(_READ), max_size=14).map("".join))
def test_fast_path_equals_the_full_parse_on_generated_values(value: str) -> None:
    got = fast_latex_to_text(value)
    if got is None:
        return
    try:
        expected = _parse(value)
    except Exception:  # the full parse fails: latex_to_text's regex fallback decides
        pytest.fail(f"fast path read {value!r}, which the full parse refuses")
    assert got == expected, value
