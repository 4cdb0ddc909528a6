"""`readinglist complete`, and the issue's "Done when": the seed page completed.

The services are the local stand-in (server.py), named through the environment
variables a user or script would set (READINGLIST_ARXIV_API, ...).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readinglist.cli import run_cli
from readinglist.domain import ExportFormat, PaperDraft
from readinglist.library import Library
from readinglist.text import normalise_title

from .server import FakeServices, entry_xml

MUSE = "Muse: Text-To-Image Generation via Masked Generative Transformers"


@pytest.fixture
def env(fake: FakeServices, monkeypatch: pytest.MonkeyPatch) -> FakeServices:
    monkeypatch.setenv("READINGLIST_ARXIV_API", fake.arxiv_api)
    monkeypatch.setenv("READINGLIST_DOI_RESOLVER", fake.doi_resolver)
    monkeypatch.setenv("READINGLIST_LOOKUP_INTERVAL_S", "0")
    return fake


def _library(tmp_path: Path, *drafts: PaperDraft) -> tuple[Path, list[int]]:
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        ids = list(lib.import_drafts(drafts, source="test").added)
    return folder, ids


def test_complete_ids_prints_progress_and_a_summary(
    tmp_path: Path, env: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, ids = _library(
        tmp_path,
        PaperDraft(title="MaskGIT", arxiv_id="2202.04200", entry_type="misc"),
        PaperDraft(title=MUSE, entry_type="misc"),
        PaperDraft(title="An amazing title", entry_type="misc"),
    )
    code = run_cli(["--library", str(folder), "complete", *map(str, ids)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "completing: 1 of 3 papers" in err and "completing: 3 of 3 papers" in err
    extras = "abstract, primaryclass"
    # the keys made from the titles alone are made again from the authors and year
    assert f"completed 1 paper: authors, year, URL, {extras}, key\n" in out  # by arXiv id
    assert f"completed 1 paper: authors, year, arXiv id, URL, {extras}, key\n" in out
    # "MaskGIT" is what the user has; arXiv's longer title is kept for review
    assert f"1 paper kept fields the service gives differently (review them): {ids[0]}\n" in out
    assert "1 not found for sure" in out
    assert f"  {ids[2]}: arXiv has similar titles" in out
    assert "arXiv:2403.01111  2024  An Amazing Title (Okafor)" in out
    with Library(folder) as lib:
        assert lib.get(ids[1]).arxiv_id == "2301.00704"
        assert lib.get(ids[0]).year == 2022


def test_complete_all_incomplete_as_json(
    tmp_path: Path, env: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    from readinglist.domain import Person

    folder, ids = _library(
        tmp_path,
        PaperDraft(title=MUSE),
        PaperDraft(title="Complete already", authors=(Person("Okafor", "Ada"),), year=2020),
    )
    assert run_cli(["--library", str(folder), "complete", "--all-incomplete", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["filled"]) == [str(ids[0])]
    assert report["requests"] == 1 and report["problems"] == [] and not report["cancelled"]
    # nothing left to complete: nothing is asked
    assert run_cli(["--library", str(folder), "complete", "--all-incomplete"]) == 0
    assert "nothing to complete" in capsys.readouterr().out
    assert len(env.seen) == 1


def test_complete_needs_ids_or_all_incomplete(
    tmp_path: Path, env: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = _library(tmp_path, PaperDraft(title=MUSE))
    assert run_cli(["--library", str(folder), "complete"]) == 2
    assert "give paper IDs or --all-incomplete" in capsys.readouterr().err
    assert run_cli(["--library", str(folder), "complete", "99"]) == 1
    assert "no paper with id 99" in capsys.readouterr().err
    assert env.seen == []


def test_complete_offline_is_one_clear_line_and_exit_1(
    tmp_path: Path,
    env: FakeServices,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, ids = _library(tmp_path, PaperDraft(title=MUSE), PaperDraft(title="MaskGIT"))
    monkeypatch.setenv("READINGLIST_ARXIV_API", "http://127.0.0.1:9/api/query")  # discard port
    assert run_cli(["--library", str(folder), "complete", *map(str, ids)]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("readinglist:")]
    assert lines == [
        f"readinglist: cannot reach 127.0.0.1:9: [Errno 111] Connection refused "
        f"(2 papers: {ids[0]}, {ids[1]})"
    ]
    assert "Traceback" not in err


def test_seed_page_completed_exports_bibtex_with_authors_and_years(
    tmp_path: Path, env: FakeServices, sample_page: Path, shared: Path
) -> None:
    """Issue 9, "Done when": the whole seed page, imported, then completed against
    recorded arXiv answers, exports BibTeX in which most papers have authors and a
    year, and check_bib.sh reports no errors."""
    lib = Library(tmp_path / "lib")
    try:
        imported = lib.import_paths([sample_page])
        assert len(imported.added) > 100
        # arXiv's answers for the page's titles, in its own feed layout
        env.entries.clear()
        details = lib.details(list(imported.added))
        for n, d in enumerate(details):
            if n % 10 == 9:
                continue  # some papers are not on arXiv
            arxiv_id = f"23{n // 100:02d}.{n % 100:05d}"
            authors = [f"Given{n} Family{n}", "Ada Okafor"]
            env.entries[arxiv_id] = entry_xml(arxiv_id, d.title, authors, 2018 + n % 6, d.abstract)
        incomplete = lib.incomplete_ids()
        assert len(incomplete) == len(details)
        from readinglist.config import Config
        from readinglist.lookup.complete import Services

        services = Services.from_config(
            Config(arxiv_api=env.arxiv_api, doi_resolver=env.doi_resolver), interval_s=0
        )
        report = lib.complete(incomplete, services=services)
        bib = lib.export(ExportFormat.BIBTEX)
    finally:
        lib.close()

    assert report.requests == -(-len(details) // 10)  # ten titles to a search
    assert not report.problems
    titles = {normalise_title(d.title) for d in details}
    assert len(titles) == len(details)  # every title searched is its own
    with_both = [e for e in re.split(r"\n(?=@)", bib) if "author = " in e and "year = " in e]
    assert len(with_both) >= 0.85 * len(details)
    assert len(report.filled) == len(with_both)

    tool = shared / "tools" / "check_bib.sh"
    if not tool.exists() or shutil.which("pdflatex") is None or shutil.which("biber") is None:
        pytest.skip("check_bib.sh or its TeX toolchain is not installed")
    out = tmp_path / "completed.bib"
    out.write_text(bib, encoding="utf-8")
    run = subprocess.run([str(tool), str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def test_ctrl_c_stops_between_requests_and_keeps_what_came(
    tmp_path: Path, fake: FakeServices
) -> None:
    """A real SIGINT to a real `readinglist complete` waiting out arXiv's interval."""
    folder, ids = _library(
        tmp_path, PaperDraft(title="Muse", arxiv_id="2301.00704"), PaperDraft(title="MaskGIT")
    )
    env = {
        **os.environ,
        "READINGLIST_ARXIV_API": fake.arxiv_api,
        "READINGLIST_DOI_RESOLVER": fake.doi_resolver,
        "READINGLIST_LOOKUP_INTERVAL_S": "600",  # the second request would wait 10 minutes
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "readinglist", "--library", str(folder), "complete"]
        + [str(i) for i in ids],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(600):  # the first request has arrived: the child waits for the next
            if fake.seen:
                break
            time.sleep(0.05)
        assert fake.seen, "the child never asked"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert "stopped early; the answers received were applied" in out
    assert "stopping after the current request" in err and "Traceback" not in err
    assert len(fake.seen) == 1
    with Library(folder) as lib:
        muse, other = lib.details(ids)
    assert muse.arxiv_id == "2301.00704" and muse.year == 2023
    assert other.year is None


def test_complete_accepts_citation_keys_as_well_as_ids(
    tmp_path: Path, env: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, ids = _library(
        tmp_path,
        PaperDraft(title="MaskGIT", arxiv_id="2202.04200", source_key="Chang2022"),
        PaperDraft(title=MUSE, arxiv_id="2301.00704"),
        PaperDraft(title="An amazing title"),
    )
    code = run_cli(["--library", str(folder), "complete", "chang2022", str(ids[1])])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count("completed 1 paper: authors, year") == 2
    with Library(folder) as lib:
        done = lib.details(ids)
    assert [d.year for d in done] == [2022, 2023, None]  # the third was not asked for
    assert done[0].citation_key == "Chang2022"  # the file's key stays
    assert len(env.requests_to("/api/query")) == 1
    assert run_cli(["--library", str(folder), "complete", "nosuchkey"]) == 1
    err = capsys.readouterr().err
    assert "nosuchkey" in err and "Traceback" not in err and err.count("\n") == 1
