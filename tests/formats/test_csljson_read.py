from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.domain import Person, SourceFormat
from readinglist.formats.csljson_read import read
from readinglist.formats.decode import decode_bytes

ITEM = {
    "id": "vaswani2017",
    "citation-key": "vaswani2017attention",
    "type": "paper-conference",
    "title": "Attention Is <i>All</i> You Need",
    "abstract": "The dominant sequence transduction models...",
    "author": [
        {"family": "Vaswani", "given": "Ashish"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "Gaulle", "given": "Charles", "dropping-particle": "de"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"literal": "Google Brain"},
    ],
    "issued": {"date-parts": [["2017", 12]]},
    "container-title": "Advances in Neural Information Processing Systems",
    "DOI": "https://doi.org/10.48550/arXiv.1706.03762",
    "URL": "https://arxiv.org/abs/1706.03762",
    "volume": "30",
    "page": 5998,
    "editor": [{"family": "Guyon", "given": "I."}],
}


def test_item_fields() -> None:
    result = read(json.dumps([ITEM]), "lib.json")
    assert result.format is SourceFormat.CSLJSON
    assert result.problems == ()
    (d,) = result.drafts
    assert d.title == "Attention Is All You Need"
    assert d.abstract == "The dominant sequence transduction models..."
    assert d.authors == (
        Person(family="Vaswani", given="Ashish"),
        Person(family="Beethoven", given="Ludwig", prefix="van"),
        Person(family="Gaulle", given="Charles", prefix="de"),
        Person(family="King", given="Martin Luther", suffix="Jr."),
        Person(family="Google Brain"),
    )
    assert d.year == 2017
    assert d.venue == "Advances in Neural Information Processing Systems"
    assert d.doi == "10.48550/arXiv.1706.03762"
    assert d.arxiv_id == "1706.03762"
    assert d.url == "https://arxiv.org/abs/1706.03762"
    assert d.entry_type == "inproceedings"
    assert d.source_key == "vaswani2017attention"
    assert d.line == 1
    assert d.extra["volume"] == "30"
    assert d.extra["pages"] == "5998"  # CSL's page under its BibTeX name
    assert d.extra["editor"] == "Guyon, I."  # names as a BibTeX name list
    assert d.extra["month"] == "dec"  # as the BibTeX reader says it
    assert d.extra["csl_id"] == "vaswani2017"
    assert "issued" not in d.extra  # year and month say it all
    assert "csl_type" not in d.extra


@pytest.mark.parametrize(
    ("csl_type", "entry_type"),
    [
        ("article-journal", "article"),
        ("paper-conference", "inproceedings"),
        ("book", "book"),
        ("chapter", "incollection"),
        ("thesis", "phdthesis"),
        ("report", "techreport"),
        ("webpage", "online"),
        ("musical_score", "misc"),
    ],
)
def test_types(csl_type: str, entry_type: str) -> None:
    (d,) = read(json.dumps({"type": csl_type, "title": "T"}), "x.json").drafts
    assert d.entry_type == entry_type
    assert (d.extra.get("csl_type") == csl_type) is (entry_type == "misc")


@pytest.mark.parametrize(
    ("issued", "year", "kept"),
    [
        ({"date-parts": [[2017]]}, 2017, False),
        ({"date-parts": [["1957"]]}, 1957, False),
        ({"date-parts": [[2006, 4, 23]]}, 2006, True),
        ({"date-parts": [["2017", 15], ["2017", 16]]}, 2017, True),  # season range
        ({"raw": "Spring 2009"}, 2009, True),
        ({"literal": "circa 1850"}, 1850, True),
        ({"date-parts": [["-12", 13]]}, None, True),  # BCE: no sortable year, kept
        ("2004", 2004, True),
        ({}, None, False),
    ],
)
def test_issued(issued: object, year: int | None, kept: bool) -> None:
    (d,) = read(json.dumps([{"title": "T", "issued": issued}]), "x.json").drafts
    assert d.year == year
    assert ("issued" in d.extra) is kept


