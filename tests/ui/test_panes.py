"""Each pane refreshes itself from a `Changes` value, without the window (issue 11).

The library is written to directly (so nothing tells the pane), then the pane is
handed a `Changes`: it shows the write when the flags name it, and keeps what it
showed when they do not. (Anki `Table.op_executed`, Vorta's model tests.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from readinglist.domain import Changes, Filter, PaperDraft, PaperEdit, Status
from readinglist.library import Library
from readinglist.ui.detail_pane import DetailPane
from readinglist.ui.paper_list import PaperList
from readinglist.ui.sidebar import SidebarView

WAIT_MS = 10_000
TITLES = ("Alpha heron", "Beta heron", "Gamma heron", "Delta heron")


@pytest.fixture
def ids(lib: Library) -> list[int]:
    report = lib.import_drafts([PaperDraft(title=t) for t in TITLES], source="test")
    return list(report.added)


@pytest.fixture
def papers(qtbot: QtBot, lib: Library, ids: list[int]) -> Iterator[PaperList]:
    widget = PaperList(lib)
    qtbot.addWidget(widget)
    widget.fill_now()
    yield widget
    widget.stop()


def _status_of(papers: PaperList, paper_id: int) -> Status:
    row = papers.model.row_of(paper_id)
    assert row is not None
    return papers.model.row_at(row).status


def _wait(qtbot: QtBot, papers: PaperList) -> None:
    qtbot.waitUntil(papers.list_ready, timeout=WAIT_MS)


# ---------------------------------------------------------------------- the paper list


def test_paper_list_patches_the_rows_a_status_change_names(
    papers: PaperList, lib: Library, ids: list[int]
) -> None:
    first = ids[0]
    lib.set_status([first], Status.READ)
    papers.on_changes(Changes(frozenset({first}), note=True))  # a note: rows untouched
    assert _status_of(papers, first) is Status.UNREAD
    papers.on_changes(Changes(frozenset({ids[1]}), status=True))  # another paper
    assert _status_of(papers, first) is Status.UNREAD
    papers.on_changes(Changes(frozenset({first}), status=True))
    assert _status_of(papers, first) is Status.READ
    assert papers.list_ready()  # patched in place: no re-list was asked for


def test_paper_list_drops_rows_its_filter_no_longer_passes_and_fetches_new_matches(
    qtbot: QtBot, papers: PaperList, lib: Library, ids: list[int], qtmodeltester: ModelTester
) -> None:
    lib.set_status([ids[3]], Status.READ)
    assert papers.set_sidebar_filter(Filter(status=Status.UNREAD))
    _wait(qtbot, papers)
    assert sorted(papers.model.ids()) == sorted(ids[:3])
    lib.set_status([ids[0]], Status.READ)
    papers.on_changes(Changes(frozenset({ids[0]}), status=True))
    assert sorted(papers.model.ids()) == sorted(ids[1:3])  # the same test as the SQL
    assert papers.list_ready()
    qtmodeltester.check(papers.model)
    # a paper outside the view now matches it (an undo in the Unread view, say)
    lib.set_status([ids[3]], Status.UNREAD)
    papers.on_changes(Changes(frozenset({ids[3]}), status=True))
    _wait(qtbot, papers)
    assert sorted(papers.model.ids()) == sorted(ids[1:])


def test_paper_list_relists_when_papers_come_or_go_and_keeps_the_selection(
    qtbot: QtBot, papers: PaperList, lib: Library, ids: list[int]
) -> None:
    papers.select_ids([ids[2]])
    new = lib.import_drafts([PaperDraft(title="Epsilon heron")], source="test").added
    papers.on_changes(Changes(frozenset(new), tags=True))  # not in the list: no re-list
    assert papers.list_ready() and papers.model.rowCount() == 4
    papers.on_changes(Changes(frozenset(new), rows=True))
    _wait(qtbot, papers)
    assert papers.model.rowCount() == 5
    lib.trash([ids[0]])
    papers.on_changes(Changes(frozenset({ids[0]}), rows=True))
    _wait(qtbot, papers)
    assert ids[0] not in papers.model.ids()
    assert papers.selected_ids() == [ids[2]] and papers.current_id() == ids[2]


def test_paper_list_selects_the_next_paper_after_a_removal(
    qtbot: QtBot, papers: PaperList, lib: Library, ids: list[int]
) -> None:
    order = list(papers.model.ids())
    papers.select_ids([order[1]])
    papers.select_after_removal([order[1]])
    papers.on_changes(lib.trash([order[1]]))
    _wait(qtbot, papers)
    assert papers.selected_ids() == [order[2]]


# ---------------------------------------------------------------------- the sidebar


def test_sidebar_rereads_counts_only_when_papers_statuses_or_tags_change(
    qtbot: QtBot, lib: Library, ids: list[int], qtmodeltester: ModelTester
) -> None:
    sidebar = SidebarView(lib)
    qtbot.addWidget(sidebar)
    sidebar.refresh_counts()
    model = sidebar.tree_model

    def count(key: str) -> int | None:
        node = model.find(key)
        assert node is not None
        return node.count

    assert count("status:read") == 0
    lib.set_status(ids[:2], Status.READ)
    lib.set_note(ids[0], "a note")
    sidebar.on_changes(Changes(frozenset(ids[:2]), note=True, fields=True))
    assert count("status:read") == 0  # a note or a field: counts not re-read
    with qtbot.waitSignal(sidebar.countsChanged, timeout=WAIT_MS) as told:
        sidebar.on_changes(Changes(frozenset(ids[:2]), status=True))
    assert count("status:read") == 2 and count("status:unread") == 2
    assert told.args is not None and told.args[0].total == 4
    qtmodeltester.check(model)


def test_sidebar_leaves_a_tag_that_is_gone_and_says_so(
    qtbot: QtBot, lib: Library, ids: list[int], qtmodeltester: ModelTester
) -> None:
    lib.add_tags(ids[:2], ["birds"])
    sidebar = SidebarView(lib)
    qtbot.addWidget(sidebar)
    sidebar.refresh_counts()
    sidebar.select_keys(["tag:birds"], quiet=True)
    assert sidebar.current_filter() == Filter(tags=("birds",))
    lib.delete_tag("birds")
    with qtbot.waitSignal(sidebar.filterChanged, timeout=WAIT_MS) as told:
        sidebar.on_changes(Changes(frozenset(ids[:2]), tags=True))
    assert told.args == [Filter()]  # back to All papers
    assert sidebar.tree_model.tag_names() == []
    qtmodeltester.check(sidebar.tree_model)


# ---------------------------------------------------------------------- the detail pane


def test_detail_pane_refreshes_the_shown_paper_for_the_flags_named(
    qtbot: QtBot, lib: Library, ids: list[int]
) -> None:
    pane = DetailPane(lib)
    qtbot.addWidget(pane)
    pane.show_paper(ids[0])
    assert pane.title_label.text() == TITLES[0]
    lib.set_status([ids[0]], Status.READ)
    lib.edit_paper(ids[0], PaperEdit(title="Alpha heron, revised"))
    pane.on_changes(Changes(frozenset({ids[1]}), status=True, fields=True))  # not shown
    assert pane.status_buttons[Status.UNREAD].isChecked()
    assert pane.title_label.text() == TITLES[0]
    pane.on_changes(Changes(frozenset({ids[0]}), status=True))
    assert pane.status_buttons[Status.READ].isChecked()
    assert pane.title_label.text() == TITLES[0]  # fields not named: the title stays
    pane.on_changes(Changes(frozenset({ids[0]}), fields=True))
    assert pane.title_label.text() == "Alpha heron, revised"
    pane.on_changes(lib.purge([ids[0]]))  # deleted for good: nothing left to show
    assert pane.current_id() is None


def test_paper_list_runs_what_waits_for_a_listing_once_it_is_shown(
    qtbot: QtBot, papers: PaperList, lib: Library, ids: list[int]
) -> None:
    seen: list[int] = []
    papers.after_listing(lambda: seen.append(papers.model.rowCount()))  # nothing pending
    assert seen == [4]
    lib.trash([ids[0]])
    papers.on_changes(Changes(frozenset({ids[0]}), rows=True))
    papers.after_listing(lambda: seen.append(papers.model.rowCount()))
    assert seen == [4]  # not before the list has followed
    _wait(qtbot, papers)
    assert seen == [4, 3]
