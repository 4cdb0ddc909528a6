"""BibTeX/biblatex writer: unit checks on the text it writes, and the real toolchain
(bibtex + pdflatex, biber + pdflatex via ../shared/tools/check_bib.sh) on a hostile
library plus the trending sample."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from readinglist.domain import Person
from readinglist.formats import bibtex_read
from readinglist.formats.bibtex_write import format_person, write_bibtex
from readinglist.text import normalise_title
from tests.formats.bib_fixtures import corpus_papers, hostile_library, paper, sample_papers


def entries(bib: str) -> dict[str, str]:
    """key -> entry text, split on the writer's own layout."""
    out = {}
    for block in re.split(r"\n\n(?=@)", bib.strip()):  # a note or abstract has blank lines
        m = re.match(r"@(\w+)\{([^,]+),", block)
        assert m, block
        out[m.group(2)] = block
    return out


def field(entry: str, name: str) -> str | None:
    m = re.search(rf"^  {name} = (.*),$", entry, re.M)
    return m.group(1) if m else None


def brace_depths_ok(value: str) -> bool:
    """BibTeX's own rule: every brace counts, backslash or not."""
    depth = 0
    for c in value:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("biblatex", [False, True])
def test_every_field_of_the_hostile_library_has_balanced_braces(biblatex: bool) -> None:
    bib = write_bibtex(hostile_library(), biblatex=biblatex)
    for entry in entries(bib).values():
        # a field is one line, except the note (`annote` keeps the note's lines)
        body = "\n".join(entry.split("\n")[1:-1])
        for line in re.split(r",\n(?=  [a-z][a-z0-9_.:+-]* = [{a-z])", body) if body else ():
            name, value = line.strip().rstrip(",").split(" = ", 1)
            assert re.fullmatch(r"[a-z][a-z0-9_.:+-]*", name), line
            if value.startswith("{"):
                assert value.endswith("}") and brace_depths_ok(value), line
            else:
                assert re.fullmatch(r"[a-z]{3}", value), line  # month macro


def test_specials_escaped_once_and_existing_latex_kept() -> None:
    title = field(
        entries(write_bibtex([paper(1, "tom & jerry: 50% of $5 #1 a_b ~x ^y \\z")]))["key1"],
        "title",
    )
    assert title == (
        r"{tom \& jerry: 50\% of \$5 \#1 a\_b {\textasciitilde}x {\textasciicircum}y "
        r"{\textbackslash}z}"
    )
    done = field(entries(write_bibtex([paper(1, r"fair \& na\"ive 65.8\%")]))["key1"], "title")
    assert done == r"{fair \& na{\"i}ve 65.8\%}"
    assert "\\\\&" not in done


def test_braces_in_text_never_reach_the_file_as_braces() -> None:
    bib = write_bibtex([paper(1, "a {{{ b }} c", abstract="}{", note="{")])
    entry = entries(bib)["key1"]
    assert field(entry, "title") == (
        r"{a {\textbraceleft}{\textbraceleft}{\textbraceleft} b "
        r"{\textbraceright}{\textbraceright} c}"
    )
    assert field(entry, "abstract") == r"{{\textbraceright}{\textbraceleft}}"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("MaskGIT: Masked Image Transformer", "{MaskGIT}: Masked Image Transformer"),
        ("Training GANs with BERT and T5 in 3D", "Training {GANs} with {BERT} and {T5} in {3D}"),
        ("Scaling laws for models on Wikipedia", "Scaling laws for models on {Wikipedia}"),
        ("Large Language Models in Sentiment", "Large Language Models in Sentiment"),
        ("Timer-XL: Long-Context Transformers", "Timer-{XL}: Long-Context Transformers"),
    ],
)  # fmt: skip
def test_title_case_protection(title: str, expected: str) -> None:
    assert field(entries(write_bibtex([paper(1, title)]))["key1"], "title") == "{" + expected + "}"


