"""A shared library on a PostgreSQL server, what is done to it without an open
Library: `readinglist check`. (Backups and restores are the server admin's:
pg_dump, pg_restore.) Below library.py, like library_folder.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .location import ServerLocation


@dataclass(frozen=True)
class ServerCheck:
    """`readinglist check` on a server: who we are, the schema, the papers, the
    local search index; the same face as db/health.py LibraryCheck."""

    label: str
    member: str
    revision: str | None
    papers: int | None
    seq: int | None
    head: str
    index: str
    newest_good: Path | None = None  # no backups of ours: never one to restore

    @property
    def ok(self) -> bool:
        return self.revision is None or self.revision <= self.head

    def lines(self) -> list[str]:
        out = [f"database: {self.label} (a shared library on PostgreSQL, as {self.member})"]
        if self.revision is None:
            out.append("  empty: the schema is made when the library is first opened")
        else:
            out.append(f"  {self.papers or 0} papers; change number {self.seq}")
            out.append(f"  schema {self.revision} (this version knows up to {self.head})")
            if not self.ok:
                out.append("  made by a newer ReadingList: update ReadingList to open it")
        out.append(f"index: {self.index}")
        out.append("backups: made by the server's admin (pg_dump), not by ReadingList")
        return out


def check(server: ServerLocation, cache_dir: Path | None = None) -> ServerCheck:
    from .db.engine import head_revision
    from .db.health import FileHealth
    from .db.server import inspect_server
    from .library_folder import index_state

    found = inspect_server(server.url, server.server)
    if found.library_id is None:
        index = "not built yet: built from the database at the next search"
    else:
        health = FileHealth(None, found.revision, found.papers, found.seq, found.library_id)
        index = index_state(server.cache_folder(found.library_id, cache_dir), health)
    return ServerCheck(
        server.label,
        found.member,
        found.revision,
        found.papers,
        found.seq,
        head_revision(),
        index,
    )
