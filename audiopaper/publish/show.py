"""The show settings: what the feed says about the podcast (title, owner, category…),
kept in the output folder's registry file in a table of their own, so every later
``build`` and ``feed`` writes the same show. ``audiopaper show`` reads and sets them.

The show's identity lives here too: its ``podcast:guid``, fixed at the first build and
kept for the show's life, and the feed addresses used before the current one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import ipaddress
import json
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from audiopaper.errors import ConfigError, InputError, PublishError
from audiopaper.fsutil import atomic_write_bytes
from audiopaper.kept_regex import compile_kept
from audiopaper.models import Edition
from audiopaper.publish.feed import FeedConfig, podcast_guid
from audiopaper.publish.registry import CHINA_TIME, DB_NAME, load_settings

# What a producer sets (the rest of FeedConfig is worked out by the program).
SHOW_FIELDS = (
    "title",
    "description",
    "author",
    "owner_name",
    "owner_email",
    "category",
    "subcategory",
    "copyright",
    "explicit",
    "language",
    "link",
    "cover",
    "publish_hour",
    "spoken_disclosure",
)
COVER_MIN, COVER_MAX = 1400, 3000  # Apple's bounds for show art, in pixels
COVER_MAX_BYTES = 10_000_000
_TABLE = "CREATE TABLE IF NOT EXISTS show_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_LEGACY_SETTINGS = "feed"  # where the feed settings were kept before this table
_PUBLISHED = "published_feed_url"  # the address the feed was last written for
_OWN_COVER = compile_kept(r"show-cover-[0-9a-f]{12}\.(?:png|jpg)")


def load_config(out_dir: Path) -> FeedConfig:
    """The folder's show settings and address, or the defaults for a new folder."""
    saved: dict[str, object] = dict(load_settings(out_dir, _LEGACY_SETTINGS) or {})
    saved.update(_read_table(out_dir))
    known = {f.name for f in dataclasses.fields(FeedConfig)}
    values = {k: v for k, v in saved.items() if k in known}
    if isinstance(values.get("previous_feed_urls"), list):
        values["previous_feed_urls"] = tuple(values["previous_feed_urls"])  # type: ignore[arg-type]
    return FeedConfig(**values)  # type: ignore[arg-type]


def save_config(
    out_dir: Path, config: FeedConfig, extra: Mapping[str, object] | None = None
) -> None:
    """Remember every setting of ``config`` for later builds."""
    values = {**dataclasses.asdict(config), **(extra or {})}
    with _connect(out_dir) as db, db:
        db.executemany(
            "INSERT OR REPLACE INTO show_settings (key, value) VALUES (?, ?)",
            [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()],
        )


def with_identity(out_dir: Path, config: FeedConfig) -> FeedConfig:
    """``config`` with the show's identity: the guid fixed at the first build on a
    public address (never changed after, wherever the feed moves), and the old feed
    address recorded when the feed moves. A local address (127.0.0.1, a LAN) is a
    preview: it fixes no guid (every preview would share one) and a move from it is
    no move."""
    stored = _read_table(out_dir)
    published = stored.get(_PUBLISHED) or _legacy_feed_url(out_dir)
    guid = stored.get("podcast_guid") or config.podcast_guid
    if not guid and not is_local_url(config.feed_url):
        first = str(published) if published and not is_local_url(str(published)) else None
        guid = podcast_guid(first or config.feed_url)
    moves = stored.get("previous_feed_urls")
    previous = [str(u) for u in moves] if isinstance(moves, list) else [*config.previous_feed_urls]
    if published and published != config.feed_url and not is_local_url(str(published)):
        previous = [u for u in previous if u != published] + [str(published)]
    previous = [u for u in previous if u != config.feed_url]
    return dataclasses.replace(
        config, podcast_guid=str(guid) if guid else None, previous_feed_urls=tuple(previous)
    )


def remember_published(out_dir: Path, config: FeedConfig) -> None:
    """Remember ``config`` as the one the feed was just written with."""
    save_config(out_dir, config, {_PUBLISHED: config.feed_url})


