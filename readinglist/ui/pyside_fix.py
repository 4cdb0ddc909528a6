"""A guard against a reference-count bug in PySide6 6.12.0 (the version installed here).

`SignalInstance.emit()` returns `True` without taking a new reference, so every
signal emitted from Python code drops one reference to the `True` singleton. On
Python 3.11, where `True` is not immortal, a few hundred emits bring its count to
zero and the interpreter aborts ("Fatal Python error: bool_dealloc"), typically
while the app runs or at exit. Reproduce with:

    class O(QObject): s = Signal()
    o = O(); n = sys.getrefcount(True); o.s.emit(); sys.getrefcount(True) - n  # -1

The guard probes for the bug once and, only if it is present, gives `True` so many
spare references that the leak can never reach zero. Python 3.12+ makes `True`
immortal (the probe then sees no change and nothing is done).
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_SPARE_REFERENCES = 1 << 40  # one per emit: more than any session will ever make
_guarded = False


class _Probe(QObject):
    ping = Signal()


def emit_drops_true() -> bool:
    """True when emitting a signal from Python loses a reference to `True`."""
    probe = _Probe()
    before = sys.getrefcount(True)
    probe.ping.emit()
    after = sys.getrefcount(True)
    if after < before:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give back what the probe took
        return True
    return False


def guard_emit_refcount() -> bool:
    """Apply the guard if this PySide6 has the bug; True when it was applied (once)."""
    global _guarded
    if _guarded or not emit_drops_true():
        return _guarded
    # ob_refcnt is the first field of every object in release builds of CPython
    refcnt = ctypes.c_ssize_t.from_address(id(True))
    refcnt.value += _SPARE_REFERENCES
    _guarded = True
    return True
