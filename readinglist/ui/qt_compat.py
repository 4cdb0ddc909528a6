"""Work-arounds for bugs in the Qt binding, each probed at import time.

PySide6 6.12.0 on Python < 3.12 drops one reference to None every time a Python
model's data()/headerData() returns None (the QVariant conversion decrefs it). None
is refcounted before 3.12, so a list that repaints all day would eventually free
None and crash the interpreter ("deallocating None"). `NO_DATA()` returns None with
the reference it is about to lose added back — only when the probe sees the leak,
so a fixed binding costs nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex

Index = QModelIndex | QPersistentModelIndex


class _Probe(QAbstractListModel):
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: Index, role: int = 0) -> None:
        return None


def _none_leaks() -> bool:
    if sys.version_info >= (3, 12):  # None is immortal: a lost reference is harmless
        return False
    probe = _Probe()
    index = probe.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(50):
        index.data(5)  # any role: the probe always answers None
    return sys.getrefcount(None) < before - 25


NONE_LEAKS = _none_leaks()

if NONE_LEAKS:
    _incref = ctypes.pythonapi.Py_IncRef
    _incref.argtypes = [ctypes.py_object]
    _incref.restype = None

    def _no_data() -> None:
        _incref(None)
        return None

    NO_DATA: Callable[[], None] = _no_data
else:

    def _plain_none() -> None:
        return None

    NO_DATA = _plain_none
