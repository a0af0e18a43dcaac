"""Helpers for the publish tests: small real MP3s and editions built from them."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

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
