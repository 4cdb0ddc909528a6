"""The two models checked by pytest-qt's model tester, and their own behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from readinglist.domain import Counts, PaperRow, Status
from readinglist.ui.paper_table import ID_ROLE, SORT_ROLE, Column, PaperTableModel
from readinglist.ui.sidebar import Kind, SidebarModel, filter_for

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _rows() -> list[PaperRow]:
    return [
        PaperRow(1, "beta paper", "Zhang", 2021, Status.UNREAD, ("llm",), T0),
        PaperRow(2, "Alpha paper", "chang, Li", None, Status.READ, (), T0 + timedelta(days=1)),
        PaperRow(3, "gamma", "Ávila", 2019, Status.READING, ("a", "b"), T0 + timedelta(days=2)),
    ]


def test_paper_table_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = PaperTableModel()
    model.set_rows(_rows())
    qtmodeltester.check(model)
    model.sort(Column.YEAR, Qt.SortOrder.DescendingOrder)
    model.remove_ids([2])
    qtmodeltester.check(model)


def test_paper_table_sorts_by_raw_values_and_restores_library_order() -> None:
    model = PaperTableModel()
    model.set_rows(_rows())
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert [model.row_at(r).id for r in range(3)] == [2, 1, 3]  # case-insensitive
    model.sort(Column.YEAR, Qt.SortOrder.AscendingOrder)
    assert [model.row_at(r).id for r in range(3)] == [3, 1, 2]  # no year sorts last
    model.sort(Column.STATUS, Qt.SortOrder.AscendingOrder)
    assert [model.row_at(r).status for r in range(3)] == [
        Status.UNREAD,
        Status.READING,
        Status.READ,
    ]
    model.sort(-1)
    assert [model.row_at(r).id for r in range(3)] == [1, 2, 3]
    idx = model.index(model.row_of(3), Column.YEAR)  # type: ignore[arg-type]
    assert idx.data(SORT_ROLE) == (False, 2019)
    assert idx.data(ID_ROLE) == 3
    assert idx.data() == "2019"


def test_unread_rows_are_bold_and_updates_stay_in_place() -> None:
    model = PaperTableModel()
    model.set_rows(_rows())
    bold = model.index(model.row_of(1), 0).data(Qt.ItemDataRole.FontRole)  # type: ignore[arg-type]
    assert bold is not None and bold.bold()
    assert model.index(model.row_of(2), 0).data(Qt.ItemDataRole.FontRole) is None  # type: ignore[arg-type]
    old = model.row_at(0)
    changed = PaperRow(
        old.id, old.title, old.authors, old.year, Status.READ, old.tags, old.added_at
    )
    model.update_rows({old.id: changed})
    assert model.row_at(0).status == Status.READ
    assert model.index(0, Column.STATUS).data() == "Read"


def _counts(tags: dict[str, int]) -> Counts:
    return Counts(10, {Status.UNREAD: 6, Status.READING: 1, Status.READ: 3}, tags, 2)


def test_sidebar_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = SidebarModel()
    model.set_counts(_counts({"llm": 4, "vision": 2}))
    qtmodeltester.check(model)
    assert model.set_counts(_counts({"llm": 5, "vision": 2})) is False  # counts only
    assert model.find("tag:llm").count == 5  # type: ignore[union-attr]
    assert model.set_counts(_counts({"vision": 2})) is True  # the tag list changed
    qtmodeltester.check(model)
    assert model.tag_names() == ["vision"]


def test_sidebar_nodes_combine_into_one_filter() -> None:
    model = SidebarModel()
    model.set_counts(_counts({"llm": 4, "vision": 2}))
    nodes = [model.find(k) for k in ("status:read", "tag:llm", "tag:vision")]
    f = filter_for([n for n in nodes if n is not None])
    assert (f.status, f.tags, f.trashed) == (Status.READ, ("llm", "vision"), False)
    trash = model.find("trash")
    assert trash is not None and trash.kind == Kind.TRASH
    assert filter_for([trash]).trashed
    unread = model.find("status:unread")
    assert unread is not None
    assert model.index_of(unread, 1).data() == "6"
