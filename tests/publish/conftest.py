"""Fixtures for the publish stage (helpers in editions.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audiopaper.models import Episode
from publish.editions import BUILT_AT, MakeEpisode, even_chapters, make_mp3, two_cues_per_chapter


@pytest.fixture
def make_episode(tmp_path: Path) -> MakeEpisode:
    """Build an edition folder with a real MP3 under ``tmp_path / "out"``."""
    out = tmp_path / "out"

    def build(
        date: dt.date,
        *,
        paper: str = "示例日报",
        seconds: float = 1.0,
        titles: list[str] | None = None,
        title: str | None = None,
        description: str = "",
    ) -> Episode:
        edition_id = date.isoformat()
        audio = make_mp3(out / edition_id / f"{edition_id}.mp3", seconds)
        chapters = even_chapters(titles or ["开篇：本期导读", "头版头条"], round(seconds * 1000))
        return Episode(
            edition_id=edition_id,
            title=title or f"{paper} {date.year}年{date.month}月{date.day}日",
            paper=paper,
            date=date,
            audio_path=audio,
            audio_bytes=audio.stat().st_size,
            duration_s=seconds,
            chapters=chapters,
            cues=two_cues_per_chapter(chapters),
            description=description,
            built_at=BUILT_AT,
        )

    return build


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"
