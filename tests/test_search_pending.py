"""Search results are complete while the index catches up (issue 10, item 1).

A real library with the app's background indexer (child process), on SQLite and on
the real PostgreSQL server (conftest.py `backend`): right after a 20,000-paper
import a search lists the papers the index has not taken in yet, matched with the
same query, and its count equals the count after catch-up.
"""

from __future__ import annotations

import pytest

from readinglist.domain import Filter, PaperDraft, Person, Status
from readinglist.library import Library
from tests.conftest import Backend

WORDS = [
    "masked",
    "masks",
    "masking",
    "models",
    "modelling",
    "happiness",
    "happy",
    "diffusion",
    "transformer",
    "transformers",
    "neural",
    "network",
    "networks",
    "deep",
    "learning",
    "naïve",
    "Schrödinger",
    "vision",
    "graph",
    "the",
]
NAMES = ["Smith", "Müller", "Chang", "Ng", "Lecun"]

QUERIES = [
    "masked",  # a word
    "models",  # stemmed: model, modelling
    "happy",  # y -> i stems
    "transf*",  # prefix
    '"neural network"',  # phrase
    '"the transformer"',  # phrase with a stop word
    "title:diffusion",  # field
    "author:muller",  # folded name
    "learning NOT deep",  # NOT
    "-graph",  # only a negation
    "naive schrodinger",  # accents
    "deep OR vision",
    "tag:robotics",  # tag
    "note:bidirectional",  # note with Markdown emphasis
    "year:2005",
    "status:read",
]


def _drafts(n: int) -> list[PaperDraft]:
    out = []
    for i in range(n):
        w = [WORDS[(i * k + k) % len(WORDS)] for k in (1, 3, 7, 11)]
        out.append(
            PaperDraft(
                title=f"{w[0]} {w[1]} paper {i}",
                abstract=f"We study {w[2]} {w[3]} with {w[1]} {w[0]} methods.",
                authors=(Person(family=NAMES[i % len(NAMES)], given="A."),),
                year=2000 + i % 20,
                tags=("robotics",) if i % 13 == 0 else (),
                note="Key idea: **bidirectional** decoding" if i % 17 == 0 else "",
            )
        )
    return out


def _listing(lib: Library, query: str, *, as_you_type: bool = False) -> tuple[set[int], int, int]:
    got = lib.listing(Filter(query=query), limit=None, as_you_type=as_you_type)
    return {r.id for r in got.rows}, got.total, got.pending


def test_a_search_right_after_a_big_import_counts_what_it_will_count(backend: Backend) -> None:
    lib = backend.open(background=True)
    try:
        added = lib.import_drafts(_drafts(20_000), source="gen").added
        lib.set_status(added[:500], Status.READ)
        before = {q: _listing(lib, q) for q in QUERIES}
        typed = _listing(lib, "transfo", as_you_type=True)
        assert before["masked"][2] > 0, "the index caught up before the first search"
        lib.catch_up_index()
        assert not lib.index_behind()
        for q in QUERIES:
            ids, total, pending = _listing(lib, q)
            assert pending == 0
            assert before[q][:2] == (ids, total), q
            assert total == len(ids)
        assert typed[:2] == _listing(lib, "transfo", as_you_type=True)[:2]
        assert before["masked"][1] > 0 and before["note:bidirectional"][1] > 0
    finally:
        lib.close()


def test_pending_papers_replace_their_stale_copies_and_the_trash_is_left_out(
    backend: Backend,
) -> None:
    lib = backend.open()  # no background indexer: caught up before each search
    try:
        ids = lib.import_drafts(_drafts(40), source="gen").added
        lib.catch_up_index()
        assert _listing(lib, "wombat")[1] == 0
        lib.close()
        lib = backend.open(background=True)  # now the index lags
        lib.set_note(ids[0], "a wombat")
        lib.set_note(ids[1], "a wombat too")
        lib.trash([ids[1]])
        found, total, pending = _listing(lib, "wombat")
        if pending:  # the background indexer may have been quicker
            assert found == {ids[0]} and total == 1
        lib.catch_up_index()
        assert _listing(lib, "wombat") == ({ids[0]}, 1, 0)
    finally:
        lib.close()


@pytest.mark.parametrize("query", ["wombat", "wombats", "wom*"])
def test_a_paper_changed_away_from_a_word_is_not_found_by_its_old_copy(
    backend: Backend, query: str
) -> None:
    lib = backend.open()
    try:
        ids = lib.import_drafts(_drafts(10), source="gen").added
        lib.set_note(ids[0], "wombats")
        lib.catch_up_index()
        lib.close()
        lib = backend.open(background=True)
        lib.set_note(ids[0], "nothing")
        found, total, pending = _listing(lib, query)
        if pending:
            assert (found, total) == (set(), 0)
    finally:
        lib.close()
