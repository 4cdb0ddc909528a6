from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from readinglist.domain import LibraryError
from readinglist.formats.decode import NotText, decode_bytes, normalise_newlines

TEXT = "Gödel, Escher, Bach — a naïve café in Zürich\n"


def test_plain_utf8_has_no_warning() -> None:
    decoded = decode_bytes(TEXT.encode("utf-8"))
    assert decoded.text == TEXT
    assert decoded.encoding == "utf-8"
    assert decoded.warning is None


def test_utf8_bom_is_removed() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert decoded.text == TEXT
    assert decoded.warning is None


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_byte_order_marks(bom: bytes, codec: str) -> None:
    decoded = decode_bytes(bom + TEXT.encode(codec))
    assert decoded.text == TEXT
    assert decoded.encoding == codec
    assert decoded.warning is None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_by_its_nuls(codec: str) -> None:
    # U+4E00 is the bytes 00 4E: a NUL in the "wrong" column must not spoil the guess.
    text = "@article{key,\n  title = {Bömisch 一 study of reading habits},\n}\n"
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == codec


def test_line_endings_become_lf() -> None:
    decoded = decode_bytes(b"one\r\ntwo\rthree\nfour")
    assert decoded.text == "one\ntwo\nthree\nfour"
    assert normalise_newlines("a\r\n\r\nb\r") == "a\n\nb\n"


def test_cp1252_is_the_fallback_with_a_warning() -> None:
    decoded = decode_bytes(TEXT.encode("cp1252"))
    assert decoded.text == TEXT
    assert decoded.encoding == "windows-1252"
    assert decoded.warning == "not UTF-8 from line 1; read as windows-1252"
    assert decoded.line == 1


def test_cp1252_undefined_bytes_do_not_fail() -> None:
    decoded = decode_bytes(b"caf\xe9 \x81 ok")
    assert decoded.text.startswith("café ")
    assert decoded.encoding == "windows-1252"


def test_jabref_encoding_header_is_honoured() -> None:
    data = "% Encoding: ISO-8859-2\n\n@Article{k, title = {Łódź}}\n".encode("iso-8859-2")
    decoded = decode_bytes(data)
    assert "Łódź" in decoded.text
    assert decoded.warning is not None
    assert "iso8859-2" in decoded.warning
    assert "Encoding:" in decoded.warning


def test_chinese_gbk_is_recognised() -> None:
    text = "@article{k, author = {凯撒}, journal = {测试期刊}}\n"
    decoded = decode_bytes(text.encode("gbk"))
    assert decoded.text == text
    assert decoded.encoding == "gbk"
    assert decoded.warning is not None and "GBK" in decoded.warning


@pytest.mark.parametrize(
    "text",
    # Each of these happens to be valid GBK, and all but the last decode to CJK ideographs.
    ["Hôtel Château Müller", "Ça était Éric", "ÈÉ ÀÂ über", "Müller Ærø Œuvre ÀÉ"],
)
def test_western_text_is_not_mistaken_for_gbk(text: str) -> None:
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.encoding == "windows-1252"


def test_mostly_utf8_keeps_utf8_and_reports_the_bad_bytes() -> None:
    data = "Zürich, Genève, Köln ".encode() + b"\xff" + " Malmö".encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text == "Zürich, Genève, Köln \ufffd Malmö"
    assert decoded.warning is not None and "1 invalid byte sequence" in decoded.warning


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n\x00\x01\x02binary stream\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_is_not_text(data: bytes) -> None:
    with pytest.raises(NotText) as info:
        decode_bytes(data)
    assert isinstance(info.value, LibraryError)
    assert "binary" in str(info.value) or "not valid" in str(info.value)


def test_random_bytes_are_rejected() -> None:
    rng = random.Random(7)
    for _ in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(200, 2000)))
        with pytest.raises(NotText):
            decode_bytes(data)


def test_bad_utf16_after_bom_is_not_text() -> None:
    with pytest.raises(NotText):
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # unpaired surrogate


def test_empty_input() -> None:
    decoded = decode_bytes(b"")
    assert decoded.text == ""
    assert decoded.warning is None


def test_corpora_encodings(corpora: Path) -> None:
    bib = corpora / "bib"
    le = decode_bytes((bib / "jabref__tiny-LE-withBOM.bib").read_bytes())
    assert le.encoding == "utf-16-le"
    assert le.text.startswith("% Encoding: UTF-16LE\n")
    gbk = decode_bytes((bib / "bibtexparser__gbk_test.bib").read_bytes())
    assert gbk.encoding == "gbk"
    assert "测试期刊" in gbk.text
    cp = decode_bytes((bib / "jabref__encoding-windows-1252-with-header.bib").read_bytes())
    assert cp.encoding == "windows-1252"
    assert "25° C" in cp.text
    bom = decode_bytes((bib / "bibtexparser__article_start_with_bom.bib").read_bytes())
    assert bom.text.startswith("\n@ARTICLE")
    assert "César" in bom.text
    for path in sorted(corpora.glob("*/*")):
        if path.suffix != ".tsv" and path.name != "README.md":
            assert "\r" not in decode_bytes(path.read_bytes()).text


