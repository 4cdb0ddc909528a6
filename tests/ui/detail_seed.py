"""Helpers for the detail-pane and notes-editor tests: a small seeded library and a
recorder for links handed to the desktop (so no browser is started)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from readinglist.domain import PaperDraft, Person
from readinglist.library import Library

DRAFTS = (
    PaperDraft(
        title="MaskGIT: Masked Generative Image Transformer",
        abstract=(
            "Generative transformers have experienced rapid popularity growth in the "
            "computer vision community. Code: https://github.com/google-research/maskgit."
        ),
        authors=(Person("Chang", "Huiwen"), Person("Zhang", "Han"), Person("Jiang", "Lu")),
        year=2022,
        venue="CVPR",
        doi="10.1109/CVPR52688.2022.01103",
        arxiv_id="2202.04200",
        url="https://arxiv.org/abs/2202.04200v1",
        tags=("vision", "transformers"),
    ),
    PaperDraft(
        title="Attention Is All You Need",
        abstract="The dominant sequence transduction models are based on <b>recurrent</b> nets.",
        authors=(Person("Vaswani", "Ashish"),),
        year=2017,
        tags=("nlp",),
    ),
    PaperDraft(title="A paper with nothing else"),
)


def seed(lib: Library) -> list[int]:
    """Add the drafts; their ids in the order of DRAFTS."""
    report = lib.import_drafts(DRAFTS, source="test")
    assert len(report.added) == len(DRAFTS)
    by_title = {d.title: d.id for d in lib.details(report.added)}
    return [by_title[d.title] for d in DRAFTS]


class _Recorder(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def record(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@contextmanager
def recorded_links(*schemes: str) -> Iterator[list[str]]:
    """URLs that QDesktopServices.openUrl is asked to open, for the given schemes."""
    recorder = _Recorder()
    for scheme in schemes:
        # PySide6 takes the slot name as str here (bytes is refused at run time)
        QDesktopServices.setUrlHandler(scheme, recorder, "record")  # type: ignore[arg-type]
    try:
        yield recorder.opened
    finally:
        for scheme in schemes:
            QDesktopServices.unsetUrlHandler(scheme)
