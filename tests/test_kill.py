"""Builds killed with SIGKILL at 20 points (after k segments, while encoding, while
publishing) and run again: every rerun completes the edition, the feed parses and
lists each edition once, and no temp file is left anywhere."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from mutagen.mp3 import MP3

ARTICLES = [
    ("河堤加固完工", "河堤加固工程日前完工。汛期前投入使用。"),
    ("小区加装电梯", "首批6部电梯已经运行。"),
    ("夜市重新开放", "夜市共有80个摊位。"),
]

# (output folder, clip cache, edition id, when the build started)
Condition = Callable[[Path, Path, str, float], bool]


def page_text(date: str, variant: int) -> str:
    lines = [f"# 江城晚报 {date}", ""]
    for title, body in ARTICLES:
        lines += [f"## {title}", "", body.replace("日前", f"第{variant}次"), ""]
    return "\n".join(lines)


def clips_at_least(k: int) -> Condition:
    def reached(out: Path, cache: Path, edition: str, started: float) -> bool:
        return cache.is_dir() and sum(1 for _ in cache.rglob("*.clip")) >= k

    return reached


def encoding(out: Path, cache: Path, edition: str, started: float) -> bool:
    """An article's MP3 piece is being encoded (in the cache) or the edition joined."""
    return any((cache / "pieces").glob(".tmp-*.mp3")) or any((out / edition).glob(".tmp-*.mp3"))


def publishing(out: Path, cache: Path, edition: str, started: float) -> bool:
    """The new MP3 is in place and the edition's manifest is not yet rewritten."""
    folder = out / edition
    try:
        audio = (folder / f"{edition}.mp3").stat().st_mtime
    except FileNotFoundError:
        return False
    try:
        manifest = (folder / "edition.json").stat().st_mtime
    except FileNotFoundError:
        manifest = 0.0
    return audio >= started and manifest < audio


def build_command(page: Path, out: Path, cache: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "audiopaper",
        "build",
        str(page),
        "--out",
        str(out),
        "--cache",
        str(cache),
        "--quiet",
        "--jobs",
        "2",
    ]


def kill_when(command: list[str], condition: Callable[[], bool], timeout: float = 120) -> bool:
    """Run ``command`` and SIGKILL it as soon as ``condition`` holds. Returns whether
    it was killed (False: it finished first)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if condition():
                process.send_signal(signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.002)
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def kill_points() -> list[tuple[str, Condition, bool]]:
    """(label, condition, fresh cache?): 10 during synthesis, 5 encoding, 5 publishing."""
    points: list[tuple[str, Condition, bool]] = [
        (f"after {k} segments", clips_at_least(k), True) for k in range(1, 11)
    ]
    points += [("encoding", encoding, False)] * 5
    points += [("publishing", publishing, False)] * 5
    return points


def assert_complete(out: Path, edition: str) -> None:
    folder = out / edition
    audio = MP3(str(folder / f"{edition}.mp3"))
    assert audio.info.length > 5
    manifest = json.loads((folder / "edition.json").read_text(encoding="utf-8"))
    assert len(manifest["chapters"]) == len(ARTICLES) + 1
    json.loads((folder / "chapters.json").read_text(encoding="utf-8"))
    assert (folder / "transcript.vtt").read_text(encoding="utf-8").startswith("WEBVTT")


@pytest.mark.slow
def test_killed_builds_resume_and_lose_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    shared_cache = tmp_path / "cache"
    built: set[str] = set()
    killed = 0
    missed: list[str] = []
    for number, (label, condition, fresh) in enumerate(kill_points()):
        edition = f"2024-06-{1 + number % 7:02d}"
        page = tmp_path / "pages" / f"{number}.md"
        page.parent.mkdir(exist_ok=True)
        # New wording each time, so no build is a no-op; a fresh cache makes it
        # synthesize everything, so there is synthesis to interrupt.
        page.write_text(page_text(edition, number), encoding="utf-8")
        cache = tmp_path / f"cache-{number}" if fresh else shared_cache
        command = build_command(page, out, cache)
        started = time.time() - 0.01
        if kill_when(command, lambda c=condition, e=edition, k=cache, t=started: c(out, k, e, t)):
            killed += 1
        else:
            missed.append(label)
        rerun = subprocess.run(command, capture_output=True, text=True)
        assert rerun.returncode == 0, f"{label}: {rerun.stderr}"
        built.add(edition)
        assert_complete(out, edition)
        feed = feedparser.parse((out / "feed.xml").read_bytes())
        assert feed.bozo == 0, label
        ids = [entry.id for entry in feed.entries]
        assert len(ids) == len(set(ids)) == len(built), label
        leftovers = [p for p in tmp_path.rglob(".tmp-*")]
        assert not leftovers, f"{label}: {leftovers}"
    assert killed >= 18, missed  # nearly every point interrupted a running build
