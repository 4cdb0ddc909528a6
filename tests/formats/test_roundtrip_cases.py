"""One test per way an export read back used to differ from its record (issue 9,
"Export <-> import is a fixed point"): written, read by our own readers, compared."""

from __future__ import annotations

import json

import pytest

from readinglist.domain import PaperDraft, Person, SourceFormat
from readinglist.formats import bibtex_read, csljson_read
from readinglist.formats.bibtex_write import write_bibtex
from readinglist.formats.clean import PLAIN_FIELDS_KEY, clean_draft, plain_fields
from readinglist.formats.csljson_write import write_csljson
from readinglist.library import Library

from .bib_fixtures import paper

BOTH = pytest.mark.parametrize("biblatex", [False, True], ids=["bibtex", "biblatex"])


def _back(text: str) -> PaperDraft:
    (draft,) = bibtex_read.read(text, "x.bib").drafts
    return clean_draft(draft, SourceFormat.BIBTEX)


def _extra(d: PaperDraft) -> dict[str, str]:
    return {k: v for k, v in d.extra.items() if k != PLAIN_FIELDS_KEY}


def test_soft_hyphen_title_is_not_added_again(lib: Library) -> None:
    lib.import_text("@article{k, title = {Hy\\-phen\\-ated Words}, year = 2020}", source="a.bib")
    (detail,) = lib.details(lib.ids())
    assert detail.title == "Hyphenated Words"  # no U+00AD stored
    again = lib.import_text(_export(lib), source="b.bib")
    assert again.added == () and again.updated == ()


def _export(lib: Library) -> str:
    from readinglist.domain import ExportFormat

    return lib.export(ExportFormat.BIBTEX)


@BOTH
def test_a_date_of_year_and_month_is_the_year_and_the_month(biblatex: bool) -> None:
    d = _back("@article{k, title = {T}, journal = {J}, date = {2011-12}}")
    assert d.year == 2011 and _extra(d) == {"month": "dec"}
    p = paper(1, "T", venue="J", year=2011, extra={"month": "dec"})
    back = _back(write_bibtex([p], biblatex=biblatex))
    assert back.year == 2011 and _extra(back) == {"month": "dec"}
    # a day or a range is kept whole, also through plain BibTeX (which ignores it)
    for date in ("2011-12-05", "2011/2012"):
        p = paper(1, "T", venue="J", year=2011, extra={"date": date})
        assert _extra(_back(write_bibtex([p], biblatex=biblatex)))["date"] == date


def test_the_arxiv_howpublished_for_plain_bst_is_not_a_venue() -> None:
    p = paper(1, "Pre", entry_type="misc", arxiv_id="1605.08386")
    text = write_bibtex([p])
    assert "howpublished = {ar{X}iv:1605.08386}" in text  # still printed by plain.bst
    back = _back(text)
    assert back.venue == "" and back.arxiv_id == "1605.08386" and _extra(back) == {}


@BOTH
def test_plain_extras_with_specials_read_back_as_the_same_text(biblatex: bool) -> None:
    extra = {"publisher": "Smith & Sons", "number": "2–3", "note": "50% of ~x_1", "x": "a\\b"}
    extra[PLAIN_FIELDS_KEY] = " ".join(sorted(extra))
    back = _back(write_bibtex([paper(1, "T", venue="J", extra=extra)], biblatex=biblatex))
    assert _extra(back) == {k: v for k, v in extra.items() if k != PLAIN_FIELDS_KEY}
    # what was escaped is marked plain again (a UTF-8 "2–3" needed no escaping)
    assert plain_fields(back.extra) >= {"publisher", "note", "x"}
    # LaTeX that is more than escaped text stays LaTeX, as written
    raw = _back("@misc{k, title = {T}, note = {see \\emph{this}}, type = {Univ.\\ Report}}")
    assert _extra(raw) == {"note": "see \\emph{this}", "type": "Univ.\\ Report"}
    assert plain_fields(raw.extra) == frozenset()


def test_a_file_cannot_mark_its_own_fields_plain() -> None:
    d = _back("@misc{k, title = {T}, note = {\\emph{x}}, _plain_fields = {note}}")
    assert plain_fields(d.extra) == frozenset()


