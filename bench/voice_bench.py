"""What bounds the offline voice: the acoustic model against the vocoder, LiteRT threads,
and one model instance with intra-op threads against one instance per worker.

    uv run python bench/voice_bench.py            # the sample page's first 24 segments
    uv run python bench/voice_bench.py --quick    # 4 segments (used by the tests)

Measured in one run, side by side, on the same phoneme ids:

- stages: seconds of the acoustic model (FastSpeech2) and of the vocoder (MB-MelGAN) per
  second of audio, with 1 and 2 LiteRT threads, and CPU seconds per audio second;
- layouts: the whole synthesis of the segments by 2 workers × 1 thread (one model pair per
  worker) and by 1 worker × 2 threads (one pair, intra-op threads), wall and CPU seconds,
  and the memory the model pairs add (RSS after loading and a first use).

Wall times compete with whatever else runs on the machine; the CPU columns and the load
average printed above the tables say how much.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from tables import table  # noqa: E402

SAMPLE = ROOT / "examples" / "binjiang-daily-2024-03-18.txt"
RATE = 24_000


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    text = Path("/proc/self/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def phoneme_ids(count: int) -> tuple[list[list[int]], Any]:
    from audiopaper.pipeline import BuildOptions, plan, synthesis_jobs

    with tempfile.TemporaryDirectory() as out:
        the_plan = plan(BuildOptions(input_path=SAMPLE, out_dir=Path(out)))
    jobs = synthesis_jobs(the_plan)
    engine = jobs[0].engine
    ids = [engine.frontend.phonemes(job.segment.spoken_text).ids() for job in jobs]
    return [i for i in ids if len(i) > 3][:count], jobs[0].voice


def stages(ids: list[list[int]], voice: Any, threads: int) -> tuple[str, ...]:
    from audiopaper.engines.offline import _Models, vocode_in_windows

    models = _Models(threads)  # the default backend's runner
    acoustic = vocoder = 0.0
    samples = 0
    cpu = _cpu()
    for item in ids:
        start = time.perf_counter()
        mel = models.mel(item, voice)
        middle = time.perf_counter()
        samples += len(vocode_in_windows(mel, models.vocode_window))
        acoustic += middle - start
        vocoder += time.perf_counter() - middle
    cpu = _cpu() - cpu
    audio = samples / RATE
    return (
        f"{threads}",
        f"{audio:.0f}",
        f"{acoustic / audio:.4f}",
        f"{vocoder / audio:.4f}",
        f"{vocoder / (acoustic + vocoder):.0%}",
        f"{cpu / audio:.4f}",
    )


def layout(ids: list[list[int]], voice: Any, workers: int, threads: int) -> tuple[str, ...]:
    from audiopaper.engines.offline import _Models

    before = _rss_mb()
    pairs = [_Models(threads) for _ in range(workers)]
    free = list(pairs)
    local = threading.local()
    lock = threading.Lock()

    def speak(item: list[int]) -> int:
        if not hasattr(local, "models"):
            with lock:
                local.models = free.pop()
        return len(local.models.speak(item, voice))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(speak, ids[:workers]))  # every pair used once: arenas allocated
        memory = _rss_mb() - before
        cpu = _cpu()
        start = time.perf_counter()
        samples = sum(pool.map(speak, ids))
        wall = time.perf_counter() - start
        cpu = _cpu() - cpu
    audio = samples / RATE
    pairs.clear()
    return (
        f"{workers} × {threads}",
        f"{wall:.2f}",
        f"{wall / audio:.4f}",
        f"{cpu / audio:.4f}",
        f"{memory:.0f}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 segments, for a smoke test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ.setdefault("AUDIOPAPER_MODEL_CACHE", cache)
        ids, voice = phoneme_ids(4 if args.quick else 24)
        stage_rows = [("threads", "audio s", "acoustic RTF", "vocoder RTF", "vocoder", "CPU RTF")]
        stage_rows += [stages(ids, voice, threads) for threads in (1, 2)]
        layout_rows = [("workers × threads", "wall s", "RTF", "CPU RTF", "models MB")]
        for _ in range(1 if args.quick else 2):  # interleaved, against drifting load
            layout_rows += [layout(ids, voice, 2, 1), layout(ids, voice, 1, 2)]
    print(f"cpu_count {os.cpu_count()}; load average at the end {os.getloadavg()[0]:.2f}")
    print("\nstages (one model pair)")
    print(table(stage_rows))
    print("\nlayouts (the same segments)")
    print(table(layout_rows))


if __name__ == "__main__":
    main()
