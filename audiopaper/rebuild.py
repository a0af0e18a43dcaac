"""Rebuild editions already in the feed from the sources kept in their folders.

A rebuild re-runs the whole pipeline on the kept page with today's parser, normalizer,
lexicon and the kept (or a new) voice; the clip cache means only segments whose key
changed are synthesized. The dry run explains each of those by the key components that
changed: the spoken text, the tones (the lexicon's readings, or whatever else the engine
is fed besides the voice), or the voice. The feed is rewritten once, at the end; a marker
file remembers an interrupted run so the next one republishes even if nothing is left to
rebuild.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audiopaper.errors import AudiopaperError, ConfigError, InputError
from audiopaper.sources import KeptSources, SegmentRecord, read_sources, source_folder

if TYPE_CHECKING:
    from audiopaper.pipeline import BuildOptions, BuildResult, DryRun, Reporter
    from audiopaper.synthesize import Job

PENDING_NAME = ".rebuild-pending"  # in the output folder while a rebuild runs
# Key components reported as "voice" besides the voice's own fields (Voice.cache_fields).
_SYNTHESIS_SETTINGS = ("engine_version", "pcm_rate")


@dataclass(frozen=True)
class RebuildOptions:
    out_dir: Path = Path("output")
    edition_ids: tuple[str, ...] = ()
    everything: bool = False  # --all
    voice: str | None = None  # a new voice profile; None keeps each edition's own
    lexicon: Path | None = None  # a new per-edition lexicon; None keeps each one's own
    cache_dir: Path | None = None
    jobs: int | None = None
    cluster: str | None = None

    def __post_init__(self) -> None:
        if self.everything == bool(self.edition_ids):
            raise ConfigError(
                "give either edition ids or --all",
                hint="audiopaper rebuild 2024-03-18 2024-03-19, or audiopaper rebuild --all "
                "(audiopaper episodes list shows the ids)",
            )
        if self.jobs is not None and self.jobs < 1:
            raise ConfigError(f"--jobs must be at least 1, not {self.jobs}")


@dataclass(frozen=True)
class Candidate:
    """An edition asked for, with what it was made from (None: source unknown)."""

    edition_id: str
    sources: KeptSources | None


@dataclass(frozen=True)
class EditionChanges:
    """What rebuilding one edition would do."""

    edition_id: str
    segments: int
    to_synthesize: int
    reasons: dict[str, int]  # reason -> segments; one segment may have two reasons
    up_to_date: bool  # nothing at all would change (no encoding either)


@dataclass
class RebuildOutcome:
    rebuilt: list[tuple[str, BuildResult]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    failed: list[tuple[str, AudiopaperError]] = field(default_factory=list)
    republished: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.failed[0][1].exit_code if self.failed else 0


def find_candidates(options: RebuildOptions) -> list[Candidate]:
    """The editions asked for, oldest first; unknown ids are an input error."""
    from audiopaper.publish import list_episodes
    from audiopaper.publish.registry import DB_NAME, check_edition_id

    if not (options.out_dir / DB_NAME).is_file():
        raise InputError(
            f"{options.out_dir} holds no editions",
            hint="give the folder editions were built into with --out",
        )
    known = sorted(record.edition_id for record in list_episodes(options.out_dir))
    if options.everything:
        wanted = known
    else:
        wanted = list(dict.fromkeys(check_edition_id(i) for i in options.edition_ids))
        missing = [i for i in wanted if i not in known]
        if missing:
            raise InputError(
                f"no edition {missing[0]} in {options.out_dir}",
                hint=f"audiopaper episodes list --out {options.out_dir} shows the editions",
            )
    return [Candidate(i, read_sources(options.out_dir / i)) for i in wanted]


def check_new_inputs(options: RebuildOptions) -> None:
    """A bad --voice or --lexicon is one error up front, not one per edition."""
    if options.voice is not None:
        from audiopaper.profiles import load_profile

        load_profile(options.voice)
    if options.lexicon is not None:
        from audiopaper.lexicon import read_entries

        read_entries(options.lexicon)


def build_options(options: RebuildOptions, candidate: Candidate) -> BuildOptions:
    """How to build an edition again from its kept sources."""
    from audiopaper.pipeline import BuildOptions

    kept = candidate.sources
    if kept is None:
        raise InputError(f"edition {candidate.edition_id}: source unknown")
    folder = source_folder(options.out_dir / candidate.edition_id)
    if options.lexicon is not None:
        lexicon: Path | None = options.lexicon
    else:
        lexicon = folder / kept.lexicon_file if kept.lexicon_file else None
    return BuildOptions(
        input_path=folder / kept.pages[0],
        more_inputs=tuple(folder / page for page in kept.pages[1:]),
        out_dir=options.out_dir,
        date=kept.date,
        paper=kept.paper,
        voice=options.voice or str(folder / kept.voice_file),
        lexicon=lexicon,
        cache_dir=options.cache_dir,
        jobs=options.jobs,
        input_format=kept.page_format,
        cluster=options.cluster,
        refresh_site=False,
    )


def changes(options: RebuildOptions, candidate: Candidate) -> EditionChanges:
    """What a rebuild of one edition would synthesize, and why (nothing is written)."""
    from audiopaper.pipeline import dry_run

    if candidate.sources is None:
        raise InputError(f"edition {candidate.edition_id}: source unknown")
    run = dry_run(build_options(options, candidate))
    return summarize(candidate.edition_id, run, candidate.sources.segments)


def summarize(edition_id: str, run: DryRun, previous: tuple[SegmentRecord, ...]) -> EditionChanges:
    if run.unchanged:
        return EditionChanges(edition_id, len(run.jobs), 0, {}, up_to_date=True)
    earlier: dict[str, list[SegmentRecord]] = {}
    for record in previous:
        earlier.setdefault(record.source_text, []).append(record)
    reasons: Counter[str] = Counter()
    to_synthesize = 0
    for index, job in enumerate(run.jobs):
        matches = earlier.get(job.segment.source_text)
        before = matches.pop(0) if matches else None
        if index in run.cached:
            continue
        to_synthesize += 1
        reasons.update(reasons_for(job, run.plan.segments[index].spoken_text, before))
    return EditionChanges(edition_id, len(run.jobs), to_synthesize, dict(reasons), False)


def reasons_for(job: Job, spoken_text: str, before: SegmentRecord | None) -> tuple[str, ...]:
    """Why a segment's clip is not in the cache, from the key components that changed
    since the last build: ``text`` (its spoken text), ``tones`` (what else the engine is
    fed from that text: the lexicon's readings, phonemes), ``voice`` (the voice and its
    settings, the engine's version); ``not cached`` when none did (the clip was removed)."""
    voice_parts = {*job.voice.cache_fields(), *_SYNTHESIS_SETTINGS}
    changed: set[str] = set()
    if before is not None:
        now = _as_json(job.fields)
        changed = {
            k for k in now.keys() | before.fields.keys() if now.get(k) != before.fields.get(k)
        }
    reasons = []
    if before is None or before.spoken_text != spoken_text:
        reasons.append("text")
    elif changed - voice_parts:
        reasons.append("tones")
    if changed & voice_parts:
        reasons.append("voice")
    return tuple(reasons) or ("not cached",)


def _as_json(fields: object) -> dict[str, object]:
    """Key components as the record holds them (tuples become lists)."""
    loaded: dict[str, object] = json.loads(json.dumps(fields, ensure_ascii=False, default=str))
    return loaded


def rebuild(
    options: RebuildOptions,
    reporter: Reporter | None = None,
    on_edition: Callable[[str, BuildResult | AudiopaperError | None], None] | None = None,
) -> RebuildOutcome:
    """Rebuild the editions asked for, under the folder's lock; one failing edition is
    recorded and the others go on; the feed and page are rewritten once at the end.
    ``on_edition`` hears each edition's result as it finishes (None: source unknown)."""
    from audiopaper.lock import build_lock
    from audiopaper.pipeline import SilentReporter, build_holding_lock
    from audiopaper.publish import refresh_site

    reporter = reporter or SilentReporter()
    tell = on_edition or (lambda _id, _result: None)
    outcome = RebuildOutcome()
    find_candidates(options)  # before the lock, which would create a missing folder
    check_new_inputs(options)
    with build_lock(options.out_dir, warn=reporter.note):
        candidates = find_candidates(options)
        if options.cluster is not None:
            from audiopaper.cluster import connect

            connect(options.cluster)  # unreachable: say so once, not once per edition
        pending = options.out_dir / PENDING_NAME
        interrupted_before = pending.exists()
        pending.touch()
        # On a cluster: futures of the next edition's segments, held until its build
        # asks for the same tasks (dropping them would cancel the work).
        prefetched: dict[str, list[object]] = {}
        for index, candidate in enumerate(candidates):
            if candidate.sources is None:
                outcome.unknown.append(candidate.edition_id)
                tell(candidate.edition_id, None)
                continue
            prefetched.update(_prefetch_next(options, candidates[index + 1 :]))
            try:
                named = _Named(reporter, candidate.edition_id)
                result = build_holding_lock(build_options(options, candidate), named)
            except AudiopaperError as exc:
                outcome.failed.append((candidate.edition_id, exc))
                tell(candidate.edition_id, exc)
                continue
            finally:
                prefetched.pop(candidate.edition_id, None)
            if result.unchanged and (options.voice or options.lexicon):
                _keep_new_inputs(options, candidate)
            outcome.rebuilt.append((candidate.edition_id, result))
            tell(candidate.edition_id, result)
        if interrupted_before or any(not result.unchanged for _id, result in outcome.rebuilt):
            reporter.stage("Publishing the feed")
            outcome.republished = refresh_site(options.out_dir)
        with contextlib.suppress(OSError):
            pending.unlink()
    return outcome


def _prefetch_next(options: RebuildOptions, rest: list[Candidate]) -> dict[str, list[object]]:
    """On a cluster, the next rebuildable edition's missing segments go to the workers
    now (at a lower priority), so they synthesize it while this process assembles the
    current one. Whatever goes wrong here is left for that edition's own build to say."""
    if options.cluster is None:
        return {}
    upcoming = next((c for c in rest if c.sources is not None), None)
    if upcoming is None:
        return {}
    from audiopaper.cluster import prefetch
    from audiopaper.pipeline import cache_for, dry_run

    try:
        built = build_options(options, upcoming)
        run = dry_run(built)
    except AudiopaperError:
        return {}
    missing = [job for index, job in enumerate(run.jobs) if index not in run.cached]
    if run.unchanged or not missing:
        return {}
    pinyin = run.plan.lexicon.pinyin_overrides()
    return {upcoming.edition_id: prefetch(options.cluster, missing, pinyin, cache_for(built))}


class _Named:
    """Progress stages named after the edition they belong to."""

    def __init__(self, reporter: Reporter, edition_id: str) -> None:
        self.reporter = reporter
        self.edition_id = edition_id

    def stage(self, name: str, total: int | None = None) -> None:
        self.reporter.stage(f"{self.edition_id}: {name}", total)

    def advance(self, amount: int = 1) -> None:
        self.reporter.advance(amount)

    def note(self, message: str) -> None:
        self.reporter.note(f"{self.edition_id}: {message}")


def _keep_new_inputs(options: RebuildOptions, candidate: Candidate) -> None:
    from audiopaper.profiles import load_profile
    from audiopaper.sources import keep_new_inputs

    built = build_options(options, candidate)
    profile = load_profile(built.voice)
    if profile.path is not None:
        lexicon = built.lexicon.read_bytes() if built.lexicon is not None else None
        keep_new_inputs(options.out_dir / candidate.edition_id, profile.path.read_bytes(), lexicon)


@dataclass
class DryRunOutcome:
    changes: list[EditionChanges] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    failed: list[tuple[str, AudiopaperError]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.failed[0][1].exit_code if self.failed else 0


def dry_run_all(
    options: RebuildOptions,
    on_edition: Callable[[str, EditionChanges | AudiopaperError | None], None] | None = None,
) -> DryRunOutcome:
    """:func:`changes` for every edition asked for; nothing is written."""
    tell = on_edition or (lambda _id, _result: None)
    outcome = DryRunOutcome()
    check_new_inputs(options)
    for candidate in find_candidates(options):
        if candidate.sources is None:
            outcome.unknown.append(candidate.edition_id)
            tell(candidate.edition_id, None)
            continue
        try:
            found = changes(options, candidate)
        except AudiopaperError as exc:
            outcome.failed.append((candidate.edition_id, exc))
            tell(candidate.edition_id, exc)
            continue
        outcome.changes.append(found)
        tell(candidate.edition_id, found)
    return outcome


UNKNOWN_LINE = "source unknown (built before editions kept their sources); left alone"


def describe_changes(found: EditionChanges) -> str:
    """One line of the dry run for an edition."""
    if found.up_to_date:
        return f"0 of {found.segments} segments to synthesize; up to date"
    why = ", ".join(f"{reason} {count}" for reason, count in sorted(found.reasons.items()))
    line = f"{found.to_synthesize} of {found.segments} segments to synthesize"
    return f"{line} ({why})" if why else f"{line}; reassembled only"


def describe_result(result: BuildResult) -> str:
    """One line of a real run for an edition."""
    if result.unchanged:
        return f"up to date ({result.reused} segments)"
    minutes, seconds = divmod(round(result.duration_s), 60)
    return (
        f"rebuilt: {result.reused} reused, {result.synthesized} synthesized, "
        f"{minutes}:{seconds:02d} of audio"
    )
