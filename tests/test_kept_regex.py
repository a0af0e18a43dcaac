"""Patterns built from kept programs are the patterns re.compile makes, run after run;
a damaged or foreign file only costs the time."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

# Every pattern the program's modules compile at import (the normalizer's rules, the
# parsers, the segmenter...) comes through the kept programs: each, made again by
# re.compile in the same process, must be equal (CPython compares patterns by code).
SCRIPT = """
import json, re, sys
from audiopaper import kept_regex, pipeline, normalize
from audiopaper.parse import bylines, captions
normalize.normalize("2024年3月18日增长12.5%")  # compiles the rules' tables too
extra = [kept_regex.compile_kept(p, f) for p, f in json.loads(sys.argv[1])]

def patterns(value, depth=0):
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 2 and isinstance(value, (tuple, list)):
        for item in value:
            yield from patterns(item, depth + 1)
    elif depth < 2 and isinstance(getattr(value, "pattern", None), re.Pattern):
        yield value.pattern

modules = [m for name, m in list(sys.modules.items()) if name.startswith("audiopaper")]
found = [p for m in modules for v in list(vars(m).values()) for p in patterns(v)]
found += extra
fresh = [re.compile(p.pattern, p.flags) for p in found]
same = all(p == f and p.groupindex == f.groupindex for p, f in zip(found, fresh))
print(json.dumps({"patterns": len(found), "same": same, "kept": len(kept_regex._kept().programs)}))
"""
EXTRA = [
    (r"(?P<year>\d{4})年(?P<month>\d{1,2})月", 0),
    (r"[一-鿿]+(?:abc|DEF)", int(re.IGNORECASE)),
    (r"^\s*(?:本版|本期)?编辑\s*[:：]", int(re.MULTILINE)),
]


def _run(cache: Path, extra: list[tuple[str, int]] = EXTRA) -> dict[str, object]:
    env = {**os.environ, "AUDIOPAPER_MODEL_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(extra)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "Traceback" not in done.stderr, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_kept_programs_make_the_same_patterns(tmp_path: Path) -> None:
    first = _run(tmp_path)  # compiled, and kept at exit
    (kept,) = tmp_path.glob("regex-programs-*.bin")
    stamp = kept.stat().st_mtime_ns
    second = _run(tmp_path)  # built from the kept programs
    assert first["same"] is True and second["same"] is True
    assert second["kept"] == first["kept"] and int(str(second["kept"])) >= 150
    assert int(str(second["patterns"])) >= 150
    assert kept.stat().st_mtime_ns == stamp  # nothing new: not written again


def test_damaged_file_is_compiled_afresh_and_replaced(tmp_path: Path) -> None:
    _run(tmp_path)
    (kept,) = tmp_path.glob("regex-programs-*.bin")
    data = bytearray(kept.read_bytes())
    data[-10] ^= 0xFF  # one byte off: the digest no longer matches
    kept.write_bytes(bytes(data))
    assert _run(tmp_path)["same"] is True
    assert _run(tmp_path)["same"] is True  # and the file written again is whole
    kept.write_bytes(b"short")
    assert _run(tmp_path)["same"] is True


def test_unwritable_cache_still_compiles(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert _run(blocker)["same"] is True  # the cache "folder" is a file: nothing kept


def _kept_patterns(cache: Path) -> set[str]:
    import marshal

    (kept,) = cache.glob("regex-programs-*.bin")
    return {pattern for pattern, _ in marshal.loads(kept.read_bytes()[32:])}


def test_patterns_no_run_uses_are_dropped_in_time(tmp_path: Path) -> None:
    old = ("老版本的模式(?P<x>[甲乙])", 0)
    _run(tmp_path, [*EXTRA, old])
    for serial in range(8):  # eight saves (each run compiles something new) without it
        assert old[0] in _kept_patterns(tmp_path)
        _run(tmp_path, [*EXTRA, (f"新版本的模式{serial}(?P<y>[丙丁])", 0)])
    kept = _kept_patterns(tmp_path)
    assert old[0] not in kept
    assert "新版本的模式7(?P<y>[丙丁])" in kept and EXTRA[0][0] in kept


def test_commands_using_other_patterns_do_not_drop_each_other(tmp_path: Path) -> None:
    build, serve = [("建造(?P<a>[一二])", 0)], [("服务(?P<b>[三四])", 0)]
    _run(tmp_path, build)
    _run(tmp_path, serve)  # a miss: saved, the first command's pattern with it
    (kept,) = tmp_path.glob("regex-programs-*.bin")
    stamp = kept.stat().st_mtime_ns
    _run(tmp_path, build)  # all kept: nothing compiled, nothing written
    assert kept.stat().st_mtime_ns == stamp
    assert {build[0][0], serve[0][0]} <= _kept_patterns(tmp_path)
