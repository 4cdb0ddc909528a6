"""Whoosh reads the files inside a compound segment without copying them into memory.

Whoosh opens each file inside a compound segment as a `BufferFile` over the
segment's mmap, and gives it a `BytesIO(buf)` for its sequential reads: a full copy
of the file. A 100k-paper index took ~0.6 GB resident once opened (a fresh process
peaked at 1.2 GB at its first search), and copying cost ~10 ms per file. Here that
BytesIO is replaced by a small reader over the same memoryview; positioned reads
(`BufferFile.get`) already slice the view. `install()` runs once, when
readinglist.search.index is imported.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from . import whoosh_private

_LINE_CHUNK = 256


class ViewReader:
    """The file methods Whoosh (and pickle) use, over a memoryview, without a copy."""

    __slots__ = ("_buf", "_len", "_pos")

    def __init__(self, buf: Any) -> None:
        self._buf = buf
        self._len = len(buf)
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        end = self._len if n is None or n < 0 else min(start + n, self._len)
        self._pos = end
        return bytes(self._buf[start:end])

    def readline(self, limit: int | None = -1) -> bytes:
        start = self._pos
        stop = self._len if limit is None or limit < 0 else min(start + limit, self._len)
        end = start
        while end < stop:  # look a chunk at a time: never copy the rest of the file
            chunk = bytes(self._buf[end : min(end + _LINE_CHUNK, stop)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        self._pos = end
        return bytes(self._buf[start:end])

    def peek_bytes(self, n: int) -> bytes:
        """Up to `n` bytes from the current position, without moving."""
        return bytes(self._buf[self._pos : min(self._pos + n, self._len)])

    def seek(self, pos: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._len}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._buf = b""
        self._len = self._pos = 0


def _read_pickle(self: Any) -> Any:
    # the C unpickler would call ViewReader.read once per opcode: unpickle from a
    # small copied window instead (a posting block's header is ~50 bytes)
    reader = self.file
    window = 256
    while True:
        data = reader.peek_bytes(window)
        f = io.BytesIO(data)
        try:
            value = pickle.load(f)
        except (EOFError, pickle.UnpicklingError):
            if len(data) < window:
                raise
            window *= 8
            continue
        reader.seek(f.tell(), 1)
        return value


def install() -> None:
    # ViewReader is looked up at each call (tests substitute a counting one)
    whoosh_private.install_buffer_file_reader(lambda buf: ViewReader(buf), _read_pickle)
