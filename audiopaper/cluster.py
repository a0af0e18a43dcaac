"""Synthesis on a Dask cluster (``--cluster tcp://HOST:PORT``; the ``cluster`` extra).

Each missing segment becomes one task. A worker keeps one engine per engine name and
lexicon for its lifetime, so the voice is loaded once per worker thread, not per task.
The clip comes back to this process as PCM bytes; this process alone writes the edition's
cache, assembles and publishes. The cache is content-addressed: a worker that sees the
same cache folder (on this machine, or a shared mount) answers from it and fills it, and
a worker elsewhere simply returns the audio. A worker that dies mid-task is replaced by
the scheduler re-running its tasks elsewhere; nothing here needs to know.

Dask is imported only here, and this module only when ``--cluster`` is given.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audiopaper.cache import CachedClip, ClipCache, read_pcm
from audiopaper.engines import Engine, Voice
from audiopaper.errors import AudiopaperError, ConfigError, EngineError, EngineUnavailable
from audiopaper.models import Boundary, Clip, Segment
from audiopaper.synthesize import (
    PCM_RATE,
    Handover,
    Job,
    SynthesisReport,
    render_clip,
)

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT_S = 10
_INSTALL_HINT = (
    "install the cluster extra: uv sync --extra cluster (or pip install 'audiopaper[cluster]')"
)
_START_HINT = (
    "start a scheduler with `dask scheduler` and workers with `dask worker tcp://HOST:8786` "
    "(see the README), or drop --cluster to synthesize on this machine"
)


@dataclass(frozen=True)
class Request:
    """One segment to synthesize, as a worker receives it (everything picklable)."""

    key: str
    engine: str
    engine_version: str
    voice: Voice
    segment: Segment
    pinyin: tuple[tuple[str, tuple[str, ...]], ...]  # the lexicon's forced readings
    cache_folder: str  # this machine's clip cache, used when the worker sees it too
    # The model's intra-op threads here: the offline voice's last bit depends on it, so
    # workers use the same and the audio matches a local build's, byte for byte.
    threads: int | None = None


@dataclass(frozen=True)
class Reply:
    pcm: bytes
    boundaries: tuple[Boundary, ...]
    notes: tuple[str, ...]
    engine_version: str
    worker: str  # host:pid, for messages


def cluster_synthesizer(address: str, pinyin: dict[str, list[str]]) -> Callable[..., list[Clip]]:
    """A drop-in for :func:`audiopaper.synthesize.synthesize_all` that runs the missing
    segments on the cluster at ``address``; ``pinyin`` is the lexicon's forced readings."""
    client = connect(address)
    readings = tuple(sorted((w, tuple(p)) for w, p in pinyin.items()))

    def synthesize(
        jobs: list[Job],
        cache: ClipCache,
        workers: int,  # the cluster decides; kept for the same signature
        progress: Callable[[Clip], None] | None = None,
        report: SynthesisReport | None = None,
        cached: dict[int, Clip] | None = None,
        ready: Callable[[int, Clip], None] | None = None,
        order: Sequence[int] | None = None,
    ) -> list[Clip]:
        handover = Handover.start(jobs, cache, cached, report, progress, ready)
        by_key = handover.missing_by_key(order)
        requests = {key: _request(jobs[ix[0]], readings, cache) for key, ix in by_key.items()}
        for key, entry in _run(client, requests, cache):
            handover.made(entry, by_key[key])
        return handover.result()

    return synthesize


def connect(address: str) -> Client:
    """A client of the scheduler at ``address`` (one per address and process)."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            "--cluster needs Dask (the cluster extra), which is not installed",
            hint=_INSTALL_HINT,
        ) from None
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(address)
        if client is not None and client.status == "running":
            return client
        try:
            client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise EngineUnavailable(
                f"cannot reach the Dask scheduler at {address} "
                f"(nothing answered within {CONNECT_TIMEOUT_S} s)",
                hint=_START_HINT,
            ) from exc
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"--cluster {address!r} is not a scheduler address: {exc}",
                hint="give it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786",
            ) from exc
        _CLIENTS[address] = client
        return client


def disconnect(address: str) -> None:
    """Close this process's client of ``address`` (before its cluster goes away)."""
    with _CLIENTS_LOCK:
        client = _CLIENTS.pop(address, None)
    if client is not None:
        client.close()


_CLIENTS: dict[str, Client] = {}
_CLIENTS_LOCK = threading.Lock()


def _request(job: Job, readings: tuple[Any, ...], cache: ClipCache) -> Request:
    return Request(
        key=job.key,
        engine=job.engine.info.name,
        engine_version=job.engine.info.version,
        voice=job.voice,
        segment=job.segment,
        pinyin=readings if job.engine.info.takes_pinyin else (),
        cache_folder=str(cache.folder.resolve()),
        threads=getattr(job.engine, "threads_per_job", None),
    )


