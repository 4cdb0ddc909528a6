"""Bytes -> text for every importer: BOMs, UTF-16, legacy 8-bit files, binary junk.

The rules are deliberately few so that a user can be told what happened:

1. A byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE).
2. A NUL in every other byte means BOM-less UTF-16.
3. Valid UTF-8 is UTF-8. Text that is mostly UTF-8 with a few stray bytes stays
   UTF-8 with those bytes replaced (decoding it all as cp1252 would garble every
   accented letter that *was* right).
4. Otherwise a legacy encoding: the one the file declares if it has a declaration
   (Emacs `-*- coding: latin-9 -*-`, `% !TEX encoding = ...`, vim `fileencoding=`,
   JabRef `% Encoding: NAME`, also inside `@comment{...}`), else GBK when it decodes
   cleanly into runs of Chinese characters, else windows-1252. Each of these carries a
   warning that names the encoding used and the line of the first byte that is not
   UTF-8. A declaration of an unknown encoding, or one the bytes break, is said in
   the warning and the guesses take over. Valid UTF-8 stays UTF-8 even if the header
   claims otherwise (a converted file whose header nobody updated): the warning says so.
5. NUL bytes or many control characters in what should be text: `NotText`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from readinglist.domain import LibraryError

__all__ = ["Decoded", "NotText", "decode_bytes", "normalise_newlines"]


class NotText(LibraryError):
    """The bytes are not a text file (a PDF, an image, a zip, random data)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used, e.g. "utf-8", "windows-1252"
    warning: str | None = None  # set when the guess could be wrong
    line: int = 0  # where the warning applies: the first byte that is not UTF-8 (0: file)


