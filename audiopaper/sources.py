"""What made an edition, kept in its folder so the edition can be made again later.

``<edition>/source/`` holds the pages under their own file names in ``pages/`` (a text
page as read: decoded, cleaned, UTF-8; a PDF as it was), the voice profile's content,
the per-edition lexicon's content (if one was given) and ``sources.json``: paper, date,
page format, audiopaper version, and each segment's clip cache key with the components
it hashes, which a rebuild compares to say why a segment must be synthesized again.
Names are kept because readers use them (a ``.md`` suffix, a page number in the name).
The shipped lexicon is not copied: a rebuild is how a fix to it reaches old editions.
Every file is written atomically, before ``edition.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audiopaper.errors import InputError
from audiopaper.fsutil import atomic_write_bytes, atomic_write_text

if TYPE_CHECKING:
    from audiopaper.pipeline import BuildOptions, Plan
    from audiopaper.synthesize import Job

SOURCE_FOLDER = "source"
RECORD_NAME = "sources.json"
VOICE_NAME = "voice.toml"
LEXICON_NAME = "lexicon.toml"
PAGES_FOLDER = "pages"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class SegmentRecord:
    """One segment as last synthesized: its text and its clip's cache key components."""

    source_text: str
    spoken_text: str
    key: str
    fields: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class KeptSources:
    """The record in ``source/sources.json``; file names are relative to ``source/``."""

    paper: str
    date: dt.date
    page_format: str  # as asked for when built ("auto", "text", "markdown")
    pages: tuple[str, ...]
    voice_file: str
    voice_name: str  # the profile's name, for people reading the record
    lexicon_file: str | None
    audiopaper_version: str
    segments: tuple[SegmentRecord, ...] = ()

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "paper": self.paper,
            "date": self.date.isoformat(),
            "page_format": self.page_format,
            "pages": list(self.pages),
            "voice_file": self.voice_file,
            "voice_name": self.voice_name,
            "lexicon_file": self.lexicon_file,
            "audiopaper_version": self.audiopaper_version,
            "segments": [
                {
                    "source_text": s.source_text,
                    "spoken_text": s.spoken_text,
                    "key": s.key,
                    "fields": dict(s.fields),
                }
                for s in self.segments
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@dataclass(frozen=True)
class PageSource:
    """A page as the build read it, under its own file name."""

    name: str
    data: bytes


def source_folder(edition_folder: Path) -> Path:
    return edition_folder / SOURCE_FOLDER


def keep_sources(
    edition_folder: Path,
    record: KeptSources,
    pages: list[PageSource],
    voice_toml: bytes,
    lexicon_toml: bytes | None,
) -> list[Path]:
    """Write the sources (each atomically), the record last; returns the files written.
    ``record``'s file names are set here."""
    folder = source_folder(edition_folder)
    written: list[Path] = []
    for page in pages:
        atomic_write_bytes(folder / page.name, page.data)
        written.append(folder / page.name)
    atomic_write_bytes(folder / VOICE_NAME, voice_toml)
    written.append(folder / VOICE_NAME)
    lexicon_file = None
    if lexicon_toml is not None:
        atomic_write_bytes(folder / LEXICON_NAME, lexicon_toml)
        written.append(folder / LEXICON_NAME)
        lexicon_file = LEXICON_NAME
    _remove_others(folder, {*written, folder / RECORD_NAME})
    final = replace(
        record,
        pages=tuple(page.name for page in pages),
        voice_file=VOICE_NAME,
        lexicon_file=lexicon_file,
    )
    atomic_write_text(folder / RECORD_NAME, final.to_json())
    written.append(folder / RECORD_NAME)
    return written


def _remove_others(folder: Path, keep: set[Path]) -> None:
    """Pages or a lexicon an earlier build kept and this one did not use."""
    for path in folder.rglob("*"):
        if path.is_file() and path not in keep and not path.name.startswith("."):
            path.unlink(missing_ok=True)


def read_sources(edition_folder: Path) -> KeptSources | None:
    """The kept record, or None for an edition built before sources were kept (or
    whose record is unreadable): its source is unknown."""
    folder = source_folder(edition_folder)
    try:
        data = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            return None
        sources = KeptSources(
            paper=str(data["paper"]),
            date=dt.date.fromisoformat(data["date"]),
            page_format=str(data["page_format"]),
            pages=tuple(str(p) for p in data["pages"]),
            voice_file=str(data["voice_file"]),
            voice_name=str(data["voice_name"]),
            lexicon_file=data["lexicon_file"],
            audiopaper_version=str(data["audiopaper_version"]),
            segments=tuple(
                SegmentRecord(
                    str(s["source_text"]), str(s["spoken_text"]), str(s["key"]), s["fields"]
                )
                for s in data["segments"]
            ),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    needed = [*sources.pages, sources.voice_file, *filter(None, [sources.lexicon_file])]
    if not sources.pages or not all((folder / name).is_file() for name in needed):
        return None
    return sources


def keep_build_sources(
    edition_folder: Path, options: BuildOptions, the_plan: Plan, jobs: list[Job]
) -> list[Path]:
    """Keep what a build was made from (called just before ``edition.json``)."""
    from audiopaper import __version__

    edition = the_plan.edition
    profile_path = the_plan.profile.path
    if profile_path is None:  # every loaded profile has one; a made-up one cannot be kept
        return []
    record = KeptSources(
        paper=edition.paper,
        date=edition.date,
        page_format=options.input_format,
        pages=(),
        voice_file=VOICE_NAME,
        voice_name=the_plan.profile.name,
        lexicon_file=None,
        audiopaper_version=__version__,
        segments=tuple(
            SegmentRecord(segment.source_text, segment.spoken_text, job.key, job.fields)
            for segment, job in zip(the_plan.segments, jobs, strict=True)
        ),
    )
    pages: list[PageSource] = []
    for number, path in enumerate(_inputs(options), start=1):
        page = _page_as_read(path)
        if page.name in {p.name for p in pages}:  # two folders, one file name
            page = PageSource(f"{PAGES_FOLDER}/{number}-{Path(path).name}", page.data)
        pages.append(page)
    lexicon = _read(options.lexicon) if options.lexicon is not None else None
    return keep_sources(edition_folder, record, pages, _read(profile_path), lexicon)


def _inputs(options: BuildOptions) -> list[Path]:
    """The page files the build read, in the order it was given them."""
    from audiopaper.pages import expand_inputs

    return expand_inputs((options.input_path, *options.more_inputs))


def _page_as_read(path: Path) -> PageSource:
    """A text page decoded and cleaned as the build read it, stored as UTF-8; a PDF as
    it is (its layout is what the reader reads, and may read better tomorrow)."""
    from audiopaper.pdf import is_pdf
    from audiopaper.read import read_text

    name = Path(path).name.lstrip(".") or "page.txt"  # a dot name would look like a temp
    if Path(path).suffix.lower() == ".pdf" or is_pdf(Path(path)):
        return PageSource(f"{PAGES_FOLDER}/{name}", _read(path))
    return PageSource(f"{PAGES_FOLDER}/{name}", read_text(path).encode("utf-8"))


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {path} again to keep it with the edition: {exc.strerror or exc}",
            hint="keep the voice profile and lexicon in place while a build runs",
        ) from exc


def keep_new_inputs(edition_folder: Path, voice_toml: bytes, lexicon_toml: bytes | None) -> None:
    """A rebuild with a new voice or lexicon that changed no segment still makes them the
    edition's own, so later rebuilds keep using them."""
    kept = read_sources(edition_folder)
    if kept is None:
        return
    folder = source_folder(edition_folder)
    pages = [PageSource(name, (folder / name).read_bytes()) for name in kept.pages]
    keep_sources(edition_folder, kept, pages, voice_toml, lexicon_toml)
