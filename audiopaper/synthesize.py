"""Segments → clips: look each one up in the cache, synthesize what is missing in
parallel, trim edge silence, store 16-bit PCM. Finished clips are cached one by one,
so a run that fails or is killed keeps everything it already paid for."""

from __future__ import annotations

import queue
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from audiopaper.cache import CachedClip, ClipCache, cache_key
from audiopaper.engines import Engine, Synthesis, Voice
from audiopaper.errors import AudiopaperError, EngineError
from audiopaper.guard import check_clip
from audiopaper.models import Boundary, Clip, Segment

PCM_RATE = 24_000  # the edition's working rate; both engines produce 24 kHz
_SILENCE_THRESHOLD = 10 ** (-45 / 20)  # -45 dBFS
_KEEP_EDGE = 0.03  # seconds of the engine's own lead-in/out kept after trimming

if TYPE_CHECKING:
    import numpy as np

Progress = Callable[[Clip], None]
Ready = Callable[[int, Clip], None]  # a job's clip, by job index, as soon as it exists


@dataclass(frozen=True)
class Job:
    segment: Segment
    voice: Voice
    engine: Engine
    key: str
    # The components ``key`` hashes: a rebuild compares them to say why a clip changed.
    fields: Mapping[str, object] = field(default_factory=dict)


def plan_jobs(
    segments: list[Segment],
    voice_for: Callable[[Segment], Voice],
    engine_for: Callable[[Voice], Engine],
    lexicon_digest: str | Callable[[str], str],
) -> list[Job]:
    """``lexicon_digest`` is the lexicon's digest, or a function giving the digest of
    the entries that can touch one text (so a one-word edit changes only its segments)."""
    jobs = []
    for segment in segments:
        voice = voice_for(segment)
        engine = engine_for(voice)
        text = segment.spoken_text
        # An engine that says what its model is fed is keyed by that alone (the lexicon's
        # readings are in it): a rule or lexicon change redoes only the clips it changed.
        # Others get the lexicon entries whose word the text holds, and the text.
        fed = getattr(engine, "cache_text", None)
        if fed:
            lexicon = ""
        else:
            lexicon = lexicon_digest if isinstance(lexicon_digest, str) else lexicon_digest(text)
        fields = {
            **voice.cache_fields(),
            "engine_version": engine.info.version,
            "lexicon": lexicon,
            "text": fed(text) if fed else text,
            "pcm_rate": PCM_RATE,
        }
        jobs.append(Job(segment, voice, engine, cache_key(fields), fields))
    return jobs


@dataclass(frozen=True)
class WorkerLimit:
    """How many requests can run at once here, and why not more."""

    jobs: int
    reason: str
    cores: int


