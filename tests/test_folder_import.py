"""Issue 8 item 10: importing a folder takes only the user's references.

A fake source checkout holds real references beside a .venv, .git, node_modules,
__pycache__ and site-packages full of .bib/.txt files, plus READMEs and LICENSEs:
only the real ones become papers, and what was passed over is reported. The CLI
exits 1 when a named file is junk or when nothing at all could be read.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from readinglist.app import run
from readinglist.library import Library

JUNK = Path(__file__).parent / "formats" / "junk_files"
ABSTRACT = (
    "We study reading lists. We propose a tool that keeps them tidy for researchers. "
    "Experiments with many users show that it saves a great deal of time every week."
)
PAGE = (
    f"Trending Papers\nA Tool for Reading Lists\n{ABSTRACT}\n"
    f"Second Paper Title Here\n{ABSTRACT} Our results hold across domains.\n"
)


def bib(key: str, title: str) -> str:
    return f"@article{{{key}, title = {{{title}}}, author = {{Doe, Jane}}, year = 2020}}\n"


def make_checkout(root: Path) -> Path:
    """A project folder as a user really has it: references among tool files."""
    root.mkdir()
    (root / "refs").mkdir()
    (root / "refs" / "main.bib").write_text(bib("a", "Real Paper One") + bib("b", "Real Two"))
    (root / "refs" / "trending.txt").write_text(PAGE)
    (root / "refs" / "more.ris").write_text("TY  - JOUR\nTI  - Real RIS Paper\nER  - \n")
    for name in ("README.md", "README.txt", "LICENSE.txt", "requirements.txt", "notes.txt"):
        shutil.copy(JUNK / name, root / name)
    shutil.copy(JUNK / "data.csv", root / "refs" / "data.csv")
    (root / "setup.json").write_text('{"name": "project", "version": "1.0"}')
    (root / "refs" / "appdata.xml").write_text(
        '<?xml version="1.0"?>\n<component type="desktop"><id>x</id></component>\n'
    )
    (root / "refs" / "dependency_links.txt").write_text("\n")
    # Places a walk must not enter, each holding files that WOULD import.
    venv = root / "env"  # a virtualenv not called .venv: found by its pyvenv.cfg
    (venv / "lib" / "python3.11" / "site-packages" / "pkg").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "lib" / "python3.11" / "site-packages" / "pkg" / "test.bib").write_text(
        bib("v", "Venv Paper")
    )
    for folder in (".venv/lib", ".git/objects", "node_modules/x", "src/__pycache__", ".hidden"):
        (root / folder).mkdir(parents=True)
        (root / folder / "junk.bib").write_text(bib("j", f"Junk From {folder}"))
        (root / folder / "page.txt").write_text(PAGE.replace("Tool", "Junk"))
    (root / "site-packages").mkdir()
    (root / "site-packages" / "x.bib").write_text(bib("s", "Site Packages Paper"))
    (root / "refs" / ".hidden.bib").write_text(bib("h", "Hidden File Paper"))
    # a symbolic link back up: a walk that followed it would never end
    (root / "refs" / "loop").symlink_to(root, target_is_directory=True)
    return root


REAL = {"Real Paper One", "Real Two", "Real RIS Paper", "A Tool for Reading Lists",
        "Second Paper Title Here"}  # fmt: skip


def titles(lib: Library) -> set[str]:
    return {row.title for row in lib.listing().rows}


def test_folder_import_takes_only_the_real_references(lib: Library, tmp_path: Path) -> None:
    root = make_checkout(tmp_path / "project")
    report = lib.import_paths([root])
    assert titles(lib) == REAL
    assert len(report.added) == 5
    assert report.failed == ()
    skipped = {p.file: p.message for p in report.skipped}
    for folder in (".venv", ".git", "node_modules", "src/__pycache__", ".hidden", "env"):
        assert skipped[f"project/{folder}"], folder
    assert skipped["project/site-packages"] == "tool folder"
    assert skipped["project/env"] == "virtual environment"
    assert skipped["project/refs/loop"] == "symbolic link, not followed"
    for junk in ("README.txt", "LICENSE.txt", "requirements.txt", "notes.txt", "setup.json"):
        assert skipped[f"project/{junk}"] == "not in a format we can import"
    assert skipped["project/refs/appdata.xml"] == "not in a format we can import"
    assert skipped["project/refs/dependency_links.txt"] == "empty file"
    assert "README.md" in skipped["project"] and "data.csv" in skipped["project"]
    # nothing skipped became a problem, and no junk file is among the files read
    assert all(not f.endswith(("README.txt", "LICENSE.txt")) for f in report.read_files)
    assert not any("README" in p.file for p in report.problems)


def cli(lib: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["--library", str(lib), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_folder_import_reports_what_it_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_checkout(tmp_path / "project")
    code, out, err = cli(tmp_path / "lib", "import", str(root), capsys=capsys)
    assert code == 0, err
    assert out.startswith("added 5,")
    assert "skipped" in err and "project/.venv: hidden folder" in err
    assert "project/README.txt: not in a format" in err
    assert "Traceback" not in err
    code, out, _ = cli(tmp_path / "lib2", "import", str(root), "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["added"] == 5 and data["failed"] == []
    assert any(s["path"].endswith("node_modules") for s in data["skipped"])


@pytest.mark.parametrize(
    "name", ["README.md", "README.txt", "LICENSE.txt", "requirements.txt", "CHANGELOG.md"]
)
def test_cli_named_junk_file_exits_1_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    lib = tmp_path / "lib"
    code, out, err = cli(lib, "import", str(JUNK / name), capsys=capsys)
    assert code == 1
    assert "not a format that can be imported" in err and name in err
    assert "Traceback" not in err
    code, out, _ = cli(lib, "list", capsys=capsys)
    assert code == 0 and out == ""


def test_cli_named_junk_beside_a_good_file_imports_the_good_one_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.bib"
    good.write_text(bib("g", "A Good Paper"))
    lib = tmp_path / "lib"
    code, out, err = cli(lib, "import", str(good), str(JUNK / "LICENSE.txt"), capsys=capsys)
    assert code == 1 and out.startswith("added 1,") and "LICENSE.txt" in err
    code, out, _ = cli(lib, "list", capsys=capsys)
    assert "A Good Paper" in out


def test_cli_folder_of_only_junk_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(JUNK, folder)
    code, out, err = cli(tmp_path / "lib", "import", str(folder), capsys=capsys)
    assert code == 1 and out.startswith("added 0,")
    assert "nothing imported" in err and "skipped" in err


def test_cli_empty_named_file_is_read_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.bib"
    empty.write_text("")
    code, _, err = cli(tmp_path / "lib", "import", str(empty), capsys=capsys)
    assert code == 0 and "empty file" in err
