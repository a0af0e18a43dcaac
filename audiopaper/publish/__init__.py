"""Publish: a finished edition → chapters JSON, transcripts, cover, registry row, and the
folder-wide feed and web page.

Layout of the output folder (every name ASCII)::

    feed.xml  index.html  cover.png  episodes.sqlite
    <edition-id>/<edition-id>.mp3  chapters.json  transcript.vtt  transcript.srt  cover.png
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields, replace
from pathlib import Path

from audiopaper.errors import PublishError
from audiopaper.models import Episode
from audiopaper.publish.chapters import description_text, write_chapters_json
from audiopaper.publish.feed import DEFAULT_BASE_URL, FeedConfig, write_feed
from audiopaper.publish.registry import (
    CHAPTERS_NAME,
    COVER_NAME,
    EpisodeRecord,
    Removal,
    edition_folder,
    list_episodes,
    load_settings,
    remove,
    save_settings,
    servable_episodes,
    upsert,
)
from audiopaper.publish.transcript import write_transcripts
from audiopaper.publish.webpage import write_index

__all__ = [
    "DEFAULT_BASE_URL",
    "EpisodeRecord",
    "FeedConfig",
    "Removal",
    "description_text",
    "list_episodes",
    "publish_edition",
    "refresh_site",
    "remove_edition",
    "saved_config",
]

_FEED_SETTINGS = "feed"


def publish_edition(
    out_dir: Path,
    episode: Episode,
    config: FeedConfig | None = None,
    *,
    now: dt.datetime | None = None,
    cover_png: bytes | None = None,
) -> list[Path]:
    """Call once the edition's MP3 is in place: writes its chapters, transcripts and
    cover, records it in the registry, then rewrites the feed and the web page.
    Returns the files written. ``config`` defaults to the one the folder was last
    published with (see :func:`saved_config`); ``cover_png`` is the cover already drawn
    for the MP3's tags, so it is not drawn twice."""
    from audiopaper.fsutil import atomic_write_bytes
    from audiopaper.publish.cover import write_edition_cover  # Pillow: only when drawing

    config = config or saved_config(out_dir)
    episode = _with_real_size(episode)
    folder = edition_folder(out_dir, episode.edition_id)
    files = [
        write_chapters_json(
            folder / CHAPTERS_NAME,
            episode.chapters,
            title=episode.title,
            podcast_name=config.title,
            file_name=episode.audio_path.name,
        ),
        *write_transcripts(folder, episode.cues),
    ]
    cover = folder / COVER_NAME
    if cover_png is None:
        files.append(write_edition_cover(cover, episode.paper, episode.date, episode.edition_id))
    else:
        atomic_write_bytes(cover, cover_png)
        files.append(cover)
    upsert(out_dir, episode)  # only now: the edition's files are complete
    return files + refresh_site(out_dir, config, now=now)


def refresh_site(
    out_dir: Path, config: FeedConfig | None = None, *, now: dt.datetime | None = None
) -> list[Path]:
    """Rewrite the channel cover, ``feed.xml`` and ``index.html`` from the registry.
    A ``config`` given is remembered for later rebuilds; none means the remembered one."""
    from audiopaper.publish.cover import write_channel_cover  # Pillow: only when drawing

    if config is None:
        config = saved_config(out_dir)
    else:
        save_settings(out_dir, _FEED_SETTINGS, asdict(config))
    now = now or dt.datetime.now(dt.UTC)
    records = servable_episodes(out_dir)  # a hand-deleted edition must not be a 404
    return [
        write_channel_cover(Path(out_dir) / COVER_NAME, config.title),
        write_feed(out_dir, records, config, now),
        write_index(out_dir, records, config),
    ]


def remove_edition(
    out_dir: Path,
    edition_id: str,
    config: FeedConfig | None = None,
    *,
    delete_files: bool = True,
    now: dt.datetime | None = None,
) -> Removal:
    """Take an edition out of the feed and the page; delete its folder unless
    ``delete_files`` is false. ``Removal.deleted`` lists what was deleted."""
    removal = remove(out_dir, edition_id, delete_files=delete_files)
    refresh_site(out_dir, config, now=now)
    return removal


def saved_config(out_dir: Path) -> FeedConfig:
    """The feed settings the folder was last published with, or the defaults."""
    saved = load_settings(out_dir, _FEED_SETTINGS) or {}
    known = {f.name for f in fields(FeedConfig)}
    return FeedConfig(**{k: v for k, v in saved.items() if k in known})  # type: ignore[arg-type]


def _with_real_size(episode: Episode) -> Episode:
    """The enclosure length must be the file's: measure it rather than trust it."""
    try:
        size = episode.audio_path.stat().st_size
    except OSError as exc:
        raise PublishError(
            f"the audio {episode.audio_path} is missing: {exc.strerror or exc}",
            hint="publish an edition only once its MP3 is written",
        ) from exc
    return episode if size == episode.audio_bytes else replace(episode, audio_bytes=size)
