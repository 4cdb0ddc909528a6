"""`readinglist edit` and citation keys wherever an id is accepted (issue 9)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from readinglist.app import run
from readinglist.library import Library

BIB = r"""@article{vaswani2017, title={Attention Is All You Need},
  author={Vaswani, Ashish and Shazeer, Noam}, year={2017}, journal={NeurIPS}}
@misc{he2021, title={Masked Autoencoders Are Scalable Vision Learners}, author={He, Kaiming}}
"""


def cli(lib: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["--library", str(lib), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    lib = tmp_path / "lib"
    code, _, err = cli(lib, "import", str(bib), capsys=capsys)
    assert code == 0, err
    # a key that looks like an id (the importer makes its own for a numeric file key)
    code, _, err = cli(lib, "edit", "2", "--key", "2021", capsys=capsys)
    assert code == 0, err
    return lib


def _show(folder: Path, ref: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, out, err = cli(folder, "show", ref, "--json", capsys=capsys)
    assert code == 0, err
    return dict(json.loads(out))


def test_edit_prints_one_line_and_the_library_and_index_follow(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(
        folder,
        "edit",
        "vaswani2017",
        "--title",
        "Attention Is All You Need (NeurIPS)",
        "--year",
        "2018",
        "--author",
        "Ashish Vaswani",
        "--author",
        "{Google Brain}",
        "--doi",
        "https://doi.org/10.5555/3295222.3295349",
        "--type",
        "inproceedings",
        capsys=capsys,
    )
    assert code == 0, err
    assert out == "edited 1 paper: title, authors, year, type, DOI\n"
    paper = _show(folder, "VASWANI2017", capsys)  # a key in any case
    assert paper["title"] == "Attention Is All You Need (NeurIPS)"
    assert paper["authors"] == ["Ashish Vaswani", "Google Brain"]
    assert paper["doi"] == "10.5555/3295222.3295349"
    code, out, _ = cli(folder, "search", "author:brain", capsys=capsys)
    assert code == 0 and "Attention Is All You Need (NeurIPS)" in out
    code, out, _ = cli(folder, "edit", "vaswani2017", "--year", "2018", capsys=capsys)
    assert (code, out) == (0, "nothing changed\n")


def test_key_typed_and_pinned(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(folder, "edit", "1", "--key", "attention", "--pin-key", capsys=capsys)
    assert (code, out) == (0, "edited 1 paper: key, key pin\n"), err
    with Library(folder) as lib:
        d = lib.get(1)
    assert (d.citation_key, d.key_origin, d.key_pinned) == ("attention", "user", True)
    code, out, _ = cli(folder, "edit", "attention", "--unpin-key", capsys=capsys)
    assert (code, out) == (0, "edited 1 paper: key pin\n")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--doi", "doi.org/abc"), "is not a DOI"),
        (("--arxiv", "2202.4200"), "is not an arXiv id"),
        (("--year", "999"), "is not between 1000 and"),
        (("--year", "soon"), "give a year such as 2022"),
        (("--key", "has space"), "may hold only"),
        (("--key", "2021"), "is taken by paper 2"),
        (("--url", "ftp:/x"), "starts with http"),
    ],
)
def test_a_validation_error_is_one_line_and_exit_1(
    folder: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    before = _show(folder, "1", capsys)
    code, out, err = cli(folder, "edit", "1", "--title", "Changed", *args, capsys=capsys)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("readinglist: ") and words in lines[0], err
    assert _show(folder, "1", capsys) == before


def test_edit_without_a_field_is_a_usage_error(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(folder, "edit", "1", capsys=capsys)
    assert code == 2 and "give a field" in err


def test_show_mark_tag_note_take_a_key(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "2021" is the key of paper 2; no paper has id 2021, so it means the key
    assert _show(folder, "2021", capsys)["id"] == 2
    assert cli(folder, "mark", "read", "vaswani2017", "2021", capsys=capsys)[0] == 0
    assert cli(folder, "tag", "Vaswani2017", "--add", "classic", capsys=capsys)[0] == 0
    assert cli(folder, "note", "2021", "--set", "MAE note", capsys=capsys)[0] == 0
    code, out, _ = cli(folder, "note", "2021", capsys=capsys)
    assert (code, out) == (0, "MAE note\n")
    first = _show(folder, "vaswani2017", capsys)
    assert first["status"] == "read" and first["tags"] == ["classic"]
    assert _show(folder, "2", capsys)["status"] == "read"
    # a key equal to an existing id: the id wins (the rule in the help)
    assert cli(folder, "edit", "2021", "--key", "1", capsys=capsys)[0] == 0
    assert _show(folder, "1", capsys)["id"] == 1
    code, _, err = cli(folder, "show", "nosuchkey", capsys=capsys)
    assert code == 1 and err == "readinglist: no paper with the citation key 'nosuchkey'\n"
    code, _, err = cli(folder, "mark", "read", "77", capsys=capsys)
    assert code == 1 and err == "readinglist: no paper with id 77\n"


def test_a_read_only_library_refuses_an_edit(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through a read-only bind mount (root cannot write it either)."""
    if shutil.which("mount") is None:
        pytest.skip("no mount")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "--bind", str(folder), str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        ro = subprocess.run(["mount", "-o", "remount,ro,bind", str(mnt)], capture_output=True)
        if ro.returncode:
            pytest.skip("cannot remount read-only")
        code, _, err = cli(mnt, "edit", "1", "--title", "New", capsys=capsys)
        assert code == 1 and err.startswith("readinglist: this library is read-only"), err
    finally:
        subprocess.run(["umount", str(mnt)], check=True)
    assert _show(folder, "1", capsys)["title"] == "Attention Is All You Need"
