from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # typeset.py, editions.py

from editions import THREE_PAGES
from typeset import typeset


@pytest.fixture(scope="session")
def three_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three typeset pages, one PDF each, named so that name order is not page order."""
    folder = tmp_path_factory.mktemp("pages")
    for name, spec in zip(("b.pdf", "c.pdf", "a.pdf"), THREE_PAGES, strict=True):
        typeset([spec], folder / name)
    return folder
