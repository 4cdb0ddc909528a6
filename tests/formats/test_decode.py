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
    assert decoded.warning == "not UTF-8; read as windows-1252"


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
