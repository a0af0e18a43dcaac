"""A local stand-in for the edge-tts service, speaking its wire protocol to the real client.

An aiohttp server on 127.0.0.1 (random port) runs in a background thread with its own
event loop. It answers the websocket the real ``edge_tts.Communicate`` opens and the
voice-list request ``edge_tts.list_voices`` makes, with real MP3 audio made by the
bundled ffmpeg: a tone lasting ``seconds_per_char`` per character of the text, and one
SentenceBoundary per sentence (split after 。！？), timed in proportion.

Tests point the client here by patching ``edge_tts.communicate.WSS_URL`` and
``edge_tts.voices.VOICE_LIST`` (the ``edge_server`` fixture does it), then inject the
service's known failures on chosen requests::

    edge_server.fail("503", times=2)                                 # the next two handshakes
    edge_server.fail("truncate", when=lambda t: "三" in t, times=None)  # every such text
    edge_server.fail("hang", on={1})                                   # request number 1

Faults: "400", "403", "429", "503" refuse the handshake (the client answers a 403 once
itself, with a second handshake: one engine attempt costs two 403s); "hang" never answers;
"close-no-audio" closes after turn.start; "truncate" closes after about half the audio,
without turn.end; "garbage" sends a frame with no header block; "unknown-path" a frame
with a path the client does not know; "no-metadata" sends all the audio but no timings.
Hostile replies: "nan-timing" times each sentence with ``Duration: NaN``, "negative-timing"
with a negative offset, "oversized" sends forty times the audio the text takes.

The server counts requests, records what each asked for, and tracks how many websocket
sessions were open at once.

Wire format (edge-tts 7.3), server to client:
- text frames ``X-RequestId:…\\r\\nContent-Type:…\\r\\nPath:…\\r\\n\\r\\n{body}``
  for ``turn.start``, ``response``, ``audio.metadata`` and ``turn.end``;
- binary frames: a 2-byte big-endian header length, the header block (ending in
  ``\\r\\n``, with ``Path:audio`` and ``Content-Type:audio/mpeg``), then MP3 bytes; the
  audio ends with one such frame without Content-Type and without data.
Offsets and durations in metadata are in 100-ns ticks.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, unescape

import imageio_ffmpeg
import numpy as np
import pytest
from aiohttp import WSMsgType, web

SAMPLE_RATE = 24_000
TICKS_PER_SECOND = 10_000_000
SECONDS_PER_CHAR = 0.15
AUDIO_CHUNK_BYTES = 2_048  # the service streams MP3 in small pieces
SENTENCE_END = re.compile(r"(?<=[。！？])")
SSML = re.compile(
    r"<voice name='(?P<voice>[^']*)'>"
    r"<prosody pitch='(?P<pitch>[^']*)' rate='(?P<rate>[^']*)' volume='(?P<volume>[^']*)'>"
    r"(?P<text>.*)</prosody></voice></speak>$",
    re.DOTALL,
)

HANDSHAKE_FAULTS = {"400": 400, "403": 403, "429": 429, "503": 503}
SESSION_FAULTS = (
    "hang",
    "close-no-audio",
    "truncate",
    "garbage",
    "unknown-path",
    "no-metadata",
    "nan-timing",
    "negative-timing",
    "oversized",
)
OVERSIZE_FACTOR = 40
FAULTS = (*HANDSHAKE_FAULTS, *SESSION_FAULTS)


def _voice(short_name: str, gender: str, locale: str, friendly: str) -> dict[str, Any]:
    return {
        "Name": f"Microsoft Server Speech Text to Speech Voice ({locale}, {short_name})",
        "ShortName": short_name,
        "Gender": gender,
        "Locale": locale,
        "SuggestedCodec": "audio-24khz-48kbitrate-mono-mp3",
        "FriendlyName": friendly,
        "Status": "GA",
        "VoiceTag": {"ContentCategories": ["News"], "VoicePersonalities": ["Warm"]},
    }


VOICES: list[dict[str, Any]] = [
    _voice("en-US-EmmaMultilingualNeural", "Female", "en-US", "Microsoft Emma Online"),
    _voice("zh-CN-YunyangNeural", "Male", "zh-CN", "Microsoft Yunyang Online"),
    _voice("zh-HK-HiuMaanNeural", "Female", "zh-HK", "Microsoft HiuMaan Online"),
    _voice("ja-JP-NanamiNeural", "Female", "ja-JP", "Microsoft Nanami Online"),
    _voice("zh-TW-HsiaoChenNeural", "Female", "zh-TW", "Microsoft HsiaoChen Online"),
    _voice("zh-CN-XiaoxiaoNeural", "Female", "zh-CN", "Microsoft Xiaoxiao Online"),
    _voice("zh-CN-liaoning-XiaobeiNeural", "Female", "zh-CN-liaoning", "Microsoft Xiaobei"),
]
ZH_VOICES = sorted(v["ShortName"] for v in VOICES if v["Locale"].startswith("zh-"))


@dataclass(frozen=True)
class Received:
    """One synthesis request as the server read it."""

    number: int  # the handshake's number, from 1
    text: str  # the spoken text, unescaped
    voice: str
    rate: str
    pitch: str
    volume: str
    query: dict[str, str]


@dataclass(frozen=True)
class Sentence:
    text: str
    offset: float  # seconds
    duration: float


@dataclass
class _Rule:
    fault: str
    on: frozenset[int] | None
    when: Callable[[str], bool] | None
    times: int | None  # uses left; None = unlimited

    def applies(self, number: int, text: str | None) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.on is not None and number not in self.on:
            return False
        return self.when is None or (text is not None and self.when(text))


@dataclass
class _Stats:
    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    received: list[Received] = field(default_factory=list)
    faults_served: list[tuple[int, str]] = field(default_factory=list)


def sentences(text: str, seconds_per_char: float = SECONDS_PER_CHAR) -> list[Sentence]:
    """Split after 。！？ and time each piece at ``seconds_per_char`` per character."""
    out: list[Sentence] = []
    offset = 0.0
    for piece in SENTENCE_END.split(text):
        if not piece.strip():
            continue
        duration = len(piece) * seconds_per_char
        out.append(Sentence(piece, offset, duration))
        offset += duration
    return out


@functools.lru_cache(maxsize=64)
def tone_mp3(duration_ms: int) -> bytes:
    """``duration_ms`` of a 440 Hz tone as 24 kHz mono 48 kbps MP3, as the service sends."""
    t = np.arange(round(SAMPLE_RATE * duration_ms / 1000)) / SAMPLE_RATE
    pcm = (0.3 * np.sin(2 * np.pi * 440.0 * t)).astype("<f4")
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        *("-hide_banner", "-loglevel", "error", "-nostdin"),
        *("-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0"),
        *("-c:a", "libmp3lame", "-b:a", "48k", "-write_xing", "0", "-f", "mp3", "pipe:1"),
    ]
    done = subprocess.run(command, input=pcm.tobytes(), capture_output=True, check=True)
    return done.stdout


def text_frame(request_id: str, path: str, body: str) -> str:
    return (
        f"X-RequestId:{request_id}\r\n"
        "Content-Type:application/json; charset=utf-8\r\n"
        f"Path:{path}\r\n\r\n{body}"
    )


def audio_frame(request_id: str, data: bytes, *, content_type: str | None = "audio/mpeg") -> bytes:
    header = f"X-RequestId:{request_id}\r\n"
    if content_type is not None:
        header += f"Content-Type:{content_type}\r\n"
    header += "X-StreamId:FAKE\r\nPath:audio\r\n"
    raw = header.encode("ascii")
    return len(raw).to_bytes(2, "big") + raw + data


def metadata_body(sentence: Sentence, timing: str | None = None) -> str:
    """One SentenceBoundary; ``timing`` "nan" or "negative" makes it hostile."""
    text = escape(sentence.text)  # the service echoes SSML-escaped text; the client unescapes
    offset: float = round(sentence.offset * TICKS_PER_SECOND)
    duration: float = round(sentence.duration * TICKS_PER_SECOND)
    if timing == "nan":
        duration = float("nan")  # json.dumps writes NaN, which the client accepts
    elif timing == "negative":
        offset = -TICKS_PER_SECOND
    return json.dumps(
        {
            "Metadata": [
                {
                    "Type": "SentenceBoundary",
                    "Data": {
                        "Offset": offset,
                        "Duration": duration,
                        "text": {"Text": text, "Length": len(text), "BoxType": "SentenceBoundary"},
                    },
                }
            ]
        },
        ensure_ascii=False,
    )


def response_frames(
    request_id: str,
    text: str,
    seconds_per_char: float = SECONDS_PER_CHAR,
    timing: str | None = None,
) -> list[str | bytes]:
    """Everything the service sends for one SSML request, in order."""
    parts = sentences(text, seconds_per_char)
    total = sum(s.duration for s in parts)
    context = '{"context":{"serviceTag":"fake"}}'
    frames: list[str | bytes] = [
        text_frame(request_id, "turn.start", context),
        text_frame(request_id, "response", context),
    ]
    if parts:
        mp3 = tone_mp3(round(total * 1000))
        for sentence in parts:
            # CBR: bytes are proportional to time, so each sentence gets its share.
            start = round(len(mp3) * sentence.offset / total)
            end = round(len(mp3) * (sentence.offset + sentence.duration) / total)
            body = metadata_body(sentence, timing)
            frames.append(text_frame(request_id, "audio.metadata", body))
            for at in range(start, end, AUDIO_CHUNK_BYTES):
                frames.append(audio_frame(request_id, mp3[at : min(end, at + AUDIO_CHUNK_BYTES)]))
        frames.append(audio_frame(request_id, b"", content_type=None))
    frames.append(text_frame(request_id, "turn.end", "{}"))
    return frames


def truncated(frames: list[str | bytes]) -> list[str | bytes]:
    """The frames up to about half the audio bytes: a stream cut off mid-turn."""
    audio_total = sum(len(f) for f in frames if isinstance(f, bytes))
    sent = 0
    for i, frame in enumerate(frames):
        if isinstance(frame, bytes):
            sent += len(frame)
            if sent >= audio_total / 2:
                return frames[: i + 1]
    return frames[:1]


def parse_ssml_frame(message: str) -> tuple[str, dict[str, str]]:
    """The X-RequestId and the SSML fields of the client's ``Path:ssml`` frame."""
    head, _, body = message.partition("\r\n\r\n")
    headers = dict(line.split(":", 1) for line in head.split("\r\n"))
    if headers.get("Path") != "ssml":
        raise ValueError(f"expected an ssml frame, got {headers.get('Path')!r}")
    match = SSML.search(body)
    if match is None:
        raise ValueError(f"cannot read the SSML: {body[:120]!r}")
    fields = match.groupdict()
    fields["text"] = unescape(fields["text"])
    return headers["X-RequestId"], fields


