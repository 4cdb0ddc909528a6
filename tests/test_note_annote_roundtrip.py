"""A note exported to BibTeX `annote` (biblatex `annotation`) keeps its lines, passes
real bibtex/biber, and importing the export gives the same note back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from readinglist.domain import ExportFormat
from readinglist.formats.bibtex_write import note_value
from readinglist.formats.reader import read_text
from readinglist.library import Library

# what a reader of papers writes in Markdown: paragraphs, lists, code, TeX-looking text
NOTE = "\n".join(
    [
        "# Summary",
        "",
        "Solid baseline; 100% reproducible with $\\alpha = 0.1$ & {seed} \\cite{x} ~home.",
        "- point one",
        "  - nested _detail_",
        "",
        "    code_block(x) # not a comment",
        "@article{evil, title = {looks like an entry}}",
        "Über naïve — “quoted”",
        "",
        "",
        "Last paragraph \\par with a word.",
    ]
)
BIB = "@article{lee2020, title = {Deep Nets}, author = {Lee, K.}, year = 2020, journal = {JMLR}}"


def _entry(fmt: ExportFormat, text: str) -> str:
    field = "annotation" if fmt is ExportFormat.BIBLATEX else "annote"
    start = text.index(f"  {field} = {{") + len(field) + 6
    return text[start : text.index("},\n}", start)]


@pytest.mark.parametrize("fmt", [ExportFormat.BIBTEX, ExportFormat.BIBLATEX])
def test_the_annote_value_keeps_the_lines(tmp_path: Path, fmt: ExportFormat) -> None:
    with Library(tmp_path / "lib") as lib:
        (pid,) = lib.import_text(BIB, source="a.bib").added
        lib.set_note(pid, NOTE)
        value = _entry(fmt, lib.export(fmt))
    lines = value.split("\n")
    assert len(lines) == len(NOTE.split("\n"))  # one line each, blank lines kept
    assert lines[0] == "\\# Summary" and lines[1] == ""
    assert lines[4].startswith("  - nested") and lines[6].startswith("    code")
    assert lines[7].startswith("{}@article")  # never an entry start at a line's head


@pytest.mark.parametrize("fmt", [ExportFormat.BIBTEX, ExportFormat.BIBLATEX])
def test_importing_the_export_gives_the_same_note(tmp_path: Path, fmt: ExportFormat) -> None:
    with Library(tmp_path / "lib") as lib:
        (pid,) = lib.import_text(BIB, source="a.bib").added
        lib.set_note(pid, NOTE)
        text = lib.export(fmt)
        again = lib.import_text(text, source="export.bib")  # into the same library
        assert again.added == ()
        same = lib.get(pid)  # the note is the note, not an extra field beside it
        assert same.note == NOTE and not {"annote", "annotation"} & set(same.extra)
    with Library(tmp_path / "empty") as fresh:
        (new,) = fresh.import_text(text, source="export.bib").added
        paper = fresh.get(new)
        assert paper.note == NOTE
        assert "annote" not in paper.extra and "annotation" not in paper.extra


def test_windows_line_ends_and_edges() -> None:
    for note in ["one line", "a\r\nb\r\n\r\nc", "\n\n  indented first\n\n", "x  \t\ny"]:
        value = note_value(note, ascii_only=True)
        assert "\r" not in value
        (draft,) = read_text(f"@misc{{k, title = {{T}}, annote = {{{value}}}}}", "n.bib").drafts
        expected = "\n".join(
            line.rstrip() for line in note.replace("\r\n", "\n").strip("\n").split("\n")
        )
        assert draft.note == expected


def test_a_foreign_annote_is_read_as_the_note_with_its_latex_decoded() -> None:
    text = '@misc{k, title = {T}, annote = {Read \\emph{twice}.\n\nSee Schr\\"odinger.}}'
    (draft,) = read_text(text, "jabref.bib").drafts
    assert draft.note == "Read twice.\n\nSee Schrödinger."
    assert "annote" not in draft.extra


@pytest.mark.parametrize("fmt", [ExportFormat.BIBTEX, ExportFormat.BIBLATEX])
def test_multi_line_notes_pass_bibtex_and_biber(
    tmp_path: Path, shared: Path, fmt: ExportFormat
) -> None:
    if not (shutil.which("pdflatex") and shutil.which("bibtex")):
        pytest.skip("TeX tools not installed (see README)")
    with Library(tmp_path / "lib") as lib:
        ids = lib.import_text(
            BIB + "\n@misc{other, title = {Other}, author = {Doe, J.}, year = 2021}",
            source="a.bib",
        ).added
        lib.set_note(ids[0], NOTE)
        lib.set_note(ids[1], "50% done & {unbalanced $ note \\\n\nsecond } paragraph {")
        out = tmp_path / "notes.bib"
        out.write_text(lib.export(fmt), encoding="utf-8")
    done = subprocess.run(
        ["bash", str(shared / "tools" / "check_bib.sh"), "-v", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
