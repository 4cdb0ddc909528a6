"""Import and merge (issue 9): nothing dropped, nothing wrongly merged, the file's keys
kept, and a duplicate completes a paper without overriding what the user chose.

All on a real library (SQLite file + Whoosh index in tmp_path), and on the real
PostgreSQL server (conftest.py `backend`)."""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.domain import ExportFormat, Filter, LibraryError, PaperDraft, Person
from readinglist.library import Library
from tests.conftest import Backend

AMAZING = "\n".join(
    f"@article{{{key}, title = {{An amazing title}}, author = {{{who}}}, year = 2020,"
    f" journal = {{J}}}}"
    for key, who in (
        ("smith2020", "Smith, John"),
        ("doe2020", "Doe, Jane"),
        ("roe2020", "Roe, Richard"),
        ("poe2020", "Poe, Edgar"),
    )
)


@pytest.fixture
def lib(backend_lib: Library) -> Iterator[Library]:
    """The duplicate rules hold on both backends (conftest.py `backend`)."""
    yield backend_lib


# ----------------------------------------------------------------- the duplicate rules


def test_four_papers_that_share_a_title_stay_four(lib: Library) -> None:
    report = lib.import_text(AMAZING, source="amazing.bib")
    assert (len(report.added), report.duplicates) == (4, 0)
    keys = sorted(lib.get(i).citation_key for i in report.added)
    assert keys == ["doe2020", "poe2020", "roe2020", "smith2020"]
    # the same file again: each one meets its own twin, nothing is added
    again = lib.import_text(AMAZING, source="amazing.bib")
    assert (len(again.added), again.duplicates, again.merges) == (0, 4, ())


def test_same_title_pairs_both_ways(lib: Library) -> None:
    first = lib.import_drafts(
        [
            PaperDraft(
                title="Attention Is All You Need",
                authors=(Person("Vaswani", "Ashish"), Person("Shazeer", "Noam")),
                year=2017,
                arxiv_id="1706.03762",
                abstract="The dominant sequence transduction models ...",
            )
        ],
        source="a",
    )
    (pid,) = first.added
    real_twin = PaperDraft(
        title="attention is all you need.",
        authors=(Person("VASWANI", "A."),),  # case folded
        year=2018,  # proceedings a year after the preprint
        venue="NeurIPS",
    )
    stranger = PaperDraft(
        title="Attention is all you need",
        authors=(Person("Nobody", "Else"),),
        year=2024,
        arxiv_id="2401.00001",
        abstract="A different paper that borrowed the title.",
    )
    accented = PaperDraft(title="Attention is all you need", authors=(Person("Müller"),), year=2017)
    report = lib.import_drafts([real_twin, stranger, accented], source="b")
    assert report.duplicates == 1 and len(report.added) == 2
    assert lib.get(pid).venue == "NeurIPS"  # the real twin completed it
    # gap filling never copies one paper's abstract into another
    assert lib.get(pid).abstract.startswith("The dominant")
    other = lib.get(report.added[0])
    assert (other.arxiv_id, other.abstract) == ("2401.00001", stranger.abstract)
    # accents fold: Mueller/Müller is the same family name ...
    again = lib.import_drafts(
        [PaperDraft(title="Attention is all you need", authors=(Person("Muller"),), year=2017)],
        source="c",
    )
    assert again.duplicates == 1 and again.added == ()
    # ... and a year more than one apart contradicts a title match
    far = lib.import_drafts(
        [PaperDraft(title="Attention is all you need", authors=(Person("Muller"),), year=2020)],
        source="d",
    )
    assert len(far.added) == 1


def test_the_same_rules_hold_within_one_file(lib: Library) -> None:
    text = AMAZING + (
        "\n@article{smith2020b, title = {An Amazing Title}, author = {J. Smith},"
        " year = 2021, journal = {J}, pages = {1--2}}\n"
    )
    report = lib.import_text(text, source="one.bib")
    assert (len(report.added), report.duplicates) == (4, 1)
    smith = next(p for p in lib.details(list(report.added)) if p.citation_key == "smith2020")
    assert smith.extra.get("pages") == "1--2"  # the twin filled it
    assert smith.conflicts == {"year": "2021", "citation_key": "smith2020b"}


