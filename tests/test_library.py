"""The Library API on a real SQLite file and a real Whoosh index in tmp_path, and
the same tests on the real PostgreSQL server (conftest.py `backend`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.domain import (
    Cancelled,
    ExportFormat,
    Filter,
    LibraryError,
    PaperDraft,
    PaperNotFound,
    ParseResult,
    Person,
    Status,
)
from readinglist.library import Library
from tests.conftest import Backend


@pytest.fixture
def lib(backend_lib: Library) -> Iterator[Library]:
    """Every test here runs on both backends."""
    yield backend_lib


BIB = r"""
@article{chang2022,
  title = {{MaskGIT}: Masked Generative Image Transformer},
  author = {Chang, Huiwen and Zhang, Han and Jiang, Lu},
  year = 2022,
  journal = {CVPR},
  doi = {10.1109/CVPR52688.2022.01103},
  abstract = {Generative transformers have experienced rapid popularity growth. Code: https://github.com/google-research/maskgit.},
}
@misc{muse,
  title = {Muse: Text-To-Image Generation via Masked Generative Transformers},
  author = {Chang, Huiwen and others},
  year = {2023},
  eprint = {2301.00704},
  archiveprefix = {arXiv},
}
"""


def _seed(lib: Library) -> list[int]:
    report = lib.import_text(BIB, source="seed.bib")
    assert report.problems == ()
    return list(report.added)


def test_import_stores_every_field_and_makes_stable_keys(lib: Library) -> None:
    ids = _seed(lib)
    assert len(ids) == 2
    paper = lib.get(ids[0])
    assert paper.title == "MaskGIT: Masked Generative Image Transformer"
    assert [a.family for a in paper.authors] == ["Chang", "Zhang", "Jiang"]
    assert paper.year == 2022
    assert paper.venue == "CVPR"
    assert (paper.citation_key, paper.key_origin) == ("chang2022", "file")  # the file's own
    assert paper.links == ("https://github.com/google-research/maskgit",)
    assert paper.status is Status.UNREAD
    assert paper.source == "seed.bib"
    assert lib.get(ids[1]).arxiv_id == "2301.00704"
    # keys never change, even when the title is later filled or the paper re-imported
    lib.import_text(BIB, source="again.bib")
    assert lib.get(ids[0]).citation_key == "chang2022"


def test_duplicates_by_doi_arxiv_and_title_fill_gaps(lib: Library) -> None:
    ids = _seed(lib)
    twin_by_arxiv = PaperDraft(
        title="A completely different title", arxiv_id="arXiv:2301.00704v3", venue="ICML"
    )
    twin_by_doi = PaperDraft(title="Other", doi="https://doi.org/10.1109/cvpr52688.2022.01103")
    twin_by_title = PaperDraft(title="maskgit -- MASKED generative, image transformer!")
    fresh = PaperDraft(title="Something new", authors=(Person("Müller", "Anna"),), year=2021)
    report = lib.import_drafts([twin_by_arxiv, twin_by_doi, twin_by_title, fresh], source="x")
    assert report.duplicates == 3
    assert len(report.added) == 1
    assert report.updated == (ids[1],)
    assert lib.get(ids[1]).venue == "ICML"  # a gap filled
    assert lib.get(ids[1]).title.startswith("Muse")  # nothing overwritten
    assert lib.get(report.added[0]).citation_key == "muller2021something"


def test_duplicates_within_one_import_are_added_once(lib: Library) -> None:
    drafts = [PaperDraft(title="Same Paper"), PaperDraft(title="same paper.", abstract="more")]
    report = lib.import_drafts(drafts, source="x")
    assert len(report.added) == 1 and report.duplicates == 1
    assert lib.get(report.added[0]).abstract == "more"


def test_key_clash_gets_a_deterministic_suffix(lib: Library) -> None:
    a = PaperDraft(title="Deep Nets", authors=(Person("Lee"),), year=2020)
    b = PaperDraft(title="Deep nets, again", authors=(Person("Lee"),), year=2020)
    c = PaperDraft(title="Deep nets, once more", authors=(Person("Lee"),), year=2020)
    report = lib.import_drafts([a, b, c], source="x")
    keys = [lib.get(i).citation_key for i in report.added]
    assert keys == ["lee2020deep", "lee2020deepa", "lee2020deepb"]


def test_status_tags_notes_and_filters(lib: Library) -> None:
    ids = _seed(lib)
    before = lib.get(ids[0]).status_changed_at
    changes = lib.set_status([ids[0]], Status.READ)
    assert changes.status and changes.paper_ids == {ids[0]}
    assert lib.get(ids[0]).status is Status.READ
    assert lib.get(ids[0]).status_changed_at >= before
    lib.add_tags(ids, ["vision", "Generative"])
    lib.add_tags([ids[0]], ["to-cite"])
    assert lib.get(ids[0]).tags == ("Generative", "to-cite", "vision")
    assert lib.counts().tags == {"Generative": 2, "to-cite": 1, "vision": 2}
    assert [r.id for r in lib.listing(Filter(tags=("vision", "to-cite"))).rows] == [ids[0]]
    assert [r.id for r in lib.listing(Filter(status=Status.UNREAD)).rows] == [ids[1]]
    lib.remove_tags([ids[0]], ["to-cite"])
    assert "to-cite" not in lib.counts().tags  # an unused tag disappears
    lib.set_note(ids[1], "# Thoughts\nCompare with *MaskGIT*.")
    assert lib.get(ids[1]).note.startswith("# Thoughts")
    counts = lib.counts()
    assert counts.total == 2 and counts.by_status[Status.READ] == 1


def test_a_note_is_shared_only_on_a_shared_library(lib: Library) -> None:
    ids = _seed(lib)
    if lib.server is None:  # one person's library: nobody to show it to, said plainly
        with pytest.raises(LibraryError, match="your own library"):
            lib.set_note(ids[0], "for the group", shared=True)
        assert lib.get(ids[0]).note == "" and not lib.get(ids[0]).note_shared
    else:
        lib.set_note(ids[0], "for the group", shared=True)
        assert lib.get(ids[0]).note_shared
    lib.set_note(ids[0], "just mine", shared=False)  # keeping it private is always fine
    assert lib.get(ids[0]).note == "just mine" and not lib.get(ids[0]).note_shared


def test_rename_merge_and_delete_tags(lib: Library) -> None:
    ids = _seed(lib)
    lib.add_tags([ids[0]], ["gen"])
    lib.add_tags([ids[1]], ["generative"])
    lib.rename_tag("gen", "Generative")  # onto an existing tag: merge
    assert lib.counts().tags == {"generative": 2}
    lib.rename_tag("generative", "image gen")
    assert lib.get(ids[0]).tags == ("image gen",)
    lib.delete_tag("image gen")
    assert lib.get(ids[0]).tags == () and lib.tags() == []
    with pytest.raises(LibraryError):
        lib.rename_tag("nope", "x")


def test_search_fields_filters_and_rank_order(lib: Library) -> None:
    ids = _seed(lib)
    lib.add_tags([ids[1]], ["diffusion"])
    lib.set_note(ids[0], "brilliant decoding trick")
    assert {r.id for r in lib.listing(Filter(query="masked generative")).rows} == set(ids)
    assert [r.id for r in lib.listing(Filter(query="note:brilliant")).rows] == [ids[0]]
    assert [r.id for r in lib.listing(Filter(query="tag:diffusion")).rows] == [ids[1]]
    assert [r.id for r in lib.listing(Filter(query="image", tags=("diffusion",))).rows] == [ids[1]]
    lib.set_status([ids[1]], Status.READING)
    assert [r.id for r in lib.listing(Filter(query="status:reading")).rows] == [ids[1]]
    assert [
        r.id
        for r in lib.listing(Filter(query="gener", status=Status.UNREAD), as_you_type=True).rows
    ] == [ids[0]]
    hits = lib.listing(Filter(query="maskgit"), highlight=True).hits
    assert "<b>" in hits[ids[0]].highlights.get("title", "")


def test_trash_restore_and_purge(lib: Library) -> None:
    ids = _seed(lib)
    lib.trash([ids[0]])
    assert [r.id for r in lib.listing().rows] == [ids[1]]
    assert [r.id for r in lib.listing(Filter(trashed=True)).rows] == [ids[0]]
    assert lib.listing(Filter(query="maskgit")).rows == ()
    assert [r.id for r in lib.listing(Filter(trashed=True, query="maskgit")).rows] == [ids[0]]
    assert lib.counts().trash == 1
    lib.restore([ids[0]])
    assert [r.id for r in lib.listing(Filter(query="maskgit")).rows] == [ids[0]]
    lib.trash([ids[0]])
    lib.empty_trash()
    with pytest.raises(PaperNotFound):
        lib.get(ids[0])
    assert lib.listing(Filter(query="maskgit")).rows == ()
    # ids are never reused
    new = lib.import_drafts([PaperDraft(title="Fresh")], source="x").added[0]
    assert new > max(ids)


def test_unknown_ids_are_a_clear_error_and_change_nothing(lib: Library) -> None:
    ids = _seed(lib)
    with pytest.raises(PaperNotFound, match="999"):
        lib.set_status([ids[0], 999], Status.READ)
    assert lib.get(ids[0]).status is Status.UNREAD


def test_cancelled_import_leaves_the_library_as_it_was(lib: Library) -> None:
    ids = _seed(lib)
    seq = lib.change_seq()
    drafts = [PaperDraft(title=f"Paper number {i}") for i in range(3000)]
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2500  # past the first flushed batches: they must roll back too

    with pytest.raises(Cancelled):
        lib.import_parsed([(ParseResult(tuple(drafts)), "big")], cancel=cancel)
    assert [r.id for r in lib.listing().rows] == sorted(ids, reverse=True)
    assert lib.change_seq() == seq
    assert lib.counts().total == 2


def test_failing_import_half_way_keeps_nothing(lib: Library, tmp_path: Path) -> None:
    _seed(lib)
    # the first 1000 rows are already written (flushed) when the bad record fails
    bad = [PaperDraft(title=f"ok {i}") for i in range(1500)] + [
        PaperDraft(title=object())  # type: ignore[arg-type]
    ]
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
        lib.import_drafts(bad, source="bad")
    assert lib.counts().total == 2


def test_export_formats(lib: Library) -> None:
    ids = _seed(lib)
    lib.add_tags([ids[0]], ["vision"])
    bib = lib.export(ExportFormat.BIBTEX)
    assert "@article{chang2022," in bib and "vision" in bib
    only = lib.export(ExportFormat.BIBTEX, ids=[ids[1]])
    assert "chang2022" not in only
    assert "maskgit" in lib.export(ExportFormat.MARKDOWN, f=Filter(tags=("vision",))).lower()
    assert lib.export(ExportFormat.CSLJSON).lstrip().startswith("[")


def test_reopen_keeps_everything(backend: Backend) -> None:
    with backend.open() as lib:
        ids = _seed(lib)
        lib.set_note(ids[0], "kept")
    with backend.open() as lib:
        assert lib.get(ids[0]).note == "kept"
        assert [r.id for r in lib.listing(Filter(query="kept")).rows] == [ids[0]]


def test_a_failing_write_is_a_library_error_and_keeps_the_old_state(
    lib: Library, backend: Backend
) -> None:
    ids = _seed(lib)
    lib.set_note(ids[0], "first words")
    if backend.name == "sqlite":
        backend.sql(
            "CREATE TRIGGER refuse BEFORE UPDATE ON papers "
            "BEGIN SELECT RAISE(ABORT, 'simulated disk trouble'); END"
        )
    else:
        backend.sql(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'simulated disk trouble'; END $$"
        )
        backend.sql(
            "CREATE TRIGGER refuse BEFORE UPDATE ON papers FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    with pytest.raises(LibraryError, match="simulated disk trouble"):
        lib.set_note(ids[0], "second words")
    with pytest.raises(LibraryError):
        lib.set_status(ids, Status.READ)
    backend.sql("DROP TRIGGER refuse" + ("" if backend.name == "sqlite" else " ON papers"))
    assert lib.get(ids[0]).note == "first words"
    assert {lib.get(i).status for i in ids} == {Status.UNREAD}


def test_the_sample_page_comes_in_once(lib: Library, sample_page: Path) -> None:
    first = lib.import_paths([sample_page])
    assert len(first.added) == 224 and first.problems == ()
    again = lib.import_paths([sample_page])
    assert again.added == () and again.duplicates == 224
    keys = {d.citation_key for d in lib.details(list(first.added))}
    assert len(keys) == 224  # unique
    gptq = lib.listing(Filter(query="gptq")).rows
    assert gptq, "the GPTQ paper is searchable"
    links = {link for d in lib.details([r.id for r in gptq]) for link in d.links}
    assert "https://github.com/IST-DASLab/gptq" in links  # trailing "." stripped


def test_a_folder_imports_the_files_under_it(lib: Library, tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    (folder / "sub").mkdir(parents=True)
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    (folder / "sub" / "more.ris").write_text(
        "TY  - JOUR\nTI  - A Paper From RIS\nPY  - 2019\nER  - \n", encoding="utf-8"
    )
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    report = lib.import_paths([folder])
    assert len(report.added) == 3 and report.problems == ()
    assert {r.title for r in lib.listing().rows} >= {"A Paper From RIS"}
