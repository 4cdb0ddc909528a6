"""Export dispatch: one entry point for the library, CLI and UI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from readinglist.domain import ExportFormat, PaperDetail
from readinglist.formats.bibtex_write import write_bibtex
from readinglist.formats.csljson_write import write_csljson
from readinglist.formats.markdown_export import write_markdown

FILE_SUFFIX: Mapping[ExportFormat, str] = MappingProxyType(
    {
        ExportFormat.BIBTEX: ".bib",
        ExportFormat.BIBLATEX: ".bib",
        ExportFormat.CSLJSON: ".json",
        ExportFormat.MARKDOWN: ".md",
    }
)


def export_papers(papers: Sequence[PaperDetail], fmt: ExportFormat) -> str:
    """The text of an export file (write it as UTF-8); deterministic for given papers."""
    if fmt is ExportFormat.BIBTEX:
        return write_bibtex(papers)
    if fmt is ExportFormat.BIBLATEX:
        return write_bibtex(papers, biblatex=True)
    if fmt is ExportFormat.CSLJSON:
        return write_csljson(papers)
    if fmt is ExportFormat.MARKDOWN:
        return write_markdown(papers)
    raise ValueError(f"unknown export format: {fmt!r}")
