"""The registry is an index of the edition folders, never their only record: a registry
deleted, emptied, overwritten or half-written is rebuilt from the folders (guids, titles
and feed settings kept), a bad row is skipped with a warning, and an edition whose files
were deleted by hand leaves the feed with a warning instead of becoming a 404."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from audiopaper.manifest import Manifest, write_manifest
from audiopaper.publish import (
    FeedConfig,
    list_episodes,
    publish_edition,
    refresh_site,
    registry,
    remove_edition,
    saved_config,
)
from publish.editions import NOW, MakeEpisode

DATES = [dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 26)]
CONFIG = FeedConfig(base_url="https://example.org/paper/", title="示例日报")


def publish_three(make_episode: MakeEpisode, out: Path) -> dict[str, str]:
    """Three editions published; their guids by edition id."""
    for date in DATES:
        publish_edition(out, make_episode(date), CONFIG, now=NOW)
    return {r.edition_id: r.guid for r in list_episodes(out)}


def feed_entries(out: Path) -> list[tuple[str, str]]:
    """(guid, enclosure URL) of each feed entry, as a podcast app reads them."""
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return [(e.id, e.enclosures[0].href) for e in feed.entries]


def deleted(db: Path) -> None:
    db.unlink()


def emptied(db: Path) -> None:
    db.write_bytes(b"")


def overwritten(db: Path) -> None:
    db.write_bytes(os.urandom(8192))


def half_written(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2] + b"\0" * 512)


def rows_wiped(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM episodes")
        connection.execute("DELETE FROM settings")
    connection.close()


CORRUPTIONS: list[Callable[[Path], None]] = [
    deleted,
    emptied,
    overwritten,
    half_written,
    rows_wiped,
]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__)
def test_no_edition_leaves_the_feed_because_of_the_registry(
    make_episode: MakeEpisode, out_dir: Path, corrupt: Callable[[Path], None]
) -> None:
    guids = publish_three(make_episode, out_dir)
    before = feed_entries(out_dir)
    corrupt(out_dir / registry.DB_NAME)
    refresh_site(out_dir, now=NOW)  # what the next build or `audiopaper feed` does
    assert feed_entries(out_dir) == before
    assert {r.edition_id: r.guid for r in list_episodes(out_dir)} == guids
    assert saved_config(out_dir).base_url == CONFIG.base_url  # settings survive too


@pytest.mark.parametrize("corrupt", [overwritten, half_written], ids=lambda f: f.__name__)
def test_a_damaged_registry_is_kept_aside_not_deleted(
    make_episode: MakeEpisode, out_dir: Path, corrupt: Callable[[Path], None]
) -> None:
    publish_three(make_episode, out_dir)
    corrupt(out_dir / registry.DB_NAME)
    damaged = (out_dir / registry.DB_NAME).read_bytes()
    result = registry.repair(out_dir)
    assert result.kept_aside is not None and result.kept_aside.read_bytes() == damaged
    assert result.kept_aside.name.endswith(".sqlite")  # hidden from `serve` like the registry
    assert sorted(result.restored) == [d.isoformat() for d in DATES]


def test_editions_from_before_the_row_copy_are_rebuilt_from_manifest_and_tags(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    """Folders without ``.episode.json``: chapters and cues from ``edition.json``, title
    and paper from the MP3's ID3 tag."""
    from mutagen.id3 import ID3, TALB, TIT2

    episode = make_episode(DATES[0], titles=["开篇：本期导读", "沿江步道开放", "夜市重开"])
    publish_edition(out_dir, episode, CONFIG, now=NOW)
    folder = out_dir / episode.edition_id
    write_manifest(
        folder,
        Manifest("x", episode.duration_s, episode.chapters, episode.cues, {}, {}, 3),
    )
    tags = ID3()
    tags.add(TIT2(encoding=3, text="示例日报 2026年11月24日"))
    tags.add(TALB(encoding=3, text="示例日报"))
    tags.save(episode.audio_path)
    (folder / registry.ROW_NAME).unlink()
    (out_dir / registry.DB_NAME).unlink()
    (record,) = list_episodes(out_dir)
    assert (record.title, record.paper, record.date) == (
        "示例日报 2026年11月24日",
        "示例日报",
        DATES[0],
    )
    assert record.chapters == episode.chapters and record.cues == episode.cues
    assert record.guid == registry.episode_guid("示例日报", episode.edition_id)
    assert "沿江步道开放" in record.description
    assert record.audio_bytes == episode.audio_path.stat().st_size


