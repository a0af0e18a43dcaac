from pathlib import Path

from audiopaper.cache import ClipCache, cache_key, read_pcm
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
