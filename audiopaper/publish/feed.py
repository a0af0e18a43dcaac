"""The podcast feed: RSS 2.0 with the iTunes, Podcasting 2.0 and Atom namespaces.

Built with ElementTree, never by pasting strings, so any title is safe; characters XML
cannot carry are dropped. The clock is a parameter so a feed can be rebuilt byte for byte.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from audiopaper.errors import ConfigError
from audiopaper.fsutil import atomic_write_bytes
from audiopaper.kept_regex import compile_kept
from audiopaper.models import Chapter
from audiopaper.publish.categories import check_show_fields
from audiopaper.publish.chapters import JSON_CHAPTERS_TYPE, description_text
from audiopaper.publish.registry import CHINA_TIME, COVER_NAME, EpisodeRecord
from audiopaper.publish.transcript import vtt_timestamp

FEED_NAME = "feed.xml"
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
PSC_NS = "http://podlove.org/simple-chapters"
_PREFIXES = {
    "itunes": ITUNES_NS,
    "podcast": PODCAST_NS,
    "atom": ATOM_NS,
    "content": CONTENT_NS,
    "psc": PSC_NS,
}
# Podcasting 2.0: a feed's guid is uuid5 of its URL (scheme and trailing slashes removed).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

_SCHEME = compile_kept(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_NOT_XML = compile_kept(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FeedConfig:
    """What the feed says about the podcast as a whole (the show settings, see
    :mod:`audiopaper.publish.show`), and where it is served from."""

    base_url: str = DEFAULT_BASE_URL
    title: str = "有声报纸"
    description: str = "报纸版面的有声版：每期一集，附章节与文字稿。"
    author: str = "audiopaper"
    owner_name: str | None = None
    owner_email: str | None = None
    language: str = "zh-cn"
    category: str = "News"
    subcategory: str | None = "Daily News"
    copyright: str | None = None
    explicit: bool = False
    link: str | None = None  # the show's website; the folder's address when unset
    cover: str | None = None  # a producer's image in the output folder (else one is drawn)
    cover_file: str = COVER_NAME  # the channel art published: ``cover`` or the drawn one
    publish_hour: int = 6  # Beijing time an edition comes out on its date
    spoken_disclosure: bool = True  # the opening says a synthetic voice reads
    generator: str = "audiopaper"
    # Identity, kept by the output folder: fixed at the first build, and the feed
    # addresses used before this one (a moved feed names its new address).
    podcast_guid: str | None = None
    previous_feed_urls: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"the base URL {self.base_url!r} is not an absolute http(s) URL",
                hint="give the address the folder is served from, e.g. http://127.0.0.1:8000/",
            )
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")
        object.__setattr__(self, "previous_feed_urls", tuple(self.previous_feed_urls))
        check_show_fields(self)

    def url(self, name: str) -> str:
        """The absolute URL of a file in the output folder."""
        return urljoin(self.base_url, quote(name))

    @property
    def feed_url(self) -> str:
        return self.url(FEED_NAME)

    @property
    def cover_url(self) -> str:
        return self.url(self.cover_file)

    @property
    def guid(self) -> str:
        """The show's ``podcast:guid``: the one fixed at its first build, or the one its
        current address gives."""
        return self.podcast_guid or podcast_guid(self.feed_url)


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 ``podcast:guid`` of a feed URL."""
    bare = _SCHEME.sub("", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (or should not), and with
    plain ``\n`` line ends (a parser would turn ``\r`` into ``\n`` anyway)."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def rfc2822(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("feed times need a time zone")
    return format_datetime(moment.astimezone(CHINA_TIME))


def episode_description(record: EpisodeRecord) -> str:
    return record.description or description_text(record.chapters)


def build_feed(records: Sequence[EpisodeRecord], config: FeedConfig, now: dt.datetime) -> bytes:
    """The feed document, items newest first (by date, then edition id)."""
    for prefix, uri in _PREFIXES.items():
        ET.register_namespace(prefix, uri)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _channel(rss, config, now)
    ordered = sorted(records, key=lambda r: (r.date, r.edition_id), reverse=True)
    for record in ordered:
        _item(channel, record, config)
    ET.indent(rss, space="  ")
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def write_feed(
    out_dir: Path, records: Sequence[EpisodeRecord], config: FeedConfig, now: dt.datetime
) -> Path:
    path = Path(out_dir) / FEED_NAME
    atomic_write_bytes(path, build_feed(records, config, now))
    return path


def _sub(parent: ET.Element, tag: str, content: str | None = None, **attrs: str) -> ET.Element:
    """A child element; ``content`` is its text, keywords are attributes."""
    element = ET.SubElement(parent, _qualified(tag), {k: xml_text(v) for k, v in attrs.items()})
    if content is not None:
        element.text = xml_text(content)
    return element


def _qualified(tag: str) -> str:
    prefix, _, local = tag.rpartition(":")
    return f"{{{_PREFIXES[prefix]}}}{local}" if prefix else tag


def _channel(rss: ET.Element, config: FeedConfig, now: dt.datetime) -> ET.Element:
    channel = _sub(rss, "channel")
    _sub(channel, "title", config.title)
    _sub(channel, "link", config.link or config.base_url)
    _sub(channel, "description", config.description)
    _sub(channel, "language", config.language)
    if config.copyright:
        _sub(channel, "copyright", config.copyright)
    _sub(channel, "atom:link", href=config.feed_url, rel="self", type="application/rss+xml")
    _sub(channel, "generator", config.generator)
    _sub(channel, "lastBuildDate", rfc2822(now))
    image = _sub(channel, "image")
    _sub(image, "url", config.cover_url)
    _sub(image, "title", config.title)
    _sub(image, "link", config.link or config.base_url)
    _itunes_channel(channel, config)
    _sub(channel, "podcast:guid", config.guid)
    locked = {"owner": config.owner_email} if config.owner_email else {}
    _sub(channel, "podcast:locked", "no", **locked)
    return channel


def _itunes_channel(channel: ET.Element, config: FeedConfig) -> None:
    if config.previous_feed_urls:
        # The feed moved: apps that still poll an old address find the new one here.
        _sub(channel, "itunes:new-feed-url", config.feed_url)
    _sub(channel, "itunes:author", config.author)
    _sub(channel, "itunes:image", href=config.cover_url)
    category = _sub(channel, "itunes:category", text=config.category)
    if config.subcategory:
        _sub(category, "itunes:category", text=config.subcategory)
    _sub(channel, "itunes:explicit", _yes_no(config.explicit))
    _sub(channel, "itunes:type", "episodic")
    if config.owner_email:
        owner = _sub(channel, "itunes:owner")
        _sub(owner, "itunes:name", config.owner_name or config.author)
        _sub(owner, "itunes:email", config.owner_email)


def _yes_no(flag: bool) -> str:
    return "true" if flag else "false"


def _item(channel: ET.Element, record: EpisodeRecord, config: FeedConfig) -> None:
    item = _sub(channel, "item")
    description = episode_description(record)
    _sub(item, "title", record.title)
    _sub(item, "link", f"{config.base_url}#{record.edition_id}")
    _sub(item, "description", description)
    _sub(item, "content:encoded", _html_paragraphs(description))
    _sub(item, "guid", record.guid, isPermaLink="false")
    _sub(item, "pubDate", rfc2822(record.pub_date))
    _sub(
        item,
        "enclosure",
        url=config.url(record.audio_file),
        length=str(record.audio_bytes),
        type="audio/mpeg",
    )
    _sub(item, "itunes:duration", str(round(record.duration_s)))
    _sub(item, "itunes:image", href=config.url(record.cover_file))
    _sub(item, "itunes:episodeType", "full")
    _sub(item, "itunes:explicit", _yes_no(config.explicit))
    _sub(item, "podcast:chapters", url=config.url(record.chapters_file), type=JSON_CHAPTERS_TYPE)
    # Apps that keep only one transcript tend to keep the last: WebVTT, which has timing.
    _sub(item, "podcast:transcript", url=config.url(record.srt_file), type="application/x-subrip")
    _sub(
        item,
        "podcast:transcript",
        url=config.url(record.vtt_file),
        type="text/vtt",
        language=config.language,
        rel="captions",
    )
    _psc_chapters(item, record.chapters)


def _psc_chapters(item: ET.Element, chapters: Sequence[Chapter]) -> None:
    """Podlove Simple Chapters inline, for apps that read no JSON chapters."""
    if not chapters:
        return
    element = _sub(item, "psc:chapters", version="1.2")
    for chapter in sorted(chapters, key=lambda c: c.start_ms):
        _sub(element, "psc:chapter", start=vtt_timestamp(chapter.start_ms), title=chapter.title)


def _html_paragraphs(text: str) -> str:
    blocks = [b for b in xml_text(text).split("\n\n") if b.strip()]
    return "".join(f"<p>{'<br>'.join(escape(line) for line in b.splitlines())}</p>" for b in blocks)