def test_unicode_is_latex_for_bibtex_and_utf8_for_biblatex() -> None:
    p = paper(1, "Über naïve straße ≤ 中", authors=(Person("Müller", "Jürgen"),))
    bibtex = entries(write_bibtex([p]))["key1"]
    assert field(bibtex, "title") == r"{{\"U}ber na{\"i}ve stra{\ss}e {\ensuremath{\leq}} 中}"
    assert field(bibtex, "author") == r"{M{\"u}ller, J{\"u}rgen}"
    biblatex = entries(write_bibtex([p], biblatex=True))["key1"]
    assert field(biblatex, "title") == "{Über naïve straße ≤ 中}"
    assert field(biblatex, "author") == "{Müller, Jürgen}"


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (Person("Beethoven", "Ludwig", prefix="van"), "van Beethoven, Ludwig"),
        (Person("Fuente", "Juan", prefix="de la", suffix="Jr."), "de la Fuente, Jr., Juan"),
        (Person("Barnes and Noble"), "{Barnes and Noble}"),
        (Person("Gauss, Carl"), "{Gauss, Carl}"),
        (Person("Rossum", "Guido", prefix="Van"), "{Van} Rossum, Guido"),
        (Person("", "Plato"), "{Plato}"),
        (Person("Smith", "Anna and Bob"), "Smith, {Anna and Bob}"),
        (Person("King", "Martin Luther", suffix="Jr"), "King, Jr, Martin Luther"),
        (Person("Barnes & Noble"), "{Barnes and Noble}"),
        (Person("Smith", "{R.} _J"), "Smith, R. J"),
    ],
)
def test_names(person: Person, expected: str) -> None:
    assert format_person(person, ascii_only=True) == expected


def test_urls_and_dois_verbatim_but_never_breaking_braces() -> None:
    entry = entries(
        write_bibtex([paper(1, url="https://x.org/a%20b_c#f~u/{x}\\", doi="10.1002/(A)<1;2>")])
    )["key1"]
    assert field(entry, "url") == "{https://x.org/a%20b_c#f~u/%7Bx%7D%5C}"
    assert field(entry, "doi") == "{10.1002/(A)<1;2>}"


def test_note_is_annote_tags_are_keywords_month_is_a_macro() -> None:
    p = paper(1, note="my *own* note & more", tags=("a", "b & c"), extra={"month": "June"})
    entry = entries(write_bibtex([p]))["key1"]
    assert field(entry, "annote") == r"{my *own* note \& more}"
    assert field(entry, "note") is None
    assert field(entry, "keywords") == r"{a, b \& c}"
    assert field(entry, "month") == "jun"
    biblatex = entries(write_bibtex([p], biblatex=True))["key1"]
    assert field(biblatex, "annotation") == r"{my *own* note \& more}"
    assert field(biblatex, "date") == "{2022-06}"
    assert field(biblatex, "month") is None


def test_biblatex_fields_and_types() -> None:
    papers = [
        paper(1, "J", venue="Nature", entry_type="article"),
        paper(2, "P", arxiv_id="2202.04200", entry_type="article"),
        paper(3, "T", venue="MIT", entry_type="phdthesis"),
        paper(4, "O", entry_type="Online"),
        paper(5, "W", entry_type="wrong"),
        paper(6, "M", arxiv_id="2202.04201", entry_type="misc"),
    ]
    bl = entries(write_bibtex(papers, biblatex=True))
    assert bl["key1"].startswith("@article{") and field(bl["key1"], "journaltitle") == "{Nature}"
    assert field(bl["key1"], "date") == "{2022}" and field(bl["key1"], "year") is None
    # the stored type is kept (importing the file gives the same record back)
    assert bl["key2"].startswith("@article{")
    assert field(bl["key2"], "eprint") == "{2202.04200}"
    assert field(bl["key2"], "eprinttype") == "{arXiv}"
    assert bl["key3"].startswith("@phdthesis{") and field(bl["key3"], "institution") == "{MIT}"
    assert bl["key4"].startswith("@online{")
    assert bl["key5"].startswith("@misc{")
    bt = entries(write_bibtex(papers))
    assert field(bt["key1"], "journal") == "{Nature}" and field(bt["key1"], "year") == "{2022}"
    assert field(bt["key2"], "archiveprefix") == "{arXiv}"
    assert bt["key2"].startswith("@article{")
    assert field(bt["key6"], "howpublished") == "{ar{X}iv:2202.04201}"
    assert field(bt["key3"], "school") == "{MIT}"
    # plain.bst formats @online as @misc (with a warning); a type no tool knows is @misc
    assert bt["key4"].startswith("@online{") and bt["key5"].startswith("@misc{")


