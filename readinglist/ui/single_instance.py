"""One running app per library: a second start hands its files to the first and exits.

The first window listens on a local socket (a Unix socket / Windows named pipe via
QLocalServer) whose name is derived from the user and the resolved library folder, so
two libraries can be open side by side, but not one library twice — two processes
writing one library would each show a stale view of the other's changes.

Protocol (one connection per hand-over): the client sends one line of UTF-8 JSON
`{"files": [absolute paths], "activation_token": "..."}` and waits for `ok\\n`.
An empty file list means "just come to the front".
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from ..location import ServerLocation, parse_location

_ACK = b"ok\n"
_MAX_MESSAGE = 1 << 20  # a hand-over is a list of paths; anything bigger is not ours
_PROBE_MS = 300
# Wayland only lets a window take focus with a token from the launcher that started
# the *second* process; passing it over lets the first window come to the front.
_TOKEN_ENV = "XDG_ACTIVATION_TOKEN"


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no passwd entry (some containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def server_name(library_dir: Path | str) -> str:
    """The socket name for this user and library (a folder, or a server's URL).

    On Unix it is a full path in $XDG_RUNTIME_DIR when there is one (private to the
    user, cleaned at logout); otherwise Qt puts the plain name in the temp folder.
    A shared library is keyed by its label (the URL without password or options):
    as a path it would depend on the folder the app was started in.
    """
    where = parse_location(library_dir)
    if isinstance(where, ServerLocation):
        key = f"{_user()}\0{where.label}"
    else:
        key = f"{_user()}\0{where.resolve()}"
    name = "readinglist-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if sys.platform != "win32" and runtime and os.path.isdir(runtime):
        return str(Path(runtime) / f"{name}.sock")
    return name


def _someone_listens(name: str) -> bool:
    probe = QLocalSocket()
    probe.connectToServer(name)
    alive = probe.waitForConnected(_PROBE_MS)
    probe.abort()
    return alive


def hand_over(library_dir: Path | str, files: Sequence[Path], timeout_ms: int = 1500) -> bool:
    """Give `files` to the app already running on this library.

    True when a running instance accepted them (it then comes to the front and
    imports them); False when none is running or it did not answer in time, in which
    case the caller starts the window itself. Needs a Q(Core)Application: the wait
    runs a local event loop, so a server in this same thread (tests) can answer.
    """
    if QCoreApplication.instance() is None:
        raise RuntimeError("hand_over needs a QCoreApplication")
    payload = {
        "files": [str(Path(f).absolute()) for f in files],
        "activation_token": os.environ.get(_TOKEN_ENV, ""),
    }
    message = json.dumps(payload).encode("utf-8") + b"\n"
    sock = QLocalSocket()
    loop = QEventLoop()
    reply = bytearray()
    state = {"done": False, "accepted": False}

    def finish() -> None:
        state["done"] = True
        loop.quit()

    def on_connected() -> None:
        sock.write(message)
        sock.flush()

    def on_ready_read() -> None:
        reply.extend(bytes(sock.readAll().data()))
        if reply.startswith(_ACK):
            state["accepted"] = True
            finish()

    sock.connected.connect(on_connected)
    sock.readyRead.connect(on_ready_read)
    sock.errorOccurred.connect(lambda _err: finish())
    sock.disconnected.connect(finish)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(finish)
    timer.start(timeout_ms)
    sock.connectToServer(server_name(library_dir))
    if not state["done"]:  # a refused connection reports before we get here
        loop.exec()
    timer.stop()
    sock.abort()
    return state["accepted"]


class InstanceServer(QObject):
    """Listens for later starts on the same library and passes on their files."""

    filesReceived = Signal(list)  # list[str] of absolute paths; empty: just activate

    def __init__(self, library_dir: Path | str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = server_name(library_dir)
        self._server = QLocalServer(self)
        # Only this user may connect (the socket file gets mode 0700 on Unix).
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    @property
    def name(self) -> str:
        return self._name

    def listen(self) -> bool:
        """Start listening. False when another live instance owns this library.

        A socket left behind by a crashed instance is noticed (nobody answers on it)
        and removed, so a crash never blocks the next start.
        """
        if self._server.isListening():
            return True
        # Ask first: with UserAccessOption Qt binds in a private folder and renames the
        # socket into place, which would silently replace a live instance's socket.
        if _someone_listens(self._name):
            return False
        if self._server.listen(self._name):
            return True
        QLocalServer.removeServer(self._name)
        return self._server.listen(self._name)

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = bytearray()
            sock.readyRead.connect(lambda s=sock: self._on_ready_read(s))
            sock.disconnected.connect(lambda s=sock: self._forget(s))

    def _forget(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _on_ready_read(self, sock: QLocalSocket) -> None:
        buf = self._buffers.get(sock)
        if buf is None:
            return
        buf.extend(bytes(sock.readAll().data()))
        if len(buf) > _MAX_MESSAGE:
            sock.abort()
            return
        if b"\n" not in buf:
            return
        line = bytes(buf.split(b"\n", 1)[0])
        try:
            payload = json.loads(line.decode("utf-8"))
            files = [str(f) for f in payload.get("files", [])]
            token = str(payload.get("activation_token", ""))
        except (ValueError, AttributeError, TypeError):
            sock.abort()  # not one of ours
            return
        sock.write(_ACK)
        sock.flush()
        sock.disconnectFromServer()
        if token:
            os.environ[_TOKEN_ENV] = token  # Qt's Wayland plugin uses it on activation
        self.filesReceived.emit(files)


def bring_to_front(window: QWidget) -> None:
    """Un-minimise, raise and focus `window` (what a second start asks for)."""
    state = window.windowState()
    if state & Qt.WindowState.WindowMinimized:
        window.setWindowState(
            (state & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
    window.show()
    window.raise_()
    window.activateWindow()


class FileOpenForwarder(QObject):
    """macOS hands "Open with ReadingList" to the running app as a FileOpen event, not
    as arguments (a double-click in Finder never starts a second process). Install on
    the QApplication; `filesOpened` then carries the paths like `filesReceived`."""

    filesOpened = Signal(list)  # list[str] of absolute paths

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path:
                self.filesOpened.emit([str(Path(path).absolute())])
                return True
        return super().eventFilter(watched, event)


def hand_over_or_listen(
    library_dir: Path | str, files: Sequence[Path], parent: QObject | None = None
) -> InstanceServer | None:
    """What run_gui does first (after the QApplication, before opening the library).

    None: a running instance took the files — exit 0 without opening anything.
    Otherwise a listening server for this library: give it to `route_to_window`.
    """
    if hand_over(library_dir, files):
        return None
    server = InstanceServer(library_dir, parent)
    # False only when another start won a race in the last few milliseconds; this
    # window still works, it just will not receive hand-overs.
    server.listen()
    return server


def route_to_window(
    server: InstanceServer, window: QWidget, import_files: Callable[[list[Path]], object]
) -> None:
    """Later starts bring `window` to the front and import their files into it."""

    def on_files(paths: list[str]) -> None:
        bring_to_front(window)
        if paths:
            import_files([Path(p) for p in paths])

    server.filesReceived.connect(on_files)
