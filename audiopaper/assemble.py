"""Clips → one MP3 edition: the clips laid out with pauses by level (no crossfade),
encoded in pieces as they arrive (see :mod:`audiopaper.pieces`), joined, and tagged with
ID3 chapters. Chapter starts and cue times come from the samples and frames actually
stitched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audiopaper.fsutil import temp_prefix
from audiopaper.models import Chapter, Clip, Cue
from audiopaper.pieces import MP3_RATE, Piece, PiecePlan, piece_starts
from audiopaper.publish.transcript import join_pieces

__all__ = ["MP3_RATE", "Placed", "Timeline", "chapters_for", "cues_for", "lay_out"]


@dataclass(frozen=True)
class Placed:
    clip: Clip
    start: int  # in samples (at the clip rate) from the start of its piece
    pause: int  # silence after the clip, in samples
    piece_start: float  # where its piece starts in the finished file, in seconds


@dataclass(frozen=True)
class Timeline:
    placed: tuple[Placed, ...]
    sample_rate: int
    duration: float  # seconds of the finished file, as players report it

    def ms_at(self, item: Placed, samples: int) -> int:
        """The time (ms in the file) of ``samples`` into the clip's piece."""
        return round((item.piece_start + samples / self.sample_rate) * 1000)

    @property
    def total_ms(self) -> int:
        return round(self.duration * 1000)


def lay_out(
    clips: list[Clip], plans: list[PiecePlan], pieces: list[Piece], duration: float
) -> Timeline:
    """Place every clip in its piece, the pieces where their frames landed."""
    placed = []
    for plan, start_s in zip(plans, piece_starts(pieces), strict=True):
        position = 0
        for clip, pause in zip(clips[plan.first : plan.end], plan.pauses, strict=True):
            placed.append(Placed(clip, position, pause, start_s))
            position += clip.samples + pause
    rate = clips[0].sample_rate if clips else MP3_RATE
    return Timeline(tuple(placed), rate, duration)


def temp_audio_path(final: Path) -> Path:
    return final.with_name(f"{temp_prefix()}{final.stem}.mp3")


def chapters_for(timeline: Timeline, opening_title: str, titles: list[str]) -> list[Chapter]:
    """One chapter for the opening and one per article, from stitched positions."""
    starts: dict[int | None, int] = {}
    for item in timeline.placed:
        key = item.clip.segment.article_index
        starts.setdefault(key, timeline.ms_at(item, item.start))
    marks: list[tuple[str, int, int | None]] = [(opening_title, 0, None)]
    for index, title in enumerate(titles):
        if index in starts:
            marks.append((title, starts[index], index))
    total = timeline.total_ms
    chapters = []
    for number, (title, start, article) in enumerate(marks):
        end = marks[number + 1][1] if number + 1 < len(marks) else total
        chapters.append(Chapter(title, start, end, article))
    return chapters


def cues_for(timeline: Timeline) -> list[Cue]:
    """One cue per sentence, in source text, timed from the stitched audio (refined
    by the engine's sentence boundaries where it reports them)."""
    cues: list[Cue] = []
    current_key: tuple[object, ...] | None = None
    for item in timeline.placed:
        segment = item.clip.segment
        key = (segment.article_index, segment.paragraph_index, segment.sentence_index, segment.role)
        start, end = _spoken_span(item)
        start_ms, end_ms = timeline.ms_at(item, start), timeline.ms_at(item, end)
        if key == current_key and cues:
            last = cues[-1]
            text = join_pieces(last.text, segment.source_text)
            cues[-1] = Cue(last.start_ms, end_ms, text)
        elif segment.source_text:
            cues.append(Cue(start_ms, end_ms, segment.source_text))
        current_key = key
    return cues


def _spoken_span(item: Placed) -> tuple[int, int]:
    """Start and end of the speech in the clip, in samples from its piece's start."""
    clip = item.clip
    start, end = item.start, item.start + clip.samples
    if clip.boundaries:
        first, last = clip.boundaries[0], clip.boundaries[-1]
        start = item.start + min(clip.samples, round(first.offset * clip.sample_rate))
        end = item.start + min(
            clip.samples, round((last.offset + last.duration) * clip.sample_rate)
        )
        end = max(end, start)
    return start, end