@BOTH
@pytest.mark.parametrize("kind", ["article", "online", "patent", "unpublished", "thesis"])
def test_entry_types_are_kept(biblatex: bool, kind: str) -> None:
    back = _back(write_bibtex([paper(1, "T", entry_type=kind)], biblatex=biblatex))
    assert back.entry_type == kind  # an article without a journal stays an article


@pytest.mark.parametrize("kind", ["online", "patent", "unpublished", "article", "dataset"])
def test_entry_types_through_csl(kind: str) -> None:
    (back,) = csljson_read.read(write_csljson([paper(1, "T", entry_type=kind)]), "x").drafts
    assert back.entry_type == kind and "csl_type" not in back.extra


@BOTH
def test_paragraph_breaks_dashes_quotes_and_dots_come_back(biblatex: bool) -> None:
    abstract = "First -- part, 3--5 and a---b.\n\nSecond ``quoted'' a·b ?` !`"
    p = paper(1, "Future Token Prediction -- Causal", abstract=abstract)
    text = write_bibtex([p], biblatex=biblatex)
    assert "\n\n" not in text.strip()  # one field, one line: `\par` between paragraphs
    back = _back(text)
    assert back.abstract == abstract
    assert back.title == "Future Token Prediction -- Causal"


@BOTH
def test_maths_in_titles_stays_maths(biblatex: bool) -> None:
    title = "Sorting in $O(n \\log n)$ with $\\alpha_1$ and $5 and $10"
    text = write_bibtex([paper(1, title)], biblatex=biblatex)
    assert "$O(n \\log n)$" in text and "$\\alpha_1$" in text  # maths, not \$ or \textbackslash
    assert "\\$5 and \\$10" in text  # dollars that are money are text
    back = _back(text).title
    assert back == title.replace("\\alpha", "α")  # the reader shows Greek as Greek
    assert write_bibtex([paper(1, back)], biblatex=biblatex) == text  # and writes it back
    # a command that is not maths is neutralised inside maths too
    hostile = write_bibtex([paper(1, "$\\input{/etc/passwd}$ x")], biblatex=biblatex)
    assert "\\input" not in hostile.replace("{\\backslash}input", "")


def test_csl_editor_is_names_in_both_formats() -> None:
    item = {
        "id": "m",
        "type": "musical_score",
        "title": "Sonatas",
        "issued": {"date-parts": [[1960]]},
    }
    item["editor"] = [{"family": "Broder", "given": "Nathan"}, {"literal": "Presser Co"}]
    (d,) = csljson_read.read(json.dumps([item]), "x.json").drafts
    d = clean_draft(d, SourceFormat.CSLJSON)
    assert d.extra["editor"] == "Broder, Nathan and {Presser Co}"
    detail = paper(1, "Sonatas", entry_type=d.entry_type, extra=d.extra)
    bib = write_bibtex([detail], biblatex=True)
    assert "editor = {Broder, Nathan and {Presser Co}}" in bib  # names, not JSON text
    (csl,) = json.loads(write_csljson([detail]))
    assert csl["editor"] == [{"family": "Broder", "given": "Nathan"}, {"literal": "Presser Co"}]
    assert csl["type"] == "musical_score"


def test_csl_fields_without_a_csl_variable_travel_in_custom() -> None:
    extra = {"groups": "Used", "number": "3", "issue": "138", "pages": "12--23"}
    (csl,) = json.loads(write_csljson([paper(1, "T", venue="J", extra=extra)]))
    assert csl["custom"] == {"groups": "Used", "number": "3"} and csl["issue"] == "138"
    (back,) = csljson_read.read(json.dumps([csl]), "x.json").drafts
    assert {k: back.extra[k] for k in extra} == extra


def test_authors_of_a_names_person_list_round_trip() -> None:
    people = (Person("Beethoven", "Ludwig", "van"), Person("King", "Martin", "", "Jr."))
    back = _back(write_bibtex([paper(1, "T", authors=people)]))
    assert back.authors == people
