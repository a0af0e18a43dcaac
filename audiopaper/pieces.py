"""The edition's MP3, made of pieces: the opening, each article and the closing are cut
into pieces of about half a minute at sentence pauses, each ending in the silence after
its last sentence.

An article's gain is measured from its clips in one pass, each clip metered as soon as it
and those before it in its article exist, and its pieces are encoded while later articles
are still being synthesized. A piece is cached under a key made of its clips' keys, its
pauses and its article's gain: an unchanged article keeps its exact frames, and an edit
re-encodes only the piece it touches (or its article's pieces, when the edit moves the
article's gain by a step). The pieces are then joined at frame boundaries behind one Info
frame for the file.
"""

from __future__ import annotations

import hashlib
import json
import queue
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audiopaper.cache import CachedClip, read_pcm
from audiopaper.errors import OutputError
from audiopaper.ffmpeg import ffmpeg_exe, pcm_input_args, run_with_input
from audiopaper.fsutil import atomic_write_bytes, temp_prefix
from audiopaper.models import Clip, Pause, Segment
from audiopaper.mp3frames import SAMPLES_PER_FRAME, LameTag, info_frame, read_lame_tag, split_frames
from audiopaper.priority import lowest_priority

if TYPE_CHECKING:
    from audiopaper.loudness import LoudnessMeter

MP3_RATE = 44_100
MP3_BITRATE = "64k"
TARGET_LUFS = -16.0
# Decoded, our 64 kbps MP3s measure about 0.5 LU quieter than the PCM fed to LAME
# (the same at every LAME quality and at 96 kbps); the gain makes up for it.
MP3_LOUDNESS_LOSS = 0.5
MAX_TRUE_PEAK = -1.0
# Gains are rounded to this, so an edit that barely moves an article's loudness leaves
# its gain, and so its other pieces, as they were (±0.25 dB of the target at most).
GAIN_STEP_DB = 0.5
# Where an edited article's earlier gain is looked for (speech from either voice needs a
# few dB up; a page of whispers or shouting is only not guessed).
_GUESSED_GAINS_DB = (-12.0, 30.0)
END_PAUSE_S = 0.5  # a breath after the edition's last sentence
PIECE_CHARS = 120  # about half a minute of speech: what an edit re-encodes
# Each join adds the next piece's encoder delay and the last one's padding as silence
# (25-51 ms at 44.1 kHz): the pause before a join is shortened by the delay's 25 ms.
JOIN_SILENCE_S = 0.025
# Part of every piece's key: change it whenever the encoding below changes.
ENCODER_SETTINGS = f"lame-{MP3_BITRATE}-q7-{MP3_RATE}-mono-limit{MAX_TRUE_PEAK}-{TARGET_LUFS}-1"
_CHUNK = 1 << 16
_MAGIC = b"APPIECE1"
_HEADER = struct.Struct("<8sI32s")  # magic, metadata length, sha256 of what follows


@dataclass(frozen=True)
class PiecePlan:
    """Which clips (by job index) a piece is made of, the silence after each, and the
    article run (group) whose gain it takes."""

    first: int
    end: int  # one past its last clip
    pauses: tuple[int, ...]  # samples of silence after each clip, at the clip rate
    key: str  # its clips and pauses; the cache key adds the gain
    group: int
    group_key: str  # the group's clips and pauses: names its measured gain


@dataclass(frozen=True)
class Piece:
    """An encoded piece in the cache: its frames and what they hold."""

    key: str
    path: Path
    audio_offset: int  # where its audio frames start in ``path`` (after its Info frame)
    audio_bytes: int
    frames: int
    info: bytes  # the piece's own Info frame: the template for the whole file's
    delay: int  # encoder delay (samples at MP3_RATE) before its first sample
    padding: int  # samples of padding after its last one
    gain_db: float
    input_lufs: float
    reused: bool = False

    @property
    def duration_samples(self) -> int:
        """Samples it adds to the joined file (its delay and padding included)."""
        return self.frames * SAMPLES_PER_FRAME


