"""Search marks in the paper pane (issue 11): Esc clears them, a new search on the
same paper re-marks, a phrase is marked where its words stand together, the title is
marked too, and the abstract scrolls to the first mark."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from readinglist.library import Library
from readinglist.ui.detail_text import highlight_html, match_spans, query_terms
from readinglist.ui.main_window import MainWindow

from .helpers import close_window, open_window, wait_list

FILLER = " ".join(f"Sentence {n} says nothing of note about the method at hand." for n in range(80))
BIB = (
    "@article{far,\n  title = {Sparse attention for long documents},\n"
    "  author = {Author, A.},\n  year = {2023},\n"
    f"  abstract = {{{FILLER} At last the zebrafish result appears.}},\n}}\n\n"
    "@article{other,\n  title = {Dense models everywhere},\n  author = {Other, B.},\n"
    "  year = {2022},\n  abstract = {Sparse models use attention; sparse attention wins.},\n}\n"
)


@pytest.fixture
def window(
    qtbot: QtBot, lib: Library, ui_settings: QSettings, tmp_path: Path
) -> Iterator[MainWindow]:
    bib = tmp_path / "two.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert len(lib.import_paths([bib]).added) == 2
    w = open_window(qtbot, lib, ui_settings)
    w.resize(1200, 500)  # a short pane: the long abstract does not fit
    yield w
    close_window(w)


def _search(qtbot: QtBot, window: MainWindow, query: str) -> None:
    window.search.set_query(query)
    qtbot.waitUntil(lambda: window.papers.current_filter().query == query, timeout=5000)
    wait_list(qtbot, window)
    # the background indexer may still be taking the two papers in: search again
    qtbot.waitUntil(lambda: _listed(window), timeout=10_000)


def _listed(window: MainWindow) -> bool:
    if window.table_model.rowCount() == 0:
        window.papers.refresh()
        return False
    return window.list_ready()


def _select_key(window: MainWindow, key: str) -> int:
    (paper_id,) = [
        r.id for r in window.table_model.rows() if window.library.get(r.id).citation_key == key
    ]
    window.select_ids([paper_id])
    return paper_id


def test_a_phrase_is_marked_where_its_words_stand_together() -> None:
    text = "Sparse models use attention; sparse attention wins."
    assert query_terms('"sparse attention" wins') == [("sparse", "attention"), ("wins",)]
    spans = match_spans(text, '"sparse attention"')
    assert [text[s:e] for s, e in spans] == ["sparse attention"]
    # plain words are still marked one by one
    assert [text[s:e] for s, e in match_spans(text, "sparse attention")] == [
        "Sparse",
        "attention",
        "sparse",
        "attention",
    ]
    # inside a phrase short words count ("GPT 4"), and the mark stays escaped
    assert highlight_html("a <b> c", '"<b> c"', "x") == 'a &lt;<span style="x">b&gt; c</span>'


def test_esc_clears_the_marks_and_a_new_search_re_marks(qtbot: QtBot, window: MainWindow) -> None:
    far = _select_key(window, "far")
    _search(qtbot, window, "zebrafish")
    paper = window.selected_ids()
    assert paper == [far]
    assert "<span" in window.detail.abstract_label.text()
    # a new search that keeps the same paper selected: marks follow it
    _search(qtbot, window, "sentence zebrafish")
    assert window.selected_ids() == paper
    assert ">Sentence</span>" in window.detail.abstract_label.text()
    # Esc in the search field clears the search, and with it every mark
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.papers.current_filter().query == "", timeout=5000)
    wait_list(qtbot, window)
    assert window.detail.current_id() == paper[0]
    assert "<span" not in window.detail.abstract_label.text()
    assert "<span" not in window.detail.title_label.text()


def test_the_title_is_marked(qtbot: QtBot, window: MainWindow) -> None:
    _search(qtbot, window, "documents")
    _select_key(window, "far")
    assert ">documents</span>" in window.detail.title_label.text()


def test_the_abstract_scrolls_to_the_first_mark(qtbot: QtBot, window: MainWindow) -> None:
    bar = window.detail.scroll_area.verticalScrollBar()
    _search(qtbot, window, "zebrafish")
    _select_key(window, "far")
    assert bar.maximum() > 0  # the abstract is taller than the pane
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=5000)
    # a search that marks nothing in the abstract (only the title) leaves it at the top
    _search(qtbot, window, "attention")
    _select_key(window, "other")
    _select_key(window, "far")
    qtbot.waitUntil(lambda: bar.value() == 0, timeout=5000)
