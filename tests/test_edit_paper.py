"""Editing a paper by hand (issue 9): Library.edit_paper on a real library and index."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.domain import (
    NO_YEAR,
    Filter,
    LibraryError,
    PaperDraft,
    PaperEdit,
    PaperNotFound,
    Person,
)
from readinglist.formats.author_lines import author_line, authors_from_lines
from readinglist.library import Library
from tests.conftest import Backend


def _seed(lib: Library) -> list[int]:
    report = lib.import_drafts(
        [
            PaperDraft(title="MaskGIT: Masked Generative Image Transformer", entry_type="misc"),
            PaperDraft(
                title="Attention Is All You Need",
                authors=(Person("Vaswani", "Ashish"),),
                year=2017,
                source_key="vaswani2017",
            ),
        ],
        source="test",
    )
    return sorted(report.added)


@pytest.fixture
def lib(backend_lib: Library) -> Iterator[Library]:
    """Edit and undo behave the same on both backends (conftest.py `backend`)."""
    yield backend_lib


def _seq(backend: Backend, pid: int) -> int:
    (row,) = backend.sql("SELECT change_seq FROM papers WHERE id = :id", id=pid)
    return int(row[0])


def test_edit_every_field_in_one_write_and_search_follows(lib: Library, backend: Backend) -> None:
    a, _ = _seed(lib)
    before = _seq(backend, a)
    authors = authors_from_lines("Chang, Huiwen\nHan Zhang\n{Google Research}")
    changes = lib.edit_paper(
        a,
        PaperEdit(
            title="MaskGIT: Masked Generative Image Transformer (CVPR)",
            authors=authors,
            year=2022,
            venue="CVPR",
            entry_type="InProceedings",
            doi="https://doi.org/10.1109/CVPR52688.2022.01103",
            arxiv_id="arXiv:2202.04200v1",
            url="https://masked-generative-image-transformer.github.io/",
            citation_key="chang2022maskgit",
            key_pinned=True,
            abstract="We propose MaskGIT.\n\nSee https://github.com/google-research/maskgit",
        ),
    )
    assert changes.paper_ids == {a} and changes.fields
    d = lib.get(a)
    assert d.title.endswith("(CVPR)")
    assert d.authors == (
        Person("Chang", "Huiwen"),
        Person("Zhang", "Han"),
        Person("Google Research"),
    )
    assert (d.year, d.venue, d.entry_type) == (2022, "CVPR", "inproceedings")
    assert d.doi == "10.1109/CVPR52688.2022.01103"
    assert d.arxiv_id == "2202.04200"
    assert d.citation_key == "chang2022maskgit" and d.key_origin == "user" and d.key_pinned
    assert "https://github.com/google-research/maskgit" in d.links
    assert lib.rows([a])[0].authors.startswith("Chang, Zhang")
    assert _seq(backend, a) > before  # the index follows the change number
    assert lib.ids(Filter(query="CVPR")) == [a]
    assert lib.ids(Filter(query="author:chang")) == [a]
    assert lib.resolve_paper_ref("chang2022maskgit") == a


def test_fields_not_given_stay_and_empty_clears(lib: Library) -> None:
    _, b = _seed(lib)
    lib.edit_paper(b, PaperEdit(year=NO_YEAR, venue=""))
    d = lib.get(b)
    assert d.year is None and d.venue == ""
    assert d.authors == (Person("Vaswani", "Ashish"),)  # untouched
    assert d.citation_key == "vaswani2017" and d.key_origin == "file"
    assert lib.edit_paper(b, PaperEdit(title=d.title)) == lib.edit_paper(b, PaperEdit())
    assert not lib.edit_paper(b, PaperEdit(title=d.title))  # nothing changed: no Changes


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (PaperEdit(doi="1234/abc"), "DOI", "is not a DOI"),
        (PaperEdit(doi="10.12/abc"), "DOI", "is not a DOI"),
        (PaperEdit(doi="10.1145/ab c"), "DOI", "is not a DOI"),
        (PaperEdit(arxiv_id="2202.042"), "arXiv id", "is not an arXiv id"),
        (PaperEdit(arxiv_id="2202.4200"), "arXiv id", "is not an arXiv id"),  # 5 digits
        (PaperEdit(arxiv_id="1412.12345"), "arXiv id", "is not an arXiv id"),  # 4 then
        (PaperEdit(arxiv_id="2213.00001"), "arXiv id", "is not an arXiv id"),  # month 13
        (PaperEdit(arxiv_id="hep-th/99010"), "arXiv id", "is not an arXiv id"),
        (PaperEdit(arxiv_id="arxiv.org/abs/x"), "arXiv id", "is not an arXiv id"),
        (PaperEdit(year=999), "year", "is not between 1000 and"),
        (PaperEdit(year=datetime.now(UTC).year + 2), "year", "is not between 1000 and"),
        (PaperEdit(citation_key="chang 2022"), "key", "may hold only"),
        (PaperEdit(citation_key="chang{2022}"), "key", "may hold only"),
        (PaperEdit(citation_key="münch2020"), "key", "may hold only"),
        (PaperEdit(citation_key=""), "key", "cannot be empty"),
        (PaperEdit(citation_key="VASWANI2017"), "key", "is taken by paper"),
        (PaperEdit(url="www.example.org"), "URL", "starts with http"),
        (PaperEdit(entry_type="in proceedings"), "type", "one word"),
    ],
)
def test_each_rule_refuses_with_a_clear_message_and_writes_nothing(
    lib: Library, edit: PaperEdit, field: str, words: str
) -> None:
    a, _ = _seed(lib)
    before = lib.get(a)
    seq = lib.change_seq()
    with pytest.raises(LibraryError) as err:
        lib.edit_paper(a, dataclasses.replace(edit, title="Changed too"))
    message = str(err.value)
    assert "\n" not in message
    assert f"cannot edit paper {a} ({field})" in message and words in message
    assert lib.get(a) == before  # the valid title in the same edit was not written either
    assert lib.change_seq() == seq
    assert set(lib.check_edit(a, edit)) == set(edit.given())


def test_valid_edge_values_pass(lib: Library) -> None:
    a, _ = _seed(lib)
    for edit in (
        PaperEdit(year=1000),
        PaperEdit(year=datetime.now(UTC).year + 1),
        PaperEdit(arxiv_id="hep-th/9901001v2"),
        PaperEdit(arxiv_id="math.CO/0501001"),
        PaperEdit(arxiv_id="1706.03762"),
        PaperEdit(arxiv_id="0704.0001"),
        PaperEdit(arxiv_id="https://arxiv.org/abs/2202.04200v2"),
        PaperEdit(doi="doi:10.48550/arXiv.2202.04200"),
        PaperEdit(citation_key="Chang:2022.mask+git_v2-a/b"),
    ):
        assert lib.check_edit(a, edit) == {}, edit
        lib.edit_paper(a, edit)
    assert lib.get(a).citation_key == "Chang:2022.mask+git_v2-a/b"


def test_a_key_is_unique_across_the_trash_and_case(lib: Library) -> None:
    a, b = _seed(lib)
    lib.trash([b])
    problems = lib.check_edit(a, PaperEdit(citation_key="Vaswani2017"))
    assert "taken by paper" in problems["citation_key"] and "Trash" in problems["citation_key"]
    # its own key in another case is no clash
    lib.edit_paper(b, PaperEdit(citation_key="Vaswani2017"))
    assert lib.get(b).citation_key == "Vaswani2017"


def test_user_fields_drop_their_import_notes(lib: Library) -> None:
    _, b = _seed(lib)
    lib.import_drafts(
        [
            PaperDraft(
                title="Attention Is All You Need",
                authors=(Person("Vaswani", "Ashish"),),
                year=2018,
                venue="NeurIPS",
                source_key="other2017",
            )
        ],
        source="again",
    )
    d = lib.get(b)
    assert set(d.conflicts) == {"year", "citation_key"}, d.conflicts
    lib.edit_paper(b, PaperEdit(year=2017))  # the user decided: 2017 it is
    assert set(lib.get(b).conflicts) == {"citation_key"}
    lib.edit_paper(b, PaperEdit(citation_key="vaswani2017attention"))
    assert lib.get(b).conflicts == {}


def test_a_typed_key_is_never_changed_by_an_import(lib: Library) -> None:
    a, _ = _seed(lib)
    lib.edit_paper(a, PaperEdit(citation_key="mine"))
    lib.import_drafts(
        [PaperDraft(title="MaskGIT: Masked Generative Image Transformer", source_key="file")],
        source="again",
    )
    d = lib.get(a)
    assert d.citation_key == "mine" and d.key_origin == "user"
    assert d.conflicts.get("citation_key") == "file"


def test_revert_puts_back_every_field_origin_and_notes(lib: Library) -> None:
    _, b = _seed(lib)
    lib.import_drafts(
        [PaperDraft(title="Attention Is All You Need", year=2018, source_key="x2017")],
        source="again",
    )
    before = lib.get(b)
    edit = PaperEdit(title="New", year=2017, citation_key="typed", authors=())
    lib.edit_paper(b, edit)
    assert lib.get(b).key_origin == "user"
    lib.revert_edit(before, edit)
    after = lib.get(b)
    assert after == before
    assert lib.ids(Filter(query="attention")) == [b]


def test_missing_paper(lib: Library) -> None:
    _seed(lib)
    with pytest.raises(PaperNotFound, match="no paper with id 999"):
        lib.edit_paper(999, PaperEdit(title="x"))


def test_typed_text_is_cleaned(lib: Library) -> None:
    a, _ = _seed(lib)
    lib.edit_paper(a, PaperEdit(title="  Mask\u202eGIT\x1b[31m  ", abstract="line 1\r\nline 2\x00"))
    d = lib.get(a)
    assert d.title == "MaskGIT[31m"
    assert d.abstract == "line 1\nline 2"


def test_resolve_paper_ref(lib: Library) -> None:
    a, b = _seed(lib)
    assert lib.resolve_paper_ref(str(a)) == a
    assert lib.resolve_paper_ref("VASWANI2017") == b
    lib.edit_paper(a, PaperEdit(citation_key="2017"))
    assert lib.resolve_paper_ref("2017") == a  # no paper 2017: the key
    lib.edit_paper(b, PaperEdit(citation_key=str(a)))
    assert lib.resolve_paper_ref(str(a)) == a  # an id wins over a key
    with pytest.raises(PaperNotFound, match="no paper with id 4242"):
        lib.resolve_paper_ref("4242")
    with pytest.raises(PaperNotFound, match="citation key 'nope'"):
        lib.resolve_paper_ref("nope")


@pytest.mark.parametrize(
    "person",
    [
        Person("Chang", "Huiwen"),
        Person("Google DeepMind"),
        Person("Acme, Inc."),
        Person("Beethoven", "Ludwig", "van"),
        Person("de la Cruz", "Juan"),
        Person("Fulton", "James", "", "Jr."),
        Person("Müller", "Jörg"),
    ],
)
def test_author_lines_read_back(person: Person) -> None:
    assert authors_from_lines(author_line(person)) == (person,)


def test_author_line_forms() -> None:
    assert authors_from_lines("Huiwen Chang\n\n  Zhang, Han \n{OpenAI}\n") == (
        Person("Chang", "Huiwen"),
        Person("Zhang", "Han"),
        Person("OpenAI"),
    )
    assert json.dumps(authors_from_lines(["Ludwig van Beethoven"])[0].prefix) == '"van"'


def test_a_value_the_paper_already_holds_is_not_judged_again(lib: Library) -> None:
    """An old imported DOI (a publisher's resolver address) may stay as it is while
    the user fixes another field; typing such a value is still refused."""
    added = lib.import_drafts(
        [PaperDraft(title="Old record", doi="http://doi.acm.org/10.1145/3292500")],
        source="old",
    ).added
    pid = added[0]
    held = lib.get(pid).doi
    assert lib.check_edit(pid, PaperEdit(doi="http://doi.acm.org/10.1145/1")) != {}
    lib.edit_paper(pid, PaperEdit(title="Old record, fixed", doi=held))
    assert (lib.get(pid).title, lib.get(pid).doi) == ("Old record, fixed", held)


def test_undo_cannot_give_back_a_key_another_paper_took_meanwhile(lib: Library) -> None:
    a, b = _seed(lib)
    before = lib.get(b)
    edit = PaperEdit(citation_key="attention")
    lib.edit_paper(b, edit)
    lib.edit_paper(a, PaperEdit(citation_key="Vaswani2017"))  # the freed key, taken
    with pytest.raises(LibraryError, match="cannot give the key 'vaswani2017' back: paper"):
        lib.revert_edit(before, edit)
    assert lib.get(b).citation_key == "attention"  # nothing half-done


_WORD = st.text(alphabet=st.sampled_from(list("abcdeXYZéøßÅ.-',~%\\19")), min_size=1, max_size=6)
_NAME = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    _NAME,
    st.one_of(st.just(""), _NAME),
    st.sampled_from(["", "van", "de la"]),
    st.sampled_from(["", "Jr.", "III"]),
)
def test_any_author_line_reads_back_as_typed_text(
    family: str, given_: str, prefix: str, suffix: str
) -> None:
    """Typed names are plain text: "--", "~", "%" and backslashes stay themselves."""
    person = Person(family, given_, prefix if given_ else "", suffix if given_ else "")
    assert authors_from_lines(author_line(person)) == (person,)
