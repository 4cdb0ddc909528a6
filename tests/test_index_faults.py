"""The search index under faults, inflicted for real: a folder we did not create,
a full disk (RLIMIT_FSIZE child), a read-only index folder (a child without the
capabilities that let root ignore permissions), processes killed mid-write.

Each test then checks that nothing was lost: user files are byte-identical, the
database has every change, and a normal run finds every paper again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from readinglist import indexer
from readinglist.domain import Filter, PaperDraft, Person, Status
from readinglist.library import INDEX_DIR, Library
from readinglist.search import whoosh_private
from readinglist.search.folder import LEFTOVER_NAMES, MARKER, NotOurFolder, mark
from readinglist.search.index import INDEX_NAME, META_FILE, SearchIndex

REPO = Path(__file__).resolve().parent.parent


def _drafts(n: int, word: str) -> list[PaperDraft]:
    return [
        PaperDraft(
            title=f"Study {i} of {word} migration",
            abstract=f"We follow {word} herd number {i} across the plains for years.",
            authors=(Person("Mbeki", "Thandi"),),
            year=1990 + i % 30,
        )
        for i in range(n)
    ]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "READINGLIST_CONFIG": os.devnull,
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def rl(
    lib: Path,
    *args: str,
    preexec: Callable[[], None] | None = None,
    prefix: Sequence[str] = (),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "readinglist", "--library", str(lib), *args],
        capture_output=True,
        text=True,
        env=_env(),
        preexec_fn=preexec,
        timeout=timeout,
    )


def _ids(out: str) -> set[int]:
    return {int(line.split()[0]) for line in out.splitlines() if line.strip()}


def _no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Error:" not in proc.stderr, proc.stderr


def _tree(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under folder."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _leftovers(folder: Path) -> list[str]:
    """Temp files, and segment files no table of contents names."""
    names = [p.name for p in folder.iterdir()]
    bad = [n for n in names if LEFTOVER_NAMES.match(n)]
    ix = whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)
    live = {s.segment_id() for s in whoosh_private.read_toc(ix).segments}
    tocs = [n for n in names if re.fullmatch(rf"_{INDEX_NAME}_\d+\.toc", n)]
    bad += tocs[:-1] if len(tocs) > 1 else []
    bad += [n for n in names if n.startswith(f"{INDEX_NAME}_") and n.split(".")[0] not in live]
    return [n for n in bad if n != f"{INDEX_NAME}_WRITELOCK"]


def _seq(folder: Path) -> int:
    return int(json.loads((folder / META_FILE).read_text("utf-8"))["seq"])


# -- item 1: never delete what we did not create ---------------------------------


def test_a_folder_we_did_not_create_is_refused_and_left_untouched(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    user = lib / INDEX_DIR
    (user / "data").mkdir(parents=True)
    (user / "thesis.tex").write_text("\\chapter{Years of work}\n", "utf-8")
    (user / "data" / "raw.csv").write_bytes(b"a,b\n1,2\n" * 100)
    (user / "_MAIN_1.toc").write_bytes(b"looks like Whoosh, is the user's")
    before = _tree(user)
    for args in (["list"], ["search", "years"], ["reindex"]):
        proc = rl(lib, *args)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        _no_traceback(proc)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert str(user) in lines[0]
        assert "is not ReadingList's search index" in lines[0]
        assert "move it away" in lines[0]
        assert _tree(user) == before  # every file, byte for byte
    # once moved away, the library works and makes its own, marked folder
    user.rename(tmp_path / "moved")
    assert rl(lib, "list").returncode == 0
    assert (lib / INDEX_DIR / MARKER).is_file()
    assert _tree(tmp_path / "moved") == before


def test_a_file_where_the_folder_goes_is_refused(tmp_path: Path) -> None:
    (tmp_path / "index").write_bytes(b"the user's file")
    with pytest.raises(NotOurFolder, match="move it away"):
        SearchIndex(tmp_path / "index", "lib")
    assert (tmp_path / "index").read_bytes() == b"the user's file"


def test_a_missing_or_empty_folder_is_created_and_marked(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing" / "deep"):
        ix = SearchIndex(folder, "lib")
        assert json.loads((folder / MARKER).read_text("utf-8"))["library_id"] == "lib"
        ix.close()


def test_an_unmarked_folder_of_only_index_files_is_kept(tmp_path: Path) -> None:
    """An index from before the marker (or whose marker was lost) is ours: kept."""
    folder = tmp_path / "ix"
    ix = SearchIndex(folder, "lib")
    ix.apply([_doc(1, "ancient index")], [], 5)
    ix.close()
    (folder / MARKER).unlink()
    again = SearchIndex(folder, "lib")
    assert again.seq == 5
    assert [h.id for h in again.search("ancient").hits] == [1]
    assert (folder / MARKER).is_file()
    again.close()


def test_wiping_a_damaged_index_removes_only_the_files_we_write(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    ix = SearchIndex(folder, "lib")
    ix.apply([_doc(i, f"paper {i}") for i in range(1, 20)], [], 3)
    ix.close()
    (folder / "my-notes.txt").write_text("kept", "utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "kept.bin").write_bytes(b"\x00" * 10)
    for f in folder.iterdir():
        if f.name.endswith(".seg"):
            f.write_bytes(b"\x00garbage" * 64)
    again = SearchIndex(folder, "lib")  # damaged: recreated empty
    assert again.seq == 0
    again.reset()
    again.close()
    assert (folder / "my-notes.txt").read_text("utf-8") == "kept"
    assert (folder / "sub" / "kept.bin").read_bytes() == b"\x00" * 10


def test_an_index_of_the_removed_fts5_engine_gives_way_to_whoosh(tmp_path: Path) -> None:
    """A library indexed by an older ReadingList's SQLite FTS5 engine: its index file
    (ours: we created it) is replaced by a Whoosh index rebuilt from the database,
    and nothing else in the folder is touched."""
    lib = tmp_path / "lib"
    with Library(lib) as first:
        zebras = set(first.import_drafts(_drafts(30, "zebra"), source="x").added)
        library_id = first.library_id
    folder = lib / INDEX_DIR
    shutil.rmtree(folder)
    folder.mkdir()
    mark(folder, library_id)
    old = sqlite3.connect(folder / "fts5.sqlite")
    old.execute("CREATE VIRTUAL TABLE papers USING fts5(title)")
    old.execute("INSERT INTO papers VALUES ('zebra')")
    old.commit()
    old.close()
    (folder / "my-notes.txt").write_text("mine", "utf-8")
    proc = rl(lib, "search", "zebra", "--limit", "100")
    assert proc.returncode == 0, proc.stderr
    _no_traceback(proc)
    assert _ids(proc.stdout) == zebras
    assert (folder / "my-notes.txt").read_text("utf-8") == "mine"
    assert not (folder / "fts5.sqlite").exists()
    assert _seq(folder) > 0


def test_not_our_folder_from_the_library_api(tmp_path: Path) -> None:
    (tmp_path / "lib" / INDEX_DIR).mkdir(parents=True)
    (tmp_path / "lib" / INDEX_DIR / "photo.jpg").write_bytes(b"\xff\xd8")
    lib = Library(tmp_path / "lib")
    lib.import_drafts(_drafts(2, "okapi"), source="x")
    with pytest.raises(NotOurFolder, match="move it away"):
        lib.listing(Filter(query="okapi"))
    with pytest.raises(NotOurFolder):
        lib.close()
    assert (tmp_path / "lib" / INDEX_DIR / "photo.jpg").read_bytes() == b"\xff\xd8"


def _doc(i: int, title: str):  # type: ignore[no-untyped-def]
    from readinglist.search.document import IndexDoc

    return IndexDoc(i, title, "", "", (), "", "", None, "unread")


# -- item 15: full disk, read-only index folder ----------------------------------


def _seed(lib_dir: Path, indexed: int, behind: int) -> tuple[list[int], list[int]]:
    """`indexed` zebra papers in the index; `behind` yak papers only in the database."""
    with Library(lib_dir) as lib:
        zebras = list(lib.import_drafts(_drafts(indexed, "zebra"), source="x").added)
    lib = Library(lib_dir)
    yaks = list(lib.import_drafts(_drafts(behind, "yak"), source="y").added)
    lib.close(catch_up=False)  # as if killed right after the commit
    return zebras, yaks


def _small_files(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


FULL_DISK_BYTES = 48_000  # the index segment of 600 papers is larger; the meta file not


# what a write says when it meets RLIMIT_FSIZE (EFBIG)
FULL_DISK_WORDS = "File too large"


def test_full_disk_is_one_clear_line_and_loses_nothing(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    zebras, yaks = _seed(lib, 150, 600)
    folder = lib / INDEX_DIR
    seq_before = _seq(folder)
    full = _small_files(FULL_DISK_BYTES)

    # a search answers from what is indexed and says once that the index is behind
    proc = rl(lib, "search", "zebra", "--limit", "1000", preexec=full)
    assert proc.returncode == 0, proc.stderr
    _no_traceback(proc)
    assert _ids(proc.stdout) == set(zebras)
    warnings = proc.stderr.strip().splitlines()
    assert len(warnings) == 1 and "search index not updated" in warnings[0], proc.stderr
    assert FULL_DISK_WORDS in warnings[0]
    assert _seq(folder) == seq_before  # nothing recorded that was not committed
    assert _leftovers(folder) == []

    # a write command: the database has the change; the index, one warning
    proc = rl(lib, "mark", "read", str(zebras[0]), preexec=full)
    assert proc.returncode == 0, proc.stderr
    _no_traceback(proc)
    assert len(proc.stderr.strip().splitlines()) == 1

    # reindex did not do its job: exit 1, one line
    proc = rl(lib, "reindex", preexec=full)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    _no_traceback(proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("readinglist: cannot write the search index")
    assert FULL_DISK_WORDS in lines[0]
    assert _leftovers(folder) == []
    # the reset committed (Whoosh: a small commit) or was rolled back; nothing after
    assert _seq(folder) in (0, seq_before)

    # room again: everything is found, the status change too
    proc = rl(lib, "search", "yak OR zebra", "--limit", "1000")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert _ids(proc.stdout) == set(zebras) | set(yaks)
    assert _ids(rl(lib, "search", "status:read").stdout) == {zebras[0]}


def _without_root_powers() -> list[str]:
    """A prefix running a child as root without the capabilities that let root write
    into read-only folders (so a chmod means what it says); [] if impossible."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return []
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import os; os.access('/', os.W_OK)"],
        capture_output=True,
    )
    return prefix if probe.returncode == 0 else []


