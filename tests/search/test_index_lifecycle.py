"""The index as a cache that follows the library: updates, seq, damage, threads."""

from __future__ import annotations

import threading
from pathlib import Path

from readinglist.search.document import IndexDoc
from readinglist.search.index import SearchIndex

from .conftest import Engine


def paper(id: int, title: str, abstract: str = "", status: str = "unread") -> IndexDoc:
    return IndexDoc(id, title, abstract, "", (), "", "", None, status)


def found(ix: SearchIndex, query: str) -> list[int]:
    return [h.id for h in ix.search(query, highlight=False).hits]


def test_new_index_is_empty_with_seq_zero(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    assert ix.seq == 0
    assert ix.search("anything").total == 0
    ix.close()


def test_update_replaces_the_document(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    ix.apply([paper(1, "Old title about cats"), paper(2, "Dogs")], [], 1)
    assert found(ix, "cats") == [1]
    ix.apply([paper(1, "New title about birds")], [], 2)
    assert found(ix, "cats") == []
    assert found(ix, "birds") == [1]
    assert ix.search("title").total == 1  # replaced, not added twice
    ix.close()


def test_delete_removes_the_document(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    ix.apply([paper(1, "graph one"), paper(2, "graph two")], [], 1)
    assert sorted(found(ix, "graph")) == [1, 2]
    ix.apply([], [1], 2)
    assert found(ix, "graph") == [2]
    # restrict must not resurrect the deleted paper
    assert found(ix, "graph") == [h.id for h in ix.search("graph", restrict={1, 2}).hits]
    ix.close()


def test_reapplying_a_batch_is_harmless(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    batch = [paper(i, f"paper {i} sparse") for i in range(1, 6)]
    ix.apply(batch, [3], 4)
    ix.apply(batch[:3], [3], 4)  # as after a crash before seq was recorded
    assert ix.search("sparse").total == 4
    assert sorted(found(ix, "sparse")) == [1, 2, 4, 5]
    ix.close()


def test_seq_persists_across_reopen(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    ix.apply([paper(1, "kept across reopening")], [], 42)
    assert ix.seq == 42
    ix.close()
    again = engine(tmp_path / "ix", "lib")
    assert again.seq == 42
    assert found(again, "reopening") == [1]
    again.close()


def test_reset_wipes_to_empty(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    ix.apply([paper(1, "something")], [], 7)
    ix.search("something")  # an open searcher must not survive the wipe
    ix.reset()
    assert ix.seq == 0
    assert found(ix, "something") == []
    ix.apply([paper(2, "something else")], [], 1)
    assert found(ix, "something") == [2]
    ix.close()


def test_other_library_id_wipes_the_index(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib-a")
    ix.apply([paper(1, "belongs to library a")], [], 9)
    ix.close()
    other = engine(tmp_path / "ix", "lib-b")
    assert other.seq == 0
    assert found(other, "library") == []
    other.close()


def test_corrupt_index_is_recreated_empty(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    ix = engine(folder, "lib")
    ix.apply([paper(i, f"paper number {i}") for i in range(1, 30)], [], 5)
    ix.close()
    for f in folder.iterdir():
        if f.is_file() and not f.name.endswith(".json"):
            f.write_bytes(b"\x00garbage\xff" * 50)
    again = engine(folder, "lib")
    assert again.seq == 0
    assert again.search("paper").total == 0
    again.apply([paper(1, "fresh start")], [], 1)
    assert found(again, "fresh") == [1]
    again.close()


def test_unreadable_meta_file_means_rebuild(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    ix = SearchIndex(folder, "lib")
    ix.apply([paper(1, "text")], [], 3)
    ix.close()
    (folder / "readinglist-index.json").write_text("{not json", "utf-8")
    again = SearchIndex(folder, "lib")
    assert again.seq == 0
    assert found(again, "text") == []
    again.close()


def test_missing_folder_is_created(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "deep" / "down" / "ix", "lib")
    ix.apply([paper(1, "here")], [], 1)
    assert found(ix, "here") == [1]
    ix.close()


def test_commits_from_another_instance_become_visible(engine: Engine, tmp_path: Path) -> None:
    # two SearchIndex objects on one folder behave like the app and a CLI process
    app = engine(tmp_path / "ix", "lib")
    app.apply([paper(1, "first paper")], [], 1)
    assert found(app, "paper") == [1]
    cli = engine(tmp_path / "ix", "lib")
    cli.apply([paper(2, "second paper")], [1], 2)
    assert found(app, "paper") == [2]
    assert app.seq == 2
    cli.close()
    app.close()


def test_search_while_another_thread_applies(engine: Engine, tmp_path: Path) -> None:
    ix = engine(tmp_path / "ix", "lib")
    ix.apply([paper(i, f"seed {i} common") for i in range(1, 50)], [], 1)
    errors: list[BaseException] = []
    batches = 25

    def writer() -> None:
        try:
            for b in range(batches):
                docs = [paper(1000 + b * 10 + k, f"batch{b} common") for k in range(10)]
                ix.apply(docs, [b + 1], b + 2)  # also delete a seed paper each time
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    searches = 0
    while thread.is_alive() or searches < 5:
        result = ix.search("common", limit=20)
        assert result.total >= 49 - batches  # never a half-applied, shrunken view
        searches += 1
    thread.join()
    assert not errors
    assert ix.search("common").total == 49 - batches + batches * 10
    assert found(ix, f"batch{batches - 1}") != []
    assert ix.seq == batches + 1
    ix.close()
