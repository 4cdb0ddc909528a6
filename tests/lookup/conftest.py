"""Fixtures: the local stand-in services (server.py) and a library to complete."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from readinglist.config import Config
from readinglist.lookup.complete import Services

from .server import FakeServices, recorded, serve


@pytest.fixture
def fake() -> Iterator[FakeServices]:
    """arXiv's API and the DOI resolver on 127.0.0.1, answering from recorded/."""
    state = FakeServices()
    state.add_feed(recorded("arxiv_query_three.atom.xml").decode())
    state.add_feed(recorded("arxiv_search_titles.atom.xml").decode())
    state.csl["10.1109/cvpr52688.2022.01103"] = recorded("doi_maskgit.csl.json")
    server = serve(state)
    yield state
    state.release.set()  # a handler told to sleep returns now
    server.shutdown()
    server.server_close()


def services_for(
    fake: FakeServices, *, interval_s: float = 0.0, timeout_s: float = 2.0
) -> Services:
    config = Config(arxiv_api=fake.arxiv_api, doi_resolver=fake.doi_resolver)
    return Services.from_config(config, interval_s=interval_s, timeout_s=timeout_s)


@pytest.fixture
def services(fake: FakeServices) -> Services:
    return services_for(fake)
