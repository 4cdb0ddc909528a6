"""Every real file we were given, imported into one library and exported through the
whole pipeline, must pass real bibtex and biber without a single error."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from readinglist.domain import ExportFormat
from readinglist.library import Library


def _check_bib(tool: Path, bib: Path) -> None:
    done = subprocess.run(
        ["bash", str(tool), "-v", str(bib)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("fmt", [ExportFormat.BIBTEX, ExportFormat.BIBLATEX])
def test_corpora_and_sample_export_passes_bibtex_and_biber(
    tmp_path: Path, shared: Path, fmt: ExportFormat
) -> None:
    if not (shutil.which("pdflatex") and shutil.which("bibtex")):
        pytest.skip("TeX tools not installed (see README)")
    files = sorted((shared / "corpora").glob("*/*")) + sorted((shared / "samples").glob("*.txt"))
    files = [f for f in files if f.suffix != ".tsv" and f.name != "README.md"]
    with Library(tmp_path / "lib") as lib:
        report = lib.import_paths(files, tags=["corpus", "a_b & c"])
        assert len(report.added) > 400
        # every problem names its file; none is a crash
        assert all(p.file and p.message for p in report.problems)
        lib.set_note(report.added[0], "50% done & {unbalanced $ note \\")
        text = lib.export(fmt)
    assert text.count("\n@") + text.startswith("@") == len(report.added)
    out = tmp_path / "all.bib"
    out.write_text(text, encoding="utf-8")
    _check_bib(shared / "tools" / "check_bib.sh", out)
