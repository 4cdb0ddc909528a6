"""What an import reads: the files named, the importable files under a folder named,
and what reading each of them gave (drafts, or why it was skipped or failed).

Pure file work (no database): the Library adds what was read in one transaction."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .domain import LibraryError, ParseResult, Problem

# What a dropped or named folder contributes: files the importers may understand (their
# content still decides: a README.txt found in a folder is skipped, not imported).
IMPORTABLE_SUFFIXES = frozenset({".bib", ".bibtex", ".ris", ".json", ".xml", ".atom", ".txt"})
# Folders a folder import never enters: tools' and environments' own files, not the user's
# references (a source checkout's .venv alone held 1,187 "papers" in .txt files).
TOOL_FOLDERS = frozenset(
    ("node_modules", "__pycache__", "site-packages", "dist-packages", "__MACOSX", "_build")
)


def skip_folder_reason(folder: Path) -> str | None:
    """Why a folder import does not enter `folder` (None: it does)."""
    name = folder.name
    if name.startswith("."):
        return "hidden folder"
    if name in TOOL_FOLDERS:
        return "tool folder"
    if (folder / "pyvenv.cfg").exists() or (folder / "conda-meta").is_dir():
        return "virtual environment"
    return None


def expand_folders(
    paths: Iterable[Path], skipped: list[Problem] | None = None
) -> Iterator[tuple[Path, str | None]]:
    """(file, None) for a named file, (file, "folder/sub/name") for one found in a
    folder: files stay as given; a folder stands for the
    importable files under it, minus hidden folders and files, virtualenvs and tool
    folders. What is passed over is appended to `skipped` (folders by name, other
    file types as a count). Symbolic links to folders are not followed (no loops)."""
    for path in paths:
        if not path.is_dir():
            yield path, None
            continue
        other: list[str] = []
        for top, dirs, files in os.walk(path):
            here = Path(top)
            keep = []
            for d in sorted(dirs):
                sub = here / d
                reason = "symbolic link, not followed" if sub.is_symlink() else None
                reason = reason or skip_folder_reason(sub)
                if reason is None:
                    keep.append(d)
                elif skipped is not None:
                    skipped.append(Problem(str(sub.relative_to(path.parent)), 0, reason))
            dirs[:] = keep
            for f in sorted(files):
                file = here / f
                if f.startswith(".") or file.suffix.lower() not in IMPORTABLE_SUFFIXES:
                    other.append(f)
                elif file.is_file():
                    yield file, str(file.relative_to(path.parent))
        if other and skipped is not None:
            examples = ", ".join(other[:5]) + (", …" if len(other) > 5 else "")
            kind = "file" if len(other) == 1 else "files"
            message = f"{len(other)} {kind} of other types not looked at ({examples})"
            skipped.append(Problem(path.name or str(path), 0, message))


@dataclass
class ReadFiles:
    """What reading an import's paths gave."""

    results: list[tuple[ParseResult, str]] = field(default_factory=list)  # (read, file name)
    problems: list[Problem] = field(default_factory=list)  # why a file failed
    skipped: list[Problem] = field(default_factory=list)  # passed over in a folder
    read_files: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def read_paths(paths: Iterable[Path]) -> ReadFiles:
    """Read every file (a folder: the importable files under it, see `expand_folders`).

    A file found in a folder whose content is in no known format, or empty, is
    skipped. A named file that cannot be read or recognised, and a found file that
    cannot be read, become problems and are listed in `failed`; they do not stop the
    others."""
    from .formats.decode import NotText
    from .formats.reader import UnknownFormat, read_path

    out = ReadFiles()
    for path, found in expand_folders(map(Path, paths), out.skipped):
        try:
            result = read_path(path)
        except LibraryError as exc:
            # the readers' messages start with the file name (Problem.file has it)
            message = str(exc).removeprefix(f"{path}: ").removeprefix(f"{path.name}: ")
            if found and isinstance(exc, UnknownFormat | NotText):
                out.skipped.append(Problem(found, 0, "not in a format we can import"))
                continue
            out.problems.append(Problem(path.name, 0, message))
            out.failed.append(str(path))
            continue
        if found and result.format is None and not result.drafts:
            out.skipped.append(Problem(found, 0, "empty file"))  # dependency_links.txt
            continue
        out.results.append((result, path.name))
        out.read_files.append(str(path))
    return out
