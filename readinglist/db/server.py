"""A library on a PostgreSQL server: the engine, opening it (the schema made on an
empty database, upgraded when older), the write transaction's lock, and the server's
errors in plain words naming it (host:port/database, never the password).

The URL goes to libpq as it is: sslmode, service, passfile and friends pass through,
and a password missing from it comes from libpq's own mechanisms (~/.pgpass,
PGPASSFILE, a service file, PGPASSWORD).

Writes take one advisory lock per transaction (`WRITE_LOCK`), so two members' writes
queue exactly as two processes' do on SQLite (BEGIN IMMEDIATE): the import's duplicate
rules see every paper committed before it, an edit's checks see what it overwrites,
and the import's "new ids are those above the old maximum" holds. The lock waits
at most the busy timeout (lock_timeout), then the write fails as "busy".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from ..domain import LibraryError
from .engine import BUSY_OPTION, WRITE_OPTION, head_revision, run_migrations
from .health import BUSY_TIMEOUT_S, known_revisions

# pg_advisory_xact_lock keys (any bigint; these spell "RLwrite" and "RLschema" roughly)
WRITE_LOCK = 0x524C_7772_6974_65
SCHEMA_LOCK = 0x524C_7363_6865_6D
# The group role a lab admin makes for the members (README, "A shared library for
# your group"). When the member creating or upgrading the schema is in it and it may
# create tables there, the tables belong to the group: every member may use them and
# upgrade them later. Otherwise (one person's server) they are the connecting role's.
MEMBERS_ROLE = "readinglist_members"
# libpq waits for an unreachable host as long as TCP does (minutes): ours is shorter,
# unless the URL or PGCONNECT_TIMEOUT say otherwise.
CONNECT_TIMEOUT_S = 10


def make_server_engine(url: str) -> Engine:
    """An engine whose connections libpq makes from `url` itself."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    extra: dict[str, Any] = {"application_name": "readinglist"}
    try:
        given = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:  # a malformed URL: libpq's own words
        raise LibraryError(f"not a PostgreSQL address: {exc}") from exc
    if "connect_timeout" not in given and not os.environ.get("PGCONNECT_TIMEOUT"):
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" in given or os.environ.get("PGAPPNAME"):
        del extra["application_name"]

    def connect() -> Any:
        return psycopg.connect(url, **extra)

    # pre-ping: a pooled connection the server dropped (a restart, an idle timeout, an
    # open window left overnight) is replaced instead of failing the next command
    engine = create_engine("postgresql+psycopg://", creator=connect, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(WRITE_OPTION, False):
            busy_ms = int(float(options.get(BUSY_OPTION, BUSY_TIMEOUT_S)) * 1000)
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {busy_ms}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


@dataclass(frozen=True)
class OpenedServer:
    engine: Engine
    library_id: str
    member: str  # the PostgreSQL role we are (current_user)


def open_server(url: str, server: str) -> OpenedServer:
    """Connect, make or upgrade the schema, and read the library's id.

    Errors are LibraryErrors naming `server` (host:port/database)."""
    engine = make_server_engine(url)
    try:
        with engine.connect() as conn:
            revision = _revision(conn)
            conn.rollback()
            if revision is not None and revision not in known_revisions():
                raise LibraryError(
                    f"the library on {server} was made by a newer ReadingList (schema "
                    f"{revision}, this version knows up to {head_revision()}); update ReadingList"
                )
            if revision != head_revision():
                _upgrade(conn)
            member = str(conn.scalar(text("SELECT current_user")))
            library_id = conn.scalar(text("SELECT value FROM meta WHERE key = 'library_id'"))
            conn.rollback()
    except DBAPIError as exc:
        engine.dispose()
        raise server_error(server, exc) from exc
    except LibraryError:
        engine.dispose()
        raise
    return OpenedServer(engine, str(library_id), member)


def _revision(conn: Connection) -> str | None:
    if conn.scalar(text("SELECT to_regclass('alembic_version')")) is None:
        return None
    found = conn.scalar(text("SELECT version_num FROM alembic_version"))
    return None if found is None else str(found)


def _upgrade(conn: Connection) -> None:
    """The schema made or brought to the newest, in ONE transaction (PostgreSQL's DDL
    is transactional: a failure leaves the old schema), one member at a time."""
    import uuid

    with conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
        if _revision(conn) != head_revision():  # another member may have done it
            # a member in its own right (a superuser "has" every role) of a group that
            # may create the tables here
            in_group = conn.scalar(
                text(
                    # CASE: the privilege is asked only of a group that exists
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_auth_members m"
                    " JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member"
                    " WHERE g.rolname = :g AND u.rolname = current_user)"
                    " THEN has_schema_privilege(:g, current_schema(), 'CREATE') ELSE false END"
                ),
                {"g": MEMBERS_ROLE},
            )
            if in_group:
                conn.exec_driver_sql(f"SET LOCAL ROLE {MEMBERS_ROLE}")
            run_migrations(conn)
            conn.execute(
                text(
                    "INSERT INTO meta (key, value) VALUES ('library_id', :id), ('seq', '0')"
                    " ON CONFLICT (key) DO NOTHING"
                ),
                {"id": uuid.uuid4().hex},
            )


# SQLSTATE classes and codes, and what they mean to the user
_REASONS: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda c: c in ("28P01", "28000"), "the server refused the credentials"),
    (lambda c: c == "3D000", "no such database on the server"),
    (lambda c: c == "42501", "no permission (ask the library's admin)"),
    (lambda c: c == "55P03", "busy: another member's write went on too long; try again"),
    (lambda c: c.startswith("08"), "the connection to the server was lost"),
    (lambda c: c.startswith("53"), "the server is out of resources"),
)
_WORDS = (
    ("password authentication failed", "the server refused the credentials"),
    ("no password supplied", "the server asked for a password (none in the URL or ~/.pgpass)"),
    ("authentication failed", "the server refused the credentials"),
    ("fatal: database", "no such database on the server"),  # "database "x" does not exist"
    ("fatal: role", "no such role on the server"),
    ("permission denied", "no permission (ask the library's admin)"),
    ("connection refused", "the server cannot be reached (connection refused)"),
    ("timeout expired", "the server cannot be reached (no answer)"),
    ("could not translate host name", "the server cannot be reached (unknown host)"),
    ("server closed the connection", "the connection to the server was lost"),
)


