"""Backups (issue 8.13): automatic ones (daily, before upgrades and big imports),
`backup [-o FILE]`, `restore FILE`, pruning only our own files, and a backup
killed with SIGKILL half-way."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from readinglist.db.backup import list_backups, take_backup
from readinglist.db.health import check_file
from readinglist.library import BACKUP_DIR, BACKUP_IMPORT_MIN, DB_NAME, Library

from .conftest import REPO, drafts, env, one_clear_line, rl, scribble, tree, without_wal


def _titles(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("SELECT title FROM papers")}
    finally:
        con.close()


def _age(backups: Path, days: int) -> None:
    for b in list_backups(backups):
        old = (b.made - timedelta(days=days)).strftime("%Y%m%dT%H%M%S%fZ")
        b.path.rename(b.path.with_name(f"library-{b.revision}-{old}-{b.why}.sqlite"))


def test_a_daily_backup_at_most_once_a_day(library: Path) -> None:
    backups = library / BACKUP_DIR
    daily = [b for b in list_backups(backups) if b.why == "daily"]
    assert len(daily) == 1
    assert check_file(daily[0].path).papers == 60
    for _ in range(2):
        Library(library).close()
    assert len(list_backups(backups)) == 1
    _age(backups, 2)
    Library(library).close()
    assert [b.why for b in list_backups(backups)] == ["daily", "daily"]


def test_only_the_newest_n_of_our_backups_are_kept(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINGLIST_BACKUPS_KEPT", "3")
    backups = library / BACKUP_DIR
    mine = {
        "notes.txt": b"the user's own",
        "library-old.sqlite": b"not our name pattern",
        "library-0003-yesterday-manual.sqlite": b"nor this",
    }
    for name, data in mine.items():
        (backups / name).write_bytes(data)
    with Library(library) as lib:
        made = [lib.backup() for _ in range(5)]
    kept = [b.path for b in list_backups(backups)]
    assert kept == made[:-4:-1]  # the newest three
    for name, data in mine.items():
        assert (backups / name).read_bytes() == data


def test_an_import_of_over_a_thousand_papers_is_preceded_by_a_backup(library: Path) -> None:
    backups = library / BACKUP_DIR
    with Library(library) as lib:
        lib.import_drafts(drafts(BACKUP_IMPORT_MIN, "yak"), source="big")  # not over
        assert [b.why for b in list_backups(backups)] == ["daily"]
        lib.import_drafts(drafts(BACKUP_IMPORT_MIN + 1, "emu"), source="bigger")
    newest = list_backups(backups)[0]
    assert newest.why == "import"
    assert check_file(newest.path).papers == 60 + BACKUP_IMPORT_MIN  # before the import


def test_backup_to_a_file_or_folder_and_never_onto_the_library(
    library: Path, tmp_path: Path
) -> None:
    out = tmp_path / "copy.sqlite"
    proc = rl(library, "backup", "-o", str(out))
    assert proc.returncode == 0 and str(out) in proc.stdout, proc.stderr
    assert check_file(out).papers == 60
    assert not Path(f"{out}-wal").exists()  # one self-contained file
    folder = tmp_path / "somewhere"
    folder.mkdir()
    assert rl(library, "backup", "-o", str(folder)).returncode == 0
    assert [check_file(p).papers for p in folder.iterdir()] == [60]

    before = tree(library)
    line = one_clear_line(rl(library, "backup", "-o", str(library / DB_NAME)))
    assert "is the library itself" in line
    assert "is not a regular file" in one_clear_line(rl(library, "backup", "-o", "/dev/null"))
    assert tree(library) == before


def test_restore_brings_back_the_backup_and_saves_the_current_state(
    library: Path, tmp_path: Path
) -> None:
    db = library / DB_NAME
    saved = tmp_path / "saved.sqlite"
    assert rl(library, "backup", "-o", str(saved)).returncode == 0
    with Library(library) as lib:
        lib.import_drafts(drafts(5, "okapi"), source="later")
    assert rl(library, "search", "okapi").stdout.count("Okapi") == 5

    proc = rl(library, "restore", str(saved))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not any("Okapi" in t for t in _titles(db))
    before_restore = [b for b in list_backups(library / BACKUP_DIR) if b.why == "before-restore"]
    assert len(before_restore) == 1
    assert sum("Okapi" in t for t in _titles(before_restore[0].path)) == 5
    # the index followed: the restored papers are found, the later ones are not
    assert rl(library, "search", "okapi").stdout == ""
    assert rl(library, "search", "zebra", "--limit", "99").stdout.count("Zebra") == 60
    assert rl(library, "check").returncode == 0


def test_a_backup_that_is_not_sound_is_refused_and_nothing_changes(
    library: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes((library / DB_NAME).read_bytes())
    scribble(bad, [3, 4, 5])
    before = tree(library)
    line = one_clear_line(rl(library, "restore", str(bad)))
    assert f"{bad} is not a sound ReadingList backup (" in line
    assert tree(library) == before


def test_restore_onto_a_damaged_library_keeps_the_damaged_file(library: Path) -> None:
    db = library / DB_NAME
    good = list_backups(library / BACKUP_DIR)[0].path
    db.write_bytes(b"")
    proc = rl(library, "restore", str(good))
    assert proc.returncode == 0, proc.stderr
    damaged = [b for b in list_backups(library / BACKUP_DIR) if b.why == "damaged"]
    assert len(damaged) == 1 and damaged[0].path.stat().st_size == 0
    assert len(_titles(db)) == 60
    proc = rl(library, "list")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 60


KILLED_BACKUP = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from readinglist.db.backup import take_backup

    def step(remaining, total, *_):
        print("copying", total - remaining, "of", total, flush=True)
        time.sleep(30)  # killed here, half-way

    take_backup(Path(sys.argv[1]), Path(sys.argv[2]), "manual", 10, progress=step)
    """
)