def _run(
    client: Client, requests: dict[str, Request], cache: ClipCache
) -> Iterator[tuple[str, CachedClip]]:
    """Submit every request, yield (key, cache entry) as each comes back; on an error or
    Ctrl-C the tasks not yet run are cancelled (finished clips are already cached)."""
    from distributed import as_completed

    futures = {
        client.submit(synthesize_remote, request, key=task_key(key), pure=False): key
        for key, request in requests.items()
    }
    try:
        for future in as_completed(futures, loop=client.loop):
            key = futures[future]
            try:
                reply = future.result()
            except Exception as exc:
                raise _as_error(exc, requests[key]) from exc
            future.release()
            yield key, _store(reply, requests[key], cache)
    except BaseException:
        with contextlib.suppress(Exception):
            client.cancel(list(futures))
        raise


def task_key(clip_key: str) -> str:
    """One task per clip: a segment asked for twice (by a prefetch and then its build, or
    by two builds at once) is synthesized once."""
    return f"audiopaper-clip-{clip_key}"


def prefetch(
    address: str, jobs: list[Job], pinyin: dict[str, list[str]], cache: ClipCache
) -> list[Any]:
    """Submit ``jobs`` now, below everything else in priority, and return the futures to
    hold until their build asks for them: the workers synthesize the next edition while
    this process assembles the current one."""
    client = connect(address)
    readings = tuple(sorted((w, tuple(p)) for w, p in pinyin.items()))
    unique = {job.key: job for job in jobs}
    return [
        client.submit(
            synthesize_remote,
            _request(job, readings, cache),
            key=task_key(key),
            pure=False,
            priority=-1,
        )
        for key, job in unique.items()
    ]


def _store(reply: Reply, request: Request, cache: ClipCache) -> CachedClip:
    if reply.engine_version != request.engine_version:
        raise EngineError(
            f"worker {reply.worker} has {request.engine} engine {reply.engine_version}, "
            f"this machine {request.engine_version}",
            hint="install the same audiopaper version on every worker machine",
        )
    entry = cache.get(request.key)  # a worker sharing the folder may have written it
    if entry is not None:
        return entry
    return cache.put(request.key, reply.pcm, PCM_RATE, reply.boundaries, reply.notes)


def _as_error(exc: BaseException, request: Request) -> AudiopaperError:
    if isinstance(exc, AudiopaperError):
        return exc
    text = request.segment.source_text or request.segment.spoken_text
    return EngineError(
        f"{request.engine} failed on “{text[:30]}” on the cluster: {type(exc).__name__}: {exc}",
        hint="finished segments are cached; run the same command again to resume",
    )


# --- on the worker -------------------------------------------------------------------

_ENGINES: dict[tuple[str, str, int | None], Engine] = {}
_ENGINES_LOCK = threading.Lock()
_KEEP_ENGINES = 4  # lexicons a worker keeps voices for; each holds its own models


def synthesize_remote(request: Request) -> Reply:
    """The task: the clip from the cache folder if this worker sees it, else
    synthesized with the worker's engine (and put there for the next one)."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    cache = ClipCache(Path(request.cache_folder))
    engine = worker_engine(request.engine, request.pinyin, request.threads)
    version = engine.info.version
    if version == request.engine_version:
        entry = cache.get(request.key)
        if entry is not None:
            return Reply(read_pcm(entry), entry.boundaries, entry.notes, version, worker)
    rendered = render_clip(engine, request.voice, request.segment)
    if version == request.engine_version and cache.folder.is_dir():
        with contextlib.suppress(AudiopaperError):  # read-only elsewhere: only return it
            cache.put(request.key, rendered.pcm, PCM_RATE, rendered.boundaries, rendered.notes)
    return Reply(rendered.pcm, rendered.boundaries, rendered.notes, version, worker)


def worker_engine(
    name: str, pinyin: tuple[tuple[str, tuple[str, ...]], ...], threads: int | None = None
) -> Engine:
    """This worker's engine for a lexicon (and thread setting), made once and kept."""
    from audiopaper.engines import registry

    digest = hashlib.sha256(json.dumps(pinyin, ensure_ascii=False).encode()).hexdigest()
    with _ENGINES_LOCK:
        engine = _ENGINES.get((name, digest, threads))
        if engine is None:
            engine = registry.create(name)
            if engine.info.takes_pinyin:
                engine.set_pinyin_overrides({w: list(p) for w, p in pinyin})
            if threads is not None and hasattr(engine, "threads_per_job"):
                engine.threads_per_job = threads
            if len(_ENGINES) >= _KEEP_ENGINES:
                _ENGINES.pop(next(iter(_ENGINES)))
            _ENGINES[(name, digest, threads)] = engine
        return engine
