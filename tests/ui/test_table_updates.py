"""The paper table's in-place updates: whatever the sort, a changed row is the one
shown now and after returning to the library's order; the view hears of it once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from readinglist.domain import PaperRow, Status
from readinglist.ui.paper_table import Column, PaperTableModel

T0 = datetime(2024, 1, 1, tzinfo=UTC)
TITLES = ["delta", "alpha", "echo", "charlie", "bravo", "foxtrot"]


def _model() -> PaperTableModel:
    model = PaperTableModel()
    model.set_rows(
        [
            PaperRow(n + 1, t, "A", 2020, Status.UNREAD, (), T0 + timedelta(days=n))
            for n, t in enumerate(TITLES)
        ]
    )
    return model


def _statuses(model: PaperTableModel) -> dict[int, Status]:
    return {model.row_at(r).id: model.row_at(r).status for r in range(model.rowCount())}


def _mark_read(model: PaperTableModel, ids: list[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: spans.append((a.row(), b.row())))
    fresh = {}
    for i in ids:
        row = model.row_at(model.row_of(i))  # type: ignore[arg-type]
        fresh[i] = dataclasses.replace(row, status=Status.READ)
    model.update_rows(fresh)
    return spans


def test_update_in_library_order_survives_sorting() -> None:
    model = _model()
    spans = _mark_read(model, [2, 5])
    assert spans == [(model.row_of(2), model.row_of(5))]  # one signal over the span
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert [model.row_at(r).title for r in range(6)] == sorted(TITLES)
    model.sort(-1)
    assert [model.row_at(r).id for r in range(6)] == [1, 2, 3, 4, 5, 6]
    want = {i: Status.READ if i in (2, 5) else Status.UNREAD for i in range(1, 7)}
    assert _statuses(model) == want


def test_update_while_sorted_reaches_the_library_order() -> None:
    model = _model()
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    spans = _mark_read(model, [1, 6, 4])
    assert len(spans) == 1
    lo, hi = spans[0]
    assert lo == min(model.row_of(i) for i in (1, 6, 4))  # type: ignore[type-var]
    assert hi == max(model.row_of(i) for i in (1, 6, 4))  # type: ignore[type-var]
    _mark_read(model, [1])  # the same paper twice: the newest row wins
    model.sort(-1)
    assert [model.row_at(r).id for r in range(6)] == [1, 2, 3, 4, 5, 6]
    want = {i: Status.READ if i in (1, 4, 6) else Status.UNREAD for i in range(1, 7)}
    assert _statuses(model) == want
    model.remove_ids([4])
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    _mark_read(model, [3])
    model.sort(-1)
    assert [model.row_at(r).id for r in range(5)] == [1, 2, 3, 5, 6]
    assert _statuses(model)[3] is Status.READ