def plan_pieces(
    segments: list[Segment], keys: list[str], pauses: dict[Pause, float], rate: int
) -> list[PiecePlan]:
    """Groups end after every segment followed by an article pause (the end of the
    opening and of each article); within a group, a piece ends at the first sentence or
    paragraph pause after PIECE_CHARS characters. Every join falls in a silence."""
    last = len(segments) - 1
    silences = [
        round((END_PAUSE_S if i == last else pauses[s.pause_after]) * rate)
        for i, s in enumerate(segments)
    ]
    ends_group = [s.pause_after == Pause.ARTICLE or i == last for i, s in enumerate(segments)]
    cuts = []
    chars = 0
    for index, segment in enumerate(segments):
        chars += len(segment.spoken_text)
        at_pause = segment.pause_after in (Pause.SENTENCE, Pause.PARAGRAPH)
        if ends_group[index] or (at_pause and chars >= PIECE_CHARS):
            cuts.append(index + 1)
            chars = 0
    for end in cuts[:-1]:  # the pause before each join makes room for the encoder delay
        silences[end - 1] = max(0, silences[end - 1] - round(JOIN_SILENCE_S * rate))
    plans: list[PiecePlan] = []
    first = group_first = 0
    group = 0
    for end in cuts:
        group_end = next(i + 1 for i in range(end - 1, len(segments)) if ends_group[i])
        group_key = _key(rate, keys[group_first:group_end], silences[group_first:group_end])
        key = _key(rate, keys[first:end], silences[first:end])
        plans.append(PiecePlan(first, end, tuple(silences[first:end]), key, group, group_key))
        first = end
        if ends_group[end - 1]:
            group += 1
            group_first = end
    return plans


