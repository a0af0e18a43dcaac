"""The edge engine: Microsoft Edge's online neural voices, through the ``edge-tts`` client.

One segment is one websocket request. The service answers with 24 kHz mono MP3 and one
SentenceBoundary event per sentence; the MP3 is decoded to float32 with the bundled
ffmpeg, boundary ticks (100 ns) become seconds.

The service fails in a handful of known ways: a refused handshake (403 when the DRM
token or clock is off, 429 when throttled, 5xx), a connection that never answers, a
stream with no audio, frames the client cannot parse, and a stream that simply stops
early without ``turn.end`` (which the client does not notice). Each is retried with
exponential backoff and full jitter; a stream that stops early is caught by comparing
the audio received with the sentence timings the service announced and with the text
left after the last of them. After the last attempt the segment fails with an
``EngineError``: partial audio is never returned.

``edge_tts`` (and aiohttp) are imported inside functions only, so listing engines stays
cheap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import numpy as np

from audiopaper.audio_decode import decode_to_float32
from audiopaper.engines.base import EngineInfo, Synthesis, Voice
from audiopaper.errors import ConfigError, EngineError, EngineUnavailable
from audiopaper.models import Boundary

if TYPE_CHECKING:
    from audiopaper.engines import Registry

log = logging.getLogger(__name__)

SAMPLE_RATE = 24_000  # the client asks for audio-24khz-48kbitrate-mono-mp3
TICKS_PER_SECOND = 10_000_000  # boundary offsets and durations come in 100-ns ticks
# The service takes 4,096 bytes of escaped text per request; Chinese is 3 bytes a
# character in UTF-8, so 300 characters leave room for escapes, 1,000 is the ceiling.
MAX_CHARS = 300
HARD_MAX_CHARS = 1_000
MAX_REQUEST_BYTES = 4_096
DEFAULT_JOBS = 4
LOCALES = ("zh-CN", "zh-TW", "zh-HK")  # and their sub-locales, e.g. zh-CN-liaoning
OFFLINE_HINT = "use the offline voice: --voice offline"
RETRY_STATUSES = frozenset({403, 408, 429})  # plus every 5xx
# Newsreaders speak Mandarin at about 0.2-0.25 s a character; half that is faster than
# any voice reads at rate 1.0, so text that would need less audio was not spoken.
FASTEST_SECONDS_PER_CHAR = 0.1
# The other way: no voice takes a second a character at rate 1.0 (pauses included); a
# reply longer than that (plus a few seconds) is not speech of this text, and is
# refused before it fills memory or the cache.
SLOWEST_SECONDS_PER_CHAR = 1.0
REPLY_SLACK_SECONDS = 10.0
MP3_BYTES_PER_SECOND = 48_000 // 8  # the client asks for 48 kbit/s


def register(registry: Registry) -> None:
    registry.register("edge", EdgeEngine)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter.

    Before attempt ``n + 1`` the engine sleeps a uniform random time in
    ``[0, min(cap, base * 2 ** (n - 1))]`` seconds.
    """

    attempts: int = 5
    base: float = 0.5
    cap: float = 8.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")
        if self.base < 0 or self.cap < 0:
            raise ValueError("backoff base and cap must not be negative")

    def delay(self, failures: int, rng: random.Random) -> float:
        """The pause after the ``failures``-th failed attempt."""
        return rng.uniform(0.0, min(self.cap, self.base * 2 ** (failures - 1)))


@dataclass(frozen=True)
class Timeouts:
    """Seconds. edge-tts takes whole seconds for connect and handshake read."""

    connect: int = 10  # TCP + TLS connect
    receive: int = 60  # the longest silence between two frames (and the handshake read)
    total: float = 300.0  # one request, end to end
    voices: float = 15.0  # the voice list request
    check: float = 3.0  # the reachability probe

    def __post_init__(self) -> None:
        for name in ("connect", "receive"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} timeout must be a whole number of seconds ≥ 1")
        if min(self.total, self.voices, self.check) <= 0:
            raise ValueError("timeouts must be positive")


