"""render_note: Markdown features work, and nothing unsafe survives."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.notes import MAX_NESTING, RENDER_LIMIT, link_target, render_note, render_preview


def _hrefs(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]*)"', html)


def test_script_and_remote_image_do_nothing() -> None:
    html = render_note(
        'Before <script>alert(1)</script> after\n\n<img src="http://example.com/x.png">\n\n'
        "![diagram](http://example.com/y.png)"
    )
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    # the raw HTML is shown to the reader as text, not dropped silently
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # a Markdown image becomes a link the user may click, never an inline load
    assert '<a href="http://example.com/y.png">' in html
    assert "diagram" in html


def test_raw_html_attributes_and_event_handlers_are_text() -> None:
    html = render_note('<div onclick="steal()">x</div>\n\n<a href="javascript:alert(1)">y</a>')
    assert "<div" not in html
    assert "onclick=" not in html.replace("&lt;div onclick=", "")
    assert not _hrefs(html)


@pytest.mark.parametrize(
    "source",
    [
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1))",
        "[a](data:text/html;base64,PHNjcmlwdD4=)",
        "[a](file:///etc/passwd)",
        "[a](relative/path.html)",
        "[a](vbscript:msgbox)",
    ],
)
def test_unsafe_link_targets_lose_their_href(source: str) -> None:
    html = render_note(source)
    assert not _hrefs(html)
    assert ">a</a>" in html  # the text stays readable


def test_markdown_features() -> None:
    html = render_note(
        "# Idea\n\nSome *emphasis* and **strong**.\n"
        "Second line\n\n"
        "```python\nx = '<b>'\n```\n\n"
        "| metric | value |\n|---|---|\n| FID | 2.1 |\n\n"
        "1. first\n2. second\n"
    )
    assert "<h1>Idea</h1>" in html
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert "<br>" in html  # a single newline is a line break in a note
    assert "<pre><code>x = '&lt;b&gt;'" in html  # code is escaped, not interpreted
    assert "<th>metric</th>" in html and "<td>2.1</td>" in html
    assert "<ol>" in html and "<li>second</li>" in html


def test_bare_links_become_links_but_not_inside_code_or_links() -> None:
    html = render_note(
        "See https://github.com/org/repo_name. and doi:10.1000/xyz123, "
        "(https://example.org/a)\n\n`https://in.code/x`\n\n[label http://x.org](http://x.org)"
    )
    assert _hrefs(html) == [
        "https://github.com/org/repo_name",
        "doi:10.1000/xyz123",
        "https://example.org/a",
        "http://x.org",
    ]
    assert "<code>https://in.code/x</code>" in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2202.04200", "https://arxiv.org/abs/2202.04200"),
        ("http://example.org", "http://example.org"),
        ("doi:10.1000/XYZ", "https://doi.org/10.1000/xyz"),
        ("10.1145/3292500.3330701", "https://doi.org/10.1145/3292500.3330701"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("data:text/html,hi", None),
        ("mailto:someone@example.org", None),
        ("http:no-slashes", None),
        ("https://", None),
        ("doi:not-a-doi", None),
        ("https://a.org/\nx", None),
        ("", None),
    ],
)
def test_link_target(url: str, expected: str | None) -> None:
    assert link_target(url) == expected


# ---------------------------------------------------------------- hostile notes
#
# Each of these took seconds to minutes (or raised RecursionError) before rendering
# was bounded; see benchmarks/notes_bench.py for the times.

PROSE = "The model *learns* a **robust** `code` [link](https://x.org) note.\n"
HOSTILE = {
    "5,000 [": "[" * 5000,
    "20 KB [": "[" * 20_000,
    "5 MB text": (PROSE * (5_000_000 // len(PROSE) + 1))[:5_000_000],
    "list nested 300": "".join(" " * (4 * i) + "- x\n" for i in range(300)),
    "list markers 300": "- " * 300 + "deep\n",
    "quote nested 300": "> " * 300 + "deep\n",
    "quote lines 300": "".join(">" * i + " q\n" for i in range(1, 301)),
    "* x 50k": "*" * 50_000,
    "**a x 20k": "**a" * 20_000,
    "backticks": "`a" * 30_000,
    "backtick runs": "`" * 40_000,
    "< runs": "<" * 50_000,
    "<a runs": "<a " * 20_000,
    "[a]( x 20k": "[a](" * 20_000,
    "[a][ x 20k": "[a][" * 20_000,
    "![ x 20k": "![" * 20_000,
    "brackets nested": "[" * 10_000 + "x" + "]" * 10_000,
    "parens": "[a](" + "(" * 30_000,
    "quoted title": '[a](b "' * 10_000,
    "backslashes": "\\" * 60_000,
    "line breaks": "x\n" * 30_000,
    "hard breaks": "a  \n" * 15_000,
    "fence-like line": "~" * 1100 + "\t" * 900 + "1. " * 450 + "---" * 1000,
    "unclosed fences": "```a\n" * 10_000,
    "fence then spaces": "```" * 3000 + " " * 8000 + "`" * 4000,
    "* run then space": "*" * 9000 + " x",
    "\\r then markers": "x\r" + "- " * 300 + "deep\r" + "1. " * 300 + "x",
    "_ and * runs": "_" * 3000 + "***" * 3000 + "* " * 600 + "a" * 140 + "]" * 600,
}


def _text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_notes_render_bounded_and_never_raise(name: str) -> None:
    text = HOSTILE[name]
    result = render_preview(text)
    # bounded: the preview never carries much more than what was rendered
    assert len(result.html) < 40 * RENDER_LIMIT
    assert "<script" not in result.html
    if len(text) > RENDER_LIMIT:
        assert "Only the first" in result.notice and "the editor has all of it" in result.notice
    html = render_note(text)
    assert "<script" not in html


def test_render_note_keeps_what_it_does_not_format() -> None:
    # exports use render_note: past the limit the rest is kept, escaped, not dropped
    tail = "the very end <b>of it</b>"
    text = "*x* " * (RENDER_LIMIT // 4) + "\n" + tail
    html = render_note(text)
    assert "the very end &lt;b&gt;of it&lt;/b&gt;" in html
    assert "<em>x</em>" in html
    preview = render_preview(text)
    assert "the very end" not in preview.html and "Only the first" in preview.notice


def test_deep_nesting_keeps_the_text_and_the_first_levels() -> None:
    text = "".join(" " * (4 * i) + f"- level{i}\n" for i in range(300))
    html = render_note(text)
    assert html.count("<ul>") >= MAX_NESTING  # the first levels stay a list
    assert "level299" in html  # nothing is dropped, only flattened
    quotes = render_note("> " * 300 + "deep")
    assert quotes.count("<blockquote>") == MAX_NESTING and "deep" in quotes


def test_a_fence_that_never_closes_is_shown_as_text() -> None:
    html = render_note("```python\nx = 1\n```\n\n~~~\nunclosed *x*\n\n~~~~~ not a fence")
    assert "<pre><code>x = 1" in html
    assert "~~~<br>\nunclosed <em>x</em>" in html
    assert "~~~~~ not a fence" in html


def test_long_emphasis_runs_are_text_and_short_ones_emphasis() -> None:
    html = render_note("**bold** and ___x___ and ********* rule")
    assert "<strong>bold</strong>" in html and "<em>x</em>" in html
    assert "********* rule" in html


def test_markers_after_a_lone_carriage_return_are_bounded_too() -> None:
    # Python-Markdown turns \r into a line end before parsing: so must the bounds
    result = render_preview("x\r\r" + "- " * 300 + "deep")
    assert not result.plain
    assert result.html.count("<ul>") == MAX_NESTING and "deep" in result.html


def test_a_reference_like_address_is_no_link_and_no_failure() -> None:
    result = render_preview("[a]: http://x[a]: http://x")
    assert not result.plain and "http://x" in result.html


def test_code_is_never_cut_by_the_nesting_bound() -> None:
    code = "```\n" + "".join(" " * 60 + f"x{i}\n" for i in range(3)) + "```\n"
    assert " " * 60 + "x2" in render_note(code)


def test_normal_links_and_emphasis_survive_the_bounds() -> None:
    long_url = "https://example.org/" + "a" * 1500
    html = render_note(f'[one](https://a.org/(x)) and [two]({long_url} "t") *e* `c`')
    assert '<a href="https://a.org/(x)">one</a>' in html
    assert f'<a href="{long_url}" title="t">two</a>' in html
    assert "<em>e</em>" in html and "<code>c</code>" in html


def test_a_failing_renderer_falls_back_to_the_escaped_text() -> None:
    # a real RecursionError from Python-Markdown's list parser (unguarded, unlike its
    # block quotes): a list at the nesting bound, run with hardly any stack to spare
    import sys

    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 30)
    try:
        result = render_preview("".join(" " * (4 * i) + "- x *a* <b>\n" for i in range(8)))
    finally:
        sys.setrecursionlimit(old)
    assert result.plain
    assert "RecursionError" in result.notice and "plain text" in result.notice
    assert result.html.startswith("<pre>") and "&lt;b&gt;" in result.html


_PIECES = st.sampled_from(
    ["[", "]", "(", ")", "![", "*", "**", "_", "`", "```", "<", ">", "> ", "- ", "1. ",
     "    ", "\t", "\n", "\n\n", "\\", "&", "#", "|", '"', "'", "a", " ", "http://x.org",
     "<script>", "[a](b)", "~~~", "---", "{", "}", "=", "***", "___", "1)", "* ",
     "[a]: http://x", "<http://", "&#", "&amp;", "|---|", ":", "  \n", "\r"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.integers(1, 400)), max_size=30))
def test_any_mix_of_markup_renders_quickly_and_safely(runs: list[tuple[str, int]]) -> None:
    text = "".join(piece * n for piece, n in runs)
    start = time.monotonic()
    result = render_preview(text)
    assert time.monotonic() - start < 20  # "a few seconds" with room for a busy machine
    assert "<script" not in result.html.lower()
    assert not re.search(r"<img|javascript:", result.html, re.IGNORECASE)
