"""Renders notes for the window's preview in a child process.

Rendering is pure Python (Python-Markdown). On a thread beside the window it holds
the GIL, and on a busy machine the window then waited 40-170 ms at a time for it
to let go (measured, benchmarks/notes_bench.py); a child has its own interpreter,
and the window can kill it when a render overruns its budget.

Protocol, one JSON object per line each way:
  in   {"key": str, "gen": int, "text": str, "length": int}   (text: the note's start)
  out  {"key": str, "gen": int, "notice": str, "plain": bool, "chunks": [str, ...]}
Requests that queue up while one renders are collapsed to the newest per key: only
the note each editor shows now is worth rendering.

    python -m readinglist.notes_child
"""

from __future__ import annotations

import json
import os
import select
import sys
from typing import Any

from .notes import breakable_html, html_chunks, plain_html, render_preview


def answer(request: dict[str, Any]) -> dict[str, Any]:
    text = str(request.get("text", ""))
    length = int(request.get("length", len(text)))
    try:
        result = render_preview(text, full_length=length)
        html, notice, plain = result.html, result.notice, result.plain
    except Exception as exc:  # render_preview never raises; if it does, say so
        html, notice, plain = plain_html(text), f"Rendering failed: {exc!r}", True
    return {
        "key": request.get("key", ""),
        "gen": request.get("gen", 0),
        "notice": notice,
        "plain": plain,
        "chunks": html_chunks(breakable_html(html)),
    }


class _Lines:
    """Lines from a file descriptor, with a way to take those already waiting."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buf = b""
        self.closed = False

    def _fill(self) -> None:
        data = os.read(self._fd, 1 << 20)
        if not data:
            self.closed = True
        self._buf += data

    def next_line(self) -> bytes | None:
        """The next line, waiting for it; None at the end of input."""
        while b"\n" not in self._buf:
            if self.closed:
                return None
            self._fill()
        line, self._buf = self._buf.split(b"\n", 1)
        return line

    def waiting(self) -> list[bytes]:
        """Lines already sent, without waiting."""
        while not self.closed and os.name == "posix" and select.select([self._fd], [], [], 0)[0]:
            self._fill()
        *lines, self._buf = self._buf.split(b"\n")
        return lines


def main() -> int:
    lines = _Lines(sys.stdin.fileno())
    out = sys.stdout.buffer
    while True:
        first = lines.next_line()
        if first is None:
            return 0
        newest: dict[str, dict[str, Any]] = {}
        for raw in [first, *lines.waiting()]:
            try:
                request = json.loads(raw)
            except ValueError:
                continue
            newest[str(request.get("key", ""))] = request
        for request in newest.values():
            out.write(json.dumps(answer(request)).encode() + b"\n")
            out.flush()


if __name__ == "__main__":
    sys.exit(main())
