"""UI test setup: Qt warnings fail a test; a real window on a temp library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from readinglist.library import Library
from readinglist.ui.detail_pane import DetailPane

# A small page in the trending format (title line, abstract line) written for these
# tests; used when ../shared (the real 224-paper sample) is absent.
_PAPERS = (
    (
        "MaskGIT: Masked Generative Image Transformer",
        (
            "Generative transformers have experienced rapid popularity growth in computer "
            "vision. We propose MaskGIT, a bidirectional transformer decoder for image "
            "synthesis."
        ),
    ),
    (
        "Muse: Text-To-Image Generation via Masked Generative Transformers",
        (
            "We present Muse, a text-to-image Transformer model that is more efficient than "
            "diffusion models. More results are available at https://muse-model.github.io"
        ),
    ),
    (
        "Timer-XL: Long-Context Transformers for Unified Time Series Forecasting",
        (
            "We present Timer-XL, a generative Transformer for unified time series "
            "forecasting across univariate and multivariate series."
        ),
    ),
    (
        "Subformer: Exploring Weight Sharing for Parameter Efficiency in Generative Transformers",
        (
            "We explore parameter-sharing methods in Transformers with a focus on generative "
            "models such as machine translation and summarization."
        ),
    ),
    (
        "Zero-shot Triplet Extraction by Template Infilling",
        (
            "We reduce triplet extraction to a template infilling task over a pre-trained "
            "language model. https://github.com/megagonlabs/zett/"
        ),
    ),
    (
        "Large Language Models in Targeted Sentiment Analysis",
        (
            "We investigate decoder-based generative transformers for extracting sentiment "
            "towards named entities in Russian news articles."
        ),
    ),
)
SMALL_PAGE = "".join(f"{title}\n{abstract}\n" for title, abstract in _PAPERS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            # the offscreen platform's own notice, not our code's
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints"))


@pytest.fixture
def seed_page(tmp_path: Path) -> Path:
    """The real trending sample when ../shared exists, else our small page."""
    from tests.conftest import SHARED

    real = SHARED / "samples" / "trending-generative-transformers.txt"
    if real.exists():
        return real
    path = tmp_path / "trending.txt"
    path.write_text(SMALL_PAGE, encoding="utf-8")
    return path


@pytest.fixture
def ui_settings(tmp_path: Path) -> QSettings:
    """Window state in tmp_path: never the user's real settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def seeded_library(tmp_path: Path, seed_page: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "lib")
    report = lib.import_paths([seed_page])
    assert report.added, report.problems
    yield lib
    lib.close()


@pytest.fixture
def empty_library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "empty")
    yield lib
    lib.close()


@pytest.fixture
def pane(qtbot: QtBot, lib: Library) -> DetailPane:
    """The detail pane alone, on an empty library, at a typical pane size."""
    widget = DetailPane(lib)
    qtbot.addWidget(widget)
    widget.resize(450, 800)
    widget.show()
    return widget
