from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.domain import Person, SourceFormat
from readinglist.formats.decode import decode_bytes
from readinglist.formats.ris import read

RECORD = """\
TY  - JOUR
ID  - smith2020
TI  - Deep Learning for
      Reading Lists
AU  - Smith, John A.
AU  - van der Berg, Anna
A1  - Doe JA
A2  - Editor, Ed
PY  - 2020/05/12/
AB  - First line of the abstract
  continues here.
JO  - J. Read. Stud.
JF  - Journal of Reading Studies
VL  - 12
IS  - 3
SP  - 101
EP  - 117
SN  - 1234-5678
DO  - https://doi.org/10.1000/XYZ.123
UR  - https://example.org/paper
KW  - reading
KW  - lists
M1  - whatever
ER  -
"""


def test_full_record() -> None:
    result = read(RECORD, "refs.ris")
    assert result.format is SourceFormat.RIS
    assert result.problems == ()
    (d,) = result.drafts
    assert d.title == "Deep Learning for Reading Lists"
    assert d.abstract == "First line of the abstract continues here."
    assert d.authors == (
        Person(family="Smith", given="John A."),
        Person(family="van der Berg", given="Anna"),
        Person(family="Doe", given="JA"),
    )
    assert d.year == 2020
    assert d.venue == "Journal of Reading Studies"
    assert d.doi == "10.1000/XYZ.123"
    assert d.url == "https://example.org/paper"
    assert d.entry_type == "article"
    assert d.source_key == "smith2020"
    assert d.tags == ()
    assert d.line == 1
    assert d.extra["keywords"] == "reading, lists"
    assert d.extra["editor"] == "Editor, Ed"
    assert d.extra["volume"] == "12"
    assert d.extra["number"] == "3"
    assert d.extra["pages"] == "101--117"
    assert d.extra["issn"] == "1234-5678"
    assert d.extra["shortjournal"] == "J. Read. Stud."
    assert d.extra["m1"] == "whatever"


@pytest.mark.parametrize(
    ("ty", "entry_type"),
    [
        ("JOUR", "article"),
        ("Journal Article", "article"),
        ("CONF", "inproceedings"),
        ("CPAPER", "inproceedings"),
        ("BOOK", "book"),
        ("CHAP", "incollection"),
        ("THES", "phdthesis"),
        ("RPRT", "techreport"),
        ("ELEC", "misc"),
        ("", "misc"),
    ],
)
def test_types(ty: str, entry_type: str) -> None:
    (d,) = read(f"TY  - {ty}\nTI  - T\nER  -\n", "x.ris").drafts
    assert d.entry_type == entry_type
    if entry_type == "misc" and ty:
        assert d.extra["ris_type"] == ty


def test_records_between_junk_with_crlf_and_line_numbers() -> None:
    text = (
        "Exported by SomeDB\r\n1.\r\nTY  - JOUR\r\nTI  - One\r\nER  -\r\n\r\n"
        "2.\r\nTY  - CONF\r\nT1  - Two\r\nER  - \r\n"
    )
    result = read(text, "x.ris")
    assert [(d.title, d.line, d.entry_type) for d in result.drafts] == [
        ("One", 3, "article"),
        ("Two", 8, "inproceedings"),
    ]
    assert result.problems == ()


def test_record_without_title_is_kept_with_a_warning_and_reading_goes_on() -> None:
    text = "TY  - JOUR\nAB  - no title here\nER  -\nTY  - JOUR\nTI  - Kept\nER  -\n"
    text += "TY  - JOUR\nPY  - \nER  -\n"  # nothing at all to go on: skipped
    result = read(text, "x.ris")
    assert [d.title for d in result.drafts] == ["", "Kept"]
    assert result.drafts[0].abstract == "no title here"
    assert [(p.file, p.line) for p in result.problems] == [("x.ris", 1), ("x.ris", 7)]
    assert "no title; imported as [untitled]" in result.problems[0].message
    assert "skipped" in result.problems[1].message


def test_record_cut_off_before_er_is_kept_with_a_problem() -> None:
    result = read("TY  - JOUR\nTI  - Truncated\nAU  - Doe, J", "x.ris")
    assert [d.title for d in result.drafts] == ["Truncated"]
    assert len(result.problems) == 1
    assert "ER" in result.problems[0].message


