"""`list --json` and `list` read by SQLite alone (library_quick.py, db/raw_listing.py)
against the general path (Library.details -> cli.paper_json -> json), byte for byte, on a library
of hostile values and for every filter the CLI's `list` takes; and each check of a
normal open that must send the command the full way."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from readinglist import cli
from readinglist.db.raw_listing import ENCODE
from readinglist.domain import Filter, PaperDraft, Person, Status
from readinglist.library import Library
from readinglist.library_quick import list_json, list_rows, show_json

HOSTILE = (
    "C1 \x85 next-line \x9b CSI \x80 \x9f",
    "bidi \u202e override \u202d \u2066 isolate \u2069 \u061c \u200e \u200f",
    "separators \u2028 line \u2029 paragraph",
    "emoji 🧪🔬 and astral 𝔸 and combining e\u0301",
    r"LaTeX Schr\"odinger $\alpha^2$ \input{/etc/hostname} \\ \{",
    'quotes " and \\ backslash and / slash',
    "C0 \x01 \x07 bell \x1b[31m escape \x08 \t tab \n newline \r \x0c \x7f DEL",
    "",
)


def _drafts() -> list[PaperDraft]:
    many = tuple(Person(f"Family{i}", f"Given{i}") for i in range(60))
    odd = (
        Person("Beethoven", "Ludwig", "van", "Jr."),
        Person("{Corporate \u202e Name}"),
        Person("", "Onlygiven"),
        Person("Zoë", "José \x85"),
    )
    drafts = [
        PaperDraft(
            title=text or "",
            abstract=HOSTILE[(i + 1) % len(HOSTILE)],
            authors=odd if i % 2 else many[: i * 7],
            year=None if i % 3 == 0 else 1990 + i,
            venue=HOSTILE[(i + 2) % len(HOSTILE)],
            doi=f"10.1000/x{i}",
            url="https://example.org/\u2028" if i == 3 else "",
            tags=("Äpfel", "ML") if i % 2 else ("äpfel", "ml", "Vision"),
        )
        for i, text in enumerate(HOSTILE)
    ]
    drafts.append(PaperDraft(title="Plain ASCII paper", year=2020))
    return drafts


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("raw_listing") / "lib"
    with Library(folder) as lib:
        ids = list(lib.import_drafts(_drafts(), source="test \u202e source").added)
        lib.set_status(ids[:3], Status.READ)
        lib.set_status(ids[3:5], Status.READING)
        lib.set_status(ids[5:6], Status.UNREAD)  # a row saying unread
        lib.set_note(ids[0], "note \u2028 with **markup** \x85")
        lib.set_note(ids[1], "a note once shown to a group")
        lib.add_tags(ids[2:4], ["Ünïcode tag", "vision"])
        lib.trash(ids[4:5])
    db = sqlite3.connect(folder / "library.sqlite")
    with db:  # what only an old library or a hand edit would hold (imports clean text)
        for i, pid in enumerate(ids[: len(HOSTILE)]):
            a, b, c, d = (HOSTILE[(i + k) % len(HOSTILE)] for k in range(4))
            db.execute(
                "UPDATE papers SET title = ?, abstract = ?, venue = ?, source = ?, url = ?,"
                " entry_type = ?, arxiv_id = ? WHERE id = ?",
                (a, b, c, d, a, b, c, pid),
            )
            db.execute("UPDATE readings SET note = ? WHERE paper_id = ?", (d, pid))
        db.execute(
            "UPDATE papers SET links_json = ?, added_at = ? WHERE id = ?",
            ('["https://a.example/","b\u2028"]', "2024-02-29 23:59:59", ids[1]),
        )
        db.execute(
            "UPDATE papers SET authors_json = ?, title = ? WHERE id = ?",
            ('[["Solo"], ["Two", "Parts"]]', "NUL \x00 inside", ids[2]),
        )
        db.execute("UPDATE papers SET year = NULL, abstract = '' WHERE id = ?", (ids[6],))
        # a note shared on a server, the library copied into a folder since
        db.execute("UPDATE readings SET note_shared = 1 WHERE paper_id = ?", (ids[1],))
    db.close()
    Library(folder).close()  # the day's backup is made: nothing is due any more
    return folder


def _args(*argv: str, json: bool = True) -> object:
    return cli.build_parser().parse_args(["list", *(["--json"] if json else []), *argv])


FILTERS = [
    [],
    *(["--status", s.value] for s in Status),
    ["--tag", "ML"],
    ["--tag", "ml"],  # ASCII case folds (NOCASE)
    ["--tag", "Äpfel"],
    ["--tag", "äpfel"],  # not the same tag as Äpfel
    ["--tag", "ÜNÏCODE TAG"],  # folds only its ASCII letters: no such tag
    ["--tag", "Ünïcode tag", "--tag", "VISION"],
    ["--tag", "ml", "--tag", "äpfel", "--status", "unread"],
    ["--tag", "nope"],
    ["--tag", ""],
    ["--status", "read", "--tag", "Äpfel"],
]


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("argv", FILTERS, ids=lambda a: " ".join(a) or "all")
def test_every_filter_gives_the_general_paths_bytes(
    folder: Path, argv: list[str], as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(*argv, json=as_json)
    assert cli._quick_list(folder, args)  # type: ignore[arg-type]
    quick = capsys.readouterr().out
    with Library(folder) as lib:
        assert cli.cmd_list(lib, args) == 0  # type: ignore[arg-type]
    general = capsys.readouterr().out
    assert quick == general
    if as_json:
        json.loads(general)  # and it is JSON


def test_the_hostile_values_arrive_and_nothing_unsafe_is_raw(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli._quick_list(folder, _args())  # type: ignore[arg-type]
    out = capsys.readouterr().out
    for bad in ("\x85", "\u202e", "\u2028", "\u061c", "\x1b", "\x00"):
        assert bad not in out
    papers = json.loads(out)
    titles = {p["title"] for p in papers}
    assert HOSTILE[0] in titles and "NUL \x00 inside" in titles
    assert len(papers) == len(_drafts()) - 1  # the trashed one is not listed
    assert any(len(p["authors"]) >= 40 for p in papers)
    assert any(p["note_shared"] for p in papers)
    assert {p["added_at"] for p in papers} >= {"2024-02-29T23:59:59+00:00"}


def test_sqlite_json_quote_escapes_exactly_what_python_does() -> None:
    """Every code point but the surrogates (not storable as UTF-8), in chunks."""
    con = sqlite3.connect(":memory:")
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(points), 4096):
        text = "".join(map(chr, points[i : i + 4096]))
        assert con.execute("SELECT json_quote(?)", (text,)).fetchone()[0] == ENCODE(text)
    for c in range(0x80):  # one at a time too: what each escape looks like
        assert con.execute("SELECT json_quote(?)", (chr(c),)).fetchone()[0] == ENCODE(chr(c))


def _copy(folder: Path, tmp_path: Path) -> Path:
    """A copy of the library (its database checkpointed first, -wal and all)."""
    import shutil

    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target


def _db(folder: Path, statement: str, *params: object) -> None:
    db = sqlite3.connect(folder / "library.sqlite")
    with db:
        db.execute(statement, params)
    db.close()


def test_a_copy_reads_quickly(folder: Path, tmp_path: Path) -> None:
    assert list_json(_copy(folder, tmp_path), Filter()) is not None


@pytest.mark.parametrize(
    "spoil",
    [
        "missing",
        "dead part",
        "old schema",
        "newer schema",
        "daily due",
        "no library id",
        "not wal",
        "index behind",
        "index missing",
        "index of another library",
        "damaged",
    ],
)
def test_the_full_path_runs_whenever_an_open_would_act(
    folder: Path, tmp_path: Path, spoil: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lib_dir = _copy(folder, tmp_path)
    db_file = lib_dir / "library.sqlite"
    index_record = lib_dir / "index" / "readinglist-index.json"
    if spoil == "missing":
        lib_dir = tmp_path / "new"
    elif spoil == "dead part":
        (lib_dir / ".library.sqlite.999999999.new").write_bytes(b"")
    elif spoil == "old schema":
        _db(lib_dir, "UPDATE alembic_version SET version_num = '0001'")
    elif spoil == "newer schema":
        _db(lib_dir, "UPDATE alembic_version SET version_num = '9999'")
    elif spoil == "daily due":
        for backup in (lib_dir / "backups").iterdir():
            backup.unlink()
    elif spoil == "no library id":
        _db(lib_dir, "DELETE FROM meta WHERE key = 'library_id'")
    elif spoil == "not wal":
        db = sqlite3.connect(db_file)
        db.execute("PRAGMA journal_mode=DELETE")
        db.close()
    elif spoil == "index behind":
        lib = Library(lib_dir)
        lib.add_tags([1], ["written after the index"])
        lib.close(catch_up=False)
    elif spoil == "index missing":
        index_record.unlink()
    elif spoil == "index of another library":
        meta = json.loads(index_record.read_text("utf-8"))
        index_record.write_text(json.dumps(meta | {"library_id": "another"}), "utf-8")
    elif spoil == "damaged":
        with db_file.open("r+b") as fh:  # a header that lies about its size
            fh.truncate(os.path.getsize(db_file) - 1000)
    assert list_json(lib_dir, Filter()) is None
    assert list_rows(lib_dir, Filter()) is None
    # and the command still answers (or fails) the full path's way
    code = cli.run_cli(["--library", str(lib_dir), "list", "--json"])
    out, err = capsys.readouterr()
    # (an "old" schema here is a new one relabelled: its upgrade fails, and says so)
    if spoil in ("newer schema", "damaged", "old schema"):
        assert code == 1 and err.startswith("readinglist: ")
    else:
        assert code == 0 and isinstance(json.loads(out), list), err


def test_a_server_library_and_a_query_take_the_general_path(folder: Path) -> None:
    assert list_json("postgresql://nobody@127.0.0.1:1/none", Filter()) is None
    assert list_json(folder, Filter(query="x")) is None
    assert list_json(folder, Filter(trashed=True)) is None


def test_show_json_of_every_paper_gives_the_general_paths_bytes(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library(folder) as lib:
        ids = lib.ids() + lib.ids(Filter(trashed=True))
    assert len(ids) == len(_drafts())
    for ref in [str(i) for i in ids] + [f" {ids[0]} "]:
        args = cli.build_parser().parse_args(["show", ref, "--json"])
        assert cli._quick_show_json(folder, args), ref
        quick = capsys.readouterr().out
        with Library(folder) as lib:
            assert cli.cmd_show(lib, args) == 0
        assert quick == capsys.readouterr().out, ref


def test_show_json_leaves_keys_and_unknown_ids_to_the_full_path(folder: Path) -> None:
    with Library(folder) as lib:
        key = lib.get(1).citation_key
    assert show_json(folder, "1") is not None
    assert show_json(folder, key) is None  # Library.resolve_paper_ref decides keys
    assert show_json(folder, "999999") is None  # the full path says "no paper with id"
