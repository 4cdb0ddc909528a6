"""The query language's tree: one shape per syntax form (no index needed)."""

from __future__ import annotations

import pytest

from readinglist.search.query import (
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Range,
    Term,
    parse,
)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("diffusion", Term("diffusion")),
        ("diffusion video", And((Term("diffusion"), Term("video")))),
        ("diffusion AND video", And((Term("diffusion"), Term("video")))),
        ("+diffusion", Term("diffusion")),
        ('"diffusion of models"', Phrase("diffusion of models")),
        ("\u201cdiffusion models\u201d", Phrase("diffusion models")),
        ("trans*", Prefix("trans")),
        ("diffusion OR gan", Or((Term("diffusion"), Term("gan")))),
        # OR binds tighter than the implicit AND
        ("video diffusion OR gan", And((Term("video"), Or((Term("diffusion"), Term("gan")))))),
        ("(a1 b1) OR c1", Or((And((Term("a1"), Term("b1"))), Term("c1")))),
        ("NOT graph", Not(Term("graph"))),
        ("attention -graph", And((Term("attention"), Not(Term("graph"))))),
        ("attention NOT graph", And((Term("attention"), Not(Term("graph"))))),
        ("-(graph OR tree)", Not(Or((Term("graph"), Term("tree"))))),
        ('-"graph attention"', Not(Phrase("graph attention"))),
        ("to-read", Term("to-read")),  # a hyphen inside a word is the word's
        ("state-of-the-art", Term("state-of-the-art")),
        ("title:graph", Field("title", Term("graph"))),
        ('title:"graph attention"', Field("title", Phrase("graph attention"))),
        ("author:kap*", Field("authors", Prefix("kap"))),
        ("authors:kaplan", Field("authors", Term("kaplan"))),
        ("tag:to-read", Field("tags", Term("to-read"))),
        ('tag:"reinforcement learning"', Field("tags", Phrase("reinforcement learning"))),
        ("doi:10.1/x", Field("ids", Term("10.1/x"))),
        ("arxiv:2202.04200", Field("ids", Term("2202.04200"))),
        ("note:idea", Field("note", Term("idea"))),
        ("abstract:synthesis", Field("abstract", Term("synthesis"))),
        ("venue:neurips", Field("venue", Term("neurips"))),
        ("status:read", Field("status", Term("read"))),
        ("TITLE:graph", Field("title", Term("graph"))),
        ("title:(graph OR tree)", Field("title", Or((Term("graph"), Term("tree"))))),
        ("-abstract:transformers", Not(Field("abstract", Term("transformers")))),
        ("year:2020", Field("year", Term("2020"))),
        ("year:[2015 TO 2018]", Field("year", Range(2015, 2018))),
        ("year:[2015 TO]", Field("year", Range(2015, None))),
        ("year:[TO 2018]", Field("year", Range(None, 2018))),
        ("year:>2019", Field("year", Range(2020, None))),
        ("year:>=2019", Field("year", Range(2019, None))),
        ("year:<2019", Field("year", Range(None, 2018))),
        ("year:<=2019", Field("year", Range(None, 2019))),
        ("foo:bar", Term("foo:bar")),  # not a field of ours: text
    ],
)
def test_tree_shape(text: str, tree: Node) -> None:
    assert parse(text) == tree


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ('"unbalanced quote', Phrase("unbalanced quote")),
        ("attention OR", Term("attention")),
        ("attention AND", Term("attention")),
        ("OR attention", Term("attention")),
        ("(graph", Term("graph")),
        ("graph)", Term("graph")),
        ("(graph OR tree", Or((Term("graph"), Term("tree")))),
        ("title:", None),
        ("graph title:", Term("graph")),
        ("NOT", None),
        ("-", None),
        ("  ", None),
        ("()", None),
        ('""', None),
        ("*", None),
    ],
)
def test_half_typed_text_is_tidied_not_refused(text: str, tree: Node | None) -> None:
    assert parse(text) == tree
    parse(text, as_you_type=True)  # never raises either


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("transf", Prefix("transf")),
        ("graph atten", And((Term("graph"), Prefix("atten")))),
        ("graph atten ", And((Term("graph"), Term("atten")))),  # a space ends the word
        ("tr", Term("tr")),  # too short to complete, alone: a word
        ("graph a", Term("graph")),  # too short after other words: left out for now
        ("graph at", Term("graph")),
        ("author:kap", Field("authors", Prefix("kap"))),
        ("tag:surv", Field("tags", Prefix("surv"))),
        ("-grap", Not(Prefix("grap"))),
        ('"open phrase', Phrase("open phrase")),  # inside quotes: no prefix
        ("year:2020", Field("year", Term("2020"))),  # numbers are not completed
        ("status:rea", Field("status", Term("rea"))),  # statuses are whole
        ("to-re", Term("to-re")),  # no prefix inside a hyphenated word
        ("graph OR", Term("graph")),
    ],
)
def test_as_you_type_last_word(text: str, tree: Node) -> None:
    assert parse(text, as_you_type=True) == tree


def test_the_tree_is_frozen_and_hashable() -> None:
    tree = parse('title:"graph attention" OR -year:[2015 TO 2018]')
    assert tree is not None
    assert hash(tree) == hash(parse('title:"graph attention" OR -year:[2015 TO 2018]'))
    with pytest.raises(AttributeError):
        tree.parts = ()  # type: ignore[misc, union-attr]
