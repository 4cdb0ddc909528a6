"""Imports run with Python's cyclic collector paused, and always turn it back on."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from readinglist.domain import Cancelled, PaperDraft
from readinglist.library import Library


def _page(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "page.txt"
    lines = []
    for i in range(n):
        lines.append(f"Paper number {i} about lanterns")
        # a real page's abstract: prose, long enough to be told from a README's lines
        lines.append(
            f"We study lantern {i} at length and show how its light falls on the field "
            "notebooks of travelling researchers. Our experiments on three collections "
            "find that it works well and costs little."
        )
    path.write_text("\n".join(lines), "utf-8")
    return path


def test_collector_is_off_during_an_import_and_on_after(lib: Library, tmp_path: Path) -> None:
    assert gc.isenabled()
    seen: list[bool] = []
    report = lib.import_paths(
        [_page(tmp_path, 30)], progress=lambda done, total: seen.append(gc.isenabled())
    )
    assert len(report.added) == 30
    assert seen and not any(seen)
    assert gc.isenabled()
    lib.import_text(
        "Pasted Title About Owls\nWe study how owls hunt at night and propose a model of "
        "their flight. Experiments on three data sets show that the model predicts the "
        "paths of owls better than earlier methods."
    )
    assert gc.isenabled()


def test_collector_comes_back_after_a_cancelled_import(lib: Library, tmp_path: Path) -> None:
    def cancel() -> bool:
        assert not gc.isenabled()
        return True

    with pytest.raises(Cancelled):
        lib.import_paths([_page(tmp_path, 30)], cancel=cancel)
    assert gc.isenabled()
    assert lib.counts().total == 0


def test_collector_stays_off_when_it_was_off(lib: Library) -> None:
    gc.disable()
    try:
        lib.import_drafts([PaperDraft(title="Off before")], source="x")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_parsed_drafts_are_released_after_an_import() -> None:
    from readinglist.domain import ParseResult
    from readinglist.library import _release_gently

    freed: list[int] = []

    class Counted(PaperDraft):
        def __del__(self) -> None:
            freed.append(1)

    results = [
        (ParseResult(tuple(Counted(title=f"Paper {i}") for i in range(1200))), "a"),
        (ParseResult(tuple(Counted(title=f"Paper {i}") for i in range(1300))), "b"),
    ]
    _release_gently(results)
    assert results == []
    assert len(freed) == 2500