def worker_limit(engines: list[Engine]) -> WorkerLimit | None:
    """Engines that compute on this machine run one model per job: more jobs than
    cores only add memory and contention, and more than free memory holds swap or
    fail. None when every engine works over the network (waiting costs nothing)."""
    import os

    local = [engine for engine in engines if not engine.info.needs_network]
    if not local:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = max(1, cores or 1)
    limit = WorkerLimit(cores, f"{cores} CPU cores", cores)
    per_job = max(engine.info.memory_per_job_mb for engine in local)
    free = _available_memory_mb()
    if per_job and free is not None and free // per_job < limit.jobs:
        jobs = max(1, free // per_job)
        limit = WorkerLimit(jobs, f"{free} MB of free memory at about {per_job} MB a job", cores)
    return limit


@dataclass(frozen=True)
class Layout:
    """How synthesis uses the machine: requests at once, and the intra-op threads of each
    model instance (for engines that run here and take a ``threads_per_job`` setting)."""

    jobs: int
    threads: int = 1
    note: str | None = None  # why the jobs asked for were lowered


def layout_for(engines: list[Engine], requested: int | None) -> Layout:
    """By default a local model that can use several threads gets one instance using
    every core: as fast within a few percent as one instance per core (bench/README.md),
    for half the memory. ``--jobs N`` asks for N instances, capped by cores and memory."""
    limit = worker_limit(engines)
    threaded = limit is not None and all(hasattr(e, "threads_per_job") for e in engines)
    if requested is not None:
        jobs = requested
    else:
        jobs = 1 if threaded else min(engine.info.default_jobs for engine in engines)
    note = None
    if limit is not None and jobs > limit.jobs:
        if requested is not None:
            note = (
                f"--jobs {requested} lowered to {limit.jobs}: the voice runs on this "
                f"machine, which has {limit.reason}"
            )
        jobs = limit.jobs
    threads = max(1, limit.cores // jobs) if threaded and limit is not None else 1
    return Layout(jobs, threads, note)


def apply_layout(engines: list[Engine], layout: Layout) -> None:
    """Tell engines that take it how many threads each model instance may use (before
    their first request: instances are made then)."""
    for engine in engines:
        if hasattr(engine, "threads_per_job"):
            engine.threads_per_job = layout.threads


def _available_memory_mb() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


@dataclass
class SynthesisReport:
    reused: int = 0
    synthesized: int = 0
    notes: list[str] = field(default_factory=list)


def cached_clips(jobs: list[Job], cache: ClipCache) -> dict[int, Clip]:
    """The jobs whose audio is already cached (verified), by job index."""
    found: dict[int, Clip] = {}
    for index, job in enumerate(jobs):
        entry = cache.get(job.key)
        if entry is not None:
            found[index] = clip_for(job.segment, entry, reused=True)
    return found


@dataclass
class Handover:
    """Where clips go as they exist, for any synthesizer (these threads or a cluster):
    counted in the report, shown as progress, handed to ``ready`` (the encoder)."""

    jobs: list[Job]
    clips: dict[int, Clip]  # by job index: the reused ones, then each one made
    report: SynthesisReport
    progress: Progress | None = None
    ready: Ready | None = None

    @classmethod
    def start(
        cls,
        jobs: list[Job],
        cache: ClipCache,
        cached: dict[int, Clip] | None,
        report: SynthesisReport | None,
        progress: Progress | None,
        ready: Ready | None,
    ) -> Handover:
        """The cached clips (looked up unless ``cached`` has them), handed on first."""
        clips = dict(cached) if cached is not None else cached_clips(jobs, cache)
        report = report if report is not None else SynthesisReport()
        handover = cls(jobs, clips, report, progress, ready)
        handover.report.reused += len(clips)
        for index in sorted(clips):
            handover.report.notes.extend(clips[index].notes)  # still says what it lacks
            handover._hand_on(index)
        return handover

    def missing_by_key(self, order: Sequence[int] | None) -> dict[str, list[int]]:
        """The jobs still to make, in ``order`` (the jobs' own by default); identical
        texts in one edition are made once."""
        by_key: dict[str, list[int]] = {}
        for index in range(len(self.jobs)) if order is None else order:
            if index not in self.clips:
                by_key.setdefault(self.jobs[index].key, []).append(index)
        return by_key

    def made(self, entry: CachedClip, indexes: list[int]) -> None:
        self.report.notes.extend(entry.notes)
        for index in indexes:
            self.clips[index] = clip_for(self.jobs[index].segment, entry, reused=False)
            self.report.synthesized += 1
            self._hand_on(index)

    def _hand_on(self, index: int) -> None:
        if self.progress:
            self.progress(self.clips[index])
        if self.ready:  # as soon as it exists: the encoder may start on it
            self.ready(index, self.clips[index])

    def result(self) -> list[Clip]:
        self.report.notes = list(dict.fromkeys(self.report.notes))  # one line per problem
        return [self.clips[i] for i in range(len(self.jobs))]


def synthesize_all(
    jobs: list[Job],
    cache: ClipCache,
    workers: int,
    progress: Progress | None = None,
    report: SynthesisReport | None = None,
    cached: dict[int, Clip] | None = None,
    ready: Ready | None = None,
    order: Sequence[int] | None = None,
) -> list[Clip]:
    """Clips for every job, in order. ``cached`` is :func:`cached_clips`'s answer when
    the caller already asked (each lookup reads and verifies the whole entry); ``ready``
    hears of each clip as soon as it exists (the encoder starts on them meanwhile);
    ``order`` (job indexes) is the order to synthesize in, the jobs' own by default."""
    handover = Handover.start(jobs, cache, cached, report, progress, ready)
    by_key = handover.missing_by_key(order)
    # The voice's threads only speak; one thread trims, checks and stores what they
    # said (~2.5 ms a clip that the model's thread no longer waits on between clips).
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="clip-store") as storing,
        ThreadPoolExecutor(max_workers=max(1, workers)) as pool,
    ):
        futures: dict[Future[Any], list[int]] = {
            pool.submit(_speak, jobs[indexes[0]], cache, storing): indexes
            for indexes in by_key.values()
        }
        try:
            _collect(futures, handover)
        except BaseException:
            # A failed segment or Ctrl-C: drop what is queued, let running ones finish
            # (their clips are cached), and go.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return handover.result()


