from __future__ import annotations

import re

import pytest

from readinglist.domain import Person
from readinglist.formats.citekey import citation_key_for


def never(_: str) -> bool:
    return False


def test_author_year_first_significant_word() -> None:
    authors = (Person("Chang", "Huiwen"), Person("Zhang", "Han"))
    key = citation_key_for(authors, 2022, "MaskGIT: Masked Generative Image Transformer", never)
    assert key == "chang2022maskgit"


@pytest.mark.parametrize(
    ("person", "title", "expected"),
    [
        (Person("Müller", "Jürgen"), "Towards the Über-Model", "muller2020uber"),
        (Person("Beethoven", "L.", prefix="van"), "On a Theory of Sound", "beethoven2020theory"),
        (Person("Ørsted", "H. C."), "The Łódź Papers", "orsted2020lodz"),
        (Person("O'Brien-Smith", "A."), "A 3D World", "obriensmith20203d"),
        (Person("The Royal Society"), "Of Transactions", "royal2020transactions"),
        (Person("Straße", "A."), "An Ode", "strasse2020ode"),
    ],
)
def test_names_and_titles_fold_to_ascii(person: Person, title: str, expected: str) -> None:
    assert citation_key_for((person,), 2020, title, never) == expected


def test_slug_without_author_or_year() -> None:
    title = "Subformer: Exploring Weight Sharing for Parameter Efficiency"
    assert citation_key_for((), 2021, title, never) == "subformerexploringweight"
    assert (
        citation_key_for((Person("Reid", "M."),), None, title, never) == "subformerexploringweight"
    )


def test_never_empty() -> None:
    assert citation_key_for((), None, "", never) == "paper"
    assert citation_key_for((Person("张", "伟"),), 2020, "深度学习", never) == "paper2020"
    assert citation_key_for((), None, "The Of A", never) == "theofa"  # stop words only


def test_an_empty_title_still_gives_a_key() -> None:
    knuth = (Person("Knuth", "Donald"),)
    assert citation_key_for(knuth, 1974, "", never) == "knuth1974"
    assert citation_key_for(knuth, None, "", never) == "knuth"
    assert citation_key_for((), 1974, "  ", never) == "paper1974"
    assert citation_key_for((), None, "", lambda k: k == "paper") == "papera"


def test_clash_suffixes_are_deterministic() -> None:
    taken = {"chang2022maskgit"}
    authors = (Person("Chang", "H."),)
    made = []
    for _ in range(28):
        key = citation_key_for(authors, 2022, "MaskGIT", taken.__contains__)
        assert key not in taken
        taken.add(key)
        made.append(key)
    assert made[:3] == ["chang2022maskgita", "chang2022maskgitb", "chang2022maskgitc"]
    assert made[25:28] == ["chang2022maskgitz", "chang2022maskgitaa", "chang2022maskgitab"]


def test_keys_only_hold_safe_characters() -> None:
    odd = (Person('{\\"O}zt%rk_#~', "x"),)
    key = citation_key_for(odd, -44, "Éq. (1): $x^2$ & {y}", never)
    assert re.fullmatch(r"[a-z0-9]+", key), key
