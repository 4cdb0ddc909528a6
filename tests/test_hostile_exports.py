"""Hostile content never gets through (issue 8, items 4-7), inflicted for real.

Every hostile value goes in through a real reader and a real library (SQLite + Whoosh
in tmp_path) and comes out of a real export, the CLI in a subprocess, or search:
- TeX: every input format (BibTeX, biblatex, RIS, arXiv Atom, CSL-JSON, trending
  page) plus hostile notes and tags -> bibtex and biblatex exports -> check_bib.sh
  (real bibtex, biber, pdflatex and its `safety` stage);
- Markdown: notes, titles, abstracts and URLs -> export -> rendered by
  Python-Markdown (plain and with `extra`/attr_list) -> every tag and attribute checked;
- terminal: control characters in every field -> `list`, `search`, `show` output;
- invisible characters: `\\-`, U+00AD, ZWSP -> search and duplicate detection.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from readinglist.domain import ExportFormat
from readinglist.formats.tex_escape import SAFE_MACROS
from readinglist.library import Library
from tests import hostile_payloads as hp

# --------------------------------------------------------------------------- TeX

FILES = {
    "hostile.bib": lambda: hp.bibtex(hp.TEX),
    "hostile-biblatex.bib": lambda: hp.bibtex(hp.TEX, biblatex=True),
    "hostile.ris": lambda: hp.ris(hp.TEX),
    "hostile.csl.json": lambda: hp.csljson(hp.TEX),
    "hostile.atom.xml": lambda: hp.arxiv_atom(hp.TEX),
    "hostile-trending.txt": lambda: hp.trending(hp.TEX),
}
# TeX's own reading of a control word: a backslash, then letters or one other character
_CONTROL = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
# check_bib.sh's safety stage, the same pattern
_FILE_COMMAND = re.compile(r"\\(input|include|openin|openout|read|write18|immediate)([^a-zA-Z]|$)")


@pytest.fixture(scope="module")
def tex_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, Counter[str]]]:
    folder = tmp_path_factory.mktemp("hostile-tex")
    paths = []
    for name, make in FILES.items():
        path = folder / name
        path.write_text(make(), encoding="utf-8")
        paths.append(path)
    with Library(folder / "lib") as lib:
        report = lib.import_paths(paths)
        ids = list(report.added)
        # hostile notes and tags too (a tag is one line without commas)
        for n, payload in enumerate(hp.TEX):
            lib.set_note(ids[n], payload)
            tag = " ".join(payload.replace(",", " ").split())[:200]
            if tag:
                lib.add_tags([ids[-1 - n]], [tag])
        per_source = Counter(d.source for d in lib.details(ids))
        yield lib, per_source


def test_every_format_brings_its_hostile_records_in(
    tex_library: tuple[Library, Counter[str]],
) -> None:
    _, per_source = tex_library
    n = len(hp.TEX)
    # RIS, CSL, arXiv: one paper per payload; the trending page and the .bib files lose a
    # few records to values that break their own syntax (a lone "}" ends a .bib field)
    assert per_source["hostile.ris"] == n
    assert per_source["hostile.csl.json"] == n
    assert per_source["hostile.atom.xml"] == n
    for name in ("hostile.bib", "hostile-biblatex.bib", "hostile-trending.txt"):
        assert per_source[name] >= n * 3 // 4, (name, per_source)


@pytest.mark.parametrize("fmt", [ExportFormat.BIBTEX, ExportFormat.BIBLATEX])
def test_export_holds_no_command_that_is_not_a_printing_macro(
    tex_library: tuple[Library, Counter[str]], fmt: ExportFormat
) -> None:
    lib, per_source = tex_library
    text = lib.export(fmt)
    assert text.count("\n@") + text.startswith("@") == sum(per_source.values())
    unsafe = {
        m.group(1)
        for m in _CONTROL.finditer(text)
        if m.group(1)[0].isalpha() and m.group(1) not in SAFE_MACROS
    }
    assert unsafe == set()
    assert "^^" not in text
    assert not _FILE_COMMAND.search(text)


def test_plain_text_fields_are_escaped_and_bibtex_markup_is_kept(lib: Library) -> None:
    csl = '[{"id": "a", "type": "book", "title": "Plain", "note": "\\\\emph{x} 50% #1",'
    csl += ' "publisher": "\\\\input{/etc/hostname}"}]'
    lib.import_text(csl, source="plain.json")
    lib.import_text(
        "@book{b, title={Marked}, note={\\emph{x} 50\\% and $\\alpha$},"
        " series={\\input{/etc/hostname} \\textbf{Press}}}",
        source="marked.bib",
    )
    text = lib.export(ExportFormat.BIBTEX)
    plain, marked = text.split("\n\n")
    if "Marked" in plain:
        plain, marked = marked, plain
    # CSL text prints as written: every backslash and brace escaped
    assert r"note = {{\textbackslash}emph{\textbraceleft}x{\textbraceright} 50\% \#1}" in plain
    assert r"publisher = {{\textbackslash}input{\textbraceleft}/etc/hostname" in plain
    # BibTeX markup stays markup; only the file command is made text
    assert r"note = {\emph{x} 50\% and $\alpha$}" in marked
    assert r"series = {{\textbackslash}input{/etc/hostname} \textbf{Press}}" in marked


@pytest.mark.parametrize("fmt", [ExportFormat.BIBTEX, ExportFormat.BIBLATEX])
def test_hostile_export_passes_check_bib_including_safety(
    tex_library: tuple[Library, Counter[str]], fmt: ExportFormat, shared: Path, tmp_path: Path
) -> None:
    if not (shutil.which("pdflatex") and shutil.which("bibtex")):
        pytest.skip("TeX tools not installed (see README)")
    lib, _ = tex_library
    out = tmp_path / "hostile.bib"
    out.write_text(lib.export(fmt), encoding="utf-8")
    done = subprocess.run(
        ["bash", str(shared / "tools" / "check_bib.sh"), "-v", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "file_commands=0 foreign_file_reads=0" in done.stdout
    assert not Path("/tmp/readinglist-pwned").exists()


# --------------------------------------------------------------------------- Markdown

_ALLOWED_TAGS = {
    *[
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "b",
        "i",
        "del",
        "code",
        "pre",
        "blockquote",
    ],
    *[
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "sup",
        "div",
        "span",
        "abbr",
    ],
}
_SAFE_HREF = re.compile(r"(https?://|mailto:|#|[^:]*$)", re.IGNORECASE)


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("src", "srcdoc", "style", "formaction"):
                self.bad.append(f"<{tag} {name}={value}>")
            if name == "href":
                href = re.sub(r"[\x00-\x20]", "", value or "")
                self.hrefs.append(href)
                if not _SAFE_HREF.match(href):
                    self.bad.append(f"<{tag} href={value}>")


def _audit(html: str) -> _Audit:
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit


def test_markdown_export_runs_and_loads_nothing(lib: Library, tmp_path: Path) -> None:
    source = tmp_path / "hostile-html.csl.json"
    source.write_text(hp.csljson(hp.HTML), encoding="utf-8")
    report = lib.import_paths([source])
    ids = list(report.added)
    assert len(ids) == len(hp.HTML)
    for n, payload in enumerate(hp.HTML):
        lib.set_note(ids[n], f"My note {n}.\n\n{payload}\n\nafter")
    links = [
        {"id": "u", "title": "Linked", "URL": "javascript:alert(1)"},
        {"id": "v", "title": "Quoted", "URL": 'https://x.example/"><script>alert(1)</script>'},
        {"id": "w", "title": "Doi", "DOI": '10.1/x" onmouseover="alert(1)'},
        {"id": "x", "title": "Data", "URL": "data:text/html,<script>alert(1)</script>"},
    ]
    lib.import_text(json.dumps(links), source="u.json")
    text = lib.export(ExportFormat.MARKDOWN)
    assert not re.search(r"(?<!\\)\]\((?i:javascript):", text)
    for extensions in ([], ["extra"], ["extra", "nl2br", "sane_lists", "attr_list"]):
        html = markdown.markdown(text, extensions=extensions)
        audit = _audit(html)
        assert audit.bad == [], (extensions, audit.bad[:10])
        assert any(h.startswith("https://ok.example") for h in audit.hrefs)  # links still work
    # every note came out, with its text
    assert all(f"My note {n}." in text for n in range(len(hp.HTML)))


# --------------------------------------------------------------------------- terminal

_TERMINAL_BAD = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _cli(lib_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "READINGLIST_CONFIG": os.devnull}
    return subprocess.run(
        [sys.executable, "-m", "readinglist", "--library", str(lib_dir), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",
        env=env,
        timeout=120,
    )


# Ordinary text around the controls: a file that is mostly control characters is
# refused whole as binary (formats/decode.py), which is not what this test is about.
_FILLER = "Ordinary words of an abstract that make the file look like text. " * 20


def _control_files(folder: Path) -> list[Path]:
    bib = "\n".join(
        f"@article{{c{n}, title={{Control {n} {p}}}, author={{Ctl, Al}}, year={{2020}},"
        f" journal={{J {p}}}, abstract={{First {p}\n\nsecond paragraph}},"
        f" addendum={{{_FILLER}}}}}"
        for n, p in enumerate(hp.CONTROL)
    )
    ris = hp.ris(hp.CONTROL).replace("RIS hostile", "RIS control")
    files = {
        "control.bib": bib,
        "control.ris": ris.replace("ER  - ", f"U1  - {_FILLER}\nER  - "),
        "control.csl.json": hp.csljson(hp.CONTROL).replace("CSL hostile", "CSL control"),
    }
    paths = []
    for name, body in files.items():
        path = folder / name
        if not name.endswith(".json"):
            # a NUL byte makes a text file binary (refused whole); JSON spells it \u0000
            body = body.replace("\x00", "")
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def test_control_characters_are_stripped_at_import_and_never_printed(tmp_path: Path) -> None:
    lib_dir = tmp_path / "lib"
    done = _cli(lib_dir, "import", *map(str, _control_files(tmp_path)))
    assert done.returncode == 0, done.stderr
    with Library(lib_dir) as lib:
        details = lib.details(lib.ids())
        assert len(details) >= 2 * len(hp.CONTROL)
        for d in details:
            for value in (d.title, d.venue, *(a.family for a in d.authors), *d.tags):
                assert not _TERMINAL_BAD.search(value) and "\n" not in value, repr(value)
            assert not _TERMINAL_BAD.search(d.abstract), repr(d.abstract)
        kept = [d for d in details if "second paragraph" in d.abstract]
        assert kept and all("\n\nsecond paragraph" in d.abstract for d in kept)
        for n, p in enumerate(hp.CONTROL):  # hostile notes, through the library API
            lib.set_note(details[n].id, f"note {p}\n\tindented")
        assert "\n\tindented" in lib.get(details[0].id).note
    outputs = [_cli(lib_dir, "list"), _cli(lib_dir, "search", "control")]
    # `show` for one paper per file (each CLI run costs a second or two); every
    # payload at once is shown by the old-library test below
    shown = {d.source: d for d in details}
    outputs += [_cli(lib_dir, "show", str(d.id)) for d in shown.values()]
    for out in outputs:
        assert out.returncode == 0, out.stderr
        assert not _TERMINAL_BAD.search(out.stdout), repr(_TERMINAL_BAD.findall(out.stdout))
    assert len(outputs[0].stdout.splitlines()) == len(details)  # one line per paper


def test_old_library_holding_control_characters_prints_safely(tmp_path: Path) -> None:
    lib_dir = tmp_path / "lib"
    with Library(lib_dir) as lib:
        lib.import_text("@article{a, title={Legacy title}, year={2020}}", source="a.bib")
        pid = lib.ids()[0]
    # a library written before imports were cleaned: raw controls in the database
    evil = "".join(hp.CONTROL)
    with sqlite3.connect(lib_dir / "library.sqlite") as db:
        db.execute(
            "UPDATE papers SET title = ?, abstract = ?, venue = ?",
            ("Legacy " + evil, "abs " + evil, evil),
        )
        # the note is the one member's own (issue 12: readings)
        db.execute(
            "INSERT INTO readings (member, paper_id, note) VALUES ('', ?, ?)",
            (pid, "note " + evil),
        )
    db.close()
    for args in (["list"], ["show", str(pid)], ["search", "legacy"]):
        out = _cli(lib_dir, *args)
        assert out.returncode == 0, out.stderr
        assert "Legacy" in out.stdout or "legacy" in out.stdout.lower()
        assert not _TERMINAL_BAD.search(out.stdout), (args, repr(out.stdout[:300]))
        assert "\x1b" not in out.stderr


# --------------------------------------------------------------------------- invisible


def test_invisible_characters_break_neither_search_nor_duplicates(lib: Library) -> None:
    lib.import_text(
        "@article{u, title={Un\\-der\\-stand\\-ing Deep Nets}, year={2020}}", source="u.bib"
    )
    lib.import_text(
        "TY  - JOUR\nTI  - Zero\u200bShot Learn\u00ading of Graph\ufeffs\nPY  - 2021\nER  - \n",
        source="z.ris",
    )
    lib.import_text(
        '[{"id": "w", "title": "Word\u2060joined Trans\u00adformers", "issued": '
        '{"date-parts": [[2022]]}}]',
        source="w.json",
    )
    titles = sorted(d.title for d in lib.details(lib.ids()))
    assert titles == [
        "Understanding Deep Nets",
        "Wordjoined Transformers",
        "ZeroShot Learning of Graphs",
    ]
    for query, expected in (
        ("understanding", "Understanding Deep Nets"),
        ("learning", "ZeroShot Learning of Graphs"),
        ("transformers", "Wordjoined Transformers"),
    ):
        found = [d.title for d, _ in lib.search(query)]
        assert found == [expected], query
    again = lib.import_text(
        '[{"id": "c", "title": "Understanding deep nets"}, {"id": "d", "title":'
        ' "Zero\u00adShot learning of graphs"}]',
        source="clean.json",
    )
    assert again.added == () and again.duplicates == 2


def test_a_soft_hyphen_already_in_an_old_library_is_found_after_reindex(tmp_path: Path) -> None:
    lib_dir = tmp_path / "lib"
    with Library(lib_dir) as lib:
        lib.import_text("@article{a, title={Placeholder}, year={2020}}", source="a.bib")
    with sqlite3.connect(lib_dir / "library.sqlite") as db:  # stored before imports were cleaned
        db.execute("UPDATE papers SET title = ?", ("Un\u00adder\u00adstand\u00ading Graphs",))
    db.close()
    with Library(lib_dir) as lib:
        lib.rebuild_index()
        assert [d.title for d, _ in lib.search("understanding")] == [
            "Un\u00adder\u00adstand\u00ading Graphs"
        ]
        assert lib.search("der") == []  # not split into "un", "der", "stand", "ing"