class _Truncated(Exception):
    """The stream ended before the audio the service announced."""


class _BadReply(Exception):
    """The reply cannot be this text's speech: timings that are not finite numbers, or
    far more audio than the text could take. Retried; never cached."""


def longest_reply_seconds(text: str, rate: float = 1.0) -> float:
    """The most audio ``text`` can plausibly take at ``rate``."""
    return (REPLY_SLACK_SECONDS + len(text) * SLOWEST_SECONDS_PER_CHAR) / min(1.0, rate)


@dataclass
class _Reply:
    audio: bytearray = field(default_factory=bytearray)
    boundaries: list[Boundary] = field(default_factory=list)


class EdgeEngine:
    """Microsoft Edge's online voices. Thread-safe: each call runs its own event loop."""

    def __init__(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        truncation_tolerance: float = 0.3,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.timeouts = timeouts or Timeouts()
        self.truncation_tolerance = truncation_tolerance  # seconds of audio allowed missing
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._voice_list: list[dict[str, Any]] | None = None
        self._voice_lock = threading.Lock()
        self.info = EngineInfo(
            name="edge",
            version=f"edge-tts {_client_version()}",
            sample_rate=SAMPLE_RATE,
            max_chars=MAX_CHARS,
            hard_max_chars=HARD_MAX_CHARS,
            default_jobs=DEFAULT_JOBS,
            needs_network=True,
        )

    # -- availability and voices -------------------------------------------------------

    def check_available(self) -> None:
        """Resolve and connect to the service host within ``timeouts.check`` seconds."""
        communicate = _client_module()
        host, port = _probe_target(communicate.WSS_URL)
        try:
            _probe(host, port, self.timeouts.check)
        except OSError as exc:
            raise EngineUnavailable(
                f"cannot reach the edge-tts service at {host}:{port} ({_reason(exc)})",
                hint=f"check the network connection, or {OFFLINE_HINT}",
            ) from exc

    def set_pinyin_overrides(self, overrides: dict[str, list[str]]) -> None:
        """edge-tts takes no phonemes: the pipeline substitutes homophones instead."""

    def voices(self) -> list[str]:
        """The Chinese voices (zh-CN, zh-TW, zh-HK) the service offers, sorted."""
        return [name for name, _gender, _locale in self.describe_voices()]

    def describe_voices(self) -> list[tuple[str, str, str]]:
        """(name, gender, locale) of each Chinese voice, sorted by name."""
        rows = [
            (str(v["ShortName"]), str(v.get("Gender", "")), str(v["Locale"]))
            for v in self._list_voices()
            if _is_chinese(str(v.get("Locale", "")))
        ]
        return sorted(rows)

    def _list_voices(self) -> list[dict[str, Any]]:
        with self._voice_lock:
            if self._voice_list is None:
                self._voice_list = self._fetch_voices()
            return self._voice_list

    def _fetch_voices(self) -> list[dict[str, Any]]:
        edge_tts = _client()

        async def fetch() -> list[Any]:
            async with asyncio.timeout(self.timeouts.voices):
                return await edge_tts.list_voices()

        expected: tuple[type[Exception], ...] = (OSError, ValueError, KeyError, *_client_errors())
        try:
            voices = asyncio.run(fetch())
        except expected as exc:
            status = _handshake_status(exc)
            reason = f"HTTP {status}" if status is not None else _reason(exc)
            raise EngineUnavailable(
                f"cannot reach the edge-tts voice service ({reason})", hint=OFFLINE_HINT
            ) from exc
        return [dict(v) for v in voices if isinstance(v, dict) and "ShortName" in v]

    # -- synthesis -----------------------------------------------------------------------

    def synthesize(self, text: str, voice: Voice) -> Synthesis:
        """Speak one segment; retried on the service's known failures."""
        self._check_text(text)
        if not text.strip():
            return Synthesis(_silence(), SAMPLE_RATE)
        prosody = _prosody(voice)
        failures: list[str] = []
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return self._attempt(text, voice, prosody)
            except ConfigError:
                raise
            except Exception as exc:
                if not _is_retryable(exc):
                    raise _failed(text, _reason(exc), retried=False) from exc
                failures.append(_reason(exc))
                if attempt == self.retry.attempts:
                    raise _failed(text, "; ".join(_summary(failures)), retried=True) from exc
                pause = self.retry.delay(attempt, self._rng)
                log.info(
                    "edge-tts attempt %d failed (%s); retrying in %.2f s",
                    attempt,
                    failures[-1],
                    pause,
                )
                self._sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _check_text(self, text: str) -> None:
        if len(text) > self.info.hard_max_chars:
            raise EngineError(
                f"segment too long for edge-tts: {len(text)} characters "
                f"(at most {self.info.hard_max_chars})",
                hint="the segmenter should have split it at clause punctuation; please report it",
            )
        if len(escape(text).encode("utf-8")) > MAX_REQUEST_BYTES:
            raise EngineError(
                f"segment too long for edge-tts: over {MAX_REQUEST_BYTES} bytes once escaped",
                hint="the segmenter should have split it at clause punctuation; please report it",
            )

    def _attempt(self, text: str, voice: Voice, prosody: dict[str, str]) -> Synthesis:
        communicate = self._communicate(text, voice.name, prosody)
        longest = longest_reply_seconds(text, voice.rate)
        # MP3 bytes at the nominal bitrate, doubled for container overhead and VBR.
        reply = asyncio.run(self._receive(communicate, int(longest * MP3_BYTES_PER_SECOND * 2)))
        samples = decode_to_float32(bytes(reply.audio), SAMPLE_RATE) if reply.audio else _silence()
        duration = len(samples) / SAMPLE_RATE
        _check_reply(duration, reply.boundaries, longest)
        problem = _truncation(
            text, duration, reply.boundaries, self.truncation_tolerance, voice.rate
        )
        if problem:
            raise _Truncated(problem)
        return Synthesis(samples, SAMPLE_RATE, boundaries=tuple(reply.boundaries))

    def _communicate(self, text: str, voice_name: str, prosody: dict[str, str]) -> Any:
        edge_tts = _client()
        try:
            return edge_tts.Communicate(
                text,
                voice_name,
                boundary="SentenceBoundary",
                connect_timeout=self.timeouts.connect,
                receive_timeout=self.timeouts.receive,
                **prosody,
            )
        except ValueError as exc:
            raise ConfigError(
                f"edge-tts rejects voice {voice_name!r} or its settings: {exc}",
                hint="list the voices with: audiopaper voices",
            ) from exc

    async def _receive(self, communicate: Any, max_bytes: int) -> _Reply:
        # aiohttp applies edge-tts's receive_timeout to the handshake only, not to the
        # websocket frames after it: a silent service would hang forever without this.
        reply = _Reply()
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(self.timeouts.total):
            # aclosing: a reply refused midway still closes its connection, in this loop
            async with (
                asyncio.timeout(self.timeouts.receive) as idle,
                contextlib.aclosing(communicate.stream()) as chunks,
            ):
                async for chunk in chunks:
                    idle.reschedule(loop.time() + self.timeouts.receive)
                    if chunk["type"] == "audio":
                        reply.audio += chunk["data"]
                        if len(reply.audio) > max_bytes:
                            raise _BadReply(f"over {max_bytes:,} bytes of audio for this text")
                    elif chunk["type"] == "SentenceBoundary":
                        reply.boundaries.append(_boundary(chunk))
        return reply


# -- helpers -----------------------------------------------------------------------------


def _client() -> Any:
    try:
        import edge_tts
    except ImportError as exc:
        raise EngineUnavailable(
            "the edge-tts package is not installed",
            hint=f"reinstall audiopaper with its dependencies (uv sync), or {OFFLINE_HINT}",
        ) from exc
    return edge_tts


def _client_module() -> Any:
    _client()
    import edge_tts.communicate

    return edge_tts.communicate


def _client_version() -> str:
    try:
        return version("edge-tts")
    except PackageNotFoundError:
        return "missing"


def _is_chinese(locale: str) -> bool:
    return any(locale == base or locale.startswith(base + "-") for base in LOCALES)


def _percent(value: float) -> str:
    return f"{round((value - 1.0) * 100):+d}%"


def _prosody(voice: Voice) -> dict[str, str]:
    """Voice settings in edge's SSML terms.

    rate 1.1 → "+10%"; volume 1.0 → "+0%" (relative to the voice's own level); pitch
    in semitones → ``round(pitch * 10)`` Hz. A semitone is about 6 % of pitch, and the
    voices sit roughly between 120 and 250 Hz, so 10 Hz per semitone is a fair middle.
    """
    if voice.rate <= 0:
        raise ConfigError(f"voice {voice.name!r}: rate must be positive, got {voice.rate}")
    if voice.volume < 0:
        raise ConfigError(f"voice {voice.name!r}: volume must not be negative, got {voice.volume}")
    return {
        "rate": _percent(voice.rate),
        "volume": _percent(voice.volume),
        "pitch": f"{round(voice.pitch * 10):+d}Hz",
    }


def _boundary(chunk: Any) -> Boundary:
    offset = float(chunk["offset"]) / TICKS_PER_SECOND
    duration = float(chunk["duration"]) / TICKS_PER_SECOND
    if not (math.isfinite(offset) and math.isfinite(duration)) or offset < 0 or duration < 0:
        raise _BadReply(f"a sentence timed at offset {offset}, duration {duration}")
    return Boundary(offset=offset, duration=duration, text=str(chunk["text"]))


def _check_reply(duration: float, boundaries: list[Boundary], longest: float) -> None:
    """Audio and timings a clip may hold: no longer than the text can take."""
    if duration > longest:
        raise _BadReply(f"{duration:.1f} s of audio, more than the text can take ({longest:.0f} s)")
    end = max((b.offset + b.duration for b in boundaries), default=0.0)
    if end > longest:
        raise _BadReply(f"a sentence ends at {end:.1f} s, past any possible reading")


def _silence() -> np.ndarray:
    return np.zeros(0, dtype=np.float32)


def _speakable(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _unannounced(text: str, boundaries: list[Boundary]) -> str | None:
    """The speakable characters after the last sentence the service announced, or None
    when that sentence cannot be found in the text (the service rewrote it)."""
    whole = _speakable(text)
    if not boundaries:
        return whole
    last = _speakable(boundaries[-1].text)
    at = whole.rfind(last) if last else -1
    return None if at < 0 else whole[at + len(last) :]


def _truncation(
    text: str, duration: float, boundaries: list[Boundary], tolerance: float, rate: float = 1.0
) -> str | None:
    """Why the reply looks cut short, or None if it looks whole.

    The client reports no error when the stream closes before ``turn.end``, so the
    reply is checked against what the service announced. The audio must reach the end
    of the last sentence announced (within ``tolerance`` seconds). Any text after that
    sentence must fit in the audio after it at a brisk reading pace: the service can
    skip the timing of a sentence it does not recognise as one, but a cut stream has
    no audio for what follows. If the service rewrote the text so that the last
    sentence cannot be found in it, the first check stands alone.
    """
    end = max((b.offset + b.duration for b in boundaries), default=0.0)
    if duration + tolerance < end:
        return f"audio stopped at {duration:.2f} s, the last sentence ends at {end:.2f} s"
    rest = _unannounced(text, boundaries)
    if not rest:  # all announced, or the text cannot be matched
        return None
    needed = len(rest) * FASTEST_SECONDS_PER_CHAR / rate
    if duration - end < needed:
        after = f"after {boundaries[-1].text!r}" if boundaries else "before any sentence"
        return f"audio stopped {after}, with {len(rest)} characters unspoken"
    return None


def _client_errors() -> tuple[type[Exception], ...]:
    """The client's own failures: edge-tts's exception tree and aiohttp's."""
    import aiohttp
    import edge_tts.exceptions

    return (edge_tts.exceptions.EdgeTTSException, aiohttp.ClientError)


def _handshake_status(exc: BaseException) -> int | None:
    import aiohttp

    return exc.status if isinstance(exc, aiohttp.ClientResponseError) else None


def _is_retryable(exc: BaseException) -> bool:
    status = _handshake_status(exc)
    if status is not None:
        return status in RETRY_STATUSES or status >= 500
    return isinstance(
        exc,
        (
            _Truncated,
            _BadReply,
            TimeoutError,
            OSError,
            *_client_errors(),
            EngineError,  # the audio could not be decoded
            ValueError,  # a frame the client could not parse
            KeyError,
            IndexError,
        ),
    )


def _reason(exc: BaseException) -> str:
    """The failure in a few words, for messages and hints."""
    import edge_tts.exceptions as edge_errors

    status = _handshake_status(exc)
    if status is not None:
        return f"HTTP {status} on the websocket handshake"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, _Truncated):
        return f"stream ended early: {exc}"
    if isinstance(exc, _BadReply):
        return f"implausible reply: {exc}"
    if isinstance(exc, edge_errors.NoAudioReceived):
        return "no audio received"
    if isinstance(exc, _client_errors()):
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, EngineError):
        return str(exc)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return f"unreadable reply ({type(exc).__name__}: {exc})"


