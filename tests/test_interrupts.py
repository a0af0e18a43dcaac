"""Failures in the middle of work end promptly and cleanly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from audiopaper.cache import ClipCache
from audiopaper.engines import EngineInfo, Synthesis, Voice
from audiopaper.ffmpeg import pcm_input_args, run_with_input
from audiopaper.models import Role, Segment
from audiopaper.synthesize import plan_jobs, synthesize_all


def test_a_failing_pcm_stream_never_hangs_the_encoder(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield bytes(48000)
        raise OSError("cache file vanished")

    outcome: list[BaseException] = []

    def encode() -> None:
        try:
            run_with_input([*pcm_input_args(24000), "-f", "mp3", str(tmp_path / "x.mp3")], chunks())
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=encode, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "ffmpeg was left waiting for input"
    assert isinstance(outcome[0], OSError)


class SlowEngine:
    """Speaks a tone after a pause: a stand-in whose only job is to take time."""

    info = EngineInfo("slow", "1", 24000, 40, 100)

    def __init__(self) -> None:
        self.calls = 0

    def check_available(self) -> None:
        pass

    def voices(self) -> list[str]:
        return ["tone"]

    def set_pinyin_overrides(self, overrides: dict[str, list[str]]) -> None:
        pass

    def synthesize(self, text: str, voice: Voice) -> Synthesis:
        self.calls += 1
        time.sleep(0.05)
        return Synthesis(np.full(2400, 0.3, np.float32), 24000)


def test_interrupting_synthesis_drops_the_queue(tmp_path: Path) -> None:
    engine = SlowEngine()
    segments = [Segment(f"第{i}句", f"第{i}句", Role.BODY, 0, i) for i in range(100)]
    jobs = plan_jobs(segments, lambda s: Voice("slow", "tone"), lambda v: engine, "none")
    done: list[object] = []

    def interrupt_after_two(clip: object) -> None:
        done.append(clip)
        if len(done) == 2:
            raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        synthesize_all(jobs, ClipCache(tmp_path), workers=2, progress=interrupt_after_two)
    assert time.monotonic() - started < 3  # not 100 × 50 ms / 2
    assert engine.calls < 20
    # what was finished is cached and verified
    assert 2 <= len(list(tmp_path.rglob("*.clip"))) <= engine.calls


def test_interrupting_synthesis_stops_the_piece_encoder(tmp_path: Path) -> None:
    from audiopaper.models import Pause
    from audiopaper.pieces import PieceCache, PieceEncoder, plan_pieces
    from audiopaper.profiles import DEFAULT_PAUSES

    engine = SlowEngine()
    segments = [
        Segment(f"第{i}句", f"第{i}句", Role.BODY, i // 5, i % 5,
                pause_after=Pause.ARTICLE if i % 5 == 4 else Pause.SENTENCE)
        for i in range(60)
    ]  # fmt: skip
    jobs = plan_jobs(segments, lambda s: Voice("slow", "tone"), lambda v: engine, "none")
    plans = plan_pieces(segments, [j.key for j in jobs], DEFAULT_PAUSES, 24000)
    cache = PieceCache(tmp_path / "pieces")
    encoder = PieceEncoder(plans, cache)
    done: list[object] = []

    def interrupt_after_twelve(clip: object) -> None:
        done.append(clip)
        if len(done) == 12:
            raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        try:
            synthesize_all(
                jobs,
                ClipCache(tmp_path / "clips"),
                workers=2,
                progress=interrupt_after_twelve,
                ready=encoder.clip_ready,
            )
        except BaseException:
            encoder.cancel()
            raise
    assert time.monotonic() - started < 10
    assert not [t for t in threading.enumerate() if t.name.startswith("encode")]
    # the pieces whose clips were all there were encoded whole, and nothing half-written
    encoded = [p for p in plans if cache.get(p.key) is not None]
    assert len(encoded) <= 2
    assert encoded == plans[: len(encoded)]
    assert not list(tmp_path.rglob(".tmp-*"))


def test_pieces_are_encoded_while_synthesis_goes_on(tmp_path: Path) -> None:
    from audiopaper.models import Pause
    from audiopaper.pieces import PieceCache, PieceEncoder, plan_pieces
    from audiopaper.profiles import DEFAULT_PAUSES

    engine = SlowEngine()
    segments = [
        Segment(f"第{i}句", f"第{i}句", Role.BODY, i // 4, i % 4,
                pause_after=Pause.ARTICLE if i % 4 == 3 else Pause.SENTENCE)
        for i in range(48)
    ]  # fmt: skip
    jobs = plan_jobs(segments, lambda s: Voice("slow", "tone"), lambda v: engine, "none")
    plans = plan_pieces(segments, [j.key for j in jobs], DEFAULT_PAUSES, 24000)
    encoder = PieceEncoder(plans, PieceCache(tmp_path / "pieces"))
    encoded_while_synthesizing: list[int] = []

    def note_pieces(clip: object) -> None:
        encoded_while_synthesizing.append(len(list((tmp_path / "pieces").rglob("*.piece"))))

    synthesize_all(
        jobs, ClipCache(tmp_path / "clips"), workers=1, progress=note_pieces,
        ready=encoder.clip_ready,
    )  # fmt: skip
    pieces = encoder.finish()
    assert len(pieces) == len(plans) == 12
    # 48 clips at 50 ms each: the first pieces were done long before the last clip
    assert encoded_while_synthesizing[-1] >= 3, encoded_while_synthesizing
