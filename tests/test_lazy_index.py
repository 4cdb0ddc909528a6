"""The search index opens on first use: listing, counting and writing never wait for
it (the window shows its list first), searching and closing bring it up to date."""

from __future__ import annotations

from pathlib import Path

from readinglist.domain import Filter, PaperDraft, Status
from readinglist.library import INDEX_DIR, Library


def test_list_counts_and_writes_leave_the_index_closed(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    lib = Library(folder)
    ids = lib.import_drafts([PaperDraft(title="Masked generative transformers")], source="t").added
    lib.set_status(ids, Status.READ)
    assert [r.id for r in lib.listing().rows] == list(ids)
    assert lib.counts().total == 1
    assert not (folder / INDEX_DIR).exists()
    assert lib.ids(Filter(query="generative")) == list(ids)  # a search opens and catches up
    assert (folder / INDEX_DIR).exists()
    lib.close()


def test_closing_an_unopened_index_still_catches_it_up(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        ids = lib.import_drafts([PaperDraft(title="Diffusion video models")], source="t").added
    assert (folder / INDEX_DIR).exists()
    with Library(folder) as lib:
        assert not lib.index_behind()
        assert lib.ids(Filter(query="diffusion")) == list(ids)
    with Library(folder, background=True) as lib:  # never asked: closes cleanly
        assert lib.counts().total == 1
