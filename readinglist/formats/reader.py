"""One entry point for importing: bytes or text or a path in, drafts and problems out.

Decodes, detects the format (unless the caller names it), and hands the text to
that format's reader. Decoding guesses become a Problem on line 0, so the user sees
"read as windows-1252" next to the records.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import cast

from readinglist.domain import LibraryError, ParseResult, Problem, SourceFormat
from readinglist.files import MB, read_limited
from readinglist.formats import arxiv, csljson_read, ris, trending
from readinglist.formats.decode import NotText, decode_bytes, normalise_newlines
from readinglist.formats.detect import detect_format, is_web_of_science

__all__ = [
    "FORMAT_NAMES",
    "IMPORT_LIMIT_HINT",
    "UnknownFormat",
    "read_bytes",
    "read_path",
    "read_text",
]

ReadFn = Callable[[str, str], ParseResult]

# Follows the limit in "larger than the limit of 512 MB": how to raise it.
IMPORT_LIMIT_HINT = " (setting max_import_mb in settings.json, or READINGLIST_MAX_IMPORT_MB)"

# How each format is named to the user (in errors and in the import dialog).
FORMAT_NAMES: dict[SourceFormat, str] = {
    SourceFormat.BIBTEX: "BibTeX (.bib)",
    SourceFormat.RIS: "RIS (.ris)",
    SourceFormat.ARXIV: "arXiv API Atom feed (.xml)",
    SourceFormat.CSLJSON: "CSL-JSON (.json)",
    SourceFormat.TRENDING: "a copied trending-papers page (title line, abstract line)",
}


class UnknownFormat(LibraryError):
    """The content is in none of the formats we can read."""


def read_path(
    path: Path, fmt: SourceFormat | None = None, *, limit_mb: int | None = None
) -> ParseResult:
    """Read an import file: a regular file of at most `limit_mb` (default: the setting).

    A FIFO, device or folder is refused (it would hang or never end), and so is a
    file over the limit, before anything is read; errors are LibraryErrors that name
    the file ("cannot read PATH: ...").
    """
    if limit_mb is None:
        from readinglist.config import load_config  # the user's settings, read when needed

        limit_mb = load_config().max_import_mb
    data = read_limited(path, limit_mb * MB, hint=IMPORT_LIMIT_HINT)
    return read_bytes(data, path.name, fmt)


def read_bytes(data: bytes, source: str, fmt: SourceFormat | None = None) -> ParseResult:
    if not data or data.isspace():  # no copy of a 100 MB file
        return _empty(source, fmt)
    try:
        decoded = decode_bytes(data)
    except NotText as e:
        raise NotText(f"{source}: {e}") from None
    result = read_text(decoded.text, source, fmt)
    if decoded.warning is None:
        return result
    warning = Problem(source, decoded.line, decoded.warning)  # the first bad byte's line
    return dataclasses.replace(result, problems=(warning, *result.problems))


def read_text(text: str, source: str, fmt: SourceFormat | None = None) -> ParseResult:
    """Read text already in memory (a pasted page, a decoded file)."""
    text = normalise_newlines(text.removeprefix("\ufeff"))
    if not text or text.isspace():
        return _empty(source, fmt)
    found = fmt or detect_format(text, source)
    if found is None:
        raise UnknownFormat(_unknown_message(text, source))
    result = _reader(found)(text, source)
    return dataclasses.replace(result, format=found)


def _empty(source: str, fmt: SourceFormat | None) -> ParseResult:
    return ParseResult((), (Problem(source, 0, "empty file: nothing to import"),), fmt)


def _unknown_message(text: str, source: str) -> str:
    known = ", ".join(FORMAT_NAMES[f] for f in SourceFormat)
    if is_web_of_science(text):
        return (
            f"{source}: this is a Web of Science tagged export, which cannot be read; "
            f"export the records as RIS or BibTeX instead (understood: {known})"
        )
    return f"{source}: not a format that can be imported (understood: {known})"


def _reader(fmt: SourceFormat) -> ReadFn:
    if fmt is SourceFormat.BIBTEX:
        # Imported when needed: the BibTeX reader pulls in pylatexenc.
        module = importlib.import_module("readinglist.formats.bibtex_read")
        return cast(ReadFn, module.read)
    readers: dict[SourceFormat, ReadFn] = {
        SourceFormat.TRENDING: trending.read,
        SourceFormat.RIS: ris.read,
        SourceFormat.ARXIV: arxiv.read,
        SourceFormat.CSLJSON: csljson_read.read,
    }
    return readers[fmt]
