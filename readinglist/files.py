"""Files in and out, safely: bounded reads of regular files, atomic writes of exports.

Pure (no Qt, no database): the CLI, the window and the readers share these so every
way in and out follows ARCHITECTURE rule 9 — never overwrite what we did not create,
writes are atomic, every read is bounded in size.

Reads accept only regular files: a FIFO would hang, `/dev/zero` never ends, a
directory is not a file. Writes go to a temp file beside the target, are flushed and
fsynced, and renamed over it; the rename only ever replaces a regular file, because
renaming over `/dev/null` replaces the device node for the whole machine. Special
files that are meant to be written to (a terminal, `/dev/null`, a FIFO someone reads)
are written directly.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .domain import LibraryError

__all__ = [
    "MB",
    "NOTE_LIMIT_MB",
    "NotRegularFile",
    "TooLarge",
    "atomic_write",
    "belongs_to_folder",
    "can_write_in",
    "check_write_target",
    "read_limited",
    "read_stream_limited",
    "same_file",
]

MB = 1024 * 1024
# A Markdown note is typed by a person: a megabyte is hundreds of pages, and the
# preview renders every byte of it (issue 8 item 9).
NOTE_LIMIT_MB = 1
_CHUNK = MB  # what one read or one encoded write holds at most beyond the result
_TEMP_SUFFIX = ".tmp"
# A dead process's temp file untouched this long is a leftover, not a write under way.
STALE_TEMP_S = 60.0


class NotRegularFile(LibraryError):
    """A FIFO, device, socket or directory where a file was expected."""


class TooLarge(LibraryError):
    """More bytes than the caller's limit."""


def _not_regular(path: object, mode: int) -> NotRegularFile:
    return NotRegularFile(f"cannot read {path}: it is {_kind(mode)}, not a regular file")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------------- reading


def _too_large(path: object, limit_bytes: int, hint: str) -> TooLarge:
    limit = f"{limit_bytes / MB:g} MB"
    return TooLarge(f"cannot read {path}: larger than the limit of {limit}{hint}")


def read_limited(path: Path, limit_bytes: int, *, hint: str = "") -> bytes:
    """The bytes of the regular file `path`, refused when over `limit_bytes`.

    `hint` follows the limit in the message (which setting raises it). Errors are
    LibraryErrors that name the file: "cannot read PATH: ...".
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        raise LibraryError(f"cannot read {path}: {_reason(exc)}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(path, st.st_mode)
    if st.st_size > limit_bytes:
        raise _too_large(path, limit_bytes, hint)
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, open() must
        # not wait for a writer; fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise LibraryError(f"cannot read {path}: {_reason(exc)}") from exc
    with open(fd, "rb", buffering=0) as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(path, st.st_mode)
        try:
            # One read of the size stat gave (one allocation; joining a single piece
            # does not copy it), then bounded chunks until EOF: a read may return
            # less than asked, and the file may have grown since.
            first = f.read(min(st.st_size, limit_bytes) + 1) or b""
            return _read_rest(f, first, limit_bytes, path, hint)
        except OSError as exc:
            raise LibraryError(f"cannot read {path}: {_reason(exc)}") from exc


def read_stream_limited(
    stream: BinaryIO, limit_bytes: int, source: str, *, hint: str = ""
) -> bytes:
    """Everything `stream` (stdin) holds, in bounded chunks; refused over `limit_bytes`."""
    try:
        return _read_rest(stream, b"", limit_bytes, source, hint)
    except OSError as exc:
        raise LibraryError(f"cannot read {source}: {_reason(exc)}") from exc


def _read_rest(
    stream: BinaryIO, start: bytes, limit_bytes: int, source: object, hint: str
) -> bytes:
    chunks = [start] if start else []
    total = len(start)
    while total <= limit_bytes:
        chunk = stream.read(min(_CHUNK, limit_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise _too_large(source, limit_bytes, hint)


# ---------------------------------------------------------------------------- writing


def belongs_to_folder(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder`, lies under it, or is a file under it by another name.

    Symlinks are resolved; hard links and bind mounts are caught by comparing
    st_dev/st_ino with every file under the folder (a library holds few files).
    """
    real = Path(os.path.realpath(path))
    root = Path(os.path.realpath(folder))
    if real == root or root in real.parents:
        return True
    try:
        st = os.stat(path)
        root_st = os.stat(root)
    except OSError:
        return False
    if st.st_dev != root_st.st_dev:  # a hard link never crosses a file system
        return False
    key = (st.st_dev, st.st_ino)
    if key == (root_st.st_dev, root_st.st_ino):
        return True
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            with contextlib.suppress(OSError):
                other = os.lstat(os.path.join(dirpath, name))
                if (other.st_dev, other.st_ino) == key:
                    return True
    return False


