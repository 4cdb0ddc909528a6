"""formats.clean (imported text) and the TeX safety of tex_escape, as properties."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.domain import PaperDraft, Person, SourceFormat
from readinglist.formats.clean import (
    PLAIN_FIELDS_KEY,
    clean_block,
    clean_draft,
    clean_line,
    plain_fields,
)
from readinglist.formats.tex_escape import SAFE_MACROS, neutralise, raw_value, to_latex, verbatim
from tests import hostile_payloads as hp

_BAD = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u00ad\u200b\u2060\ufeff]"
)
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)

# text that is mostly the characters that matter here
_NASTY = st.text(
    alphabet=st.sampled_from(
        [
            *"\\{}$^_%#&@~ \n\tabcinputwrtedfx18`=",
            *("\x00", "\x1b", "\x85", "\x9b", "\u202e", "\u2066", "\u2028", "\u00ad"),
            *("\u200b", "\u200c", "\u200d", "\ufeff", "é", "م"),
        ]
    ),
    max_size=80,
)


def test_every_control_payload_is_cleaned() -> None:
    for payload in hp.CONTROL:
        line = clean_line(f"Title {payload} end")
        assert not _BAD.search(line) and "\n" not in line and "\t" not in line, repr(line)
        block = clean_block(f"para {payload}\n\n\tnext")
        assert not _BAD.search(block) and block.endswith("\n\n\tnext"), repr(block)


def test_line_breaks_become_newlines_in_blocks_and_spaces_in_lines() -> None:
    assert clean_block("a\r\nb\rc\u2028d\u2029e") == "a\nb\nc\nd\n\ne"
    assert clean_line("a\r\nb\tc\u2028d") == "a b c d"
    assert clean_line("plain title") == "plain title"


def test_invisible_characters_go_but_joiners_inside_a_script_stay() -> None:
    assert clean_line("Un\u00adder\u200bstand\u2060ing\ufeff") == "Understanding"
    assert clean_line("Un\u200cder\u200dstand") == "Understand"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ shapes the word
    assert clean_line(persian) == persian
    family = "\U0001f468\u200d\U0001f469"  # an emoji sequence
    assert clean_line(family) == family


def test_plain_fields_are_marked_except_for_bibtex() -> None:
    draft = PaperDraft(
        title="T\x1b[31m",
        authors=(Person("Ev\u202eil", "A\nB"),),
        tags=("t\u00adag",),
        note="n\x00ote\nline",
        extra={"note": "\\input{x}", "publisher": "P\x07", PLAIN_FIELDS_KEY: "forged"},
    )
    for fmt in (SourceFormat.CSLJSON, SourceFormat.RIS, SourceFormat.ARXIV, None):
        clean = clean_draft(draft, fmt)
        assert plain_fields(clean.extra) == {"note", "publisher"}
    clean = clean_draft(draft, SourceFormat.BIBTEX)
    assert plain_fields(clean.extra) == frozenset()  # a .bib cannot forge the marker
    assert clean.title == "T[31m"
    assert clean.authors == (Person("Evil", "A B"),)
    assert clean.tags == ("tag",)
    assert clean.note == "note\nline"
    assert clean.extra == {"note": "\\input{x}", "publisher": "P"}


@settings(max_examples=300, deadline=None)
@given(_NASTY)
def test_cleaned_text_never_holds_a_control_bidi_or_stray_invisible(text: str) -> None:
    line = clean_line(text)
    assert not _BAD.search(line) and "\n" not in line and "\t" not in line
    assert not _BAD.search(clean_block(text))
    assert clean_line(line) == line and clean_block(clean_block(text)) == clean_block(text)


def _only_safe_commands(latex: str) -> bool:
    # TeX's letters are A-Z a-z; a backslash before a non-ASCII character is made text too
    return all(
        (m.group(1)[0].isascii() and not m.group(1)[0].isalpha()) or m.group(1) in SAFE_MACROS
        for m in _CONTROL_WORD.finditer(latex)
    )


def _balanced(latex: str) -> bool:  # as BibTeX counts: every brace, escaped or not
    depth = 0
    for c in latex:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def test_every_tex_payload_is_made_harmless() -> None:
    for payload in hp.TEX:
        for ascii_only in (True, False):
            for out in (
                raw_value(payload, ascii_only=ascii_only),
                to_latex(payload, ascii_only=ascii_only),
            ):
                assert _only_safe_commands(out) and "^^" not in out and _balanced(out), out
        path = verbatim(payload, uri=False)
        assert _only_safe_commands(path) and "^^" not in path and "\n" not in path, path


def test_bibtex_markup_keeps_printing_macros_and_loses_the_rest() -> None:
    assert raw_value(r"\emph{a} $\alpha^2$ \'e", ascii_only=True) == r"\emph{a} $\alpha^2$ \'e"
    assert neutralise(r"\input{x}") == r"{\textbackslash}input{x}"
    assert neutralise(r"$\read$") == r"${\backslash}read$"
    assert neutralise(r"\\input") == r"\\{}input"
    assert raw_value("^^5cinput", ascii_only=True) == r"{\textasciicircum}{\textasciicircum}5cinput"


@settings(max_examples=300, deadline=None)
@given(_NASTY)
def test_any_value_comes_out_with_printing_macros_only(text: str) -> None:
    for ascii_only in (True, False):
        for out in (raw_value(text, ascii_only=ascii_only), to_latex(text, ascii_only=ascii_only)):
            assert _only_safe_commands(out), out
            assert "^^" not in out and _balanced(out), out
    path = verbatim(text, uri=False)
    assert _only_safe_commands(path) and "^^" not in path and "\n" not in path


def test_clean_drafts_are_passed_through_but_still_marked() -> None:
    draft = PaperDraft(title="Clean", extra={"note": "n"})
    assert clean_draft(draft, SourceFormat.BIBTEX) is draft
    assert plain_fields(clean_draft(draft, SourceFormat.RIS).extra) == {"note"}
    # the BibTeX reader's own marker (fields it decoded) is kept for the fields present;
    # a marker a .bib file itself gives is dropped by the reader (test_bibtex_read)
    marked = PaperDraft(title="Clean", extra={"note": "n", PLAIN_FIELDS_KEY: "note gone"})
    assert clean_draft(marked, SourceFormat.BIBTEX).extra == {"note": "n", PLAIN_FIELDS_KEY: "note"}
