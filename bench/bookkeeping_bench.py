"""What synthesis costs around the voice, per clip, for a short and a long edition.

    uv run python bench/bookkeeping_bench.py            # 150 and 1,700 clips, 3 rounds
    uv run python bench/bookkeeping_bench.py --quick    # 40 and 200 clips, one round

The voice is a stand-in that sleeps a fixed time per clip (no model, so only the
bookkeeping is measured): ``synthesize_all`` with one worker, the build's layout. Per clip:

- main thread CPU: collecting finished clips (Python's lock is held meanwhile, which the
  voice's own thread needs between its model calls);
- the voice thread's gap: time between the end of one request and the start of the next
  (trimming, checking and storing a clip used to happen there);
- wall over the voice: the whole call against the sum of the voice's own sleeps.

The long edition's cost per clip against the short one's (``long/short``) says whether the
bookkeeping grows with the edition's length: it should stay near 1.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tables import table  # noqa: E402

from audiopaper.cache import ClipCache  # noqa: E402
from audiopaper.engines import EngineInfo, Synthesis, Voice  # noqa: E402
from audiopaper.models import Role, Segment  # noqa: E402
from audiopaper.synthesize import plan_jobs, synthesize_all  # noqa: E402

SPEAK_S = 0.002  # the stand-in voice's time per clip
CLIP_SAMPLES = 24_000 * 4  # four seconds of audio, with silence to trim at both ends


class SleepingVoice:
    info = EngineInfo("sleeper", "1", 24000, 40, 100)

    def __init__(self) -> None:
        import numpy as np

        self.samples = np.zeros(CLIP_SAMPLES, np.float32)
        self.samples[2400:-2400] = 0.3
        self.spans: list[tuple[float, float]] = []

    def check_available(self) -> None:
        pass

    def voices(self) -> list[str]:
        return ["sleeper"]

    def set_pinyin_overrides(self, overrides: dict[str, list[str]]) -> None:
        pass

    def synthesize(self, text: str, voice: Voice) -> Synthesis:
        start = time.perf_counter()
        time.sleep(SPEAK_S)
        self.spans.append((start, time.perf_counter()))
        return Synthesis(self.samples, 24000)


def measure(clips: int) -> tuple[float, float, float]:
    """(main thread CPU ms, voice gap ms, wall over the voice ms), per clip."""
    voice = SleepingVoice()
    segments = [Segment(f"第{i}句", f"第{i}句", Role.BODY, 0, i) for i in range(clips)]
    jobs = plan_jobs(segments, lambda s: Voice("sleeper", "sleeper"), lambda v: voice, "none")
    with tempfile.TemporaryDirectory() as folder:
        cpu = time.thread_time()
        start = time.perf_counter()
        synthesize_all(jobs, ClipCache(Path(folder)), workers=1)
        wall = time.perf_counter() - start
        cpu = time.thread_time() - cpu
    spans = voice.spans
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)]
    spoken = sum(end - begin for begin, end in spans)
    return 1000 * cpu / clips, 1000 * sum(gaps) / len(gaps), 1000 * (wall - spoken) / clips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small editions, one round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = (40, 200) if args.quick else (150, 1700)
    rounds = 1 if args.quick else max(1, args.rounds)
    rows = [("clips", "main CPU ms/clip", "voice gap ms/clip", "wall over voice ms/clip")]
    results = {}
    for size in sizes:
        runs = [measure(size) for _ in range(rounds)]
        results[size] = [statistics.median(column) for column in zip(*runs, strict=True)]
        rows.append((str(size), *(f"{value:.2f}" for value in results[size])))
    short, long = (results[size] for size in sizes)
    growth = (f"{b / a:.2f}" if a > 0 else "-" for a, b in zip(short, long, strict=True))
    rows.append(("long/short", *growth))
    print(f"stand-in voice: {SPEAK_S * 1000:.0f} ms a clip; medians of {rounds} round(s)")
    print(table(rows))


if __name__ == "__main__":
    main()
