"""Synthesis throughput here and on a Dask cluster, and what it means for a back catalogue.

    uv run python bench/cluster_bench.py                 # a 1-minute page, 2 rounds
    uv run python bench/cluster_bench.py --seconds 180   # a longer page
    uv run python bench/cluster_bench.py --quick         # smoke run (used by the tests)

The same segments (a synthetic page, every sentence distinct) are synthesized from an
empty clip cache by:

- the local pool: the build's own path (``synthesize_all``: worker threads in this
  process, one LiteRT thread each), with 1 and with 2 workers; every build loads the
  voice again in each of its threads, so that load is inside the clock, as in a build;
- a Dask ``LocalCluster`` on 127.0.0.1 of 1 and of 2 worker processes (one thread each),
  through ``--cluster``'s path (``cluster_synthesizer``). Both clusters are started and
  every worker has loaded the voice before any clock: workers keep it for their
  lifetime, so a catalogue rebuild pays that once per worker, not once per edition.

The cases run in rounds, interleaved (local 1, cluster 1, local 2, cluster 2, again…),
and each reports its best round, so load from other work on the machine falls on every
case alike. Besides wall-clock figures, each case reports CPU seconds per second of audio
(this process plus the workers, from ``getrusage``): that figure barely moves with load,
and gives what an idle machine of C cores would do: C ÷ (CPU s per audio s).

Then one whole build with every clip cached (what stays on the one machine that
assembles: encoding, tags, feed), to say what a catalogue rebuild on N machines costs:
``hours(N) = max(audio ÷ (N × per-machine rate), audio × assembly share)`` (a rebuild on a
cluster hands the next edition to the workers while it assembles the current one).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import page as synthetic_page  # noqa: E402
from tables import table  # noqa: E402

if TYPE_CHECKING:
    from audiopaper.synthesize import Job

YEAR_OF_AUDIO_S = 80 * 3600  # a daily paper's year, about 80 hours (see bench/README.md)
MACHINES = (1, 2, 4, 8, 16)
MACHINE_CORES = 2  # the projection's machine: like this one


@dataclass
class Case:
    name: str
    run: Callable[[Path], tuple[float, float, float]]  # cache folder -> wall, cpu, audio s
    best_wall: float = float("inf")
    cpu: float = 0.0
    audio: float = 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="page length to read")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per case")
    parser.add_argument("--quick", action="store_true", help="a tiny page, for the tests")
    args = parser.parse_args()
    seconds, rounds = (20.0, 1) if args.quick else (args.seconds, args.rounds)
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as folder:
        root = Path(folder)
        os.environ.setdefault("AUDIOPAPER_MODEL_CACHE", str(root / "models"))
        run(root, seconds, rounds)


def run(root: Path, seconds: float, rounds: int) -> None:
    from distributed import LocalCluster

    from audiopaper.engines.offline import _patched_acoustic_model
    from audiopaper.pipeline import BuildOptions, plan, synthesis_jobs

    page = root / "page.md"
    page.write_text(synthetic_page(seconds), encoding="utf-8")
    options = BuildOptions(input_path=page, out_dir=root / "out")
    the_plan = plan(options)
    jobs = synthesis_jobs(the_plan)
    pinyin = the_plan.lexicon.pinyin_overrides()
    _patched_acoustic_model()  # made once before any clock, as after a machine's first build
    with ExitStack() as stack:
        clusters = {
            workers: stack.enter_context(
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            ).scheduler_address
            for workers in (1, 2)
        }
        for address in clusters.values():
            _load_voice_on_every_worker(address, jobs[0], pinyin)
        cases = [
            Case("local pool, 1 thread", lambda c: _local(jobs, c, 1)),
            Case("local cluster, 1 worker", lambda c: _on_cluster(jobs, c, clusters[1], pinyin)),
            Case("local pool, 2 threads", lambda c: _local(jobs, c, 2)),
            Case("local cluster, 2 workers", lambda c: _on_cluster(jobs, c, clusters[2], pinyin)),
        ]
        for number in range(rounds):
            for index, case in enumerate(cases):
                wall, cpu, audio = case.run(root / f"cache-{number}-{index}")
                if wall < case.best_wall:
                    case.best_wall, case.cpu, case.audio = wall, cpu, audio
        from audiopaper.cluster import disconnect

        for address in clusters.values():
            disconnect(address)
    assembly = _assembly_seconds(options, root / "cache-0-2", root)
    _report(cases, len({job.key for job in jobs}), assembly, rounds)


def _local(jobs: list[Job], folder: Path, workers: int) -> tuple[float, float, float]:
    from audiopaper.cache import ClipCache
    from audiopaper.synthesize import synthesize_all

    cpu = _own_cpu()
    start = time.perf_counter()
    clips = synthesize_all(jobs, ClipCache(folder), workers)
    return time.perf_counter() - start, _own_cpu() - cpu, _audio_seconds(clips)


def _on_cluster(
    jobs: list[Job], folder: Path, address: str, pinyin: dict[str, list[str]]
) -> tuple[float, float, float]:
    from audiopaper.cache import ClipCache
    from audiopaper.cluster import cluster_synthesizer, connect

    synthesize = cluster_synthesizer(address, pinyin)
    client = connect(address)
    cpu = _own_cpu() + sum(client.run(_own_cpu).values())
    start = time.perf_counter()
    clips = synthesize(jobs, ClipCache(folder), 0)
    wall = time.perf_counter() - start
    cpu = _own_cpu() + sum(client.run(_own_cpu).values()) - cpu
    return wall, cpu, _audio_seconds(clips)


def _own_cpu() -> float:
    """CPU seconds this process has used (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load_voice_on_every_worker(address: str, job: Job, pinyin: dict[str, list[str]]) -> None:
    """One short task pinned to each worker: its voice is loaded before any clock."""
    from audiopaper.cluster import Request, connect, synthesize_remote
    from audiopaper.models import Role, Segment

    client = connect(address)
    readings = tuple(sorted((w, tuple(p)) for w, p in pinyin.items()))
    warm = Segment("预热。", "预热。", Role.BODY, None, 0)
    info = job.engine.info
    futures = [
        client.submit(
            synthesize_remote,
            Request(
                f"w{n}",
                info.name,
                info.version,
                job.voice,
                warm,
                readings,
                "/nonexistent",
                getattr(job.engine, "threads_per_job", None),
            ),
            workers=[worker],
            allow_other_workers=False,
            pure=False,
        )
        for n, worker in enumerate(client.scheduler_info()["workers"])
    ]
    client.gather(futures)


def _assembly_seconds(options: Any, cache: Path, root: Path) -> tuple[float, float, float]:
    """A whole build whose clips are all cached: what the assembling machine does per
    edition. Returns (wall seconds, CPU seconds with ffmpeg's, audio seconds)."""
    from dataclasses import replace

    from audiopaper.pipeline import build

    cached = replace(options, cache_dir=cache, out_dir=root / "assembled")
    cpu = _own_cpu() + _children_cpu()
    start = time.perf_counter()
    result = build(cached)
    elapsed = time.perf_counter() - start
    cpu = _own_cpu() + _children_cpu() - cpu
    assert result.synthesized == 0, "the assembly run should find every clip cached"
    return elapsed, cpu, result.duration_s


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _audio_seconds(clips: list[Any]) -> float:
    seen: dict[object, float] = {}
    for clip in clips:
        seen[clip.pcm_path] = clip.duration
    return sum(seen.values())


def _load_line() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{os.cpu_count()} cores; load average {one:.1f} (1 min), {five:.1f} (5 min)"


def _report(
    cases: list[Case], segments: int, assembly: tuple[float, float, float], rounds: int
) -> None:
    base = cases[0].best_wall
    lines = [
        ["case", "segments", "best s", "segments/s", "audio s/s", "vs local 1", "CPU s/audio s"]
    ]
    for case in cases:
        lines.append(
            [
                case.name,
                str(segments),
                f"{case.best_wall:.1f}",
                f"{segments / case.best_wall:.2f}",
                f"{case.audio / case.best_wall:.1f}",
                f"{base / case.best_wall:.2f}",
                f"{case.cpu / case.audio:.3f}",
            ]
        )
    print(table(lines))
    print(f"best of {rounds} interleaved round(s); {_load_line()}")
    assembled_s, assembled_cpu, edition_audio = assembly
    share, idle_share = assembled_s / edition_audio, assembled_cpu / edition_audio
    print(
        f"assembly (encode, tags, feed), every clip cached: {assembled_s:.1f} s "
        f"({assembled_cpu:.1f} CPU s) for {edition_audio:.0f} s of audio = {share:.4f} s "
        f"per audio second as measured, {idle_share:.4f} when idle"
    )
    two = cases[-1]
    measured = two.audio / two.best_wall
    idle = MACHINE_CORES / (two.cpu / two.audio)
    print(
        f"one {MACHINE_CORES}-core machine (2 one-thread workers): {measured:.1f} audio s/s "
        f"as measured here; {idle:.1f} audio s/s when idle (from CPU s per audio s)"
    )
    print()
    lines = [["machines", "hours, as measured", "hours, idle machines"]]
    for machines in MACHINES:
        lines.append(
            [
                str(machines),
                f"{_hours(machines, measured, share):.2f}",
                f"{_hours(machines, idle, idle_share):.2f}",
            ]
        )
    print(f"a year of a daily paper ({YEAR_OF_AUDIO_S / 3600:.0f} h of audio), rebuilt:")
    print(table(lines))


def _hours(machines: int, rate: float, assembly_share: float) -> float:
    """Synthesis spread over the machines, assembly on the one that publishes; a rebuild
    on a cluster hands the next edition to the workers while it assembles the current
    one, so the two overlap and the slower one bounds the whole."""
    synthesis = YEAR_OF_AUDIO_S / (machines * rate)
    return max(synthesis, YEAR_OF_AUDIO_S * assembly_share) / 3600


if __name__ == "__main__":
    main()
