"""Completing papers from arXiv / DOI against the local stand-in services.

Every test uses a real library file; the services are a real HTTP server on
127.0.0.1 answering from recorded responses. Nothing here reaches the internet.
"""

from __future__ import annotations

import itertools
import json
import socket
import sqlite3

import pytest

from readinglist.config import Config
from readinglist.domain import LibraryError, PaperDraft, PaperEdit, Person
from readinglist.library import Library
from readinglist.lookup.complete import Services
from readinglist.lookup.http import RateLimiter

from .conftest import services_for
from .server import FakeServices, entry_xml

MASKGIT = "MaskGIT: Masked Generative Image Transformer"
MUSE = "Muse: Text-To-Image Generation via Masked Generative Transformers"
SUBFORMER = (
    "Subformer: Exploring Weight Sharing for Parameter Efficiency in Generative Transformers"
)


def _add(lib: Library, *drafts: PaperDraft) -> list[int]:
    return list(lib.import_drafts(drafts, source="test").added)


def _conflicts(lib: Library, paper_id: int) -> dict[str, str]:
    with sqlite3.connect(lib.folder / "library.sqlite") as db:
        (text,) = db.execute(
            "SELECT conflicts_json FROM papers WHERE id = ?", (paper_id,)
        ).fetchone()
    return dict(json.loads(text))


