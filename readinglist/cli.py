"""The command-line interface: subcommands over Library. Never imports Qt.

Contract: `--library DIR` (or a postgresql:// URL: a shared library) before the
subcommand; `--json` for machine-readable output;
exit 0 on success, 1 on a user error (one line on stderr, never a traceback), 2 on a
usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .domain import (
    CompletionReport,
    ExportFormat,
    Filter,
    ImportReport,
    LibraryError,
    PaperDetail,
    PaperRow,
    Problem,
    ProgressFn,
    Status,
)
from .location import resolve_library
from .text import json_terminal_safe, terminal_safe

if TYPE_CHECKING:
    from .library import Library


def display_text(text: str) -> str:
    """library.display_text, imported on first use (from library_quick, which has it
    without SQLAlchemy): `--help` stays ~0.1 s, `list` reads without SQLAlchemy."""
    from .library_quick import display_text as shown

    return shown(text)


SUBCOMMANDS = (
    "import", "list", "search", "show", "edit", "mark", "tag", "note", "export", "reindex",
    "complete", "backup", "restore", "check", "copy",
)  # fmt: skip
STATUSES = [s.value for s in Status]


class UserError(Exception):
    """Exit 1 with this message."""


def build_parser(*, subcommands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without `subcommands`, the window's (FILEs to import)."""
    p = argparse.ArgumentParser(
        prog="readinglist",
        description="A reading-list manager for researchers. "
        "Without a subcommand it opens the window (and imports any FILEs given).",
    )
    p.add_argument(
        "--library",
        metavar="DIR|URL",
        help="library folder (default: per-user data dir), or a shared library on "
        "PostgreSQL: postgresql://USER@HOST/DATABASE (password from ~/.pgpass)",
    )
    p.add_argument("--self-test", action="store_true", help="check this installation and exit")
    # the app's own child process that catches the search index up (index_worker.py)
    p.add_argument("--catch-up-index", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--install-desktop-entry", action="store_true", help="add ReadingList to the app menu"
    )
    p.add_argument(
        "--uninstall-desktop-entry",
        action="store_true",
        help="remove ReadingList from the app menu",
    )
    if not subcommands:
        p.add_argument("files", nargs="*", metavar="FILE", help="files to import on start")
        # `readinglist --help` comes here (no subcommand word): it names the commands too
        p.epilog = _commands_epilog()
        p.formatter_class = argparse.RawDescriptionHelpFormatter
        return p
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def filters(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--status", choices=STATUSES)
        sp.add_argument("--tag", action="append", default=[], help="repeat: all must match")

    def json_flag(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--json", action="store_true", help="machine-readable output")

    def quiet_flag(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")

    sp = sub.add_parser("import", help="import BibTeX, RIS, arXiv Atom, CSL-JSON or a copied page")
    sp.add_argument("paths", nargs="+", metavar="PATH")
    sp.add_argument("--tag", action="append", default=[], help="tag every imported paper")
    json_flag(sp)

    sp = sub.add_parser("list", help="list papers")
    filters(sp)
    json_flag(sp)

    sp = sub.add_parser("search", help="full-text search (phrases, prefix*, field:, OR, NOT)")
    sp.add_argument("query")
    filters(sp)
    sp.add_argument("--limit", type=int, default=20)
    json_flag(sp)

    # ID: a paper's id or its citation key (Library.resolve_paper_ref says which wins)
    ref_help = "a paper's id or citation key"
    sp = sub.add_parser("show", help="show one paper")
    sp.add_argument("id", metavar="ID", help=ref_help)
    json_flag(sp)

    sp = sub.add_parser(
        "edit",
        help="change a paper's fields by hand",
        description="Set the fields given; the others stay. An empty value ('') removes "
        "a field (--author '' removes the authors). A key you type is never changed by "
        "an import; the fields you set lose their 'differs from the last import' notes.",
    )
    sp.add_argument("id", metavar="ID", help=ref_help)
    sp.add_argument("--title", metavar="T")
    sp.add_argument(
        "--author",
        action="append",
        metavar="A",
        help="repeat, in order: 'Family, Given', 'Given Family' or '{Corporate Name}'",
    )
    sp.add_argument("--year", metavar="Y")
    sp.add_argument("--venue", metavar="V", help="journal, proceedings, publisher")
    sp.add_argument("--type", metavar="T", help="BibTeX entry type: article, inproceedings, …")
    sp.add_argument("--doi", metavar="D", help="10.NNNN/… (a doi.org address is fine)")
    sp.add_argument("--arxiv", metavar="A", help="2202.04200 or hep-th/9901001 (no version)")
    sp.add_argument("--url", metavar="U")
    sp.add_argument("--key", metavar="K", help="citation key: letters, digits, _ : . + - /")
    pin = sp.add_mutually_exclusive_group()
    pin.add_argument("--pin-key", dest="pin_key", action="store_const", const=True)
    pin.add_argument("--unpin-key", dest="pin_key", action="store_const", const=False)
    sp.add_argument("--abstract", metavar="TEXT")
    quiet_flag(sp)

    sp = sub.add_parser("mark", help="set the reading status")
    sp.add_argument("status", choices=STATUSES)
    sp.add_argument("ids", nargs="+", metavar="ID", help=ref_help)
    quiet_flag(sp)

    sp = sub.add_parser("tag", help="add or remove a tag")
    sp.add_argument("ids", nargs="+", metavar="ID", help=ref_help)
    group = sp.add_mutually_exclusive_group(required=True)
    group.add_argument("--add", metavar="TAG")
    group.add_argument("--remove", metavar="TAG")
    quiet_flag(sp)

    sp = sub.add_parser("note", help="print or set a paper's Markdown note")
    sp.add_argument("id", metavar="ID", help=ref_help)
    group = sp.add_mutually_exclusive_group()
    group.add_argument("--set", metavar="TEXT")
    group.add_argument("--file", metavar="FILE", help="read the note from FILE (- for stdin)")
    share = sp.add_mutually_exclusive_group()
    share.add_argument(
        "--share",
        dest="shared",
        action="store_const",
        const=True,
        help="show your note to the group (a shared library; read-only for them)",
    )
    share.add_argument(
        "--unshare", dest="shared", action="store_const", const=False, help="keep it to you"
    )
    quiet_flag(sp)

    sp = sub.add_parser("export", help="export BibTeX, biblatex, CSL-JSON or Markdown")
    sp.add_argument("--format", choices=[f.value for f in ExportFormat], default="bibtex")
    filters(sp)
    sp.add_argument("--query", default="")
    sp.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    sub.add_parser("reindex", help="rebuild the search index from the database")

    sp = sub.add_parser("backup", help="back the library's database up now")
    sp.add_argument(
        "-o", "--output", metavar="FILE", help="write it here (default: the library's backups/)"
    )

    sp = sub.add_parser("restore", help="replace the database by a backup (saving it first)")
    sp.add_argument("file", metavar="FILE")

    sp = sub.add_parser(
        "copy",
        help="copy a whole library into a new one (folder or server URL either side)",
        description="Copy every paper with its tags, trash state, status, note and "
        "citation key from SRC into DST, a library folder or a postgresql:// URL. DST "
        "must be empty (a missing folder is made). One transaction: Ctrl+C keeps nothing.",
    )
    sp.add_argument("--from", dest="source", required=True, metavar="SRC")
    sp.add_argument("--to", dest="destination", required=True, metavar="DST")

    sp = sub.add_parser("check", help="check the database, its schema and the index")
    sp.add_argument("--full", action="store_true", help="integrity_check: slower, thorough")

    sp = sub.add_parser(
        "complete",
        help="complete papers from arXiv / the DOI resolver (asks those services)",
        description="Ask arXiv (by arXiv id, or by exact title) and the DOI resolver (by "
        "DOI) for the papers' records; fill the fields they lack. Nothing non-empty is "
        "overwritten: differing values are kept for review. Ctrl+C stops after the "
        "current request and keeps what came.",
    )
    sp.add_argument("ids", nargs="*", metavar="ID", help="papers' ids or citation keys")
    sp.add_argument(
        "--all-incomplete", action="store_true", help="every paper without authors or a year"
    )
    json_flag(sp)
    return p


def _commands_epilog() -> str:
    """The subcommands and their one-line help, for the window parser's --help."""
    full = build_parser()
    sub = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction))
    lines = [f"  {a.dest:<9} {a.help}" for a in sub._choices_actions]
    return (
        "commands (`readinglist COMMAND --help` for one):\n"
        + "\n".join(lines)
        + "\n\nexit status: 0 success, 1 a user error (one line on stderr), 2 a usage error"
    )


def run_cli(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    _collect_rarely()

    folder: Path | str | None = None
    try:
        if args.command == "copy":  # two libraries, neither of them --library
            return cmd_copy(args)
        folder = resolve_library(args.library)
        if args.command in FILE_COMMANDS:  # on the file itself: it may be damaged
            return FILE_COMMANDS[args.command](folder, args)
        if args.command == "list" and _quick_list(folder, args):
            return 0
        if args.command == "show" and args.json and _quick_show_json(folder, args):
            return 0
        from .library import Library

        _collect_rarely()  # again: SQLAlchemy's import made most of the objects to freeze
        lib = Library(folder)
        try:
            lib.report_index_progress(IndexProgress(sys.stderr))
            code = COMMANDS[args.command](lib, args)
        except BaseException:
            lib.close(catch_up=False)  # the next open catches up; no second error
            raise
        lib.close()  # closing catches the index up (the contract)
        return code
    except (LibraryError, UserError) as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        # `readinglist list | head`: the reader left; stay quiet like other tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception as exc:
        # a database error met while working (damage found at run time): checked
        # and told in one line; anything else is a bug and keeps its traceback
        from .library import trouble_at

        trouble = trouble_at(folder, exc) if folder is not None else None
        if trouble is None:
            raise
        return _fail(str(trouble))


def _collect_rarely() -> None:
    """A command is one short burst of allocations that make no cycles to speak of;
    the collector's passes over the ~300k objects the imports left (SQLAlchemy's)
    cost `list --json` at 10k papers ~0.2 s and found nothing. Those objects are
    frozen out of its view and it runs rarely (a big import pauses it anyway)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _fail(message: str) -> int:
    print(f"readinglist: {message}", file=sys.stderr)
    return 1


@functools.lru_cache(maxsize=1024)  # papers imported together share their times
def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat(timespec="seconds")


def paper_json(d: PaperDetail) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "abstract": d.abstract,
        "authors": [a.display for a in d.authors],
        "year": d.year,
        "venue": d.venue,
        "doi": d.doi,
        "arxiv_id": d.arxiv_id,
        "url": d.url,
        "links": list(d.links),
        "entry_type": d.entry_type,
        "status": d.status.value,
        "status_changed_at": _iso(d.status_changed_at),
        "tags": list(d.tags),
        "note": d.note,
        "note_shared": d.note_shared,
        "shared_notes": [
            {"member": n.member, "note": n.text, "changed_at": _iso(n.changed_at)}
            for n in d.shared_notes
        ],
        "citation_key": d.citation_key,
        "added_at": _iso(d.added_at),
        "source": d.source,
        "trashed_at": _iso(d.trashed_at),
    }


# one encoder for every paper of a listing: json.dumps with an option builds a new
# encoder per call (~30% of encoding 10k papers)
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _json_text(value: Any, indent: int | None = None) -> str:
    return json_terminal_safe(
        _ENCODE(value) if indent is None else json.dumps(value, ensure_ascii=False, indent=indent)
    )


def _print_json(value: Any) -> None:
    sys.stdout.write(_json_text(value, indent=2))
    sys.stdout.write("\n")


def _print_json_papers(papers: Iterable[str], head: str = "", tail: str = "") -> None:
    """A JSON list of papers' texts, one paper a line (`head` and `tail` around it).

    Compact and written as it goes: json.dumps with an indent runs in pure Python
    (1.6 s for 10k papers), without one in C; one paper a line stays readable and
    greppable, and a reader that stops early (`| head`) is not kept waiting."""
    write = sys.stdout.write
    write(head + "[")
    sep = "\n"
    for paper in papers:
        write(sep + paper)
        sep = ",\n"
    write("\n]" + tail + "\n" if sep != "\n" else "]" + tail + "\n")


UNTITLED = "[untitled]"  # shown for a record without a title; never stored


def _row_line(r: PaperRow) -> str:
    year = r.year if r.year is not None else "----"
    tags = f"  [{', '.join(r.tags)}]" if r.tags else ""
    # never a terminal escape sequence, whatever an old library holds
    title = display_text(r.title) or UNTITLED  # LaTeX shown as text; --json keeps it
    return terminal_safe(f"{r.id:>6}  {r.status.value:<7}  {year}  {title}{tags}")


def _filter(args: argparse.Namespace, query: str = "") -> Filter:
    status = Status(args.status) if args.status else None
    return Filter(status=status, tags=tuple(args.tag), query=query)


def cmd_import(lib: Library, args: argparse.Namespace) -> int:
    """Import files and folders in one transaction; exit 0 when the import did its job.

    Exit 1 when a file named on the command line could not be read or is in no known
    format (the others are still imported), or when nothing was read at all: every
    file failed, or the folders held no file in a known format. Files a folder import
    passed over (hidden and tool folders, virtualenvs, other files) are listed on
    stderr as "skipped", not counted as failures.
    """
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            raise UserError(f"{p}: no such file")
    report: ImportReport = lib.import_paths(paths, tags=args.tag)
    named = {str(p) for p in paths if not p.is_dir()}
    named_failed = [f for f in report.failed if f in named]
    nothing_read = not report.read_files
    if args.json:
        _print_json(
            {
                "added": len(report.added),
                "duplicates": report.duplicates,
                "updated": len(report.updated),
                "ids": list(report.added),
                "problems": [
                    {"file": p.file, "line": p.line, "message": p.message} for p in report.problems
                ],
                "failed": list(report.failed),
                "skipped": [{"path": p.file, "reason": p.message} for p in report.skipped],
                # per paper already there: what a duplicate filled in, what it disputed
                "merges": [
                    {"id": m.paper_id, "key": m.citation_key, "filled": list(m.filled)}
                    | {"conflicts": list(m.conflicts)}
                    for m in report.merges
                ],
            }
        )
    else:
        print(
            f"added {len(report.added)}, duplicates {report.duplicates}"
            + (f" ({len(report.updated)} filled in)" if report.updated else "")
        )
        for line in report.merge_lines():  # "completed 1 paper from a duplicate: ..."
            print(terminal_safe(line))
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        _print_skipped(report.skipped)
        if nothing_read and not named_failed:
            print("nothing imported: no file in a format that can be imported", file=sys.stderr)
    return 1 if named_failed or nothing_read else 0


def _print_skipped(skipped: Sequence[Problem], limit: int = 20) -> None:
    if not skipped:
        return
    print(f"skipped {len(skipped)}:", file=sys.stderr)
    for item in skipped[:limit]:
        print(f"  {terminal_safe(item.file)}: {item.message}", file=sys.stderr)
    if len(skipped) > limit:
        print(f"  … and {len(skipped) - limit} more", file=sys.stderr)


def _quick_list(folder: Path | str, args: argparse.Namespace) -> bool:
    """`list` (and `--json`) read by SQLite alone, without importing SQLAlchemy (0.25 s
    of a command's start); False, with nothing written, when the library must be
    opened the full way (library_quick.py says when). The output is cmd_list's, byte
    for byte (tests/test_raw_listing.py)."""
    from . import library_quick

    if args.json:
        texts = library_quick.list_json(folder, _filter(args))
        if texts is None:
            return False
        _print_json_papers(texts)
        return True
    rows = library_quick.list_rows(folder, _filter(args))
    if rows is None:
        return False
    _print_rows(rows)
    return True


def _quick_show_json(folder: Path | str, args: argparse.Namespace) -> bool:
    """`show ID --json` by SQLite alone, as _quick_list; cmd_show's output byte for
    byte (the compact text read back and written with cmd_show's indent)."""
    from .library_quick import show_json

    text = show_json(folder, args.id)
    if text is None:
        return False
    _print_json(json.loads(text))
    return True


def cmd_list(lib: Library, args: argparse.Namespace) -> int:
    listing = lib.listing(_filter(args))
    if args.json:
        details = lib.details([r.id for r in listing.rows])
        _print_json_papers(_json_text(paper_json(d)) for d in details)
    else:
        _print_rows(listing.rows)
    return 0


def _print_rows(rows: Sequence[PaperRow]) -> None:
    for r in rows:
        print(_row_line(r))


def cmd_search(lib: Library, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    # the listing itself (not Library.search): its total says how many matched in all
    # highlights cost a re-tokenising pass per hit (10k: ~20 ms of 20 hits): only the
    # JSON shows them
    listing = lib.listing(_filter(args, args.query), limit=args.limit, highlight=args.json)
    found = lib.details([r.id for r in listing.rows])
    if args.json:
        out = []
        for d in found:
            item = paper_json(d)
            hit = listing.hits.get(d.id)  # none: matched before the index took it in
            item["score"] = None if hit is None else round(hit.score, 4)
            item["highlights"] = {} if hit is None else dict(hit.highlights)
            out.append(_json_text(item))
        _print_json_papers(out, head=f'{{"total": {listing.total}, "results": ', tail="}")
    else:
        for d in found:
            year = d.year if d.year is not None else "----"
            title = display_text(d.title) or UNTITLED
            print(terminal_safe(f"{d.id:>6}  {d.status.value:<7}  {year}  {title}"))
        if listing.total > len(found):  # stderr: a pipe reading stdout gets only rows
            sys.stdout.flush()
            print(f"showing {len(found)} of {listing.total} (use --limit)", file=sys.stderr)
    return 0


def cmd_show(lib: Library, args: argparse.Namespace) -> int:
    d = lib.get(lib.resolve_paper_ref(args.id))
    if args.json:
        _print_json(paper_json(d))
        return 0
    # one line each; abstract and note keep theirs; LaTeX shown as text (--json keeps it)
    lines = [terminal_safe(display_text(d.title) or UNTITLED)]
    if d.authors:
        lines.append(terminal_safe(", ".join(a.display for a in d.authors)))
    venue = " · ".join(str(x) for x in (d.venue, d.year) if x)
    if venue:
        lines.append(terminal_safe(venue))
    lines.append(terminal_safe(f"key: {d.citation_key}   status: {d.status.value}   id: {d.id}"))
    for label, value in (("DOI", d.doi), ("arXiv", d.arxiv_id), ("URL", d.url)):
        if value:
            lines.append(terminal_safe(f"{label}: {value}"))
    lines += [terminal_safe(f"link: {link}") for link in d.links]
    if d.tags:
        lines.append(terminal_safe("tags: " + ", ".join(d.tags)))
    if d.abstract:
        lines.append("\n" + terminal_safe(display_text(d.abstract), multiline=True))
    if d.note:
        mine = "Note (shown to the group):" if d.note_shared else "Note:"
        lines.append(f"\n{mine}\n" + terminal_safe(d.note, multiline=True))
    for shared in d.shared_notes:  # others' notes shown to the group (a shared library)
        when = f", {shared.changed_at:%Y-%m-%d}" if shared.changed_at else ""
        lines.append(
            terminal_safe(f"\nNote by {shared.member}{when}:", multiline=True)
            + "\n"
            + terminal_safe(shared.text, multiline=True)
        )
    print("\n".join(lines))
    return 0


def _refs(lib: Library, refs: Sequence[str]) -> list[int]:
    return [lib.resolve_paper_ref(r) for r in refs]


def _edit_year(text: str) -> int:
    from .domain import NO_YEAR

    if text.strip().lower() in ("", "none"):
        return NO_YEAR
    if not text.strip().isdigit():
        raise UserError(f"--year {text!r}: give a year such as 2022 ('' removes it)")
    return int(text)


def cmd_edit(lib: Library, args: argparse.Namespace) -> int:
    from .domain import EDIT_FIELD_LABELS, PaperEdit

    paper_id = lib.resolve_paper_ref(args.id)
    edit = PaperEdit(
        title=args.title,
        authors=None if args.author is None else lib.parse_authors(args.author),
        year=None if args.year is None else _edit_year(args.year),
        venue=args.venue,
        entry_type=args.type,
        doi=args.doi,
        arxiv_id=args.arxiv,
        url=args.url,
        citation_key=args.key,
        key_pinned=args.pin_key,
        abstract=args.abstract,
    )
    if not edit.given():
        print("readinglist edit: give a field to change (--title, --author, ...)", file=sys.stderr)
        return 2
    before = lib.get(paper_id)
    lib.edit_paper(paper_id, edit)
    after = lib.get(paper_id)
    changed = [
        label
        for name, label in EDIT_FIELD_LABELS.items()
        if getattr(before, name) != getattr(after, name)
    ]
    if not args.quiet:
        print(f"edited 1 paper: {', '.join(changed)}" if changed else "nothing changed")
    return 0


def _papers(n: int) -> str:
    return f"{n} paper" if n == 1 else f"{n} papers"


def _done(args: argparse.Namespace, line: str) -> None:
    """The one line a writing command prints on success (none with --quiet)."""
    if not args.quiet:
        print(terminal_safe(line))


def cmd_mark(lib: Library, args: argparse.Namespace) -> int:
    ids = sorted(set(_refs(lib, args.ids)))  # an id given twice (or as id and key) is one
    lib.set_status(ids, Status(args.status))
    _done(args, f"marked {_papers(len(ids))} {args.status}")
    return 0


def cmd_tag(lib: Library, args: argparse.Namespace) -> int:
    ids = _refs(lib, args.ids)
    if args.add is not None:
        if not args.add.strip():
            raise UserError("a tag name cannot be empty")
        lib.add_tags(ids, [args.add])
        _done(args, f"tagged {_papers(len(set(ids)))}: {args.add.strip()}")
    else:
        lib.remove_tags(ids, [args.remove])
        _done(args, f"untagged {_papers(len(set(ids)))}: {args.remove}")
    return 0


def cmd_note(lib: Library, args: argparse.Namespace) -> int:
    paper_id = lib.resolve_paper_ref(args.id)
    if args.set is not None or args.file is not None:
        note = args.set if args.set is not None else _read_note(args.file)
        lib.set_note(paper_id, note, args.shared)
        _done(
            args,
            f"saved the note of paper {paper_id}{_shared_words(args.shared)}"
            if note
            else f"cleared the note of paper {paper_id}",
        )
    elif args.shared is not None:
        lib.share_note(paper_id, args.shared)
        _done(args, f"the note of paper {paper_id}{_shared_words(args.shared)}")
    else:
        note = lib.get(paper_id).note
        sys.stdout.write(note if note.endswith("\n") or not note else note + "\n")
    return 0


def _shared_words(shared: bool | None) -> str:
    return {None: "", True: " (shown to the group)", False: " (yours only)"}[shared]


def _read_note(name: str) -> str:
    """A note file (or `-`, stdin): bounded, a regular file, UTF-8."""
    from .files import MB, NOTE_LIMIT_MB, read_limited, read_stream_limited

    hint = " for a note"
    if name == "-":
        data = read_stream_limited(sys.stdin.buffer, NOTE_LIMIT_MB * MB, "stdin", hint=hint)
    else:
        data = read_limited(Path(name), NOTE_LIMIT_MB * MB, hint=hint)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{name}: not UTF-8 text ({exc.reason})") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode read it


def cmd_export(lib: Library, args: argparse.Namespace) -> int:
    from .files import atomic_write, check_write_target

    out = Path(args.output) if args.output and args.output != "-" else None
    if out is not None:  # refuse before the work, not after
        check_write_target(out, lib.owns_path)
    text = lib.export(ExportFormat(args.format), f=_filter(args, args.query))
    if out is not None:
        atomic_write(out, text, forbidden=lib.owns_path)
    else:
        sys.stdout.write(text)
    return 0


class IndexProgress:
    """Progress of a big index catch-up or rebuild on stderr (a rebuild after a crash
    can take minutes): "rebuilding the search index: 12,000 of 100,000 papers",
    redrawn in place on a terminal, else a line about every 10%. Small catch-ups
    (under MIN_PAPERS) say nothing."""

    MIN_PAPERS = 1000

    def __init__(self, stream: Any, line: str = "{what} the search index: ") -> None:
        self._stream = stream
        self._line = line
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        self._next = 0  # the next tenth to print a line at (not a terminal)

    def __call__(self, what: str, done: int, total: int) -> None:
        if total < self.MIN_PAPERS:
            return
        done = min(done, total)
        line = self._line.format(what=what) + f"{done:,} of {total:,} papers"
        if self._tty:
            end = "\n" if done >= total else ""
            self._stream.write(f"\r{line}\x1b[K{end}")
        elif done * 10 >= self._next * total:
            self._stream.write(line + "\n")
            self._next = done * 10 // total + 1
        self._stream.flush()
        if done >= total:
            self._next = 0  # the next catch-up starts its own count

    def bind(self, what: str) -> ProgressFn:
        return lambda done, total: self(what, done, total)


def cmd_copy(args: argparse.Namespace) -> int:
    from .library_copy import copy_library

    report = copy_library(
        args.source,
        args.destination,
        progress=IndexProgress(sys.stderr, "copying: ").bind("copying"),
        index_reporter=IndexProgress(sys.stderr),
    )
    print(f"copied {_papers(report.papers)} from {report.source} to {report.destination}")
    return 0


def cmd_reindex(lib: Library, args: argparse.Namespace) -> int:
    n = lib.rebuild_index(progress=IndexProgress(sys.stderr).bind("rebuilding"))
    print(f"indexed {n} papers")
    return 0


def _printable(text: str) -> str:
    """One terminal-safe line of text a web service sent (no control characters)."""
    return "".join(c if c.isprintable() else " " for c in text)


def _complete_progress(stream: Any) -> ProgressFn:
    tty = bool(getattr(stream, "isatty", lambda: False)())

    def show(done: int, total: int) -> None:
        line = f"completing: {done} of {total} papers"
        if tty:
            stream.write(f"\r{line}\x1b[K" + ("\n" if done >= total else ""))
        else:
            stream.write(line + "\n")
        stream.flush()

    return show


def _completion_json(report: CompletionReport) -> dict[str, Any]:
    return {
        "filled": {str(k): list(v) for k, v in report.filled.items()},
        "conflicts": {str(k): list(v) for k, v in report.conflicts.items()},
        "unchanged": list(report.unchanged),
        "not_found": list(report.not_found),
        "candidates": {
            str(k): [
                {"arxiv_id": c.arxiv_id, "title": c.title, "authors": c.authors, "year": c.year}
                for c in v
            ]
            for k, v in report.candidates.items()
        },
        "problems": list(report.problems),
        "requests": report.requests,
        "cancelled": report.cancelled,
    }


def cmd_complete(lib: Library, args: argparse.Namespace) -> int:
    import signal

    from .library import summary_lines

    if bool(args.ids) == bool(args.all_incomplete):
        print("readinglist complete: give paper IDs or --all-incomplete", file=sys.stderr)
        return 2
    # ids or citation keys, as for show/edit (an unknown one is a one-line error)
    ids = lib.incomplete_ids() if args.all_incomplete else _refs(lib, args.ids)
    if not ids:
        print("nothing to complete: every paper has authors and a year")
        return 0
    stop: list[bool] = []

    def interrupted(signum: int, frame: object) -> None:
        stop.append(True)
        print("\nstopping after the current request...", file=sys.stderr)

    # Ctrl+C stops between requests, so the answers already received are kept
    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        progress = _complete_progress(sys.stderr)
        report = lib.complete(ids, progress=progress, cancel=lambda: bool(stop))
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        _print_json(_completion_json(report))
    else:
        for line in summary_lines(report.filled, report.conflicts):
            print(line)
        if report.unchanged:
            print(f"{len(report.unchanged)} answered with nothing new")
        if report.not_found:
            print(f"{len(report.not_found)} not found for sure (no such paper, or no exact title)")
        for pid, candidates in report.candidates.items():
            print(f"  {pid}: arXiv has similar titles; complete by hand if one is it:")
            for c in candidates:
                year = c.year if c.year is not None else "----"
                print(_printable(f"      arXiv:{c.arxiv_id}  {year}  {c.title} ({c.authors})"))
        if report.cancelled:
            print("stopped early; the answers received were applied")
    for problem in report.problems:
        print(f"readinglist: {_printable(problem)}", file=sys.stderr)
    return 1 if report.problems else 0


def cmd_backup(lib: Library, args: argparse.Namespace) -> int:
    target = lib.backup(Path(args.output) if args.output else None)
    print(f"backed up to {target}")
    return 0


def cmd_restore(folder: Path | str, args: argparse.Namespace) -> int:
    from .library import NOT_BACKED_UP, Library
    from .location import ServerLocation, parse_location

    where = parse_location(folder)
    if isinstance(where, ServerLocation):
        raise UserError(NOT_BACKED_UP.format(where.server))
    folder = where

    saved = Library.restore_backup(folder, Path(args.file))
    if saved is not None:
        print(f"the library as it was is saved in {saved}")
    print(f"restored {args.file}")
    with Library(folder) as lib:  # the index follows the restored database now
        lib.report_index_progress(IndexProgress(sys.stderr))
    return 0


def cmd_check(folder: Path | str, args: argparse.Namespace) -> int:
    from .library import Library

    report = Library.check_location(folder, full=args.full)
    for line in report.lines():
        print(line)
    if not report.ok:
        if report.newest_good is not None:
            print(f"restore a backup: readinglist --library {folder} restore {report.newest_good}")
        return 1
    return 0


# Commands that work on the library's files without opening it (it may be damaged).
FILE_COMMANDS = {"restore": cmd_restore, "check": cmd_check}

COMMANDS = {
    "backup": cmd_backup,
    "import": cmd_import,
    "list": cmd_list,
    "search": cmd_search,
    "show": cmd_show,
    "edit": cmd_edit,
    "mark": cmd_mark,
    "tag": cmd_tag,
    "note": cmd_note,
    "export": cmd_export,
    "reindex": cmd_reindex,
    "complete": cmd_complete,
}
