"""One app per library: hand-over to a running instance, over a real local socket."""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from readinglist.ui.single_instance import (
    FileOpenForwarder,
    InstanceServer,
    bring_to_front,
    hand_over,
    hand_over_or_listen,
    route_to_window,
    server_name,
)


@pytest.fixture(autouse=True)
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private, short XDG_RUNTIME_DIR (Unix socket paths are limited to ~100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="rl-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def server(qtbot: QtBot, tmp_path: Path) -> Iterator[InstanceServer]:
    srv = InstanceServer(tmp_path / "lib")
    assert srv.listen()
    yield srv
    srv.close()


def test_no_running_instance_means_no_hand_over(qapp: object, tmp_path: Path) -> None:
    assert hand_over(tmp_path / "lib", [tmp_path / "a.bib"], timeout_ms=500) is False


def test_files_reach_the_running_instance(
    qtbot: QtBot, server: InstanceServer, tmp_path: Path
) -> None:
    files = [tmp_path / "a.bib", tmp_path / "sub" / "b.ris"]
    with qtbot.waitSignal(server.filesReceived, timeout=3000) as blocker:
        assert hand_over(tmp_path / "lib", files) is True
    assert blocker.args == [[str(f) for f in files]]


def test_relative_paths_arrive_absolute(
    qtbot: QtBot, server: InstanceServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with qtbot.waitSignal(server.filesReceived, timeout=3000) as blocker:
        assert hand_over(tmp_path / "lib", [Path("x.bib")])
    assert blocker.args == [[str(tmp_path / "x.bib")]]


def test_no_files_just_activates(qtbot: QtBot, server: InstanceServer, tmp_path: Path) -> None:
    with qtbot.waitSignal(server.filesReceived, timeout=3000) as blocker:
        assert hand_over(tmp_path / "lib", [])
    assert blocker.args == [[]]


def test_one_server_per_library_but_libraries_are_independent(
    qtbot: QtBot, server: InstanceServer, tmp_path: Path
) -> None:
    # the same folder spelled differently is the same library
    same = InstanceServer(tmp_path / "lib" / ".." / "lib")
    assert same.name == server.name
    assert same.listen() is False
    other = InstanceServer(tmp_path / "other")
    assert other.name != server.name
    assert other.listen()
    with (
        qtbot.assertNotEmitted(server.filesReceived),
        qtbot.waitSignal(other.filesReceived, timeout=3000),
    ):
        assert hand_over(tmp_path / "other", [tmp_path / "c.bib"])
    other.close()
    # the first server still works after a rival's attempt
    with qtbot.waitSignal(server.filesReceived, timeout=3000):
        assert hand_over(tmp_path / "lib", [])


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave no stale files")
def test_socket_left_by_a_crashed_instance_is_recovered(qtbot: QtBot, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    path = server_name(library)
    # A crash leaves the socket file behind with nobody accepting on it.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()
    assert Path(path).exists()
    assert hand_over(library, [], timeout_ms=500) is False

    srv = InstanceServer(library)
    assert srv.listen()
    with qtbot.waitSignal(srv.filesReceived, timeout=3000) as blocker:
        assert hand_over(library, [tmp_path / "d.ris"])
    assert blocker.args == [[str(tmp_path / "d.ris")]]
    srv.close()


def test_garbage_on_the_socket_is_ignored(
    qtbot: QtBot, server: InstanceServer, tmp_path: Path
) -> None:
    from PySide6.QtNetwork import QLocalSocket

    rogue = QLocalSocket()
    rogue.connectToServer(server.name)
    assert rogue.waitForConnected(1000)
    with qtbot.assertNotEmitted(server.filesReceived, wait=200):
        rogue.write(b"not json\n")
        rogue.flush()
    rogue.abort()
    with qtbot.waitSignal(server.filesReceived, timeout=3000):
        assert hand_over(tmp_path / "lib", [])


def test_file_open_events_are_forwarded(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    forwarder = FileOpenForwarder()
    qapp.installEventFilter(forwarder)
    try:
        with qtbot.waitSignal(forwarder.filesOpened, timeout=3000) as blocker:
            QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(tmp_path / "e.bib")))
        assert blocker.args == [[str(tmp_path / "e.bib")]]
    finally:
        qapp.removeEventFilter(forwarder)


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no raise()
def test_bring_to_front_restores_a_minimised_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    bring_to_front(window)
    assert window.isVisible()
    assert not window.isMinimized()


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: no raise()
def test_second_start_hands_over_to_the_first_window(qtbot: QtBot, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    first = hand_over_or_listen(library, [])
    assert first is not None
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    imported: list[list[Path]] = []
    route_to_window(first, window, imported.append)

    assert hand_over_or_listen(library, [tmp_path / "f.bib"]) is None
    qtbot.waitUntil(lambda: imported == [[tmp_path / "f.bib"]], timeout=3000)
    assert not window.isMinimized()
    # a start without files only activates: nothing more is imported
    assert hand_over_or_listen(library, []) is None
    assert imported == [[tmp_path / "f.bib"]]
    first.close()


def test_a_shared_library_is_one_window_wherever_the_app_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://alice:secret@labserver:5432/readinglist"
    monkeypatch.chdir(tmp_path)
    here = server_name(url)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert server_name(url) == here  # not a path under the start folder
    # the same library however the password reaches libpq; another database differs
    assert server_name("postgresql://alice@labserver:5432/readinglist") == here
    assert server_name("postgresql://alice@labserver:5432/other") != here
    assert server_name(tmp_path) != here
