from __future__ import annotations

import json

import pytest

from readinglist.domain import ExportFormat
from readinglist.formats.writer import FILE_SUFFIX, export_papers
from tests.formats.bib_fixtures import paper


def test_every_format_has_a_suffix() -> None:
    assert set(FILE_SUFFIX) == set(ExportFormat)
    assert FILE_SUFFIX[ExportFormat.BIBTEX] == FILE_SUFFIX[ExportFormat.BIBLATEX] == ".bib"
    assert FILE_SUFFIX[ExportFormat.CSLJSON] == ".json"
    assert FILE_SUFFIX[ExportFormat.MARKDOWN] == ".md"


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_dispatch(fmt: ExportFormat) -> None:
    text = export_papers([paper(1, "Über MaskGIT", venue="Nature", citation_key="k1")], fmt)
    if fmt is ExportFormat.BIBTEX:
        assert text.startswith("@article{k1,") and "journal = {Nature}" in text
        assert '{\\"U}ber' in text
    elif fmt is ExportFormat.BIBLATEX:
        assert "journaltitle = {Nature}" in text and "Über" in text
    elif fmt is ExportFormat.CSLJSON:
        assert json.loads(text)[0]["id"] == "k1"
    else:
        assert text.startswith("# Reading list") and "Über MaskGIT" in text
