"""The notes editor on a shared library (issue 12): a "Share with group" box for the
member's own note, and the others' shared notes read-only below. On one's own
library neither shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from readinglist.domain import PaperDraft, Person
from readinglist.library import Library
from readinglist.ui.detail_pane import DetailPane


def _pane(qtbot: QtBot, library: Library) -> DetailPane:
    widget = DetailPane(library)
    qtbot.addWidget(widget)
    widget.resize(450, 800)
    widget.show()
    return widget


def test_ones_own_library_has_no_group_to_share_with(
    qtbot: QtBot, lib: Library, pane: DetailPane
) -> None:
    (pid,) = lib.import_drafts([PaperDraft(title="Muse")], source="t").added
    lib.set_note(pid, "mine")
    pane.show_paper(pid)
    assert pane.notes.share_box.isHidden()
    assert pane.notes.group_notes.isHidden()


@pytest.mark.postgresql
def test_bob_reads_alices_shared_note_and_shares_his_own(
    qtbot: QtBot, alice_bob: tuple[Library, Library]
) -> None:
    alice, bob = alice_bob
    drafts = [PaperDraft(title="Muse", authors=(Person("Chang", "H"),))]
    (pid,) = alice.import_drafts(drafts, source="t").added
    alice.set_note(pid, "<b>not bold</b>, **bold** see §3", shared=True)
    pane = _pane(qtbot, bob)
    pane.show_paper(pid)
    notes = pane.notes
    assert notes.share_box.isVisible() and not notes.share_box.isChecked()
    assert notes.group_notes.isVisible()
    shown = notes.group_notes.text()
    assert shown.startswith("<p><b>alice</b> · ")
    # Markdown rendered as the member's own preview is; raw HTML in it stays text
    assert "&lt;b&gt;not bold&lt;/b&gt;" in shown and "<strong>bold</strong>" in shown
    assert notes.group_notes.textFormat() == Qt.TextFormat.RichText

    notes.show_source()
    notes.editor.setFocus()
    qtbot.keyClicks(notes.editor, "bob agrees")
    qtbot.mouseClick(notes.share_box, Qt.MouseButton.LeftButton)
    assert notes.share_box.isChecked()
    # typed text saved first, then shown to the group
    assert [(n.member, n.text) for n in alice.get(pid).shared_notes] == [("bob", "bob agrees")]
    assert bob.get(pid).note_shared
    qtbot.mouseClick(notes.share_box, Qt.MouseButton.LeftButton)
    assert alice.get(pid).shared_notes == ()
    assert bob.get(pid).note == "bob agrees"
