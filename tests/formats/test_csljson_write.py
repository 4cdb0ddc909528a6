from __future__ import annotations

import json

from readinglist.domain import Person
from readinglist.formats import csljson_read
from readinglist.formats.csljson_write import write_csljson
from tests.formats.bib_fixtures import hostile_library, paper


def test_fields_and_names() -> None:
    p = paper(
        7,
        "Über & <b>Title</b>",
        abstract="Abstract ≤ 中",
        authors=(
            Person("Beethoven", "Ludwig", prefix="van", suffix="Jr."),
            Person("Barnes and Noble"),
        ),
        year=2021,
        venue="Nature",
        doi="10.1/x",
        url="https://x.org/a",
        citation_key="beethoven2021uber",
        tags=("a", "b c"),
        note="my note",
        extra={"pages": "1--10", "volume": "3", "month": "7", "file": "ignored.pdf"},
    )
    [item] = json.loads(write_csljson([p]))
    assert item["id"] == "beethoven2021uber"
    assert item["type"] == "article-journal"
    assert item["title"] == "Über & <b>Title</b>"
    assert item["author"] == [
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van", "suffix": "Jr."},
        {"literal": "Barnes and Noble"},
    ]
    assert item["issued"] == {"date-parts": [[2021, 7]]}
    assert item["container-title"] == "Nature"
    assert (item["DOI"], item["URL"]) == ("10.1/x", "https://x.org/a")
    assert item["keyword"] == "a, b c"
    assert item["note"] == "my note"
    assert (item["page"], item["volume"]) == ("1-10", "3")
    assert "file" not in item


def test_utf8_kept_and_output_deterministic() -> None:
    text = write_csljson(hostile_library())
    assert "中" in text and "\\u4e2d" not in text  # ensure_ascii=False
    assert text == write_csljson(hostile_library())
    assert json.loads(write_csljson([])) == []


def test_preprint_and_types() -> None:
    items = json.loads(
        write_csljson(
            [
                paper(1, "P", arxiv_id="2202.04200"),
                paper(2, "T", entry_type="phdthesis", venue="MIT"),
                paper(3, "W", entry_type="wrong"),
            ]
        )
    )
    assert items[0]["type"] == "article"
    assert items[0]["URL"] == "https://arxiv.org/abs/2202.04200"
    assert items[1]["type"] == "thesis"
    assert items[2]["type"] == "document"


def test_round_trip_through_our_csljson_reader() -> None:
    lib = [p for p in hostile_library() if p.title.strip()]
    result = csljson_read.read(write_csljson(lib), "export.json")
    assert not result.problems
    assert len(result.drafts) == len(lib)
    for draft, original in zip(result.drafts, lib, strict=True):
        assert draft.source_key == original.citation_key
        assert draft.year == original.year
        assert draft.doi.lower() == original.doi.lower()
        assert [a.family for a in draft.authors] == [
            a.family or a.given for a in original.authors if a.family or a.given
        ]
        assert draft.abstract == original.abstract.strip()
