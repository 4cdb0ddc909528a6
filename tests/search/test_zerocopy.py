"""Whoosh's compound files are read through a view, not copied (Whoosh only)."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest
from whoosh.filedb.structfile import BufferFile

from readinglist.search import zerocopy
from readinglist.search.document import IndexDoc
from readinglist.search.index import SearchIndex

DATA = b"first line\nsecond line\n" + pickle.dumps(("block", 7, 1.5), 2) + b"tail"


def test_view_reader_behaves_like_bytesio() -> None:
    view = zerocopy.ViewReader(memoryview(DATA))
    ref = io.BytesIO(DATA)
    for step in ("readline", "read4", "tell", "seek0", "read-1", "seek_end", "read4", "seek5"):
        if step == "readline":
            assert view.readline() == ref.readline()
        elif step == "read4":
            assert view.read(4) == ref.read(4)
        elif step == "tell":
            assert view.tell() == ref.tell()
        elif step == "seek0":
            assert view.seek(0) == ref.seek(0)
        elif step == "read-1":
            assert view.read() == ref.read()
        elif step == "seek_end":
            assert view.seek(-6, 2) == ref.seek(-6, 2)
        else:
            assert view.seek(5, 1) == ref.seek(5, 1)
        assert view.tell() == ref.tell()
    view.seek(0)
    assert view.readline(4) == b"firs"  # a limit stops a line early, as in BytesIO


def test_buffer_files_use_the_view_and_read_pickles(monkeypatch: pytest.MonkeyPatch) -> None:
    f = BufferFile(memoryview(DATA))
    assert isinstance(f.file, zerocopy.ViewReader)
    assert f.read(len(b"first line\nsecond line\n")) == b"first line\nsecond line\n"
    assert f.read_pickle() == ("block", 7, 1.5)
    assert f.read(4) == b"tail"  # the pickle's bytes were consumed exactly
    # a pickle longer than the first window is read by growing it
    big = pickle.dumps(list(range(500)), 2) + b"!"
    g = BufferFile(memoryview(big))
    assert g.read_pickle() == list(range(500))
    assert g.read(1) == b"!"
    assert f.get(0, 5) == b"first"


def test_a_compound_index_is_searched_through_views(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = SearchIndex(tmp_path / "ix", "lib")
    docs = [
        IndexDoc(i, f"Paper {i} on zebras", "A long abstract " * 50, "", (), "", "", 2020, "read")
        for i in range(1, 301)
    ]
    ix.apply(docs, [], 1)
    ix.close()
    views: list[object] = []

    class Counted(zerocopy.ViewReader):
        __slots__ = ()

        def __init__(self, buf: object) -> None:
            views.append(buf)
            super().__init__(buf)

    monkeypatch.setattr(zerocopy, "ViewReader", Counted)
    again = SearchIndex(tmp_path / "ix", "lib")  # opened from disk: compound segments
    assert again.search("zebras", limit=None).total == 300
    assert again.search('"long abstract"', limit=None).total == 300
    assert views  # the segment's files were opened as views, not copies
    again.close()