# Longest first: the UTF-32 LE mark begins with the UTF-16 LE mark.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Declarations, looked for near the start (and the end, for Emacs/vim local variables).
_DECLARATIONS: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (re.compile(rb"^%\s*Encoding:\s*([A-Za-z0-9_.:-]+)", re.MULTILINE), "'% Encoding:' header"),
    (
        re.compile(rb"^%\s*!TeX\s+(?:TS-)?encoding\s*=\s*([A-Za-z0-9_.: -]+?)\s*$", re.M | re.I),
        "'% !TEX encoding' line",
    ),
    (re.compile(rb"-\*-[^\n]*?\bcoding:\s*([A-Za-z0-9_.-]+)[^\n]*?-\*-"), "Emacs 'coding:' line"),
    (re.compile(rb"\b(?:fileencoding|fenc)=([A-Za-z0-9_.-]+)"), "vim 'fileencoding' modeline"),
    (re.compile(rb"^[%#;]*\s*coding:\s*([A-Za-z0-9_.-]+)", re.MULTILINE), "'coding:' line"),
)
_DECLARATION_SPAN = 4096
# Names editors write that Python does not know (TeXShop, Emacs), lower-case.
_EDITOR_NAMES = {
    "utf-8 unicode": "utf-8",
    "isolatin": "latin-1",
    "isolatin1": "latin-1",
    "isolatin2": "iso8859-2",
    "isolatin5": "iso8859-9",
    "isolatin9": "iso8859-15",
    "macosroman": "mac-roman",
    "windows latin 1": "cp1252",
    "windows latin 2": "cp1250",
    "windows cyrillic": "cp1251",
    "iso-latin-1": "latin-1",
    "iso-latin-2": "iso8859-2",
    "iso-latin-9": "iso8859-15",
    "latin-9": "iso8859-15",
    "latin-0": "iso8859-15",
    "latin-2": "iso8859-2",
    "iso-latin-0": "iso8859-15",
    "utf-8-with-signature": "utf-8",
    "utf-8-emacs": "utf-8",
    "mule-utf-8": "utf-8",
    "prefer-utf-8": "utf-8",
    "chinese-gbk": "gbk",
    "chinese-iso-8bit": "gb2312",
    "chinese-big5": "big5",
    "japanese-shift-jis": "shift_jis",
    "japanese-iso-8bit": "euc_jp",
    "korean-iso-8bit": "euc_kr",
    "cyrillic-koi8": "koi8-r",
    "us-ascii": "ascii",
}
# Codecs a file cannot meaningfully declare: escapes and transforms, not text encodings.
_NOT_FILE_ENCODINGS = frozenset(
    ("unicode_escape", "raw_unicode_escape", "punycode", "idna", "utf-7", "undefined")
)
# Python's canonical codec names -> the names users know (both are valid codec names).
_FRIENDLY = {"cp1252": "windows-1252", "cp1251": "windows-1251", "cp1250": "windows-1250"}
_NEWLINES = re.compile(r"\r\n?")
# How much of the file the statistical checks look at: enough to judge, cheap on 5 MB.
_SAMPLE = 64 * 1024


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR -> LF, so line numbers agree with what an editor shows."""
    return _NEWLINES.sub("\n", text) if "\r" in text else text


def decode_bytes(data: bytes) -> Decoded:
    """Decode an import file; raise `NotText` for binary data."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _finish(_strict(data[len(bom) :], codec), codec, None)

    utf16 = _bomless_utf16(data)
    if utf16:
        return _finish(_strict(data, utf16), utf16, None)

    if b"\x00" in data:
        raise NotText("contains NUL bytes: this is a binary file, not text")

    declared = _declaration(data)
    try:
        text = _utf8(data)
    except UnicodeDecodeError as e:
        first_bad = _line_of(data, e.start)
    else:
        warning = None
        if declared is not None and not data.isascii():
            said, where, name = declared
            if said != "utf-8":
                warning = f"declares {name!r} ({where}) but is valid UTF-8; read as UTF-8"
        return _finish(text, "utf-8", warning)

    # Mostly UTF-8 beats a declaration too: latin-9 text has next to no valid sequences.
    mostly_utf8 = _mostly_utf8(data, first_bad, _declared_note(declared))
    if mostly_utf8 is not None:
        return mostly_utf8

    note = ""
    if declared is not None:
        said, where, name = declared
        if said is None:
            note = f" (its {where} names {name!r}, an encoding that is not known)"
        elif said == "utf-8":
            note = f" (its {where} says {name!r}, but line {first_bad} is not UTF-8)"
        else:
            try:
                text = data.decode(said)
            except (UnicodeError, LookupError, ValueError) as e:
                bad = _line_of(data, e.start) if isinstance(e, UnicodeDecodeError) else 0
                note = f" (its {where} says {name!r}, but line {bad} is not {said})"
            else:
                return _finish(
                    text,
                    said,
                    f"not UTF-8 from line {first_bad}; read as {said} (from its {where})",
                    first_bad,
                )

    gbk = _as_chinese(data)
    if gbk is not None:
        return _finish(
            gbk, "gbk", f"not UTF-8 from line {first_bad}; read as GBK (Chinese){note}", first_bad
        )

    return _finish(
        _cp1252(data),
        "windows-1252",
        f"not UTF-8 from line {first_bad}; read as windows-1252{note}",
        first_bad,
    )


def _declared_note(declared: tuple[str | None, str, str] | None) -> str:
    if declared is None or declared[0] == "utf-8":
        return ""
    if declared[0] is None:
        return f"; its {declared[1]} names {declared[2]!r}, an encoding that is not known"
    return f"; its {declared[1]} says {declared[2]!r}, which the rest of the file contradicts"


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line holding byte `offset`, counting LF, CRLF and lone CR like
    `normalise_newlines` (so it agrees with an editor and with the readers)."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


# Big files are decoded this many bytes at a time (see _utf8).
_PIECE = 4 << 20


def _utf8(data: bytes) -> str:
    """`data.decode("utf-8")`, in pieces for big files: one decode of a 125 MB file is
    a single C call holding the GIL for ~75 ms, which the window feels."""
    if len(data) <= 2 * _PIECE:
        return data.decode("utf-8")
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    parts = [decoder.decode(view[i : i + _PIECE]) for i in range(0, len(data), _PIECE)]
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise NotText(f"not valid {codec} text (bad bytes at offset {e.start})") from None


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit in one column of the byte pairs.

    ASCII-range text in UTF-16 has a NUL in every high byte; requiring most pairs to
    look like that (and next to none of the other column) keeps most binary files out,
    and the control-character check after decoding catches the rest.
    """
    sample = data[: _SAMPLE & ~1]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    # A few NULs in the other column are letters such as U+4E00 (bytes 00 4E).
    if odd_nul >= 0.6 * pairs and even_nul <= 0.05 * pairs:
        return "utf-16-le"
    if even_nul >= 0.6 * pairs and odd_nul <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes, first_bad: int, note: str) -> Decoded | None:
    """UTF-8 with a few invalid bytes: keep UTF-8, replace the bad bytes, say how many."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())  # one per invalid sequence
    good = sum(1 for c in text if c > "\x7f") - bad  # correctly encoded non-ASCII letters
    if good <= 0 or bad > good:
        return None
    noun = "sequence" if bad == 1 else "sequences"
    return _finish(
        text,
        "utf-8",
        f"not valid UTF-8: {bad} invalid byte {noun} replaced by '\ufffd', "
        f"the first on line {first_bad}{note}",
        first_bad,
    )


