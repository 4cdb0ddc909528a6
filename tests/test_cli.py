"""The command-line contract, end to end: scripts and our own checks rely on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readinglist.app import run

BIB = r"""@article{a, title={Attention Is All You Need}, author={Vaswani, Ashish and Shazeer, Noam},
  year={2017}, journal={NeurIPS}, abstract={The dominant sequence transduction models.}}
@article{b, title={Masked Autoencoders Are Scalable Vision Learners}, author={He, Kaiming},
  year={2021}, abstract={Masked autoencoders for vision.}}
@article{broken, title={Unbalanced {braces, year=2020}

@article{c, title={Denoising Diffusion Probabilistic Models}, author={Ho, Jonathan}, year={2020}}
"""


def cli(lib: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["--library", str(lib), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bibfile(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def test_import_json_reports_added_duplicates_and_problems(
    tmp_path: Path, bibfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib"
    code, out, _ = cli(lib, "import", str(bibfile), "--tag", "thesis", "--json", capsys=capsys)
    assert code == 0
    report = json.loads(out)
    assert report["added"] == 3 and report["duplicates"] == 0
    assert report["problems"] and report["problems"][0]["file"] == "refs.bib"
    assert report["problems"][0]["line"] == 5
    code, out, _ = cli(lib, "import", str(bibfile), "--json", capsys=capsys)
    assert json.loads(out)["added"] == 0 and json.loads(out)["duplicates"] == 3


def test_list_search_show_mark_tag_note_roundtrip(
    tmp_path: Path, bibfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib"
    cli(lib, "import", str(bibfile), capsys=capsys)
    code, out, _ = cli(lib, "list", "--json", capsys=capsys)
    papers = json.loads(out)
    assert code == 0 and len(papers) == 3
    for key in ("id", "title", "abstract", "authors", "year", "status", "tags", "note",
                "citation_key", "added_at"):  # fmt: skip
        assert key in papers[0]
    by_title = {p["title"]: p for p in papers}
    attention = by_title["Attention Is All You Need"]
    assert attention["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
    assert attention["citation_key"] == "a"  # the file's own key is kept (issue 9)

    assert cli(lib, "mark", "read", str(attention["id"]), capsys=capsys)[0] == 0
    assert cli(lib, "tag", str(attention["id"]), "--add", "classic", capsys=capsys)[0] == 0
    assert cli(lib, "note", str(attention["id"]), "--set", "Read twice.", capsys=capsys)[0] == 0
    code, out, _ = cli(lib, "note", str(attention["id"]), capsys=capsys)
    assert out == "Read twice.\n"

    code, out, _ = cli(lib, "show", str(attention["id"]), "--json", capsys=capsys)
    shown = json.loads(out)
    assert shown["status"] == "read" and shown["tags"] == ["classic"]

    code, out, _ = cli(lib, "search", "masked", "--json", capsys=capsys)
    assert [p["title"] for p in json.loads(out)["results"]] == [
        "Masked Autoencoders Are Scalable Vision Learners"
    ]
    code, out, _ = cli(lib, "search", "note:twice", "--json", capsys=capsys)
    assert [p["id"] for p in json.loads(out)["results"]] == [attention["id"]]
    code, out, _ = cli(lib, "list", "--status", "read", "--json", capsys=capsys)
    assert [p["id"] for p in json.loads(out)] == [attention["id"]]
    code, out, _ = cli(lib, "list", "--tag", "classic", capsys=capsys)
    assert "Attention Is All You Need" in out and "Masked" not in out

    cli(lib, "tag", str(attention["id"]), "--remove", "classic", capsys=capsys)
    code, out, _ = cli(lib, "search", "tag:classic", "--json", capsys=capsys)
    assert json.loads(out) == {"total": 0, "results": []}


def test_export_to_file_and_stdout(
    tmp_path: Path, bibfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib"
    cli(lib, "import", str(bibfile), capsys=capsys)
    target = tmp_path / "out.bib"
    code, _, _ = cli(lib, "export", "--query", "masked", "-o", str(target), capsys=capsys)
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert text.count("@") == 1 and "@article{b," in text  # the file's own key and type
    code, out, _ = cli(lib, "export", "--format", "csljson", capsys=capsys)
    assert len(json.loads(out)) == 3


def test_user_errors_exit_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib"
    code, _, err = cli(lib, "show", "42", capsys=capsys)
    assert code == 1 and err.count("\n") == 1 and "42" in err
    code, _, err = cli(lib, "import", str(tmp_path / "missing.bib"), capsys=capsys)
    assert code == 1 and "missing.bib" in err and "Traceback" not in err
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 40)
    code, out, err = cli(lib, "import", str(junk), "--json", capsys=capsys)
    assert code == 1 and json.loads(out)["problems"][0]["file"].endswith("junk.bin")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        run(["--library", str(tmp_path), "mark", "finished", "1"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        run(["--library", str(tmp_path), "tag", "1"])
    assert exc.value.code == 2


def test_real_process_contract(tmp_path: Path, bibfile: Path) -> None:
    """Exit codes, stdout and stderr as a script sees them; the index is caught up on exit."""
    env = {**os.environ, "READINGLIST_LIBRARY": str(tmp_path / "envlib")}

    def proc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "readinglist", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    done = proc("import", str(bibfile), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 3
    assert (tmp_path / "envlib" / "library.sqlite").exists()  # the environment chose it
    found = proc("search", "diffusion", "--json")
    assert [p["title"] for p in json.loads(found.stdout)["results"]] == [
        "Denoising Diffusion Probabilistic Models"
    ]
    bad = proc("show", "9999")
    assert bad.returncode == 1 and bad.stderr.startswith("readinglist: ")
    assert "Traceback" not in bad.stderr
    assert proc("frobnicate").returncode == 2


def test_export_into_a_missing_folder_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(
        tmp_path / "lib", "export", "-o", str(tmp_path / "nope" / "x.bib"), capsys=capsys
    )
    assert code == 1 and "nope: no such folder" in err and ".part" not in err


def test_untitled_records_show_a_placeholder_that_is_never_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = tmp_path / "lib"
    bib = tmp_path / "untitled.bib"
    bib.write_text("@book{knuth, author={Knuth, Donald}, year={1974}}\n", encoding="utf-8")
    assert cli(lib, "import", str(bib), capsys=capsys)[0] == 0
    code, out, _ = cli(lib, "list", capsys=capsys)
    assert code == 0 and "[untitled]" in out
    code, out, _ = cli(lib, "list", "--json", capsys=capsys)
    (paper,) = json.loads(out)
    assert paper["title"] == ""
    code, out, _ = cli(lib, "show", str(paper["id"]), capsys=capsys)
    assert out.splitlines()[0] == "[untitled]"


def test_json_output_escapes_what_a_terminal_would_obey(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from readinglist.cli import _print_json

    hostile = "evil\u202etxt.exe \u009b31m \u2028 next"
    _print_json({"title": hostile, "ok": "Müller"})
    out = capsys.readouterr().out
    assert not any(c in out for c in "\u202e\u009b\u2028")
    assert json.loads(out) == {"title": hostile, "ok": "Müller"}
