"""The episode registry: every edition ever built, in ``DIR/episodes.sqlite``.

The feed and the web page list what the registry holds. Rebuilding an edition replaces
its row and keeps its guid, so podcast apps see the same episode, not a new one.
Call :func:`upsert` only once the edition's files are complete.

The registry is an index of the edition folders, never their only record: each row is
also kept beside the edition (``DIR/<id>/.episode.json``) and the folder's settings in
``DIR/.settings.json``. A registry that is missing, emptied or unreadable is rebuilt from
the folders (:func:`repair`; a damaged file is kept aside, never deleted), so no edition
whose files are intact leaves the feed because of the registry: each time the registry
is opened, edition folders it lacks are put back, except those taken out with
``episodes remove --keep-files`` (marked ``.removed``). A row that cannot be read (a
hand-edited month 13) is skipped with a warning, never a crash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audiopaper.errors import InputError, PublishError
from audiopaper.fsutil import TooLarge, atomic_write_text, read_bounded
from audiopaper.kept_regex import compile_kept
from audiopaper.models import Chapter, Cue, Episode

log = logging.getLogger(__name__)

DB_NAME = "episodes.sqlite"
ROW_NAME = ".episode.json"  # the edition's row, kept beside it for repairs
REMOVED_NAME = ".removed"  # taken out of the feed with its files kept: repairs skip it
SETTINGS_NAME = ".settings.json"  # the folder's settings, kept beside the registry
MANIFEST_NAME = "edition.json"
CHAPTERS_NAME = "chapters.json"
VTT_NAME = "transcript.vtt"
SRT_NAME = "transcript.srt"
COVER_NAME = "cover.png"

CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
PUBLISH_HOUR = 6  # an edition "comes out" at 06:00 in Beijing on its date
EPISODE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "audiopaper:episode")
# The dates a feed can carry: RFC 822 wants four-digit years, and 06:00 Beijing on
# 0001-01-01 falls before the first representable instant in UTC.
FIRST_DATE = dt.date(1800, 1, 1)
LAST_DATE = dt.date(9999, 12, 30)

_SAFE_ID = compile_kept(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
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
    edition_id: str
    title: str
    deleted: tuple[Path, ...]  # files and folders deleted, empty when files were kept
    record: EpisodeRecord | None = None  # None when the row itself was unreadable


@dataclass(frozen=True)
class Repair:
    """What :func:`repair` found in the edition folders."""

    restored: tuple[str, ...]  # edition ids now in the registry
    skipped: tuple[tuple[str, str], ...]  # (folder name, why it was left out)
    kept_aside: Path | None = None  # the damaged registry file, moved aside


def check_feed_date(date: dt.date) -> dt.date:
    """Dates a feed can carry (see FIRST_DATE, LAST_DATE); raise InputError otherwise."""
    if not FIRST_DATE <= date <= LAST_DATE:
        raise InputError(
            f"the edition date {date.isoformat()} is outside what a podcast feed can carry",
            hint=f"give a date from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()} "
            "with --date",
        )
    return date


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
    folder = edition_folder(out_dir, record.edition_id)
    atomic_write_text(folder / ROW_NAME, _row_json(record))
    (folder / REMOVED_NAME).unlink(missing_ok=True)
    return record


def list_episodes(out_dir: Path) -> list[EpisodeRecord]:
    """Every readable edition in the registry, newest first (by date, then edition id).
    Rows that cannot be read are skipped with a warning."""
    if not _registry_present(out_dir) and not _edition_folders(out_dir):
        return []  # nothing built here yet: create nothing
    with _connect(out_dir) as db:
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM episodes ORDER BY date DESC, edition_id DESC"
        ).fetchall()
    return [record for record in map(_readable, rows) if record is not None]


def get_episode(out_dir: Path, edition_id: str) -> EpisodeRecord | None:
    if not _registry_present(out_dir) and not _edition_folders(out_dir):
        return None
    with _connect(out_dir) as db:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM episodes WHERE edition_id = ?", (edition_id,)
        ).fetchone()
    return None if row is None else _readable(row)


def missing_files(out_dir: Path, record: EpisodeRecord) -> str | None:
    """Why a listed edition cannot be served (its folder or MP3 deleted by hand), or None."""
    audio = Path(out_dir) / record.audio_file
    if not audio.is_file():
        gone = audio.parent if not audio.parent.is_dir() else audio
        return f"{gone.relative_to(out_dir).as_posix()} is missing"
    return None


def servable_episodes(out_dir: Path) -> list[EpisodeRecord]:
    """The editions the feed and page may list: readable rows whose MP3 is there. The
    others are left out with a warning (a feed entry must never be a 404)."""
    servable = []
    for record in list_episodes(out_dir):
        problem = missing_files(out_dir, record)
        if problem is None:
            servable.append(record)
        else:
            log.warning(
                "edition %s is left out of the feed: %s (rebuild it, or run "
                "'audiopaper episodes remove %s')",
                record.edition_id,
                problem,
                record.edition_id,
            )
    return servable


def remove(out_dir: Path, edition_id: str, *, delete_files: bool = True) -> Removal:
    """Take an edition out of the registry and, unless ``delete_files`` is false, delete
    its folder. Raises :class:`InputError` for an edition that is not there. A row that
    cannot be read can still be removed."""
    check_edition_id(edition_id)
    row = None
    if _registry_present(out_dir) or _edition_folders(out_dir):
        with _connect(out_dir) as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM episodes WHERE edition_id = ?", (edition_id,)
            ).fetchone()
    if row is None:
        raise InputError(
            f"no edition {edition_id!r} in {out_dir}",
            hint="list the editions with 'audiopaper episodes list'",
        )
    record = _readable(row)
    if not delete_files:
        _mark_removed(out_dir, edition_id)  # first: a repair must not bring it back
    with _connect(out_dir, restore=False) as db, db:
        db.execute("DELETE FROM episodes WHERE edition_id = ?", (edition_id,))
    deleted = _delete_folder(out_dir, edition_id) if delete_files else ()
    return Removal(edition_id, str(row[1]), deleted, record)


def repair(out_dir: Path) -> Repair:
    """Rebuild the registry from the edition folders: every folder whose MP3 and
    description (``.episode.json``, else ``edition.json`` and the MP3's tags) are
    there is put back, keeping its guid. Rows already there are kept; editions taken
    out with ``episodes remove --keep-files`` stay out. A damaged registry file is
    moved aside first."""
    kept_aside = _set_aside_if_damaged(out_dir)
    with _connect(out_dir, restore=False) as db:
        restored, skipped = _restore(db, out_dir)
    return Repair(tuple(restored), tuple(skipped), kept_aside)


def save_settings(out_dir: Path, name: str, value: dict[str, object]) -> None:
    """Remember a group of settings (the feed's base URL, title…) for later rebuilds."""
    with _connect(out_dir) as db, db:
        db.execute(
            "INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)",
            (name, json.dumps(value, ensure_ascii=False, sort_keys=True)),
        )
    keep_settings_copy(out_dir)


# The settings tables copied beside the registry: the feed group's and the show's.
_SETTINGS_TABLES = {
    "settings": ("name", "value"),
    "show_settings": ("key", "value"),
}
_SHOW_TABLE = "CREATE TABLE IF NOT EXISTS show_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def keep_settings_copy(out_dir: Path) -> None:
    """Copy every stored setting (feed and show) to ``.settings.json``, so a registry
    rebuilt from the folders keeps the show's address, guid and metadata."""
    copy: dict[str, dict[str, str]] = {}
    with _connect(out_dir, restore=False) as db:
        tables = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master")}
        for table, (key, value) in _SETTINGS_TABLES.items():
            if table in tables:
                rows = db.execute(f"SELECT {key}, {value} FROM {table} ORDER BY {key}")
                copy[table] = {str(k): str(v) for k, v in rows.fetchall()}
    text = json.dumps(copy, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path = Path(out_dir) / SETTINGS_NAME
    with contextlib.suppress(OSError):
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return  # unchanged: no write (a no-op rebuild writes nothing)
    atomic_write_text(path, text)


def ensure_readable(out_dir: Path) -> None:
    """Set a damaged registry aside and rebuild it, before a reader that opens the
    file on its own (the show settings) meets it."""
    if _set_aside_if_damaged(out_dir) is not None:
        with _connect(out_dir):
            pass


def load_settings(out_dir: Path, name: str) -> dict[str, object] | None:
    if not _registry_present(out_dir) and not (Path(out_dir) / SETTINGS_NAME).exists():
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
def _connect(out_dir: Path, *, restore: bool = True) -> Iterator[sqlite3.Connection]:
    """The registry, repaired first when it is missing, emptied or unreadable."""
    path = Path(out_dir) / DB_NAME
    if restore:
        _set_aside_if_damaged(out_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise PublishError(f"cannot open the episode registry {path}: {exc}") from exc
    try:
        _migrate(db)
        if restore:  # editions the registry lost (emptied, replaced, rows deleted by hand)
            _restore(db, Path(out_dir))
        yield db
    except sqlite3.Error as exc:
        raise PublishError(
            f"episode registry {path}: {exc}",
            hint="another build may hold it; if it is damaged, run 'audiopaper episodes "
            "repair' (editions are rebuilt from their folders)",
        ) from exc
    finally:
        db.close()


def _migrate(db: sqlite3.Connection) -> bool:
    """Bring the schema up to date; True when the registry was new (or emptied)."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > _SCHEMA_VERSION:
        raise PublishError(f"the episode registry is from a newer audiopaper (v{version})")
    if version < _SCHEMA_VERSION:
        with db:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
    return version == 0


def _registry_present(out_dir: Path) -> bool:
    return (Path(out_dir) / DB_NAME).exists()


def _set_aside_if_damaged(out_dir: Path) -> Path | None:
    """Move an unreadable registry aside (kept, never deleted) so a new one is built."""
    path = Path(out_dir) / DB_NAME
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
            db.execute("PRAGMA user_version").fetchone()
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            problem = db.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):  # busy, not damaged
            raise PublishError(
                f"the episode registry {path} is locked", hint="another build may hold it"
            ) from exc
        problem = str(exc)
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    if problem == "ok":
        return None
    aside = path.with_name(f"episodes.damaged-{time.strftime('%Y%m%d-%H%M%S')}.sqlite")
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.replace(aside)
    log.warning(
        "the episode registry %s was unreadable (%s); kept it as %s and rebuilt it from "
        "the edition folders",
        path,
        problem,
        aside.name,
    )
    return aside


def _edition_folders(out_dir: Path) -> list[Path]:
    """Sub-folders that hold an edition (its row or its manifest)."""
    try:
        children = sorted(Path(out_dir).iterdir())
    except OSError:
        return []
    return [
        child
        for child in children
        if _SAFE_ID.fullmatch(child.name)
        and ".." not in child.name
        and child.is_dir()
        and not child.is_symlink()
        and ((child / ROW_NAME).is_file() or (child / MANIFEST_NAME).is_file())
    ]


def _restore(db: sqlite3.Connection, out_dir: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Insert a row for each intact edition folder the registry lacks."""
    restored: list[str] = []
    skipped: list[tuple[str, str]] = []
    known = {str(r[0]) for r in db.execute("SELECT edition_id FROM episodes").fetchall()}
    for folder in _edition_folders(out_dir):
        if folder.name in known:
            continue
        if (folder / REMOVED_NAME).exists():
            skipped.append((folder.name, "taken out with 'episodes remove --keep-files'"))
            continue
        try:
            record = _record_from_folder(out_dir, folder)
        except (OSError, ValueError, KeyError, TypeError, InputError) as exc:
            skipped.append((folder.name, str(exc) or type(exc).__name__))
            continue
        with db:
            db.execute(
                f"INSERT OR REPLACE INTO episodes ({_COLUMNS}) VALUES ({', '.join('?' * 14)})",
                _to_row(record),
            )
        restored.append(record.edition_id)
    _restore_settings(db, out_dir)
    for name, why in skipped:
        if why.startswith("taken out") or (out_dir, name, why) in _WARNED:
            continue
        _WARNED.add((out_dir, name, why))  # once per run, not at every registry access
        log.warning("edition folder %s was not put back in the registry: %s", name, why)
    return restored, skipped


def _restore_settings(db: sqlite3.Connection, out_dir: Path) -> None:
    """Put back settings the registry lost, from ``.settings.json`` (stored ones win)."""
    try:
        saved = _read_json(out_dir / SETTINGS_NAME)
    except (OSError, ValueError):
        return
    if not isinstance(saved, dict):
        return
    with db:
        db.execute(_SHOW_TABLE)
        for table, (key, value) in _SETTINGS_TABLES.items():
            rows = saved.get(table)
            if isinstance(rows, dict):
                db.executemany(
                    f"INSERT OR IGNORE INTO {table} ({key}, {value}) VALUES (?, ?)",
                    [(str(k), str(v)) for k, v in rows.items()],
                )


def _record_from_folder(out_dir: Path, folder: Path) -> EpisodeRecord:
    """The edition's row from its folder: the row kept beside it, else its manifest and
    the MP3's tags. The MP3 must be there; its size is measured."""
    audio = folder / f"{folder.name}.mp3"
    if not audio.is_file():
        raise ValueError(f"{audio.name} is missing")
    if (folder / ROW_NAME).is_file():
        data = _read_json(folder / ROW_NAME)
        record = _from_row(tuple(data[name] for name in _COLUMN_NAMES))
        if record.edition_id != folder.name:
            raise ValueError(f"{ROW_NAME} names edition {record.edition_id!r}")
    else:
        record = _record_from_manifest(out_dir, folder, audio)
    check_feed_date(record.date)
    return replace(
        record,
        audio_file=f"{folder.name}/{audio.name}",
        audio_bytes=_size(audio),
        cover_file=f"{folder.name}/{_cover_in(folder, record.cover_file)}",
    )


def _cover_in(folder: Path, named: str) -> str:
    """The edition's cover as it is on disk: the one its row names if it is there, else
    the newest content-hashed one, else the old fixed name."""
    name = named.rsplit("/", 1)[-1]
    if _SAFE_ID.fullmatch(name) and (folder / name).is_file():
        return name
    hashed = sorted(
        (p for p in folder.glob("cover-*.png") if p.is_file()),
        key=lambda p: p.stat().st_mtime,
    )
    return hashed[-1].name if hashed else COVER_NAME


def _record_from_manifest(out_dir: Path, folder: Path, audio: Path) -> EpisodeRecord:
    manifest = _read_json(folder / MANIFEST_NAME)
    chapters = tuple(Chapter(**c) for c in manifest["chapters"])
    cues = tuple(Cue(**c) for c in manifest["cues"])
    title, paper, date = _tags(audio)
    date = date or dt.date.fromisoformat(folder.name[:10])
    paper = paper or _saved_title(out_dir) or "audiopaper"
    articles = [c.title for c in chapters if c.article_index is not None]
    from audiopaper.publish.chapters import description_text

    intro = "\n".join(f"{n}. {t}" for n, t in enumerate(articles, start=1))
    episode = Episode(
        edition_id=folder.name,
        title=title or f"{paper} {date.year}年{date.month}月{date.day}日",
        paper=paper,
        date=date,
        audio_path=audio,
        audio_bytes=_size(audio),
        duration_s=float(manifest["duration_s"]),
        chapters=chapters,
        cues=cues,
        description=description_text(list(chapters), intro=intro),
        built_at=dt.datetime.fromtimestamp((folder / MANIFEST_NAME).stat().st_mtime, dt.UTC),
    )
    return record_for(out_dir, episode)


def _saved_title(out_dir: Path) -> str | None:
    """The feed's title as last saved beside the registry (usually the paper's name)."""
    try:
        saved = _read_json(Path(out_dir) / SETTINGS_NAME)
    except (OSError, ValueError):
        return None
    title = None
    with contextlib.suppress(KeyError, TypeError, ValueError):
        title = json.loads(saved["show_settings"]["title"])
    if title is None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            title = json.loads(saved["settings"]["feed"])["title"]
    return title if isinstance(title, str) and title.strip() else None


def _tags(audio: Path) -> tuple[str | None, str | None, dt.date | None]:
    """Title, album (the paper) and date from the MP3's ID3 tag, where readable."""
    from mutagen import MutagenError
    from mutagen.id3 import ID3

    try:
        tags = ID3(audio)
    except (MutagenError, OSError):
        return None, None, None

    def text(frame_id: str) -> str | None:
        frame = tags.get(frame_id)
        return str(frame.text[0]) if frame is not None and frame.text else None

    date = None
    stamp = text("TDRC") or text("TYER")
    with contextlib.suppress(ValueError, TypeError):
        if stamp and len(stamp) >= 10:
            date = dt.date.fromisoformat(stamp[:10])
    return text("TIT2"), text("TALB"), date


_MAX_JSON_BYTES = 64 * 2**20  # an edition's manifest with its cues is well under 1 MB


def _read_json(path: Path) -> Any:
    """A JSON file of ours, read with a bound (a hostile folder may hold anything: a
    pipe would block, a device never end)."""
    if not path.is_file():
        raise ValueError(f"{path.name} is not a regular file")
    try:
        return json.loads(read_bounded(path, _MAX_JSON_BYTES).decode("utf-8"))
    except TooLarge as exc:
        raise ValueError(str(exc)) from exc


def _size(path: Path) -> int:
    return path.stat().st_size


def _mark_removed(out_dir: Path, edition_id: str) -> None:
    folder = edition_folder(out_dir, edition_id)
    if folder.is_dir() and not folder.is_symlink():
        atomic_write_text(folder / REMOVED_NAME, "taken out of the feed; files kept\n")


def _check_own_file(edition_id: str, name: str) -> None:
    """A file a row names must be in its edition's folder: a hand-edited row must not
    point the feed at anything else."""
    parts = name.split("/")
    if len(parts) != 2 or parts[0] != edition_id or not _SAFE_ID.fullmatch(parts[1]):
        raise ValueError(f"the file {name!r} is not in the edition's folder")


def _readable(row: tuple[object, ...]) -> EpisodeRecord | None:
    """The row as a record, or None (with a warning) when it cannot be read or carries
    a date no feed can hold."""
    try:
        record = _from_row(row)
        check_feed_date(record.date)
        check_edition_id(record.edition_id)
        for name in (record.audio_file, record.cover_file):
            _check_own_file(record.edition_id, name)
    except (ValueError, TypeError, KeyError, OverflowError, InputError) as exc:
        log.warning(
            "skipping edition %s in the registry: %s (rebuild it, or run "
            "'audiopaper episodes remove %s')",
            row[0],
            exc,
            row[0],
        )
        return None
    return record


_WARNED: set[tuple[Path, str, str]] = set()
_COLUMN_NAMES = tuple(name.strip() for name in _COLUMNS.split(","))


def _row_json(record: EpisodeRecord) -> str:
    row = dict(zip(_COLUMN_NAMES, _to_row(record), strict=True))
    return json.dumps(row, ensure_ascii=False, indent=1) + "\n"


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
