"""The episode registry: every edition ever built, in ``DIR/episodes.sqlite``.

The feed and the web page list what the registry holds. Rebuilding an edition replaces
its row and keeps its guid, so podcast apps see the same episode, not a new one.
Call :func:`upsert` only once the edition's files are complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from audiopaper.errors import InputError, PublishError
from audiopaper.models import Chapter, Cue, Episode

DB_NAME = "episodes.sqlite"
CHAPTERS_NAME = "chapters.json"
VTT_NAME = "transcript.vtt"
SRT_NAME = "transcript.srt"
COVER_NAME = "cover.png"

CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
PUBLISH_HOUR = 6  # an edition "comes out" at 06:00 in Beijing on its date
EPISODE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "audiopaper:episode")

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS episodes (
    edition_id    TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    paper         TEXT NOT NULL,
    date          TEXT NOT NULL,
    audio_file    TEXT NOT NULL,
    audio_bytes   INTEGER NOT NULL,
    duration_s    REAL NOT NULL,
    chapters_json TEXT NOT NULL,
    cues_json     TEXT NOT NULL,
    description   TEXT NOT NULL,
    guid          TEXT NOT NULL,
    pub_date      TEXT NOT NULL,
    built_at      TEXT NOT NULL,
    cover_file    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS episodes_by_date ON episodes (date DESC, edition_id DESC);
CREATE TABLE IF NOT EXISTS settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
_COLUMNS = (
    "edition_id, title, paper, date, audio_file, audio_bytes, duration_s, chapters_json,"
    " cues_json, description, guid, pub_date, built_at, cover_file"
)


@dataclass(frozen=True)
class EpisodeRecord:
    """An edition as the registry holds it; file names are relative to the output folder."""

    edition_id: str
    title: str
    paper: str
    date: dt.date
    audio_file: str
    audio_bytes: int
    duration_s: float
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    description: str
    guid: str
    pub_date: dt.datetime
    built_at: dt.datetime
    cover_file: str

    @property
    def chapters_file(self) -> str:
        return f"{self.edition_id}/{CHAPTERS_NAME}"

    @property
    def vtt_file(self) -> str:
        return f"{self.edition_id}/{VTT_NAME}"

    @property
    def srt_file(self) -> str:
        return f"{self.edition_id}/{SRT_NAME}"


@dataclass(frozen=True)
class Removal:
    record: EpisodeRecord
    deleted: tuple[Path, ...]  # files and folders deleted, empty when files were kept


def check_edition_id(edition_id: str) -> str:
    """Edition ids name folders and URLs: ASCII letters, digits, ``.``, ``_``, ``-``."""
    if not _SAFE_ID.fullmatch(edition_id) or ".." in edition_id:
        raise InputError(
            f"bad edition id {edition_id!r}",
            hint="use ASCII letters, digits, '.', '_' and '-' (the date, e.g. 2026-11-26)",
        )
    return edition_id


def episode_guid(paper: str, edition_id: str) -> str:
    """Stable across rebuilds: the same paper and edition always give the same guid."""
    return str(uuid.uuid5(EPISODE_NAMESPACE, f"{paper}\n{edition_id}"))


def publication_time(date: dt.date) -> dt.datetime:
    """06:00 Beijing time on the edition's date: stable, so rebuilds never re-notify."""
    return dt.datetime.combine(date, dt.time(PUBLISH_HOUR), tzinfo=CHINA_TIME)


def edition_folder(out_dir: Path, edition_id: str) -> Path:
    return Path(out_dir) / check_edition_id(edition_id)


def record_for(
    out_dir: Path,
    episode: Episode,
    pub_date: dt.datetime | None = None,
    cover_name: str = COVER_NAME,
) -> EpisodeRecord:
    """The row an episode becomes (guid and publication time derived, not stored yet)."""
    edition_id = check_edition_id(episode.edition_id)
    return EpisodeRecord(
        edition_id=edition_id,
        title=episode.title,
        paper=episode.paper,
        date=episode.date,
        audio_file=_relative_name(out_dir, episode.audio_path),
        audio_bytes=episode.audio_bytes,
        duration_s=episode.duration_s,
        chapters=tuple(episode.chapters),
        cues=tuple(episode.cues),
        description=episode.description,
        guid=episode_guid(episode.paper, edition_id),
        pub_date=pub_date or publication_time(episode.date),
        built_at=_aware(episode.built_at),
        cover_file=f"{edition_id}/{cover_name}",
    )


def upsert(
    out_dir: Path,
    episode: Episode,
    *,
    pub_date: dt.datetime | None = None,
    cover_name: str = COVER_NAME,
) -> EpisodeRecord:
    """Add the edition, or replace its row if it was built before (keeping its guid,
    and its publication time when that was earlier: a rebuild never re-dates it)."""
    record = record_for(out_dir, episode, pub_date, cover_name)
    with _connect(out_dir) as db, db:
        row = db.execute(
            "SELECT guid, pub_date FROM episodes WHERE edition_id = ?", (record.edition_id,)
        )
        existing = row.fetchone()
        if existing is not None:
            first = min(record.pub_date, dt.datetime.fromisoformat(str(existing[1])))
            record = replace(record, guid=str(existing[0]), pub_date=first)
        db.execute(
            f"INSERT OR REPLACE INTO episodes ({_COLUMNS}) VALUES ({', '.join('?' * 14)})",
            _to_row(record),
        )
    return record


