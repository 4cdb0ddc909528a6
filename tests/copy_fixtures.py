"""A library with a bit of everything a copy must keep, and its observable state.

Shared by the SQLite copy tests and the SQLite -> PostgreSQL -> SQLite round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from readinglist.domain import Filter, PaperEdit, Status
from readinglist.library import Library

CORPUS = ("jabref__complex.bib", "jabref__Chocolate.bib", "pybtex__cyrillic.bib")


def seed_varied(lib: Library, corpora: Path) -> None:
    """Real records (unicode, odd fields), then statuses, tags, notes, a pinned key,
    an edited title, trashed and purged papers: what the copy must carry over."""
    for name in CORPUS:
        text = (corpora / "bib" / name).read_text(encoding="utf-8", errors="replace")
        lib.import_text(text, source=name)
    ids = lib.ids()
    assert len(ids) >= 20, "the corpus files should give a few dozen papers"
    lib.set_status(ids[0:5], Status.READ)
    lib.set_status(ids[5:8], Status.READING)
    lib.add_tags(ids[0:10], ["ml", "Äpfel"])
    lib.add_tags(ids[3:6], ["to discuss"])
    lib.set_note(ids[1], "# Why\n\nThe *main* result, with ünïcode and `code`.")
    lib.set_note(ids[6], "short")
    lib.edit_paper(ids[2], PaperEdit(title="An edited title", key_pinned=True))
    lib.trash(ids[10:13])
    lib.purge(ids[13:14])  # a tombstone in the source: not a paper of the copy
    lib.mark_keys_used(ids[4:6])


def snapshot(lib: Library) -> dict[str, Any]:
    """Everything the Library shows of its papers: every paper's details (trash
    included), the tags, the counts."""
    ids = sorted(lib.ids() + lib.ids(Filter(trashed=True)))
    return {
        "details": lib.details(ids),
        "tags": lib.tags(),
        "counts": lib.counts(),
    }
