"""Wires the stages: read → parse → normalize → segment → synthesize → assemble → publish.

The CLI parses arguments and calls :func:`build`; everything else lives in the stages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from audiopaper.cache import ClipCache
from audiopaper.engines import Engine, Voice, get_engine
from audiopaper.errors import ConfigError, InputError
from audiopaper.fsutil import remove_stale_temps
from audiopaper.guard import (
    check_base_url,
    check_edition,
    check_own_folder,
    check_writable,
    clean_edition,
)
from audiopaper.kept_regex import compile_kept
from audiopaper.lock import build_lock
from audiopaper.manifest import (
    Manifest,
    file_digest,
    fingerprint,
    is_intact,
    read_manifest,
    write_manifest,
)
from audiopaper.models import Chapter, Clip, Cue, Edition, Segment
from audiopaper.pieces import (
    TARGET_LUFS,
    Piece,
    PieceCache,
    PieceEncoder,
    join_mp3,
    joined_duration,
    plan_pieces,
)
from audiopaper.profiles import DEFAULT_PROFILE, VoiceProfile, load_profile
from audiopaper.script import OPENING_CHAPTER_TITLE, edition_script
from audiopaper.segment import segment_script
from audiopaper.synthesize import (
    PCM_RATE,
    Job,
    SynthesisReport,
    apply_layout,
    cached_clips,
    layout_for,
    plan_jobs,
    synthesize_all,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from audiopaper.lexicon import Lexicon
    from audiopaper.publish import FeedConfig

CACHE_FOLDER = ".cache"
PIECES_FOLDER = "pieces"  # encoded MP3 pieces, inside the clip cache's folder
PHONEMES_FOLDER = "phonemes"  # each text's phonemes (frontend/memo.py), beside them
COVERS_FOLDER = "covers"  # each edition's cover as drawn (publish/cover.py), beside them
_CACHE_SHARD = compile_kept(r"[0-9a-f]{2}")  # the clip cache's folders (see cache.py)


class Reporter(Protocol):
    """Where progress goes (rich in the CLI, nothing in tests)."""

    def stage(self, name: str, total: int | None = None) -> None: ...
    def advance(self, amount: int = 1) -> None: ...
    def note(self, message: str) -> None: ...


class SilentReporter:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass


@dataclass(frozen=True)
class BuildOptions:
    input_path: Path
    out_dir: Path = Path("output")
    date: dt.date | None = None
    paper: str | None = None
    voice: str = DEFAULT_PROFILE
    lexicon: Path | None = None
    cache_dir: Path | None = None
    jobs: int | None = None  # parallel synthesis requests; None = the engine's default
    base_url: str | None = None  # None: the folder's remembered one (or 127.0.0.1:8000)
    input_format: str = "auto"
    more_inputs: tuple[Path, ...] = ()  # further pages, folders or globs: one edition
    cluster: str | None = None  # a Dask scheduler (tcp://HOST:PORT) to synthesize on
    refresh_site: bool = True  # False: the caller rewrites feed and page after many builds
    today: Callable[[], dt.date] = dt.date.today
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)

    def __post_init__(self) -> None:
        if self.jobs is not None and self.jobs < 1:
            raise ConfigError(f"--jobs must be at least 1, not {self.jobs}")


@dataclass
class Plan:
    edition: Edition
    profile: VoiceProfile
    segments: list[Segment]
    lexicon: Lexicon
    engines: dict[str, Engine] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what reading the pages noticed (unmatched jumps…)
    unspoken: list[str] = field(default_factory=list)  # characters no engine can voice


@dataclass
class BuildResult:
    edition: Edition
    audio_path: Path
    duration_s: float
    chapters: list[Chapter]
    cues: list[Cue]
    reused: int
    synthesized: int
    notes: list[str]
    files: list[Path]
    loudness: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False  # nothing changed since the last build; nothing was written


def plan(options: BuildOptions, *, remember_phonemes: bool = False) -> Plan:
    """Read, parse, normalize and segment; nothing is synthesized. A build
    (``remember_phonemes``) keeps each text's phonemes beside the clip cache, for the next."""
    from audiopaper.lexicon import Lexicon
    from audiopaper.normalize import normalize
    from audiopaper.pages import read_edition

    pages = read_edition(
        (options.input_path, *options.more_inputs),
        fmt=options.input_format,
        paper=options.paper,
        date=options.date,
        today=options.today(),
    )
    edition = pages.edition
    profile = load_profile(options.voice)
    lexicon = Lexicon.load(options.lexicon)
    edition = clean_edition(edition)  # no terminal escapes or bidi overrides in titles
    check_edition(edition)  # dates, chapter count, numbers: before any work
    engines = {name: get_engine(name) for name in profile.engines()}
    max_chars = min(engine.info.max_chars for engine in engines.values())
    script = edition_script(edition, _spoken_disclosure(options, profile))
    segments = segment_script(script, lambda t: normalize(lexicon.apply_say(t)), max_chars)
    check_voices(profile, engines, online=False)
    for engine in engines.values():
        if hasattr(engine, "remember_phonemes_in"):
            memo = cache_for(options).folder / PHONEMES_FOLDER
            engine.remember_phonemes_in(memo if remember_phonemes else None)
        if engine.info.takes_pinyin:
            engine.set_pinyin_overrides(lexicon.pinyin_overrides())
    from audiopaper.frontend.report import unspoken

    missing = unspoken(segments, lambda s: engines[profile.voice_for(s.role).engine])
    return Plan(edition, profile, segments, lexicon, engines, pages.notes, missing)


