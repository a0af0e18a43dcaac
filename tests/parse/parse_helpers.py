"""Shared by the parse tests: where the pages are, and small finders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audiopaper.models import Article, Edition
from audiopaper.parse import parse_page
from audiopaper.read import read_text

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / ".." / "shared" / "samples" / "beibei-page.txt"
EXAMPLES = REPO / "examples"
TODAY = dt.date(2024, 1, 13)


def need_shared(path: Path) -> Path:
    """Skip the calling test when the shared material (not part of a clone) is absent."""
    if not path.exists():
        pytest.skip(f"{path.name} is not here: shared material sits beside the project only")
    return path


def parse_file(path: Path) -> Edition:
    return parse_page(read_text(path), today=TODAY, source=path)


def find(edition: Edition, title_start: str) -> Article:
    matches = [a for a in edition.articles if a.title.startswith(title_start)]
    assert len(matches) == 1, [a.title for a in edition.articles]
    return matches[0]
