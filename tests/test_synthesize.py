"""The voice's threads only speak: clips are checked, trimmed and stored beside them."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from audiopaper.cache import CachedClip, ClipCache, read_pcm
from audiopaper.engines import EngineInfo, Synthesis, Voice
from audiopaper.errors import EngineError
from audiopaper.models import Boundary, Role, Segment
from audiopaper.synthesize import Job, plan_jobs, synthesize_all

VOICE = Voice("tone", "tone")


class ToneEngine:
    """Says each segment as a tone whose level is its number, with silence around it;
    ``poisoned`` segments come back as NaN."""

    info = EngineInfo("tone", "1", 24000, 40, 100)

    def __init__(self, poisoned: frozenset[str] = frozenset()) -> None:
        self.threads: list[str] = []
        self.calls: list[str] = []
        self.poisoned = poisoned
        self.third_call = threading.Event()

    def check_available(self) -> None:
        pass

    def voices(self) -> list[str]:
        return ["tone"]

    def set_pinyin_overrides(self, overrides: dict[str, list[str]]) -> None:
        pass

    def synthesize(self, text: str, voice: Voice) -> Synthesis:
        self.threads.append(threading.current_thread().name)
        self.calls.append(text)
        if len(self.calls) == 3:
            self.third_call.set()
        level = 0.01 * (1 + int(text.strip("第句")))
        samples = np.zeros(4800, np.float32)
        samples[1200:3600] = np.nan if text in self.poisoned else level
        return Synthesis(samples, 24000, (Boundary(0.05, 0.1, text),))


class WatchedCache(ClipCache):
    """Records which thread stores each clip; the first store waits for the voice's
    third request (a store on the voice's own thread would wait forever)."""

    def __init__(self, folder: Path, engine: ToneEngine) -> None:
        super().__init__(folder)
        self.engine = engine
        self.threads: list[str] = []

    def put(self, key: str, pcm: bytes, *args: object, **kwargs: object) -> CachedClip:
        if not self.threads:
            assert self.engine.third_call.wait(timeout=20), "the voice waited on a store"
        self.threads.append(threading.current_thread().name)
        return super().put(key, pcm, *args, **kwargs)  # type: ignore[arg-type]


def _jobs(engine: ToneEngine, count: int) -> list[Job]:
    segments = [Segment(f"第{i}句", f"第{i}句", Role.BODY, 0, i) for i in range(count)]
    return plan_jobs(segments, lambda s: VOICE, lambda v: engine, "none")


def test_the_voice_speaks_on_while_its_clips_are_stored(tmp_path: Path) -> None:
    engine = ToneEngine()
    cache = WatchedCache(tmp_path, engine)
    clips = synthesize_all(_jobs(engine, 5), cache, workers=1)
    assert not set(engine.threads) & set(cache.threads)
    assert {name.split("_")[0] for name in cache.threads} == {"clip-store"}
    # in job order, each trimmed to its tone plus the kept edges, at its own level
    for number, (clip, job) in enumerate(zip(clips, _jobs(engine, 5), strict=True)):
        assert clip.segment.spoken_text == f"第{number}句"
        stored = cache.get(job.key)
        assert stored is not None and clip.samples == stored.samples == 2400 + 2 * 720
        pcm = np.frombuffer(read_pcm(stored), "<i2")
        assert abs(int(pcm[clip.samples // 2]) - round(0.01 * (1 + number) * 32767)) <= 1


def test_an_answer_that_fails_its_check_is_reported_and_not_stored(tmp_path: Path) -> None:
    engine = ToneEngine(poisoned=frozenset({"第2句"}))
    cache = ClipCache(tmp_path)
    jobs = _jobs(engine, 4)
    with pytest.raises(EngineError, match="not finite numbers; not cached"):
        synthesize_all(jobs, cache, workers=1)
    assert cache.get(jobs[2].key) is None
    assert cache.get(jobs[0].key) is not None and cache.get(jobs[1].key) is not None
    assert not list(tmp_path.rglob(".tmp-*"))