def test_big_files_decode_in_pieces_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    from readinglist.formats import decode as module

    monkeypatch.setattr(module, "_PIECE", 7)  # pieces split multi-byte characters
    text = "Schrödinger’s ζ-function — 你好, naïve café\n" * 5
    result = decode_bytes(text.encode("utf-8"))
    assert result.text == text and result.encoding == "utf-8" and result.warning is None
    # a stray byte in a later piece is still found: mostly UTF-8, with a warning
    bad = text.encode("utf-8") + b"\xff" + text.encode("utf-8")
    assert decode_bytes(bad).warning is not None


# --- declared encodings and the real line of the first bad byte (issue 8 item 11) ---

LATIN9_BIB = "@article{k,\n  author = {Šimon Žák},\n  title = {Œuvres €}\n}\n"


@pytest.mark.parametrize(
    "header",
    [
        "% -*- coding: latin-9 -*-",
        "% -*- mode: bibtex; coding: iso-latin-9-unix -*-",
        "% !TEX encoding = ISO-8859-15",
        "@comment{-*- coding: latin-9 -*-}",
        "% vim: set fileencoding=latin9 :",
        "% Encoding: ISO8859_15",
    ],
)
def test_declared_encoding_is_honoured(header: str) -> None:
    data = f"{header}\n{LATIN9_BIB}".encode("iso8859-15")
    assert b"\xa6" in data  # Š in latin-9, "¦" if read as windows-1252
    decoded = decode_bytes(data)
    assert decoded.encoding == "iso8859-15"
    assert "Šimon Žák" in decoded.text and "Œuvres €" in decoded.text
    assert decoded.warning is not None and "iso8859-15" in decoded.warning
    assert decoded.line == 3  # the author line holds the first non-UTF-8 byte
    assert "line 3" in decoded.warning


def test_vim_modeline_at_the_end_is_found() -> None:
    data = ("@misc{k, title = {Ærø Öl}}\n" * 400 + "% vim: fileencoding=latin1\n").encode("latin-1")
    decoded = decode_bytes(data)
    assert decoded.encoding == "iso8859-1" and "Ærø Öl" in decoded.text


def test_texshop_names_are_understood() -> None:
    data = "% !TEX encoding = IsoLatin9\n@misc{k, title = {Šárka}}\n".encode("iso8859-15")
    assert "Šárka" in decode_bytes(data).text


@pytest.mark.parametrize("name", ["klingon-8", "zlib", "rot13", "unicode_escape", "utf-16"])
def test_unknown_or_unusable_declaration_warns_and_falls_back(name: str) -> None:
    data = f"% -*- coding: {name} -*-\nline two\nCaf\xe9 noir\n".encode("latin-1")
    decoded = decode_bytes(data)
    assert decoded.encoding == "windows-1252"
    assert decoded.text.endswith("Café noir\n")
    assert decoded.warning is not None
    assert name in decoded.warning and "line 3" in decoded.warning
    assert decoded.line == 3


def test_a_declaration_the_bytes_break_falls_back_with_the_line() -> None:
    # declared ASCII, but line 2 has a windows-1252 byte
    data = b"% -*- coding: us-ascii -*-\nna\xefve\n"
    decoded = decode_bytes(data)
    assert decoded.encoding == "windows-1252" and "naïve" in decoded.text
    assert decoded.warning is not None and "'us-ascii'" in decoded.warning
    assert "line 2" in decoded.warning


def test_valid_utf8_wins_over_a_stale_declaration() -> None:
    data = "% -*- coding: latin-1 -*-\n@misc{k, title = {Šárka}}\n".encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8" and "Šárka" in decoded.text
    assert decoded.warning is not None and "valid UTF-8" in decoded.warning


def test_ascii_file_with_a_declaration_has_no_warning() -> None:
    decoded = decode_bytes(b"% -*- coding: latin-1 -*-\n@misc{k, title = {T}}\n")
    assert decoded.warning is None and decoded.line == 0


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"ok\nok\nZ\xc3\xbcrich \xff K\xc3\xb6ln M\xc3\xbcnchen\n", 3),
        (b"ok\r\nok\r\nok\r\nZ\xc3\xbcrich \xff K\xc3\xb6ln M\xc3\xbcnchen", 4),
        (b"ok\rok\rZ\xc3\xbcrich \xff K\xc3\xb6ln M\xc3\xbcnchen", 3),
        (b"\n" * 99 + b"caf\xe9", 100),
    ],
)
def test_invalid_utf8_warning_names_the_real_line(data: bytes, line: int) -> None:
    decoded = decode_bytes(data)
    assert decoded.line == line
    assert decoded.warning is not None and f"line {line}" in decoded.warning
    # the line is the one an editor shows, and the one the decoded text has
    assert decoded.text.split("\n")[line - 1].strip("\n") != ""
