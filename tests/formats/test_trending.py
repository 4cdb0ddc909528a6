from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.domain import SourceFormat
from readinglist.formats import trending
from readinglist.formats.trending import looks_like_trending, read

# Sample-like lines (written for these tests, in the style of the copied page).
T1 = "Muse: Text-To-Image Generation via Masked Generative Transformers"
A1 = (
    "We present Muse, a text-to-image Transformer model that achieves state-of-the-art "
    "image generation performance while being significantly more efficient than diffusion "
    "or autoregressive models. Muse is trained on a masked modeling task in discrete token "
    "space. More results are available at https://muse-model.github.io"
)
T2 = "Can the Transformer Be Used as a Drop-in Replacement for RNNs in Text-Generating GANs?"
A2 = (
    "In this paper we address the problem of fine-tuned text generation with a limited "
    "computational budget. For that, we use a well-performing text generative adversarial "
    "network (GAN) architecture. We show that the naive replacement is not enough."
)
T3 = "Plug & Play Generative Networks: Conditional Iterative Generation of Images in Latent Space"
A3 = (
    "Generating high-resolution, photo-realistic images has been a long-standing goal in "
    "machine learning. Recently, Nguyen et al. (2016) showed one interesting way to "
    "synthesize novel images by performing gradient ascent in the latent space of a "
    "generator network to maximize the activations of one or multiple neurons."
)
T4 = "Scalable Diffusion Models with Transformers"
A4 = (
    "We explore a new class of diffusion models based on the transformer architecture. "
    "We train latent diffusion models of images, replacing the commonly-used U-Net "
    "backbone with a transformer that operates on latent patches. Our largest DiT-XL/2 "
    "models outperform all prior diffusion models on ImageNet 512x512 and 256x256."
)


def pairs(text: str) -> list[tuple[str, str]]:
    return [(d.title, d.abstract) for d in read(text, "page.txt").drafts]


def test_sample_page_reads_exactly(sample_page: Path) -> None:
    text = sample_page.read_text(encoding="utf-8")
    result = read(text, sample_page.name)
    assert result.format is SourceFormat.TRENDING
    assert result.problems == ()
    assert len(result.drafts) == 224

    first, last = result.drafts[0], result.drafts[-1]
    assert first.title == (
        "Subformer: Exploring Weight Sharing for Parameter Efficiency in Generative Transformers"
    )
    assert first.abstract.startswith(
        "Transformers have shown improved performance when compared to previous architectures"
    )
    assert first.abstract.endswith(
        "the Subformer can outperform the Transformer even when using significantly fewer "
        "parameters."
    )
    assert first.line == 3
    assert last.title == "Long Text Generation via Adversarial Training with Leaked Information"
    assert last.abstract.endswith(
        "LeakGAN would be able to implicitly learn sentence structures only through the "
        "interaction between Manager and Worker."
    )
    assert last.line == 449

    # Every title and abstract is the page's own line, character for character: the page
    # is two chrome lines, then title/abstract lines with "Subscribe" glued to the first.
    lines = text.split("\n")
    assert lines[2].startswith("Subscribe")
    body = [lines[2].removeprefix("Subscribe"), *lines[3:]]
    assert [d.title for d in result.drafts] == body[0::2]
    assert [d.abstract for d in result.drafts] == body[1::2]
    assert all(d.entry_type == "misc" and d.authors == () for d in result.drafts)


def test_sample_keeps_latex_and_ampersands_as_typed(sample_page: Path) -> None:
    drafts = read(sample_page.read_text(encoding="utf-8"), "p").drafts
    abstracts = "\n".join(d.abstract for d in drafts)
    assert 'na\\"ive' in abstracts
    assert "12.4\\%" in abstracts
    assert any(d.title.startswith("Plug & Play") for d in drafts)


def test_sample_with_crlf_blank_lines_and_trailing_spaces(sample_page: Path) -> None:
    clean = read(sample_page.read_text(encoding="utf-8"), "p").drafts
    messy = "\r\n\r\n".join(line + "  " for line in sample_page.read_text().split("\n"))
    drafts = read(messy, "p").drafts
    assert [(d.title, d.abstract) for d in drafts] == [(d.title, d.abstract) for d in clean]


