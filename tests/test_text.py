"""Pure text helpers: links in abstracts, folding, duplicate keys."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.text import (
    find_links,
    fold,
    normalise_arxiv_id,
    normalise_doi,
    normalise_title,
    strip_invisible,
    terminal_safe,
)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Code: https://github.com/IST-DASLab/gptq.", ("https://github.com/IST-DASLab/gptq",)),
        ("(see https://x.org/a_(b)) and", ("https://x.org/a_(b)",)),
        ("(project page: https://muse-model.github.io)", ("https://muse-model.github.io",)),
        ("at http://a.org/x?y=1&z=2, and http://a.org/x?y=1&z=2!", ("http://a.org/x?y=1&z=2",)),
        ('"https://q.io/p";', ("https://q.io/p",)),
        ("no links here: https:// nor www.example.com", ()),
    ],
)
def test_find_links_strips_sentence_punctuation(text: str, links: tuple[str, ...]) -> None:
    assert find_links(text) == links


def test_fold_ignores_case_and_accents_but_keeps_other_scripts() -> None:
    assert fold("Naïve MÜLLER École") == "naive muller ecole"
    assert fold("Straße") == "strasse"
    assert fold("Схема") == "схема"


def test_normalise_title_ignores_punctuation_and_spacing() -> None:
    a = normalise_title("MaskGIT: Masked Generative Image Transformer")
    b = normalise_title("  maskgit -- masked generative,  image transformer!! ")
    assert a == b == "maskgit masked generative image transformer"
    assert normalise_title("Deep nets") != normalise_title("Deep nets 2")


@pytest.mark.parametrize(
    "value",
    [
        "2301.00704",
        "2301.00704v3",
        "arXiv:2301.00704v1",
        "https://arxiv.org/abs/2301.00704v2",
        "http://export.arxiv.org/pdf/2301.00704.pdf",
    ],
)
def test_arxiv_ids_of_every_version_are_one_id(value: str) -> None:
    assert normalise_arxiv_id(value) == "2301.00704"


def test_old_style_arxiv_ids_keep_their_slash() -> None:
    assert normalise_arxiv_id("astro-ph/0601001v1") == "astro-ph/0601001"


def test_dois_compare_without_resolver_or_case() -> None:
    assert normalise_doi("https://doi.org/10.1109/CVPR.2022.01103") == "10.1109/cvpr.2022.01103"
    assert normalise_doi("doi: 10.1/ABC") == normalise_doi("10.1/abc")


@pytest.mark.parametrize(
    "title",
    [
        "Un\u00adder\u00adstand\u00ading Deep Nets",
        "Under\u200bstanding Deep\u200c Nets",
        "\ufeffUnder\u2060standing\u200d Deep Nets",
    ],
)
def test_invisible_characters_do_not_split_words_for_keys_and_matching(title: str) -> None:
    assert normalise_title(title) == normalise_title("Understanding deep nets")
    assert fold(title) == "understanding deep nets"
    assert strip_invisible(title).replace(" ", "").isalpha()


_TERMINAL_BAD = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def test_terminal_safe_replaces_escapes_and_drops_bidi() -> None:
    assert terminal_safe("a\x1b[2Jb") == "a\ufffd[2Jb"
    assert terminal_safe("x\u202eevil\u202c y") == "xevil y"
    assert terminal_safe("one\ntwo\tthree") == "one two three"
    assert terminal_safe("one\r\ntwo\u2029\tthree", multiline=True) == "one\ntwo\n\n\tthree"


@given(st.text())
def test_terminal_safe_output_never_drives_a_terminal(text: str) -> None:
    line = terminal_safe(text)
    assert not _TERMINAL_BAD.search(line) and "\n" not in line and "\t" not in line
    block = terminal_safe(text, multiline=True)
    assert not _TERMINAL_BAD.search(block) and "\r" not in block