def test_new_ty_closes_an_unterminated_record() -> None:
    result = read("TY  - JOUR\nTI  - A\nTY  - BOOK\nTI  - B\nER  -\n", "x.ris")
    assert [d.title for d in result.drafts] == ["A", "B"]


def test_arxiv_ids_from_doi_and_url() -> None:
    text = (
        "TY  - JOUR\nTI  - A\nDO  - 10.48550/arXiv.2202.04200\nER  -\n"
        "TY  - JOUR\nTI  - B\nUR  - https://arxiv.org/abs/astro-ph/0601001v2\nER  -\n"
        "TY  - JOUR\nTI  - C\nUR  - https://example.org/2202.04200\nER  -\n"
    )
    drafts = read(text, "x.ris").drafts
    assert [d.arxiv_id for d in drafts] == ["2202.04200", "astro-ph/0601001", ""]
    assert drafts[0].doi == "10.48550/arXiv.2202.04200"


def test_empty_tags_and_one_space_tags() -> None:
    text = "TY - JOUR\nTI - Loose Writer\nSP  -\nPY  -\nER -\n"
    result = read(text, "x.ris")
    (d,) = result.drafts
    assert d.title == "Loose Writer"
    assert d.year is None
    assert "pages" not in d.extra
    assert result.problems == ()


def test_short_title_is_the_last_resort_title() -> None:
    (d,) = read("TY  - JOUR\nST  - Short\nER  -\n", "x.ris").drafts
    assert d.title == "Short"


def test_not_ris_gives_nothing() -> None:
    assert read("", "x").drafts == ()
    assert read("hello\nworld\n", "x").drafts == ()
    assert read("ER  -\nAU  - stray\n", "x").problems == ()


def test_corpora(corpora: Path) -> None:
    def load(name: str) -> tuple[list[str], list[int]]:
        path = corpora / "ris" / name
        result = read(decode_bytes(path.read_bytes()).text, name)
        return [d.title for d in result.drafts], [p.line for p in result.problems]

    # Only a DOI: still a record (issue 9), imported untitled with a warning.
    assert load("rispy__example_bom.ris") == ([""], [1])
    # Three records, none with a title; each is reported at its TY line.
    assert load("rispy__example_multiline.ris") == (["", "", ""], [1, 8, 17])
    titles, problems = load("rispy__example_extraneous_data.ris")
    assert titles == ["Title of reference", "The title of the reference"]
    assert problems == []
    assert load("rispy__example_wos.ris") == ([], [])  # Web of Science: not RIS at all

    path = corpora / "ris" / "rispy__example_empty_tag.ris"
    (d,) = read(decode_bytes(path.read_bytes()).text, path.name).drafts
    assert d.title.startswith("Outcome Measures After Shoulder Stabilization")
    assert d.authors == (Person(family="Fanning", given="E."),)
    assert d.year == 2020
    assert d.doi == "10.1177/2325967120950040"
    assert d.abstract.endswith("determining an athlete's safe return to sport...")
    assert "\n" not in d.abstract
    assert d.extra["keywords"] == "*athlete, biomechanics, bone remodeling"

    path = corpora / "ris" / "rispy__example_utf_chars.ris"
    (d,) = read(decode_bytes(path.read_bytes()).text, path.name).drafts
    assert d.title.startswith("Состояние рецепторного аппарата")
    assert d.abstract.endswith("in the late reproductive period")
    assert d.authors[0] == Person(family="Dobrokhotova", given="Yu E.")
    assert d.extra["note"] == "Ä,Ö,Ü,ä,ö,ü,ß"
    assert d.extra["pages"] == "52--57"
    assert d.venue == "Gynecology, Obstetrics and Perinatology"


def test_multiline_values_join(corpora: Path) -> None:
    path = corpora / "ris" / "rispy__example_multiline.ris"
    text = decode_bytes(path.read_bytes()).text
    # Give each record a title so the continuation handling can be seen.
    titled = text.replace("TY  - JOUR\n", "TY  - JOUR\nTI  - T\n")
    drafts = read(titled, path.name).drafts
    expected = "first line, ER then second line and at the end the last line"
    assert [d.abstract for d in drafts] == [expected] * 3
    assert [d.extra["note"] for d in drafts] == ["first line\n* second line\n* last line"] * 3
