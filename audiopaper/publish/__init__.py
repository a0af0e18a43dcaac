"""Publish: a finished edition → chapters JSON, transcripts, cover, registry row, and the
folder-wide feed and web page.

Layout of the output folder (every name ASCII; ``<hash>`` is 12 hex digits of the
picture's content hash, so a new picture gets a new URL)::

    feed.xml  index.html  cover-<hash>.png (or show-cover-<hash>.png|jpg)
    episodes.sqlite
    <edition-id>/<edition-id>.mp3  chapters.json  transcript.vtt  transcript.srt
    <edition-id>/cover-<hash>.png
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from audiopaper.errors import PublishError
from audiopaper.kept_regex import compile_kept
from audiopaper.models import Episode
from audiopaper.publish.chapters import description_text, write_chapters_json
from audiopaper.publish.feed import DEFAULT_BASE_URL, FeedConfig, write_feed
from audiopaper.publish.registry import (
    CHAPTERS_NAME,
    COVER_NAME,
    EpisodeRecord,
    Removal,
    edition_folder,
    ensure_readable,
    keep_settings_copy,
    list_episodes,
    remove,
    servable_episodes,
    upsert,
)
from audiopaper.publish.show import (
    hashed_name,
    is_own_cover,
    load_config,
    publication_time,
    remember_published,
    with_identity,
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

# Pictures this program writes: drawn covers and a producer's art, content-hashed.
_HASHED_COVER = compile_kept(r"(?:show-)?cover-[0-9a-f]{12}\.(?:png|jpg)")


def publish_edition(
    out_dir: Path,
    episode: Episode,
    config: FeedConfig | None = None,
    *,
    now: dt.datetime | None = None,
    cover_png: bytes | None = None,
    refresh: bool = True,
) -> list[Path]:
    """Call once the edition's MP3 is in place: writes its chapters, transcripts and
    cover, records it in the registry, then rewrites the feed and the web page.
    Returns the files written. ``config`` defaults to the one the folder was last
    published with (see :func:`saved_config`); ``cover_png`` is the cover already drawn
    for the MP3's tags, so it is not drawn twice. ``refresh=False`` leaves the feed and
    page to the caller (a rebuild of many editions rewrites them once, at the end)."""
    from audiopaper.publish.cover import edition_cover  # Pillow: only when drawing

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
    if cover_png is None:
        cover_png = edition_cover(episode.paper, episode.date, episode.edition_id)
    cover = _write_picture(folder, hashed_name("cover", cover_png, "png"), cover_png)
    files.append(cover)
    published = publication_time(episode.date, config.publish_hour, episode.built_at)
    # only now: the edition's files are complete
    upsert(out_dir, episode, pub_date=published, cover_name=cover.name)
    if refresh:
        files += refresh_site(out_dir, config, now=now)
    _drop_pictures(folder, keep=cover.name, legacy=True)  # nothing links to them now
    return files


def refresh_site(
    out_dir: Path, config: FeedConfig | None = None, *, now: dt.datetime | None = None
) -> list[Path]:
    """Rewrite the channel cover, ``feed.xml`` and ``index.html`` from the registry.
    A ``config`` given is remembered for later rebuilds; none means the remembered one.
    The show keeps the guid of its first build; a new address is recorded as a move."""
    ensure_readable(out_dir)  # a damaged registry is rebuilt before the show is read
    config = with_identity(out_dir, config or saved_config(out_dir))
    remember_published(out_dir, config)
    keep_settings_copy(out_dir)  # beside the registry, for repairs
    now = now or dt.datetime.now(dt.UTC)
    cover = _channel_cover(Path(out_dir), config)
    config = replace(config, cover_file=cover.name)
    records = servable_episodes(out_dir)  # a hand-deleted edition must not be a 404
    files = [
        cover,
        write_feed(out_dir, records, config, now),
        write_index(out_dir, records, config),
    ]
    _drop_pictures(Path(out_dir), keep=cover.name)  # only once the feed names the new one
    return files


def _channel_cover(out_dir: Path, config: FeedConfig) -> Path:
    """The producer's image when one is set (and still there), else one drawn from the
    title."""
    from audiopaper.publish.cover import kept_channel_cover  # Pillow: only when drawing

    if config.cover and is_own_cover(config.cover) and (out_dir / config.cover).is_file():
        return out_dir / config.cover
    png = kept_channel_cover(config.title)
    return _write_picture(out_dir, hashed_name("cover", png, "png"), png)


def _write_picture(folder: Path, name: str, data: bytes) -> Path:
    """Write a content-hashed picture, unless that very file is there."""
    from audiopaper.fsutil import atomic_write_bytes

    path = folder / name
    if not (path.is_file() and path.read_bytes() == data):
        atomic_write_bytes(path, data)
    return path


def _drop_pictures(folder: Path, keep: str, *, legacy: bool = False) -> None:
    """Delete the covers this program wrote before under other names (content-hashed
    ones; with ``legacy``, in an edition's own folder, the old fixed ``cover.png``)."""
    for old in folder.glob("*cover*"):
        ours = _HASHED_COVER.fullmatch(old.name) or (legacy and old.name == COVER_NAME)
        if ours and old.name != keep and old.is_file() and not old.is_symlink():
            old.unlink(missing_ok=True)


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
    """The show settings the folder was last published with, or the defaults."""
    return load_config(out_dir)


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