def is_local_url(url: str) -> bool:
    """An address only this machine or its network reaches."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host in ("localhost", "") or host.endswith((".localhost", ".local", ".lan")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _legacy_feed_url(out_dir: Path) -> str | None:
    base = (load_settings(out_dir, _LEGACY_SETTINGS) or {}).get("base_url")
    if not base:
        return None
    try:
        return FeedConfig(base_url=str(base)).feed_url
    except ConfigError:
        return None


def update_show(out_dir: Path, changes: Mapping[str, object]) -> FeedConfig:
    """Apply a producer's changes (names from :data:`SHOW_FIELDS`; ``cover`` is a path
    to an image, or ``""`` to go back to the drawn cover), check them, remember them."""
    unknown = sorted(set(changes) - set(SHOW_FIELDS))
    if unknown:
        raise ConfigError(f"unknown show setting {unknown[0]!r}")
    values = dict(changes)
    if "cover" in values:
        values["cover"] = _adopt_cover(out_dir, values["cover"])
    for name in ("owner_name", "owner_email", "copyright", "link", "subcategory"):
        if values.get(name) == "":
            values[name] = None  # an empty value clears an optional setting
    for name in ("title", "description", "author", "language", "category"):
        if name in values and not str(values[name]).strip():
            raise ConfigError(
                f"the show's {name} cannot be empty", hint="give a value, or leave it as it is"
            )
    config = load_config(out_dir)
    if "category" in values and "subcategory" not in values:
        values["subcategory"] = None  # the old subcategory belongs to the old category
    config = dataclasses.replace(config, **values)  # type: ignore[arg-type]
    save_config(out_dir, config)
    return config


def show_lines(config: FeedConfig) -> list[tuple[str, str]]:
    """The settings as ``(name, value)`` rows for printing."""
    rows = []
    for name in SHOW_FIELDS:
        value = getattr(config, name)
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif value is None:
            text = "(drawn)" if name == "cover" else "(not set)"
        else:
            text = str(value)
        rows.append((name.replace("_", "-"), text))
    guid = config.podcast_guid or "(fixed at the first build on a public address)"
    rows += [("feed-url", config.feed_url), ("podcast-guid", guid)]
    rows += [("moved-from", url) for url in config.previous_feed_urls]
    return rows


def check_cover_image(path: Path) -> tuple[bytes, str]:
    """A producer's show art, as directories require it: a square PNG or JPEG of
    1400 to 3000 pixels a side in RGB. Returns its bytes and its file extension."""
    from PIL import Image, UnidentifiedImageError

    try:
        if not Path(path).is_file():
            raise InputError(f"the cover {path} is not a file", hint="give a PNG or JPEG file")
        with Path(path).open("rb") as file:
            data = file.read(COVER_MAX_BYTES + 1)  # bounded: never a device or a huge file
    except OSError as exc:
        raise InputError(f"cannot read the cover {path}: {exc.strerror or exc}") from exc
    if len(data) > COVER_MAX_BYTES:
        raise InputError(
            f"the cover {path} is over {COVER_MAX_BYTES // 1_000_000} MB",
            hint="save it smaller (directories load show art on phones)",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, mode, (width, height) = image.format, image.mode, image.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise InputError(
            f"the cover {path} is not an image", hint="give a PNG or JPEG file"
        ) from None
    if kind not in ("PNG", "JPEG"):
        raise InputError(f"the cover {path} is {kind}, not PNG or JPEG", hint="save it as PNG")
    if width != height or not COVER_MIN <= width <= COVER_MAX:
        raise InputError(
            f"the cover {path} is {width}×{height} pixels",
            hint=f"directories need a square of {COVER_MIN} to {COVER_MAX} pixels",
        )
    if mode != "RGB":
        raise InputError(
            f"the cover {path} is in {mode} colour, not RGB",
            hint="save it as RGB without transparency (no CMYK, no alpha, no palette)",
        )
    return data, "png" if kind == "PNG" else "jpg"


def hashed_name(stem: str, data: bytes, extension: str) -> str:
    """``stem-<12 hex digits of the content hash>.ext``: a new picture gets a new URL,
    so apps that cache images by URL show it."""
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:12]}.{extension}"


def publication_time(date: dt.date, hour: int, built_at: dt.datetime) -> dt.datetime:
    """When an edition comes out: ``hour`` o'clock Beijing time on its date, but never
    later than its build (tomorrow's paper built tonight is dated tonight), so no
    episode is ever dated in the future."""
    planned = dt.datetime.combine(date, dt.time(hour), tzinfo=CHINA_TIME)
    built = built_at if built_at.tzinfo else built_at.replace(tzinfo=dt.UTC)
    return min(planned, built.astimezone(CHINA_TIME).replace(microsecond=0))


def episode_title(edition: Edition) -> str:
    """A title to tell episodes apart on a lock screen: the date and the lead story
    (``3月18日｜滨江区打造沿江生态廊道``), never the show's name again."""
    date = f"{edition.date.month}月{edition.date.day}日"
    for article in edition.articles:
        headline = " ".join(article.title.split())
        if headline:
            return f"{date}｜{headline}"
    return f"{date}｜{edition.paper}"


def _adopt_cover(out_dir: Path, value: object) -> str | None:
    """Check a producer's image and copy it into the folder under a content-hashed
    name; ``""`` or None means the drawn cover again."""
    if value in ("", None):
        return None
    data, extension = check_cover_image(Path(str(value)))
    name = hashed_name("show-cover", data, extension)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(Path(out_dir) / name, data)
    return name


def is_own_cover(name: str) -> bool:
    return bool(_OWN_COVER.fullmatch(name))


def _read_table(out_dir: Path) -> dict[str, object]:
    """The stored settings; read-only, so planning never writes into the folder."""
    path = Path(out_dir) / DB_NAME
    if not path.exists():
        return {}
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise PublishError(f"cannot open the show settings in {path}: {exc}") from exc
    try:
        rows = db.execute("SELECT key, value FROM show_settings").fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return {}  # a folder from before the show settings: the defaults
        raise PublishError(f"show settings in {path}: {exc}") from exc
    except sqlite3.Error as exc:
        raise PublishError(f"show settings in {path}: {exc}") from exc
    finally:
        db.close()
    values: dict[str, object] = {}
    for key, value in rows:
        try:
            values[str(key)] = json.loads(str(value))
        except json.JSONDecodeError:
            continue  # a damaged value falls back to the default
    return values


@contextlib.contextmanager
def _connect(out_dir: Path) -> Iterator[sqlite3.Connection]:
    path = Path(out_dir) / DB_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise PublishError(f"cannot open the show settings in {path}: {exc}") from exc
    try:
        db.execute(_TABLE)
        yield db
    except sqlite3.Error as exc:
        raise PublishError(
            f"show settings in {path}: {exc}", hint="another build may hold the file"
        ) from exc
    finally:
        db.close()
