"""Clips → one MP3 edition: join PCM (no crossfade) with pauses by level, normalize
loudness in two passes, encode once, tag with ID3 chapters. Chapter starts and cue
times come from the samples actually stitched."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from audiopaper.cache import CachedClip, read_pcm
from audiopaper.ffmpeg import (
    Loudness,
    measure_file_loudness,
    measure_loudness,
    pcm_input_args,
    run_with_input,
)
from audiopaper.fsutil import temp_prefix
from audiopaper.models import Chapter, Clip, Cue, Pause
from audiopaper.publish.transcript import join_pieces

MP3_RATE = 44_100
MP3_BITRATE = "64k"
TARGET_LUFS = -16.0
# Decoded, our 64 kbps MP3s measure about 0.5 LU quieter than the PCM fed to LAME
# (the same at every LAME quality and at 96 kbps); the gain makes up for it.
MP3_LOUDNESS_LOSS = 0.5
MAX_TRUE_PEAK = -1.0
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Placed:
    clip: Clip
    start: int  # in samples from the edition start
    pause: int  # silence after the clip, in samples


@dataclass(frozen=True)
class Timeline:
    placed: tuple[Placed, ...]
    sample_rate: int

    @property
    def total_samples(self) -> int:
        if not self.placed:
            return 0
        last = self.placed[-1]
        return last.start + last.clip.samples + last.pause

    @property
    def duration(self) -> float:
        return self.total_samples / self.sample_rate

    def ms(self, samples: int) -> int:
        return round(samples * 1000 / self.sample_rate)


def lay_out(clips: list[Clip], pauses: dict[Pause, float], sample_rate: int) -> Timeline:
    placed = []
    position = 0
    for index, clip in enumerate(clips):
        is_last = index == len(clips) - 1
        pause = 0.5 if is_last else pauses[clip.segment.pause_after]  # a breath at the end
        silence = round(pause * sample_rate)
        placed.append(Placed(clip, position, silence))
        position += clip.samples + silence
    return Timeline(tuple(placed), sample_rate)


def pcm_chunks(timeline: Timeline) -> Iterator[bytes]:
    """The edition as 16-bit PCM, streamed clip by clip (never held whole in memory)."""
    for item in timeline.placed:
        clip = item.clip
        yield read_pcm(
            CachedClip(clip.pcm_path, clip.sample_rate, clip.samples, (), clip.data_offset)
        )
        remaining = item.pause * 2
        while remaining > 0:
            size = min(remaining, _CHUNK)
            yield bytes(size)
            remaining -= size


def loudness_gain(measured: Loudness) -> float:
    """The linear gain (dB) that brings the measured loudness to the target."""
    if measured.integrated_lufs == float("-inf"):
        return 0.0
    return TARGET_LUFS - measured.integrated_lufs


def encode_edition(timeline: Timeline, out_path: Path) -> tuple[Loudness, Loudness]:
    """Measure, encode to ``out_path`` (a temp file the caller tags and renames), and
    measure the MP3 as a player decodes it.

    Returns the loudness of the stitched speech and that of the finished file."""
    measured = measure_loudness(pcm_chunks(timeline), timeline.sample_rate, true_peak=False)
    # Linear gain to the target; the limiter (a little under -1 dBTP, since the MP3
    # encoder adds a few tenths of overshoot) only ever touches the rare peaks that
    # the gain would push too high, so normal speech passes through unchanged.
    limit = 10 ** ((MAX_TRUE_PEAK - 1.0) / 20)
    gain = loudness_gain(measured) + MP3_LOUDNESS_LOSS
    filters = [f"volume={gain:.2f}dB", f"alimiter=limit={limit:.4f}:level=false"]
    run_with_input(
        [
            *pcm_input_args(timeline.sample_rate),
            "-af", ",".join([*filters, f"aresample={MP3_RATE}"]),
            "-ac", "1",
            # LAME's quality 7 halves the encode time against its default; at 64 kbps
            # mono speech the difference is not audible, and encoding is the one stage
            # that runs on a single core after synthesis.
            "-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-abr", "0", "-compression_level", "7",
            "-write_xing", "1", "-id3v2_version", "0", "-map_metadata", "-1",
            "-f", "mp3", str(out_path),
        ],
        pcm_chunks(timeline),
    )  # fmt: skip
    return measured, measure_file_loudness(out_path)


def temp_audio_path(final: Path) -> Path:
    return final.with_name(f"{temp_prefix()}{final.stem}.mp3")


def chapters_for(timeline: Timeline, opening_title: str, titles: list[str]) -> list[Chapter]:
    """One chapter for the opening and one per article, from stitched sample positions."""
    starts: dict[int | None, int] = {}
    for item in timeline.placed:
        key = item.clip.segment.article_index
        starts.setdefault(key, item.start)
    marks: list[tuple[str, int, int | None]] = [(opening_title, 0, None)]
    for index, title in enumerate(titles):
        if index in starts:
            marks.append((title, starts[index], index))
    total = timeline.ms(timeline.total_samples)
    chapters = []
    for number, (title, start, article) in enumerate(marks):
        end = timeline.ms(marks[number + 1][1]) if number + 1 < len(marks) else total
        chapters.append(Chapter(title, timeline.ms(start), end, article))
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
        if key == current_key and cues:
            last = cues[-1]
            text = join_pieces(last.text, segment.source_text)
            cues[-1] = Cue(last.start_ms, timeline.ms(end), text)
        elif segment.source_text:
            cues.append(Cue(timeline.ms(start), timeline.ms(end), segment.source_text))
        current_key = key
    return cues


def _spoken_span(item: Placed) -> tuple[int, int]:
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