def test_extra_fields_raw_latex_kept_slips_fixed_and_links_to_other_entries_dropped() -> None:
    extra = {
        "publisher": "Springer-Verlag {GmbH}",
        "note": "In {\\em Proc.} 50% & #1",
        "series": "Lecture Notes {in CS",
        "crossref": "parent",
        "Bad Field": "x",
        "title": "a second title must not repeat the field",
    }
    entry = entries(write_bibtex([paper(1, "Book", entry_type="book", extra=extra)]))["key1"]
    assert field(entry, "publisher") == "{Springer-Verlag {GmbH}}"
    assert field(entry, "note") == r"{In {\em Proc.} 50\% \& \#1}"
    assert field(entry, "series") == r"{Lecture Notes {\textbraceleft}in CS}"
    assert field(entry, "crossref") is None and "Bad Field" not in entry
    assert entry.count("  title = ") == 1


def test_keys_are_safe_and_unique_ignoring_case() -> None:
    papers = [
        paper(1, citation_key="dup"),
        paper(2, citation_key="DUP"),
        paper(3, citation_key="a b%{}"),
    ]
    keys = list(entries(write_bibtex(papers)))
    assert keys == ["dup", "DUP-1", "ab"]


def test_output_is_deterministic_and_empty_library_is_empty() -> None:
    assert write_bibtex(hostile_library()) == write_bibtex(hostile_library())
    assert write_bibtex([]) == ""


def test_round_trip_through_our_bibtex_reader() -> None:
    lib = hostile_library()
    result = bibtex_read.read(write_bibtex(lib), "export.bib")
    assert [p.message for p in result.problems] == [
        "@misc{key8}: no title, author, DOI, URL, year or abstract; skipped"
    ]
    back = {d.source_key: d for d in result.drafts}
    by_key = {p.citation_key: p for p in lib}
    expected = {
        "key4": "Already LaTeX: naïve & été 65.8% \\method",
        "key5": by_key["key5"].title,
        "key18": "MaskGIT: Masked Generative Image Transformer",
    }
    for key, title in expected.items():
        assert normalise_title(back[key].title) == normalise_title(title), key
    assert back["key5"].authors[0] == Person("Müller", "Jürgen")


# --------------------------------------------------------------------------- real tools

CHECK_BIB = "tools/check_bib.sh"


def _check_bib(shared: Path, bib: Path) -> str:
    script = shared / CHECK_BIB
    if not script.exists() or not shutil.which("pdflatex") or not shutil.which("bibtex"):
        pytest.skip("check_bib.sh or the TeX tools are not available")
    run = subprocess.run(
        ["bash", str(script), "-v", str(bib)], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


@pytest.mark.parametrize("biblatex", [False, True], ids=["bibtex", "biblatex"])
def test_real_bibtex_and_biber_accept_hostile_library_sample_and_corpora(
    shared: Path, sample_page: Path, corpora: Path, tmp_path: Path, biblatex: bool
) -> None:
    """One file per variant (each check_bib run takes seconds): synthetic worst cases,
    the 224 trending papers, and whatever the readers take from the shared corpora."""
    from_corpora = corpus_papers(corpora)
    assert len(from_corpora) > 100
    papers = hostile_library() + sample_papers(sample_page) + from_corpora
    bib = tmp_path / "export.bib"
    bib.write_text(write_bibtex(papers, biblatex=biblatex), encoding="utf-8")
    report = _check_bib(shared, bib)
    # every entry reached both bibliographies
    assert f"bbl_items={len(papers)} " in report, report
    if shutil.which("biber"):
        assert f"bbl_entries={len(papers)} " in report, report


@pytest.mark.parametrize(
    ("year", "extra", "date"),
    [
        (2022, {"date": "2022-02-08"}, "{2022-02-08}"),
        (2022, {"date": "2022-02-30"}, "{2022-02}"),  # no such day
        (2022, {"date": "2021-01-01"}, "{2022}"),  # another year's date is not ours
        (11, {}, "{0011}"),  # biber reads four digits only
        (-44, {}, None),
        (None, {"date": "2019-05"}, "{2019-05}"),
    ],
)
def test_biblatex_dates_are_valid_for_biber(
    year: int | None, extra: dict[str, str], date: str | None
) -> None:
    entry = entries(write_bibtex([paper(1, year=year, extra=extra)], biblatex=True))["key1"]
    assert field(entry, "date") == date
