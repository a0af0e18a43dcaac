"""Show settings: kept in the folder's registry, set by ``audiopaper show``, written by
the feed and read back by feedparser, podcastparser and XPath; the show's identity
(guid, moves), honest publication dates and episode titles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import podcastparser
import pytest
from PIL import Image
from typer.testing import CliRunner

from audiopaper.cli import app
from audiopaper.errors import ConfigError, InputError
from audiopaper.models import Article, Edition, Paragraph
from audiopaper.publish import list_episodes, publish_edition, refresh_site, saved_config
from audiopaper.publish.feed import FeedConfig, podcast_guid
from audiopaper.publish.show import (
    check_cover_image,
    episode_title,
    load_config,
    publication_time,
    update_show,
)
from publish.editions import NOW, MakeEpisode

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
D1 = dt.date(2026, 11, 26)
PUBLIC = "https://pod.example.com/binjiang/"
SETTINGS = {
    "title": "滨江日报有声版",
    "description": "每天早上，滨江日报头版的有声版。",
    "author": "滨江日报社",
    "owner_name": "滨江日报新媒体部",
    "owner_email": "podcast@binjiang.example.com",
    "category": "News",
    "subcategory": "Politics",
    "copyright": "© 2026 滨江日报社",
    "explicit": True,
    "language": "zh-cn",
    "link": "https://binjiang.example.com/",
}


def _image(path: Path, size: tuple[int, int], mode: str = "RGB", fmt: str = "PNG") -> Path:
    color: object = (30, 60, 90) if mode in ("RGB", "RGBA") else 0
    if mode == "CMYK":
        color = (0, 50, 50, 0)
    Image.new(mode, size, color).save(path, fmt)  # type: ignore[arg-type]
    return path


def _channel(out_dir: Path) -> ET.Element:
    channel = ET.fromstring((out_dir / "feed.xml").read_bytes()).find("channel")
    assert channel is not None
    return channel


def test_the_feed_writes_every_show_setting(make_episode: MakeEpisode, out_dir: Path) -> None:
    art = _image(out_dir.parent / "art.png", (1400, 1400))
    update_show(out_dir, {**SETTINGS, "cover": str(art)})
    publish_edition(out_dir, make_episode(D1), now=NOW)
    data = (out_dir / "feed.xml").read_bytes()

    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    feed = parsed.feed
    assert feed.title == "滨江日报有声版"
    assert feed.subtitle == "每天早上，滨江日报头版的有声版。"
    # feedparser reads the owner's name as the author; the author is checked below.
    assert feed.publisher_detail == {
        "name": "滨江日报新媒体部",
        "email": "podcast@binjiang.example.com",
    }
    assert feed.rights == "© 2026 滨江日报社"
    # Apple's spelling is true/false; feedparser 6 knows only yes/clean (checked below).
    assert feed.language == "zh-cn"
    assert feed.link == "https://binjiang.example.com/"
    assert [t.term for t in feed.tags] == ["News", "Politics"]
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/show-cover-[0-9a-f]{12}\.png", feed.image.href)

    podcast = podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(data))
    assert podcast["title"] == "滨江日报有声版"
    assert podcast["description"] == "每天早上，滨江日报头版的有声版。"
    assert podcast["itunes_author"] == "滨江日报社"
    assert podcast["itunes_owner"] == {
        "name": "滨江日报新媒体部",
        "email": "podcast@binjiang.example.com",
    }
    assert podcast["itunes_categories"] == [["News", "Politics"]]
    assert podcast["explicit"] is True
    assert podcast["link"] == "https://binjiang.example.com/"
    assert podcast["cover_url"] == feed.image.href

    channel = _channel(out_dir)
    assert channel.findtext("copyright") == "© 2026 滨江日报社"
    assert channel.findtext("itunes:author", namespaces=NS) == "滨江日报社"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "true"
    assert channel.findtext("item/itunes:explicit", namespaces=NS) == "true"
    locked = channel.find("podcast:locked", NS)
    assert locked is not None and locked.get("owner") == "podcast@binjiang.example.com"
    served = out_dir / feed.image.href.rsplit("/", 1)[1]
    assert served.read_bytes() == art.read_bytes()


def test_settings_survive_later_builds_and_feed_commands(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    update_show(out_dir, SETTINGS)
    publish_edition(out_dir, make_episode(D1), now=NOW)
    refresh_site(out_dir, dataclasses.replace(saved_config(out_dir), base_url=PUBLIC), now=NOW)
    config = load_config(out_dir)
    assert {k: getattr(config, k) for k in SETTINGS} == SETTINGS
    assert config.base_url == PUBLIC


def test_a_new_category_drops_the_old_subcategory(out_dir: Path) -> None:
    update_show(out_dir, {"category": "Technology"})
    assert (load_config(out_dir).category, load_config(out_dir).subcategory) == ("Technology", None)
    with pytest.raises(ConfigError, match="not a subcategory of 'Technology'"):
        update_show(out_dir, {"subcategory": "Daily News"})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"category": "Newz"}, "not an Apple Podcasts category"),
        ({"subcategory": "Cooking"}, "not a subcategory of 'News'"),
        ({"owner_email": "not an address"}, "not an e-mail address"),
        ({"language": "中文"}, "not a language tag"),
        ({"link": "binjiang.example.com"}, "not an absolute http"),
        ({"publish_hour": 24}, "not an hour of the day"),
        ({"publish_hour": "6"}, "not an hour of the day"),
        ({"title": "  "}, "title cannot be empty"),
    ],
)
def test_settings_a_directory_would_reject_are_refused(
    out_dir: Path, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        update_show(out_dir, changes)
    assert load_config(out_dir) == FeedConfig()  # nothing was stored


@pytest.mark.parametrize(
    ("size", "mode", "fmt", "message"),
    [
        ((1400, 1500), "RGB", "PNG", "1400×1500"),
        ((1000, 1000), "RGB", "PNG", "1000×1000"),
        ((3200, 3200), "RGB", "PNG", "3200×3200"),
        ((1400, 1400), "RGBA", "PNG", "RGBA colour"),
        ((1400, 1400), "CMYK", "JPEG", "CMYK colour"),
        ((1400, 1400), "P", "GIF", "GIF, not PNG or JPEG"),
    ],
)
def test_a_cover_must_be_a_square_rgb_png_or_jpeg_of_1400_to_3000(
    tmp_path: Path, size: tuple[int, int], mode: str, fmt: str, message: str
) -> None:
    path = _image(tmp_path / f"art.{fmt.lower()}", size, mode, fmt)
    with pytest.raises(InputError, match=message):
        check_cover_image(path)


def test_a_good_jpeg_cover_is_taken(tmp_path: Path) -> None:
    data, extension = check_cover_image(_image(tmp_path / "a.jpg", (3000, 3000), fmt="JPEG"))
    assert extension == "jpg" and data[:2] == b"\xff\xd8"
    with pytest.raises(InputError, match="not a file"):
        check_cover_image(Path("/dev/zero"))
    with pytest.raises(InputError, match="not a file"):
        check_cover_image(tmp_path)
    not_a_picture = tmp_path / "x.png"
    not_a_picture.write_text("not a picture", "utf-8")
    with pytest.raises(InputError, match="not an image"):
        check_cover_image(not_a_picture)


def test_the_drawn_channel_cover_has_a_content_hash_in_its_name(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    publish_edition(out_dir, make_episode(D1), now=NOW)
    first = _channel(out_dir).find("itunes:image", NS)
    assert first is not None
    first_name = first.get("href", "").rsplit("/", 1)[1]
    assert re.fullmatch(r"cover-[0-9a-f]{12}\.png", first_name)
    update_show(out_dir, {"title": "另一个节目名"})
    refresh_site(out_dir, now=NOW)
    second = _channel(out_dir).find("itunes:image", NS)
    assert second is not None
    second_name = second.get("href", "").rsplit("/", 1)[1]
    assert second_name != first_name  # a new picture, a new URL
    assert (out_dir / second_name).is_file() and not (out_dir / first_name).exists()
    (record,) = list_episodes(out_dir)
    assert re.fullmatch(r"2026-11-26/cover-[0-9a-f]{12}\.png", record.cover_file)
    assert (out_dir / record.cover_file).is_file()


def test_the_podcast_guid_is_fixed_at_the_first_public_build(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    publish_edition(out_dir, make_episode(D1), now=NOW)  # a local preview first
    first = FeedConfig(base_url=PUBLIC)
    refresh_site(out_dir, first, now=NOW)
    guid = _channel(out_dir).findtext("podcast:guid", namespaces=NS)
    assert guid == podcast_guid(first.feed_url)
    assert _channel(out_dir).find("itunes:new-feed-url", NS) is None  # a preview is no move

    moved = FeedConfig(base_url="https://cdn.example.org/podcasts/binjiang")
    refresh_site(out_dir, moved, now=NOW)
    channel = _channel(out_dir)
    assert channel.findtext("podcast:guid", namespaces=NS) == guid  # kept for life
    assert channel.findtext("itunes:new-feed-url", namespaces=NS) == moved.feed_url
    self_link = channel.find("atom:link[@rel='self']", NS)
    assert self_link is not None and self_link.get("href") == moved.feed_url
    parsed = podcastparser.parse(first.feed_url, io.BytesIO((out_dir / "feed.xml").read_bytes()))
    assert parsed["new_url"] == moved.feed_url  # an app polling the old address follows

    publish_edition(out_dir, make_episode(dt.date(2026, 11, 27)), now=NOW)  # a later build
    assert _channel(out_dir).findtext("podcast:guid", namespaces=NS) == guid
    assert load_config(out_dir).previous_feed_urls == (first.feed_url,)


def test_an_edition_built_the_evening_before_is_dated_its_build() -> None:
    evening = dt.datetime(2026, 11, 26, 14, 30, 5, 123, tzinfo=dt.UTC)  # 22:30 in Beijing
    moment = publication_time(dt.date(2026, 11, 27), 6, evening)
    assert moment.isoformat() == "2026-11-26T22:30:05+08:00"
    later = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)  # 11:00 in Beijing
    assert publication_time(dt.date(2026, 11, 27), 7, later).isoformat() == (
        "2026-11-27T07:00:00+08:00"
    )


def test_pub_date_is_never_after_the_build_and_kept_on_rebuild(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    update_show(out_dir, {"publish_hour": 8})
    tomorrow = dt.date(2026, 11, 27)
    built = dataclasses.replace(make_episode(tomorrow), built_at=NOW)  # 07:00 on the 27th
    publish_edition(out_dir, built, now=NOW)
    rebuilt = dataclasses.replace(built, built_at=NOW + dt.timedelta(days=1))
    publish_edition(out_dir, rebuilt, now=NOW + dt.timedelta(days=1))
    publish_edition(out_dir, make_episode(dt.date(2026, 11, 20)), now=NOW)
    entries = feedparser.parse((out_dir / "feed.xml").read_bytes()).entries
    assert [e.published for e in entries] == [
        "Fri, 27 Nov 2026 07:00:00 +0800",  # the build, an hour before 08:00
        "Fri, 20 Nov 2026 08:00:00 +0800",  # the publish hour
    ]
    assert all(
        dt.datetime(*e.published_parsed[:6], tzinfo=dt.UTC) <= NOW + dt.timedelta(days=1)
        for e in entries
    )


def test_episode_titles_carry_the_date_and_the_lead_story() -> None:
    edition = Edition(
        "滨江日报",
        dt.date(2024, 3, 18),
        (
            Article("滨江区全力打造\n沿江生态廊道", (Paragraph("正文。"),)),
            Article("第二篇", (Paragraph("正文。"),)),
        ),
    )
    assert episode_title(edition) == "3月18日｜滨江区全力打造 沿江生态廊道"
    assert "滨江日报" not in episode_title(edition)  # the show's name is not repeated
    empty = Edition("滨江日报", dt.date(2024, 3, 19), ())
    assert episode_title(empty) == "3月19日｜滨江日报"


def test_show_command_prints_and_sets(out_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(app, ["show", "--out", str(out_dir)])
    assert printed.exit_code == 0, printed.output
    assert re.search(r"^owner-email\s+\(not set\)$", printed.output, re.M)
    assert re.search(r"^category\s+News$", printed.output, re.M)
    assert re.search(r"^podcast-guid\s+\(fixed at the first build", printed.output, re.M)
    art = _image(tmp_path / "art.png", (1500, 1500))
    result = runner.invoke(
        app,
        [
            "show",
            "--out",
            str(out_dir),
            "--owner-name",
            "新媒体部",
            "--owner-email",
            "pod@example.com",
            "--category",
            "News",
            "--subcategory",
            "Daily News",
            "--explicit",
            "--cover",
            str(art),
            "--publish-hour",
            "7",
            "--no-spoken-disclosure",
        ],
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"^owner-email\s+pod@example\.com$", result.output, re.M)
    assert re.search(r"^cover\s+show-cover-[0-9a-f]{12}\.png$", result.output, re.M)
    config = load_config(out_dir)
    assert (config.owner_name, config.explicit, config.publish_hour) == ("新媒体部", True, 7)
    assert config.spoken_disclosure is False
    again = runner.invoke(app, ["show", "--out", str(out_dir)])
    assert re.search(r"^explicit\s+yes$", again.output, re.M)


def test_show_command_rejects_bad_values_with_one_line(out_dir: Path, tmp_path: Path) -> None:
    small = _image(tmp_path / "small.png", (500, 500))
    result = CliRunner().invoke(app, ["show", "--out", str(out_dir), "--cover", str(small)])
    assert result.exit_code == 1
    assert "audiopaper: error: the cover" in result.output and "500×500" in result.output
    result = CliRunner().invoke(app, ["show", "--out", str(out_dir), "--category", "Newz"])
    assert result.exit_code == 1 and "not an Apple Podcasts category" in result.output


def test_a_folder_from_before_the_show_table_keeps_its_settings_and_guid(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    from audiopaper.publish.registry import save_settings, upsert

    upsert(out_dir, make_episode(D1))
    old = {"base_url": PUBLIC, "title": "旧节目名", "owner_email": "old@example.com"}
    save_settings(out_dir, "feed", old)  # where earlier versions kept the feed settings
    config = load_config(out_dir)
    assert (config.base_url, config.title, config.owner_email) == tuple(old.values())
    refresh_site(out_dir, now=NOW)
    channel = _channel(out_dir)
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(PUBLIC + "feed.xml")
    assert channel.find("itunes:new-feed-url", NS) is None
    assert channel.findtext("title") == "旧节目名"
