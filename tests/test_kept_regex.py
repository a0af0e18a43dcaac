"""Patterns built from kept programs are the patterns re.compile makes, run after run;
a damaged or foreign file only costs the time."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

# Every parser module that compiles through the kept programs: each of its patterns,
# made again by re.compile in the same process, must be equal (CPython compares code).
SCRIPT = """
import json, re, sys
from audiopaper import kept_regex
from audiopaper.parse import bylines, captions
extra = [kept_regex.compile_kept(p, f) for p, f in json.loads(sys.argv[1])]
found = [v for m in (bylines, captions) for v in vars(m).values() if isinstance(v, re.Pattern)]
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
    assert second["kept"] == first["kept"] and int(str(second["kept"])) >= 15
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


def test_patterns_no_longer_compiled_are_not_kept(tmp_path: Path) -> None:
    import marshal

    _run(tmp_path, [*EXTRA, ("老版本的模式(?P<x>[甲乙])", 0)])
    _run(tmp_path, [*EXTRA, ("新版本的模式(?P<y>[丙丁])", 0)])  # a miss: written again
    (kept,) = tmp_path.glob("regex-programs-*.bin")
    patterns = {pattern for pattern, _ in marshal.loads(kept.read_bytes()[32:])}
    assert "新版本的模式(?P<y>[丙丁])" in patterns
    assert "老版本的模式(?P<x>[甲乙])" not in patterns
    assert EXTRA[0][0] in patterns
