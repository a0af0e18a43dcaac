import errno
import os
import threading
from pathlib import Path

import pytest

from audiopaper.cache import ClipCache, cache_key, read_pcm
from audiopaper.errors import OutputError
from audiopaper.models import Boundary


def test_round_trip(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    pcm = bytes(range(200)) * 10
    key = cache_key({"text": "你好"})
    stored = cache.put(key, pcm, 24000, (Boundary(0.1, 0.5, "你好"),), ("not spoken: 😀",))
    loaded = cache.get(key)
    assert loaded == stored
    assert read_pcm(loaded) == pcm
    assert loaded.boundaries == (Boundary(0.1, 0.5, "你好"),)
    assert loaded.notes == ("not spoken: 😀",)


def test_job_keys_cover_everything_that_changes_the_audio() -> None:
    from dataclasses import replace

    from audiopaper.engines import EngineInfo, Voice
    from audiopaper.models import Role, Segment
    from audiopaper.synthesize import plan_jobs

    class Engine:
        def __init__(self, version: str) -> None:
            self.info = EngineInfo("fake", version, 24000, 40, 100)

    segment = Segment("你好", "你好", Role.BODY, 0, 0)
    voice = Voice("fake", "v")

    def key(
        voice: Voice = voice, version: str = "1", lexicon: str = "l", text: str = "你好"
    ) -> str:
        (job,) = plan_jobs(
            [replace(segment, spoken_text=text)],
            lambda s: voice,
            lambda v: Engine(version),
            lexicon,
        )
        return job.key

    base = key()
    assert key() == base  # stable
    variants = [
        key(voice=replace(voice, name="w")),
        key(voice=replace(voice, engine="other")),
        key(voice=replace(voice, rate=1.1)),
        key(voice=replace(voice, pitch=1.0)),
        key(voice=replace(voice, volume=0.5)),
        key(version="2"),
        key(lexicon="m"),
        key(text="您好"),
    ]
    assert base not in variants and len(set(variants)) == len(variants)


def test_truncated_or_corrupt_entries_are_missing(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    key = cache_key({"text": "a"})
    cache.put(key, b"\x01\x02" * 500, 24000, ())
    path = cache.path_for(key)
    data = path.read_bytes()
    path.write_bytes(data[:-10])
    assert cache.get(key) is None
    flipped = bytearray(data)
    flipped[-1] ^= 0xFF
    path.write_bytes(bytes(flipped))
    assert cache.get(key) is None
    path.write_bytes(b"")
    assert cache.get(key) is None
    assert cache.get(cache_key({"text": "never stored"})) is None


def test_no_temp_files_left(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.put(cache_key({"t": 1}), b"\0\0", 24000, ())
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]


def test_entries_synced_aside_are_on_disk_when_the_writer_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside ``syncing_aside`` the writer never waits on fsync: a side thread forces
    each entry (and its folder) to disk, and all of them are when the block ends."""
    synced: list[tuple[str, str]] = []
    fsync = os.fsync

    def recorded(fd: int) -> None:
        synced.append((threading.current_thread().name, os.readlink(f"/proc/self/fd/{fd}")))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", recorded)
    cache = ClipCache(tmp_path)
    keys = [cache_key({"text": str(n)}) for n in range(5)]
    with cache.syncing_aside():
        for key in keys:
            cache.put(key, b"\x01\x00" * 100, 24_000, ())
    writer = threading.current_thread().name
    assert synced and all(name.startswith("clip-sync-idle") for name, _ in synced)
    assert all(name != writer for name, _ in synced)
    assert {str(cache.path_for(key)) for key in keys} <= {path for _, path in synced}
    assert all(cache.get(key) is not None for key in keys)
    synced.clear()
    cache.put(keys[0], b"\x02\x00" * 100, 24_000, ())  # outside: the writer syncs
    assert synced and all(name == writer for name, _ in synced)


def test_a_disk_that_cannot_sync_says_so_when_the_block_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    cache = ClipCache(tmp_path)
    with pytest.raises(OutputError, match="Input/output error"), cache.syncing_aside():
        monkeypatch.setattr(os, "fsync", failing)
        cache.put(cache_key({"text": "x"}), b"\x01\x00" * 100, 24_000, ())
    monkeypatch.undo()
    with pytest.raises(KeyboardInterrupt), cache.syncing_aside():  # a stop goes through
        cache.put(cache_key({"text": "y"}), b"\x01\x00" * 100, 24_000, ())
        raise KeyboardInterrupt
