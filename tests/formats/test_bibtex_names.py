"""BibTeX name lists -> Person values."""

from __future__ import annotations

import pytest

from readinglist.domain import Person
from readinglist.formats.bibtex_names import parse_name, parse_names, split_names


@pytest.mark.parametrize(
    ("raw", "person"),
    [
        ("Donald E. Knuth", Person("Knuth", "Donald E.")),
        ("Knuth, Donald E.", Person("Knuth", "Donald E.")),
        ("Ludwig van Beethoven", Person("Beethoven", "Ludwig", prefix="van")),
        ("van Beethoven, Ludwig", Person("Beethoven", "Ludwig", prefix="van")),
        ("Jean de la Fontaine", Person("Fontaine", "Jean", prefix="de la")),
        ("de Last, Jr., First Middle", Person("Last", "First Middle", "de", "Jr.")),
        ("Reagle, Jr., Joseph M.", Person("Reagle", "Joseph M.", suffix="Jr.")),
        # the order people write (and BibTeX would misread): Last, First, Jr.
        ("Fulton, James E., Jr.", Person("Fulton", "James E.", suffix="Jr.")),
        ("{Barnes and Noble, Inc.}", Person("Barnes and Noble, Inc.")),
        ("Aristotle", Person("Aristotle")),
        (r"{\'E}mile Zola", Person("Zola", "Émile")),
        (r"van der Walt, {S}t\'efan", Person("Walt", "Stéfan", prefix="van der")),
        (r"\L{}ukasz Kaiser", Person("Kaiser", "Łukasz")),
        (r"{\v S}imon Ko", Person("Ko", "Šimon")),
        (
            "Charles Louis de la Vall{\\'e}e Poussin",
            Person("Vallée Poussin", "Charles Louis", "de la"),
        ),
        ("Михаил Маркович Викторов", Person("Викторов", "Михаил Маркович")),
    ],
)
def test_parse_name_forms(raw: str, person: Person) -> None:
    assert parse_name(raw) == person


def test_split_on_and_outside_braces_only() -> None:
    names = split_names("A. One and {Barnes and Noble} AND C. Three\n and\tD. Four")
    assert names == ["A. One", "{Barnes and Noble}", "C. Three", "D. Four"]


def test_and_others_becomes_a_marker_person() -> None:
    people = parse_names("Liu, Hongquin and Ruckenstein, Eli and others")
    assert people == (Person("Liu", "Hongquin"), Person("Ruckenstein", "Eli"), Person("others"))


def test_empty_names_are_dropped() -> None:
    assert parse_names("") == ()
    assert parse_names(" and A. Bee and ") == (Person("Bee", "A."),)
