"""Issue 8 item 10: text files of other kinds never become papers; a real trending page
(also hard-wrapped, also with footer chrome) still does."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from readinglist.domain import SourceFormat
from readinglist.formats.reader import UnknownFormat, read_bytes, read_text
from readinglist.formats.trending import looks_like_trending, read

from .test_trending import A1, A2, A3, A4, T1, T2, T3, T4

JUNK = Path(__file__).with_name("junk_files")


def junk_files() -> list[Path]:
    return sorted(p for p in JUNK.iterdir() if p.is_file())


def test_there_is_junk_of_every_kind() -> None:
    names = {p.name for p in junk_files()}
    assert {"README.md", "README.txt", "LICENSE.txt", "requirements.txt"} <= names
    assert {"CHANGELOG.md", "script.py", "models.py", "data.csv", "prose.txt", "notes.txt"} <= names


@pytest.mark.parametrize("path", junk_files(), ids=lambda p: p.name)
def test_junk_is_refused_whatever_its_name(path: Path) -> None:
    data = path.read_bytes()
    for name in (path.name, "page.txt", "download"):
        with pytest.raises(UnknownFormat, match="not a format that can be imported"):
            read_bytes(data, name)
    assert not looks_like_trending(data.decode("utf-8"))


FOOTER = [
    "",
    "© 2025 Papers with Code. All rights reserved.",
    "Privacy Policy · Terms of Service · Contact",
    "Stay informed on the latest trending ML papers with code, research developments, "
    "libraries, methods, and datasets.",
    "Subscribe to our newsletter",
    "Enter your email address",
    "No spam, unsubscribe any time.",
    "1,204 stars · 87 forks",
    "★ 12.5k",
    "Home | Browse | About | Blog",
]
CARDS = [(T1, A1), (T2, A2), (T3, A3), (T4, A4)]


@pytest.mark.parametrize("width", [60, 66, 72, 80, 90, 100])
def test_wrapped_abstracts_and_footer_chrome_make_no_phantom_papers(width: int) -> None:
    lines = ["Trending Papers", "Sign in", "Subscribe"]
    for title, abstract in CARDS:
        lines += textwrap.wrap(title, width) + textwrap.wrap(abstract, width)
    page = "\n".join(lines + FOOTER)
    result = read_text(page, "page.txt")
    assert result.format is SourceFormat.TRENDING
    assert [(d.title, d.abstract) for d in result.drafts] == CARDS
    assert result.problems == ()


def test_footer_chrome_after_an_unwrapped_page() -> None:
    page = "\n".join([f"{t}\n{a}" for t, a in CARDS] + FOOTER)
    result = read(page, "page.txt")
    assert [(d.title, d.abstract) for d in result.drafts] == CARDS
    assert result.problems == ()


def test_titles_that_merely_mention_chrome_words_are_kept() -> None:
    titles = [
        "Provable Copyright Protection for Generative Models",
        "Privacy-Preserving Federated Learning at Scale",
        "Stars and Galaxies: A Transformer for Sky Surveys",
        "Terms of Endearment: Sentiment in Dialogue Models",
    ]
    page = "\n".join(f"{t}\n{a}" for t, (_, a) in zip(titles, CARDS, strict=True))
    assert [d.title for d in read_text(page, "p.txt").drafts] == titles


def test_entities_are_decoded_once() -> None:
    title = "Beyond &amp;lt;think&amp;gt;: Tags &lt;i&gt;in&lt;/i&gt; Reasoning Models"
    page = f"{title}\n{A1}\n{T2}\n{A2}\n"
    drafts = read_text(page, "p.txt").drafts
    # one decoding: "&amp;lt;" is the text "&lt;", never the markup "<"
    assert drafts[0].title == "Beyond &lt;think&gt;: Tags <i>in</i> Reasoning Models"


def test_sample_page_wrapped_still_gives_papers(sample_page: Path) -> None:
    text = sample_page.read_text(encoding="utf-8")
    assert len(read_text(text, sample_page.name).drafts) == 224
    folded = "\n".join(
        out for line in text.split("\n") for out in (textwrap.wrap(line, 80) or [""])
    )
    result = read_text(folded, "folded.txt")
    assert result.format is SourceFormat.TRENDING
    # Folding loses the line structure, so a few cards may merge; none are invented.
    assert 210 <= len(result.drafts) <= 224
    assert sum(1 for d in result.drafts if not d.abstract) <= 10
    assert all(d.title and len(d.title) < 400 for d in result.drafts)


def test_the_shipped_example_page_is_recognised() -> None:
    example = Path(__file__).parents[2] / "resources" / "examples" / "trending.txt"
    result = read_bytes(example.read_bytes(), example.name)
    assert result.format is SourceFormat.TRENDING and len(result.drafts) == 2
