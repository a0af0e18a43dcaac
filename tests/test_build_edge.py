"""Editions built with the edge engine against the local fake edge-tts service: the
real edge-tts client, real MP3 audio, sentence boundaries, failures and limits."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from edge_server import EdgeServer, edge_server  # noqa: F401 - the fixture
from typer.testing import CliRunner

from audiopaper.cache import ClipCache
from audiopaper.cli import app
from audiopaper.engines import registry
from audiopaper.engines.edge import EdgeEngine, RetryPolicy
from audiopaper.errors import EngineError, EngineUnavailable
from audiopaper.pipeline import BuildOptions, build, synthesis_jobs

PAGE = """# 江城晚报 2024年5月7日

## 新区开工五个重点项目
记者：王明

新区集中开工五个重点项目。项目建成后预计新增就业岗位两千个。

## 社区图书馆延长开放时间

社区图书馆每天开放到晚上九点。周末照常开放。

## 春季运动会圆满落幕

全区运动员踊跃参赛。比赛精彩纷呈。
"""


@pytest.fixture
def fast_edge(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The registry's edge engine with quick retries, so failure tests run fast."""
    registry.names()  # load the entry points first, so the patch is undone cleanly
    monkeypatch.setitem(
        registry._factories,
        "edge",
        lambda: EdgeEngine(retry=RetryPolicy(attempts=3, base=0.01, cap=0.02)),
    )
    monkeypatch.setattr(registry, "_engines", {})
    yield


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "pages" / "edge.md"
    path.parent.mkdir()
    path.write_text(PAGE, encoding="utf-8")
    return path


def options(page: Path, out: Path, **extra: object) -> BuildOptions:
    return BuildOptions(
        input_path=page,
        out_dir=out,
        voice="edge-news",
        now=lambda: dt.datetime(2024, 5, 7, tzinfo=dt.UTC),
        **extra,  # type: ignore[arg-type]
    )


def test_edition_with_edge_voices(
    edge_server: EdgeServer,  # noqa: F811
    fast_edge: None,
    page: Path,
    tmp_path: Path,
) -> None:
    edge_server.delay = 0.05
    result = build(options(page, tmp_path / "out", jobs=3))
    assert result.synthesized > 0 and result.reused == 0
    # the news profile gives headlines to Yunyang and the body to Xiaoxiao
    voices = {r.text: r.voice for r in edge_server.received}
    assert any(
        "YunyangNeural" in voice
        for text, voice in voices.items()
        if "开工" in text and len(text) < 15
    )
    assert any("XiaoxiaoNeural" in voice for voice in voices.values())
    assert edge_server.max_in_flight <= 3
    assert len(result.chapters) == 4
    # cue times come from the service's sentence boundaries, inside each clip
    vtt = (tmp_path / "out" / "2024-05-07" / "transcript.vtt").read_text(encoding="utf-8")
    assert "周末照常开放。" in vtt
    for cue in result.cues:
        assert cue.end_ms > cue.start_ms
    chapters = json.loads(
        (tmp_path / "out" / "2024-05-07" / "chapters.json").read_text(encoding="utf-8")
    )
    assert [c["title"] for c in chapters["chapters"]][1] == "新区开工五个重点项目"


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_concurrency_limit_is_never_exceeded(
    edge_server: EdgeServer,  # noqa: F811
    fast_edge: None,
    page: Path,
    tmp_path: Path,
    jobs: int,
) -> None:
    edge_server.delay = 0.15
    build(options(page, tmp_path / "out", jobs=jobs))
    assert edge_server.max_in_flight == jobs


def test_a_failing_segment_stops_the_build_and_keeps_the_rest(
    edge_server: EdgeServer,  # noqa: F811
    fast_edge: None,
    page: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    edge_server.fail("close-no-audio", when=lambda text: "周末照常开放" in text, times=None)
    with pytest.raises(EngineError, match="周末照常开放"):
        build(options(page, out, jobs=1))
    assert not (out / "2024-05-07" / "2024-05-07.mp3").exists()
    assert not list(out.rglob(".tmp-*"))
    # everything finished before the failure is cached and verified
    cache = ClipCache(out / ".cache" / "clips")
    stored = list(cache.folder.rglob("*.clip"))
    assert stored and all(cache.get(p.stem) is not None for p in stored)
    edge_server.clear_faults()
    before = len(edge_server.texts)
    result = build(options(page, out, jobs=1))
    assert result.reused == len(stored)
    assert len(edge_server.texts) - before == result.synthesized


def test_transient_failures_are_retried(
    edge_server: EdgeServer,  # noqa: F811
    fast_edge: None,
    page: Path,
    tmp_path: Path,
) -> None:
    edge_server.fail("429", times=1)
    edge_server.fail("truncate", when=lambda text: "踊跃" in text, times=1)
    edge_server.fail("close-no-audio", when=lambda text: "精彩" in text, times=1)
    result = build(options(page, tmp_path / "out", jobs=2))
    assert result.synthesized > 0
    assert edge_server.faults_served  # the failures really happened


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_no_network_is_said_before_any_work(
    monkeypatch: pytest.MonkeyPatch, fast_edge: None, page: Path, tmp_path: Path
) -> None:
    import edge_tts.communicate

    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", f"ws://127.0.0.1:{closed_port()}/edge?x=1")
    with pytest.raises(EngineUnavailable) as info:
        build(options(page, tmp_path / "out"))
    assert "--voice offline" in (info.value.hint or "")
    assert not (tmp_path / "out" / ".cache" / "clips").exists()


def test_lexicon_reaches_edge_as_homophones(page: Path, tmp_path: Path) -> None:
    from audiopaper.pipeline import plan

    edited = page.with_name("bei.md")
    edited.write_text(PAGE.replace("新区集中", "北碚新区集中"), encoding="utf-8")
    jobs = synthesis_jobs(plan(options(edited, tmp_path / "out")))
    assert any("北倍" in job.segment.spoken_text for job in jobs)


def test_voices_command_lists_edge_voices(edge_server: EdgeServer) -> None:  # noqa: F811
    result = CliRunner().invoke(app, ["voices", "--engine", "edge"])
    assert result.exit_code == 0, result.output
    names = result.output.split()
    assert "zh-CN-XiaoxiaoNeural" in names
    assert all(re.match(r"zh-(CN|TW|HK)", name) for name in names)


def test_voices_command_offline_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import edge_tts.voices

    monkeypatch.setattr(registry, "_engines", {})
    monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", f"http://127.0.0.1:{closed_port()}/v")
    result = CliRunner().invoke(app, ["voices", "--engine", "edge"])
    assert result.exit_code == 2
    assert "audiopaper: error:" in result.output
    assert "--voice offline" in result.output
