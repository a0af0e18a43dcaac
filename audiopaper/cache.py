"""A content-addressed store of synthesized clips.

The key covers everything that changes the audio: engine name and version, voice and
its settings, the lexicon, and the spoken text. Entries are written atomically and
verified when read: a truncated or corrupt entry is treated as missing, so it is
synthesized again and never stitched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import struct
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from audiopaper.errors import EngineError
from audiopaper.fsutil import atomic_write_bytes, make_durable
from audiopaper.models import Boundary
from audiopaper.priority import lowest_priority

_MAGIC = b"APCLIP2\n"  # 2: metadata holds boundaries and notes
# magic, sample rate, sample count, metadata length, sha256 of everything after the header
_HEADER = struct.Struct("<8sIQI32s")


@dataclass(frozen=True)
class CachedClip:
    path: Path
    sample_rate: int
    samples: int
    boundaries: tuple[Boundary, ...]
    data_offset: int  # where the 16-bit PCM starts in the file
    notes: tuple[str, ...] = ()  # what the engine could not speak


def cache_key(fields: dict[str, object]) -> str:
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ClipCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._syncing: ThreadPoolExecutor | None = None
        self._synced: list[Future[None]] = []

    def path_for(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.clip"

    def get(self, key: str) -> CachedClip | None:
        path = self.path_for(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return _verify(path, data)

    def put(
        self,
        key: str,
        pcm: bytes,
        sample_rate: int,
        boundaries: tuple[Boundary, ...],
        notes: tuple[str, ...] = (),
    ) -> CachedClip:
        if not sound_boundaries(boundaries):
            raise EngineError(
                "the engine reported sentence timings that are not finite numbers; not cached",
                hint="run the same command again; if it persists, report it",
            )
        meta = json.dumps(
            {
                "boundaries": [[b.offset, b.duration, b.text] for b in boundaries],
                "notes": list(notes),
            },
            ensure_ascii=False,
        ).encode("utf-8")
        body = meta + pcm
        header = _HEADER.pack(
            _MAGIC, sample_rate, len(pcm) // 2, len(meta), hashlib.sha256(body).digest()
        )
        path = self.path_for(key)
        syncing = self._syncing
        atomic_write_bytes(path, header + body, durable=syncing is None)
        if syncing is not None:
            self._synced.append(syncing.submit(make_durable, path))
        offset = _HEADER.size + len(meta)
        return CachedClip(path, sample_rate, len(pcm) // 2, boundaries, offset, notes)

    @contextlib.contextmanager
    def syncing_aside(self) -> Iterator[None]:
        """Entries written meanwhile are forced to disk on a side thread, at idle
        priority, instead of by their writer (the voice's thread waited ~2 ms on each);
        all of them before this ends. Should power fail meanwhile, an entry cut short
        fails its digest when read and is made again."""
        pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="clip-sync-idle", initializer=lowest_priority
        )
        self._syncing = pool
        try:
            yield
        finally:
            self._syncing = None
            pool.shutdown(wait=True)
            synced, self._synced = self._synced, []
        for future in synced:
            future.result()  # a disk that cannot sync says so


def sound_boundaries(boundaries: tuple[Boundary, ...]) -> bool:
    """Finite, non-negative sentence timings: a NaN would break every later assembly."""
    return all(
        math.isfinite(b.offset) and math.isfinite(b.duration) and b.offset >= 0 <= b.duration
        for b in boundaries
    )


def read_pcm(clip: CachedClip) -> bytes:
    with clip.path.open("rb") as handle:
        handle.seek(clip.data_offset)
        return handle.read(clip.samples * 2)


def _verify(path: Path, data: bytes) -> CachedClip | None:
    if len(data) < _HEADER.size:
        return None
    magic, rate, samples, meta_len, digest = _HEADER.unpack_from(data)
    body = data[_HEADER.size :]
    if magic != _MAGIC or len(body) != meta_len + samples * 2:
        return None
    if hashlib.sha256(body).digest() != digest:
        return None
    try:
        meta = json.loads(body[:meta_len].decode("utf-8"))
        rows = meta["boundaries"]
        boundaries = tuple(Boundary(float(o), float(d), str(t)) for o, d, t in rows)
        notes = tuple(str(note) for note in meta["notes"])
    except (ValueError, TypeError, KeyError):
        return None
    if not sound_boundaries(boundaries):
        return None  # written by an older version that trusted a bad reply
    return CachedClip(path, rate, samples, boundaries, _HEADER.size + meta_len, notes)
