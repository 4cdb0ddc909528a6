"""The index follows the database: crashes, other writers and damage all heal."""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

import pytest

from readinglist.domain import Filter, PaperDraft, Person, Status
from readinglist.indexer import BATCH, BackgroundIndexer
from readinglist.library import INDEX_DIR, Library


def _drafts(n: int, word: str = "") -> list[PaperDraft]:
    return [
        PaperDraft(
            title=f"Study {i} of {word} attention" if word else f"Study {i} of attention",
            abstract=f"We examine case {i} in detail.",
            authors=(Person("Smith", "Ann"),),
            year=2000 + i % 20,
        )
        for i in range(n)
    ]


def _found(lib: Library, query: str) -> list[int]:
    return [r.id for r in lib.listing(Filter(query=query), limit=100_000).rows]


def test_deleted_index_is_rebuilt_from_the_database(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        ids = lib.import_drafts(_drafts(30, "zebra"), source="x").added
    shutil.rmtree(tmp_path / "lib" / INDEX_DIR)
    with Library(tmp_path / "lib") as lib:
        assert sorted(_found(lib, "zebra")) == sorted(ids)


def test_corrupted_index_is_rebuilt(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        ids = lib.import_drafts(_drafts(30, "zebra"), source="x").added
    for f in (tmp_path / "lib" / INDEX_DIR).iterdir():
        if f.is_file():
            f.write_bytes(b"\x00garbage" * 64)
    with Library(tmp_path / "lib") as lib:
        assert sorted(_found(lib, "zebra")) == sorted(ids)


def test_crash_between_database_and_index_catches_up(tmp_path: Path) -> None:
    """A write whose process died before indexing is indexed by the next opener."""
    lib = Library(tmp_path / "lib")
    ids = lib.import_drafts(_drafts(5, "zebra"), source="x").added
    lib.set_note(ids[0], "quokka")
    lib.close(catch_up=False)  # as if the process died right after the commit
    with Library(tmp_path / "lib") as again:
        assert again.index_behind()
        assert _found(again, "quokka") == [ids[0]]
        assert not again.index_behind()


def test_big_import_progress_survives_an_interrupted_catch_up(tmp_path: Path) -> None:
    lib = Library(tmp_path / "lib")
    ids = lib.import_drafts(_drafts(BATCH * 2 + 10, "zebra"), source="x").added
    seen: list[tuple[int, int]] = []

    def stop_after_first_batch() -> bool:
        return len(seen) >= 1

    with contextlib.suppress(Exception):
        lib.catch_up_index(progress=lambda d, t: seen.append((d, t)), cancel=stop_after_first_batch)
    assert seen and seen[0][1] == len(ids)
    lib.close(catch_up=False)
    with Library(tmp_path / "lib") as again:
        assert len(_found(again, "zebra")) == len(ids)


def test_another_process_writing_is_noticed(tmp_path: Path) -> None:
    """Two Library objects on one folder stand for the app and the CLI."""
    with Library(tmp_path / "lib") as app:
        ids = app.import_drafts(_drafts(3), source="x").added
        with Library(tmp_path / "lib") as cli:
            cli.add_tags([ids[1]], ["from-cli"])
            cli.set_status([ids[2]], Status.READ)
        assert _found(app, "tag:from-cli") == [ids[1]]
        assert app.get(ids[2]).status is Status.READ


def test_background_follower_makes_writes_searchable(tmp_path: Path) -> None:
    lib = Library(tmp_path / "lib", background=True)
    try:
        ids = lib.import_drafts(_drafts(3), source="x").added
        lib.set_note(ids[0], "wombat")
        deadline = time.monotonic() + 20
        # searches see unindexed papers too (issue 10): wait for the index itself
        while _found(lib, "wombat") != [ids[0]] or lib.index_behind():
            assert time.monotonic() < deadline, "the background indexer never caught up"
            time.sleep(0.05)
        assert not lib.index_behind()
    finally:
        lib.close()


def test_background_follower_warms_the_searcher_before_the_first_search(tmp_path: Path) -> None:
    lib = Library(tmp_path / "lib", background=True)
    try:
        lib.import_drafts(_drafts(3), source="x")
        index = lib._follower.index
        deadline = time.monotonic() + 20
        # nobody searches: the follower's warm-up reads the ids of the latest commit
        while index._ids is None or len(index._ids) != 3:
            assert time.monotonic() < deadline, "the index was never warmed"
            time.sleep(0.05)
        assert index._searcher is not None
    finally:
        lib.close()


def test_prepare_search_warms_the_index_without_waiting_for_the_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_drafts(_drafts(3), source="x")
    monkeypatch.setattr(BackgroundIndexer, "POLL_S", 120.0)  # the poll would not come
    lib = Library(tmp_path / "lib", background=True)
    try:
        lib.prepare_search()
        deadline = time.monotonic() + 20
        while not lib._follower.index_open or lib._follower.index._ids is None:
            assert time.monotonic() < deadline, "prepare_search did not warm the index"
            time.sleep(0.05)
    finally:
        lib.close()


def test_rebuild_gives_the_same_answers(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_drafts(_drafts(40, "zebra"), source="x")
        before = _found(lib, "zebra attention")
        assert lib.rebuild_index() == 40
        assert _found(lib, "zebra attention") == before


def test_background_follower_tells_the_window_how_far_it_got(tmp_path: Path) -> None:
    lib = Library(tmp_path / "lib", background=True)
    try:
        bg = lib.background
        assert bg is not None and bg.progress is None
        seen: list[tuple[int, int]] = []
        report = bg._report

        def spy(done: int, total: int) -> None:
            report(done, total)
            seen.append(bg.progress)  # type: ignore[arg-type]

        bg._report = spy  # type: ignore[method-assign]
        ids = lib.import_drafts(_drafts(40, "okapi"), source="x").added
        bg.poke()
        deadline = time.monotonic() + 20
        # searches see unindexed papers too (issue 10): wait for the index itself
        while sorted(_found(lib, "okapi")) != sorted(ids) or lib.index_behind() or not seen:
            assert time.monotonic() < deadline, "the background indexer never caught up"
            time.sleep(0.05)
        while bg.progress is not None:
            assert time.monotonic() < deadline, "the background indexer never caught up"
            time.sleep(0.05)
        assert seen[-1] == (40, 40)
    finally:
        lib.close()
