"""Export -> import is a fixed point (issue 9), on every real file we were given.

(1) Import the corpora and the trending sample into library A, export, import the
export into A again: 0 papers added, 0 updated, 0 fields in conflict, every record
as it was. (2) Import the same export into an empty library B: the same papers
(by citation key) with the same fields, in BibTeX, biblatex and CSL-JSON.

"The same" is exact for title, venue, year, arXiv id, URL, entry type, tags, note,
authors (Unicode-normalised) and the set of extra fields. What a format truly cannot
say, and so is compared as a merge compares it (db/merge.py):
- an abstract's LaTeX (arXiv and the trending page keep `na\\"ive`; a .bib value is
  LaTeX, so the reader gives it back decoded);
- a DOI written as a URL (`http://doi.acm.org/10.1145/x`) comes back from CSL-JSON as
  the bare DOI, which is what CSL's `DOI` variable holds;
- extra values: LaTeX escapes, case braces, name-list syntax, page dashes;
- BibTeX/biblatex only: an entry type neither tool knows (`@wrong`) is written
  `@misc`, so that bibtex and biber take the entry (CSL-JSON keeps it in `custom`).
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from readinglist.db.merge import doi_core, same_extra, text_key
from readinglist.domain import ExportFormat, PaperDetail, PaperDraft, Person
from readinglist.formats.bibtex_write import _BIBLATEX_TYPES, _BIBTEX_TYPES
from readinglist.formats.clean import PLAIN_FIELDS_KEY
from readinglist.library import Library

BIB_TYPES = _BIBLATEX_TYPES | _BIBTEX_TYPES
FORMATS = [ExportFormat.BIBTEX, ExportFormat.BIBLATEX, ExportFormat.CSLJSON]


def _inputs(shared: Path) -> list[Path]:
    files = sorted((shared / "corpora").glob("*/*")) + sorted((shared / "samples").glob("*.txt"))
    files = [f for f in files if f.suffix != ".tsv" and f.name != "README.md"]
    if not files:
        pytest.skip("no corpora or sample")
    return files


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Library A with every corpus file and the sample, made once and copied per test."""
    shared = Path(__file__).resolve().parent.parent.parent / "shared"
    if not shared.is_dir():
        pytest.skip("../shared is not present")
    folder = tmp_path_factory.mktemp("roundtrip") / "a"
    with Library(folder) as lib:
        report = lib.import_paths(_inputs(shared))
        assert len(report.added) > 400
    yield folder


def _snapshot(lib: Library) -> dict[int, PaperDetail]:
    return {d.id: d for d in lib.details(lib.ids())}


def _write(tmp_path: Path, fmt: ExportFormat, text: str) -> Path:
    out = tmp_path / ("export.json" if fmt is ExportFormat.CSLJSON else "export.bib")
    out.write_text(text, encoding="utf-8")
    return out


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_export_imported_into_the_same_library_changes_nothing(
    tmp_path: Path, template: Path, fmt: ExportFormat
) -> None:
    folder = tmp_path / "a"
    shutil.copytree(template, folder)
    with Library(folder) as lib:
        out = _write(tmp_path, fmt, lib.export(fmt))
        before = _snapshot(lib)
        report = lib.import_paths([out])
        after = _snapshot(lib)
    assert report.added == ()
    assert report.updated == ()
    disputed = {m.citation_key: m.conflicts for m in report.merges if m.conflicts}
    assert disputed == {}
    # every field as it was; only the review line may go: it says what differs from
    # the *last* import, and the last import (this export) agrees with every paper
    changed = [
        k for k in before if replace(before[k], conflicts={}) != replace(after[k], conflicts={})
    ]
    assert changed == []
    # and no new one (what a format does not carry keeps its old review line)
    assert all(after[k].conflicts.items() <= before[k].conflicts.items() for k in after)
    assert report.duplicates == len(before)


def _person(p: Person) -> tuple[str, ...]:
    return tuple(
        unicodedata.normalize("NFC", part) for part in (p.family, p.given, p.prefix, p.suffix)
    )