def test_chrome_is_dropped_and_glued_subscribe_removed() -> None:
    text = "\n".join(
        [
            "Trending Papers",
            "Sign in",
            "Get trending papers in your email inbox once a day!",
            "Get trending papers in your email inbox!",
            f"Subscribe{T1}",
            A1,
            "1,234 stars",
            "12.5 stars / hour",
            "23 Oct 2024",
            "Subscribe",
            T2,
            A2,
        ]
    )
    assert pairs(text) == [(T1, A1), (T2, A2)]


def test_a_title_that_really_starts_with_subscribe_is_kept() -> None:
    title = "Subscriber Churn Prediction with Sequence Transformers"
    assert pairs(f"{title}\n{A4}") == [(title, A4)]


def test_missing_abstract_does_not_shift_later_pairs() -> None:
    text = "\n".join([T1, A1, T2, T3, A3, T4, A4])
    result = read(text, "page.txt")
    assert [(d.title, d.abstract) for d in result.drafts] == [
        (T1, A1),
        (T2, ""),
        (T3, A3),
        (T4, A4),
    ]
    assert [d.line for d in result.drafts] == [1, 3, 4, 6]
    # A soft problem points at the title that lost its abstract.
    assert [(p.line, "no abstract" in p.message) for p in result.problems] == [(3, True)]


def test_missing_title_becomes_a_problem_not_a_paper() -> None:
    text = "\n".join([T1, A1, A2, T3, A3])
    result = read(text, "page.txt")
    assert [(d.title, d.abstract) for d in result.drafts] == [(T1, A1), (T3, A3)]
    assert len(result.problems) == 1
    assert result.problems[0].line == 3
    assert "no title" in result.problems[0].message


def test_last_title_without_abstract() -> None:
    result = read(f"{T1}\n{A1}\n{T2}\n", "page.txt")
    assert [(d.title, d.abstract) for d in result.drafts] == [(T1, A1), (T2, "")]
    assert [p.line for p in result.problems] == [3]


def test_short_one_sentence_abstract_still_pairs() -> None:
    short = "We show that a tiny model trained on curated data beats much larger ones."
    assert pairs(f"{T4}\n{short}\n{T1}\n{A1}") == [(T4, short), (T1, A1)]


def test_title_ending_with_full_stop_after_an_abstract() -> None:
    title = "Attention Is Not All You Need."
    assert pairs(f"{T1}\n{A1}\n{title}\n{A4}") == [(T1, A1), (title, A4)]


def test_html_entities_and_spacing_are_cleaned() -> None:
    text = "Plug &amp; Play:\tA   Title&#8217;s Test \n  Results &lt; baselines. " + A3
    assert pairs(text) == [
        ("Plug & Play: A Title’s Test", "Results < baselines. " + A3),
    ]


def test_bare_ampersand_words_are_not_entities() -> None:
    title = "R&D&copy Matters for 4&times Faster Transformers"
    assert pairs(f"{title}\n{A4}") == [(title, A4)]


def test_empty_and_chrome_only_pages() -> None:
    assert read("", "p").drafts == ()
    assert read("Subscribe\n\nSign in\n", "p").drafts == ()
    assert read("Subscribe\n\nSign in\n", "p").problems == ()


def test_looks_like_trending() -> None:
    assert looks_like_trending(f"{T1}\n{A1}\n{T2}\n{A2}")
    assert not looks_like_trending(T1)
    assert not looks_like_trending("\n".join(["AU Doe, J", "TI Title", "SO Journal"] * 10))


@pytest.mark.parametrize(
    "text", ["", "a", "a\n", "\n", "a\nb", "a\n\nb\n", "\n\nx\n\n", "one\ntwo\nthree"]
)
def test_lines_are_split_like_str_split(text: str) -> None:
    assert list(trending._lines(text)) == text.split("\n")