def test_arxiv_ids_are_completed_in_one_batched_query(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    ids = _add(
        lib,
        PaperDraft(title="MaskGIT", arxiv_id="2202.04200", entry_type="misc"),
        PaperDraft(title="Muse", arxiv_id="2301.00704", entry_type="misc"),
        PaperDraft(title="Subformer", arxiv_id="2101.00234", entry_type="misc"),
    )
    report = lib.complete(ids, services=services)

    asked = fake.requests_to("/api/query")
    assert len(asked) == 1
    assert asked[0].query["id_list"].split(",") == ["2202.04200", "2301.00704", "2101.00234"]
    assert report.requests == 1 and not report.problems and not report.cancelled
    assert set(report.filled) == set(ids)
    maskgit, muse, subformer = lib.details(ids)
    assert [a.family for a in maskgit.authors] == ["Chang", "Zhang", "Jiang", "Liu", "Freeman"]
    assert maskgit.year == 2022 and muse.year == 2023 and subformer.year == 2021
    assert maskgit.url == "https://arxiv.org/abs/2202.04200v1"
    # the arXiv id column says it; the reader keeps no eprint/archiveprefix extras
    assert maskgit.arxiv_id == "2202.04200" and "eprint" not in maskgit.extra
    assert "updated" not in maskgit.extra  # service bookkeeping stays out
    assert subformer.venue.startswith("Findings of the Association")
    assert subformer.entry_type == "article"  # a journal reference is more than misc
    assert "authors" in report.filled[ids[0]] and "year" in report.filled[ids[0]]
    assert report.changes.paper_ids == frozenset(ids)
    # the search index follows: the new author names find the papers
    assert {d.id for d, _ in lib.search("Freeman")} == {ids[0]}


def test_more_ids_than_a_batch_take_several_queries(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    drafts = [PaperDraft(title=f"Paper {n}", arxiv_id=f"2405.{n:05d}") for n in range(59)]
    ids = _add(lib, PaperDraft(title="MaskGIT", arxiv_id="2202.04200"), *drafts)
    report = lib.complete(ids, services=services)
    sizes = [len(r.query["id_list"].split(",")) for r in fake.requests_to("/api/query")]
    assert sizes == [50, 10]
    assert set(report.filled) == {ids[0]}
    assert len(report.not_found) == 59
    assert any("has no paper arXiv:2405.00000" in p for p in report.problems)


def test_doi_is_completed_from_csl_json(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    (pid,) = _add(
        lib, PaperDraft(title=MASKGIT, doi="10.1109/CVPR52688.2022.01103", entry_type="misc")
    )
    report = lib.complete([pid], services=services)

    (asked, followed) = fake.seen
    assert asked.path == "/doi/10.1109/CVPR52688.2022.01103"
    assert asked.accept == "application/vnd.citationstyles.csl+json"
    assert followed.path.startswith("/works/")  # the resolver's redirect was followed
    assert not report.problems and report.filled[pid]
    d = lib.get(pid)
    assert d.year == 2022 and d.entry_type == "inproceedings"
    assert d.authors[4] == Person(family="Freeman", given="William T.")
    assert d.venue.startswith("2022 IEEE/CVF Conference")
    assert d.extra["pages"] == "11305--11315" and d.extra["publisher"] == "IEEE"
    assert "reference" not in d.extra and "indexed" not in d.extra
    assert d.doi == "10.1109/CVPR52688.2022.01103"  # the user's spelling stays


def test_title_search_takes_only_a_confident_match(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    ids = _add(
        lib,
        PaperDraft(title="MUSE: text-to-image generation via masked generative transformers"),
        PaperDraft(title="An amazing title"),  # two arXiv papers carry it
        PaperDraft(title="Diffusion models for tabular data"),  # only longer titles
        PaperDraft(title="Nothing on arXiv is called this"),
    )
    report = lib.complete(ids, services=services)

    (search,) = [r.query for r in fake.requests_to("/api/query")]  # one request for all
    assert search["search_query"] == (
        'ti:"MUSE text-to-image generation via masked generative transformers"'
        ' OR ti:"An amazing title" OR ti:"Diffusion models for tabular data"'
        ' OR ti:"Nothing on arXiv is called this"'
    )
    assert search["max_results"] == "40"
    muse, amazing, diffusion, nothing = lib.details(ids)
    assert muse.arxiv_id == "2301.00704" and muse.year == 2023
    assert muse.title == "MUSE: text-to-image generation via masked generative transformers"
    assert set(report.filled) == {ids[0]}
    assert set(report.not_found) == set(ids[1:])
    assert [c.arxiv_id for c in report.candidates[ids[1]]] == ["2403.01111", "2405.02222"]
    assert {c.title for c in report.candidates[ids[2]]} == {
        "Diffusion Models for Tabular Data: A Survey",
        "Diffusion Models for Tabular Data: Benchmarks",
    }
    assert ids[3] not in report.candidates
    for d in (amazing, diffusion, nothing):  # nothing guessed
        assert d.authors == () and d.year is None and d.arxiv_id == ""


def test_a_value_the_user_typed_is_never_overwritten(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    mine = PaperDraft(
        title="MaskGIT (my reading notes title)",
        authors=(Person("Chang", "Huiwen"), Person("Zhang", "Han")),
        year=2021,
        venue="CVPR",
        url="https://example.org/my-copy",
        arxiv_id="2202.04200",
        entry_type="inproceedings",
    )
    (pid,) = _add(lib, mine)
    report = lib.complete([pid], services=services)

    d = lib.get(pid)
    assert d.title == mine.title and d.year == 2021 and d.venue == "CVPR"
    assert d.url == "https://example.org/my-copy" and d.entry_type == "inproceedings"
    assert [a.family for a in d.authors] == ["Chang", "Zhang"]
    assert d.abstract.startswith("Generative transformers")  # the empty field was filled
    assert report.filled[pid] == ("abstract", "primaryclass")
    assert report.conflicts[pid] == ("authors", "title", "url", "year")
    recorded = _conflicts(lib, pid)
    assert recorded["year"] == "2022" and recorded["title"] == MASKGIT
    assert recorded["authors"].startswith("Huiwen Chang; Han Zhang; Lu Jiang")

    again = lib.complete([pid], services=services)  # asking twice changes nothing more
    assert again.filled == {} and lib.get(pid) == d


def test_doi_not_found_is_reported(lib: Library, fake: FakeServices, services: Services) -> None:
    (pid,) = _add(lib, PaperDraft(title="Lost", doi="10.9999/does-not-exist"))
    report = lib.complete([pid], services=services)
    assert report.not_found == (pid,)
    assert report.problems == (
        f"127.0.0.1:{fake.port} does not know DOI 10.9999/does-not-exist (HTTP 404) (paper: {pid})",
    )
    assert lib.get(pid).authors == ()


def test_a_service_that_never_answers_is_given_up_on(lib: Library, fake: FakeServices) -> None:
    fake.fault["arxiv"] = "sleep"
    services = services_for(fake, timeout_s=0.3)
    by_id = PaperDraft(title="MaskGIT", arxiv_id="2202.04200")
    ids = _add(lib, by_id, *(PaperDraft(title=f"{MUSE} {n}") for n in range(11)))
    report = lib.complete(ids, services=services)

    host = f"127.0.0.1:{fake.port}"
    first_ten = ", ".join(map(str, ids[:10]))
    assert report.problems == (
        f"{host} did not answer within 0.3 s (11 papers: {first_ten}, ...)",
        f"{host} did not answer within 0.3 s (twice; not asked again) (paper: {ids[11]})",
    )
    assert len(fake.seen) == 2  # after two timeouts in a row it is not asked again
    assert report.filled == {} and all(d.year is None for d in lib.details(ids))


@pytest.mark.parametrize(
    ("service", "fault", "expected"),
    [
        ("arxiv", "truncated", "sent an answer that is not an arXiv feed: not well-formed XML"),
        ("arxiv", "error_feed", "arXiv API error: incorrect id format for 2202.0420x"),
        ("arxiv", "status:503", "answered HTTP 503 Service Unavailable"),
        (
            "arxiv",
            "redirect_away",
            "redirected to http://198.51.100.7, which is not the configured",
        ),
        ("doi", "redirect_away", "redirected to http://198.51.100.7, which is not the"),
        ("doi", "html", "that is not a CSL-JSON record: invalid JSON"),
        ("doi", "status:503", "answered HTTP 503 Service Unavailable for DOI 10.1109/"),
    ],
)
def test_broken_answers_are_reported_and_change_nothing(
    lib: Library, fake: FakeServices, services: Services, service: str, fault: str, expected: str
) -> None:
    fake.fault[service] = fault
    draft = PaperDraft(title=MASKGIT, arxiv_id="2202.04200")
    if service == "doi":
        draft = PaperDraft(title=MASKGIT, doi="10.1109/cvpr52688.2022.01103")
    (pid,) = _add(lib, draft)
    before = lib.get(pid)
    report = lib.complete([pid], services=services)
    assert len(report.problems) == 1 and expected in report.problems[0], report.problems
    assert report.problems[0].startswith(f"127.0.0.1:{fake.port}")
    assert report.filled == {} and lib.get(pid) == before


def test_offline_says_which_service_cannot_be_reached(lib: Library) -> None:
    with socket.socket() as s:  # a port nobody listens on: the connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = Config(arxiv_api=f"http://127.0.0.1:{port}/api/query", doi_resolver="http://x/")
    services = Services.from_config(config, interval_s=0, timeout_s=2)
    ids = _add(lib, *(PaperDraft(title=t) for t in (MASKGIT, MUSE, SUBFORMER)))
    report = lib.complete(ids, services=services)
    (problem,) = report.problems  # one message for all three, asked once
    assert problem.startswith(f"cannot reach 127.0.0.1:{port}: [Errno 111] Connection refused")
    assert problem.endswith(f"(3 papers: {ids[0]}, {ids[1]}, {ids[2]})")
    assert services.requests == 1


def test_cancel_stops_before_the_next_request_and_keeps_what_came(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    ids = _add(
        lib,
        PaperDraft(title="Muse", arxiv_id="2301.00704"),  # arXiv by id: the first request
        PaperDraft(title=MASKGIT, doi="10.1109/cvpr52688.2022.01103"),  # the DOI resolver
        PaperDraft(title=SUBFORMER),  # an arXiv title search
    )
    seen: list[tuple[int, int]] = []
    report = lib.complete(
        ids,
        services=services,
        progress=lambda d, t: seen.append((d, t)),
        cancel=lambda: len(fake.seen) >= 1,
    )
    assert report.cancelled and len(fake.seen) == 1
    assert set(report.filled) == {ids[0]}
    assert seen == [(1, 3)]
    muse, maskgit, subformer = lib.details(ids)
    assert muse.year == 2023 and maskgit.year is None and subformer.year is None


def test_requests_are_spaced_by_the_limiter(lib: Library, fake: FakeServices) -> None:
    services = services_for(fake, interval_s=0.25)
    # one id query, then two title searches (ten titles each at most): three requests
    drafts = [PaperDraft(title="MaskGIT", arxiv_id="2202.04200")]
    drafts += [PaperDraft(title=t) for t in (MUSE, SUBFORMER)]
    drafts += [PaperDraft(title=f"Unknown paper number {n}") for n in range(9)]
    ids = _add(lib, *drafts)
    progress: list[tuple[int, int]] = []
    lib.complete(ids, services=services, progress=lambda d, t: progress.append((d, t)))
    times = [r.at for r in fake.seen]
    assert len(times) == 3
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # without the limiter these are a few ms; a connection's setup time may differ
    assert all(g >= 0.15 for g in gaps), gaps
    assert progress == [(1, 12), (11, 12), (12, 12)]


def test_rate_limiter_waits_its_interval_and_listens_to_cancel() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(3.0, clock=lambda: now[0], sleep=sleep)
    assert limiter.wait() and slept == []  # the first request goes at once
    assert limiter.wait() and sum(slept) == pytest.approx(3.0)
    now[0] += 10  # long after: no wait
    slept.clear()
    assert limiter.wait() and slept == []
    calls = iter([False, False, True])
    assert not limiter.wait(cancel=lambda: next(calls))  # cancelled while waiting
    assert 0 < sum(slept) < 3.0


def test_cancel_does_not_wait_out_the_rate_limit(lib: Library, fake: FakeServices) -> None:
    services = services_for(fake, interval_s=600)  # would hang the test if waited out
    ids = _add(lib, PaperDraft(title="Muse", arxiv_id="2301.00704"), PaperDraft(title=MASKGIT))
    report = lib.complete(ids, services=services, cancel=lambda: len(fake.seen) >= 1)
    assert report.cancelled and report.requests == 1 and set(report.filled) == {ids[0]}


def test_an_answer_over_the_size_cap_is_refused(lib: Library, fake: FakeServices) -> None:
    config = Config(arxiv_api=fake.arxiv_api, doi_resolver=fake.doi_resolver)
    services = Services.from_config(config, interval_s=0)
    services.arxiv.max_bytes = 1024 * 1024  # the three-entry feed is ~5 kB: fits
    (pid,) = _add(lib, PaperDraft(title="MaskGIT", arxiv_id="2202.04200"))
    assert lib.complete([pid], services=services).filled
    services.arxiv.max_bytes = 1000
    (other,) = _add(lib, PaperDraft(title="Muse", arxiv_id="2301.00704"))
    report = lib.complete([other], services=services)
    assert report.problems == (
        f"127.0.0.1:{fake.port} sent more than 1000 bytes; not read (paper: {other})",
    )
    assert lib.get(other).year is None


def test_a_malformed_arxiv_id_is_not_sent(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    good, bad = _add(lib, PaperDraft(title="MaskGIT", arxiv_id="2202.04200"), PaperDraft("Bad"))
    with sqlite3.connect(lib.folder / "library.sqlite") as db:  # as an old library may hold
        db.execute("UPDATE papers SET arxiv_id = '2202.0420x' WHERE id = ?", (bad,))
    report = lib.complete([good, bad], services=services)
    assert [r.query["id_list"] for r in fake.seen] == ["2202.04200"]
    assert report.problems == (f"not an arXiv id: '2202.0420x'; not asked (paper: {bad})",)
    assert set(report.filled) == {good}


def test_a_service_url_that_is_not_http_is_a_clear_error(lib: Library) -> None:
    (pid,) = _add(lib, PaperDraft(title="MaskGIT"))
    config = Config(arxiv_api="file:///etc/passwd", doi_resolver="https://doi.org/")
    with pytest.raises(LibraryError, match="service URL 'file:///etc/passwd' is not an http"):
        lib.complete([pid], services=Services.from_config(config))


def test_completions_one_after_another_share_the_rate_limit(
    lib: Library, fake: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINGLIST_ARXIV_API", fake.arxiv_api)
    monkeypatch.setenv("READINGLIST_DOI_RESOLVER", fake.doi_resolver)
    monkeypatch.setenv("READINGLIST_LOOKUP_INTERVAL_S", "0.25")
    ids = _add(lib, PaperDraft(title=MUSE), PaperDraft(title=MASKGIT))
    first = lib.complete([ids[0]])  # the services the settings name, kept for the process
    second = lib.complete([ids[1]])
    assert first.requests == 1 and second.requests == 1
    assert set(first.filled) == {ids[0]} and set(second.filled) == {ids[1]}
    (a, b) = fake.seen
    assert b.at - a.at >= 0.15  # the second completion waited for the first one's request


def test_a_new_completion_asks_a_service_found_down_again(lib: Library) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = Config(arxiv_api=f"http://127.0.0.1:{port}/api/query", doi_resolver="http://x/")
    services = Services.from_config(config, interval_s=0, timeout_s=2)
    ids = _add(lib, PaperDraft(title=MUSE), PaperDraft(title=MASKGIT))
    assert lib.complete(ids, services=services).requests == 1  # down: not asked twice
    assert lib.complete(ids, services=services).requests == 1  # asked again: maybe back


def test_a_busy_service_is_asked_again_after_its_retry_after(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    fake.fault["arxiv"] = "busy:0.2"
    (pid,) = _add(lib, PaperDraft(title="MaskGIT", arxiv_id="2202.04200"))
    report = lib.complete([pid], services=services)
    assert report.requests == 2 and not report.problems and report.filled[pid]
    (a, b) = fake.seen
    assert b.at - a.at >= 0.15  # it waited as asked (the limiter's own interval is 0 here)


def test_a_long_retry_after_is_reported_not_waited_for(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    fake.fault["arxiv"] = "busy:3600"
    (pid,) = _add(lib, PaperDraft(title="MaskGIT", arxiv_id="2202.04200"))
    report = lib.complete([pid], services=services)
    assert report.requests == 1
    assert report.problems == (
        f"127.0.0.1:{fake.port} answered HTTP 503 Service Unavailable (paper: {pid})",
    )


def test_titles_go_ten_to_a_search_and_a_crowded_answer_is_asked_again(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    # 25 titles: three searches. The first one's answer is full (120 arXiv titles hold
    # "An amazing title"), so its titles without a sure match are asked one by one.
    for n in range(120):
        arxiv_id = f"2406.{n:05d}"
        fake.entries[arxiv_id] = entry_xml(arxiv_id, f"An amazing title {n}", ["A B"], 2024, "")
    titles = ["An amazing title", MUSE, *(f"Unknown paper number {n}" for n in range(23))]
    ids = _add(lib, *(PaperDraft(title=t) for t in titles))
    report = lib.complete(ids, services=services)
    queries = [r.query["search_query"] for r in fake.requests_to("/api/query")]
    assert [q.count("ti:") for q in queries] == [10] + [1] * 9 + [10, 5]
    assert queries[1] == 'ti:"An amazing title"'
    assert fake.seen[0].query["max_results"] == "100"
    assert set(report.filled) == {ids[1]}
    assert len(report.candidates[ids[0]]) == 10  # at most TITLE_RESULTS offered
    assert set(report.not_found) == set(ids) - {ids[1]}


def test_an_untitled_record_gets_its_title_from_its_doi(
    lib: Library, fake: FakeServices, services: Services
) -> None:
    (pid,) = _add(lib, PaperDraft(title="", doi="10.1109/cvpr52688.2022.01103", year=2022))
    (nothing,) = _add(lib, PaperDraft(title="", year=1999, authors=(Person("Okafor", "Ada"),)))
    report = lib.complete([pid, nothing], services=services)
    assert lib.get(pid).title == MASKGIT and "title" in report.filled[pid]
    assert report.problems == (
        f"nothing to look up by (no arXiv id, DOI or title) (paper: {nothing})",
    )
    assert [d.id for d, _ in lib.search("maskgit")] == [pid]  # found by its new title


def test_a_key_made_from_the_title_alone_is_made_again_from_authors_and_year(
    lib: Library, services: Services
) -> None:
    """Issue 9: completion gives a title-only key (`maskgitmaskedgenerative`) the key an
    import with authors and year would have made; a pinned, used or typed key stays."""
    ids = _add(
        lib,
        PaperDraft(title=MASKGIT, arxiv_id="2202.04200", entry_type="misc"),
        PaperDraft(title=MUSE, arxiv_id="2301.00704", entry_type="misc"),
        PaperDraft(title=SUBFORMER, arxiv_id="2101.00234", entry_type="misc"),
    )
    maskgit, muse, subformer = lib.details(ids)
    assert maskgit.citation_key == "maskgitmaskedgenerative"
    before = {d.id: d.citation_key for d in (muse, subformer)}
    lib.edit_paper(muse.id, PaperEdit(key_pinned=True))
    lib.mark_keys_used([subformer.id])  # exported or copied: someone may cite it
    report = lib.complete(ids, services=services)

    maskgit, muse, subformer = lib.details(ids)
    assert maskgit.citation_key == "chang2022maskgit"
    assert "key" in report.filled[maskgit.id] and maskgit.key_origin == "generated"
    assert muse.authors and muse.citation_key == before[muse.id]
    assert subformer.authors and subformer.citation_key == before[subformer.id]
    assert "key" not in report.filled[muse.id] + report.filled[subformer.id]
    # the new key finds the paper, as any key does
    assert lib.resolve_paper_ref("chang2022maskgit") == maskgit.id


def test_a_regenerated_key_taken_by_another_paper_gets_a_suffix(
    lib: Library, services: Services
) -> None:
    other, pid = _add(
        lib,
        PaperDraft(title="MaskGIT revisited", authors=(Person("Chang", "H."),), year=2022),
        PaperDraft(title=MASKGIT, arxiv_id="2202.04200"),
    )
    assert lib.get(other).citation_key == "chang2022maskgit"
    lib.complete([pid], services=services)
    assert lib.get(pid).citation_key == "chang2022maskgita"
    assert lib.get(other).citation_key == "chang2022maskgit"


def test_a_typed_key_never_changes_on_completion(lib: Library, services: Services) -> None:
    (pid,) = _add(lib, PaperDraft(title=MASKGIT, arxiv_id="2202.04200"))
    lib.edit_paper(pid, PaperEdit(citation_key="mymaskgit"))
    lib.complete([pid], services=services)
    d = lib.get(pid)
    assert d.authors and d.year == 2022 and d.citation_key == "mymaskgit"


def test_a_merge_that_brings_authors_and_year_remakes_a_title_only_key(lib: Library) -> None:
    """The same rule for an import's duplicate that has no key of its own (RIS, the
    clipboard): the title-only key gives way; a key of the file's own stays."""
    (pid,) = _add(lib, PaperDraft(title=MASKGIT))
    (kept,) = _add(lib, PaperDraft(title=MUSE, source_key="muse2023"))
    chang = (Person("Chang", "Huiwen"), Person("Zhang", "Han"))
    chen = (Person("Chang", "Huiwen"),)
    report = lib.import_drafts(
        [
            PaperDraft(title=MASKGIT, authors=chang, year=2022),
            PaperDraft(title=MUSE, authors=chen, year=2023),
        ],
        source="test",
    )
    assert report.added == ()
    assert lib.get(pid).citation_key == "chang2022maskgit"
    assert lib.get(kept).citation_key == "muse2023" and lib.get(kept).year == 2023
