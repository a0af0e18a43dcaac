"""The web page: every edition with a player, its chapters and a transcript that
follows playback. One self-contained HTML file (CSS and JS inline, no outside
resources); every link is relative, so it works wherever the folder is served."""

from __future__ import annotations

import importlib.resources
from collections.abc import Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote

from audiopaper.fsutil import atomic_write_text
from audiopaper.models import Chapter, Cue
from audiopaper.publish.chapters import timestamp
from audiopaper.publish.feed import FEED_NAME, FeedConfig, xml_text
from audiopaper.publish.registry import EpisodeRecord
from audiopaper.publish.transcript import clean_text

INDEX_NAME = "index.html"
# A newspaper page on the masthead red of the covers: shapes only, so it draws the same
# without any font. Inline, like the CSS and JS: the page needs no other file and no
# server setting (an .svg served as octet-stream would show no icon).
FAVICON_SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="12" fill="#9e1b1b"/>
<rect x="14" y="12" width="36" height="40" rx="3" fill="#fff8ec"/>
<rect x="19" y="18" width="26" height="6" fill="#9e1b1b"/>
<rect x="19" y="29" width="12" height="3" fill="#9e1b1b"/>
<rect x="19" y="35" width="12" height="3" fill="#9e1b1b"/>
<rect x="19" y="41" width="12" height="3" fill="#9e1b1b"/>
<path d="M35 29h10v15H35z" fill="#ecbeaa"/>
</svg>
"""
INLINE_TRANSCRIPTS = 30  # older editions link to their transcript instead

SHORTCUTS = (
    (("k", "空格"), "播放／暂停"),
    (("n", "]"), "下一章"),
    (("p", "["), "上一章（或回到本章开头）"),
    (("j", "l"), "后退／前进 10 秒"),
)


def render_index(records: Sequence[EpisodeRecord], config: FeedConfig) -> str:
    ordered = sorted(records, key=lambda r: (r.date, r.edition_id), reverse=True)
    sections = [
        _edition(record, config, inline_transcript=n < INLINE_TRANSCRIPTS, first=n == 0)
        for n, record in enumerate(ordered)
    ]
    body = "\n".join(sections) or "<p>还没有节目。</p>"
    title = _text(config.title)
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="alternate" type="application/rss+xml" title="{_attr(config.title)}" href="{FEED_NAME}">
<link rel="icon" type="image/svg+xml" href="{_favicon_href()}">
<style>
{_static("page.css")}</style>
</head>
<body>
<a class="skip" href="#main">跳到节目列表</a>
<header>
<h1>{title}</h1>
<p>{_text(config.description)}</p>
<p class="subscribe"><a href="{FEED_NAME}">订阅播客（RSS）</a>
订阅地址：<code>{_text(config.feed_url)}</code></p>
</header>
<main id="main" tabindex="-1" aria-label="节目列表">
{body}
</main>
<footer>
{_shortcuts()}
<p>由 audiopaper 生成。</p>
</footer>
<script>
{_static("player.js")}</script>
</body>
</html>
"""


def write_index(out_dir: Path, records: Sequence[EpisodeRecord], config: FeedConfig) -> Path:
    path = Path(out_dir) / INDEX_NAME
    atomic_write_text(path, render_index(records, config))
    return path


def _edition(
    record: EpisodeRecord, config: FeedConfig, *, inline_transcript: bool, first: bool
) -> str:
    anchor = _attr(record.edition_id)
    title = _text(record.title)
    audio = _href(record.audio_file)
    transcript = (
        _transcript(record.cues, record.title, first) if inline_transcript and record.cues else ""
    )
    player_data = (
        f'data-title="{_attr(record.title)}" data-show="{_attr(config.title)}" '
        f'data-artwork="{_href(record.cover_file)}"'
    )
    return f"""<section class="edition" id="{anchor}" data-edition {player_data}
aria-labelledby="t-{anchor}">
<h2 id="t-{anchor}">{title}</h2>
<p class="meta"><time datetime="{record.date.isoformat()}">{_text(_date(record))}</time>
· 时长 {timestamp(round(record.duration_s * 1000))}</p>
<audio controls preload="metadata" src="{audio}" aria-label="播放：{_attr(record.title)}"
aria-keyshortcuts="{_KEY_LIST}">
<track kind="captions" src="{_href(record.vtt_file)}" srclang="zh" label="中文文字稿">
<a href="{audio}">下载 MP3</a>
</audio>
{_chapters(record.chapters, record.title)}
{transcript}
<p class="files">下载：<a href="{audio}">MP3</a> ·
<a href="{_href(record.vtt_file)}">文字稿 WebVTT</a> ·
<a href="{_href(record.srt_file)}">文字稿 SRT</a> ·
<a href="{_href(record.chapters_file)}">章节 JSON</a></p>
</section>"""


def _chapters(chapters: Sequence[Chapter], title: str) -> str:
    if not chapters:
        return ""
    items = "\n".join(
        f'<li><button type="button" data-start="{c.start_ms / 1000:.3f}" '
        f'data-title="{_attr(c.title)}">'
        f'<span class="ts">{timestamp(c.start_ms)}</span>'
        f"<span>{_text(c.title)}</span></button></li>"
        for c in sorted(chapters, key=lambda c: c.start_ms)
    )
    return f"""<nav aria-label="章节：{_attr(title)}">
<h3>章节</h3>
<ol class="chapters">
{items}
</ol>
</nav>"""


def _transcript(cues: Sequence[Cue], title: str, open_: bool) -> str:
    items = "\n".join(
        f'<li data-start="{c.start_ms / 1000:.3f}" data-end="{c.end_ms / 1000:.3f}">'
        f"{_text(clean_text(c.text))}</li>"
        for c in cues
        if clean_text(c.text)
    )
    return f"""<details class="transcript-box"{" open" if open_ else ""}>
<summary>文字稿</summary>
<ol class="transcript" tabindex="0" aria-label="文字稿：{_attr(title)}">
{items}
</ol>
</details>"""


def _shortcuts() -> str:
    rows = "\n".join(
        f"<dt>{' 或 '.join(f'<kbd>{_text(k)}</kbd>' for k in keys)}</dt><dd>{_text(what)}</dd>"
        for keys, what in SHORTCUTS
    )
    return f"""<section aria-labelledby="keys-title">
<h2 id="keys-title">键盘操作</h2>
<p>用 <kbd>Tab</kbd> 移到章节按钮，按 <kbd>Enter</kbd> 或空格跳到该章。
下列单键快捷键只在焦点位于某期节目的播放器（播放控件、章节按钮或文字稿）上时有效，
在页面其他地方按键不会影响播放：</p>
<dl class="keys">
{rows}
</dl>
</section>"""


_KEY_LIST = " ".join({"空格": "Space"}.get(k, k) for keys, _ in SHORTCUTS for k in keys)


def _date(record: EpisodeRecord) -> str:
    d = record.date
    return f"{d.year}年{d.month}月{d.day}日"


def _text(text: str) -> str:
    return escape(xml_text(text), quote=False)


def _attr(text: str) -> str:
    return escape(clean_text(text), quote=True)


def _href(name: str) -> str:
    return escape(quote(name), quote=True)


def _favicon_href() -> str:
    svg = " ".join(FAVICON_SVG.split())
    return escape("data:image/svg+xml," + quote(svg, safe=" =:/,."), quote=True)


def _static(name: str) -> str:
    return (importlib.resources.files("audiopaper.publish") / "static" / name).read_text("utf-8")