def _spoken_disclosure(options: BuildOptions, profile: VoiceProfile) -> str:
    """The profile's disclosure, unless the show turned it off (it discloses elsewhere)."""
    from audiopaper.publish.show import load_config

    return profile.disclosure if load_config(options.out_dir).spoken_disclosure else ""


def check_voices(profile: VoiceProfile, engines: dict[str, Engine], *, online: bool) -> None:
    """Every voice the profile names exists in its engine. Engines that list their
    voices over the network are asked only when ``online`` (just before synthesis)."""
    for voice in {profile.voice, *profile.roles.values()}:
        engine = engines[voice.engine]
        check_voice = getattr(engine, "check_voice", None)  # what it needs installed here
        if check_voice is not None:
            check_voice(voice)
        if engine.info.needs_network and not online:
            continue
        offered = engine.voices()
        if voice.name not in offered:
            where = profile.path or profile.name
            raise ConfigError(
                f"voice profile {where} names voice {voice.name!r}, which the "
                f"{voice.engine} engine does not have",
                hint=f"pick one of: {', '.join(offered[:8])}"
                + (" …" if len(offered) > 8 else "")
                + f" (audiopaper voices --engine {voice.engine})",
            )


def synthesis_jobs(the_plan: Plan) -> list[Job]:
    engines = the_plan.engines

    def voice_for(segment: Segment) -> Voice:
        return the_plan.profile.voice_for(segment.role)

    def engine_for(voice: Voice) -> Engine:
        return engines[voice.engine]

    jobs = plan_jobs(the_plan.segments, voice_for, engine_for, the_plan.lexicon.digest_for)
    # Engines that take no phonemes hear the lexicon as same-sounding spellings.
    return [
        job if job.engine.info.takes_pinyin else _with_homophones(job, the_plan.lexicon)
        for job in jobs
    ]


def _with_homophones(job: Job, lexicon: Lexicon) -> Job:
    segment = replace(job.segment, spoken_text=lexicon.apply_homophones(job.segment.spoken_text))
    return Job(segment, job.voice, job.engine, job.key, job.fields)


def cache_for(options: BuildOptions) -> ClipCache:
    return ClipCache(options.cache_dir or options.out_dir / CACHE_FOLDER / "clips")


