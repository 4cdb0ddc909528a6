from __future__ import annotations

from pathlib import Path

from readinglist.domain import Person, SourceFormat
from readinglist.formats.arxiv import read
from readinglist.formats.decode import decode_bytes

HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
    "  <title>arXiv Query</title>\n"
)


def entry(
    arxiv_id: str = "2202.04200v1",
    title: str = "A Title",
    summary: str = "An abstract.",
    extra: str = "",
) -> str:
    return f"""  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}</id>
    <title>{title}</title>
    <summary>{summary}</summary>
    <published>2022-02-08T18:59:59Z</published>
    <link href="https://arxiv.org/abs/{arxiv_id}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{arxiv_id}" rel="related" title="pdf"/>
    <author><name>Huiwen Chang</name></author>
    <author><name>Han   Zhang</name></author>
    <author><name>Plato</name></author>
    {extra}
  </entry>
"""


def feed(*entries: str) -> str:
    return HEAD + "".join(entries) + "</feed>\n"


def test_entry_fields() -> None:
    extra = (
        "<arxiv:doi>10.1109/CVPR52688.2022.01103</arxiv:doi>"
        "<arxiv:journal_ref>CVPR 2022</arxiv:journal_ref>"
        '<arxiv:primary_category term="cs.CV"/>'
        '<category term="cs.CV"/><category term="cs.LG"/>'
    )
    text = feed(
        entry(
            title="MaskGIT:\n      Masked Generative\n  Image Transformer",
            summary="\n  Generative transformers &amp; friends.\n  Second line.\n",
            extra=extra,
        )
    )
    result = read(text, "q.xml")
    assert result.format is SourceFormat.ARXIV
    assert result.problems == ()
    (d,) = result.drafts
    assert d.title == "MaskGIT: Masked Generative Image Transformer"
    assert d.abstract == "Generative transformers & friends. Second line."
    assert d.arxiv_id == "2202.04200"
    assert d.authors == (
        Person(family="Chang", given="Huiwen"),
        Person(family="Zhang", given="Han"),
        Person(family="Plato"),
    )
    assert d.year == 2022
    assert d.doi == "10.1109/CVPR52688.2022.01103"
    assert d.venue == "CVPR 2022"
    assert d.entry_type == "article"
    assert d.url == "https://arxiv.org/abs/2202.04200v1"
    assert d.extra["primaryclass"] == "cs.CV"
    assert d.extra["categories"] == "cs.CV cs.LG"
    assert d.line == 4


def test_preprint_without_journal_ref_is_misc() -> None:
    (d,) = read(feed(entry()), "q.xml").drafts
    assert d.entry_type == "misc"
    assert d.venue == ""
    assert d.arxiv_id == "2202.04200"
    assert "eprint" not in d.extra and "archiveprefix" not in d.extra  # said by arxiv_id


def test_two_versions_of_one_paper_become_one_draft_with_the_latest_data() -> None:
    text = feed(
        entry("2202.04200v3", title="Final Title"),
        entry("2202.04200v1", title="First Title"),
        entry("1605.08386v1", title="Other Paper"),
    )
    drafts = read(text, "q.xml").drafts
    assert [(d.arxiv_id, d.title) for d in drafts] == [
        ("2202.04200", "Final Title"),
        ("1605.08386", "Other Paper"),
    ]


def test_entity_declarations_are_refused() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;">\n]>\n<feed><title>&lol2;</title></feed>'
    )
    result = read(bomb, "evil.xml")
    assert result.drafts == ()
    assert len(result.problems) == 1
    assert result.problems[0].line == 2
    assert "DOCTYPE" in result.problems[0].message


def test_truncated_xml_reports_the_parser_line() -> None:
    text = feed(entry())[:-60]
    result = read(text, "cut.xml")
    assert result.drafts == ()
    (problem,) = result.problems
    assert problem.file == "cut.xml"
    assert problem.line == text.count("\n") + 1
    assert "not well-formed" in problem.message


def test_not_a_feed() -> None:
    result = read("<html><body/></html>", "x.xml")
    assert result.drafts == ()
    assert "not an Atom feed" in result.problems[0].message


def test_entry_without_title_is_kept_with_a_warning() -> None:
    text = feed(entry("1111.11111v1", title=""), entry("2222.22222v1", title="Kept"))
    result = read(text, "q.xml")
    kept = [(d.arxiv_id, d.title) for d in result.drafts]
    assert kept == [("1111.11111", ""), ("2222.22222", "Kept")]
    assert [p.line for p in result.problems] == [4]
    assert "imported as [untitled]" in result.problems[0].message


def test_a_paper_titled_error_is_still_a_paper() -> None:
    (d,) = read(feed(entry(title="Error")), "q.xml").drafts
    assert d.title == "Error"


def test_corpora(corpora: Path) -> None:
    def load(name: str) -> tuple[tuple[str, ...], list[str]]:
        path = corpora / "arxiv" / name
        result = read(decode_bytes(path.read_bytes()).text, name)
        return tuple(d.arxiv_id for d in result.drafts), [p.message for p in result.problems]

    assert load("arxiv_1605.08386.atom.xml") == (("1605.08386",), [])
    assert load("arxiv_astro-ph_0601001.atom.xml") == (("astro-ph/0601001",), [])
    assert load("arxiv_empty_0000.0000.atom.xml") == ((), [])
    assert load("arxiv_error_abc.atom.xml") == (
        (),
        ["arXiv API error: incorrect id format for abc"],
    )

    path = corpora / "arxiv" / "arxiv_astro-ph_0601001.atom.xml"
    (d,) = read(path.read_text(encoding="utf-8"), path.name).drafts
    assert d.abstract.startswith("We derive the frequencies of hot Jupiters")
    assert "Gould & Morgan (2003)" in d.abstract
    assert "V_max<17.5" in d.abstract
    assert d.venue == "ActaAstron.56:1-50,2006"
    assert d.authors[2] == Person(family="Gaudi", given="B. Scott")
    assert d.year == 2006
    assert d.extra["primaryclass"] == "astro-ph"
