"""The schema comes from Alembic migrations, and an older library is upgraded safely."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from readinglist.db.engine import MIGRATIONS, current_revision, head_revision, make_engine
from readinglist.db.models import Base
from readinglist.domain import PaperDraft, Person
from readinglist.library import DB_NAME, Library


def _migrate_to(db: Path, revision: str) -> None:
    engine = make_engine(db)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    engine.dispose()


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    _migrate_to(db, "head")
    engine = make_engine(db)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_new_library_is_at_head_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        assert lib.folder.is_dir()
    db = tmp_path / "lib" / DB_NAME
    assert current_revision(db) == head_revision()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_older_library_is_copied_aside_then_upgraded(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    db = folder / DB_NAME
    _migrate_to(db, "0001")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO meta VALUES ('library_id', 'abc'), ('seq', '0')")
    con.commit()
    con.close()

    with Library(folder) as lib:
        report = lib.import_drafts(
            [PaperDraft(title="After the upgrade", authors=(Person("Doe", "Jo"),), year=2020)],
            source="t",
        )
        assert len(report.added) == 1
        assert lib.library_id == "abc"

    assert current_revision(db) == head_revision() != "0001"
    backups = list((folder / "backups").glob("library-0001-*.sqlite"))
    assert len(backups) == 1
    assert current_revision(backups[0]) == "0001"


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from readinglist.domain import LibraryError

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryError, match=r"is damaged \(it is not an SQLite database\)"):
        Library(folder)


def test_a_damaged_old_library_is_neither_upgraded_nor_backed_up(tmp_path: Path) -> None:
    """The file is checked before the upgrade's backup: a backup of a damaged file
    would push a good one out, and migrating it could spread the damage."""
    import pytest

    from readinglist.db.health import DatabaseDamaged

    from .conftest import pages_of, scribble

    folder = tmp_path / "lib"
    folder.mkdir()
    db = folder / DB_NAME
    _migrate_to(db, "0001")
    con = sqlite3.connect(db)
    con.execute("INSERT INTO meta VALUES ('library_id', 'abc'), ('seq', '0')")
    con.commit()
    con.close()
    scribble(db, pages_of(db, "meta", kind="leaf"))
    before = db.read_bytes()
    with pytest.raises(DatabaseDamaged):
        Library(folder)
    assert db.read_bytes() == before
    assert not (folder / "backups").exists() or not any((folder / "backups").iterdir())