def workers_for(
    options: BuildOptions, engines: dict[str, Engine], reporter: Reporter | None = None
) -> int:
    """Requests at once (the engines' threads set to match), capped by this machine's
    cores and free memory for engines that compute here; a lowered --jobs is said."""
    layout = layout_for(list(engines.values()), options.jobs)
    if layout.note and reporter is not None:
        reporter.note(layout.note)
    apply_layout(list(engines.values()), layout)
    return layout.jobs


def build(options: BuildOptions, reporter: Reporter | None = None) -> BuildResult:
    reporter = reporter or SilentReporter()
    _check_out_dir(options)  # before the lock: write nothing into the input's folder
    check_own_folder(options.out_dir)  # nor into another program's folder
    with build_lock(options.out_dir, warn=reporter.note):
        return build_holding_lock(options, reporter)


def build_holding_lock(options: BuildOptions, reporter: Reporter) -> BuildResult:
    """:func:`build` for a caller that already holds the folder's lock (a rebuild)."""
    _check_out_dir(options)
    from audiopaper import unchanged

    inputs = unchanged.input_digest(options)
    recalled = unchanged.recall(options.out_dir, inputs)
    if recalled is not None:  # before parsing: nothing else is loaded
        _restore_site(options, recalled.edition, reporter)
        return _unchanged(recalled.edition, recalled.folder, recalled.manifest)
    _remove_leftovers(options)
    reporter.stage("Reading and planning")
    _load_voices_meanwhile(options)
    the_plan = plan(options, remember_phonemes=True)
    for note in the_plan.notes:
        reporter.note(note)
    _warn_if_dated_today(options, the_plan.edition, reporter)
    jobs = synthesis_jobs(the_plan)
    folder = options.out_dir / the_plan.edition.edition_id
    stamp = _fingerprint(options, the_plan, jobs)
    previous = _current_manifest(options, folder, stamp, the_plan.edition.edition_id)
    if previous is not None:
        _restore_site(options, the_plan.edition, reporter)
        result = _unchanged(the_plan.edition, folder, previous)
    else:
        check_writable([options.out_dir, cache_for(options).folder, folder])
        result, previous = _build_fresh(options, the_plan, jobs, folder, stamp, reporter)
    # Digested again: the build itself may have saved the folder's feed settings.
    unchanged.remember(options.out_dir, unchanged.input_digest(options), the_plan.edition, previous)
    return result


def _restore_site(options: BuildOptions, edition: Edition, reporter: Reporter) -> None:
    """A no-op rebuild still puts back a deleted or damaged feed, page or channel cover."""
    if not options.refresh_site:
        return  # the caller rewrites them once, after many editions
    from audiopaper import unchanged
    from audiopaper.publish import refresh_site

    damaged = unchanged.damaged_site_files(options.out_dir, edition.edition_id)
    if damaged:
        reporter.note(f"{', '.join(damaged)} missing or damaged: written again")
        config = feed_config(options.out_dir, options.base_url, edition.paper)
        refresh_site(options.out_dir, config, now=options.now())


def _remove_leftovers(options: BuildOptions) -> None:
    """Temp files of dead runs, in the folders builds write into: the output folder, its
    edition folders and the cache's shard folders; never below them, never elsewhere."""
    from audiopaper.publish.registry import check_edition_id
    from audiopaper.unchanged import RECORD_FOLDER

    out = options.out_dir
    folders = [out]
    with contextlib.suppress(OSError):
        for child in out.iterdir():
            with contextlib.suppress(InputError):
                if child.is_dir() and not child.is_symlink() and check_edition_id(child.name):
                    folders.append(child)
    cache_folder = cache_for(options).folder
    pieces = cache_folder / PIECES_FOLDER  # MP3 pieces are encoded here, then cached
    phonemes = cache_folder / PHONEMES_FOLDER
    folders += [pieces, cache_folder / COVERS_FOLDER, out / RECORD_FOLDER]
    for sharded in (cache_folder, pieces, phonemes):
        with contextlib.suppress(OSError):
            folders += [
                shard
                for shard in sharded.iterdir()
                if _CACHE_SHARD.fullmatch(shard.name) and shard.is_dir() and not shard.is_symlink()
            ]
    for folder in folders:
        remove_stale_temps(folder)