def test_wrapped_and_single_object_forms() -> None:
    wrapped = '{"items": [\n{"title": "A"},\n{"title": "B"}\n]}'
    assert [(d.title, d.line) for d in read(wrapped, "x").drafts] == [("A", 2), ("B", 3)]
    single = '\n\n{"title": "Only", "type": "book"}'
    assert [(d.title, d.line) for d in read(single, "x").drafts] == [("Only", 3)]


def test_item_lines_ignore_braces_inside_strings() -> None:
    text = '[\n{"title": "A {[", "note": "}]} \\" {"},\n\n  {"title": "B"}\n]'
    assert [(d.title, d.line) for d in read(text, "x").drafts] == [("A {[", 2), ("B", 4)]


def test_item_without_title_is_a_problem_naming_it() -> None:
    text = '[\n  {"id": "first", "title": "Kept"},\n  {"id": "nameless", "type": "book"}\n]'
    result = read(text, "lib.json")
    assert [d.title for d in result.drafts] == ["Kept"]
    (problem,) = result.problems
    assert problem.line == 3
    assert "'nameless'" in problem.message
    assert "no title" in problem.message


def test_non_object_items_are_skipped() -> None:
    result = read('[1, "two", {"title": "Three"}]', "x")
    assert [d.title for d in result.drafts] == ["Three"]
    assert len(result.problems) == 2


def test_invalid_json_reports_its_line() -> None:
    result = read('[\n  {"title": "A"},\n  {"title": "B",}\n]', "bad.json")
    assert result.drafts == ()
    (problem,) = result.problems
    assert problem.line == 3
    assert problem.message.startswith("invalid JSON")


@pytest.mark.parametrize("text", ["42", "null", '"text"', "true"])
def test_json_that_is_not_items(text: str) -> None:
    result = read(text, "x.json")
    assert result.drafts == ()
    assert "must be a list of items" in result.problems[0].message


def test_deep_nesting_does_not_crash() -> None:
    result = read("[" * 100_000 + "]" * 100_000, "deep.json")
    assert result.drafts == ()
    assert len(result.problems) >= 1


def test_corpora(corpora: Path) -> None:
    def load(name: str) -> tuple[list[str], list[int]]:
        path = corpora / "csljson" / name
        result = read(decode_bytes(path.read_bytes()).text, name)
        return [d.source_key for d in result.drafts], [p.line for p in result.problems]

    keys, problems = load("bbt__cheater_syntax_587.csl.json")
    assert keys == [
        "clark_mesopotamia_1957",
        "kamp_deconstructing_2006",
        "mozart_sonatas_1960",
        "noauthor_object_nodate",
        "ratliff_mystery_1999",
    ]
    assert problems == []
    keys, problems = load("bbt__season_ranges_860.csl.json")
    assert len(keys) == 6 and problems == []
    # Hand-written: tabs, "key : value", a dropping particle, and no title: kept untitled.
    assert load("cslsuite__ApostropheOnParticle.input.json") == (["ITEM-1"], [2])

    path = corpora / "csljson" / "bbt__cheater_syntax_587.csl.json"
    drafts = read(path.read_text(encoding="utf-8"), path.name).drafts
    assert [d.line for d in drafts] == [2, 3, 4, 5, 6]
    kamp = drafts[1]
    assert kamp.year == 2006
    assert kamp.extra["csl_type"] == "review-book"
    assert kamp.extra["reviewed-author"] == "Pollan, Michael"  # a name list, BibTeX syntax
    mozart = drafts[2]
    assert mozart.abstract.startswith("Example from CMoS, 16e, 14.269\n“Prepared")
    assert mozart.authors == (Person(family="Mozart", given="Wolfgang Amadeus"),)

    path = corpora / "csljson" / "bbt__season_ranges_860.csl.json"
    seasons = {d.title: d for d in read(path.read_text(encoding="utf-8"), path.name).drafts}
    assert seasons["Season ranges: EDTF and literal"].year == 2017
    assert seasons["0000-21/0000-24"].year is None
    assert "issued" in seasons["0000-21/0000-24"].extra