def test_a_backup_killed_half_way_leaves_no_backup_and_a_sound_library(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.import_drafts(drafts(400, "gnu"), source="seed")  # ~50 pages per step
    db = folder / DB_NAME
    backups = folder / BACKUP_DIR
    before = tree(folder)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_BACKUP, str(db), str(backups)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
        cwd=REPO,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.startswith("copying"), line
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert list_backups(backups) == []  # nothing under a backup's name
    parts = [p.name for p in backups.iterdir()]
    assert len(parts) == 1 and parts[0].endswith(f".{child.pid}.part")
    part = {f"{BACKUP_DIR}/{parts[0]}": tree(backups)[parts[0]]}
    assert without_wal(tree(folder)) == {**before, **part}  # the library untouched
    assert check_file(db, full=True).papers == 400

    made = take_backup(db, backups, "manual", 10)  # the next backup tidies up
    assert [p.name for p in backups.iterdir()] == [made.name]
    assert check_file(made, full=True).papers == 400


def test_leftovers_of_killed_restores_and_creations_go_at_the_next_open(
    library: Path,
) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    names = [f".library.sqlite.{pid}.readinglist-part", f".library.sqlite.{pid}.new-wal"]
    for name in names:
        (library / name).write_bytes(b"half a copy")
    mine = library / f".library.sqlite.{pid}.mine"  # not our pattern: the user's
    mine.write_bytes(b"keep")
    Library(library).close()
    assert not any((library / n).exists() for n in names)
    assert mine.read_bytes() == b"keep"


def test_the_window_makes_its_daily_backup_off_its_thread(library: Path) -> None:
    backups = library / BACKUP_DIR
    _age(backups, 2)
    lib = Library(library, background=True)
    try:
        assert lib.daily_backup is not None
        lib.daily_backup.join(timeout=60)
        assert [b.why for b in list_backups(backups)] == ["daily", "daily"]
        assert check_file(list_backups(backups)[0].path).papers == 60
    finally:
        lib.close(catch_up=False)
    lib = Library(library, background=True)  # the same day: none due
    assert lib.daily_backup is None
    lib.close(catch_up=False)


KILLED_RESTORE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from readinglist.db.backup import restore

    def step(status, remaining, total):
        if remaining:
            print("restoring", total - remaining, "of", total, flush=True)
            time.sleep(30)  # killed here, half-way

    restore(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), 10, progress=step)
    """
)


def test_a_restore_killed_half_way_leaves_the_library_as_it_was(tmp_path: Path) -> None:
    other = tmp_path / "other"
    with Library(other) as lib:
        lib.import_drafts(drafts(1500, "eland"), source="big")  # > one restore step
    saved = tmp_path / "saved.sqlite"
    with Library(other) as lib:
        lib.backup(saved)
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.import_drafts(drafts(40, "tapir"), source="mine")
    db = folder / DB_NAME
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_RESTORE, str(db), str(saved), str(folder / BACKUP_DIR)],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
        cwd=REPO,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.startswith("restoring"), line
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    health = check_file(db, full=True)
    assert health.problem is None and health.papers == 40  # as it was
    assert all("Tapir" in t for t in _titles(db))
    # the state before was saved first; a second try restores
    assert [b.why for b in list_backups(folder / BACKUP_DIR)] == ["before-restore"]
    proc = rl(folder, "restore", str(saved))
    assert proc.returncode == 0, proc.stderr
    assert check_file(db, full=True).papers == 1500
