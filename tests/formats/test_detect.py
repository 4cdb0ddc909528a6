from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.domain import SourceFormat
from readinglist.formats.decode import decode_bytes
from readinglist.formats.detect import detect_format, is_web_of_science

BIB = "% my library\n\n@Article{knuth84,\n  title = {Literate Programming},\n}\n"
RIS = "Record #1 of 1\nProvider: X\n\nTY  - JOUR\nTI  - A title\nER  - \n"
ATOM = (
    "<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
    "xmlns:arxiv='http://arxiv.org/schemas/atom'><entry/></feed>"
)
CSL = '[\n  {"id": "a", "type": "article-journal", "title": "T"}\n]'
ABSTRACT = (
    "We study a problem. We propose a method that works well on many benchmarks. "
    "Experiments show large gains over strong baselines in every setting we tried."
)
TRENDING = f"Subscribe\nA Great Paper Title\n{ABSTRACT}\nAnother Paper: With a Colon\n{ABSTRACT}\n"
WOS = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Doe, J\nTI A title\nER\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BIB, SourceFormat.BIBTEX),
        ("@STRING(acm = {ACM})\n@book(k, title={T})", SourceFormat.BIBTEX),
        (RIS, SourceFormat.RIS),
        ("\ufeffTY  - JOUR\nTI  - x\nER  -", SourceFormat.RIS),
        (ATOM, SourceFormat.ARXIV),
        (CSL, SourceFormat.CSLJSON),
        ('{"items": [{"title": "T", "type": "book"}]}', SourceFormat.CSLJSON),
        ('{"title": "only one", "type": "book"}', SourceFormat.CSLJSON),
        ("[]", SourceFormat.CSLJSON),
        (TRENDING, SourceFormat.TRENDING),
    ],
)
def test_content_decides_whatever_the_name(text: str, expected: SourceFormat) -> None:
    assert detect_format(text) is expected
    # A misleading extension does not override clear content.
    assert detect_format(text, "download.txt") is expected
    assert detect_format(text, "export.bib") is expected


def test_broken_json_is_still_json_so_the_reader_can_say_where() -> None:
    assert detect_format('[{"title": "x",}]') is SourceFormat.CSLJSON
    assert detect_format('{"title": ') is SourceFormat.CSLJSON


def test_json_that_is_not_csl_needs_the_extension() -> None:
    assert detect_format("42") is None
    assert detect_format('["a", "b"]') is None
    assert detect_format('["a", "b"]', "items.json") is SourceFormat.CSLJSON
    assert detect_format("42", "x.csl.json") is SourceFormat.CSLJSON


def test_trending_page_may_open_with_a_bracket() -> None:
    text = f"[Re] Reproducing a Famous Result\n{ABSTRACT}\nSecond Title Here\n{ABSTRACT}\n"
    assert detect_format(text) is SourceFormat.TRENDING


def test_first_record_decides_between_bibtex_and_ris() -> None:
    bib_quoting_ris = "@misc{k, title={T}, note={\nTY  - JOUR\n}}\n"
    assert detect_format(bib_quoting_ris) is SourceFormat.BIBTEX
    ris_quoting_bib = "TY  - JOUR\nAB  - text\n@article{x,\nER  -\n"
    assert detect_format(ris_quoting_bib) is SourceFormat.RIS


def test_other_xml_and_html_are_unknown() -> None:
    assert detect_format("<html><body>Trending</body></html>") is None
    assert detect_format("<rss><channel/></rss>", "x.rss") is None
    assert detect_format("<feed>broken", "x.txt") is SourceFormat.ARXIV
    assert detect_format("<?xml version='1.0'?><root/>", "query.atom") is SourceFormat.ARXIV


def test_web_of_science_is_not_ris() -> None:
    assert is_web_of_science(WOS)
    assert detect_format(WOS) is None
    assert detect_format(WOS, "savedrecs.ris") is None
    assert detect_format(WOS, "savedrecs.txt") is None
    assert not is_web_of_science(RIS)
    assert not is_web_of_science(TRENDING)


def test_ambiguous_content_falls_back_on_the_extension() -> None:
    comments_only = "% nothing but a comment\n"
    assert detect_format(comments_only, "library.bib") is SourceFormat.BIBTEX
    # Any text file is a .txt: one line is no trending page, whatever the name says.
    assert detect_format("Just One Title Line", "page.txt") is None
    assert detect_format("Just One Title Line") is None
    assert detect_format("no tags at all here", "refs.ris") is None
    assert detect_format("", "empty.bib") is SourceFormat.BIBTEX
    assert detect_format("  \n ") is None


def test_prose_is_not_a_trending_page() -> None:
    prose = "\n".join(f"line {i}" for i in range(30))
    assert detect_format(prose) is None


def test_huge_single_line_is_detected_quickly() -> None:
    line = "word " * 1_000_000
    assert detect_format(line) is None
    assert detect_format("[" + line) is None
    assert detect_format("@" * 5_000_000) is None


def test_corpora_are_detected(corpora: Path) -> None:
    folders = {
        "bib": SourceFormat.BIBTEX,
        "ris": SourceFormat.RIS,
        "arxiv": SourceFormat.ARXIV,
        "csljson": SourceFormat.CSLJSON,
    }
    checked = 0
    for folder, expected in folders.items():
        for path in sorted((corpora / folder).iterdir()):
            text = decode_bytes(path.read_bytes()).text
            if path.name == "rispy__example_wos.ris":
                assert detect_format(text, path.name) is None
            else:
                # The empty .bib file is recognised by its name alone.
                assert detect_format(text, path.name) is expected, path.name
                if text.strip():
                    assert detect_format(text) is expected, path.name
            checked += 1
    assert checked >= 20


def test_sample_page_is_trending(sample_page: Path) -> None:
    text = sample_page.read_text(encoding="utf-8")
    assert detect_format(text, sample_page.name) is SourceFormat.TRENDING
    assert detect_format(text) is SourceFormat.TRENDING


def test_markers_are_found_across_scan_windows_and_the_earliest_wins() -> None:
    filler = "An abstract line that is neither format.\n" * 60_000  # ~2.5 MB, several windows
    assert detect_format(filler + "TY  - JOUR\nTI  - X\nER  - \n") is SourceFormat.RIS
    assert detect_format(filler + "@article{a, title={X}}\nTY  - JOUR\n") is SourceFormat.BIBTEX


def test_settings_json_is_not_csl_whatever_its_name() -> None:
    for text in ('{"name": "project", "version": "1.0"}', '{"compilerOptions": {}}', "{}"):
        assert detect_format(text, "package.json") is None
    assert detect_format('[{"name": "a"}, {"name": "b"}]', "data.json") is None
    assert detect_format('{"items": []}', "export.json") is SourceFormat.CSLJSON
    assert detect_format('{"title": "T", "type": "book"}', "one.json") is SourceFormat.CSLJSON


def test_xml_that_is_no_feed_is_unknown_even_as_xml() -> None:
    appdata = '<?xml version="1.0"?>\n<component type="desktop"><id>x</id></component>\n'
    assert detect_format(appdata, "app.metainfo.xml") is None
    assert detect_format("<svg xmlns='http://www.w3.org/2000/svg'/>", "icon.xml") is None
    # a feed-like file without the namespaces still goes to the reader, which explains
    assert detect_format("<entry><title>T</title></entry>", "q.xml") is SourceFormat.ARXIV