def _key(rate: int, keys: list[str], silences: list[int]) -> str:
    parts = [ENCODER_SETTINGS, str(rate), *keys, *map(str, silences)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class PieceCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.piece"

    def get(self, key: str) -> Piece | None:
        """The cached piece, verified; None if missing or damaged (it is encoded again)."""
        path = self.path_for(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) < _HEADER.size:
            return None
        magic, meta_len, digest = _HEADER.unpack_from(data)
        body = data[_HEADER.size :]
        if magic != _MAGIC or hashlib.sha256(body).digest() != digest:
            return None
        try:
            meta = json.loads(body[:meta_len].decode("utf-8"))
            frames = split_frames(body[meta_len:])
            if frames.info is None:
                return None
            tag = read_lame_tag(frames.info, frames.mono)
            offset = _HEADER.size + meta_len + len(frames.info)
            return Piece(
                key, path, offset, len(frames.audio), frames.count, frames.info,
                tag.delay, tag.padding, float(meta["gain_db"]), float(meta["input_lufs"]),
                reused=True,
            )  # fmt: skip
        except (ValueError, KeyError, TypeError, OutputError):
            return None

    def get_gain(self, group_key: str) -> Gain | None:
        try:
            data = json.loads(self._gain_path(group_key).read_text(encoding="utf-8"))
            return Gain(float(data["input_lufs"]), float(data["gain_db"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_gain(self, group_key: str, gain: Gain) -> None:
        data = {"input_lufs": gain.input_lufs, "gain_db": gain.gain_db}
        atomic_write_bytes(self._gain_path(group_key), json.dumps(data).encode("utf-8"))

    def _gain_path(self, group_key: str) -> Path:
        return self.folder / group_key[:2] / f"{group_key}.gain"

    def put(self, key: str, mp3: bytes, gain_db: float, input_lufs: float) -> Piece:
        frames = split_frames(mp3)
        if frames.info is None:
            raise OutputError("the encoder wrote no Info frame for an edition piece")
        meta = json.dumps({"gain_db": gain_db, "input_lufs": input_lufs}).encode("utf-8")
        body = meta + mp3
        path = self.path_for(key)
        header = _HEADER.pack(_MAGIC, len(meta), hashlib.sha256(body).digest())
        atomic_write_bytes(path, header + body)
        tag = read_lame_tag(frames.info, frames.mono)
        offset = _HEADER.size + len(meta) + len(frames.info)
        return Piece(
            key, path, offset, len(frames.audio), frames.count, frames.info,
            tag.delay, tag.padding, gain_db, input_lufs,
        )  # fmt: skip


def piece_gain(input_lufs: float) -> float:
    """The gain (dB) that brings a piece to the target, rounded to GAIN_STEP_DB."""
    if input_lufs == float("-inf"):
        return 0.0
    gain = TARGET_LUFS - input_lufs + MP3_LOUDNESS_LOSS
    return round(round(gain / GAIN_STEP_DB) * GAIN_STEP_DB, 2)


@dataclass(frozen=True)
class Gain:
    """An article run's measured loudness and the gain it gets."""

    input_lufs: float
    gain_db: float


class GroupMeter:
    """An article run's gain: remembered from an earlier build, or measured from its clips
    (speech and pauses) fed in order, each as soon as it and those before it exist."""

    def __init__(self, plans: list[PiecePlan], cache: PieceCache) -> None:
        self.plans = plans
        self.cache = cache
        self.remembered = cache.get_gain(plans[0].group_key)
        self._pauses = [pause for plan in plans for pause in plan.pauses]
        self._fed = 0
        self._meter: LoudnessMeter | None = None
        self._failed: BaseException | None = None  # raised again when the gain is asked

    def feed(self, clip: Clip) -> None:
        if self.remembered is not None or self._failed is not None:
            return
        try:
            if self._meter is None:
                from audiopaper.loudness import LoudnessMeter

                self._meter = LoudnessMeter(clip.sample_rate)
            self._meter.add_pcm(_pcm(clip))
            self._meter.add_silence(self._pauses[self._fed])
            self._fed += 1
        except BaseException as exc:
            self._failed = exc
            raise

    def gain(self) -> Gain:
        if self.remembered is not None:
            return self.remembered
        if self._failed is not None:
            raise self._failed
        if self._meter is None or self._fed != len(self._pauses):
            raise OutputError("an edition piece was metered before all its clips; please report it")
        input_lufs = self._meter.integrated_lufs()
        gain = Gain(input_lufs, piece_gain(input_lufs))
        self.cache.put_gain(self.plans[0].group_key, gain)
        return gain


def piece_key(plan: PiecePlan, gain_db: float) -> str:
    return hashlib.sha256(f"{plan.key}\n{gain_db:.2f}".encode()).hexdigest()


def earlier_gain(plans: list[PiecePlan], cache: PieceCache) -> Gain | None:
    """The gain an earlier build gave this article run, found through a piece of it that
    is unchanged (cached under its gain); None for a run no build has made."""
    steps = range(
        round(_GUESSED_GAINS_DB[0] / GAIN_STEP_DB), round(_GUESSED_GAINS_DB[1] / GAIN_STEP_DB) + 1
    )
    for plan in plans[:2]:
        for step in steps:
            found = cache.get(piece_key(plan, round(step * GAIN_STEP_DB, 2)))
            if found is not None:
                return Gain(found.input_lufs, found.gain_db)
    return None


def encode_piece(
    plan: PiecePlan, clips: Sequence[Clip] | ClipFeed, gain: Gain, cache: PieceCache
) -> Piece:
    """The piece from the cache, or encoded and cached now (from ``clips`` as they come,
    when they are a feed)."""
    key = piece_key(plan, gain.gain_db)
    found = cache.get(key)
    if found is not None:
        return found
    rate = clips.sample_rate if isinstance(clips, ClipFeed) else clips[0].sample_rate
    # Linear gain to the target; the limiter (a little under -1 dBTP, since the MP3
    # encoder adds a few tenths of overshoot) only ever touches the rare peaks that
    # the gain would push too high, so normal speech passes through unchanged.
    limit = 10 ** ((MAX_TRUE_PEAK - 1.0) / 20)
    filters = (
        f"volume={gain.gain_db:.2f}dB,alimiter=limit={limit:.4f}:level=false,aresample={MP3_RATE}"
    )
    cache.folder.mkdir(parents=True, exist_ok=True)
    temp = cache.folder / f"{temp_prefix()}{key[:16]}.mp3"
    try:
        run_with_input(
            [
                *pcm_input_args(rate),
                "-af", filters,
                "-ac", "1",
                # LAME's quality 7 halves the encode time against its default; at 64 kbps
                # mono speech the difference is not audible.
                "-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-abr", "0",
                "-compression_level", "7",
                # The Info frame carries the encoder delay and padding: exact timing.
                "-write_xing", "1", "-id3v2_version", "0", "-map_metadata", "-1",
                "-f", "mp3", str(temp),
            ],
            _pcm_chunks(clips, plan.pauses),
        )  # fmt: skip
        mp3 = temp.read_bytes()
    finally:
        temp.unlink(missing_ok=True)
    return cache.put(key, mp3, gain.gain_db, gain.input_lufs)


def _pcm(clip: Clip) -> bytes:
    return read_pcm(CachedClip(clip.pcm_path, clip.sample_rate, clip.samples, (), clip.data_offset))


def _pcm_chunks(clips: Iterable[Clip], pauses: tuple[int, ...]) -> Iterator[bytes]:
    for clip, pause in zip(clips, pauses, strict=True):
        yield _pcm(clip)
        remaining = pause * 2
        while remaining > 0:
            size = min(remaining, _CHUNK)
            yield bytes(size)
            remaining -= size


class ClipFeed:
    """A piece's clips handed to its encoder as they arrive, in order: a piece encoded
    at a guessed gain starts on the clips before an edited one while the voice speaks it."""

    def __init__(self, first: Clip, count: int) -> None:
        self.sample_rate = first.sample_rate
        self._count = count
        self._abandoned = False
        self._arrived: queue.SimpleQueue[Clip | None] = queue.SimpleQueue()
        self._arrived.put(first)

    def put(self, clip: Clip) -> None:
        self._arrived.put(clip)

    def abandon(self) -> None:
        """The build stopped, or the guess was wrong: the encoder stops at the next clip,
        or as soon as it waits on one."""
        self._abandoned = True
        self._arrived.put(None)

    def __iter__(self) -> Iterator[Clip]:
        for _ in range(self._count):
            clip = None if self._abandoned else self._arrived.get()
            if clip is None:
                raise OutputError("this piece's encoding was abandoned")
            yield clip


class PieceEncoder:
    """Meters each article run's clips in order as they arrive (so its gain is known the
    moment its last clip is), on one background thread, and encodes its pieces on as many
    threads as there are cores (each runs an ffmpeg); synthesis meanwhile goes on in its
    own workers. A rebuild hands over its cached clips first: an edited article is metered
    up to the new clip while that clip is synthesized.

    Runs are metered in :meth:`synthesis_order`: the opening's last. The last run spoken
    is the one left to encode once the voice is done; spoken last, the opening (a few
    lines) leaves little, and the last article's pieces are encoded while it is spoken
    (they were the build's last 0.2-0.3 s)."""

    def __init__(self, plans: list[PiecePlan], cache: PieceCache) -> None:
        import os

        self.groups: list[list[PiecePlan]] = []
        for plan in plans:
            if plan.group == len(self.groups):
                self.groups.append([])
            self.groups[plan.group].append(plan)
        self.cache = cache
        self._clips: dict[int, Clip] = {}
        self._order = [*range(1, len(self.groups)), 0] if self.groups else []
        self._turn = 0  # the run being metered, by its place in ``_order``
        self._next_clip = self.groups[self._order[0]][0].first if self.groups else 0
        self._meter: GroupMeter | None = None
        # While the voice speaks, clips are metered and pieces encoded at idle priority
        # (the threads and the ffmpeg they start): on the time the voice's threads leave
        # between their steps, never holding them up. At normal priority they took their
        # share of the cores the voice was waiting for (bench/README.md has the figures).
        # What is left when the voice is done runs at normal priority (``finish``).
        self._measure = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="encode-gain-idle", initializer=lowest_priority
        )
        self._cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        self._encode = ThreadPoolExecutor(
            max_workers=self._cores, thread_name_prefix="encode-idle", initializer=lowest_priority
        )
        self._encode.submit(ffmpeg_exe)  # found now, not when the first piece waits on it
        self._measuring: list[_Measuring] = []  # in order: the meter's state runs through them
        self._guess: Gain | None = None  # the metered run's gain in an earlier build
        self._guessed: dict[str, _Encoding] = {}  # pieces started at that gain, by plan
        self._feeds: list[ClipFeed] = []  # their clips, as they come
        self._wrong: list[Future[Piece]] = []  # pieces started at a gain that was not it

    def synthesis_order(self) -> list[int]:
        """Clip indexes in the order that gets the edition done soonest."""
        return [
            i
            for group in self._order
            for i in range(self.groups[group][0].first, self.groups[group][-1].end)
        ]

    def clip_ready(self, index: int, clip: Clip) -> None:
        self._clips[index] = clip
        while self._turn < len(self._order) and self._next_clip in self._clips:
            plans = self.groups[self._order[self._turn]]
            if self._meter is None:
                self._meter = GroupMeter(plans, self.cache)
                # An edited article: its earlier gain (one sentence seldom moves it by a
                # step) lets its pieces start while the rest is metered.
                self._guess = None if self._meter.remembered else earlier_gain(plans, self.cache)
            clip = self._clips[self._next_clip]
            self._measure_later(self._meter.feed, clip)
            if self._guess is not None:
                self._encode_on_guess(plans, self._next_clip, clip, self._guess)
            self._next_clip += 1
            if self._next_clip == plans[-1].end:  # the run is whole: encode it
                clips = [self._clips.pop(i) for i in range(plans[0].first, plans[-1].end)]
                self._measure_later(self._encode_group, self._meter, clips)
                self._meter = None
                self._turn += 1
                if self._turn < len(self._order):
                    self._next_clip = self.groups[self._order[self._turn]][0].first

    def _encode_on_guess(self, plans: list[PiecePlan], index: int, clip: Clip, guess: Gain) -> None:
        """A piece is started at the guessed gain on its first clip, and fed the others
        as they come (so an edited piece is encoded up to its new clip while the voice
        speaks it; an unchanged one is found in the cache at once)."""
        plan = next(plan for plan in plans if plan.first <= index < plan.end)
        if index != plan.first:
            self._feeds[-1].put(clip)
            return
        feed = ClipFeed(clip, plan.end - plan.first)
        self._feeds.append(feed)
        job = (plan, feed, guess, self.cache)
        self._guessed[plan.key] = _Encoding(self._encode.submit(encode_piece, *job), job)

    def _measure_later(self, work: Callable[..., Any], *args: Any) -> None:
        self._measuring.append(_Measuring(self._measure.submit(work, *args), work, args))

    def _encode_group(self, meter: GroupMeter, clips: list[Clip]) -> list[_Encoding]:
        gain = meter.gain()
        plans = meter.plans
        start = plans[0].first
        encodings = []
        for plan in plans:
            guessed = self._guessed.pop(plan.key, None)
            job = (plan, clips[plan.first - start : plan.end - start], gain, self.cache)
            if guessed is not None:
                if guessed.job[2].gain_db == gain.gain_db:
                    # The guess was right: already under way (the clips as a list, should
                    # it have to be started again at normal priority).
                    encodings.append(_Encoding(guessed.future, job))
                    continue
                guessed.future.cancel()  # wrong: dropped if not started yet, else stopped
                if isinstance(guessed.job[1], ClipFeed):
                    guessed.job[1].abandon()
                self._wrong.append(guessed.future)
            encodings.append(_Encoding(self._encode.submit(encode_piece, *job), job))
        return encodings

    def finish(self) -> list[Piece]:
        """Every piece, in order (waits for the last ones). The voice is done: pieces not
        started yet are encoded at normal priority, the build's last step now."""
        if self._turn < len(self._order):
            self.cancel()
            raise OutputError("an edition piece is missing clips; this is a bug, please report it")
        now = ThreadPoolExecutor(max_workers=self._cores, thread_name_prefix="encode")
        try:
            # The meter's queue is done here, in order, after the step it is on.
            self._measure.shutdown(wait=True, cancel_futures=True)
            pieces: list[tuple[int, Future[Piece]]] = []  # by first clip
            for step in self._measuring:
                done = step.work(*step.args) if step.future.cancelled() else step.future.result()
                for encoding in done or ():  # a group's pieces (a clip's metering gives None)
                    waiting = encoding.future.cancel()
                    future = now.submit(encode_piece, *encoding.job) if waiting else encoding.future
                    pieces.append((encoding.job[0].first, future))
            done = [future.result() for _, future in sorted(pieces, key=lambda p: p[0])]
            self._forget_wrong_guesses({piece.key for piece in done})
            return done
        finally:
            self._measure.shutdown(wait=True)
            self._encode.shutdown(wait=True)
            now.shutdown(wait=True)

    def _forget_wrong_guesses(self, used: set[str]) -> None:
        """Pieces encoded at a gain their run did not get leave the cache: a later edit
        looks for its article's earlier gain there, and must not find theirs."""
        for future in self._wrong:
            if future.cancelled() or future.exception() is not None:
                continue
            piece = future.result()
            if not piece.reused and piece.key not in used:
                piece.path.unlink(missing_ok=True)

    def cancel(self) -> None:
        """Drop pieces not yet started; those being encoded finish (and are cached), but
        for those still waiting on clips, which stop."""
        for feed in self._feeds:
            feed.abandon()
        self._measure.shutdown(wait=True, cancel_futures=True)
        self._encode.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class _Measuring:
    future: Future[Any]
    work: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Encoding:
    future: Future[Piece]
    job: tuple[PiecePlan, Sequence[Clip] | ClipFeed, Gain, PieceCache]  # encode_piece's


def joined_duration(pieces: list[Piece]) -> float:
    """Seconds of the joined file as players report it (the first piece's delay and the
    last one's padding are dropped; those between pieces stay, as silence)."""
    frames = sum(piece.frames for piece in pieces)
    return (frames * SAMPLES_PER_FRAME - pieces[0].delay - pieces[-1].padding) / MP3_RATE


def join_mp3(pieces: list[Piece], out_path: Path) -> None:
    """Write the pieces' frames behind one Info frame for the whole file."""
    if not pieces:
        raise OutputError("an edition needs at least one piece of audio")
    frames = sum(piece.frames for piece in pieces)
    audio_bytes = sum(piece.audio_bytes for piece in pieces)
    tag = LameTag(delay=pieces[0].delay, padding=pieces[-1].padding)
    first = split_frames(pieces[0].info)
    header = info_frame(pieces[0].info, first.mono, frames, audio_bytes, tag)
    with out_path.open("wb") as out:
        out.write(header)
        for piece in pieces:
            with piece.path.open("rb") as source:
                source.seek(piece.audio_offset)
                remaining = piece.audio_bytes
                while remaining > 0:
                    block = source.read(min(remaining, 1 << 20))
                    if not block:
                        raise OutputError(f"the cached piece {piece.path} was cut short")
                    out.write(block)
                    remaining -= len(block)


def piece_starts(pieces: list[Piece]) -> list[float]:
    """Where each piece's first sample plays, in seconds: whole frames from the start
    (each piece's own encoder delay lines up with the file's, which players drop)."""
    starts = []
    position = 0
    for piece in pieces:
        starts.append((position + piece.delay - pieces[0].delay) / MP3_RATE)
        position += piece.duration_samples
    return starts
