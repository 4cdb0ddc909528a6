"""Big catch-ups run in a real child process; stopping or a failing child loses nothing."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from readinglist import index_worker, indexer
from readinglist.domain import Cancelled, Filter, PaperDraft, Person
from readinglist.index_worker import ChildCatchUp
from readinglist.library import Library
from readinglist.search.index import SearchIndex


def _drafts(n: int, word: str) -> list[PaperDraft]:
    return [
        PaperDraft(
            title=f"Paper {i} on {word} graphs",
            abstract=f"Case {i} studied in depth.",
            authors=(Person("Okafor", "Ngozi"),),
            year=2001 + i % 20,
        )
        for i in range(n)
    ]


def _found(lib: Library, query: str) -> set[int]:
    return {r.id for r in lib.listing(Filter(query=query), limit=100_000).rows}


def _applied_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Paper ids this process itself gives to the index."""
    seen: list[int] = []
    apply = SearchIndex.apply

    def spy(self: SearchIndex, docs, deleted, seq):  # type: ignore[no-untyped-def]
        seen.extend(d.id for d in docs)
        return apply(self, docs, deleted, seq)

    monkeypatch.setattr(SearchIndex, "apply", spy)
    return seen


def test_the_app_indexes_a_big_import_in_a_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer, "CHILD_MIN_PAPERS", 20)
    here = _applied_here(monkeypatch)
    lib = Library(tmp_path / "lib", background=True)
    try:
        ids = set(lib.import_drafts(_drafts(60, "wombat"), source="x").added)
        lib.background.poke()  # type: ignore[union-attr]
        deadline = time.monotonic() + 60
        while _found(lib, "wombat") != ids or lib.index_behind():  # issue 10
            assert time.monotonic() < deadline, "the child never indexed the import"
            time.sleep(0.1)
        assert not lib.index_behind()
        assert not set(here) & ids  # none of them was indexed in this process
        # a small change afterwards is indexed here, as before
        lib.set_note(min(ids), "kangaroo")
        while _found(lib, "kangaroo") != {min(ids)} or lib.index_behind():  # issue 10
            assert time.monotonic() < deadline, "the note never became searchable"
            time.sleep(0.05)
        assert min(ids) in here
    finally:
        lib.close()


def test_child_reports_progress_and_stops_when_cancelled(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    lib = Library(folder)
    lib.import_drafts(_drafts(indexer.CHILD_BATCH * 2 + 10, "quokka"), source="x")
    lib.close(catch_up=False)  # nothing indexed yet
    child = ChildCatchUp(folder)
    seen: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        # cancelled once the first batch is in (the start, 0 of N, is told at once)
        child.run(progress=lambda d, t: seen.append((d, t)), cancel=lambda: len(seen) > 1)
    total = indexer.CHILD_BATCH * 2 + 10
    assert seen == [(0, total), (indexer.CHILD_BATCH, total)]
    lib = Library(folder)
    try:
        assert lib.index_behind()  # the first batch is in, the rest is not
        assert lib._follower.index.seq > 0
        # finishing in a child again: it goes on from there
        assert ChildCatchUp(folder).run() >= indexer.CHILD_BATCH + 10  # a batch may repeat
        assert not lib.index_behind()
        assert len(_found(lib, "quokka")) == indexer.CHILD_BATCH * 2 + 10
    finally:
        lib.close()


def test_stop_ends_a_running_child(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    lib = Library(folder)
    lib.import_drafts(_drafts(indexer.BATCH * 3, "numbat"), source="x")
    lib.close(catch_up=False)
    child = ChildCatchUp(folder)
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(child.run())
        except Cancelled as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while child._proc is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc = child._proc
    child.stop()
    thread.join(30)
    assert isinstance(outcome[0], Cancelled)
    assert proc.poll() is not None  # the process is gone
    with pytest.raises(Cancelled):
        child.run()  # a stopped runner starts nothing new
    with Library(folder) as lib:
        lib.catch_up_index()
        assert len(_found(lib, "numbat")) == indexer.BATCH * 3


def test_a_failing_child_is_replaced_by_indexing_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexer, "CHILD_MIN_PAPERS", 5)
    monkeypatch.setattr(
        index_worker,
        "child_command",
        lambda folder: [sys.executable, "-c", "import sys; sys.exit('no luck')"],
    )
    here = _applied_here(monkeypatch)
    lib = Library(tmp_path / "lib", background=True)
    try:
        ids = set(lib.import_drafts(_drafts(12, "dingo"), source="x").added)
        assert lib.catch_up_index() == 12
        assert ids <= set(here)
        assert _found(lib, "dingo") == ids
    finally:
        lib.close()


def test_child_command_runs_this_program() -> None:
    cmd = index_worker.child_command(Path("/some/lib"))
    assert cmd[0] == sys.executable
    assert cmd[-3:] == ["--library", "/some/lib", index_worker.FLAG]


def test_a_child_whose_parent_stops_listening_blames_the_pipe(tmp_path: Path) -> None:
    """The child's stdout closes early (its parent went away): it stops with a line
    about the parent, not "cannot write the search index … Broken pipe", and what it
    indexed before is kept."""
    import os
    import subprocess

    folder = tmp_path / "lib"
    lib = Library(folder)
    lib.import_drafts(_drafts(indexer.CHILD_BATCH + 10, "bilby"), source="x")
    lib.close(catch_up=False)
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read the progress lines
    try:
        done = subprocess.run(
            index_worker.child_command(folder),
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, index_worker.CHILD_ENV: "1", "PYTHONUNBUFFERED": "1"},
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert "cannot write the search index" not in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert "stopped listening" in done.stderr
    with Library(folder) as lib:
        assert lib.index_behind()  # it stopped at its first report, "0 of N"
        lib.catch_up_index()
        assert len(_found(lib, "bilby")) == indexer.CHILD_BATCH + 10


def test_the_catch_up_child_shares_a_big_batch_with_its_partner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh import index as whoosh_index

    from readinglist.library import INDEX_DIR
    from readinglist.search import partner, whoosh_private
    from readinglist.search.index import INDEX_NAME

    monkeypatch.setenv(partner.PROCS_ENV, "2")
    folder = tmp_path / "lib"
    n = 2 * partner.SPLIT_MIN + 100
    lib = Library(folder)
    ids = set(lib.import_drafts(_drafts(n, "numbat"), source="x").added)
    lib.close(catch_up=False)  # nothing indexed yet
    assert ChildCatchUp(folder).run() == n
    ix = whoosh_index.open_dir(str(folder / INDEX_DIR), indexname=INDEX_NAME)
    try:  # one batch, two segments: the child's and its partner's
        assert [s.doc_count() for s in whoosh_private.read_toc(ix).segments] == [n // 2] * 2
    finally:
        ix.close()
    with Library(folder) as again:
        assert not again.index_behind()
        assert _found(again, "numbat") == ids
        assert _found(again, "numbat 17") == {min(ids) + 17}
