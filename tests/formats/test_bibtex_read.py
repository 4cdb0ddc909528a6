"""BibTeX / biblatex reader: our own small fixtures, then the shared real-world corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from readinglist.domain import PaperDraft, ParseResult, Person, SourceFormat
from readinglist.formats.bibtex_read import read


def _read(text: str) -> ParseResult:
    return read(text, "test.bib")


def _by_key(result: ParseResult) -> dict[str, PaperDraft]:
    return {d.source_key: d for d in result.drafts}


def _messages(result: ParseResult) -> list[str]:
    return [p.message for p in result.problems]


ARTICLE = r"""% a comment line before anything
@Article{Laide2013,
  Author = {Jean Laid{\'e} and Loaeb, Ben},
  TITLE = {An {A}mazing {GAN} Title: 12--23},
  year = {2013},
  month = mar,
  journal = {Nice {J}ournal},
  doi = {https://doi.org/10.1000/ABC.Def},
  url = {https://example.org/paper},
  abstract = {First line
	of the abstract with 50% and $O(n^2)$.

	Second paragraph.},
  keywords = {gan, {deep} learning},
  pages = {12--23},
  note = {to appear}
}
"""


def test_article_fields() -> None:
    result = _read(ARTICLE)
    assert result.format is SourceFormat.BIBTEX
    assert result.problems == ()
    (d,) = result.drafts
    assert d.title == "An Amazing GAN Title: 12–23"
    assert d.authors == (Person("Laidé", "Jean"), Person("Loaeb", "Ben"))
    assert d.year == 2013
    assert d.venue == "Nice Journal"
    assert d.doi == "10.1000/ABC.Def"  # resolver gone, case kept
    assert d.url == "https://example.org/paper"
    assert d.abstract == ("First line of the abstract with 50% and $O(n^2)$.\n\nSecond paragraph.")
    assert d.entry_type == "article"
    assert d.source_key == "Laide2013"
    assert d.line == 2
    # everything else stays raw for a faithful export
    assert dict(d.extra) == {
        "month": "mar",
        "keywords": "gan, {deep} learning",
        "pages": "12--23",
        "note": "to appear",
    }


def test_line_numbers_point_at_the_at_sign() -> None:
    text = "\n\nfree text\n@misc{a, title={A}}\n\n\n  @misc{b,\n title={B}}\n@misc{c, title={C}}"
    assert [d.line for d in _read(text).drafts] == [4, 7, 9]


def test_string_macros_concatenation_and_months() -> None:
    text = """
@string{ieee = "IEEE"}
@STRING(trans = ieee # " Transactions on " # {Things})
@string{pub = "ACME"}
@article{k, title = "Part " # {One}, journal = trans, month = dec, publisher = pub # " Press"}
"""
    (d,) = _read(text).drafts
    assert d.title == "Part One"
    assert d.venue == "IEEE Transactions on Things"
    assert d.extra["publisher"] == "ACME Press"
    assert d.extra["month"] == "dec"


def test_undefined_macro_is_kept_as_text_and_reported() -> None:
    result = _read("@article{k, title = {T}, journal = nosuchmacro}")
    assert result.drafts[0].venue == "nosuchmacro"
    assert any("nosuchmacro" in m for m in _messages(result))


@pytest.mark.parametrize("written", ["mar", "{March}", '"3"', "3", "{mar}", '"Mar."'])
def test_month_normalised_to_macro_name(written: str) -> None:
    (d,) = _read(f"@article{{k, title={{T}}, month = {written}}}").drafts
    assert d.extra["month"] == "mar"


def test_unrecognised_month_kept_as_written() -> None:
    (d,) = _read("@article{k, title={T}, month = {Spring}}").drafts
    assert d.extra["month"] == "Spring"


CROSSREF = """
@InProceedings{child,
  author = {Ann Author},
  title = {A Paper},
  crossref = {proc},
  pages = {1--10}
}
@inproceedings{orphan, title = {Lost}, crossref = {nowhere}}
@Proceedings{proc,
  title = {Proceedings of {T}hings},
  year = {2021},
  publisher = {ACME},
  editor = {Ed Itor}
}
"""


def test_crossref_inheritance_with_parent_later_in_file() -> None:
    result = _read(CROSSREF)
    drafts = _by_key(result)
    child = drafts["child"]
    assert child.title == "A Paper"  # own title, never the parent's
    assert child.venue == "Proceedings of Things"  # booktitle from the parent's title
    assert child.year == 2021
    assert child.extra["publisher"] == "ACME"
    assert child.extra["editor"] == "Ed Itor"
    assert child.extra["pages"] == "1--10"
    assert "crossref" not in child.extra  # resolved: inherited fields say it all
    assert drafts["orphan"].extra["crossref"] == "nowhere"  # unresolved: kept
    assert drafts["proc"].title == "Proceedings of Things"


def test_missing_crossref_parent_is_a_soft_problem() -> None:
    result = _read(CROSSREF)
    assert _by_key(result)["orphan"].title == "Lost"
    (problem,) = [p for p in result.problems if "nowhere" in p.message]
    assert problem.line == 8


def test_comments_preamble_and_free_text_are_skipped() -> None:
    text = """This file was made by hand. Contact me@example.org (weekdays).
@preamble{ "\\newcommand{\\noop}[1]{}" }
@comment{ @article{fake, title = {Not an entry}} }
% @article{commented, title = {Not an entry either}}
@Comment{jabref-meta: databaseType:bibtex;}
@article{real, title = {Real}}
trailing words
"""
    result = _read(text)
    assert [d.source_key for d in result.drafts] == ["real"]
    assert result.problems == ()


def test_syntax_variants() -> None:
    text = """
@ARTICLE(paren, TITLE = {With (parens) and {nested {braces}}}, YEAR = 1999)
@article{quoted, title = "Quote {"inner"} and {braces}", year = "2000"}
@article{notrailing,
  title = {No trailing comma}
}
@article{closers, title = {Double closer}, journal = {J}}
@article{trailing, title = {Trailing comma},}
@article{pct, title = {100% literal, not a comment}, year = 2002}
"""
    result = _read(text)
    assert result.problems == ()
    drafts = _by_key(result)
    assert drafts["paren"].title == "With (parens) and nested braces"
    assert drafts["paren"].year == 1999
    assert drafts["quoted"].title == 'Quote "inner" and braces'
    assert drafts["notrailing"].title == "No trailing comma"
    assert drafts["closers"].venue == "J"
    assert drafts["trailing"].title == "Trailing comma"
    assert drafts["pct"].title == "100% literal, not a comment"
    assert drafts["pct"].year == 2002


def test_duplicate_citation_keys_both_kept_and_reported() -> None:
    result = _read("@article{k, title={One}}\n\n@article{k, title={Two}}\n")
    assert [d.title for d in result.drafts] == ["One", "Two"]
    (problem,) = result.problems
    assert problem.line == 3
    assert "duplicate key k (first at line 1)" in problem.message


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("@article{bad, title = {Unbalanced, year = {2000}\n", "unbalanced"),
        ("@article{bad, title = {A} year = {2000}}\n", "missing comma"),
        ("@article{title = {No key}, year = {2000}}\n", "no citation key"),
        ('@article{bad, title = "unterminated}\n', "unterminated"),
        ("@article{bad, title = }\n", "expected a value"),
    ],
)
def test_malformed_entry_skipped_and_the_next_ones_kept(broken: str, reason: str) -> None:
    text = "@article{before, title = {Before}}\n" + broken + "\n@article{after, title = {After}}\n"
    result = _read(text)
    assert [d.source_key for d in result.drafts] == ["before", "after"]
    (problem,) = result.problems
    assert problem.line == 2
    assert reason in problem.message
    assert problem.file == "test.bib"


def test_entry_without_title_is_kept_with_a_warning() -> None:
    text = "@article{notitle, author = {A. Bee}}\n@article{ok, title = {OK}}\n"
    result = _read(text + "@misc{bare, month = may}")
    assert [(d.source_key, d.title) for d in result.drafts] == [("notitle", ""), ("ok", "OK")]
    warning, skipped = result.problems
    assert warning.line == 1
    assert warning.message == "@article{notitle}: no title; imported as [untitled]"
    assert (skipped.line, "bare" in skipped.message, "skipped" in skipped.message) == (3, 1, 1)


def test_unknown_types_and_case_insensitive_names() -> None:
    result = _read("@WRONG{w, TiTlE = {Odd}, AUTHOR = {A. Bee}, Journal = {J}}")
    (d,) = result.drafts
    assert (d.entry_type, d.title, d.venue) == ("wrong", "Odd", "J")
    assert d.authors == (Person("Bee", "A."),)


def test_venue_choice_by_type() -> None:
    text = """
@inproceedings{a, title = {A}, booktitle = {Conf}, publisher = {Pub}}
@phdthesis{b, title = {B}, school = {Uni}}
@techreport{c, title = {C}, institution = {Lab}}
@book{d, title = {D}, publisher = {Press}}
@misc{e, title = {E}, howpublished = {Blog}}
@article{f, journaltitle = {JT}, title = {F}}
"""
    drafts = _by_key(_read(text))
    assert {k: d.venue for k, d in drafts.items()} == {
        "a": "Conf",
        "b": "Uni",
        "c": "Lab",
        "d": "Press",
        "e": "Blog",
        "f": "JT",
    }
    # journal/booktitle become the venue, and so does the field our writer puts the
    # venue of that type in (taken back from there: export -> import is the same record);
    # other fields stay
    assert "booktitle" not in drafts["a"].extra
    assert drafts["a"].extra["publisher"] == "Pub"
    assert "publisher" not in drafts["d"].extra
    assert "howpublished" not in drafts["e"].extra


def test_year_from_biblatex_date_and_odd_years() -> None:
    text = """
@article{a, title = {A}, date = {2021-03}}
@article{b, title = {B}, date = {2021/2022}}
@article{c, title = {C}, year = {in press}}
@article{d, title = {D}, year = {2019a}}
"""
    drafts = _by_key(_read(text))
    assert drafts["a"].year == 2021
    # a date that only says year and month is the year and the month (as BibTeX says it)
    assert "date" not in drafts["a"].extra and drafts["a"].extra["month"] == "mar"
    assert drafts["b"].year == 2021
    assert drafts["c"].year is None
    assert drafts["c"].extra["year"] == "in press"
    assert drafts["d"].year == 2019
    assert drafts["d"].extra["year"] == "2019a"  # not just a year: kept as written


def test_arxiv_ids() -> None:
    text = r"""
@article{a, title = {A}, eprint = {2202.04200v3}, archivePrefix = {arXiv}, primaryClass = {cs.CV}}
@online{b, title = {B}, eprint = {hep-th/9901001}, eprinttype = {arxiv}}
@misc{c, title = {C}, url = {https://arxiv.org/abs/2106.09685v2}}
@article{d, title = {D}, journal = {arXiv preprint arXiv:2112.10752}}
@misc{e, title = {E}, doi = {10.48550/arXiv.2303.08774}}
@article{f, title = {F}, eprint = {12345}, eprinttype = {pubmed}}
"""
    drafts = _by_key(_read(text))
    assert {k: d.arxiv_id for k, d in drafts.items()} == {
        "a": "2202.04200",
        "b": "hep-th/9901001",
        "c": "2106.09685",
        "d": "2112.10752",
        "e": "2303.08774",
        "f": "",
    }
    assert "eprint" not in drafts["a"].extra
    assert drafts["a"].extra["primaryclass"] == "cs.CV"
    assert drafts["f"].extra["eprint"] == "12345"  # not arXiv: kept


def test_doi_prefixes_stripped() -> None:
    text = r"""
@article{a, title = {A}, doi = {doi:10.1/X\_Y}}
@article{b, title = {B}, doi = {http://dx.doi.org/10.2/Z}}
"""
    drafts = _by_key(_read(text))
    assert (drafts["a"].doi, drafts["b"].doi) == ("10.1/X_Y", "10.2/Z")


def test_empty_and_whitespace_files() -> None:
    assert _read("") == ParseResult((), (), SourceFormat.BIBTEX)
    assert _read("  \n\n").drafts == ()
    assert _read("  \n\n").problems == ()


def test_text_without_entries_is_reported() -> None:
    result = _read("just some words, no records")
    assert result.drafts == ()
    assert [p.message for p in result.problems] == ["no BibTeX entries found"]


def test_five_megabyte_single_line() -> None:
    words = "caf{\\'e} " + "word " * 1_000_000  # 5 MB, one line
    text = "@article{big, title = {Big}, abstract = {" + words + "}} @article{next, title={Next}}"
    result = _read(text)
    assert [d.source_key for d in result.drafts] == ["big", "next"]
    assert result.drafts[0].abstract.startswith("café word word")


def test_five_megabyte_unclosed_value() -> None:
    text = "@article{ok, title={OK}}\n@article{big, title = {" + "a" * 5_000_000
    result = _read(text)
    assert [d.source_key for d in result.drafts] == ["ok"]
    assert result.problems[0].line == 2


def test_binary_junk_does_not_raise() -> None:
    junk = bytes(range(256)).decode("latin-1") * 400 + "@@{{((}}))\x00@a{"
    result = _read(junk)
    assert result.drafts == ()
    assert result.problems


def test_unbalanced_braces_at_end_of_file() -> None:
    result = _read("@article{a, title={A}}\n@article{b, title={B}\n")
    assert [d.source_key for d in result.drafts] == ["a"]
    assert result.problems[0].line == 2


# --- the shared real-world corpus ------------------------------------------------------

# file -> (encoding, drafts read, problems); entries without a title are problems.
CORPUS = {
    "bibtexparser__article_missing_coma.bib": ("utf-8-sig", 4, 0),
    "bibtexparser__article_start_with_bom.bib": ("utf-8-sig", 1, 0),
    "bibtexparser__comments_percentage.bib": ("utf-8-sig", 2, 0),
    "bibtexparser__crossref_entries.bib": ("utf-8-sig", 14, 0),
    "bibtexparser__empty.bib": ("utf-8-sig", 0, 0),
    "bibtexparser__gbk_test.bib": ("gbk", 1, 0),
    "bibtexparser__traps.bib": ("utf-8-sig", 1, 0),
    "bibtexparser__wrong.bib": ("utf-8-sig", 2, 2),  # untitled: kept with a warning each
    "jabref__Chocolate.bib": ("utf-8-sig", 15, 0),
    "jabref__articleWithMonths.bib": ("utf-8-sig", 0, 2),  # month only, no title
    "jabref__complex.bib": ("utf-8-sig", 20, 0),
    "jabref__encoding-windows-1252-with-header.bib": ("cp1252", 1, 1),  # untitled, kept
    "jabref__jabref-authors.bib": ("utf-8-sig", 212, 0),
    "jabref__tiny-LE-withBOM.bib": ("utf-16", 1, 0),
    "pybtex__cyrillic.bib": ("utf-8-sig", 4, 0),
    "pybtex__extrafields.bib": ("utf-8-sig", 1, 0),
}


_MATH = re.compile(r"\$[^$]*\$|\\\(.*?\\\)")


def _corpus(corpora: Path, name: str) -> ParseResult:
    encoding = CORPUS[name][0]
    path = corpora / "bib" / name
    return read(path.read_text(encoding=encoding), name)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_file_reads(corpora: Path, name: str) -> None:
    result = _corpus(corpora, name)
    _, drafts, problems = CORPUS[name]
    assert (len(result.drafts), len(result.problems)) == (drafts, problems), result.problems
    for d in result.drafts:
        assert (d.title or d.has_content) and d.line > 0
        prose = _MATH.sub("", d.title)  # math is kept as written, the rest is decoded
        assert "{" not in prose and "\\" not in prose, d.title


def test_corpus_covers_every_bib_file(corpora: Path) -> None:
    assert {p.name for p in (corpora / "bib").glob("*.bib")} == set(CORPUS)


def test_corpus_decoded_values(corpora: Path) -> None:
    (traps,) = _corpus(corpora, "bibtexparser__traps.bib").drafts
    assert traps.title == "An amazing title"
    assert "Laidé" in traps.authors[0].family  # {\'e}, name split over two lines
    assert traps.extra["month"] == "jan"  # written "jan" (quoted)
    assert "érudit" in traps.abstract and "\t" not in traps.abstract

    (sk,) = _corpus(corpora, "pybtex__extrafields.bib").drafts
    assert Person("Boulogne", "François") in sk.authors  # {\c{c}}
    assert sk.authors[0] == Person("Walt", "Stéfan", prefix="van der")
    assert sk.extra["month"] == "jun"  # written {6}

    cyr = _by_key(_corpus(corpora, "pybtex__cyrillic.bib"))
    assert cyr["viktorov-metodoj"].authors == (Person("Викторов", "Михаил Маркович"),)
    assert cyr["test-inbook"].authors == (Person("Jackson", "Péter"),)
    assert cyr["test-booklet"].authors == (Person("Last", "First Middle", "de", "Jr."),)

    choc = _by_key(_corpus(corpora, "jabref__Chocolate.bib"))
    assert choc["Ding_2006"].venue == "Nutrition & Metabolism"  # &amp; decoded


def test_corpus_crossref_inheritance(corpora: Path) -> None:
    drafts = _by_key(_corpus(corpora, "bibtexparser__crossref_entries.bib"))
    cr1 = drafts["cr1"]  # parent cr_m comes later in the file
    assert cr1.title == "Great and Good Graphs"
    assert cr1.venue == "Graphs of the Continent"
    assert cr1.year == 1974
    assert cr1.extra["publisher"] == "Grimble"
    assert drafts["cr6"].venue == "Manual booktitle"  # own booktitle wins


def test_corpus_complex_skips_meta_blocks(corpora: Path) -> None:
    drafts = _corpus(corpora, "jabref__complex.bib").drafts
    first = drafts[0]
    assert first.source_key == "deBraga2001"
    assert first.line == 9
    assert first.title.startswith("The postcranial anatomy of Procolophon (Parareptilia")
    assert first.venue == "Department of Zoology, University of Toronto"
