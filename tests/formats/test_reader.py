from __future__ import annotations

import codecs
import contextlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from readinglist.domain import LibraryError, ParseResult, SourceFormat
from readinglist.formats import arxiv, csljson_read, ris, trending
from readinglist.formats.decode import NotText
from readinglist.formats.reader import UnknownFormat, read_bytes, read_path, read_text

ABSTRACT = (
    "We study reading lists. We propose a tool that keeps them tidy for researchers. "
    "Experiments with many users show that it saves a great deal of time every week."
)
PAGE = f"Subscribe\nA Tool for Reading Lists\n{ABSTRACT}\nSecond Paper Title\n{ABSTRACT}\n"
RIS = "TY  - JOUR\nTI  - Café au lait\nAU  - Dupont, Jean\nPY  - 2001\nER  -\n"
CSL = json.dumps([{"type": "book", "title": "A Book", "id": "b1"}])
ATOM = (
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
    "<id>http://arxiv.org/abs/2101.00001v2</id><title>Paper</title>"
    "<summary>S.</summary></entry></feed>"
)


@pytest.mark.parametrize(
    ("text", "fmt", "title"),
    [
        (PAGE, SourceFormat.TRENDING, "A Tool for Reading Lists"),
        (RIS, SourceFormat.RIS, "Café au lait"),
        (CSL, SourceFormat.CSLJSON, "A Book"),
        (ATOM, SourceFormat.ARXIV, "Paper"),
    ],
)
def test_text_is_detected_and_dispatched(text: str, fmt: SourceFormat, title: str) -> None:
    result = read_text(text, "input")
    assert result.format is fmt
    assert result.drafts[0].title == title
    assert result.problems == ()


def test_explicit_format_wins_over_detection() -> None:
    # RIS content read as a trending page: the RIS reader is not used.
    result = read_text(RIS, "x", SourceFormat.TRENDING)
    assert result.format is SourceFormat.TRENDING
    assert all(d.title != "Café au lait" for d in result.drafts)


def test_bytes_in_legacy_encoding_carry_a_warning_on_the_first_bad_line() -> None:
    result = read_bytes(RIS.replace("\n", "\r\n").encode("cp1252"), "old.ris")
    assert result.format is SourceFormat.RIS
    assert result.drafts[0].title == "Café au lait"
    assert result.drafts[0].line == 1
    assert result.problems[0].line == 2  # "TI  - Café au lait", CRLF counted once
    assert result.problems[0].file == "old.ris"
    assert "windows-1252" in result.problems[0].message


def test_utf16_bytes() -> None:
    result = read_bytes(codecs.BOM_UTF16_LE + CSL.encode("utf-16-le"), "lib.json")
    assert [d.title for d in result.drafts] == ["A Book"]
    assert result.problems == ()


def test_unknown_format_names_the_file_and_the_formats() -> None:
    with pytest.raises(UnknownFormat) as info:
        read_text("<html><body>hello</body></html>", "page.html")
    message = str(info.value)
    assert isinstance(info.value, LibraryError)
    assert message.startswith("page.html:")
    for name in ("BibTeX", "RIS", "arXiv", "CSL-JSON", "trending"):
        assert name in message


def test_web_of_science_gets_its_own_explanation(corpora: Path) -> None:
    with pytest.raises(UnknownFormat, match="Web of Science"):
        read_path(corpora / "ris" / "rispy__example_wos.ris")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t", b"\xef\xbb\xbf"])
def test_empty_input_is_not_an_error(data: bytes) -> None:
    result = read_bytes(data, "empty.bib")
    assert result.drafts == ()
    assert [p.message for p in result.problems] == ["empty file: nothing to import"]
    assert read_text(data.decode("utf-8"), "empty").drafts == ()


