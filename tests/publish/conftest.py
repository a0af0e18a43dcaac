"""Fixtures for the publish stage: small real MP3s and editions built from them."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from audiopaper.models import Chapter, Cue, Episode

NOW = dt.datetime(2026, 11, 26, 23, 0, 0, tzinfo=dt.UTC)
BUILT_AT = dt.datetime(2026, 11, 26, 22, 0, 0, tzinfo=dt.UTC)

MakeEpisode = Callable[..., Episode]


def make_mp3(path: Path, seconds: float = 1.0) -> Path:
    """A real MP3 (a sine tone) made with the ffmpeg the project ships."""
    import imageio_ffmpeg

    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-ac",
            "1",
            "-ar",
            "24000",
            "-b:a",
            "48k",
            str(path),
        ],
        check=True,
    )
    return path


def even_chapters(titles: list[str], total_ms: int) -> tuple[Chapter, ...]:
    step = total_ms // len(titles)
    return tuple(
        Chapter(title, n * step, total_ms if n == len(titles) - 1 else (n + 1) * step, n or None)
        for n, title in enumerate(titles)
    )


def two_cues_per_chapter(chapters: tuple[Chapter, ...]) -> tuple[Cue, ...]:
    cues = []
    for n, chapter in enumerate(chapters, start=1):
        middle = (chapter.start_ms + chapter.end_ms) // 2
        cues.append(Cue(chapter.start_ms, middle - 100, f"第{n}章第一句：{chapter.title}。"))
        cues.append(Cue(middle, chapter.end_ms - 100, f"第{n}章第二句，说完了。"))
    return tuple(cues)


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
