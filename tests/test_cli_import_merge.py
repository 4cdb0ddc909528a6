"""`readinglist import` says in plain words what duplicates did to each paper (issue 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readinglist.app import run

MASKGIT = r"""@inproceedings{chang2022maskgit,
  title = {MaskGIT: Masked Generative Image Transformer},
  author = {Chang, Huiwen and Zhang, Han and Jiang, Lu},
  booktitle = {CVPR},
  year = {2022},
}
"""


def cli(lib: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["--library", str(lib), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_summary_names_what_a_duplicate_completed(
    tmp_path: Path, sample_page: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib"
    page = sample_page
    bib = tmp_path / "maskgit.bib"
    bib.write_text(MASKGIT, encoding="utf-8")
    code, out, _ = cli(lib, "import", str(page), capsys=capsys)
    assert code == 0 and out.startswith("added ")
    code, out, _ = cli(lib, "import", str(bib), capsys=capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "added 0, duplicates 1 (1 filled in)"
    assert lines[1] == "completed 1 paper from a duplicate: authors, year, venue, type, key"
    assert lines[2].startswith("  [chang2022maskgit] MaskGIT: Masked Generative Image Transformer")
    code, out, _ = cli(lib, "import", str(bib), "--json", capsys=capsys)
    assert json.loads(out)["merges"] == []  # nothing left to complete
    code, out, _ = cli(lib, "list", "--json", capsys=capsys)
    (paper,) = [p for p in json.loads(out) if p["title"].startswith("MaskGIT")]
    assert (paper["citation_key"], paper["entry_type"]) == ("chang2022maskgit", "inproceedings")