def test_binary_is_a_clear_error_naming_the_file() -> None:
    with pytest.raises(NotText, match=r"^paper\.pdf: "):
        read_bytes(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00", "paper.pdf")


def test_read_path_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.bib"
    with pytest.raises(LibraryError, match=r"nope\.bib"):
        read_path(missing)
    with pytest.raises(LibraryError, match="cannot read"):
        read_path(tmp_path)  # a directory


def test_read_path_uses_the_file_name_as_source(tmp_path: Path) -> None:
    path = tmp_path / "refs.ris"
    path.write_bytes(b"TY  - JOUR\nER  -\n")
    result = read_path(path)
    assert result.format is SourceFormat.RIS
    assert [str(p) for p in result.problems] == [
        "refs.ris:1: RIS record: no title, author, DOI, URL, year or abstract; skipped"
    ]


def test_bibtex_dispatch() -> None:
    pytest.importorskip("readinglist.formats.bibtex_read")
    text = "@article{k1,\n  title = {Literate Programming},\n  year = 1984,\n}\n"
    result = read_bytes(text.encode(), "lib.bib")
    assert result.format is SourceFormat.BIBTEX
    assert [d.title for d in result.drafts] == ["Literate Programming"]


def test_every_corpus_file_reads(corpora: Path) -> None:
    if not _has_bibtex():
        pytest.skip("BibTeX reader not present yet")
    for path in sorted(corpora.glob("*/*")):
        if path.name == "rispy__example_wos.ris":
            continue
        result = read_path(path)
        assert isinstance(result, ParseResult)
        if path.stat().st_size:
            assert result.format is not None, path.name


def test_sample_page_through_the_front_door(sample_page: Path) -> None:
    result = read_path(sample_page)
    assert result.format is SourceFormat.TRENDING
    assert len(result.drafts) == 224
    assert result.problems == ()


READERS: list[Callable[[str, str], ParseResult]] = [
    trending.read,
    ris.read,
    arxiv.read,
    csljson_read.read,
]


@pytest.mark.parametrize("reader", READERS)
def test_five_megabyte_single_line(reader: Callable[[str, str], ParseResult]) -> None:
    # Must come back (no quadratic regex): no timing assertion, the suite would hang.
    for line in ("a" * 5_000_000, "Word. " * 900_000, "&amp;" * 1_000_000, "{[" * 2_500_000):
        result = reader(line, "big.txt")
        assert isinstance(result, ParseResult)


def test_five_megabyte_line_through_the_dispatch() -> None:
    big = ("Some words. " * 450_000).encode()
    # One endless line of prose is no trending page, whatever the file is called.
    for name in ("big.txt", "big"):
        with pytest.raises(UnknownFormat):
            read_bytes(big, name)


def _has_bibtex() -> bool:
    try:
        import readinglist.formats.bibtex_read  # noqa: F401
    except ImportError:
        return False
    return True


def _mutations(rng: random.Random, seeds: list[str]) -> list[str]:
    alphabet = "TY  -ER\n{}[]<>&;\"'@,:=\\ \t\r\ufeffé\u2028\x00\x0b#%abc123"
    out = []
    for _ in range(300):
        text = list(rng.choice(seeds))
        for _ in range(rng.randrange(1, 12)):
            op = rng.randrange(3)
            pos = rng.randrange(len(text) + 1)
            if op == 0:
                text.insert(pos, rng.choice(alphabet))
            elif op == 1 and text:
                del text[min(pos, len(text) - 1)]
            else:
                text[pos:pos] = list(rng.choice(seeds)[: rng.randrange(40)])
        out.append("".join(text))
    out += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(200))) for _ in range(100)]
    return out


def test_readers_never_raise_on_arbitrary_text() -> None:
    rng = random.Random(20240517)
    seeds = [PAGE, RIS, CSL, ATOM, RIS * 3, CSL[:-1], ATOM[:50]]
    for text in _mutations(rng, seeds):
        for reader in READERS:
            result = reader(text, "fuzz")
            assert all(p.file == "fuzz" and p.line >= 0 for p in result.problems)
            assert all(d.has_content for d in result.drafts)  # untitled ones too (issue 9)
        with contextlib.suppress(UnknownFormat):
            read_text(text, "fuzz")


def test_decoding_warning_points_at_the_real_line() -> None:
    data = b"TY  - JOUR\nTI  - Fine\nER  -\nTY  - JOUR\nTI  - Caf" + b"\xe9\nER  -\n"
    result = read_bytes(data, "refs.ris")
    warning = result.problems[0]
    assert warning.line == 5 and "line 5" in warning.message
    assert [d.title for d in result.drafts] == ["Fine", "Café"]


def test_declared_latin9_reaches_the_records() -> None:
    text = "% -*- coding: latin-9 -*-\n@article{k, author = {Šimon}, title = {Œuvre}}\n"
    result = read_bytes(text.encode("iso8859-15"), "refs.bib")
    if result.format is not SourceFormat.BIBTEX:
        pytest.skip("BibTeX reader not importable")
    assert result.drafts[0].title == "Œuvre"
    assert "Šimon" in str(result.drafts[0].authors)