def is_server_error(exc: BaseException) -> bool:
    """An error from the server or the driver (SQLAlchemy's wrapper, or psycopg's own
    from a raw cursor: store.plain_rows), not a bug of ours."""
    import psycopg

    return isinstance(exc, (DBAPIError, psycopg.Error))


def server_error(server: str, exc: BaseException) -> LibraryError:
    """A database error met on the server, as one line naming it."""
    orig = getattr(exc, "orig", exc)
    code = str(getattr(orig, "sqlstate", "") or "")
    detail = " ".join(str(orig).split())
    reason = next((words for test, words in _REASONS if code and test(code)), None)
    if reason is None:
        low = detail.lower()
        reason = next((words for key, words in _WORDS if key in low), None)
    if reason is None:
        return LibraryError(f"the library on {server}: {detail}")
    return LibraryError(f"the library on {server}: {reason} ({_short(detail)})")


def _short(detail: str, limit: int = 200) -> str:
    return detail if len(detail) <= limit else detail[: limit - 1] + "…"


@dataclass(frozen=True)
class ServerHealth:
    """What `readinglist check` finds on a server, read without changing anything."""

    member: str
    revision: str | None
    papers: int | None
    seq: int | None
    library_id: str | None


def inspect_server(url: str, server: str) -> ServerHealth:
    """Connect and read the schema's revision, the papers and the change number."""
    engine = make_server_engine(url)
    try:
        with engine.connect() as conn:
            member = str(conn.scalar(text("SELECT current_user")))
            revision = _revision(conn)
            if revision is None:
                return ServerHealth(member, None, None, None, None)
            rows = conn.execute(text("SELECT key, value FROM meta")).all()
            meta = {str(key): str(value) for key, value in rows}
            papers = conn.scalar(text("SELECT count(*) FROM papers"))
            seq = meta.get("seq")
            return ServerHealth(
                member,
                revision,
                int(papers or 0),
                int(seq) if seq is not None else None,
                meta.get("library_id"),
            )
    except DBAPIError as exc:
        raise server_error(server, exc) from exc
    finally:
        engine.dispose()
