"""Split BibTeX text into raw entries: a small recursive-descent scanner with line numbers.

Why not bibtexparser 2.1's splitter: it leaves `#` concatenation unresolved
(`title = a # "b"` stays that literal text), resolves @string macros only when they are
a field's whole value (not inside other macros), and silently swallows a missing comma
between two fields into the first value. This scanner follows BibTeX itself:

- anything outside an entry is a comment; `@comment{...}` and `@preamble{...}` are skipped,
  and so is an entry on a `%` line (BibTeX would read it; every other tool does not);
- `@type{key, field = value, ...}` or `@type(key, ...)`, names case-insensitive;
- values are `{...}` (braces balanced, `%` and `"` literal), `"..."` (braces inside
  balanced), bare numbers, or @string macro names, joined with `#`;
- the standard month macros `jan`..`dec` are predefined.

A malformed entry raises inside its own parse; the scan then resumes at the next `@`
that starts a line after that entry's `@`, so one broken record never sinks the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# `@` opens a block only when it does not sit inside a word (an e-mail address in the
# free text between entries is not an entry).
_BLOCK_START = re.compile(r"(?<![\w.])@[ \t\r\n]*([A-Za-z_][A-Za-z0-9_:-]*)[ \t\r\n]*([{(])")
_LINE_START_AT = re.compile(r"^[ \t]*@", re.MULTILINE)
_NAME = re.compile(r"[^\s\"#%'(),={}@0-9][^\s\"#%'(),={}@]*")
_NUMBER = re.compile(r"[0-9]+")
_KEY = re.compile(r"[^\s,={}()\"#%'\x00-\x1f\x7f]*")
_BRACES = re.compile(r"[{}]")
_BRACES_OR_QUOTE = re.compile(r"[{}\"]")
_SPACE_OR_COMMENT = re.compile(r"(?:\s+|%[^\n]*)*")


@dataclass
class RawEntry:
    """One entry as written: values have macros and `#` resolved, LaTeX untouched."""

    entry_type: str  # lower case
    key: str
    line: int  # 1-based line of the `@`
    fields: dict[str, str] = field(default_factory=dict)  # lower-case name -> value


@dataclass
class ScanResult:
    entries: list[RawEntry]
    problems: list[tuple[int, str]]  # (line, message)


class _Malformed(Exception):
    """The current block cannot be read; `message` says why."""


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.macros: dict[str, str] = {name[:3].lower(): name for name in MONTH_NAMES}
        self.entries: list[RawEntry] = []
        self.problems: list[tuple[int, str]] = []
        self.key: str | None = None  # citation key of the entry being read, for messages

    def line_at(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def run(self) -> None:
        text = self.text
        pos = 0
        while (m := _BLOCK_START.search(text, pos)) is not None:
            line_start = text.rfind("\n", 0, m.start()) + 1
            if text[line_start : m.start()].lstrip().startswith("%"):
                pos = m.end()  # a commented-out entry: `% @article{...`
                continue
            kind = m.group(1).lower()
            self.key = None
            closer = "}" if m.group(2) == "{" else ")"
            try:
                if kind in ("comment", "preamble"):  # nothing in a preamble is a record
                    pos = self._skip_comment(m.end() - 1)
                elif kind == "string":
                    pos = self._string(m.end(), closer)
                else:
                    entry, pos = self._entry(m.end(), kind, closer, self.line_at(m.start()))
                    self.entries.append(entry)
            except _Malformed as err:
                label = f"@{m.group(1)}" + (f"{{{self.key}}}" if self.key is not None else "")
                self.problems.append((self.line_at(m.start()), f"{label}: {err}; skipped"))
                resume = _LINE_START_AT.search(text, m.start() + 1)
                if resume is None:
                    break
                pos = resume.end() - 1  # at the `@`

    # --- pieces -------------------------------------------------------------------------

    def _skip(self, pos: int) -> int:
        """Past whitespace and `%` comment lines between tokens."""
        m = _SPACE_OR_COMMENT.match(self.text, pos)
        return m.end() if m else pos

    def _peek(self, pos: int) -> str:
        return self.text[pos] if pos < len(self.text) else ""

    def _skip_comment(self, open_pos: int) -> int:
        # @comment{...} is skipped whole when balanced; otherwise just the rest of its line
        # (BibTeX itself ignores only the word `@comment`).
        if self.text[open_pos] == "{":
            end = self._matching_brace(open_pos, must_close=False)
            if end is not None:
                return end
        line_end = self.text.find("\n", open_pos)
        return len(self.text) if line_end < 0 else line_end + 1

    def _matching_brace(self, open_pos: int, must_close: bool = True) -> int | None:
        """Index just past the `}` that closes the `{` at open_pos."""
        depth = 0
        for m in _BRACES.finditer(self.text, open_pos):
            depth += 1 if m.group(0) == "{" else -1
            if depth == 0:
                return m.end()
        if must_close:
            raise _Malformed(
                f"unbalanced braces: the '{{' on line {self.line_at(open_pos)} is never closed"
            )
        return None

    def _quoted_end(self, open_pos: int) -> int:
        """Index just past the `"` that closes the quoted value opened at open_pos."""
        depth = 0
        for m in _BRACES_OR_QUOTE.finditer(self.text, open_pos + 1):
            ch = m.group(0)
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0:
                return m.end()
        raise _Malformed(f"unterminated quoted value starting on line {self.line_at(open_pos)}")

    def _value(self, pos: int) -> tuple[str, int]:
        """A value: pieces joined by `#`. Returns (text without delimiters, next index)."""
        pieces: list[str] = []
        while True:
            pos = self._skip(pos)
            ch = self._peek(pos)
            if ch == "{":
                end = self._matching_brace(pos)
                assert end is not None
                pieces.append(self.text[pos + 1 : end - 1])
                pos = end
            elif ch == '"':
                end = self._quoted_end(pos)
                pieces.append(self.text[pos + 1 : end - 1])
                pos = end
            elif m := _NUMBER.match(self.text, pos):
                pieces.append(m.group(0))
                pos = m.end()
            elif m := _NAME.match(self.text, pos):
                name = m.group(0)
                if name.lower() in self.macros:
                    pieces.append(self.macros[name.lower()])
                else:
                    # BibTeX would warn and use nothing; the name itself tells the user more
                    self.problems.append(
                        (self.line_at(pos), f"undefined @string macro {name!r} kept as text")
                    )
                    pieces.append(name)
                pos = m.end()
            else:
                found = repr(ch) if ch else "end of file"
                raise _Malformed(f"expected a value on line {self.line_at(pos)}, found {found}")
            pos = self._skip(pos)
            if self._peek(pos) != "#":
                return "".join(pieces), pos
            pos += 1

    def _expect_close(self, pos: int, closer: str, what: str) -> int:
        pos = self._skip(pos)
        if self._peek(pos) != closer:
            raise _Malformed(f"expected {closer!r} to close {what} on line {self.line_at(pos)}")
        return pos + 1

    def _string(self, pos: int, closer: str) -> int:
        """@string{name = value} (several definitions separated by commas are accepted)."""
        while True:
            pos = self._skip(pos)
            m = _NAME.match(self.text, pos)
            if m is None:
                raise _Malformed(f"expected a macro name on line {self.line_at(pos)}")
            pos = self._skip(m.end())
            if self._peek(pos) != "=":
                raise _Malformed(f"expected '=' after macro {m.group(0)!r}")
            value, pos = self._value(pos + 1)
            self.macros[m.group(0).lower()] = value
            pos = self._skip(pos)
            if self._peek(pos) == ",":
                pos = self._skip(pos + 1)
                if self._peek(pos) == closer:
                    return pos + 1
                continue
            return self._expect_close(pos, closer, "@string")

    def _entry(self, pos: int, kind: str, closer: str, line: int) -> tuple[RawEntry, int]:
        pos = self._skip(pos)
        key_match = _KEY.match(self.text, pos)
        assert key_match is not None  # the pattern accepts the empty string
        entry = RawEntry(kind, key_match.group(0), line)
        self.key = entry.key
        pos = self._skip(key_match.end())
        if self._peek(pos) == "=":
            self.key = None
            raise _Malformed("no citation key (a field comes right after the opening brace)")
        if self._peek(pos) == closer:
            return entry, pos + 1
        if self._peek(pos) != ",":
            raise _Malformed("expected ',' after the citation key")
        pos += 1
        while True:
            pos = self._skip(pos)
            ch = self._peek(pos)
            if ch == closer:
                return entry, pos + 1
            m = _NAME.match(self.text, pos)
            if m is None:
                where = f"line {self.line_at(pos)}"
                if not ch:
                    raise _Malformed("the entry is not closed before the end of file")
                raise _Malformed(f"expected a field name on {where}, found {ch!r}")
            name = m.group(0).lower()
            pos = self._skip(m.end())
            if self._peek(pos) != "=":
                raise _Malformed(f"expected '=' after field {name!r} on line {self.line_at(pos)}")
            value, pos = self._value(pos + 1)
            if name in entry.fields:
                self.problems.append(
                    (self.line_at(pos), f"{entry.key}: field {name!r} given twice; first kept")
                )
            else:
                entry.fields[name] = value
            pos = self._skip(pos)
            ch = self._peek(pos)
            if ch == ",":
                pos += 1
            elif ch != closer:
                if not ch:
                    raise _Malformed("the entry is not closed before the end of file")
                raise _Malformed(f"missing comma after field {name!r} on line {self.line_at(pos)}")


def scan(text: str) -> ScanResult:
    """All entries of a BibTeX/biblatex text, in order, plus (line, message) problems."""
    scanner = _Scanner(text)
    scanner.run()
    return ScanResult(scanner.entries, scanner.problems)
