"""Notes are indexed as the text a reader sees: each Markdown form, found by search on
a real library and index, and the stripper itself (its time on multi-megabyte
notes is in benchmarks/upkeep_bench.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.app import run
from readinglist.domain import Filter, PaperDraft
from readinglist.library import Library
from readinglist.markdown_text import note_text

# (note, a word that must find it, a word it must no longer match)
FORMS = [
    ("Key idea: **bidirectional** decoding", "bidirectional", None),
    ("Key idea: __bidirectional__ decoding", "bidirectional", None),
    ("Key idea: *bidirectional* decoding", "bidirectional", None),
    ("Key idea: _bidirectional_ decoding", "bidirectional", None),
    ("Key idea: **bi**directional decoding", "bidirectional", None),
    ("Uses `bidirectional_decode` here", "bidirectional_decode", None),
    ("Code:\n```python\nbidirectional_decode(x)\n```", "bidirectional_decode", "python"),
    ("See [bidirectional paper](https://example.org/quux)", "bidirectional", None),
    ("See [the paper](https://example.org/quux)", "quux", None),  # the URL is kept
    ("![bidirectional diagram](zzyzx/figure.png)", "bidirectional", "zzyzx"),
    ("# Bidirectional decoding\nbody", "bidirectional", None),
    ("- first point\n- _bidirectional_ point", "bidirectional", None),
    ("1. _bidirectional_ first", "bidirectional", None),
    ("> _bidirectional_ quoted", "bidirectional", None),
    ("| model | idea |\n|---|---|\n| x | _bidirectional_ |", "bidirectional", None),
    ('<span class="zzyzx">bidirectional</span>', "bidirectional", "zzyzx"),
    ("\\*bidirectional\\* stays starred", "bidirectional", None),
    ("Tom &amp; bidirectional", "bidirectional", "amp"),
]


def _found(lib: Library, query: str) -> list[int]:
    return [r.id for r in lib.listing(Filter(query=query), limit=1000).rows]


@pytest.fixture(scope="module")
def noted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """A library with one paper per form, its note set to that form."""
    folder = tmp_path_factory.mktemp("md") / "lib"
    drafts = [PaperDraft(title=f"Paper {i} on vision", abstract="x") for i in range(len(FORMS))]
    with Library(folder) as lib:
        ids = list(lib.import_drafts(drafts, source="t").added)
        for pid, (note, _, _) in zip(ids, FORMS, strict=True):
            lib.set_note(pid, note)
    return folder, ids


@pytest.mark.parametrize(("i", "form"), list(enumerate(FORMS)), ids=[f[0][:30] for f in FORMS])
def test_each_markup_form_is_found_by_the_words_a_reader_sees(
    noted: tuple[Path, list[int]], i: int, form: tuple[str, str, str | None]
) -> None:
    folder, ids = noted
    _, word, hidden = form
    with Library(folder) as lib:
        assert ids[i] in _found(lib, word)
        if hidden is not None:
            assert ids[i] not in _found(lib, hidden)


def test_note_set_by_the_cli_is_found_by_cli_search(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lib"
    with Library(folder) as lib:
        pid, _other = lib.import_drafts(
            [PaperDraft(title="Paper on vision"), PaperDraft(title="Another")], source="t"
        ).added
    assert (
        run(
            [
                "--library",
                str(folder),
                "note",
                str(pid),
                "--set",
                "Key idea: _bidirectional_ decoding",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert run(["--library", str(folder), "search", "bidirectional"]) == 0
    out = capsys.readouterr().out
    found = [int(line.split()[0]) for line in out.splitlines() if line.strip()]
    assert found == [pid]


def test_pending_search_strips_markup_as_the_index_does(tmp_path: Path) -> None:
    """Before the index takes a note in, the scan of pending papers finds it the same way."""
    folder = tmp_path / "lib"
    lib = Library(folder)
    (pid,) = lib.import_drafts([PaperDraft(title="Paper on vision")], source="t").added
    lib.catch_up_index()
    lib.close(catch_up=False)
    lib = Library(folder)
    try:
        lib.set_note(pid, "Key idea: _bidirectional_ decoding")  # not indexed yet
        assert lib.index_behind()
        assert _found(lib, "bidirectional") == [pid]
    finally:
        lib.close(catch_up=False)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("plain words, nothing else", "plain words, nothing else"),
        ("snake_case_name, 2 * 3 and a*b", "snake_case_name, 2 * 3 and a*b"),
        ("__init__ and ___all___", "init and all"),
        ("`a_b` and ``x ` y``", "a_b and x ` y"),
        ("```\n_kept_ as code\n```\nafter", "_kept_ as code\nafter"),
        ('[text](https://x.org/p "Title")', "text https://x.org/p"),
        ("![alt](a.png) [ref][1]\n[1]: https://x.org/q", "alt ref\nhttps://x.org/q"),
        ("## Heading ##", "Heading"),
        ("> - # nested", "nested"),
        ("***\n---\nSetext\n===", "\n\nSetext\n"),
        ("| a | b |\n|:-|-:|\n| c | d |", "a b\n\nc d"),
        ("bi<b>dir</b> one<br>two <!-- hidden -->x", "bidir one two  x"),
        ("<https://auto.link/x>", "https://auto.link/x"),
        ("&lt;b&gt; &#65; &copy;", "<b> A ©"),
        ("\\_kept\\_ \\*star\\*", "_kept_ *star*"),
        ("*see `x` here*", "see x here"),
    ],
)
def test_markup_becomes_the_visible_text(source: str, text: str) -> None:
    assert note_text(source) == text


@given(st.text(alphabet="*_`[]()!<>&#|\\-~ ab\n", max_size=200))
def test_never_raises_and_never_adds_words(source: str) -> None:
    out = note_text(source)
    assert set("".join(out.split())) <= set(source)
