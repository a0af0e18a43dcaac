"""Chapters for podcast apps: the Podcasting 2.0 JSON chapters file, and the
timestamp list that goes into an episode's description (apps link those lines)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from audiopaper.fsutil import atomic_write_text
from audiopaper.models import Chapter
from audiopaper.publish.transcript import clean_text

JSON_CHAPTERS_VERSION = "1.2.0"
JSON_CHAPTERS_TYPE = "application/json+chapters"


def chapters_document(
    chapters: Sequence[Chapter],
    *,
    title: str | None = None,
    podcast_name: str | None = None,
    file_name: str | None = None,
) -> dict[str, object]:
    """The JSON chapters object: ``version``, ``chapters`` (``startTime`` in seconds,
    ``title``, ``endTime``) and the optional episode fields when given."""
    document: dict[str, object] = {"version": JSON_CHAPTERS_VERSION}
    for key, value in (("title", title), ("podcastName", podcast_name), ("fileName", file_name)):
        if value:
            document[key] = clean_text(value)
    document["chapters"] = [
        {
            "startTime": _seconds(chapter.start_ms),
            "title": clean_text(chapter.title),
            "endTime": _seconds(chapter.end_ms),
        }
        for chapter in sorted(chapters, key=lambda c: c.start_ms)
    ]
    return document


def render_chapters_json(chapters: Sequence[Chapter], **fields: str | None) -> str:
    document = chapters_document(chapters, **fields)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_chapters_json(path: Path, chapters: Sequence[Chapter], **fields: str | None) -> Path:
    """Write the chapters file (``fields``: ``title``, ``podcast_name``, ``file_name``)."""
    atomic_write_text(path, render_chapters_json(chapters, **fields))
    return path


def _seconds(ms: int) -> float:
    return round(ms / 1000, 3)


def timestamp(ms: int) -> str:
    """``MM:SS`` below an hour, ``H:MM:SS`` from an hour on (whole seconds, rounded down)."""
    minutes, seconds = divmod(ms // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


def chapter_lines(chapters: Sequence[Chapter]) -> str:
    """One ``00:00 title`` line per chapter, in time order."""
    ordered = sorted(chapters, key=lambda c: c.start_ms)
    return "\n".join(f"{timestamp(c.start_ms)} {clean_text(c.title)}" for c in ordered)


def description_text(chapters: Sequence[Chapter], intro: str = "") -> str:
    """An episode description: ``intro`` (if any), a blank line, then the chapter list."""
    lines = chapter_lines(chapters)
    intro = intro.strip()
    if intro and lines:
        return f"{intro}\n\n{lines}"
    return intro or lines
