"""A no-op rebuild recognised before anything is parsed, normalized or loaded.

After every successful build, the digest of its inputs (the page's bytes and name, the
options, the voice profile and lexicon files, the program's own files, the folder's feed
settings) is recorded beside the edition it produced. A later build whose inputs give the
same digest, and whose edition is still intact and in the feed, is answered from that
record and the edition's manifest alone: no parser tables, no dictionaries, no models.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audiopaper.errors import OutputError
from audiopaper.fsutil import atomic_write_text
from audiopaper.manifest import Manifest, is_intact, read_manifest
from audiopaper.models import Article, Edition, Paragraph

if TYPE_CHECKING:
    from audiopaper.pipeline import BuildOptions

RECORD_FOLDER = Path(".cache") / "inputs"
_RECORD_VERSION = 1
_PNG_END = b"IEND\xaeB`\x82"


@dataclass(frozen=True)
class Recalled:
    """A finished edition that was built from exactly the same inputs."""

    edition: Edition
    folder: Path
    manifest: Manifest


def input_digest(options: BuildOptions) -> str | None:
    """What every output of a build depends on, hashed; None when an input cannot be
    read (the ordinary build then reports the problem)."""
    from audiopaper.lexicon import default_path
    from audiopaper.profiles import load_profile

    try:
        page = options.input_path.read_bytes()
        profile_path = load_profile(options.voice).path
        if profile_path is None:
            return None
        profile = profile_path.read_bytes()
        lexicons = [default_path().read_bytes()]
        if options.lexicon is not None:
            lexicons.append(options.lexicon.read_bytes())
    except Exception:  # any problem: take the ordinary path, which explains it
        return None
    digest = hashlib.sha256()
    for part in (page, profile, *lexicons):
        digest.update(hashlib.sha256(part).digest())
    settings = {
        "record": _RECORD_VERSION,
        "program": _program_stamp(),
        "page_name": options.input_path.name,
        "format": options.input_format,
        "paper": options.paper,
        "date": options.date.isoformat() if options.date else None,
        # A page without a date is dated today: tomorrow the same page is another edition.
        "today": None if options.date else options.today().isoformat(),
        "base_url": options.base_url,
        "feed": _saved_feed_settings(options.out_dir),
    }
    digest.update(json.dumps(settings, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def _program_stamp() -> str:
    """The program's own files by name, size and modification time: a new version or an
    edited checkout misses the fast path (and takes the ordinary one, which knows)."""
    root = Path(__file__).resolve().parent
    stamp = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".pyc",) or "__pycache__" in path.parts:
            continue
        info = path.stat()
        stamp.update(f"{path.relative_to(root)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return stamp.hexdigest()


def _saved_feed_settings(out_dir: Path) -> object:
    """Every show setting the folder remembers (title, address, cover, disclosure…)."""
    from dataclasses import asdict

    from audiopaper.publish import saved_config

    try:
        return asdict(saved_config(out_dir))
    except Exception:  # an unreadable registry: the ordinary path repairs it
        return "unreadable"


def remember(out_dir: Path, digest: str | None, edition: Edition, manifest: Manifest) -> None:
    """Record that these inputs gave this edition (after it is complete)."""
    if digest is None:
        return
    record = {
        "version": _RECORD_VERSION,
        "fingerprint": manifest.fingerprint,
        "edition": _edition_to_json(edition),
    }
    text = json.dumps(record, ensure_ascii=False) + "\n"
    with contextlib.suppress(OutputError):  # only a shortcut: the next rebuild checks fully
        atomic_write_text(_record_path(out_dir, digest), text)


def recall(out_dir: Path, digest: str | None) -> Recalled | None:
    """The edition these inputs built, if its files are all intact and it is still in
    the feed; None means build (or check) the ordinary way."""
    from audiopaper.publish.registry import edition_folder, get_episode

    if digest is None:
        return None
    try:
        record = json.loads(_record_path(out_dir, digest).read_text(encoding="utf-8"))
        if record.get("version") != _RECORD_VERSION:
            return None
        edition = _edition_from_json(record["edition"])
        folder = edition_folder(out_dir, edition.edition_id)
        manifest = read_manifest(folder)
        if manifest is None or manifest.fingerprint != record["fingerprint"]:
            return None
        if not is_intact(folder, manifest) or get_episode(out_dir, edition.edition_id) is None:
            return None
    except Exception:  # a damaged record or registry: the ordinary path
        return None
    return Recalled(edition, folder, manifest)


def damaged_site_files(out_dir: Path, edition_id: str) -> list[str]:
    """Which of the folder-wide ``feed.xml`` (listing this edition), ``index.html`` and
    channel cover (the picture the feed names) are missing or cut short. (They change with
    every edition of the folder, so they are checked for shape, not against a digest.)"""
    import xml.etree.ElementTree as ET

    damaged = []
    cover = ""  # unknown without a feed, which is then written again with its cover
    try:
        feed = ET.parse(out_dir / "feed.xml").getroot()
        urls = [e.get("url") or "" for e in feed.iter("enclosure")]
        if feed.tag != "rss" or not any(u.endswith(f"/{edition_id}.mp3") for u in urls):
            damaged.append("feed.xml")
        cover = (feed.findtext("channel/image/url") or "").rsplit("/", 1)[-1]
    except (OSError, ET.ParseError):
        damaged.append("feed.xml")
    if not _read(out_dir / "index.html").rstrip().lower().endswith(b"</html>"):
        damaged.append("index.html")
    if cover and not _whole_picture(_read(out_dir / cover)):
        damaged.append(cover)
    return damaged


def _whole_picture(data: bytes) -> bool:
    """A PNG or JPEG that ends where its format says it ends (not cut short)."""
    png = data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(_PNG_END)
    jpeg = data.startswith(b"\xff\xd8") and data.rstrip(b"\x00").endswith(b"\xff\xd9")
    return png or jpeg


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _record_path(out_dir: Path, digest: str) -> Path:
    return out_dir / RECORD_FOLDER / f"{digest}.json"


def _edition_to_json(edition: Edition) -> dict[str, object]:
    data = asdict(edition)
    data["date"] = edition.date.isoformat()
    data["source"] = str(edition.source) if edition.source else None
    return data


def _edition_from_json(data: dict[str, object]) -> Edition:
    import datetime as dt

    articles = []
    for raw in data["articles"]:  # type: ignore[attr-defined]
        fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
        fields["paragraphs"] = tuple(Paragraph(**p) for p in fields["paragraphs"])
        articles.append(Article(**fields))
    source = data.get("source")
    return Edition(
        paper=str(data["paper"]),
        date=dt.date.fromisoformat(str(data["date"])),
        articles=tuple(articles),
        source=Path(str(source)) if source else None,
    )