def _shared_title_file(n: int) -> str:
    """n BibTeX records in groups of 8 per title: distinct arXiv ids, authors, abstracts."""
    out = []
    for i in range(n):
        out.append(
            f"@misc{{rec{i},\n  title = {{Shared title number {i // 8}}},\n"
            f"  author = {{Author{i}, A.}},\n  year = {{2024}},\n"
            f"  eprint = {{2401.{i:05d}}},\n  archiveprefix = {{arXiv}},\n"
            f"  abstract = {{Abstract of record {i}.}},\n}}\n"
        )
    return "".join(out)


def test_a_big_file_with_many_shared_titles_drops_nothing(lib: Library) -> None:
    n = 2400
    report = lib.import_text(_shared_title_file(n), source="big.bib")
    assert (len(report.added), report.duplicates) == (n, 0)
    details = lib.details(list(report.added))
    for d in details:
        i = int(d.citation_key.removeprefix("rec"))
        assert (d.arxiv_id, d.abstract) == (f"2401.{i:05d}", f"Abstract of record {i}.")
    # the same file again adds nothing and changes no abstract
    again = lib.import_text(_shared_title_file(n), source="big.bib")
    assert (len(again.added), again.duplicates, again.updated) == (0, n, ())


def test_every_corpus_bibtex_file_together_keeps_each_own_arxiv_paper(
    lib: Library, corpora: Path
) -> None:
    from readinglist.formats.reader import read_path

    files = sorted((corpora / "bib").glob("*.bib"))
    report = lib.import_paths(files)
    papers = lib.details(lib.ids())
    assert len(report.added) == len(papers) > 250
    drafts = []
    for path in files:
        with contextlib.suppress(LibraryError):  # an unreadable file is in the report
            drafts += read_path(path).drafts
    by_arxiv = {p.arxiv_id: p for p in papers if p.arxiv_id}
    for d in drafts:
        if d.arxiv_id:  # every record with its own arXiv id is a paper of its own
            assert d.arxiv_id in by_arxiv, d.arxiv_id
    for p in papers:  # an abstract came from a record of this paper, never another's
        if p.abstract:
            assert any(
                d.abstract == p.abstract and d.arxiv_id in ("", p.arxiv_id) for d in drafts
            ), p.title


# ----------------------------------------------------------------- records without a title

UNTITLED_BIB = "@article{anon, author = {Knuth, Donald}, year = 1974}\n@misc{empty, month = may}\n"
UNTITLED_RIS = "TY  - JOUR\nDO  - 10.1186/s40981-020-0316-0\nER  - \n"
UNTITLED_CSL = json.dumps([{"id": "item1", "type": "article", "issued": {"date-parts": [[2019]]}}])


def test_records_without_a_title_are_records(lib: Library, tmp_path: Path) -> None:
    report = lib.import_text(UNTITLED_BIB, source="u.bib")
    (knuth,) = report.added
    messages = [p.message for p in report.problems]
    assert "@article{anon}: no title; imported as [untitled]" in messages
    assert any("empty" in m and "skipped" in m for m in messages)
    paper = lib.get(knuth)
    assert (paper.title, paper.year, paper.citation_key) == ("", 1974, "anon")
    ris = lib.import_text(UNTITLED_RIS, source="u.ris")
    csl = lib.import_text(UNTITLED_CSL, source="u.json")
    (by_doi,) = ris.added
    (by_year,) = csl.added
    assert lib.get(by_doi).doi == "10.1186/s40981-020-0316-0"
    assert any("no title" in p.message for p in ris.problems + csl.problems)
    # findable by author and year
    assert [r.id for r in lib.listing(Filter(query="knuth")).rows] == [knuth]
    assert by_year in [r.id for r in lib.listing(Filter(query="year:2019")).rows]
    # untitled records are duplicates only by DOI/arXiv id: another untitled Knuth is new
    other = lib.import_drafts([PaperDraft(title="", authors=(Person("Knuth", "D."),))], source="x")
    assert len(other.added) == 1
    # completable: the same DOI with a title fills the title (and the title key)
    done = lib.import_drafts(
        [PaperDraft(title="A case of ...", doi="https://doi.org/10.1186/S40981-020-0316-0")],
        source="y",
    )
    assert done.updated == (by_doi,) and lib.get(by_doi).title == "A case of ..."
    assert [r.id for r in lib.listing(Filter(query="case")).rows] == [by_doi]
    # a generated key for an untitled record without a key of its own copes with ""
    keys = {lib.get(by_doi).citation_key, lib.get(other.added[0]).citation_key}
    assert keys == {"paper", "knuth"}