def _collect(futures: dict[Future[Any], list[int]], handover: Handover) -> None:
    """Each job's future gives the future of its stored clip (see :func:`_speak`), or
    the stored clip itself. Futures report to a queue as they finish: waiting on the
    pending set again after each one cost a long edition's main thread seconds (1,700
    clips: ~2 CPU s), all of it holding Python's lock."""
    finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
    for future in futures:
        future.add_done_callback(finished.put)
    remaining = len(futures)
    while remaining:
        future = finished.get()
        remaining -= 1
        if future.exception() is not None:
            raise _as_engine_error(future.exception(), handover.jobs[futures[future][0]])
        entry = future.result()
        if isinstance(entry, Future):  # spoken: now wait for it to be stored
            futures[entry] = futures[future]
            remaining += 1
            entry.add_done_callback(finished.put)
            continue
        handover.made(entry, futures[future])


def _speak(job: Job, cache: ClipCache, storing: ThreadPoolExecutor) -> Future[CachedClip]:
    """The engine's answer (on a voice thread), handed to ``storing`` to be finished and
    cached in order."""
    result = job.engine.synthesize(job.segment.spoken_text, job.voice)
    return storing.submit(_store, job, result, cache)


def _store(job: Job, result: Synthesis, cache: ClipCache) -> CachedClip:
    rendered = finish_clip(job.engine, job.voice, job.segment, result)
    return cache.put(job.key, rendered.pcm, PCM_RATE, rendered.boundaries, rendered.notes)


@dataclass(frozen=True)
class RenderedClip:
    """A segment's audio as the cache stores it: 16-bit PCM at ``PCM_RATE``."""

    pcm: bytes
    boundaries: tuple[Boundary, ...]
    notes: tuple[str, ...]


def render_clip(engine: Engine, voice: Voice, segment: Segment) -> RenderedClip:
    """Synthesize, resample, trim, quantize: the same steps wherever it runs (here or
    on a cluster worker), so the bytes are the same."""
    return finish_clip(engine, voice, segment, engine.synthesize(segment.spoken_text, voice))


def finish_clip(engine: Engine, voice: Voice, segment: Segment, result: Synthesis) -> RenderedClip:
    """An engine's answer checked, resampled, trimmed and quantized."""
    import numpy as np

    check_clip(engine.info.name, segment.spoken_text, result, voice.rate)
    samples, boundaries = _trim(_resample(result))
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    notes = tuple(f"{note} (in “{segment.source_text[:20]}”)" for note in result.notes)
    return RenderedClip(pcm, boundaries, notes)


def _resample(result: Synthesis) -> Synthesis:
    if result.sample_rate == PCM_RATE or len(result.samples) == 0:
        return result
    from math import gcd

    import numpy as np
    from scipy.signal import resample_poly

    g = gcd(PCM_RATE, result.sample_rate)
    samples = resample_poly(result.samples, PCM_RATE // g, result.sample_rate // g)
    return Synthesis(samples.astype(np.float32), PCM_RATE, result.boundaries, result.notes)


def _trim(result: Synthesis) -> tuple[np.ndarray, tuple[Boundary, ...]]:
    import numpy as np

    """Cut leading and trailing silence beyond a short margin, so pauses between
    segments are the profile's, not the engine's; boundaries shift with the cut."""
    samples = np.asarray(result.samples, dtype=np.float32)
    loud = np.flatnonzero(np.abs(samples) > _SILENCE_THRESHOLD)
    if len(loud) == 0:
        return samples[:0], ()
    keep = int(_KEEP_EDGE * PCM_RATE)
    start = max(0, int(loud[0]) - keep)
    end = min(len(samples), int(loud[-1]) + 1 + keep)
    shift = start / PCM_RATE
    boundaries = tuple(
        Boundary(max(0.0, b.offset - shift), b.duration, b.text) for b in result.boundaries
    )
    return samples[start:end], boundaries


def clip_for(segment: Segment, entry: CachedClip, *, reused: bool) -> Clip:
    return Clip(
        segment=segment,
        pcm_path=entry.path,
        samples=entry.samples,
        sample_rate=entry.sample_rate,
        boundaries=entry.boundaries,
        reused=reused,
        data_offset=entry.data_offset,
        notes=entry.notes,
    )


def _as_engine_error(exc: BaseException | None, job: Job) -> AudiopaperError:
    if isinstance(exc, AudiopaperError):
        return exc
    text = job.segment.source_text or job.segment.spoken_text
    return EngineError(
        f"{job.engine.info.name} failed on “{text[:30]}”: {type(exc).__name__}: {exc}",
        hint="finished segments are cached; run the same command again to resume",
    )