def list_episodes(out_dir: Path) -> list[EpisodeRecord]:
    """Every edition in the registry, newest first (by date, then edition id)."""
    if not (Path(out_dir) / DB_NAME).exists():
        return []
    with _connect(out_dir) as db:
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM episodes ORDER BY date DESC, edition_id DESC"
        ).fetchall()
    return [_from_row(row) for row in rows]


def get_episode(out_dir: Path, edition_id: str) -> EpisodeRecord | None:
    if not (Path(out_dir) / DB_NAME).exists():
        return None
    with _connect(out_dir) as db:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM episodes WHERE edition_id = ?", (edition_id,)
        ).fetchone()
    return None if row is None else _from_row(row)


def remove(out_dir: Path, edition_id: str, *, delete_files: bool = True) -> Removal:
    """Take an edition out of the registry and, unless ``delete_files`` is false, delete
    its folder. Raises :class:`InputError` for an edition that is not there."""
    check_edition_id(edition_id)
    record = get_episode(out_dir, edition_id)
    if record is None:
        raise InputError(
            f"no edition {edition_id!r} in {out_dir}",
            hint="list the editions with 'audiopaper episodes list'",
        )
    with _connect(out_dir) as db, db:
        db.execute("DELETE FROM episodes WHERE edition_id = ?", (edition_id,))
    deleted = _delete_folder(out_dir, edition_id) if delete_files else ()
    return Removal(record, deleted)


def save_settings(out_dir: Path, name: str, value: dict[str, object]) -> None:
    """Remember a group of settings (the feed's base URL, title…) for later rebuilds."""
    with _connect(out_dir) as db, db:
        db.execute(
            "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)",
            (name, json.dumps(value, ensure_ascii=False, sort_keys=True)),
        )


def load_settings(out_dir: Path, name: str) -> dict[str, object] | None:
    if not (Path(out_dir) / DB_NAME).exists():
        return None
    with _connect(out_dir) as db:
        row = db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    value = json.loads(str(row[0]))
    return value if isinstance(value, dict) else None


def _delete_folder(out_dir: Path, edition_id: str) -> tuple[Path, ...]:
    folder = edition_folder(out_dir, edition_id)
    if not folder.is_dir() or folder.is_symlink():
        return ()
    deleted = (*sorted(folder.rglob("*"), reverse=True), folder)
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise PublishError(f"cannot delete {folder}: {exc.strerror or exc}") from exc
    return deleted


@contextlib.contextmanager
def _connect(out_dir: Path) -> Iterator[sqlite3.Connection]:
    path = Path(out_dir) / DB_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise PublishError(f"cannot open the episode registry {path}: {exc}") from exc
    try:
        _migrate(db)
        yield db
    except sqlite3.Error as exc:
        raise PublishError(
            f"episode registry {path}: {exc}",
            hint="another build may hold it; if the file is damaged, delete it and rebuild",
        ) from exc
    finally:
        db.close()


def _migrate(db: sqlite3.Connection) -> None:
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > _SCHEMA_VERSION:
        raise PublishError(f"the episode registry is from a newer audiopaper (v{version})")
    if version < _SCHEMA_VERSION:
        with db:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")


def _to_row(record: EpisodeRecord) -> tuple[object, ...]:
    return (
        record.edition_id,
        record.title,
        record.paper,
        record.date.isoformat(),
        record.audio_file,
        record.audio_bytes,
        record.duration_s,
        json.dumps([[c.title, c.start_ms, c.end_ms, c.article_index] for c in record.chapters]),
        json.dumps([[c.start_ms, c.end_ms, c.text] for c in record.cues], ensure_ascii=False),
        record.description,
        record.guid,
        record.pub_date.isoformat(),
        record.built_at.isoformat(),
        record.cover_file,
    )


def _from_row(row: tuple[object, ...]) -> EpisodeRecord:
    (edition_id, title, paper, date, audio_file, audio_bytes, duration_s) = row[:7]
    (chapters_json, cues_json, description, guid, pub_date, built_at, cover_file) = row[7:]
    return EpisodeRecord(
        edition_id=str(edition_id),
        title=str(title),
        paper=str(paper),
        date=dt.date.fromisoformat(str(date)),
        audio_file=str(audio_file),
        audio_bytes=int(str(audio_bytes)),
        duration_s=float(str(duration_s)),
        chapters=tuple(Chapter(t, s, e, a) for t, s, e, a in json.loads(str(chapters_json))),
        cues=tuple(Cue(s, e, t) for s, e, t in json.loads(str(cues_json))),
        description=str(description),
        guid=str(guid),
        pub_date=dt.datetime.fromisoformat(str(pub_date)),
        built_at=dt.datetime.fromisoformat(str(built_at)),
        cover_file=str(cover_file),
    )


def _relative_name(out_dir: Path, path: Path) -> str:
    try:
        relative = Path(path).resolve().relative_to(Path(out_dir).resolve())
    except ValueError:
        raise PublishError(
            f"the audio {path} is not inside the output folder {out_dir}",
            hint="build the edition into the output folder the feed is made from",
        ) from None
    return relative.as_posix()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