def same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` are one file (by inode); False when either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def can_write_in(folder: Path) -> bool:
    """Could we write in `folder` (or create it)? As this user, on this mount."""
    if folder.exists():
        return os.access(folder, os.W_OK | os.X_OK)
    return os.access(folder.parent, os.W_OK | os.X_OK)


def check_write_target(
    path: Path, forbidden: Callable[[Path], bool] | None = None
) -> os.stat_result | None:
    """Refuse a target we must not write; its stat (None: a new file). Cheap: call early.

    `forbidden(path)` says which paths must never be written (the open library's).
    """
    if forbidden is not None and forbidden(path):
        raise LibraryError(
            f"{path}: this is a file of the open library; refusing to write an export onto it"
        )
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except NotADirectoryError as exc:
        raise LibraryError(f"{path.parent}: not a folder") from exc
    except OSError as exc:
        raise LibraryError(f"cannot write {path}: {_reason(exc)}") from exc
    if st is None:
        parent = Path(os.path.realpath(path)).parent
        if not parent.is_dir():
            raise LibraryError(f"{path.parent}: no such folder")
        return None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise LibraryError(f"{path}: is a folder; name a file to write the export to")
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise LibraryError(f"{path}: is {_kind(mode)}; refusing to write an export onto it")
    if stat.S_ISREG(mode) and not os.access(path, os.W_OK):
        # the rename would replace it anyway (it needs only the folder): respect the
        # owner's choice, as writing it in place would have
        raise LibraryError(f"cannot write {path}: the file is read-only")
    return st


def atomic_write(
    path: Path,
    text: str | Iterable[str],
    *,
    forbidden: Callable[[Path], bool] | None = None,
) -> None:
    """Write `text` (UTF-8) to `path` so that it is either the old file or the new one.

    A regular or new file: a uniquely named temp file in the same folder is written,
    flushed, fsynced, given the old file's permissions and renamed over it, then the
    folder is fsynced; the temp file is removed on any failure (KeyboardInterrupt
    too). A symlink is followed (its target is replaced). A character device or a
    FIFO is written directly; a FIFO nobody reads is an error, never a hang.
    """
    st = check_write_target(path, forbidden)
    try:
        if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            _write_special(path, text, st)
        else:
            _write_replacing(path, text, st)
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise LibraryError(f"cannot write {path}: its reader went away") from exc
        raise LibraryError(f"cannot write {path}: {_reason(exc)}") from exc


def _encoded(text: str | Iterable[str]) -> Iterator[bytes]:
    # slices, so a 500 MB export is never held twice (str and bytes) at once
    if isinstance(text, str):
        for i in range(0, len(text), _CHUNK):
            yield text[i : i + _CHUNK].encode("utf-8")
    else:
        for piece in text:
            yield piece.encode("utf-8")


def _write_all(fd: int, text: str | Iterable[str]) -> None:
    for data in _encoded(text):
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]


def _write_special(path: Path, text: str | Iterable[str], st: os.stat_result) -> None:
    flags = os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: a FIFO with no reader fails now (ENXIO)
    except OSError as exc:
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(st.st_mode):
            raise LibraryError(
                f"cannot write {path}: it is a named pipe (FIFO) that nobody is reading"
            ) from exc
        raise
    try:
        now = os.fstat(fd)
        if not (stat.S_ISCHR(now.st_mode) or stat.S_ISFIFO(now.st_mode)):
            raise LibraryError(f"cannot write {path}: it changed while being opened")
        # blocking again: a slow reader is waited for, not an error
        os.set_blocking(fd, True)
        _write_all(fd, text)
    finally:
        os.close(fd)


def _temp_beside(target: Path) -> tuple[int, Path]:
    """A new file next to `target` that no one else can have (O_EXCL, random name).

    The name carries our pid, so the temp file of an export that was killed (SIGKILL,
    power cut) can be told from one still being written, and is removed next time.
    """
    _remove_stale_temps(target)
    for _ in range(100):
        name = f".{target.name}.{os.getpid()}-{secrets.token_hex(6)}{_TEMP_SUFFIX}"
        tmp = target.with_name(name)
        try:
            # 0o666 then the umask, like any new file; O_EXCL never follows a symlink
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        return fd, tmp
    raise LibraryError(f"cannot write {target}: no free temporary name in {target.parent}")


def _remove_stale_temps(target: Path) -> None:
    """Remove our own temp files for `target` left by a process that died.

    Only names exactly of our pattern, regular files, whose process is gone and that
    have not changed for STALE_TEMP_S (a pid can be reused, and on a shared folder
    another machine's pid means nothing here: the age rule covers both).
    """
    pattern = re.compile(
        re.escape(f".{target.name}.") + r"(\d+)-[0-9a-f]{12}" + re.escape(_TEMP_SUFFIX)
    )
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    now = time.time()
    for name in names:
        m = pattern.fullmatch(name)
        if m is None or process_alive(int(m.group(1))):
            continue
        path = target.parent / name
        with contextlib.suppress(OSError):
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_TEMP_S:
                os.unlink(path)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (a leftover's maker may still be writing it)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or not a pid we can ask about)
    return True


def _write_replacing(path: Path, text: str | Iterable[str], st: os.stat_result | None) -> None:
    target = Path(os.path.realpath(path))  # a symlink stays, its target is replaced
    fd, tmp = _temp_beside(target)
    try:
        try:
            _write_all(fd, text)
            if st is not None:  # keep what the user chose for the old file
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                    with contextlib.suppress(OSError):
                        os.fchown(fd, st.st_uid, st.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        # Last look before the rename, which must only ever replace a regular file.
        try:
            now = os.lstat(target)
        except FileNotFoundError:
            pass
        else:
            if not stat.S_ISREG(now.st_mode):
                raise LibraryError(f"{path}: is now {_kind(now.st_mode)}; refusing to replace it")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (some file systems cannot; the data is safe)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
