"""Synthesis throughput here and on a Dask cluster, and what it means for a back catalogue.

    uv run python bench/cluster_bench.py                # a 2-minute page
    uv run python bench/cluster_bench.py --seconds 600  # a 10-minute page
    uv run python bench/cluster_bench.py --quick        # smoke run (used by the tests)

The same segments (a synthetic page, every sentence distinct) are synthesized from an
empty clip cache, side by side in one run, by:

- the local pool: the build's own path (``synthesize_all``: worker threads in this
  process, one LiteRT thread each), with 1 and with 2 workers;
- a Dask ``LocalCluster`` on 127.0.0.1 of 1 and of 2 worker processes (one thread each),
  through ``--cluster``'s path (``cluster_synthesizer``). The cluster is started and each
  worker loads the voice before the clock: workers keep it for their lifetime, so a
  catalogue rebuild pays that once per worker, whereas every local build loads it again
  in each of its threads (inside the clock, as it is in a real build).

Then one whole build with every clip cached (the part that stays on the one machine
that assembles: encoding, tags, feed), to say what a catalogue rebuild on N machines
costs: ``hours(N) = audio / (N × per-machine rate) + audio × assembly share``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audiopaper.synthesize import Job

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import page as synthetic_page  # noqa: E402
from tables import table  # noqa: E402

YEAR_OF_AUDIO_S = 80 * 3600  # a daily paper's year, about 80 hours (see bench/README.md)
MACHINES = (1, 2, 4, 8, 16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="page length to read")
    parser.add_argument("--quick", action="store_true", help="a tiny page, for the tests")
    args = parser.parse_args()
    seconds = 25.0 if args.quick else args.seconds
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as folder:
        root = Path(folder)
        os.environ.setdefault("AUDIOPAPER_MODEL_CACHE", str(root / "models"))
        run(root, seconds)


def run(root: Path, seconds: float) -> None:
    from distributed import LocalCluster

    from audiopaper.pipeline import BuildOptions, plan, synthesis_jobs

    page = root / "page.md"
    page.write_text(synthetic_page(seconds), encoding="utf-8")
    options = BuildOptions(input_path=page, out_dir=root / "out")
    the_plan = plan(options)
    jobs = synthesis_jobs(the_plan)
    _warm_model_file()
    rows: list[tuple[str, float, float]] = []  # case, seconds, audio seconds
    for workers in (1, 2):
        rows.append(_local(f"local pool, {workers} thread(s)", jobs, root, workers))
    pinyin = the_plan.lexicon.pinyin_overrides()
    for workers in (1, 2):
        with LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            name = f"local cluster, {workers} worker(s)"
            cache = root / f"cache-cluster-{workers}"
            rows.append(_on_cluster(name, jobs, cache, cluster.scheduler_address, pinyin))
    assembly = _assembly_seconds(options, jobs, root)
    _report(rows, len({job.key for job in jobs}), assembly)


def _warm_model_file() -> None:
    """Make the rewritten acoustic model once, before any clock (as after a first build)."""
    from audiopaper.engines.offline import _patched_acoustic_model

    _patched_acoustic_model()


def _local(name: str, jobs: list, root: Path, workers: int) -> tuple[str, float, float]:
    from audiopaper.cache import ClipCache
    from audiopaper.synthesize import synthesize_all

    cache = ClipCache(root / f"cache-local-{workers}")
    start = time.perf_counter()
    clips = synthesize_all(jobs, cache, workers)
    elapsed = time.perf_counter() - start
    return name, elapsed, _audio_seconds(clips)


def _on_cluster(
    name: str, jobs: list, folder: Path, address: str, pinyin: dict[str, list[str]]
) -> tuple[str, float, float]:
    from audiopaper.cache import ClipCache
    from audiopaper.cluster import cluster_synthesizer, disconnect

    cache = ClipCache(folder)
    synthesize = cluster_synthesizer(address, pinyin)
    _load_voice_on_every_worker(address, jobs[0], pinyin)
    start = time.perf_counter()
    clips = synthesize(jobs, cache, 0)
    elapsed = time.perf_counter() - start
    disconnect(address)
    return name, elapsed, _audio_seconds(clips)


def _load_voice_on_every_worker(address: str, job: Job, pinyin: dict[str, list[str]]) -> None:
    """Workers keep their voice for their lifetime (a catalogue rebuild pays the load
    once per worker, not per edition): load it before the clock."""
    from audiopaper.cluster import Request, connect, synthesize_remote
    from audiopaper.models import Role, Segment

    client = connect(address)
    readings = tuple(sorted((w, tuple(p)) for w, p in pinyin.items()))
    warm = Segment("预热。", "预热。", Role.BODY, None, 0)
    futures = [
        client.submit(
            synthesize_remote,
            Request(
                f"warm-{n}",
                job.engine.info.name,
                job.engine.info.version,
                job.voice,
                warm,
                readings,
                "/nonexistent/warm-up",
            ),
            workers=[worker],
            allow_other_workers=False,
            pure=False,
        )
        for n, worker in enumerate(client.scheduler_info()["workers"])
    ]
    client.gather(futures)


def _assembly_seconds(options: object, jobs: list, root: Path) -> tuple[float, float]:
    """A whole build whose clips are all cached: what the assembling machine does per
    edition. Returns (seconds, audio seconds)."""
    from dataclasses import replace

    from audiopaper.pipeline import BuildOptions, build

    assert isinstance(options, BuildOptions)
    cached = replace(options, cache_dir=root / "cache-local-2", out_dir=root / "assembled")
    start = time.perf_counter()
    result = build(cached)
    elapsed = time.perf_counter() - start
    assert result.synthesized == 0, "the assembly run should find every clip cached"
    return elapsed, result.duration_s


def _audio_seconds(clips: list) -> float:
    seen: dict[object, float] = {}
    for clip in clips:
        seen[clip.pcm_path] = clip.duration
    return sum(seen.values())


def _load_line() -> str:
    one, five, _fifteen = os.getloadavg()
    return (
        f"{os.cpu_count()} cores; load average {one:.1f} (1 min), {five:.1f} (5 min): "
        "other work on the machine slows every case alike"
    )


def _report(
    rows: list[tuple[str, float, float]], segments: int, assembly: tuple[float, float]
) -> None:
    base = rows[0][1]
    lines = [["case", "segments", "s", "segments/s", "audio s/s", "vs local 1"]]
    for name, elapsed, audio in rows:
        lines.append(
            [
                name,
                str(segments),
                f"{elapsed:.1f}",
                f"{segments / elapsed:.2f}",
                f"{audio / elapsed:.1f}",
                f"{base / elapsed:.2f}",
            ]
        )
    print(table(lines))
    print(_load_line())
    assembled_s, edition_audio = assembly
    share = assembled_s / edition_audio
    print()
    print(
        f"assembly (encode, tags, feed) with every clip cached: {assembled_s:.1f} s for "
        f"{edition_audio:.0f} s of audio = {share:.4f} s per audio second"
    )
    machine_rate = rows[-1][2] / rows[-1][1]  # one 2-core machine = the 2-worker cluster
    print(f"per machine (2 cores, 2 one-thread workers): {machine_rate:.1f} s of audio per second")
    print()
    lines = [["machines", "synthesis h", "assembly h", "year of a daily paper h"]]
    assembly_h = YEAR_OF_AUDIO_S * share / 3600
    for machines in MACHINES:
        synthesis_h = YEAR_OF_AUDIO_S / (machines * machine_rate) / 3600
        lines.append(
            [
                str(machines),
                f"{synthesis_h:.2f}",
                f"{assembly_h:.2f}",
                f"{synthesis_h + assembly_h:.2f}",
            ]
        )
    print(table(lines))


if __name__ == "__main__":
    main()
