"""The detail pane on a real library: what it shows, what it asks for, how it follows
changes made elsewhere."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from readinglist.domain import Status
from readinglist.library import Library
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.detail_text import highlight_html, paper_links, query_words

from .detail_seed import recorded_links, seed

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    # the offscreen platform's own notice, not our widgets'
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]

MARK = "background-color: #ffff00;"


def test_shows_the_paper(lib: Library, pane: DetailPane) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    paper = lib.get(first)
    assert pane.current_id() == first
    assert pane.title_label.text() == "MaskGIT: Masked Generative Image Transformer"
    assert pane.authors_label.text() == "Huiwen Chang, Han Zhang, Lu Jiang"
    assert pane.venue_label.text() == "CVPR · 2022"
    links = pane.links_label.text()
    assert 'href="https://doi.org/10.1109/cvpr52688.2022.01103"' in links.lower()
    assert 'href="https://arxiv.org/abs/2202.04200"' in links
    assert 'href="https://github.com/google-research/maskgit"' in links
    assert "2202.04200v1" not in links  # the URL is the arXiv page again: shown once
    assert pane.key_label.text() == paper.citation_key != ""
    assert pane.status_buttons[Status.UNREAD].isChecked()
    assert [c.tag for c in pane.tag_editor.chips()] == list(paper.tags)
    assert "rapid popularity growth" in pane.abstract_label.text()


def test_sparse_paper_hides_empty_rows_and_empty_state(lib: Library, pane: DetailPane) -> None:
    _, _, bare = seed(lib)
    pane.show_paper(bare)
    assert pane.title_label.text() == "A paper with nothing else"
    assert pane.authors_label.isHidden() and pane.links_label.isHidden()
    assert "No abstract" in pane.abstract_label.text()
    assert not pane.tag_editor.chips()

    pane.show_paper(None)
    assert pane.current_id() is None
    assert pane.empty_label.isVisible()
    assert not pane.notes.isEnabled()


def test_unknown_paper_shows_a_message_not_a_traceback(lib: Library, pane: DetailPane) -> None:
    seed(lib)
    pane.show_paper(99_999)
    assert pane.current_id() is None
    assert pane.error_label.isVisible() and "99999" in pane.error_label.text()


def test_abstract_is_escaped_and_search_terms_marked(lib: Library, pane: DetailPane) -> None:
    first, second, _ = seed(lib)
    pane.show_paper(second, "recurrent")
    text = pane.abstract_label.text()
    assert "&lt;b&gt;" in text  # markup in an abstract is text, not formatting
    assert ">recurrent</span>" in text
    pane.show_paper(first, "transformer")
    assert ">transformers</span> have" in pane.abstract_label.text()
    pane.show_paper(first, "")  # same paper, query cleared: no marks
    assert "<span" not in pane.abstract_label.text()


def test_status_selector_asks_and_follows_changes(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    with qtbot.waitSignal(pane.statusRequested) as signal:
        qtbot.mouseClick(pane.status_buttons[Status.READ], Qt.MouseButton.LeftButton)
    assert signal.args == [Status.READ]
    # the pane only asks; until the main window applies it the library's status shows
    assert lib.get(first).status is Status.UNREAD
    assert pane.status_buttons[Status.UNREAD].isChecked()

    pane.on_changes(lib.set_status([first], Status.READ))
    assert pane.status_buttons[Status.READ].isChecked()
    assert pane.status_date_label.text().startswith("Read ")


def test_tag_entry_asks_to_add_new_tags(qtbot: QtBot, lib: Library, pane: DetailPane) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    # completion offers the library's tags the paper does not carry yet
    assert pane.tag_editor.completer.model().stringList() == ["nlp"]  # type: ignore[attr-defined]
    edit = pane.tag_editor.line_edit
    qtbot.keyClicks(edit, "Vision, to  read,nlp")
    with qtbot.waitSignal(pane.tagsAddRequested) as signal:
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert signal.args == [("to read", "nlp")]  # "Vision" is already on the paper
    assert edit.text() == ""

    pane.on_changes(lib.add_tags([first], signal.args[0]))
    assert [c.tag for c in pane.tag_editor.chips()] == list(lib.get(first).tags)
    assert "nlp" in [c.tag for c in pane.tag_editor.chips()]


def test_chip_remove_button_asks_to_remove(qtbot: QtBot, lib: Library, pane: DetailPane) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    chip = next(c for c in pane.tag_editor.chips() if c.tag == "vision")
    with qtbot.waitSignal(pane.tagRemoveRequested) as signal:
        qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["vision"]
    pane.on_changes(lib.remove_tags([first], ["vision"]))
    assert [c.tag for c in pane.tag_editor.chips()] == ["transformers"]


def test_changes_to_other_papers_leave_the_pane_alone(lib: Library, pane: DetailPane) -> None:
    first, second, _ = seed(lib)
    pane.show_paper(first)
    pane.on_changes(lib.set_status([second], Status.READ))
    assert pane.status_buttons[Status.UNREAD].isChecked()
    # a purged paper leaves the empty state
    pane.on_changes(lib.purge([first]))
    assert pane.current_id() is None


def test_copy_key_puts_the_citation_key_on_the_clipboard(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    QApplication.clipboard().clear()
    qtbot.mouseClick(pane.copy_key_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == lib.get(first).citation_key


def test_links_open_only_by_policy(lib: Library, pane: DetailPane) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    with recorded_links("http", "https", "javascript", "file") as opened:
        pane.links_label.linkActivated.emit("https://arxiv.org/abs/2202.04200")
        pane.links_label.linkActivated.emit("javascript:alert(1)")
        pane.links_label.linkActivated.emit("file:///etc/passwd")
    assert opened == ["https://arxiv.org/abs/2202.04200"]


def test_paper_links_dedupes_and_orders(lib: Library) -> None:
    first, _, _ = seed(lib)
    labels = [label for label, _ in paper_links(lib.get(first))]
    assert labels == [
        "DOI 10.1109/CVPR52688.2022.01103",
        "arXiv 2202.04200",
        "github.com/google-research/maskgit",
    ]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("diffusion models", ["diffusion", "model"]),
        ('"masked image" -survey', ["masked", "image"]),
        ("gan NOT style OR vae", ["gan", "vae"]),
        ("author:chang title:Transformer year:2022", ["transformer"]),
        ("Génération", ["generation"]),
        ("", []),
    ],
)
def test_query_words(query: str, words: list[str]) -> None:
    assert sorted(query_words(query)) == sorted(words)


def test_highlight_html_is_safe_and_accent_blind() -> None:
    out = highlight_html("Générative <script>x</script> models & more", "generative model", MARK)
    assert out.startswith(f'<span style="{MARK}">Générative</span>')
    assert "&lt;script&gt;" in out and "<script" not in out
    assert f'<span style="{MARK}">models</span> &amp; more' in out
    # a query that looks like markup is escaped too
    assert "<img" not in highlight_html("a <img> b", "<img src=x>", MARK)


# the offscreen platform cannot raise the popup or grab the keyboard: its notices
@pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise", "grabbing the keyboard"
)
def test_choosing_a_completion_adds_it_once(qtbot: QtBot, lib: Library, pane: DetailPane) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    pane.activateWindow()
    qtbot.waitUntil(pane.isActiveWindow)
    edit = pane.tag_editor.line_edit
    edit.setFocus()
    asked: list[tuple[str, ...]] = []
    pane.tagsAddRequested.connect(asked.append)
    qtbot.keyClicks(edit, "nl")
    popup = pane.tag_editor.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(asked))
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # a second Enter on the emptied box adds nothing
    assert asked == [("nlp",)]
    assert edit.text() == ""


def test_showing_the_same_paper_again_reloads_it_in_place(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    first, _, _ = seed(lib)
    pane.show_paper(first)
    pane.notes.show_source()
    qtbot.keyClicks(pane.notes.editor, "typing")
    # another process changes the paper; the main window re-shows it
    lib.set_status([first], Status.READING)
    lib.add_tags([first], ["later"])
    pane.show_paper(first, "vision")
    assert pane.status_buttons[Status.READING].isChecked()
    assert "later" in [c.tag for c in pane.tag_editor.chips()]
    assert ">vision</span> community" in pane.abstract_label.text()
    assert pane.notes.text() == "typing"  # the note being typed is untouched


def test_emitting_signals_from_python_cannot_exhaust_true(pane: DetailPane) -> None:
    # PySide6 6.12.0 drops a reference to True per emit and a few hundred emits
    # abort the interpreter; pyproject.toml excludes it. This guards the pin.
    for _ in range(5_000):
        pane.tagRemoveRequested.emit("x")
    assert sys.getrefcount(True) > 1_000