def _read_only(folder: Path) -> None:
    for p in [folder, *folder.rglob("*")]:
        mode = p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        p.chmod(mode)


def _writable(folder: Path) -> None:
    for p in [folder, *folder.rglob("*")]:
        p.chmod(p.stat().st_mode | stat.S_IWUSR)


def test_read_only_index_folder(tmp_path: Path) -> None:
    prefix = _without_root_powers()
    lib = tmp_path / "lib"
    zebras, yaks = _seed(lib, 40, 30)
    folder = lib / INDEX_DIR
    _read_only(folder)
    try:
        probe = subprocess.run([*prefix, "touch", str(folder / "probe")], capture_output=True)
        if probe.returncode == 0:
            (folder / "probe").unlink()
            pytest.skip("cannot make a folder read-only for this user")
        before = _tree(folder)
        proc = rl(lib, "search", "zebra OR yak", "--limit", "1000", prefix=prefix)
        assert proc.returncode == 0, proc.stderr
        _no_traceback(proc)
        # the indexed zebras and the yaks the index could not take in (issue 10)
        assert _ids(proc.stdout) == set(zebras) | set(yaks)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "search index not updated" in lines[0], proc.stderr
        assert "Permission denied" in lines[0]

        proc = rl(lib, "mark", "read", str(yaks[0]), prefix=prefix)
        assert proc.returncode == 0, proc.stderr
        _no_traceback(proc)

        proc = rl(lib, "reindex", prefix=prefix)
        assert proc.returncode == 1
        _no_traceback(proc)
        assert proc.stderr.startswith("readinglist: cannot write the search index in")
        assert len(proc.stderr.strip().splitlines()) == 1
        assert _tree(folder) == before  # not one byte changed
    finally:
        _writable(folder)
    proc = rl(lib, "search", "zebra OR yak", "--limit", "1000")
    assert proc.returncode == 0 and proc.stderr == ""
    assert _ids(proc.stdout) == set(zebras) | set(yaks)
    with Library(lib) as again:
        assert again.get(yaks[0]).status is Status.READ


