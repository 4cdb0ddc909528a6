"""LaTeX in arXiv titles/abstracts: shown as text by the CLI, found by the index in
both forms, and exported as written (showing never changes what is stored)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.app import run
from readinglist.domain import ExportFormat, Filter
from readinglist.library import Library

TITLE = r"Sparse $\alpha$-Transformers with $O(n \log n)$ Attention"
ABSTRACT = (
    r"We reach a $118\times$ speedup at 5\% of the cost of \emph{dense} attention. "
    r"Code: \url{https://github.com/example/sparse_alpha}. Schr\"odinger bridges follow."
)
ATOM = f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <entry>
    <id>http://arxiv.org/abs/2401.01234v2</id>
    <title>{TITLE}</title>
    <updated>2024-01-05T10:00:00Z</updated>
    <summary>{ABSTRACT}</summary>
    <published>2024-01-03T10:00:00Z</published>
    <author><name>Ada Lovelace</name></author>
  </entry>
</feed>
"""
SHOWN_TITLE = "Sparse α-Transformers with O(n log n) Attention"
SHOWN_ABSTRACT = (
    "We reach a 118× speedup at 5% of the cost of dense attention. "
    "Code: https://github.com/example/sparse_alpha. Schrödinger bridges follow."
)


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "sparse.atom.xml"
    path.write_text(ATOM, encoding="utf-8")
    return path


def _one_paper(lib: Library) -> int:
    (row,) = lib.listing().rows
    return row.id


def test_the_library_keeps_the_latex_as_written(lib: Library, feed: Path) -> None:
    lib.import_paths([feed])
    paper = lib.get(_one_paper(lib))
    assert paper.title == TITLE and paper.abstract == ABSTRACT


# "Schrödinger" is only in the shown text (as written the word is split at \"),
# `alpha` only in the written one (shown, it is α)
@pytest.mark.parametrize("query", ["Schrödinger", "schrodinger", "118×", "alpha", "log", "dense"])
def test_the_index_finds_the_shown_and_the_written_text(
    lib: Library, feed: Path, query: str
) -> None:
    lib.import_paths([feed])
    pid = _one_paper(lib)
    assert [r.id for r in lib.listing(Filter(query=query)).rows] == [pid], query


def test_the_index_does_not_find_what_is_in_neither(lib: Library, feed: Path) -> None:
    lib.import_paths([feed])
    assert lib.listing(Filter(query="gamma")).rows == ()


def cli(lib: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> str:
    code = run(["--library", str(lib), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_cli_show_list_search_print_the_text_json_keeps_the_latex(
    tmp_path: Path, feed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib"
    cli(lib, "import", str(feed), capsys=capsys)
    listed = cli(lib, "list", capsys=capsys)
    assert SHOWN_TITLE in listed and "$" not in listed
    pid = listed.split()[0]
    found = cli(lib, "search", "118×", capsys=capsys)
    assert SHOWN_TITLE in found
    shown = cli(lib, "show", pid, capsys=capsys)
    assert shown.splitlines()[0] == SHOWN_TITLE
    assert SHOWN_ABSTRACT in shown and "\\" not in shown
    as_json = json.loads(cli(lib, "show", pid, "--json", capsys=capsys))
    assert as_json["title"] == TITLE and as_json["abstract"] == ABSTRACT


def test_cli_text_output_stays_terminal_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # an escape sequence hidden behind LaTeX must not reach the terminal after display
    bib = tmp_path / "evil.bib"
    bib.write_text(
        "@article{e, title = {Evil $\\alpha$ \\textbf{x}\\^^[[31m red}, year = 2020,"
        " author = {Doe, J.}, abstract = {$\\beta$ \x1b[2J wiped}}",
        encoding="utf-8",
    )
    lib = tmp_path / "lib"
    cli(lib, "import", str(bib), capsys=capsys)
    listed = cli(lib, "list", capsys=capsys)
    shown = cli(lib, "show", listed.split()[0], capsys=capsys)
    for out in (listed, shown):
        assert "\x1b" not in out
    assert "β" in shown


@pytest.mark.parametrize("fmt", [ExportFormat.BIBTEX, ExportFormat.BIBLATEX, ExportFormat.CSLJSON])
def test_exports_after_display_are_unchanged(
    tmp_path: Path, feed: Path, fmt: ExportFormat, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        lib.import_paths([feed])
        before = lib.export(fmt)
        pid = _one_paper(lib)
    cli(folder, "show", str(pid), capsys=capsys)
    cli(folder, "list", capsys=capsys)
    cli(folder, "search", "alpha", capsys=capsys)
    with Library(folder) as lib:
        after = lib.export(fmt)
        assert lib.get(pid).abstract == ABSTRACT
    assert after == before
    if fmt is ExportFormat.CSLJSON:
        (item,) = json.loads(after)
        assert item["title"] == TITLE and item["abstract"] == ABSTRACT
    else:
        assert "118" in after and "×" not in after  # the export is not the display text