def _current_manifest(
    options: BuildOptions, folder: Path, stamp: str, edition_id: str
) -> Manifest | None:
    """The edition's manifest if the edition on disk was built from exactly this and is
    still in the feed; None if it must be built."""
    from audiopaper.publish.registry import get_episode

    previous = read_manifest(folder)
    if (
        previous
        and previous.fingerprint == stamp
        and is_intact(folder, previous)
        and get_episode(options.out_dir, edition_id) is not None
    ):
        return previous
    return None


def _warn_if_dated_today(options: BuildOptions, edition: Edition, reporter: Reporter) -> None:
    for note in edition.notes:  # what the page did not say (paper, date, headlines)
        reporter.note(note)
    asked = any("--date" in note for note in edition.notes)  # the parser asked already
    if not asked and options.date is None and edition.date == options.today():
        reporter.note(
            f"the edition is dated today ({edition.date.isoformat()}): the page and its "
            "file name gave no date; pass --date if that is wrong"
        )


def _build_fresh(
    options: BuildOptions,
    the_plan: Plan,
    jobs: list[Job],
    folder: Path,
    stamp: str,
    reporter: Reporter,
) -> tuple[BuildResult, Manifest]:
    from audiopaper import assemble

    cache = cache_for(options)
    cached = cached_clips(jobs, cache)
    if len(cached) < len(jobs):
        # Before any work: say so now, not after an hour.
        for engine in the_plan.engines.values():
            engine.check_available()
        check_voices(the_plan.profile, the_plan.engines, online=True)
    report = SynthesisReport()
    reporter.stage("Synthesizing", total=len(jobs))
    cover_drawing = _draw_cover_meanwhile(the_plan.edition, cache.folder)
    plans = plan_pieces(
        the_plan.segments, [job.key for job in jobs], the_plan.profile.pauses, PCM_RATE
    )
    encoder = PieceEncoder(plans, PieceCache(cache.folder / PIECES_FOLDER))
    try:
        with cache.syncing_aside():
            clips = _synthesizer(options, the_plan)(
                jobs,
                cache,
                workers_for(options, the_plan.engines, reporter),
                progress=lambda _clip: reporter.advance(),
                report=report,
                cached=cached,
                ready=encoder.clip_ready,  # each article is encoded as soon as it is whole
                order=encoder.synthesis_order(),
            )
    except BaseException:
        encoder.cancel()
        raise
    edition = the_plan.edition
    reporter.stage("Encoding")
    pieces = encoder.finish()
    timeline = assemble.lay_out(clips, plans, pieces, joined_duration(pieces))
    chapters = assemble.chapters_for(
        timeline, OPENING_CHAPTER_TITLE, [a.title for a in edition.articles]
    )
    cues = assemble.cues_for(timeline)
    audio_path = folder / f"{edition.edition_id}.mp3"
    cover = cover_drawing.result()
    notes = episode_notes(edition, the_plan.profile)
    _write_audio(edition, pieces, chapters, audio_path, cover, notes)
    loudness = _loudness(pieces)
    reporter.stage("Publishing")
    files = [audio_path]
    files += _publish(options, edition, audio_path, timeline.duration, chapters, cues, cover, notes)
    manifest = Manifest(
        fingerprint=stamp,
        duration_s=timeline.duration,
        chapters=tuple(chapters),
        cues=tuple(cues),
        loudness=loudness,
        files={p.name: file_digest(p) for p in files if p.parent == folder},
        segments=len(jobs),
        notes=tuple(report.notes),
    )
    from audiopaper.sources import keep_build_sources

    files += keep_build_sources(folder, options, the_plan, jobs)
    files.append(write_manifest(folder, manifest))  # last: the edition is complete
    result = BuildResult(
        edition=edition,
        audio_path=audio_path,
        duration_s=timeline.duration,
        chapters=chapters,
        cues=cues,
        reused=report.reused,
        synthesized=report.synthesized,
        notes=report.notes,
        files=files,
        loudness=loudness,
    )
    return result, manifest


