"""PaperDetail builders shared by the exporter tests: a hostile library and the sample."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from readinglist.domain import PaperDetail, Person, Status
from readinglist.formats.citekey import citation_key_for

WHEN = datetime(2024, 5, 1, 12, 0, 0)


def paper(
    id: int = 1,
    title: str = "A Title",
    *,
    abstract: str = "",
    authors: tuple[Person, ...] = (Person("Doe", "Jane"),),
    year: int | None = 2022,
    venue: str = "",
    doi: str = "",
    arxiv_id: str = "",
    url: str = "",
    entry_type: str = "article",
    citation_key: str = "",
    status: Status = Status.UNREAD,
    note: str = "",
    tags: tuple[str, ...] = (),
    extra: Mapping[str, str] | None = None,
) -> PaperDetail:
    return PaperDetail(
        id=id,
        title=title,
        abstract=abstract,
        authors=authors,
        year=year,
        venue=venue,
        doi=doi,
        arxiv_id=arxiv_id,
        url=url,
        links=(),
        entry_type=entry_type,
        citation_key=citation_key or f"key{id}",
        status=status,
        added_at=WHEN,
        status_changed_at=WHEN,
        note=note,
        tags=tags,
        source="test",
        extra=dict(extra or {}),
    )


SPECIALS = r"& % $ # _ { } ~ ^ \ "
LONG = " ".join(f"Sentence {i} of a long abstract with 50% & $x_{i}$ in it." for i in range(600))


def hostile_library() -> list[PaperDetail]:
    """Every kind of text an export has to survive, one field at a time."""
    items: list[dict[str, object]] = [
        dict(title=f"Specials {SPECIALS} in a title", abstract=f"Abstract {SPECIALS}"),
        dict(title="Unbalanced {{{ braces", abstract="closing }} first }{", note="}}{{"),
        dict(title="Ends with a lone backslash \\", venue="Venue \\", note="note \\"),
        dict(
            title="Already LaTeX: na\\\"ive \\& {\\'e}t{\\'e} 65.8\\% \\method",
            abstract='na\\"ive exact computation, fair \\& bias-free, \\url{https://x.org/a_b}',
        ),
        dict(
            title="Unicode é ü ß Ж中 😀 ≤ → ℝ naïve — “quotes”",
            abstract="Cyrillic Привет, CJK 漢字, emoji 🎉, math ≤ ≥ → ∑ √, combining e\u0301",
            authors=(Person("Müller", "Jürgen"), Person("Ørsted", "Hans Christian")),
            venue="Zeitschrift für Physik",
            tags=("größe", "机器学习"),
        ),
        dict(
            title="Links with hostile characters",
            url="https://example.org/a%20b_c#frag~user/{x}\\",
            doi="10.1002/(SICI)1097-4636<23:3;2-X>",
        ),
        dict(title="A very long abstract", abstract=LONG),
        dict(
            title="",
            abstract="",
            authors=(),
            year=None,
            venue="",
            note="",
            entry_type="",
        ),
        dict(
            title="Names with particles and suffixes",
            authors=(
                Person("Beethoven", "Ludwig", prefix="van"),
                Person("Fuente", "Juan", prefix="de la", suffix="Jr."),
                Person("Barnes and Noble"),
                Person("Le Cun", "Yann"),
                Person("King", "Martin Luther", suffix="Jr"),
                Person("Gauss, Carl"),
                Person("Rossum", "Guido", prefix="Van"),
                Person("", "Plato"),
                Person("Smith", "J. {R.}"),
            ),
        ),
        dict(
            title="Names starting with specials (biber takes their initials)",
            authors=(
                Person("& Sons"),
                Person("Smith", "_J %x"),
                Person("#Hash", "~Tilde ^Hat $D"),
                Person("A&B", "x_y"),
                Person("Barnes & Noble"),
                Person("“Quoted”", "—Dash"),
                Person("😀", "中"),
                Person("Ж", "ℝ"),
            ),
        ),
        dict(title="Nothing known", authors=(), year=None),
        dict(title="Rock and Roll and Deep Learning", entry_type="inproceedings"),
        dict(
            title="Raw LaTeX extra fields",
            entry_type="book",
            venue="Springer",
            extra={
                "publisher": "Springer-Verlag {GmbH}",
                "note": "Also in {\\em Proc.} 50% of the time & more #1",
                "series": "Lecture Notes {in Computer Science",
                "edition": "Second_edition ^2",
                "address": 'M{\\"u}nchen',
                "pages": "1--10",
                "month": "June",
                "crossref": "missing-parent",
                "Bad Field": "ignored",
                "file": ":C\\:/papers/x.pdf:PDF",
                "volume": "}{",
                "howpublished": "\\url{https://a.org/x_y%20z}",
            },
        ),
        dict(title="Odd entry types", entry_type="WRONG", venue="Somewhere"),
        dict(title="Online thing", entry_type="online", url="https://example.org/~me"),
        dict(title="Thesis", entry_type="phdthesis", venue="MIT"),
        dict(title="Report", entry_type="Report", venue="Lab & Co"),
        dict(
            title="MaskGIT: Masked Generative Image Transformer",
            arxiv_id="2202.04200",
            authors=(Person("Chang", "Huiwen"), Person("Zhang", "Han")),
            tags=("generative", "vision & images", "50%"),
            note="# My notes\n\nGood *paper*; see `code_{x}` & 100% \\o/\n\n- point",
            extra={"month": "feb", "date": "2022-02-08"},
        ),
        dict(title="Old arXiv id", arxiv_id="astro-ph/0601001", entry_type="misc"),
        dict(title="ISO month", year=2021, extra={"date": "2021-07", "month": "13"}),
        dict(title="Sentence case title from Wikipedia and MIT", year=2020),
        dict(title="GANs, BERT and T5 in 3D", citation_key="Key With Spaces%&"),
        dict(title="Duplicate key 1", citation_key="dup"),
        dict(title="Duplicate key 2", citation_key="DUP"),
        dict(title="Control chars \x00\x07\x1b and tabs\tand\nnewlines\n\nparagraph"),
        dict(title="Zero width\u200bspace\ufeff and soft\u00adhyphen"),
    ]
    return [paper(i + 1, **kw) for i, kw in enumerate(items)]  # type: ignore[arg-type]


def corpus_papers(corpora: Path) -> list[PaperDetail]:
    """Every record our readers take from ../shared/corpora, as library papers: real
    extra fields (raw LaTeX from .bib, plain text from RIS/CSL) and real names."""
    from readinglist.formats import reader  # the import side, written by another helper

    taken: set[str] = set()
    out: list[PaperDetail] = []
    for path in sorted(corpora.glob("*/*")):
        if path.suffix in (".tsv", ".md"):
            continue
        try:
            drafts = reader.read_path(path).drafts
        except Exception:  # a file the readers refuse is not this test's subject
            continue
        for d in drafts:
            key = citation_key_for(d.authors, d.year, d.title, taken.__contains__)
            taken.add(key)
            out.append(
                paper(
                    5000 + len(out),
                    d.title,
                    abstract=d.abstract,
                    authors=d.authors,
                    year=d.year,
                    venue=d.venue,
                    doi=d.doi,
                    arxiv_id=d.arxiv_id,
                    url=d.url,
                    entry_type=d.entry_type,
                    citation_key=key,
                    tags=d.tags,
                    note=d.note,
                    extra=d.extra,
                )
            )
    return out


def sample_papers(path: Path) -> list[PaperDetail]:
    """The trending sample split by hand: line 3 (minus "Subscribe") starts title/abstract
    pairs. Keys come from citation_key_for, as the library makes them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [lines[2].removeprefix("Subscribe"), *lines[3:]]
    taken: set[str] = set()
    out: list[PaperDetail] = []
    for i in range(0, len(body) - 1, 2):
        title, abstract = body[i].strip(), body[i + 1].strip()
        key = citation_key_for((), None, title, taken.__contains__)
        taken.add(key)
        out.append(
            paper(
                1000 + i,
                title,
                abstract=abstract,
                authors=(),
                year=None,
                citation_key=key,
                entry_type="article",
            )
        )
    return out
