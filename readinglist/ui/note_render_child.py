"""The window's side of the note render child (readinglist/notes_child.py).

One child serves every notes editor; it starts at the first preview (~0.5 s) and
is stopped when the program ends. An editor that gets no answer within its budget
shows the plain text and has the child killed; the next preview starts a new one.
Where no child can be run (the frozen bundle has no `-m`), `request` returns False
and the editor renders on a thread instead.
"""

from __future__ import annotations

import atexit
import json
import logging
import sys

from PySide6.QtCore import QObject, QProcess, Signal

from ..notes import RENDER_LIMIT, RenderedNote

log = logging.getLogger(__name__)


class RenderChild(QObject):
    """Sends notes to the render child; each answer comes back as `answered`."""

    answered = Signal(str, int, object)  # key, generation, (RenderedNote, chunks)

    def __init__(self) -> None:
        super().__init__()
        self._proc: QProcess | None = None
        self._buf = b""
        self.usable = not getattr(sys, "frozen", False)

    def request(self, key: str, gen: int, text: str) -> bool:
        """Ask for `text` rendered; False when there is no child to ask."""
        if not self.usable:
            return False
        proc = self._running()
        if proc is None:
            return False
        line = json.dumps(
            {"key": key, "gen": gen, "text": text[: RENDER_LIMIT + 1], "length": len(text)}
        )
        proc.write(line.encode() + b"\n")
        return True

    def _running(self) -> QProcess | None:
        if self._proc is not None and self._proc.state() != QProcess.ProcessState.NotRunning:
            return self._proc
        proc = QProcess(self)
        proc.setProgram(sys.executable)
        proc.setArguments(["-m", "readinglist.notes_child"])
        proc.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        proc.readyReadStandardOutput.connect(self._read)
        proc.start()
        if not proc.waitForStarted(5000):
            log.warning("the note render child did not start: %s", proc.errorString())
            self.usable = False
            proc.deleteLater()
            return None
        self._proc, self._buf = proc, b""
        return proc

    def _read(self) -> None:
        if self._proc is None:
            return
        self._buf += bytes(self._proc.readAllStandardOutput().data())
        *lines, self._buf = self._buf.split(b"\n")
        for raw in lines:
            try:
                got = json.loads(raw)
                note = RenderedNote("", str(got["notice"]), bool(got["plain"]))
                chunks = [str(c) for c in got["chunks"]] or [""]
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("the note render child said something odd: %r", exc)
                continue
            self.answered.emit(str(got["key"]), int(got["gen"]), (note, chunks))

    def kill(self) -> None:
        """Stop a child that overran (the next request starts another)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.readyReadStandardOutput.disconnect(self._read)
            proc.kill()
            proc.waitForFinished(2000)
            proc.deleteLater()

    def stop(self) -> None:
        """End the child at exit: end of input lets it finish on its own."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.closeWriteChannel()
        if not proc.waitForFinished(2000):
            proc.kill()
            proc.waitForFinished(2000)


_CHILD: list[RenderChild] = []


def render_child() -> RenderChild:
    if not _CHILD:
        _CHILD.append(RenderChild())
        atexit.register(_CHILD[0].stop)
    return _CHILD[0]