def test_an_untitled_paper_exports_to_bibtex_that_biber_accepts(
    lib: Library, tmp_path: Path, shared: Path
) -> None:
    tool = shared / "tools" / "check_bib.sh"
    if not tool.exists():
        pytest.skip("check_bib.sh missing")
    lib.import_text(UNTITLED_BIB + UNTITLED_RIS.replace("TY", "TY", 1), source="u.bib")
    lib.import_text(UNTITLED_RIS, source="u.ris")
    out = tmp_path / "untitled.bib"
    out.write_text(lib.export(ExportFormat.BIBTEX), encoding="utf-8")
    assert "[untitled]" not in out.read_text()  # the placeholder is never data
    run = subprocess.run([str(tool), str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


# ----------------------------------------------------------------- the file's own keys


def test_the_files_keys_are_kept_and_a_clash_is_suffixed_with_a_warning(lib: Library) -> None:
    first = lib.import_text(
        "@article{Vaswani2017, title = {Attention}, author = {Vaswani, A.}, year = 2017}",
        source="a.bib",
    )
    assert lib.get(first.added[0]).citation_key == "Vaswani2017"
    second = lib.import_text(
        "@article{vaswani2017, title = {Something else}, author = {Other, B.}, year = 2017}\n"
        "@misc{http://x.org/item/7, title = {Slash}, author = {Lee, C.}, year = 2001}\n",
        source="b.bib",
    )
    clash, generated = (lib.get(i) for i in second.added)
    assert (clash.citation_key, clash.key_origin) == ("vaswani2017a", "file")
    (warning,) = [p for p in second.problems if "already belongs" in p.message]
    assert "vaswani2017" in warning.message and "«Attention»" in warning.message
    assert "vaswani2017a" in warning.message and warning.file == "b.bib"
    assert generated.key_origin == "generated"  # a key BibTeX would not take


# ----------------------------------------------------------------- merge rules

MASKGIT_BIB = r"""
@inproceedings{chang2022maskgit,
  title = {MaskGIT: Masked Generative Image Transformer},
  author = {Chang, Huiwen and Zhang, Han and Jiang, Lu and Liu, Ce and Freeman, William T.},
  booktitle = {Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition},
  year = {2022},
  pages = {11315--11325},
}
"""


def test_a_proper_entry_over_the_trending_copy(lib: Library, sample_page: Path) -> None:
    page = lib.import_paths([sample_page])
    maskgit = next(p for p in lib.details(list(page.added)) if p.title.startswith("MaskGIT"))
    assert maskgit.entry_type == "misc" and maskgit.key_origin == "generated"
    report = lib.import_text(MASKGIT_BIB, source="maskgit.bib")
    assert report.added == () and report.updated == (maskgit.id,)
    after = lib.get(maskgit.id)
    assert after.citation_key == "chang2022maskgit" and after.key_origin == "file"
    assert after.entry_type == "inproceedings"
    assert after.abstract == maskgit.abstract  # the page's abstract stays
    assert report.merge_lines()[0] == (
        "completed 1 paper from a duplicate: authors, year, venue, type, pages, key"
    )
    bib = lib.export(ExportFormat.BIBTEX, ids=[maskgit.id])
    assert "@inproceedings{chang2022maskgit," in bib
    assert "booktitle = {Proceedings of the IEEE/CVF" in bib and "howpublished" not in bib


def test_a_used_or_user_key_never_changes_and_conflicts_are_kept(
    lib: Library, backend: Backend
) -> None:
    page = lib.import_drafts(
        [
            PaperDraft(title="Paper one", entry_type="misc", venue="Workshop"),
            PaperDraft(title="Paper two", entry_type="misc"),
            PaperDraft(title="Paper three", entry_type="misc"),
            PaperDraft(title="Paper four", entry_type="misc"),
        ],
        source="page",
    )
    one, two, three, four = page.added
    lib.export(ExportFormat.BIBTEX, ids=[one])  # its key is in someone's .tex now
    assert lib.get(one).key_used_at is not None and lib.get(two).key_used_at is None
    # what the edit command stores for a typed key
    backend.sql("UPDATE papers SET key_origin = 'user' WHERE id = :id", id=two)
    backend.sql("UPDATE papers SET key_pinned = true WHERE id = :id", id=three)
    before = {i: lib.get(i).citation_key for i in (one, two, three)}
    text = (
        "@inproceedings{one2020, title = {Paper one}, author = {A, B}, booktitle = {Conf}}\n"
        "@inproceedings{two2020, title = {Paper two}, author = {C, D}}\n"
        "@inproceedings{three2020, title = {Paper three}}\n"
        "@inproceedings{four2020, title = {Paper four}}\n"
    )
    report = lib.import_text(text, source="f.bib")
    assert {i: lib.get(i).citation_key for i in (one, two, three)} == before
    # only the generated, never used, unpinned key gave way to the file's
    assert (lib.get(four).citation_key, lib.get(four).key_origin) == ("four2020", "file")
    assert lib.get(three).conflicts == {"citation_key": "three2020"}
    first = lib.get(one)
    assert first.venue == "Workshop" and first.entry_type == "inproceedings"
    assert first.conflicts == {"venue": "Conf", "citation_key": "one2020"}
    notes = {m.paper_id: m for m in report.merges}
    assert notes[one].conflicts == ("venue", "citation_key")
    assert "kept, file differs: venue, citation_key" in "\n".join(report.merge_lines())
    # an import that agrees again clears what it agrees on
    lib.import_text("@misc{x, title = {Paper one}, booktitle = {Workshop}}", source="g.bib")
    assert "venue" not in lib.get(one).conflicts


def test_howpublished_moves_to_the_venue_field_of_the_specific_type(lib: Library) -> None:
    lib.import_text(
        "@misc{gen, title = {Moving Venues}, howpublished = {ICML 2021}}", source="a.bib"
    )
    report = lib.import_text(
        "@inproceedings{gen, title = {Moving Venues}, author = {Lee, K.}}", source="b.bib"
    )
    (pid,) = report.updated
    paper = lib.get(pid)
    assert (paper.entry_type, paper.venue) == ("inproceedings", "ICML 2021")
    assert "howpublished" not in paper.extra
    bib = lib.export(ExportFormat.BIBTEX, ids=[pid])
    assert "booktitle = {ICML 2021}" in bib and "howpublished" not in bib


def test_an_arxiv_entry_without_a_title_is_kept_by_its_id(lib: Library) -> None:
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        "<id>http://arxiv.org/abs/2202.04200v1</id><title></title>"
        "<author><name>Huiwen Chang</name></author></entry></feed>"
    )
    report = lib.import_text(feed, source="q.atom")
    (pid,) = report.added
    assert (lib.get(pid).arxiv_id, lib.get(pid).title) == ("2202.04200", "")
    assert [p.message for p in report.problems] == ["arXiv entry: no title; imported as [untitled]"]


def test_the_same_doi_written_two_ways_is_no_contradiction(lib: Library) -> None:
    first = lib.import_drafts(
        [
            PaperDraft(
                title="Trust", authors=(Person("Koch"),), doi="http://doi.acm.org/10.1145/1.2"
            )
        ],
        source="a",
    )
    again = lib.import_drafts(
        [PaperDraft(title="Trust", authors=(Person("Koch"),), doi="10.1145/1.2", year=2006)],
        source="b",
    )
    assert again.added == () and again.updated == first.added
    assert "doi" not in lib.get(first.added[0]).conflicts


def test_untitled_records_of_a_file_imported_again_are_not_added_again(lib: Library) -> None:
    text = "@misc{foo, author = {Wrong}}\n@misc{bar, author = {Correct}}\n"
    first = lib.import_text(text, source="wrong.bib")
    assert len(first.added) == 2
    again = lib.import_text(text, source="wrong.bib")
    assert (again.added, again.duplicates) == ((), 2)
    # our own export of them, read back, is the same two papers too
    back = lib.import_text(lib.export(ExportFormat.BIBTEX), source="export.bib")
    assert (back.added, back.duplicates) == ((), 2)
    # a different untitled record that happens to use the same key is a paper of its own
    other = lib.import_text("@misc{foo, author = {Someone Else}}", source="other.bib")
    assert len(other.added) == 1 and lib.get(other.added[0]).citation_key == "fooa"


def test_an_import_that_only_disputes_a_field_still_refreshes_that_paper(lib: Library) -> None:
    (pid,) = lib.import_text("@article{k, title = {T}, year = 2001}", source="a.bib").added
    seq = lib.change_seq()
    report = lib.import_text("@article{k, title = {T}, year = 2002}", source="b.bib")
    assert report.updated == () and pid in report.changes.paper_ids
    assert lib.change_seq() > seq  # other windows learn of it through the change number
    assert lib.get(pid).conflicts == {"year": "2002"}


def test_export_from_a_read_only_library_still_exports() -> None:
    """Recording that keys went out is a write; a library we cannot write still exports."""
    import os
    import shutil
    import sys
    import tempfile

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as an unprivileged user")
    # pytest's tmp_path sits in a folder only root may enter
    with tempfile.TemporaryDirectory(dir="/tmp") as top:
        folder = Path(top) / "lib"
        with Library(folder) as lib:
            lib.import_text("@article{k, title = {T}, author = {A, B}, year = 2001}", source="a")
        for path in [Path(top), *Path(top).rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        exe = Path(sys.executable).parent / "readinglist"
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        run = subprocess.run(
            [*nobody, str(exe), "--library", str(folder), "export", "--format", "bibtex"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd="/",
            env={**os.environ, "HOME": "/nonexistent"},
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("@article{k,")  # the stored type, journal or not
        assert run.stderr == ""  # a read-only library records nothing, and says nothing
        with Library(folder) as lib:
            assert lib.get(lib.ids()[0]).key_used_at is None  # nothing written


def test_a_draft_with_nothing_to_go_on_is_skipped_with_a_message(lib: Library) -> None:
    report = lib.import_drafts(
        [PaperDraft(title="  ", entry_type="misc", source_key="blank", line=7)], source="x.bib"
    )
    assert report.added == () and lib.counts().total == 0
    (problem,) = report.problems
    assert (problem.file, problem.line) == ("x.bib", 7)
    assert problem.message == "@misc{blank}: no title, author, DOI, URL, year or abstract; skipped"


def test_an_untitled_paper_is_found_by_its_doi_or_arxiv_id(lib: Library, tmp_path: Path) -> None:
    ris = tmp_path / "only-doi.ris"
    ris.write_text("TY  - JOUR\nDO  - 10.1145/3292500.3330701\nER  - \n", encoding="utf-8")
    bib = tmp_path / "only-eprint.bib"
    bib.write_text(
        "@misc{q, author={Knuth, Donald}, year={1974}, eprint={2401.00001},"
        " archiveprefix={arXiv}}\n",
        encoding="utf-8",
    )
    by_doi, by_arxiv = lib.import_paths([ris, bib]).added
    for query, wanted in (
        ("10.1145/3292500.3330701", by_doi),
        ("doi:10.1145/3292500.3330701", by_doi),
        ("2401.00001", by_arxiv),
        ("arxiv:2401.00001", by_arxiv),
    ):
        assert [r.id for r in lib.listing(Filter(query=query)).rows] == [wanted], query
