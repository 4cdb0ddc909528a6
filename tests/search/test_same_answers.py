"""One query language: the CLI's `search` and the Library API the window lists
through (`Library.listing`, as-you-type) give the same papers in the same order."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from readinglist.cli import run_cli
from readinglist.domain import Filter, PaperDraft, Person
from readinglist.library import Library

QUERIES = [
    "diffusion",
    "diffusion models",
    '"diffusion of models"',
    '"diffusion models"',
    "transf*",
    "title:diffusion",
    "author:lovelace",
    "tag:to-read",
    "diffusion OR graph",
    "video diffusion OR graph",
    "diffusion -video",
    "-(diffusion OR graph)",
    "note:idea",
    "year:[2019 TO 2020]",
    "status:unread diffusion",
    '"video diffusion',  # an unclosed quote
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("same") / "lib"
    drafts = [
        PaperDraft(
            title=title,
            abstract=abstract,
            authors=(Person("Lovelace", "Ada"),) if n % 2 else (Person("Babbage", "Charles"),),
            year=2017 + n % 5,
            tags=("to-read",) if n % 3 == 0 else (),
            note="a good idea" if n == 4 else "",
        )
        for n, (title, abstract) in enumerate(
            [
                ("Diffusion of models across labs", "We propose the transformer."),
                ("Diffusion models beat GANs", "Image synthesis with diffusion."),
                ("Video diffusion models", "Diffusion for video generation."),
                ("Graph attention networks", "Attention on graphs."),
                ("Learning to rank", "Ranking with transformers."),
                ("Diffusion for models of the brain", "Neural diffusion."),
            ]
        )
    ]
    with Library(folder) as lib:
        lib.import_drafts(drafts, source="test")
    return folder


def cli_ids(folder: Path, query: str) -> list[int]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        rc = run_cli(["--library", str(folder), "search", query, "--json", "--limit", "100"])
    assert rc == 0
    return [item["id"] for item in json.loads(out.getvalue())["results"]]


@pytest.mark.parametrize("query", QUERIES)
def test_cli_and_window_give_the_same_ids(library: Path, query: str) -> None:
    from_cli = cli_ids(library, query)
    with Library(library) as lib:
        # the window searches as you type; a finished query ends with a space
        typed = lib.listing(Filter(query=query + " "), as_you_type=True)
        plain = lib.listing(Filter(query=query))
    assert [r.id for r in typed.rows] == [r.id for r in plain.rows] == from_cli
    assert typed.total == plain.total == len(from_cli)


def test_the_cases_find_something(library: Path) -> None:
    # guards the test above against comparing empty answers
    empty = [q for q in QUERIES if not cli_ids(library, q)]
    assert empty == []


def test_a_prefix_typed_in_the_window_is_the_cli_prefix(library: Path) -> None:
    with Library(library) as lib:
        typed = [r.id for r in lib.listing(Filter(query="diffusion transf"), as_you_type=True).rows]
    assert typed == cli_ids(library, "diffusion transf*") != []