def _synthesizer(options: BuildOptions, the_plan: Plan) -> Callable[..., list[Clip]]:
    """Threads in this process, or the workers of a Dask cluster."""
    if options.cluster is None:
        return synthesize_all
    from audiopaper.cluster import cluster_synthesizer

    return cluster_synthesizer(options.cluster, the_plan.lexicon.pinyin_overrides())


def _load_voices_meanwhile(options: BuildOptions) -> None:
    """Engines that run a model here load it on a side thread while the page is read
    and planned (a second or so that a short rebuild would otherwise wait on). Any
    failure is left for synthesis to meet and report, with its fix."""
    if options.cluster is not None:
        return  # the workers load their own

    def load() -> None:
        with contextlib.suppress(Exception):
            profile = load_profile(options.voice)
            engines = {name: get_engine(name) for name in profile.engines()}
            threads = layout_for(list(engines.values()), options.jobs).threads
            for voice in {profile.voice, *profile.roles.values()}:
                warm_up = getattr(engines[voice.engine], "warm_up", None)
                if warm_up is not None:
                    warm_up(voice, threads)

    threading.Thread(target=load, name="load-voices").start()


def _draw_cover_meanwhile(edition: Edition, cache_folder: Path) -> Future[bytes]:
    """The edition's cover (Pillow), drawn on a side thread while synthesis runs, or
    read from the cache when these words were drawn before."""
    from concurrent.futures import ThreadPoolExecutor

    from audiopaper.publish.cover import kept_edition_cover

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cover")
    drawing = pool.submit(
        kept_edition_cover,
        cache_folder / COVERS_FOLDER,
        edition.paper,
        edition.date,
        edition.edition_id,
    )
    pool.shutdown(wait=False)  # the thread ends when the drawing is done
    return drawing


def _unchanged(edition: Edition, folder: Path, manifest: Manifest) -> BuildResult:
    """Nothing changed since the last build: no synthesis, no encoding, no writes."""
    return BuildResult(
        edition=edition,
        audio_path=folder / f"{edition.edition_id}.mp3",
        duration_s=manifest.duration_s,
        chapters=list(manifest.chapters),
        cues=list(manifest.cues),
        reused=manifest.segments,
        synthesized=0,
        notes=list(manifest.notes),
        files=[folder / name for name in manifest.files],
        loudness=manifest.loudness,
        unchanged=True,
    )


def _fingerprint(options: BuildOptions, the_plan: Plan, jobs: list[Job]) -> str:
    """Everything that shapes the edition's files."""
    edition = the_plan.edition
    return fingerprint(
        {
            "audiopaper": _version(),
            "clips": [job.key for job in jobs],
            "pauses": {p.value: s for p, s in the_plan.profile.pauses.items()},
            "paper": edition.paper,
            "date": edition.date.isoformat(),
            "titles": [a.title for a in edition.articles],
            "cues": [
                (s.source_text, s.sentence_index, s.paragraph_index) for s in the_plan.segments
            ],
            "feed": _feed_identity(options, edition.paper),
        }
    )


def _feed_identity(options: BuildOptions, paper: str) -> list[str]:
    config = feed_config(options.out_dir, options.base_url, paper)
    return [config.base_url, config.title]


def _version() -> str:
    from audiopaper import __version__

    return __version__


def _write_audio(
    edition: Edition,
    pieces: list[Piece],
    chapters: list[Chapter],
    audio_path: Path,
    cover_png: bytes,
    notes: str,
) -> None:
    """Join the encoded pieces, tag, and move the MP3 into place."""
    from audiopaper import assemble
    from audiopaper.publish.show import episode_title
    from audiopaper.tags import EditionTags, write_tags

    audio_path.parent.mkdir(parents=True, exist_ok=True)
    temp = assemble.temp_audio_path(audio_path)
    try:
        join_mp3(pieces, temp)
        tags = EditionTags(
            title=episode_title(edition),
            album=edition.paper,
            artist=edition.paper,
            date=edition.date,
            comment=notes,
            cover_png=cover_png,
        )
        write_tags(temp, tags, chapters)
        _fsync(temp)
        os.replace(temp, audio_path)
    finally:
        temp.unlink(missing_ok=True)