def _declaration(data: bytes) -> tuple[str | None, str, str] | None:
    """(codec or None when unknown, where it was declared, the declared name)."""
    spans = (data[:_DECLARATION_SPAN], data[-_DECLARATION_SPAN:])
    for pattern, where in _DECLARATIONS:
        for span in spans:
            m = pattern.search(span)
            if m is not None:
                name = m.group(1).decode("ascii", "replace").strip()
                return _codec_for(name), where, name
    return None


def _codec_for(name: str) -> str | None:
    """The Python codec for a declared name, None when it is unknown or no text encoding."""
    key = name.lower()
    for suffix in ("-unix", "-dos", "-mac"):  # Emacs end-of-line variants
        key = key.removesuffix(suffix)
    key = _EDITOR_NAMES.get(key, key)
    try:
        info = codecs.lookup(key)
        # only encodings that keep ASCII as it is: never a transform (zlib, rot13)
        # or a 16-bit form without NULs (those were handled by the BOM/NUL rules)
        ascii_safe = "Ab1 @{}%\n".encode(info.name) == b"Ab1 @{}%\n"
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None
    if not ascii_safe or info.name in _NOT_FILE_ENCODINGS:
        return None
    return _FRIENDLY.get(info.name, info.name)


def _is_chinese(c: str) -> bool:
    cp = ord(c)
    return (
        0x4E00 <= cp <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= cp <= 0x4DBF  # extension A
        or 0x3000 <= cp <= 0x303F  # CJK punctuation
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms
    )


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _as_chinese(data: bytes) -> str | None:
    """GBK text when the bytes read as whole Chinese characters, two bytes each.

    Western cp1252 text fails at least one test: its accented letters stand alone
    between ASCII letters (odd runs of high bytes: "H\xf4tel"), seldom come four in a
    row, and GBK turns them into scattered symbols rather than Chinese characters.
    """
    runs = [len(m.group(0)) for m in _HIGH_RUN.finditer(data)]
    if not runs or any(n % 2 for n in runs) or max(runs) < 4:
        return None
    try:
        text = data.decode("gbk")
    except UnicodeDecodeError:
        return None
    high = [c for c in text if ord(c) > 0x7F]
    chinese = sum(1 for c in high if _is_chinese(c))
    return text if chinese >= 0.9 * len(high) else None


# cp1252 leaves five bytes (0x81 0x8D 0x8F 0x90 0x9D) undefined; reading through Latin-1
# and mapping the rest of 0x80-0x9F keeps those as C1 controls instead of failing.
_CP1252_HIGH = {
    i: bytes([i]).decode("cp1252")
    for i in range(0x80, 0xA0)
    if i not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def _cp1252(data: bytes) -> str:
    return data.decode("latin-1").translate(_CP1252_HIGH)


def _finish(text: str, encoding: str, warning: str | None, line: int = 0) -> Decoded:
    text = text.removeprefix("\ufeff")
    _reject_binary(text)
    return Decoded(normalise_newlines(text), encoding, warning, line)


def _reject_binary(text: str) -> None:
    sample = text[:_SAMPLE]
    if "\x00" in sample:
        raise NotText("contains NUL characters: this is a binary file, not text")
    if not sample:
        return
    controls = sum(
        1 for c in sample if c not in "\t\n\r\f\v" and unicodedata.category(c) in ("Cc", "Cs")
    )
    # A real text file has next to none; binary data read as cp1252 has ~10 %.
    if controls > max(2, len(sample) // 50):
        raise NotText("mostly control characters: this is a binary file, not text")
