"""The feed, read back by real readers: feedparser, podcastparser and ElementTree XPath."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import podcastparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiopaper.errors import ConfigError
from audiopaper.models import Chapter, Cue
from audiopaper.publish import registry
from audiopaper.publish.feed import (
    PODCAST_NS,
    FeedConfig,
    build_feed,
    podcast_guid,
    write_feed,
    xml_text,
)
from audiopaper.publish.registry import EpisodeRecord
from publish.editions import NOW, MakeEpisode

GOLDEN = Path(__file__).parent / "golden" / "feed.xml"
NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": PODCAST_NS,
    "atom": "http://www.w3.org/2005/Atom",
    "psc": "http://podlove.org/simple-chapters",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
DATES = (dt.date(2026, 11, 24), dt.date(2026, 11, 26), dt.date(2026, 11, 25))
CONFIG = FeedConfig(base_url="http://127.0.0.1:8000/", owner_email="editor@example.com")
# Every show setting, a fixed guid and a move: what a producer's real feed carries.
FULL_CONFIG = FeedConfig(
    base_url="https://pod.example.com/shiliribao/",
    title="示例日报有声版",
    description="示例日报头版的有声版，每天早上更新。",
    author="示例日报社",
    owner_name="示例日报新媒体部",
    owner_email="podcast@example.com",
    category="News",
    subcategory="Daily News",
    copyright="© 2026 示例日报社",
    explicit=False,
    language="zh-cn",
    link="https://www.example.com/",
    cover_file="cover-0123456789ab.png",
    podcast_guid="4f2f1c6a-2f0e-5b5e-9a57-0e0b5f0d6a11",
    previous_feed_urls=("http://old.example.com/feed.xml",),
)
HOSTILE = "A&B <tag>\"quoted\" 'single' ]]> end\x01\x0b\x7f"
HOSTILE_CLEAN = "A&B <tag>\"quoted\" 'single' ]]> end"


def _published(out_dir: Path, make_episode: MakeEpisode, **overrides: str) -> bytes:
    for date in DATES:
        registry.upsert(out_dir, make_episode(date, **overrides))
    path = write_feed(out_dir, registry.list_episodes(out_dir), CONFIG, NOW)
    return path.read_bytes()


NOTES = (
    "本期由合成语音 baker（offline 引擎，配置 offline）朗读。\n\n"
    "1. 头版头条：新规发布\n2. 国际 & 财经\n\n"
    "00:00 开篇：本期导读\n00:15 头版头条：新规发布\n01:35 国际 & 财经"
)


def _record(n: int, title: str = "", description: str = "") -> EpisodeRecord:
    """A fixed record for the golden file (no audio needed: sizes are given)."""
    date = dt.date(2026, 11, 23 + n)
    edition_id = date.isoformat()
    chapters = (
        Chapter("开篇：本期导读", 0, 15_000),
        Chapter("头版头条：新规发布", 15_000, 95_500, 0),
        Chapter("国际 & 财经", 95_500, 180_250, 1),
    )
    return EpisodeRecord(
        edition_id=edition_id,
        title=title or f"11月{23 + n}日｜头版头条：新规发布",
        paper="示例日报",
        date=date,
        audio_file=f"{edition_id}/{edition_id}.mp3",
        audio_bytes=1_000_000 + n,
        duration_s=180.25,
        chapters=chapters,
        cues=(Cue(0, 1000, "本期导读。"),),
        description=description,
        guid=registry.episode_guid("示例日报", edition_id),
        pub_date=registry.publication_time(date),
        built_at=NOW,
        cover_file=f"{edition_id}/cover.png",
    )


def test_feedparser_reads_it_cleanly(make_episode: MakeEpisode, out_dir: Path) -> None:
    feed = feedparser.parse(_published(out_dir, make_episode))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "有声报纸"
    assert feed.feed.language == "zh-cn"
    assert [e.title for e in feed.entries] == [
        "示例日报 2026年11月26日",
        "示例日报 2026年11月25日",
        "示例日报 2026年11月24日",
    ]
    for entry, date in zip(feed.entries, sorted(DATES, reverse=True), strict=True):
        (enclosure,) = entry.enclosures
        mp3 = out_dir / date.isoformat() / f"{date.isoformat()}.mp3"
        assert enclosure.href == f"http://127.0.0.1:8000/{date.isoformat()}/{date.isoformat()}.mp3"
        assert int(enclosure.length) == mp3.stat().st_size > 0
        assert enclosure.type == "audio/mpeg"
        assert entry.itunes_duration == "1"
        assert entry.published == f"{date:%a, %d %b %Y} 06:00:00 +0800"
        assert entry.guidislink is False
        assert "00:00 开篇：本期导读" in entry.summary


def test_a_rebuild_keeps_one_item_with_the_same_guid(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    before = feedparser.parse(_published(out_dir, make_episode))
    after = feedparser.parse(_published(out_dir, make_episode, title="重新生成"))
    assert len(after.entries) == 3
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert {e.title for e in after.entries} == {"重新生成"}


def test_podcastparser_reads_episodes_and_chapters(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    parsed = podcastparser.parse(CONFIG.feed_url, io.BytesIO(_published(out_dir, make_episode)))
    assert parsed["title"] == "有声报纸"
    episodes = parsed["episodes"]
    assert [e["guid"] for e in episodes] == [
        registry.episode_guid("示例日报", d.isoformat()) for d in sorted(DATES, reverse=True)
    ]
    newest = episodes[0]
    (enclosure,) = newest["enclosures"]
    assert enclosure["url"] == CONFIG.url("2026-11-26/2026-11-26.mp3")
    assert enclosure["file_size"] == (out_dir / "2026-11-26/2026-11-26.mp3").stat().st_size
    assert enclosure["mime_type"] == "audio/mpeg"
    assert newest["total_time"] == 1
    assert newest["episode_art_url"] == CONFIG.url("2026-11-26/cover.png")
    # Inline Podlove chapters: podcastparser's only chapter format.
    assert newest["chapters"] == [
        {"start": 0, "title": "开篇：本期导读"},
        {"start": 0, "title": "头版头条"},  # starts at 0.5 s; podcastparser keeps whole seconds
    ]


def test_podcastparser_finds_the_chapters_and_transcript_links(
    make_episode: MakeEpisode, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # podcastparser 0.6 knows the podcast namespace only by its old GitHub URI, not by the
    # official https://podcastindex.org/namespace/1.0 the feed declares: teach it.
    monkeypatch.setitem(podcastparser.Namespace.NAMESPACES, PODCAST_NS, "podcast")
    parsed = podcastparser.parse(CONFIG.feed_url, io.BytesIO(_published(out_dir, make_episode)))
    newest = parsed["episodes"][0]
    assert newest["chapters_json_url"] == CONFIG.url("2026-11-26/chapters.json")
    assert newest["transcript_url"] == CONFIG.url("2026-11-26/transcript.vtt")


def test_xpath_channel_and_items() -> None:
    root = ET.fromstring(build_feed([_record(1), _record(2)], CONFIG, NOW))
    channel = root.find("channel")
    assert root.get("version") == "2.0" and channel is not None
    assert channel.findtext("language") == "zh-cn"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    assert channel.findtext("lastBuildDate") == "Fri, 27 Nov 2026 07:00:00 +0800"
    self_link = channel.find("atom:link[@rel='self']", NS)
    assert self_link is not None and self_link.get("href") == "http://127.0.0.1:8000/feed.xml"
    assert self_link.get("type") == "application/rss+xml"
    category = channel.find("itunes:category[@text='News']", NS)
    assert (
        category is not None
        and category.find("itunes:category[@text='Daily News']", NS) is not None
    )
    assert channel.find("itunes:image", NS).get("href") == "http://127.0.0.1:8000/cover.png"  # type: ignore[union-attr]
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(CONFIG.feed_url)
    locked = channel.find("podcast:locked", NS)
    assert (
        locked is not None and locked.text == "no" and locked.get("owner") == "editor@example.com"
    )
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == "editor@example.com"

    assert channel.find("itunes:new-feed-url", NS) is None  # never moved
    assert channel.find("copyright") is None  # not set

    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        "11月25日｜头版头条：新规发布",
        "11月24日｜头版头条：新规发布",
    ]
    for item in items:
        assert item.find("guid").get("isPermaLink") == "false"  # type: ignore[union-attr]
        assert item.findtext("itunes:duration", namespaces=NS) == "180"
        assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
        chapters = item.find("podcast:chapters", NS)
        assert chapters is not None and chapters.get("type") == "application/json+chapters"
        assert chapters.get("url", "").startswith("http://127.0.0.1:8000/")
        transcripts = item.findall("podcast:transcript", NS)
        assert sorted(t.get("type", "") for t in transcripts) == [
            "application/x-subrip",
            "text/vtt",
        ]
        assert all(t.get("url", "").startswith("http://") for t in transcripts)
        assert item.find("enclosure").get("url", "").startswith("http://")  # type: ignore[union-attr]
        starts = [c.get("start") for c in item.findall("psc:chapters/psc:chapter", NS)]
        assert starts == ["00:00:00.000", "00:00:15.000", "00:01:35.500"]


def test_xpath_show_settings_and_identity() -> None:
    channel = ET.fromstring(build_feed([_record(1)], FULL_CONFIG, NOW)).find("channel")
    assert channel is not None
    assert channel.findtext("link") == "https://www.example.com/"
    assert channel.findtext("image/link") == "https://www.example.com/"
    assert channel.findtext("copyright") == "© 2026 示例日报社"
    assert channel.findtext("itunes:author", namespaces=NS) == "示例日报社"
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS) == "示例日报新媒体部"
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == "podcast@example.com"
    art = "https://pod.example.com/shiliribao/cover-0123456789ab.png"
    assert channel.find("itunes:image", NS).get("href") == art  # type: ignore[union-attr]
    assert channel.findtext("image/url") == art
    # The guid fixed at the first build, not the one the current address would give.
    assert channel.findtext("podcast:guid", namespaces=NS) == FULL_CONFIG.podcast_guid
    assert FULL_CONFIG.podcast_guid != podcast_guid(FULL_CONFIG.feed_url)
    assert channel.findtext("itunes:new-feed-url", namespaces=NS) == (
        "https://pod.example.com/shiliribao/feed.xml"
    )
    assert channel.findtext("item/itunes:explicit", namespaces=NS) == "false"


def test_golden_feed_byte_for_byte() -> None:
    records = [_record(n, description=NOTES) for n in (1, 3, 2)]
    built = build_feed(records, FULL_CONFIG, NOW)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(built)
    assert built == GOLDEN.read_bytes(), "feed changed: rerun with UPDATE_GOLDEN=1 if meant"


def test_hostile_text_never_breaks_the_xml(make_episode: MakeEpisode, out_dir: Path) -> None:
    episode = make_episode(
        dt.date(2026, 11, 26),
        title=HOSTILE,
        titles=[HOSTILE, "正常章节"],
        description=f"简介 {HOSTILE}\n第二行",
    )
    registry.upsert(out_dir, episode)
    hostile_config = dataclasses.replace(CONFIG, title=HOSTILE, description=HOSTILE)
    data = write_feed(out_dir, registry.list_episodes(out_dir), hostile_config, NOW).read_bytes()
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.entries[0].title == HOSTILE_CLEAN
    assert parsed.feed.title == HOSTILE_CLEAN
    item = ET.fromstring(data).find("channel/item")
    assert item is not None
    assert item.findtext("title") == HOSTILE_CLEAN
    assert item.findtext("description") == f"简介 {HOSTILE_CLEAN}\n第二行"
    (first_chapter, _) = item.findall("psc:chapters/psc:chapter", NS)
    assert first_chapter.get("title") == HOSTILE_CLEAN
    html = item.findtext("content:encoded", namespaces=NS)
    escaped = "A&amp;B &lt;tag&gt;&quot;quoted&quot; &#x27;single&#x27; ]]&gt; end"
    assert html == f"<p>简介 {escaped}<br>第二行</p>"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=80))
def test_any_text_round_trips(text: str) -> None:
    record = dataclasses.replace(
        _record(1), title=text, description=text, chapters=(Chapter(text, 0, 1000),)
    )
    data = build_feed([record], dataclasses.replace(CONFIG, title=text), NOW)
    item = ET.fromstring(data).find("channel/item")
    assert item is not None
    assert item.findtext("title", "") == xml_text(text)
    assert item.findtext("description", "") == xml_text(text)
    chapter = item.find("psc:chapters/psc:chapter", NS)
    assert chapter is not None and chapter.get("title") == xml_text(text)
    assert feedparser.parse(data).bozo == 0


def test_description_defaults_to_the_chapter_list() -> None:
    item = ET.fromstring(build_feed([_record(1)], CONFIG, NOW)).find("channel/item")
    assert item is not None
    assert item.findtext("description") == (
        "00:00 开篇：本期导读\n00:15 头版头条：新规发布\n01:35 国际 & 财经"
    )


def test_podcast_guid_matches_the_spec_example() -> None:
    # The Podcasting 2.0 documentation's example feed and its guid.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == podcast_guid(
        "https://mp3s.nashownotes.com/pc20rss.xml"
    )


def test_base_url_must_be_absolute_and_gets_a_slash() -> None:
    assert FeedConfig(base_url="https://example.com/pod").feed_url == (
        "https://example.com/pod/feed.xml"
    )
    with pytest.raises(ConfigError):
        FeedConfig(base_url="output/")


def test_the_clock_is_required_to_be_aware() -> None:
    with pytest.raises(ValueError, match="time zone"):
        build_feed([], CONFIG, dt.datetime(2026, 1, 1))