def _differences(a: PaperDetail, b: PaperDetail, fmt: ExportFormat) -> list[str]:
    """The fields of `a` that `b` does not have as they are.

    Exact, except where a format has one spelling for two of ours (see the module
    docstring): LaTeX in an abstract from the trending page or arXiv, which a .bib
    gives back decoded (`na\\"ive` -> `naïve`); a DOI written as a URL, which a CSL
    reader takes as the bare DOI; an extra field's LaTeX or name-list syntax.
    """
    out = []
    for name in ("title", "venue", "year", "arxiv_id", "url", "entry_type", "tags", "note"):
        if getattr(a, name) != getattr(b, name):
            out.append(name)
    if text_key(a.abstract) != text_key(b.abstract):
        out.append("abstract")
    if [_person(p) for p in a.authors] != [_person(p) for p in b.authors]:
        out.append("authors")
    if (doi_core(a.doi) != doi_core(b.doi)) if fmt is ExportFormat.CSLJSON else (a.doi != b.doi):
        out.append("doi")
    extra_a = {k: v for k, v in a.extra.items() if k != PLAIN_FIELDS_KEY}
    extra_b = {k: v for k, v in b.extra.items() if k != PLAIN_FIELDS_KEY}
    if extra_a.keys() != extra_b.keys():
        out.append(f"extra keys {sorted(extra_a.keys() ^ extra_b.keys())}")
    else:
        out += [f"extra {k}" for k in extra_a if not same_extra(k, extra_a[k], extra_b[k])]
    return out


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_export_imported_into_an_empty_library_gives_the_same_papers(
    tmp_path: Path, template: Path, fmt: ExportFormat
) -> None:
    with Library(template) as lib:
        text = lib.export(fmt)
        a = {d.citation_key: d for d in lib.details(lib.ids())}
    out = _write(tmp_path, fmt, text)
    with Library(tmp_path / "b") as lib_b:
        report = lib_b.import_paths([out])
        b = {d.citation_key: d for d in lib_b.details(lib_b.ids())}
    assert report.duplicates == 0
    assert sorted(b) == sorted(a)
    differing = {k: d for k in a if (d := _differences(a[k], b[k], fmt))}
    if fmt is not ExportFormat.CSLJSON:
        # the one thing a .bib cannot say: an entry type neither BibTeX nor biblatex
        # knows (bibtexparser's `@wrong`) is written @misc, so both tools take the entry
        unknown = {k for k in a if a[k].entry_type and a[k].entry_type not in BIB_TYPES}
        assert unknown == {"foo"} and all(b[k].entry_type == "misc" for k in unknown)
        differing = {
            k: d for k, d in differing.items() if not (k in unknown and d == ["entry_type"])
        }
    assert differing == {}


def test_our_csl_export_keeps_the_entry_type_a_foreign_file_reads_by_the_standard_map(
    tmp_path: Path,
) -> None:
    """CSL's `chapter` is inbook and incollection, `book` also proceedings: our export
    says which in `custom`; a file without it reads `chapter` as incollection."""
    with Library(tmp_path / "a") as lib:
        lib.import_drafts(
            [
                PaperDraft(title="A chapter", entry_type="inbook", year=2001),
                PaperDraft(title="Some proceedings", entry_type="proceedings", year=2002),
                PaperDraft(title="An odd one", entry_type="wrong", year=2003),
            ],
            source="test",
        )
        text = lib.export(ExportFormat.CSLJSON)
    items = json.loads(text)
    assert [(i["type"], i["custom"]["entry-type"]) for i in items] == [
        ("chapter", "inbook"),
        ("book", "proceedings"),
        ("document", "wrong"),
    ]
    foreign = [{k: v for k, v in i.items() if k != "custom"} for i in items]
    (tmp_path / "ours.json").write_text(text, encoding="utf-8")
    (tmp_path / "foreign.json").write_text(json.dumps(foreign), encoding="utf-8")
    with Library(tmp_path / "b") as lib_b:
        lib_b.import_paths([tmp_path / "ours.json"])
        ours = sorted(d.entry_type for d in lib_b.details(lib_b.ids()))
        kept = [dict(d.extra) for d in lib_b.details(lib_b.ids())]
    with Library(tmp_path / "c") as lib_c:
        lib_c.import_paths([tmp_path / "foreign.json"])
        theirs = sorted(d.entry_type for d in lib_c.details(lib_c.ids()))
    assert ours == ["inbook", "proceedings", "wrong"]
    assert theirs == ["book", "incollection", "misc"]
    assert not any("entry-type" in extra for extra in kept)  # bookkeeping, not a field
