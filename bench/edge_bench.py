"""The edge engine's concurrency against a local fake service with a fixed delay.

    uv run python bench/edge_bench.py                # 16 segments, 0.3 s a request
    uv run python bench/edge_bench.py --delay 0.5 --segments 32
    uv run python bench/edge_bench.py --quick        # smoke run (used by the tests)

The real edge-tts client talks to the fake service of the test suite (tests/edge_server.py)
on 127.0.0.1; each request waits ``--delay`` seconds before its answer, as a slow network
does. The same segments go through ``synthesize_all`` (the build's synthesis stage: clip
cache, worker pool, MP3 decoding, trimming) at each concurrency, with a fresh service (so
its in-flight counter starts at zero) and an empty clip cache (so nothing is reused).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tables import table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from edge_server import EdgeServer  # noqa: E402

from audiopaper.cache import ClipCache  # noqa: E402
from audiopaper.engines.base import Voice  # noqa: E402
from audiopaper.engines.edge import EdgeEngine  # noqa: E402
from audiopaper.models import Pause, Role, Segment  # noqa: E402
from audiopaper.synthesize import plan_jobs, synthesize_all  # noqa: E402

VOICE = Voice(engine="edge", name="zh-CN-XiaoxiaoNeural")


def segments(count: int) -> list[Segment]:
    """Distinct sentences of a usual segment's length (so no two share a clip)."""
    return [
        Segment(
            source_text=f"第{n}条：新区今年新开工重点项目{n}个，预计新增就业岗位两千个。",
            spoken_text=f"第{n}条：新区今年新开工重点项目{n}个，预计新增就业岗位两千个。",
            role=Role.BODY,
            article_index=0,
            paragraph_index=n,
            pause_after=Pause.SENTENCE,
        )
        for n in range(1, count + 1)
    ]


@contextmanager
def fake_service(delay: float) -> Iterator[EdgeServer]:
    """A running fake service with the edge-tts client pointed at it (what the test
    suite's ``edge_server`` fixture patches), undone afterwards."""
    import edge_tts.communicate
    import edge_tts.voices
    from edge_tts.drm import DRM

    saved = (edge_tts.communicate.WSS_URL, edge_tts.voices.VOICE_LIST, DRM.clock_skew_seconds)
    saved_env = {name: os.environ.get(name) for name in ("NO_PROXY", "no_proxy")}
    with EdgeServer(delay=delay) as server:
        edge_tts.communicate.WSS_URL = server.wss_url
        edge_tts.voices.VOICE_LIST = server.voice_list_url
        for name in saved_env:
            os.environ[name] = "127.0.0.1,localhost"
        try:
            yield server
        finally:
            edge_tts.communicate.WSS_URL, edge_tts.voices.VOICE_LIST = saved[:2]
            DRM.clock_skew_seconds = saved[2]
            for name, value in saved_env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def run(concurrency: int, count: int, delay: float) -> tuple[float, int, int]:
    """(seconds, max requests in flight, requests) for ``count`` segments."""
    engine = EdgeEngine()
    jobs = plan_jobs(segments(count), lambda _s: VOICE, lambda _v: engine, "none")
    with fake_service(delay) as server, tempfile.TemporaryDirectory() as cache_dir:
        start = time.perf_counter()
        clips = synthesize_all(jobs, ClipCache(Path(cache_dir)), concurrency)
        seconds = time.perf_counter() - start
        if any(clip.reused for clip in clips) or len(clips) != count:
            raise SystemExit("the clip cache was not empty")
        return seconds, server.max_in_flight, server.requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=16)
    parser.add_argument("--delay", type=float, default=0.3, help="seconds per request")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 2, 4, 8], help="levels to run"
    )
    parser.add_argument("--quick", action="store_true", help="4 segments, 0.05 s, 1 and 2")
    args = parser.parse_args()
    count, delay, levels = args.segments, args.delay, args.concurrency
    if args.quick:
        count, delay, levels = 4, 0.05, [1, 2]
    run(1, 1, 0.0)  # warm up: imports, the ffmpeg binary, the first connection
    rows = [
        (
            "concurrency",
            "seconds",
            "segments/s",
            "speed-up",
            "ideal",
            "max in flight",
            "requests",
            "in flight",
        )
    ]
    base = 0.0
    for level in levels:
        seconds, in_flight, requests = run(level, count, delay)
        rate = count / seconds
        base = base or rate
        ideal = min(level, count)
        verdict = "ok" if in_flight == ideal else "OVER LIMIT" if in_flight > level else "UNDER"
        rows.append(
            (
                str(level),
                f"{seconds:.2f}",
                f"{rate:.2f}",
                f"{rate / base:.2f}",
                f"{ideal:g}",
                str(in_flight),
                str(requests),
                verdict,
            )
        )
    print(f"{count} segments, {delay:g} s per request, fresh clip cache and service per row")
    print(table(rows))


if __name__ == "__main__":
    main()