def _loudness(pieces: list[Piece]) -> dict[str, float]:
    """What the pieces measured (speech as synthesized) and the gains they got."""
    measured = [p.input_lufs for p in pieces if p.input_lufs != float("-inf")]
    gains = [p.gain_db for p in pieces]
    return {
        "target_lufs": TARGET_LUFS,
        "input_lufs_min": min(measured, default=float("-inf")),
        "input_lufs_max": max(measured, default=float("-inf")),
        "gain_db_min": min(gains),
        "gain_db_max": max(gains),
    }


def _publish(
    options: BuildOptions,
    edition: Edition,
    audio_path: Path,
    duration: float,
    chapters: list[Chapter],
    cues: list[Cue],
    cover_png: bytes,
    notes: str,
) -> list[Path]:
    """Chapters JSON, transcripts, cover, the registry row, then the feed and page."""
    from audiopaper.models import Episode
    from audiopaper.publish import description_text, publish_edition
    from audiopaper.publish.show import episode_title

    episode = Episode(
        edition_id=edition.edition_id,
        title=episode_title(edition),
        paper=edition.paper,
        date=edition.date,
        audio_path=audio_path,
        audio_bytes=audio_path.stat().st_size,
        duration_s=duration,
        chapters=tuple(chapters),
        cues=tuple(cues),
        description=description_text(chapters, intro=notes),
        built_at=options.now(),
    )
    config = feed_config(options.out_dir, options.base_url, edition.paper)
    return publish_edition(
        options.out_dir,
        episode,
        config,
        now=options.now(),
        cover_png=cover_png,
        refresh=options.refresh_site,
    )


def feed_config(out_dir: Path, base_url: str | None, paper: str | None = None) -> FeedConfig:
    """The folder's remembered feed settings, with a new base URL if one was given; a
    new feed is named after the paper."""
    from audiopaper.publish import FeedConfig, saved_config

    config = saved_config(out_dir)
    if paper and config.title == FeedConfig().title:
        config = replace(config, title=paper, author=paper)
    if base_url:
        config = replace(config, base_url=check_base_url(base_url))
    return config


def episode_notes(edition: Edition, profile: VoiceProfile) -> str:
    """The episode's notes (description and ID3 comment): which voice read it, then
    the table of contents."""
    contents = "\n".join(f"{n}. {a.title}" for n, a in enumerate(edition.articles, start=1))
    credit = f"本期由{profile.credit()}朗读。"
    return f"{credit}\n\n{contents}" if contents else credit


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_out_dir(options: BuildOptions) -> None:
    from audiopaper.pages import expand_inputs

    out = options.out_dir.resolve()
    inputs = expand_inputs((options.input_path, *options.more_inputs))
    if any(out == path.resolve().parent for path in inputs):
        raise InputError(
            f"the output folder {options.out_dir} is the input's own folder",
            hint="pick a separate folder with --out (the default is ./output)",
        )


@dataclass(frozen=True)
class DryRun:
    plan: Plan
    jobs: list[Job]
    cached: set[int]  # indexes of jobs whose audio is already in the cache
    unchanged: bool  # the edition on disk is already up to date


def dry_run(options: BuildOptions) -> DryRun:
    """What a build would do: the plan, and which segments it would synthesize."""
    the_plan = plan(options)
    jobs = synthesis_jobs(the_plan)
    cached = set(cached_clips(jobs, cache_for(options)))
    edition_id = the_plan.edition.edition_id
    folder = options.out_dir / edition_id
    stamp = _fingerprint(options, the_plan, jobs)
    unchanged = _current_manifest(options, folder, stamp, edition_id) is not None
    return DryRun(the_plan, jobs, cached, unchanged)