def _summary(failures: list[str]) -> list[str]:
    """Distinct failures in order, with counts: 'HTTP 503 … (×3)'."""
    counts: dict[str, int] = {}
    for failure in failures:
        counts[failure] = counts.get(failure, 0) + 1
    return [f"{f} (×{n})" if n > 1 else f for f, n in counts.items()]


def _failed(text: str, reason: str, *, retried: bool) -> EngineError:
    shown = text[:30] + ("…" if len(text) > 30 else "")
    if retried:
        return EngineError(
            f"edge-tts failed on segment: {shown} (after retries: {reason})",
            hint="the edge-tts service is unreliable right now; try again later, lower "
            f"--concurrency, or {OFFLINE_HINT}",
        )
    return EngineError(
        f"edge-tts failed on segment: {shown} ({reason})",
        hint=f"the service refused the request; check for an edge-tts update, or {OFFLINE_HINT}",
    )


def _probe_target(wss_url: str) -> tuple[str, int]:
    """The host and port to test: the service's, or the proxy's if one is configured."""
    parts = urlsplit(wss_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme in ("wss", "https") else 80)
    # The client (aiohttp, trust_env) takes the proxy named after the URL's scheme only.
    if not urllib.request.proxy_bypass(host):
        proxy = urllib.request.getproxies().get(parts.scheme)
        if proxy:
            proxy_parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
            if proxy_parts.hostname:
                return proxy_parts.hostname, proxy_parts.port or 80
    return host, port


def _probe(host: str, port: int, timeout: float) -> None:
    """Resolve ``host`` and open a TCP connection to it, all within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    # getaddrinfo has no timeout of its own; a stuck resolver must not stall the check.
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        lookup = pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        addresses = lookup.result(timeout=timeout)
    except TimeoutError as exc:
        raise TimeoutError(f"resolving {host} took over {timeout:g} s") from exc
    finally:
        pool.shutdown(wait=False)
    last: OSError = OSError(f"no address for {host}")
    for family, kind, proto, _name, address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"connecting to {host}:{port} took over {timeout:g} s")
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.settimeout(remaining)
                sock.connect(address)
                return
        except OSError as exc:
            last = exc
    raise last
