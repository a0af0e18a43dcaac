"""The web page's structure, read with html.parser: landmarks, labels, no outside resources."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from audiopaper.publish import registry
from audiopaper.publish.feed import FeedConfig
from audiopaper.publish.webpage import render_index, write_index
from publish.editions import MakeEpisode

CONFIG = FeedConfig()


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def _page(out_dir: Path, make_episode: MakeEpisode, **overrides: object) -> Page:
    for date in (dt.date(2026, 11, 25), dt.date(2026, 11, 26)):
        registry.upsert(out_dir, make_episode(date, **overrides))
    path = write_index(out_dir, registry.list_episodes(out_dir), CONFIG)
    page = Page()
    page.feed(path.read_text("utf-8"))
    return page


def test_landmarks_language_and_feed_link(make_episode: MakeEpisode, out_dir: Path) -> None:
    page = _page(out_dir, make_episode)
    assert page.all("html") == [{"lang": "zh-CN"}]
    for landmark in ("header", "main", "footer"):
        assert len(page.all(landmark)) == 1
    (alternate,) = [a for a in page.all("link") if a.get("rel") == "alternate"]
    assert alternate == {
        "rel": "alternate",
        "type": "application/rss+xml",
        "title": "有声报纸",
        "href": "feed.xml",
    }
    assert any(a.get("href") == "feed.xml" for a in page.all("a"))


def test_players_chapters_and_transcripts_are_labelled(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    page = _page(out_dir, make_episode)
    audios = page.all("audio")
    assert len(audios) == 2
    for audio in audios:
        assert audio["preload"] == "metadata" and "controls" in audio
        assert audio["aria-label"].startswith("播放：")
    assert audios[0]["src"] == "2026-11-26/2026-11-26.mp3"  # newest first
    tracks = page.all("track")
    assert [t["src"] for t in tracks] == ["2026-11-26/transcript.vtt", "2026-11-25/transcript.vtt"]
    assert all(t["kind"] == "captions" and t["srclang"] == "zh" for t in tracks)
    navs = page.all("nav")
    assert len(navs) == 2 and all(n["aria-label"].startswith("章节：") for n in navs)
    buttons = page.all("button")
    assert [b["data-start"] for b in buttons] == ["0.000", "0.500"] * 2
    assert all(b["type"] == "button" for b in buttons)
    transcripts = [o for o in page.all("ol") if "transcript" in o.get("class", "")]
    assert all(o["aria-label"].startswith("文字稿：") and o["tabindex"] == "0" for o in transcripts)
    cues = [li for li in page.all("li") if "data-end" in li]
    assert len(cues) == 8
    assert page.all("main")[0]["id"] == "main"


def test_no_outside_resources(make_episode: MakeEpisode, out_dir: Path) -> None:
    page = _page(out_dir, make_episode)
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name, "")
            assert not value.startswith(("http:", "https:", "//")), (tag, value)
    assert not [s for s in page.all("script") if "src" in s]
    assert not [link for link in page.all("link") if link.get("rel") == "stylesheet"]


def test_ids_are_unique(make_episode: MakeEpisode, out_dir: Path) -> None:
    page = _page(out_dir, make_episode)
    ids = Counter(attrs["id"] for _, attrs in page.tags if "id" in attrs)
    assert ids and max(ids.values()) == 1


def test_shortcuts_are_documented(make_episode: MakeEpisode, out_dir: Path) -> None:
    text = "".join(_page(out_dir, make_episode).text)
    for key in ("k", "n", "p", "[", "]", "Tab", "Enter"):
        assert f"{key}" in text
    assert "下一章" in text and "上一章" in text


def test_hostile_titles_stay_text(make_episode: MakeEpisode, out_dir: Path) -> None:
    hostile = '<script>alert("x")</script> & </ol>\x01'
    page = _page(out_dir, make_episode, title=hostile, titles=[hostile, "二"])
    assert len(page.all("script")) == 1  # only the page's own
    assert '<script>alert("x")</script> & </ol>' in "".join(page.text)
    assert all(
        a["aria-label"] == '播放：<script>alert("x")</script> & </ol>' for a in page.all("audio")
    )


def test_an_empty_registry_still_gives_a_page() -> None:
    html = render_index([], CONFIG)
    assert "还没有节目" in html and "<main" in html


def test_a_quote_in_the_paper_name_adds_no_attribute(tmp_path: Path) -> None:
    """A ``"`` in the show title (from a masthead, --paper or feed --title) stays inside
    the attributes it is written into; it never opens new ones such as onclick."""
    hostile = '报" onclick="alert(1)" x="'
    config = FeedConfig(title=hostile)
    page = Page()
    page.feed(write_index(tmp_path, [], config).read_text("utf-8"))
    (alternate,) = [a for a in page.all("link") if a.get("rel") == "alternate"]
    assert set(alternate) == {"rel", "type", "title", "href"}
    assert alternate["title"] == hostile
    assert not [attrs for _, attrs in page.tags if "onclick" in attrs or "x" in attrs]
    assert "".join(page.text).count(hostile) >= 2  # the <title> and the <h1>, as text


def test_a_quote_in_a_title_stays_in_its_attribute(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    hostile = '头版" onfocus="alert(1)'
    page = _page(out_dir, make_episode, title=hostile, titles=[hostile, "二"])
    assert not [attrs for _, attrs in page.tags if "onfocus" in attrs]
    sections = [a for a in page.all("section") if "data-edition" in a]
    assert sections and all(s["data-title"] == hostile for s in sections)


def test_favicon_and_player_metadata(make_episode: MakeEpisode, out_dir: Path) -> None:
    page = _page(out_dir, make_episode, titles=["开篇：本期导读", "头版：新规"])
    (icon,) = [a for a in page.all("link") if a.get("rel") == "icon"]
    assert icon["type"] == "image/svg+xml"
    assert icon["href"].startswith("data:image/svg+xml,%3Csvg")  # inline: no other file
    section = next(a for a in page.all("section") if "data-edition" in a)
    assert section["data-show"] == CONFIG.title
    assert section["data-artwork"] == "2026-11-26/cover.png"
    buttons = [a for a in page.all("button") if "data-start" in a]
    assert [b["data-title"] for b in buttons[:2]] == ["开篇：本期导读", "头版：新规"]
    (audio, *_) = page.all("audio")
    assert audio["aria-keyshortcuts"].split() == ["k", "Space", "n", "]", "p", "[", "j", "l"]


def test_the_shortcut_list_says_they_need_the_player_focused(
    make_episode: MakeEpisode, out_dir: Path
) -> None:
    text = "".join(_page(out_dir, make_episode).text)
    assert "只在焦点位于某期节目的播放器" in text