def test_an_edition_removed_with_its_files_kept_stays_out(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    publish_three(make_episode, out_dir)
    remove_edition(out_dir, "2026-11-25", delete_files=False, now=NOW)
    (out_dir / registry.DB_NAME).unlink()
    result = registry.repair(out_dir)
    assert "2026-11-25" not in result.restored
    assert [r.edition_id for r in list_episodes(out_dir)] == ["2026-11-26", "2026-11-24"]
    publish_edition(out_dir, make_episode(DATES[1]), now=NOW)  # built again: back in
    assert len(list_episodes(out_dir)) == 3


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("date", "0001-01-01"),
        ("date", "2026-13-01"),
        ("chapters_json", "not json"),
        ("duration_s", "x"),
        ("audio_file", "../../etc/passwd"),
        ("cover_file", "/etc/passwd"),
    ],
)
def test_a_bad_row_is_skipped_with_a_warning_and_can_be_removed(
    make_episode: MakeEpisode,
    out_dir: Path,
    caplog: pytest.LogCaptureFixture,
    column: str,
    value: str,
) -> None:
    publish_three(make_episode, out_dir)
    with sqlite3.connect(out_dir / registry.DB_NAME) as connection:
        connection.execute(
            f"UPDATE episodes SET {column} = ? WHERE edition_id = '2026-11-25'", (value,)
        )
    connection.close()
    caplog.set_level(logging.WARNING)
    assert [r.edition_id for r in list_episodes(out_dir)] == ["2026-11-26", "2026-11-24"]
    assert any("skipping edition 2026-11-25" in r.getMessage() for r in caplog.records)
    refresh_site(out_dir, now=NOW)  # the feed is written without it, never crashes
    assert len(feed_entries(out_dir)) == 2
    listed = subprocess.run(
        [sys.executable, "-m", "audiopaper", "episodes", "list", "--out", str(out_dir)],
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0 and "warning: skipping edition 2026-11-25" in listed.stderr
    removal = remove_edition(out_dir, "2026-11-25", now=NOW)
    assert removal.edition_id == "2026-11-25" and not (out_dir / "2026-11-25").exists()


@pytest.mark.parametrize("gone", ["mp3", "folder"])
def test_an_edition_deleted_by_hand_leaves_the_feed_with_a_warning(
    make_episode: MakeEpisode, out_dir: Path, caplog: pytest.LogCaptureFixture, gone: str
) -> None:
    import shutil

    publish_three(make_episode, out_dir)
    if gone == "mp3":
        (out_dir / "2026-11-25" / "2026-11-25.mp3").unlink()
    else:
        shutil.rmtree(out_dir / "2026-11-25")
    caplog.set_level(logging.WARNING)
    refresh_site(out_dir, now=NOW)
    urls = [url for _, url in feed_entries(out_dir)]
    assert len(urls) == 2 and not any("2026-11-25" in url for url in urls)
    assert "2026-11-25" not in (out_dir / "index.html").read_text("utf-8")
    assert any(
        "edition 2026-11-25 is left out of the feed" in r.getMessage() for r in caplog.records
    )
    listed = subprocess.run(
        [sys.executable, "-m", "audiopaper", "episodes", "list", "--out", str(out_dir)],
        capture_output=True,
        text=True,
    )
    assert "2026-11-25" in listed.stdout and "not in the feed" in listed.stdout


def test_the_repair_command(make_episode: MakeEpisode, out_dir: Path) -> None:
    publish_three(make_episode, out_dir)
    (out_dir / registry.DB_NAME).write_bytes(b"this is not a database" * 100)
    (out_dir / "feed.xml").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "audiopaper", "episodes", "repair", "--out", str(out_dir)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "3 editions restored" in done.stdout and "kept the damaged registry" in done.stdout
    assert len(feed_entries(out_dir)) == 3


def test_terminal_escapes_in_titles_are_not_printed(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    hostile = "示例\x1b]0;owned\x07日报\x1b[2J\u202e"
    publish_edition(out_dir, make_episode(DATES[0], title=hostile), now=NOW)
    listed = subprocess.run(
        [sys.executable, "-m", "audiopaper", "episodes", "list", "--out", str(out_dir)],
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    assert "\u202e" not in listed.stdout and "示例" in listed.stdout


# -- end to end: a killed build and a destroyed registry ----------------------------------

PAGE = "# 江城晚报 {date}\n\n## {title}\n\n{body}\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", *args], capture_output=True, text=True, timeout=600
    )


def test_a_killed_build_and_a_destroyed_registry_lose_no_edition(tmp_path: Path) -> None:
    import signal
    import time

    out, cache = tmp_path / "out", tmp_path / "cache"
    first = tmp_path / "in" / "a.md"
    first.parent.mkdir()
    first.write_text(
        PAGE.format(date="2024年7月1日", title="河堤加固完工", body="河堤加固工程完工。")
    )
    second = tmp_path / "in" / "b.md"
    body = "小区加装电梯。" + "首批六部电梯已经运行，居民出行更方便。" * 6
    second.write_text(PAGE.format(date="2024年7月2日", title="小区加装电梯", body=body))
    built = run("build", str(first), "--out", str(out), "--cache", str(cache), "--quiet")
    assert built.returncode == 0, built.stderr
    ((guid_a, _),) = feed_entries(out)
    clips_after_a = len(list(cache.rglob("*.clip")))

    build_b = [sys.executable, "-m", "audiopaper", "build", str(second), "--out", str(out)]
    process = subprocess.Popen([*build_b, "--cache", str(cache), "--quiet", "--jobs", "1"])
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(cache.rglob("*.clip"))) > clips_after_a + 1:
            process.send_signal(signal.SIGKILL)  # mid-synthesis
            break
        time.sleep(0.05)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the build finished before it was killed"
    (out / registry.DB_NAME).write_bytes(os.urandom(4096))  # and the registry destroyed

    refreshed = run("feed", "--out", str(out))
    assert refreshed.returncode == 0, refreshed.stderr
    assert [guid for guid, _ in feed_entries(out)] == [guid_a]

    rebuilt = run("build", str(second), "--out", str(out), "--cache", str(cache), "--quiet")
    assert rebuilt.returncode == 0, rebuilt.stderr
    entries = feed_entries(out)
    assert len(entries) == 2 and entries[1][0] == guid_a
    assert [url.rsplit("/", 1)[1] for _, url in entries] == ["2024-07-02.mp3", "2024-07-01.mp3"]
