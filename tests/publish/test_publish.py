"""The publish stage end to end, as the pipeline calls it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import pytest

from audiopaper.errors import PublishError
from audiopaper.publish import (
    FeedConfig,
    list_episodes,
    publish_edition,
    refresh_site,
    remove_edition,
    saved_config,
)
from audiopaper.publish.feed import podcast_guid
from publish.editions import NOW, MakeEpisode

D1, D2 = dt.date(2026, 11, 25), dt.date(2026, 11, 26)


def test_publish_writes_every_file(make_episode: MakeEpisode, out_dir: Path) -> None:
    files = publish_edition(out_dir, make_episode(D2), FeedConfig(), now=NOW)
    names = sorted(re.sub("[0-9a-f]{12}", "HASH", p.relative_to(out_dir).as_posix()) for p in files)
    assert names == [
        "2026-11-26/chapters.json",
        "2026-11-26/cover-HASH.png",
        "2026-11-26/transcript.srt",
        "2026-11-26/transcript.vtt",
        "cover-HASH.png",
        "feed.xml",
        "index.html",
    ]
    assert all(p.is_file() for p in files)
    chapters = json.loads((out_dir / "2026-11-26/chapters.json").read_text("utf-8"))
    assert chapters["fileName"] == "2026-11-26.mp3"
    assert not list(out_dir.rglob(".tmp-*"))


def test_the_feed_lists_every_edition_built(make_episode: MakeEpisode, out_dir: Path) -> None:
    publish_edition(out_dir, make_episode(D1), now=NOW)
    publish_edition(out_dir, make_episode(D2), now=NOW)
    feed = feedparser.parse((out_dir / "feed.xml").read_bytes())
    assert [e.title[-11:] for e in feed.entries] == ["2026年11月26日", "2026年11月25日"]
    assert "2026-11-25/2026-11-25.mp3" in (out_dir / "index.html").read_text("utf-8")


def test_the_enclosure_length_is_measured(make_episode: MakeEpisode, out_dir: Path) -> None:
    episode = dataclasses.replace(make_episode(D1), audio_bytes=1)
    publish_edition(out_dir, episode, now=NOW)
    (record,) = list_episodes(out_dir)
    assert record.audio_bytes == episode.audio_path.stat().st_size


def test_publishing_without_audio_fails_before_the_registry(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    episode = make_episode(D1)
    episode.audio_path.unlink()
    with pytest.raises(PublishError, match="missing"):
        publish_edition(out_dir, episode, now=NOW)
    assert list_episodes(out_dir) == []


def test_remove_edition_updates_feed_and_page(make_episode: MakeEpisode, out_dir: Path) -> None:
    publish_edition(out_dir, make_episode(D1), now=NOW)
    publish_edition(out_dir, make_episode(D2), now=NOW)
    removal = remove_edition(out_dir, "2026-11-25", now=NOW)
    assert out_dir / "2026-11-25" in removal.deleted
    feed = feedparser.parse((out_dir / "feed.xml").read_bytes())
    assert len(feed.entries) == 1
    assert "2026-11-25" not in (out_dir / "index.html").read_text("utf-8")


def test_refresh_site_with_a_new_base_url(make_episode: MakeEpisode, out_dir: Path) -> None:
    publish_edition(out_dir, make_episode(D1), now=NOW)
    refresh_site(out_dir, FeedConfig(base_url="https://pod.example.com/paper"), now=NOW)
    feed = feedparser.parse((out_dir / "feed.xml").read_bytes())
    assert feed.entries[0].enclosures[0].href == (
        "https://pod.example.com/paper/2026-11-25/2026-11-25.mp3"
    )


def test_the_feed_settings_are_remembered(make_episode: MakeEpisode, out_dir: Path) -> None:
    config = FeedConfig(base_url="https://pod.example.com/", title="我的报纸")
    publish_edition(out_dir, make_episode(D1), config, now=NOW)
    publish_edition(out_dir, make_episode(D2), now=NOW)  # no config: the remembered one
    remove_edition(out_dir, "2026-11-25", now=NOW)
    assert saved_config(out_dir) == dataclasses.replace(
        config,
        podcast_guid=podcast_guid(config.feed_url),
        cover_file=saved_config(out_dir).cover_file,
    )
    feed = feedparser.parse((out_dir / "feed.xml").read_bytes())
    assert feed.feed.title == "我的报纸"
    assert feed.entries[0].enclosures[0].href.startswith("https://pod.example.com/")


def test_a_fresh_folder_has_the_default_settings(tmp_path: Path) -> None:
    assert saved_config(tmp_path) == FeedConfig()