def free_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EdgeServer:
    """The fake service; use as a context manager (or through the ``edge_server`` fixture)."""

    def __init__(self, *, seconds_per_char: float = SECONDS_PER_CHAR, delay: float = 0.0):
        self.seconds_per_char = seconds_per_char
        self.delay = delay  # seconds to wait before answering each SSML request
        self.voices: list[dict[str, Any]] = list(VOICES)
        self.port = 0
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._stats = _Stats()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()

    # -- what tests read -------------------------------------------------------------

    @property
    def wss_url(self) -> str:
        # The client appends "&ConnectionId=…&Sec-MS-GEC=…", so the URL carries a query.
        return f"ws://127.0.0.1:{self.port}/edge/v1?TrustedClientToken=FAKE"

    @property
    def voice_list_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/voices/list?trustedclienttoken=FAKE"

    @property
    def requests(self) -> int:
        """Websocket handshakes seen, refused ones included."""
        with self._lock:
            return self._stats.requests

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._stats.max_in_flight

    @property
    def in_flight(self) -> int:
        """Websocket sessions open right now."""
        with self._lock:
            return self._stats.in_flight

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no session is open (the server sees a close a moment after the
        client); True if that happened within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.in_flight == 0

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._stats.received)

    @property
    def texts(self) -> list[str]:
        """The texts of the SSML requests received, in order."""
        return [r.text for r in self.received]

    @property
    def faults_served(self) -> list[tuple[int, str]]:
        """(request number, fault) for each injected failure actually served."""
        with self._lock:
            return list(self._stats.faults_served)

    # -- failure injection -----------------------------------------------------------

    def fail(
        self,
        fault: str,
        *,
        times: int | None = 1,
        on: Iterable[int] | None = None,
        when: Callable[[str], bool] | None = None,
    ) -> None:
        """Serve ``fault`` on the requests that match: by number (``on``, from 1), by
        spoken text (``when``), at most ``times`` times (None: every time)."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        if when is not None and fault in HANDSHAKE_FAULTS:
            raise ValueError("handshake faults come before the text is known: use on= or times=")
        rule = _Rule(fault, frozenset(on) if on is not None else None, when, times)
        with self._lock:
            self._rules.append(rule)

    def clear_faults(self) -> None:
        with self._lock:
            self._rules.clear()

    def _take_fault(self, number: int, text: str | None, kinds: Iterable[str]) -> str | None:
        wanted = set(kinds)
        with self._lock:
            for rule in self._rules:
                if rule.fault in wanted and rule.applies(number, text):
                    if rule.times is not None:
                        rule.times -= 1
                    self._stats.faults_served.append((number, rule.fault))
                    return rule.fault
        return None

    # -- life cycle ------------------------------------------------------------------

    def __enter__(self) -> EdgeServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        ready = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(ready, errors), name="fake-edge-tts", daemon=True
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake edge-tts server did not start")
        if errors:
            raise RuntimeError("the fake edge-tts server failed to start") from errors[0]

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None

    def _serve(self, ready: threading.Event, errors: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._startup())
        except BaseException as exc:
            errors.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _startup(self) -> None:
        app = web.Application()
        app.router.add_get("/edge/v1", self._speak)
        app.router.add_get("/voices/list", self._voice_list)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock).start()

    async def _shutdown(self) -> None:
        assert self._runner is not None
        for ws in list(self._sockets):
            await ws.close()
        await self._runner.cleanup()

    # -- handlers --------------------------------------------------------------------

    async def _voice_list(self, request: web.Request) -> web.Response:
        missing = {"trustedclienttoken", "Sec-MS-GEC", "Sec-MS-GEC-Version"} - set(request.query)
        if missing:
            return web.Response(status=400, text=f"missing {sorted(missing)}")
        return web.json_response(self.voices)

    async def _speak(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self._stats.requests += 1
            number = self._stats.requests
        query = dict(request.query)
        missing = {"TrustedClientToken", "ConnectionId", "Sec-MS-GEC", "Sec-MS-GEC-Version"}
        if missing - set(query):
            return web.Response(status=400, text=f"missing {sorted(missing - set(query))}")
        fault = self._take_fault(number, None, HANDSHAKE_FAULTS)
        if fault is not None:
            return web.Response(status=HANDSHAKE_FAULTS[fault], text=f"fake {fault}")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._enter(ws)
        try:
            await self._session(ws, number, query)
        finally:
            self._leave(ws)
            await ws.close()
        return ws

    def _enter(self, ws: web.WebSocketResponse) -> None:
        self._sockets.add(ws)
        with self._lock:
            self._stats.in_flight += 1
            self._stats.max_in_flight = max(self._stats.max_in_flight, self._stats.in_flight)

    def _leave(self, ws: web.WebSocketResponse) -> None:
        self._sockets.discard(ws)
        with self._lock:
            self._stats.in_flight -= 1

    async def _session(self, ws: web.WebSocketResponse, number: int, query: dict[str, str]) -> None:
        config = await ws.receive()
        if config.type != WSMsgType.TEXT or "Path:speech.config" not in config.data:
            return
        message = await ws.receive()
        if message.type != WSMsgType.TEXT:
            return
        request_id, ssml = parse_ssml_frame(message.data)
        with self._lock:
            self._stats.received.append(Received(number=number, query=query, **ssml))
        fault = self._take_fault(number, ssml["text"], SESSION_FAULTS)
        if self.delay:
            await asyncio.sleep(self.delay)
        await self._answer(ws, request_id, ssml["text"], fault)

    async def _answer(
        self, ws: web.WebSocketResponse, request_id: str, text: str, fault: str | None
    ) -> None:
        if fault == "hang":
            async for _ in ws:  # say nothing until the client gives up
                pass
            return
        if fault == "garbage":
            await ws.send_str(text_frame(request_id, "turn.start", "{}"))
            await ws.send_str("this is not an edge frame")
            return
        if fault == "unknown-path":
            await ws.send_str(text_frame(request_id, "turn.start", "{}"))
            await ws.send_str(text_frame(request_id, "surprise", "{}"))
            return
        if fault == "close-no-audio":
            await ws.send_str(text_frame(request_id, "turn.start", "{}"))
            return
        loop = asyncio.get_running_loop()
        pace = self.seconds_per_char * (OVERSIZE_FACTOR if fault == "oversized" else 1)
        timing = {"nan-timing": "nan", "negative-timing": "negative"}.get(fault or "")
        frames = await loop.run_in_executor(None, response_frames, request_id, text, pace, timing)
        if fault == "truncate":
            frames = truncated(frames)
        elif fault == "no-metadata":  # all the audio, no sentence timings
            frames = [f for f in frames if isinstance(f, bytes) or "Path:audio.metadata" not in f]
        for frame in frames:
            if isinstance(frame, bytes):
                await ws.send_bytes(frame)
            else:
                await ws.send_str(frame)
        if fault is None:
            async for _ in ws:  # the client closes after turn.end
                pass


@pytest.fixture
def edge_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[EdgeServer]:
    """A running fake service with the edge-tts client pointed at it."""
    import edge_tts.communicate
    import edge_tts.voices
    from edge_tts.drm import DRM

    with EdgeServer() as server:
        monkeypatch.setattr(edge_tts.communicate, "WSS_URL", server.wss_url)
        monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", server.voice_list_url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "127.0.0.1,localhost")
        # A 403 makes the client adjust its global clock skew; undo that afterwards.
        monkeypatch.setattr(DRM, "clock_skew_seconds", DRM.clock_skew_seconds)
        yield server
