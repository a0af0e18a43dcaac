from pathlib import Path

from audiopaper.cache import ClipCache, cache_key, read_pcm
from audiopaper.models import Boundary


def test_round_trip(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    pcm = bytes(range(200)) * 10
    key = cache_key({"text": "你好"})
    stored = cache.put(key, pcm, 24000, (Boundary(0.1, 0.5, "你好"),))
    loaded = cache.get(key)
    assert loaded == stored
    assert read_pcm(loaded) == pcm
    assert loaded.boundaries == (Boundary(0.1, 0.5, "你好"),)


def test_key_covers_every_field() -> None:
    base = {"engine": "offline", "voice": "baker", "rate": 1.0, "text": "你好"}
    assert cache_key(base) == cache_key(dict(reversed(base.items())))
    for field, value in [("engine", "edge"), ("voice", "x"), ("rate", 1.1), ("text", "您好")]:
        assert cache_key({**base, field: value}) != cache_key(base)


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
