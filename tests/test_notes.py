"""render_note: Markdown features work, and nothing unsafe survives."""

from __future__ import annotations

import re

import pytest

from readinglist.notes import link_target, render_note


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
