"""Issue 10 and 11's command-line rough edges: search totals, --help, exit codes,
citation keys, one line per write, quiet pipes. Real library in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.app import run
from readinglist.cli import SUBCOMMANDS


def _bib(n: int) -> str:
    return "\n".join(
        f"@article{{k{i}, title={{Sparse attention number {i}}}, author={{Doe, Jane}},"
        f" year={{{2000 + i % 20}}}, abstract={{About sparse attention, part {i}.}}}}"
        for i in range(n)
    )


def cli(lib: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["--library", str(lib), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    bib = tmp_path / "refs.bib"
    bib.write_text(_bib(31), encoding="utf-8")
    folder = tmp_path / "lib"
    assert cli(folder, "import", str(bib), capsys=capsys)[0] == 0
    return folder


def test_search_says_when_cut_and_json_gives_the_total(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(lib, "search", "sparse", capsys=capsys)
    assert code == 0 and len(out.splitlines()) == 20
    assert err.strip() == "showing 20 of 31 (use --limit)"
    code, out, err = cli(lib, "search", "sparse", "--limit", "40", capsys=capsys)
    assert len(out.splitlines()) == 31 and err == ""
    code, out, _ = cli(lib, "search", "sparse", "--limit", "5", "--json", capsys=capsys)
    found = json.loads(out)
    assert found["total"] == 31 and len(found["results"]) == 5
    assert all(r["score"] is not None and "title" in r for r in found["results"])
    code, out, _ = cli(lib, "list", "--json", capsys=capsys)
    assert isinstance(json.loads(out), list) and len(json.loads(out)) == 31  # unchanged


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        run(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in out, name


def test_importing_a_file_in_no_format_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# A project\n\nSome words about it.\n", encoding="utf-8")
    code, _, err = cli(tmp_path / "lib", "import", str(readme), capsys=capsys)
    assert code == 1 and "not a format that can be imported" in err


def test_commands_take_a_citation_key(lib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(lib, "show", "K3", "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["citation_key"] == "k3"
    assert cli(lib, "mark", "read", "k3", capsys=capsys)[0] == 0
    assert cli(lib, "tag", "k3", "--add", "x", capsys=capsys)[0] == 0
    assert cli(lib, "note", "k3", "--set", "hello", capsys=capsys)[0] == 0
    shown = json.loads(cli(lib, "show", "k3", "--json", capsys=capsys)[1])
    assert (shown["status"], shown["tags"], shown["note"]) == ("read", ["x"], "hello")
    code, _, err = cli(lib, "show", "nosuchkey", capsys=capsys)
    assert code == 1 and err.startswith("readinglist: ") and err.count("\n") == 1


def test_writing_commands_print_one_line_unless_quiet(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(lib, "mark", "read", "1", "2", "k5", capsys=capsys)[1] == "marked 3 papers read\n"
    assert cli(lib, "mark", "reading", "1", "1", capsys=capsys)[1] == "marked 1 paper reading\n"
    assert cli(lib, "tag", "1", "2", "--add", "x", capsys=capsys)[1] == "tagged 2 papers: x\n"
    assert cli(lib, "tag", "1", "--remove", "x", capsys=capsys)[1] == "untagged 1 paper: x\n"
    out = cli(lib, "note", "1", "--set", "n", capsys=capsys)[1]
    assert out == "saved the note of paper 1\n"
    for args in (
        ("mark", "unread", "1", "-q"),
        ("tag", "1", "--add", "y", "--quiet"),
        ("note", "1", "--set", "m", "-q"),
        ("edit", "1", "--year", "1999", "--quiet"),
    ):
        code, out, err = cli(lib, *args, capsys=capsys)
        assert (code, out, err) == (0, "", ""), args
    shown = json.loads(cli(lib, "show", "1", "--json", capsys=capsys)[1])
    assert (shown["status"], shown["tags"], shown["note"], shown["year"]) == (
        "unread",
        ["y"],
        "m",
        1999,
    )


def test_a_pipe_closed_early_is_quiet(tmp_path: Path) -> None:
    """`readinglist list | head -1`: the reader leaves; no "Broken pipe", exit 0."""
    bib = tmp_path / "many.bib"
    bib.write_text(_bib(1500), encoding="utf-8")  # more output than a pipe buffers
    env = {**os.environ, "READINGLIST_LIBRARY": str(tmp_path / "lib")}
    base = [sys.executable, "-m", "readinglist"]
    done = subprocess.run([*base, "import", str(bib)], env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for args in (["list"], ["list", "--json"], ["export"]):
        p = subprocess.Popen(
            [*base, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert p.stdout is not None and p.stderr is not None
        assert p.stdout.readline()  # read one line, then leave as `head -1` does
        p.stdout.close()
        err = p.stderr.read().decode()
        assert p.wait(timeout=120) == 0, err
        assert "Broken pipe" not in err and "Traceback" not in err, err
