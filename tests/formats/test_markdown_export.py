from __future__ import annotations

import markdown

from readinglist.domain import Person, Status
from readinglist.formats.markdown_export import write_markdown
from tests.formats.bib_fixtures import hostile_library, paper


def test_grouped_by_status_in_reading_order() -> None:
    papers = [
        paper(1, "Done paper", status=Status.READ),
        paper(2, "Next paper", status=Status.UNREAD),
        paper(3, "Current paper", status=Status.READING),
        paper(4, "Another unread", status=Status.UNREAD),
    ]
    md = write_markdown(papers)
    assert md.startswith("# Reading list\n\n4 papers\n")
    order = [
        md.index(s)
        for s in (
            "## Reading (1)",
            "Current",
            "## Unread (2)",
            "Next",
            "Another",
            "## Read (1)",
            "Done",
        )
    ]
    assert order == sorted(order)


def test_paper_block() -> None:
    p = paper(
        1,
        "MaskGIT: *Masked* [Generative] Image_Transformer",
        abstract="First paragraph.\n\nSecond with a_b and <tag>.",
        authors=(Person("Chang", "Huiwen"), Person("Zhang", "Han")),
        venue="CVPR",
        arxiv_id="2202.04200",
        citation_key="chang2022maskgit",
        tags=("vision", "gen"),
        note="# Mine\n\nGood **paper**.\n\n```\n# not a heading\n```",
    )
    md = write_markdown([p])
    assert (
        "### [MaskGIT: \\*Masked\\* \\[Generative\\] Image\\_Transformer]"
        "(https://arxiv.org/abs/2202.04200)"
    ) in md
    assert "Huiwen Chang, Han Zhang · CVPR · 2022" in md
    assert "Tags: `vision`, `gen` · Key: `chang2022maskgit`" in md
    assert "> First paragraph.\n>\n> Second with a\\_b and &lt;tag>." in md
    assert "#### Mine\n\nGood **paper**." in md
    assert "```\n# not a heading\n```" in md


def test_renders_to_html_with_the_original_characters() -> None:
    p = paper(1, "a*b*c_d_ [x](y) <script>", doi="10.1/a(b) c", status=Status.READ)
    html = markdown.markdown(write_markdown([p]))
    assert "a*b*c_d_ [x](y) &lt;script&gt;" in html
    assert 'href="https://doi.org/10.1/a%28b%29%20c"' in html


def test_hostile_library_deterministic_and_every_paper_present() -> None:
    lib = hostile_library()
    md = write_markdown(lib)
    assert md == write_markdown(lib)
    assert md.count("\n### ") == len(lib)
    assert "*(untitled)*" in md
