"""The edge engine against a local fake of the service (tests/edge_server.py): no network."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import edge_tts.communicate
import edge_tts.voices
import numpy as np
import pytest
from edge_server import SECONDS_PER_CHAR, ZH_VOICES, EdgeServer, free_port, sentences

from audiopaper.engines import EngineInfo
from audiopaper.engines.base import Engine, Synthesis, Voice
from audiopaper.engines.edge import EdgeEngine, RetryPolicy, Timeouts, _truncation, register
from audiopaper.errors import ConfigError, EngineError, EngineUnavailable
from audiopaper.models import Boundary

XIAOXIAO = Voice(engine="edge", name="zh-CN-XiaoxiaoNeural")
TEXT = "今天天气很好。我们去公园散步吧！"  # 7 + 9 characters
MP3_SLACK = 0.15  # encoder/decoder padding and frame rounding, seconds


@pytest.fixture
def engine() -> EdgeEngine:
    return EdgeEngine(
        retry=RetryPolicy(attempts=5, base=0.01, cap=0.05),
        timeouts=Timeouts(connect=2, receive=1, voices=5.0, check=2.0),
        rng=random.Random(7),
    )


def expected_seconds(text: str) -> float:
    return len(text) * SECONDS_PER_CHAR


def assert_whole(result: Synthesis, text: str) -> None:
    assert result.sample_rate == 24_000
    assert result.samples.dtype == np.float32
    assert result.duration == pytest.approx(expected_seconds(text), abs=MP3_SLACK)
    assert "".join(b.text for b in result.boundaries) == text


# -- the engine as the pipeline sees it ------------------------------------------------


def test_info_declares_the_service_limits() -> None:
    info = EdgeEngine().info
    assert isinstance(info, EngineInfo)
    assert (info.name, info.sample_rate, info.default_jobs) == ("edge", 24_000, 4)
    assert info.version == f"edge-tts {edge_tts.__version__}"
    assert info.max_chars == 300 and info.hard_max_chars == 1_000
    assert info.needs_network


def test_registers_under_its_name_and_meets_the_protocol() -> None:
    registered: dict[str, object] = {}

    class Recorder:
        def register(self, name: str, factory: object) -> None:
            registered[name] = factory

    register(Recorder())  # type: ignore[arg-type]
    assert registered == {"edge": EdgeEngine}
    assert isinstance(EdgeEngine(), Engine)


# -- a good reply ------------------------------------------------------------------------


def test_synthesizes_real_audio_with_sentence_timings(
    edge_server: EdgeServer, engine: EdgeEngine
) -> None:
    result = engine.synthesize(TEXT, XIAOXIAO)

    assert_whole(result, TEXT)
    assert 0.1 < float(np.abs(result.samples).max()) <= 1.0  # the tone, not silence
    assert edge_server.texts == [TEXT]
    first, second = result.boundaries
    assert first.text == "今天天气很好。"
    assert (first.offset, first.duration) == pytest.approx((0.0, 7 * SECONDS_PER_CHAR))
    assert second.text == "我们去公园散步吧！"
    assert (second.offset, second.duration) == pytest.approx(
        (7 * SECONDS_PER_CHAR, 9 * SECONDS_PER_CHAR)
    )


def test_sends_voice_and_prosody_in_edge_terms(edge_server: EdgeServer, engine: EdgeEngine) -> None:
    voice = Voice(engine="edge", name="zh-CN-YunyangNeural", rate=1.1, pitch=-2.0, volume=0.8)
    engine.synthesize("新闻联播。", voice)

    (request,) = edge_server.received
    assert request.voice == "Microsoft Server Speech Text to Speech Voice (zh-CN, YunyangNeural)"
    assert (request.rate, request.pitch, request.volume) == ("+10%", "-20Hz", "-20%")
    assert {"ConnectionId", "Sec-MS-GEC", "Sec-MS-GEC-Version"} <= set(request.query)


def test_default_prosody_is_neutral(edge_server: EdgeServer, engine: EdgeEngine) -> None:
    engine.synthesize("新闻联播。", XIAOXIAO)
    (request,) = edge_server.received
    assert (request.rate, request.pitch, request.volume) == ("+0%", "+0Hz", "+0%")


def test_markup_characters_survive_the_round_trip(
    edge_server: EdgeServer, engine: EdgeEngine
) -> None:
    text = "A&B公司称<新品>“好”。"
    result = engine.synthesize(text, XIAOXIAO)
    assert edge_server.texts == [text]
    assert [b.text for b in result.boundaries] == [text]


# -- what is refused before any request --------------------------------------------------


def test_refuses_text_over_the_hard_limit(edge_server: EdgeServer, engine: EdgeEngine) -> None:
    with pytest.raises(EngineError, match="too long"):
        engine.synthesize("字" * 1_001, XIAOXIAO)
    with pytest.raises(EngineError, match="4096 bytes"):
        engine.synthesize("&" * 900, XIAOXIAO)  # 900 characters, 4,500 bytes escaped
    assert edge_server.requests == 0


def test_blank_text_is_silence_without_a_request(
    edge_server: EdgeServer, engine: EdgeEngine
) -> None:
    result = engine.synthesize("  \n", XIAOXIAO)
    assert result.duration == 0 and result.boundaries == ()
    assert edge_server.requests == 0


@pytest.mark.parametrize(
    "voice",
    [
        Voice(engine="edge", name="Xiaoxiao"),
        Voice(engine="edge", name="zh-CN-XiaoxiaoNeural", rate=0.0),
        Voice(engine="edge", name="zh-CN-XiaoxiaoNeural", volume=-1.0),
    ],
)
def test_bad_voice_settings_are_config_errors(
    edge_server: EdgeServer, engine: EdgeEngine, voice: Voice
) -> None:
    with pytest.raises(ConfigError):
        engine.synthesize(TEXT, voice)
    assert edge_server.requests == 0


# -- voices ------------------------------------------------------------------------------


def test_lists_only_chinese_voices(edge_server: EdgeServer, engine: EdgeEngine) -> None:
    names = engine.voices()
    assert names == ZH_VOICES
    assert "zh-CN-liaoning-XiaobeiNeural" in names  # a zh-CN sub-locale
    assert not any(n.startswith(("en-", "ja-")) for n in names)
    assert ("zh-CN-YunyangNeural", "Male", "zh-CN") in engine.describe_voices()
    assert engine.describe_voices() == sorted(engine.describe_voices())


def test_voices_offline_points_to_the_offline_voice(
    monkeypatch: pytest.MonkeyPatch, engine: EdgeEngine
) -> None:
    monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", f"http://127.0.0.1:{free_port()}/v?t=1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with pytest.raises(EngineUnavailable, match="voice service") as raised:
        engine.voices()
    assert raised.value.hint is not None and "--voice offline" in raised.value.hint


# -- availability ------------------------------------------------------------------------


def test_check_available_passes_against_the_live_service(
    edge_server: EdgeServer, engine: EdgeEngine
) -> None:
    engine.check_available()


def test_check_available_fails_cleanly_on_a_closed_port(
    monkeypatch: pytest.MonkeyPatch, engine: EdgeEngine
) -> None:
    port = free_port()
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{port}/edge/v1?T=1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with pytest.raises(EngineUnavailable, match=f"127.0.0.1:{port}") as raised:
        engine.check_available()
    assert raised.value.hint is not None and "--voice offline" in raised.value.hint


def test_check_available_probes_the_port_or_proxy_the_client_would_use(
    monkeypatch: pytest.MonkeyPatch, engine: EdgeEngine
) -> None:
    seen: list[tuple[str, int]] = []

    def fake_probe(host: str, port: int, timeout: float) -> None:
        seen.append((host, port))

    monkeypatch.setattr("audiopaper.engines.edge._probe", fake_probe)
    for name in ("WSS_PROXY", "wss_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", "wss://speech.example/edge/v1?T=1")
    engine.check_available()
    monkeypatch.setenv("wss_proxy", "http://proxy.example:3128")  # what the client would use
    engine.check_available()
    assert seen == [("speech.example", 443), ("proxy.example", 3128)]


# -- failures the service is known for --------------------------------------------------

RECOVERABLE = ["429", "503", "hang", "close-no-audio", "truncate", "garbage", "unknown-path"]


@pytest.mark.parametrize("fault", RECOVERABLE)
def test_recovers_from_a_failing_service(
    edge_server: EdgeServer, engine: EdgeEngine, fault: str
) -> None:
    edge_server.fail(fault, times=2)

    result = engine.synthesize(TEXT, XIAOXIAO)

    assert_whole(result, TEXT)
    assert edge_server.requests == 3
    assert [f for _, f in edge_server.faults_served] == [fault, fault]
    assert edge_server.wait_idle()  # the engine closed every session it opened


@pytest.mark.parametrize(("refusals", "requests"), [(1, 2), (2, 3), (4, 5)])
def test_recovers_from_403(
    edge_server: EdgeServer, engine: EdgeEngine, refusals: int, requests: int
) -> None:
    # edge-tts answers a 403 itself once (clock-skew fix, a second handshake); every
    # further pair of refusals costs the engine one attempt.
    edge_server.fail("403", times=refusals)
    assert_whole(engine.synthesize(TEXT, XIAOXIAO), TEXT)
    assert edge_server.requests == requests


@pytest.mark.parametrize(
    ("fault", "named"),
    [
        ("503", "HTTP 503 on the websocket handshake"),
        ("429", "HTTP 429"),
        ("hang", "timed out"),
        ("close-no-audio", "no audio received"),
        ("truncate", "stream ended early"),
        ("garbage", "unreadable reply"),
        ("unknown-path", "UnknownResponse"),
    ],
)
def test_gives_up_after_the_last_attempt(
    edge_server: EdgeServer, engine: EdgeEngine, fault: str, named: str
) -> None:
    edge_server.fail(fault, times=None)
    with pytest.raises(EngineError, match="edge-tts failed on segment: 今天天气很好") as raised:
        engine.synthesize(TEXT, XIAOXIAO)
    assert named in raised.value.message
    assert "(×5)" in raised.value.message
    assert raised.value.hint is not None and "--voice offline" in raised.value.hint
    assert edge_server.requests == 5


def test_gives_up_on_403_after_the_client_and_the_engine_both_retried(
    edge_server: EdgeServer, engine: EdgeEngine
) -> None:
    edge_server.fail("403", times=None)
    with pytest.raises(EngineError, match="HTTP 403"):
        engine.synthesize(TEXT, XIAOXIAO)
    assert edge_server.requests == 10  # 5 attempts × (handshake + the client's own retry)


def test_does_not_retry_a_plain_client_error(edge_server: EdgeServer, engine: EdgeEngine) -> None:
    edge_server.fail("400", times=None)
    with pytest.raises(EngineError, match="HTTP 400"):
        engine.synthesize(TEXT, XIAOXIAO)
    assert edge_server.requests == 1


def test_backs_off_with_jitter_between_attempts(edge_server: EdgeServer) -> None:
    pauses: list[float] = []
    policy = RetryPolicy(attempts=5, base=0.5, cap=1.5)
    engine = EdgeEngine(retry=policy, timeouts=Timeouts(receive=1), sleep=pauses.append)
    edge_server.fail("503", times=None)
    with pytest.raises(EngineError):
        engine.synthesize(TEXT, XIAOXIAO)
    assert len(pauses) == 4  # none after the last attempt
    for failures, pause in enumerate(pauses, start=1):
        assert 0 <= pause <= min(1.5, 0.5 * 2 ** (failures - 1))


def test_retry_policy_validates_and_caps() -> None:
    rng = random.Random(1)
    policy = RetryPolicy(attempts=3, base=1.0, cap=2.0)
    assert all(0 <= policy.delay(10, rng) <= 2.0 for _ in range(100))
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError):
        Timeouts(receive=0)


# -- truncation, the failure the client does not report ----------------------------------


def boundaries_for(text: str) -> list[Boundary]:
    return [Boundary(s.offset, s.duration, s.text) for s in sentences(text)]


FIRST, SECOND = boundaries_for(TEXT)  # 0.0-1.05 s and 1.05-2.4 s


@pytest.mark.parametrize(
    ("duration", "boundaries", "truncated"),
    [
        (2.4, [FIRST, SECOND], False),
        (2.2, [FIRST, SECOND], False),  # within the tolerance
        (1.5, [FIRST, SECOND], True),  # audio stops inside the last sentence
        (1.1, [FIRST], True),  # cut right after the first sentence: 8 characters unspoken
        (2.4, [FIRST], False),  # the last sentence was spoken, just not announced
        (2.4, [], False),  # no timings, but audio enough for the whole text
        (0.3, [], True),  # no timings and far too little audio
        (2.4, [Boundary(0.0, 2.4, "Jintian tianqi hen hao.")], False),  # text rewritten
        (1.0, [Boundary(0.0, 1.0, "Jintian")], False),  # rewritten: timing check only
    ],
)
def test_detects_truncation(duration: float, boundaries: list[Boundary], truncated: bool) -> None:
    assert (_truncation(TEXT, duration, boundaries, tolerance=0.3) is not None) is truncated


def test_a_faster_voice_needs_less_audio_for_the_rest() -> None:
    # 8 characters after the first sentence: 0.8 s at rate 1.0, 0.4 s at rate 2.0
    assert _truncation(TEXT, 1.05 + 0.6, [FIRST], tolerance=0.3) is not None
    assert _truncation(TEXT, 1.05 + 0.6, [FIRST], tolerance=0.3, rate=2.0) is None


def test_no_timings_for_unspeakable_text_is_not_truncation() -> None:
    assert _truncation("……", 0.5, [], tolerance=0.3) is None


def test_accepts_a_whole_reply_without_timings(edge_server: EdgeServer, engine: EdgeEngine) -> None:
    edge_server.fail("no-metadata")
    result = engine.synthesize(TEXT, XIAOXIAO)
    assert result.duration == pytest.approx(expected_seconds(TEXT), abs=MP3_SLACK)
    assert result.boundaries == ()
    assert edge_server.requests == 1


# -- concurrency -------------------------------------------------------------------------


def segment_texts(count: int) -> list[str]:
    return [f"第{i + 1}段新闻的内容。" for i in range(count)]


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_in_flight_requests_match_the_worker_count(
    edge_server: EdgeServer, engine: EdgeEngine, workers: int
) -> None:
    edge_server.delay = 0.2
    texts = segment_texts(12)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda t: engine.synthesize(t, XIAOXIAO), texts))

    assert edge_server.max_in_flight == workers
    assert sorted(edge_server.texts) == sorted(texts)
    for text, result in zip(texts, results, strict=True):
        assert_whole(result, text)


def test_concurrent_failures_never_leak_partial_audio(
    edge_server: EdgeServer, engine: EdgeEngine
) -> None:
    edge_server.fail("truncate", on={1, 3, 5, 8}, times=None)
    edge_server.fail("503", on={2, 9}, times=None)
    edge_server.fail("garbage", when=lambda text: text.startswith("第4段"))
    texts = segment_texts(8)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: engine.synthesize(t, XIAOXIAO), texts))

    for text, result in zip(texts, results, strict=True):
        assert_whole(result, text)
    assert edge_server.requests == 8 + 7
    assert "garbage" in {f for _, f in edge_server.faults_served}
    assert sorted(set(edge_server.texts)) == sorted(texts)