def test_a_killed_rebuild_leaves_nothing_the_next_open_does_not_clean(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    zebras, yaks = _seed(lib, 30, 2500)
    folder = lib / INDEX_DIR
    (folder / "user-file.txt").write_text("mine", "utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "readinglist", "--library", str(lib), "reindex"],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # kill it while Whoosh writes a segment (its temp folder exists then)
    deadline = time.monotonic() + 60
    while not (folder / f"{INDEX_NAME}.tmp").exists() and child.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL, "the rebuild ended before it could be killed"
    assert _leftovers(folder) != []  # what a killed writer leaves: temp files, segments
    with Library(lib) as again:
        found = {r.id for r in again.listing(Filter(query="zebra OR yak"), limit=10_000).rows}
    assert found == set(zebras) | set(yaks)
    assert _leftovers(folder) == []
    assert (folder / "user-file.txt").read_text("utf-8") == "mine"


def test_leftovers_of_failed_writes_are_removed_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    ix = SearchIndex(folder, "lib")
    ix.apply([_doc(1, "kept paper")], [], 1)
    ix.close()
    (folder / f"{INDEX_NAME}.tmp").mkdir()
    (folder / f"{INDEX_NAME}.tmp" / "run0.pst").write_bytes(b"x")
    (folder / f"_{INDEX_NAME}_7.toc.1764621234.5").write_bytes(b"half a toc")
    (folder / f"{META_FILE}.123.456.tmp").write_text("{", "utf-8")
    (folder / f"{INDEX_NAME}_abcdefgh12345678.seg").write_bytes(b"unreferenced")
    again = SearchIndex(folder, "lib")
    assert _leftovers(folder) == []
    assert [h.id for h in again.search("kept").hits] == [1]
    again.close()


# -- item 17: progress of a rebuild on stderr ------------------------------------


def test_the_first_search_after_a_crash_shows_rebuild_progress(tmp_path: Path) -> None:
    lib_dir = tmp_path / "lib"
    batch = indexer.CHILD_BATCH  # a CLI command's batches: no window shares it
    n = batch + 100  # two batches: two progress lines
    lib = Library(lib_dir)
    lib.import_drafts(_drafts(n, "gnu"), source="x")
    lib.close(catch_up=False)  # killed before indexing
    proc = rl(lib_dir, "search", "gnu", "--limit", "5")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines == [
        f"rebuilding the search index: 0 of {n:,} papers",  # told at once
        f"rebuilding the search index: {batch:,} of {n:,} papers",
        f"rebuilding the search index: {n:,} of {n:,} papers",
        f"showing 5 of {n} (use --limit)",  # the cut is said, as for any search
    ], proc.stderr
    assert len(proc.stdout.splitlines()) == 5
    # a small catch-up says nothing
    with Library(lib_dir) as again:
        paper = again.ids()[0]
    proc = rl(lib_dir, "note", str(paper), "--set", "quiet")
    assert proc.returncode == 0 and proc.stderr == ""


def test_progress_on_a_terminal_is_redrawn_in_place() -> None:
    import io

    from readinglist.cli import IndexProgress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    report = IndexProgress(out).bind("rebuilding")
    for done in range(0, 100_001, 2000):
        report(done, 100_000)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("100,000 of 100,000 papers\x1b[K\n")
    assert "\rrebuilding the search index: 12,000 of 100,000 papers\x1b[K\r" in text

    plain = io.StringIO()
    report = IndexProgress(plain).bind("updating")
    for done in range(2000, 100_001, 2000):
        report(done, 100_000)
    lines = plain.getvalue().splitlines()
    assert 10 <= len(lines) <= 11  # about one line per 10%
    assert lines[-1] == "updating the search index: 100,000 of 100,000 papers"


# -- item 16: concurrent reindex, searches and writes ----------------------------

# One role of the race, in its own process: each round is a whole CLI command
# (run_cli opens and closes its own Library, as a separate `readinglist` would).
RACE_WORKER = r"""
import contextlib, io, json, sys, traceback
from readinglist.cli import run_cli

lib, role, rounds, ids = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
results = []
for i in range(rounds):
    if role == "search":
        commands = [["search", "zebra", "--limit", "1000"], ["search", "kiwi*"]]
    elif role == "write":
        pid = str(ids[i % len(ids)])
        commands = [["note", pid, "--set", f"kiwi{i} note"], ["mark", "read", pid],
                    ["tag", pid, "--add", f"race{i}"]]
    else:
        commands = [["reindex"]]
    for args in commands:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = run_cli(["--library", lib, *args])
            except BaseException:
                traceback.print_exc()
                rc = 99
        results.append({"args": args, "rc": rc, "stderr": err.getvalue(),
                        "lines": len(out.getvalue().splitlines())})
print(json.dumps(results))
"""


def test_concurrent_reindex_searches_and_writes(tmp_path: Path) -> None:
    lib_dir = tmp_path / "lib"
    with Library(lib_dir) as lib:
        zebras = list(lib.import_drafts(_drafts(400, "zebra"), source="x").added)
    script = tmp_path / "race_worker.py"
    script.write_text(RACE_WORKER, "utf-8")
    writes = 8
    roles = [("search", 6)] * 3 + [("write", writes)] + [("reindex", 3)] * 2
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(lib_dir), role, str(n), json.dumps(zebras[:writes])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for role, n in roles
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert "Traceback" not in err, err
        results.extend(json.loads(out))
    assert len(results) == 3 * 6 * 2 + writes * 3 + 2 * 3
    for r in results:
        assert r["rc"] == 0, r
        assert r["stderr"] == "", r  # no traceback, and no lock given up on
    # every search saw the whole index or waited for it: never a traceback, and at
    # the end the index holds exactly the database
    with Library(lib_dir) as lib:
        assert len(lib.ids(Filter(query="zebra"))) == 400
        noted = {r.id for r in lib.listing(Filter(query="kiwi*"), limit=1000).rows}
        assert noted == set(zebras[:writes])
        assert len(lib.ids(Filter(query="status:read"))) == writes
        assert not lib.index_behind()
